package version

import (
	"runtime/debug"
	"testing"
)

func TestDescribe(t *testing.T) {
	bi := func(v string, settings ...string) *debug.BuildInfo {
		b := &debug.BuildInfo{Main: debug.Module{Path: "github.com/cloudops-mcp/cloudops-mcp", Version: v}}
		for i := 0; i+1 < len(settings); i += 2 {
			b.Settings = append(b.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return b
	}
	for _, tc := range []struct {
		linked string
		bi     *debug.BuildInfo
		ok     bool
		want   string
	}{
		{"v1.0.0", bi("v0.9.0"), true, "v1.0.0"}, // make build wins
		{"", bi("v0.4.2"), true, "v0.4.2"},       // go install module@v0.4.2
		{"", bi("v0.0.0-20261130120000-1a2b3c4d5e6f"), true, "v0.0.0-20261130120000-1a2b3c4d5e6f"},
		{"", bi("(devel)", "vcs.revision", "1a2b3c4d5e6f7a8b9c0d", "vcs.modified", "true"), true, "devel 1a2b3c4d5e6f-dirty"},
		{"", bi("(devel)", "vcs.revision", "1a2b3c4d5e6f7a8b9c0d", "vcs.modified", "false"), true, "devel 1a2b3c4d5e6f"},
		{"", bi("(devel)"), true, "dev"},
		{"", nil, false, "dev"},
	} {
		if got := describe(tc.linked, tc.bi, tc.ok); got != tc.want {
			t.Errorf("describe(%q, %+v) = %q, want %q", tc.linked, tc.bi, got, tc.want)
		}
	}
}
