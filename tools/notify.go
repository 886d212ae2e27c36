package tools

import (
	"context"

	"github.com/cloudops-mcp/cloudops-mcp/resources"
)

// changed tells subscribed clients that the resources at uris changed. Tools
// call it only after a change was applied (not for dry runs or failures).
func (d *Deps) changed(ctx context.Context, uris ...string) {
	if d.Changed != nil && len(uris) > 0 {
		d.Changed(ctx, uris...)
	}
}

// providerChanged is the provider tools' one-line hook: the providers list
// and, when the id is known, that provider's resource.
func (d *Deps) providerChanged(ctx context.Context, id string) {
	uris := []string{resources.ProvidersURI}
	if id != "" {
		uris = append(uris, resources.ProviderURI(id))
	}
	d.changed(ctx, uris...)
}
