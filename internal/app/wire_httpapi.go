package app

// buildHTTPAPI sets up the CloudBase HTTP API client in a.Deps (HTTP API issue).
func (a *App) buildHTTPAPI() error { return nil }
