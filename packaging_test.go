package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Both install paths put a working cloudops-mcp where a shell finds it and
// it reports what it is. (`go install <module>@latest` fetches the same
// package from the module proxy; here it is installed from the checkout.)
func TestInstallPaths(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary twice")
	}
	for _, tc := range []struct {
		name string
		cmd  func(dir string) *exec.Cmd
	}{
		{"make install", func(dir string) *exec.Cmd {
			return exec.Command("make", "--no-print-directory", "install", "INSTALL_DIR="+dir)
		}},
		{"go install", func(dir string) *exec.Cmd {
			// -trimpath like make build, so both share the compiled packages.
			c := exec.Command("go", "install", "-trimpath", ".")
			c.Env = append(os.Environ(), "GOBIN="+dir)
			return c
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cmd := tc.cmd(dir)
			if _, err := exec.LookPath(cmd.Args[0]); err != nil {
				t.Skip(cmd.Args[0], "not installed")
			}
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v: %v\n%s", cmd.Args, err, out)
			}
			out, err := exec.Command(filepath.Join(dir, "cloudops-mcp"), "--version").Output()
			if err != nil || !strings.HasPrefix(string(out), "cloudops-mcp ") || len(strings.TrimSpace(string(out))) <= len("cloudops-mcp ") {
				t.Fatalf("--version: %q %v", out, err)
			}
		})
	}
}

// No docker engine runs here, so the Dockerfile is checked for what the
// README promises: multi-stage, static (CGO off), distroless or scratch,
// non-root, the binary as entrypoint with stdio by default, and a Go image
// at least as new as go.mod asks for.
func TestDockerfile(t *testing.T) {
	raw, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(raw)
	froms := regexp.MustCompile(`(?m)^FROM\s+(\S+)(?:\s+AS\s+(\S+))?`).FindAllStringSubmatch(df, -1)
	if len(froms) < 2 || froms[0][2] == "" {
		t.Fatalf("want a named build stage and a final stage: %v", froms)
	}
	final := froms[len(froms)-1][1]
	if !strings.HasPrefix(final, "gcr.io/distroless/static") && final != "scratch" {
		t.Errorf("final stage %s: want distroless static or scratch", final)
	}
	if !strings.Contains(df, "CGO_ENABLED=0") || !strings.Contains(df, "COPY --from="+froms[0][2]+" ") {
		t.Error("want a static (CGO_ENABLED=0) binary copied from the build stage")
	}
	user := regexp.MustCompile(`(?m)^USER\s+(\S+)`).FindAllStringSubmatch(df, -1)
	if len(user) == 0 || strings.HasPrefix(user[len(user)-1][1], "root") || strings.HasPrefix(user[len(user)-1][1], "0") {
		t.Errorf("want a non-root USER: %v", user)
	}
	if !strings.Contains(df, `ENTRYPOINT ["/usr/local/bin/cloudops-mcp"]`) || regexp.MustCompile(`(?m)^CMD`).MatchString(df) {
		t.Error("want the binary as ENTRYPOINT and no CMD (stdio by default, HTTP through flags)")
	}
	goVer := regexp.MustCompile(`(?m)^ARG GO_VERSION=(\d+\.\d+)`).FindStringSubmatch(df)
	mod, _ := os.ReadFile("go.mod")
	want := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(string(mod))
	if goVer == nil || want == nil || goVer[1] != want[1] {
		t.Errorf("Go image %v, go.mod %v: keep them on the same minor version", goVer, want)
	}
	for _, f := range []string{"LICENSE", "CHANGELOG.md", ".dockerignore"} {
		if _, err := os.Stat(f); err != nil {
			t.Error(err)
		}
	}
}

// make test's prerequisite check names what is missing and what to install.
func TestPrereqsSayWhatToInstall(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go not on PATH")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "node"), []byte("#!/bin/sh\necho 16.20.0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(".ci/prereqs", goBin)
	cmd.Env = append(os.Environ(), "PATH="+dir+":/usr/bin:/bin")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "Node.js 18 or newer is needed for the interop suite, found 16.20.0") ||
		strings.Contains(string(out), "Go ") {
		t.Fatalf("%v\n%s", err, out)
	}
	if out, err := exec.Command(".ci/prereqs", filepath.Join(dir, "no-go")).CombinedOutput(); err == nil || !strings.Contains(string(out), "https://go.dev/dl/") {
		t.Fatalf("%v\n%s", err, out)
	}
}

// The binary users get keeps the linker's dead-code elimination: nothing
// reachable calls reflect's Method/MethodByName with a name known only at
// run time (text/template and html/template execution do), which would keep
// every exported method of every linked type — megabytes more binary, page
// faults and resident memory at every start (BENCHMARKS.md). Nor does it
// link gRPC (whose golang.org/x/net/trace executes a template, and whose
// init every start pays): the OTLP exporter is internal/tracing's own.
func TestLinkerDropsUnusedMethods(t *testing.T) {
	if testing.Short() {
		t.Skip("links the binary")
	}
	deps, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range strings.Fields(string(deps)) {
		if strings.HasPrefix(pkg, "google.golang.org/grpc") || pkg == "golang.org/x/net/trace" {
			t.Errorf("the server links %s (go mod why -m %s)", pkg, pkg)
		}
	}
	out, err := exec.Command("go", "build", "-ldflags=-dumpdep", "-o", os.DevNull, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%.2000s", err, out)
	}
	var chain []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "<ReflectMethod>") {
			chain = append(chain, line)
		}
	}
	if len(chain) > 0 {
		t.Fatalf("a reachable function calls reflect Method/MethodByName by a run-time name, so the linker keeps every exported method; find who reaches it in `go build -ldflags=-dumpdep .`:\n%s",
			strings.Join(chain[:min(len(chain), 10)], "\n"))
	}
}
