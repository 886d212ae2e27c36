package app

import (
	"github.com/mark3labs/mcp-go/server"

	"github.com/cloudops-mcp/cloudops-mcp/tools"
)

// selectTools applies --toolsets, --tools and --read-only (safety issue).
func (a *App) selectTools(all []tools.Tool) ([]tools.Tool, error) { return all, nil }

// safetyOptions adds dry-run, confirmation and audit middleware (safety issue).
func (a *App) safetyOptions() []server.ServerOption { return nil }
