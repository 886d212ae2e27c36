package redact

import (
	"fmt"
	"strings"
	"testing"
)

func TestRegisterIsBoundedAndReleased(t *testing.T) {
	r := New(Options{})
	r.AddSecret("configured-secret-key-0123")
	var releases []func()
	refused := 0
	for i := range maxRuntime + 20 {
		rel, ok := r.Register(fmt.Sprintf("runtime-token-%04d-abcdef", i))
		if !ok {
			refused++
			continue
		}
		releases = append(releases, rel)
	}
	if refused != 20 || r.Secrets() != maxRuntime+1 {
		t.Fatalf("refused %d, holds %d; want 20 refused and %d held", refused, r.Secrets(), maxRuntime+1)
	}
	if out := r.String("a runtime-token-0007-abcdef b"); strings.Contains(out, "runtime-token-0007") {
		t.Fatalf("a registered value is not masked: %q", out)
	}
	for _, rel := range releases {
		rel()
		rel() // twice is harmless
	}
	if r.Secrets() != 1 {
		t.Fatalf("after release the list holds %d values, want the configured one", r.Secrets())
	}
	if out := r.String("a runtime-token-0007-abcdef b"); !strings.Contains(out, "runtime-token-0007") {
		t.Fatalf("a released value is still masked: %q", out)
	}
	if out := r.String("configured-secret-key-0123"); strings.Contains(out, "configured") {
		t.Fatalf("a configured secret was released: %q", out)
	}
	if _, ok := r.Register(strings.Repeat("x", 1<<20)); !ok || len(r.load().values[1]) != maxSecretBytes {
		t.Fatalf("a 1 MB value is registered by a %d-byte prefix", maxSecretBytes)
	}
}

func TestKnownNonSecretsAreNeverRegistered(t *testing.T) {
	r := New(Options{})
	r.NotSecret("env-prod-123456", "ap-guangzhou", "cloudbase_list_envs")
	_, _ = r.Register("env-prod-123456", "AP-GUANGZHOU")
	r.AddSecret("cloudbase_list_envs", "short")
	s := r.NewScope()
	s.Add("env-prod-123456")
	if r.Secrets() != 0 || s.Values() != 0 {
		t.Fatalf("non-secrets registered: shared %d, scope %d", r.Secrets(), s.Values())
	}
}

func TestScopeMasksOnlyItsOwnRequests(t *testing.T) {
	r := New(Options{})
	r.AddSecret("shared-secret-value-1")
	s := r.NewScope()
	s.Add("request-secret-value-2")
	text := "shared-secret-value-1 request-secret-value-2"
	if out := s.Redactor().String(text); strings.Contains(out, "secret-value") {
		t.Fatalf("scope redactor: %q", out)
	}
	if out := r.String(text); !strings.Contains(out, "request-secret-value-2") || strings.Contains(out, "shared-secret-value-1") {
		t.Fatalf("shared redactor: %q", out)
	}
	r.AddSecret("shared-later-value-3") // the view sees later shared secrets too
	if out := s.Redactor().String("shared-later-value-3"); strings.Contains(out, "later") {
		t.Fatalf("scope misses a later shared secret: %q", out)
	}
	for i := range maxScopeValues + 10 {
		s.Add(fmt.Sprintf("request-value-%04d-xyz", i))
	}
	if s.Values() != maxScopeValues {
		t.Fatalf("scope holds %d values, bound %d", s.Values(), maxScopeValues)
	}
}
