package tools

// ToolsetTelnyx holds the Telnyx account access tools.
const ToolsetTelnyx = "telnyx"

func telnyxTools(d *Deps) []Tool { return nil }
