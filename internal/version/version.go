// Package version says which build is running: the release set at link time
// (make build), else what the Go toolchain recorded (go install module@v1.2.3
// records the module version; a build from a checkout records the VCS
// revision and whether the tree was modified).
package version

import (
	"runtime/debug"
	"strings"
)

// Version is set by the Makefile: -ldflags "-X .../internal/version.Version=v1.2.3".
var Version = ""

// String is the version to report, e.g. "v0.3.0", "v0.3.1-0.20261130-abc (go install)",
// "devel 1a2b3c4d5e6f-dirty" or "dev".
func String() string {
	bi, ok := debug.ReadBuildInfo()
	return describe(Version, bi, ok)
}

func describe(linked string, bi *debug.BuildInfo, ok bool) string {
	if linked != "" {
		return linked
	}
	if !ok || bi == nil {
		return "dev"
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if modified == "true" && rev != "" {
		rev += "-dirty"
	}
	v := bi.Main.Version
	switch {
	case v != "" && v != "(devel)":
		// go install module@version: the module version says it all (it
		// embeds the revision for pseudo-versions).
		return v
	case rev != "":
		return "devel " + rev
	}
	return "dev"
}

// Short is the version without spaces, for the MCP serverInfo.
func Short() string { return strings.ReplaceAll(String(), " ", "-") }
