package tools

// ToolsetCloudBaseIntegration holds the integration template and instance tools.
const ToolsetCloudBaseIntegration = "cloudbase_integration"

func cloudbaseIntegrationTools(d *Deps) []Tool { return nil }
