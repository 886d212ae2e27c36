package config

import (
	"fmt"
	"io"
	"strings"
)

const usageHeader = `cloudops-mcp — an MCP server that lets AI assistants manage Tencent CloudBase
(login methods, identity providers, API keys, integrations, data) and Telnyx
account access, without ever showing them a secret.

Usage:
  cloudops-mcp [flags]                 serve MCP (stdio by default)
  cloudops-mcp --sandbox               serve MCP against the built-in offline emulator
  cloudops-mcp sandbox [--addr A]      run only the emulator, for other clients
  cloudops-mcp help                    this text (also --help, -h)

Try it:  make run   (or: cloudops-mcp --sandbox)
Connect an IDE: command "cloudops-mcp", args ["--sandbox"] (see README.md).

Every setting is a flag, an environment variable and a --config file key;
flags win over the environment, which wins over the file.
`

// WriteUsage prints the help text: every setting by group, with its flag,
// variables and default.
func WriteUsage(w io.Writer) {
	fmt.Fprint(w, usageHeader)
	group := ""
	for _, s := range grouped() {
		if s.Group != group {
			group = s.Group
			fmt.Fprintf(w, "\n%s:\n", group)
		}
		var head []string
		if !s.EnvOnly {
			head = append(head, strings.TrimSpace("--"+s.Name+" "+s.Kind.metavar()))
		}
		head = append(head, "$"+strings.Join(s.envNames(), ", $"))
		line := "  " + strings.Join(head, "  ")
		if s.Default != "" {
			line += "  (default " + s.Default + ")"
		}
		fmt.Fprintf(w, "%s\n      %s\n", line, s.Usage)
	}
	fmt.Fprint(w, "\nOther:\n  --version\n      print the version and exit\n  --help, -h\n      print this help\n")
}

// MarkdownTable is the README's settings table, generated from the same
// declarations as the flags (`make docs`).
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| flag / config key | environment | default | meaning |\n|---|---|---|---|\n")
	group := ""
	for _, s := range grouped() {
		if s.Group != group {
			group = s.Group
			fmt.Fprintf(&b, "| **%s** | | | |\n", group)
		}
		flag := "`" + s.Name + "` (file only)"
		if !s.EnvOnly {
			flag = "`--" + s.Name + "`"
		}
		def := ""
		if s.Default != "" {
			def = "`" + s.Default + "`"
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s |\n", flag, strings.Join(s.envNames(), "`, `"), def, mdEscape.Replace(s.Usage))
	}
	return b.String()
}

var mdEscape = strings.NewReplacer("|", "\\|", "<", "&lt;", ">", "&gt;")

// grouped is every setting with each group's members together, groups in
// the order they first appear (settings declared later in another file or
// package join their group instead of repeating its heading).
func grouped() []*Setting {
	var order []string
	members := map[string][]*Setting{}
	for _, s := range All() {
		if _, ok := members[s.Group]; !ok {
			order = append(order, s.Group)
		}
		members[s.Group] = append(members[s.Group], s)
	}
	var out []*Setting
	for _, g := range order {
		out = append(out, members[g]...)
	}
	return out
}
