package app

import (
	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/cloudbase"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/telnyx"
)

// Providers are the clouds this server manages, one line each. Each is
// declared in its own package under cloud/ (credentials, settings, clients,
// toolsets); nothing else in the composition root names one.
var Providers = []cloud.Provider{
	cloudbase.Provider,
	telnyx.Provider,
}
