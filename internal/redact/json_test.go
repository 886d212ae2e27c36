package redact

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func TestJSON(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"login config",
			`{"Response":{"Config":{"ClientId":"cid","ClientSecret":"abcdefghijklmnopqrstuvwxyz123"},"EmailConfig":{"SmtpConfig":{"AccountPassword":"pw-1234","Host":"smtp.x"}},"RequestId":"r-1"}}`,
			`{"Response":{"Config":{"ClientId":"cid","ClientSecret":"[fp]"},"EmailConfig":{"SmtpConfig":{"AccountPassword":"[fp]","Host":"smtp.x"}},"RequestId":"r-1"}}`},
		{"api key list",
			`{"Data":[{"KeyId":"k1","KeyName":"n","KeyType":"api_key","ApiKey":"` + testJWT + `","TokenEndpoint":"https://x/token"}]}`,
			`{"Data":[{"KeyId":"k1","KeyName":"n","KeyType":"api_key","ApiKey":"` + testJWTMask + `","TokenEndpoint":"https://x/token"}]}`},
		{"token response",
			`{"token_type":"Bearer","access_token":"opaque-token-value","expires_in":432000}`,
			`{"token_type":"Bearer","access_token":"[fp]","expires_in":432000}`},
		{"ext json in string",
			`{"KeyID":"k","Ext":"{\"fields\":[{\"name\":\"appSecret\",\"type\":\"password\"}],\"appSecret\":\"xyz\",\"appId\":\"a1\"}"}`,
			`{"KeyID":"k","Ext":"{\"fields\":[{\"name\":\"appSecret\",\"type\":\"password\"}],\"appSecret\":\"[fp]\",\"appId\":\"a1\"}"}`},
		{"json array in string",
			`{"v":" [{\"token\":\"abc\"}]"}`,
			`{"v":" [{\"token\":\"[fp]\"}]"}`},
		{"ext depth 2",
			`{"Ext":"{\"inner\":\"{\\\"password\\\":\\\"p@ss\\\"}\"}"}`,
			`{"Ext":"{\"inner\":\"{\\\"password\\\":\\\"[fp]\\\"}\"}"}`},
		{"broken json in string gets text rules",
			`{"msg":"{\"password\":\"hunter2\" broken"}`,
			`{"msg":"{\"password\":\"[fp]\" broken"}`},
		{"scalars under secret names",
			`{"pin":1,"password":123456,"token":-1.5e3,"NeedPwd":false,"secret":null,"pwd":""}`,
			`{"pin":1,"password":"[fp]","token":"[fp]","NeedPwd":false,"secret":null,"pwd":""}`},
		{"containers under secret names: strings masked, nested numbers kept (schema)",
			`{"Authorization":["Bearer x"],"secret":{"a":"b","n":[1,true,{"k":"v"}]},"SessionToken":{"Value":"t0k","ExpiresIn":3600}}`,
			`{"Authorization":["[fp]"],"secret":{"a":"[fp]","n":[1,true,{"k":"[fp]"}]},"SessionToken":{"Value":"[fp]","ExpiresIn":3600}}`},
		{"shapes under innocent keys",
			`{"note":"use Bearer abcdefghijklmnop1234","url":"https://u:pw@h/","k":"` + testTelnyx + `"}`,
			`{"note":"use Bearer [fp]","url":"https://u:[fp]@h/","k":"[fp]"}`},
		{"secret-shaped key",
			`{"` + testJWT + `":1}`,
			`{"` + testJWTMask + `":1}`},
		{"pem with escapes",
			`{"privateKeyPem":"-----BEGIN EC ` + `PRIVATE KEY-----\nMHcCAQEE\n-----END EC ` + `PRIVATE KEY-----\n"}`,
			`{"privateKeyPem":"[fp]\n"}`},
		{"formatting and escapes kept",
			"{\n  \"a\": \"\\u00e9\\n\\/\",\n  \"b\" : [ 1 , 2.5e-3 ],\n  \"password\" : \"x\"\n}\n",
			"{\n  \"a\": \"\\u00e9\\n\\/\",\n  \"b\" : [ 1 , 2.5e-3 ],\n  \"password\" : \"[fp]\"\n}\n"},
		{"masks stay", `{"password":"[redacted: 3 chars]","t":"token=[redacted: 3 chars]"}`, `{"password":"[redacted: 3 chars]","t":"token=[redacted: 3 chars]"}`},
		{"top-level string", `"Bearer abcdefghijklmnop1234"`, `"Bearer [fp]"`},
		{"top-level number", `42`, `42`},
		{"nothing to do", `{"a":[true,false,null,{}],"b":"c"}`, `{"a":[true,false,null,{}],"b":"c"}`},
		{"invalid json falls back to text", `{"password":"x", oops`, `{"password":"[fp]", oops`},
		{"log line with newline", "{\"level\":\"info\",\"token\":\"t0k3n\"}\n", "{\"level\":\"info\",\"token\":\"[fp]\"}\n"},
	}
	r := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.in)
			got := r.JSON(in)
			if fpNorm(string(got)) != tt.want {
				t.Fatalf("JSON(%s)\n got %s\nwant %s", tt.in, got, tt.want)
			}
			if string(in) != tt.in {
				t.Fatal("input modified")
			}
			if json.Valid(in) && !json.Valid(got) {
				t.Fatalf("valid input, invalid output %s", got)
			}
			if again := r.JSON(got); !bytes.Equal(again, got) {
				t.Fatalf("not idempotent:\n1st %s\n2nd %s", got, again)
			}
			if len(got) > 0 {
				got[0] = '#' // the result must not alias the input
				if string(in) != tt.in {
					t.Fatal("output aliases input")
				}
			}
		})
	}
}

// TestJSONValidityAndShape: for many valid inputs the output is valid JSON with
// the same structure; changed leaves are masks or strings.
func TestJSONValidityAndShape(t *testing.T) {
	r := New(Options{})
	r.AddSecret(ownSecretKey, ownTricky)
	inputs := []any{
		map[string]any{"password": 1.0, "x": []any{ownSecretKey, ownTricky, 3.0, nil, true}},
		map[string]any{"Ext": `{"token":"a\"b","n":[1,2,{"ApiKey":"` + testJWT + `"}]}`},
		map[string]any{"Ext": `[` + strings.Repeat(`{"secret":"s"},`, 50) + `1]`},
		map[string]any{"s": "\u2028\u2029 \x01 é 漢字 " + testJWT + " \"quoted\" \\ back"},
		map[string]any{"deep": nestArrays(500, map[string]any{"token": ownSecretKey})},
		map[string]any{"emptyKey": map[string]any{"": "v", "k": ""}},
		[]any{"Bearer abcdefghijklmnop1234", "password=abc", `{"broken": "json`, `[1,2]`},
		"just a string with " + ownSecretKey,
	}
	for i, v := range inputs {
		for _, indent := range []bool{false, true} {
			var in []byte
			if indent {
				in, _ = json.MarshalIndent(v, "", "\t")
			} else {
				in, _ = json.Marshal(v)
			}
			out := r.JSON(in)
			if !json.Valid(out) {
				t.Fatalf("input %d: invalid output %s", i, out)
			}
			var a, b any
			_ = json.Unmarshal(in, &a)
			_ = json.Unmarshal(out, &b)
			if err := sameShape(a, b); err != nil {
				t.Fatalf("input %d: %v\nin  %s\nout %s", i, err, in, out)
			}
			if bytes.Contains(out, []byte(ownSecretKey)) {
				t.Fatalf("input %d: secret survives: %s", i, out)
			}
		}
	}
}

func nestArrays(n int, leaf any) any {
	for i := 0; i < n; i++ {
		leaf = []any{leaf}
	}
	return leaf
}

// sameShape: same objects, keys and array lengths; a leaf may change only into a string.
func sameShape(a, b any) error {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return fmt.Errorf("object became %T %v", b, b)
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok {
				return fmt.Errorf("key %q lost", k)
			}
			if err := sameShape(v, w); err != nil {
				return err
			}
		}
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return fmt.Errorf("array became %T", b)
		}
		for i := range x {
			if err := sameShape(x[i], y[i]); err != nil {
				return err
			}
		}
	default:
		if _, isStr := b.(string); !isStr && !reflect.DeepEqual(a, b) {
			return fmt.Errorf("leaf %v became %v", a, b)
		}
	}
	return nil
}

func TestValue(t *testing.T) {
	r := New(Options{})
	r.AddSecret(ownSecretKey)
	in := map[string]any{
		"Config":  map[string]any{"ClientId": "cid", "ClientSecret": "cs-secret", "Port": json.Number("25")},
		"list":    []any{"Bearer abcdefghijklmnop1234", 1.5, true, nil},
		"Ext":     `{"password":"pw1234","ok":1}`,
		"headers": map[string]string{"Authorization": "Bearer x", "Accept": "json"},
		"own":     "uses " + ownSecretKey,
		"pin":     map[string]any{"password": 123456.0},
		"typed":   struct{ Token, Name string }{"tok-abc", "n"},
	}
	before, _ := json.Marshal(in)
	got := r.Value(in).(map[string]any)
	if after, _ := json.Marshal(in); !bytes.Equal(before, after) {
		t.Fatal("Value mutated its input")
	}
	want := map[string]any{
		"Config":  map[string]any{"ClientId": "cid", "ClientSecret": "[fp]", "Port": json.Number("25")},
		"list":    []any{"Bearer [fp]", 1.5, true, nil},
		"Ext":     `{"password":"[fp]","ok":1}`,
		"headers": map[string]string{"Authorization": "[fp]", "Accept": "json"},
		"own":     "uses [fp]",
		"pin":     map[string]any{"password": "[fp]"},
		"typed":   map[string]any{"Token": "[fp]", "Name": "n"},
	}
	if g, _ := json.Marshal(got); fpNorm(string(g)) != string(must(json.Marshal(want))) {
		w, _ := json.Marshal(want)
		t.Fatalf("Value\n got %s\nwant %s", g, w)
	}
	if got := r.Value(json.RawMessage(`{"token":"t1"}`)); fpNorm(string(got.(json.RawMessage))) != `{"token":"[fp]"}` {
		t.Errorf("RawMessage: %s", got)
	}
}

type recorder struct{ writes []string }

func (w *recorder) Write(p []byte) (int, error) {
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

func TestWriter(t *testing.T) {
	r := New(Options{})
	r.AddSecret(ownSecretKey)
	rec := &recorder{}
	w := r.Writer(rec)
	lines := []struct{ in, want string }{
		{ // a zerolog line: fields as JSON, one per Write, newline-terminated
			`{"level":"debug","tool":"cloudbase_get_login_config","args":{"EnvId":"env-1"},"headers":{"Authorization":"TC3-HMAC-SHA256 Credential=AKID/2024","X-TC-Token":"` + ownSecretKey + `"},"body":"{\"ClientSecret\":\"abc\"}","time":"2024-05-01T12:00:00Z","message":"called with token=xyz"}` + "\n",
			`{"level":"debug","tool":"cloudbase_get_login_config","args":{"EnvId":"env-1"},"headers":{"Authorization":"[fp]","X-TC-Token":"[fp]"},"body":"{\"ClientSecret\":\"[fp]\"}","time":"2024-05-01T12:00:00Z","message":"called with token=[fp]"}` + "\n",
		},
		{"12:00:00 INF console line password=hunter2 key " + ownSecretKey + "\n", "12:00:00 INF console line password=[fp] key [fp]\n"},
		{"\n", "\n"},
	}
	for i, l := range lines {
		n, err := w.Write([]byte(l.in))
		if err != nil || n != len(l.in) {
			t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(l.in))
		}
		if len(rec.writes) != i+1 {
			t.Fatalf("%d writes for %d lines", len(rec.writes), i+1)
		}
		if fpNorm(rec.writes[i]) != l.want {
			t.Fatalf("line %d\n got %q\nwant %q", i, rec.writes[i], l.want)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, fmt.Errorf("disk full") }

func TestWriterError(t *testing.T) {
	if n, err := New(Options{}).Writer(failWriter{}).Write([]byte("x\n")); err == nil || n != 0 {
		t.Fatalf("Write = %d, %v; want 0 and the error", n, err)
	}
}

// TestConcurrentAddSecret: AddSecret while JSON/String run (run with -race); a
// secret registered before a call is always redacted by it.
func TestConcurrentAddSecret(t *testing.T) {
	r := New(Options{})
	doc := []byte(`{"a":"` + strings.Repeat("filler ", 200) + `","Ext":"{\"v\":\"concurrent-secret-0007-xyz\"}"}`)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					if out := r.JSON(doc); !json.Valid(out) {
						t.Error("invalid output")
						return
					}
					_ = r.String(string(doc))
				}
			}
		}()
	}
	for i := 0; i < 200; i++ {
		s := fmt.Sprintf("concurrent-secret-%04d-xyz", i)
		r.AddSecret(s)
		if got := r.String("v=" + s); strings.Contains(got, s) {
			t.Errorf("secret %q survives right after AddSecret: %q", s, got)
		}
	}
	close(stop)
	wg.Wait()
	if out := r.JSON(doc); bytes.Contains(out, []byte("concurrent-secret")) {
		t.Fatalf("secret survives: %s", out)
	}
}
