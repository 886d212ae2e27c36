package app

import (
	"context"
	"fmt"
)

// serveHTTP runs the SSE or Streamable HTTP transport (transports issue).
func (a *App) serveHTTP(ctx context.Context) error {
	return fmt.Errorf("transport %q is not available yet", a.Config.Transport)
}
