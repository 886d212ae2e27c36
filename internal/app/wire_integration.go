package app

import "github.com/mark3labs/mcp-go/server"

// registerResourcesAndPrompts adds the MCP resources and prompts (integration issue).
func (a *App) registerResourcesAndPrompts(s *server.MCPServer) {}
