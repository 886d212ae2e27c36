package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Log fields carry their unit in the name (wait_ms, bound_ms): zerolog's
// Dur writes a bare number whose unit a reader must guess.
func TestLogDurationsNameTheirUnit(t *testing.T) {
	dur := regexp.MustCompile(`\.Dur\("`)
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if dur.Match(src) {
			t.Errorf("%s: a log field uses .Dur(...); log Int64(\"name_ms\", d.Milliseconds()) instead", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
