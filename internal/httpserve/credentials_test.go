package httpserve

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestCredentialHeadersApplyPerRequestAndAreRedacted(t *testing.T) {
	for _, kind := range []string{"http", "sse"} {
		t.Run(kind, func(t *testing.T) {
			f := start(t, Options{Transport: kind})
			key, token, telnyx := "client-secret-key-"+kind+"-0123456789", "client-session-token-"+kind, "KEYclienttelnyx_"+kind+"0123456789"
			c := f.connect(kind, map[string]string{HeaderSecretID: "AKIDclient" + kind, HeaderSecretKey: key,
				HeaderSessionToken: token, HeaderEnvID: "env-" + kind, HeaderTelnyxAPIKey: telnyx})
			want := "id=AKIDclient" + kind + " env=env-" + kind + " key=yes token=yes telnyx=yes"
			if got := call(t, c, "whoami"); got != want {
				t.Errorf("whoami = %q, want %q", got, want)
			}
			// Masked for the request (its scope's redactor), never added to the shared list.
			leaked := call(t, c, "leak")
			for _, secret := range []string{key, token, telnyx} {
				if strings.Contains(leaked, secret) {
					t.Errorf("the request's redactor does not mask a client-sent secret: %q", leaked)
				}
			}
			if n := f.red.Secrets(); n != 0 {
				t.Errorf("client-sent secrets joined the shared redaction list (%d values)", n)
			}
			// A client without headers gets the server's own credentials (no overrides).
			if got := call(t, f.connect(kind, nil), "whoami"); got != "id= env= key=no token=no telnyx=no" {
				t.Errorf("client without headers: whoami = %q", got)
			}
			if logs := f.logs.String(); strings.Contains(logs, key) || strings.Contains(logs, token) || strings.Contains(logs, telnyx) {
				t.Error("a client-sent secret reached the logs")
			}
		})
	}
}

func TestIncompleteCredentialHeadersAreRefused(t *testing.T) {
	f := start(t, Options{})
	for name, h := range map[string]map[string]string{
		"id without key":    {HeaderSecretID: "AKIDx"},
		"key without id":    {HeaderSecretKey: "a-secret-key-value"},
		"token without key": {HeaderSessionToken: "a-session-token"},
	} {
		r := do(t, "POST", f.url, jsonHeaders(h), strings.NewReader(initBody))
		if r.status != 400 {
			t.Errorf("%s: status %d, want 400", name, r.status)
		}
		if _, msg := rpcError(t, r.body); !strings.Contains(msg, "X-TencentCloud-") {
			t.Errorf("%s: message %q does not name the headers", name, msg)
		}
		if strings.Contains(r.body, "a-secret-key-value") || strings.Contains(r.body, "a-session-token") {
			t.Errorf("%s: the answer echoes the secret", name)
		}
	}
}

// Many concurrent sessions, each with its own credentials, each only ever
// sees its own: nothing is kept between requests that another could pick up.
func TestConcurrentSessionsSeeOnlyTheirOwnCredentials(t *testing.T) {
	for _, kind := range []string{"http", "sse"} {
		t.Run(kind, func(t *testing.T) {
			f := start(t, Options{Transport: kind})
			const sessions, calls = 6, 10
			var wg sync.WaitGroup
			for i := range sessions {
				c := f.connect(kind, map[string]string{HeaderSecretID: fmt.Sprintf("AKID%d", i),
					HeaderSecretKey: fmt.Sprintf("secret-key-of-session-%d", i), HeaderEnvID: fmt.Sprintf("env-%d", i)})
				want := fmt.Sprintf("id=AKID%d env=env-%d key=yes", i, i)
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range calls {
						if got := call(t, c, "whoami"); !strings.HasPrefix(got, want) {
							t.Errorf("session %d saw %q", i, got)
							return
						}
					}
				}()
			}
			wg.Wait()
		})
	}
}
