package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// Settings as a provider package registers them (cloud/cloudbase declares
// these in the server).
var (
	testEnvID     = Register[string](Setting{Name: "env-id", Env: []string{"TENCENTCLOUD_TCB_ENVID", "CLOUDBASE_ENV_ID"}, Kind: String, Group: "Test"})
	testRegion    = Register[string](Setting{Name: "region", Env: []string{"TENCENTCLOUD_REGION"}, Kind: String, Default: "ap-shanghai", Group: "Test"})
	testSecretKey = Register[string](Setting{Name: "secret-key", EnvOnly: true, Secret: true, Env: []string{"TENCENTCLOUD_SECRETKEY"}, Kind: String, Group: "Test"})
	testSource    = Register[string](Setting{Name: "credential-source", Kind: String, Default: "auto", Group: "Test", Choices: []string{"auto", "env", "profile", "role"}})
)

func TestFlagBeatsEnvironmentBeatsFile(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"c.toml": "region = \"from-file\"\nenv-id = \"file-env\"\ntimeout = \"45s\"\nread-only = true\ntoolsets = [\"telnyx\", \"cloudbase_auth\"]\nmax-body-bytes = 2048\n",
		"c.yaml": "region: from-file\nenv-id: file-env\ntimeout: 45s\nread-only: true\ntoolsets: [telnyx, cloudbase_auth]\nmax-body-bytes: 2048\n",
		"c.json": `{"region": "from-file", "env-id": "file-env", "timeout": "45s", "read-only": true, "toolsets": ["telnyx", "cloudbase_auth"], "max-body-bytes": 2048}`,
	}
	for name, body := range files {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			c, err := Parse([]string{"--config", path, "--env-id", "flag-env"},
				env(map[string]string{"TENCENTCLOUD_REGION": "env-region", "TENCENTCLOUD_TCB_ENVID": "env-env"}), &bytes.Buffer{})
			if err != nil {
				t.Fatal(err)
			}
			if testEnvID.Get(c) != "flag-env" || testRegion.Get(c) != "env-region" || c.Timeout != 45*time.Second || !c.ReadOnly ||
				strings.Join(c.Toolsets, ",") != "telnyx,cloudbase_auth" || c.MaxBodyBytes != 2048 {
				t.Fatalf("got env %q region %q timeout %s read-only %v toolsets %v body %d", testEnvID.Get(c), testRegion.Get(c), c.Timeout, c.ReadOnly, c.Toolsets, c.MaxBodyBytes)
			}
		})
	}
}

func TestDefaultsAndEnvironmentOnly(t *testing.T) {
	c, err := Parse(nil, env(map[string]string{"TENCENTCLOUD_SECRETKEY": "k", "CLOUDOPS_MCP_READ_ONLY": "1", "CLOUDOPS_MCP_CONFIG": ""}), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Transport != "stdio" || c.Addr != "127.0.0.1:8080" || c.Timeout != 30*time.Second || !c.ConfirmDestructive ||
		strings.Join(c.Toolsets, ",") != "all" || c.MaxBodyBytes != 1<<20 || testSecretKey.Get(c) != "k" || !c.ReadOnly {
		t.Fatalf("%+v", c)
	}
	// A credential is never a flag (process lists, shell history).
	if _, err := Parse([]string{"--secret-key", "x"}, env(nil), &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "unknown flag --secret-key") {
		t.Fatalf("secret as a flag: %v", err)
	}
	// Later --flag wins, and a list flag replaces the default rather than appending.
	c, err = Parse([]string{"--toolsets", "telnyx", "--confirm-destructive=false"}, env(nil), &bytes.Buffer{})
	if err != nil || strings.Join(c.Toolsets, ",") != "telnyx" || c.ConfirmDestructive {
		t.Fatalf("%v %v %v", err, c.Toolsets, c.ConfirmDestructive)
	}
}

func TestErrorsAreShortAndNameTheSetting(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	_ = os.WriteFile(bad, []byte("regoin = \"x\"\n"), 0o600)
	secret := filepath.Join(dir, "secret.yaml")
	_ = os.WriteFile(secret, []byte("http-token: [1, 2]\n"), 0o600)
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--transprt", "http"}, nil, "unknown flag --transprt (did you mean --transport?); see --help"},
		{[]string{"--xyzzy"}, nil, "unknown flag --xyzzy; see --help"},
		{[]string{"-x"}, nil, "unknown flag -x; see --help"},
		{[]string{"-transport", "http"}, nil, "unknown flag -transport (flags take two dashes: --transport)"},
		{[]string{"--addr"}, nil, "flag --addr needs a value"},
		{[]string{"--timeout", "soon"}, nil, `--timeout "soon": want a duration`},
		{[]string{"serve"}, nil, `unexpected argument "serve"; see --help`},
		{nil, map[string]string{"CLOUDOPS_MCP_MAX_BODY_BYTES": "1MB"}, `CLOUDOPS_MCP_MAX_BODY_BYTES="1MB": want a whole number`},
		{nil, map[string]string{"CLOUDOPS_MCP_TRANSPORT": "grpc"}, `--transport "grpc": want stdio, sse or http`},
		{[]string{"--credential-source", "vault"}, nil, `--credential-source "vault": want auto, env, profile or role`},
		{[]string{"--config", bad}, nil, `unknown setting "regoin" (did you mean region?)`},
		{[]string{"--config", secret}, nil, "http-token: want a string"},
		{[]string{"--config", filepath.Join(dir, "c.ini")}, nil, "want a .toml, .yaml, .yml or .json file"},
		{[]string{"--config", filepath.Join(dir, "missing.json")}, nil, "--config: open"},
	} {
		_, err := Parse(tc.args, env(tc.env), &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %v: got %v, want %q", tc.args, tc.env, err, tc.want)
		}
		if _, ok := err.(*Error); !ok {
			t.Errorf("%v: %T is not a *config.Error", tc.args, err)
		}
	}
}

func TestHelpListsEverySettingWithItsVariables(t *testing.T) {
	var out bytes.Buffer
	if _, err := Parse([]string{"--help"}, env(nil), &out); err != ErrHelp {
		t.Fatal(err)
	}
	for _, s := range All() {
		for _, e := range s.envNames() {
			if !strings.Contains(out.String(), "$"+e) {
				t.Errorf("help lacks $%s", e)
			}
		}
		if !s.EnvOnly && !strings.Contains(out.String(), "--"+s.Name) {
			t.Errorf("help lacks --%s", s.Name)
		}
	}
}

// A provider package declares its own setting; it parses like the core ones.
var testSetting = Register[time.Duration](Setting{Name: "test-provider-poll", Kind: Duration, Default: "5s", Group: "Test", Usage: "test only"})

func TestRegisteredSetting(t *testing.T) {
	c, err := Parse(nil, env(nil), &bytes.Buffer{})
	if err != nil || testSetting.Get(c) != 5*time.Second || testSource.Get(c) != "auto" {
		t.Fatalf("%v %v", err, testSetting.Get(c))
	}
	c, err = Parse([]string{"--test-provider-poll", "1m"}, env(map[string]string{"CLOUDOPS_MCP_TEST_PROVIDER_POLL": "2m"}), &bytes.Buffer{})
	if err != nil || testSetting.Get(c) != time.Minute {
		t.Fatalf("%v %v", err, testSetting.Get(c))
	}
	c, _ = Parse(nil, env(map[string]string{"CLOUDOPS_MCP_TEST_PROVIDER_POLL": "2m"}), &bytes.Buffer{})
	if testSetting.Get(c) != 2*time.Minute {
		t.Fatal(testSetting.Get(c))
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a duplicate declaration must panic")
		}
	}()
	Register[string](Setting{Name: "region", Kind: String})
}
