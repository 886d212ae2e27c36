package tools_test

import "github.com/cloudops-mcp/cloudops-mcp/internal/config"

type configT = config.Config
