package tools

// ToolsetCloudBaseHTTP holds the CloudBase HTTP API tools.
const ToolsetCloudBaseHTTP = "cloudbase_http"

func cloudbaseHTTPTools(d *Deps) []Tool { return nil }
