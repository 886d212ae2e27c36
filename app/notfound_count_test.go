package app_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var toolCountRE = regexp.MustCompile(`the (\d+) tools`)

// With --dynamic-toolsets, the answer to a guessed tool name does not claim
// a number of tools this session's tools/list does not show (trial 4, N4:
// "tools/list shows the 48 tools served" next to a list of 39).
func TestDynamicUnknownToolCountsWhatTheSessionSees(t *testing.T) {
	s := startDynamic(t, "stdio")()
	s.callOK("enable_toolset", map[string]any{"toolset": "cloudbase_auth"})
	names, _ := s.list()
	_, err := s.call("nonexistent_tool", nil)
	if err == nil || !strings.Contains(err.Error(), `No tool is named "nonexistent_tool"`) || !strings.Contains(err.Error(), "list_available_toolsets") {
		t.Fatalf("unknown tool: %v", err)
	}
	if m := toolCountRE.FindStringSubmatch(err.Error()); m != nil && m[1] != strconv.Itoa(len(names)) {
		t.Fatalf("the answer says %s tools, tools/list shows %d: %v", m[1], len(names), err)
	}
}
