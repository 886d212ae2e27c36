package sandbox

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The sandbox is the only counterpart the clients are tested against, so it
// must state the wire on its own: if it shared cloud/tcb's or cloud/telnyx's
// structs, a wrong field name would agree with itself and no test could fail.
// Every file of the package (tests of package sandbox included) is checked;
// black-box tests in package sandbox_test may drive it with the real clients.
func TestSandboxDoesNotImportTheClients(t *testing.T) {
	forbidden := []string{"/cloud/tcb", "/cloud/telnyx", "/tools", "/app"}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err // subpackages are walked too
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		if f.Name.Name == "sandbox_test" {
			return nil
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			for _, bad := range forbidden {
				if strings.HasPrefix(p, "github.com/cloudops-mcp/cloudops-mcp"+bad) {
					t.Errorf("%s imports %s: the sandbox must keep its own wire types", path, p)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
