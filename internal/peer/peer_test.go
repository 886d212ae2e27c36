package peer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/internal/sealed"
)

func keys(t *testing.T, b byte) *sealed.Keys {
	k, err := sealed.New([][]byte{bytes.Repeat([]byte{b}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealedRequestAndAnswer(t *testing.T) {
	k := keys(t, 7)
	srv := &Server{Keys: k}
	srv.Handle("echo", func(_ context.Context, body json.RawMessage) (any, error) {
		var in struct{ V string }
		_ = json.Unmarshal(body, &in)
		if in.V == "no" {
			return nil, errors.New("refused by the owner")
		}
		return map[string]string{"got": in.V}, nil
	})
	var seen bytes.Buffer
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		seen.Write(body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		srv.ServeHTTP(w, r)
	}))
	defer ts.Close()
	c := &Client{Keys: k}
	var out map[string]string
	if err := c.Do(context.Background(), ts.URL, "echo", map[string]string{"V": "planted-value-42"}, &out); err != nil || out["got"] != "planted-value-42" {
		t.Fatalf("round trip: %v %v", out, err)
	}
	if strings.Contains(seen.String(), "planted-value-42") {
		t.Fatal("the value crossed the wire in clear")
	}
	var re *RemoteError
	if err := c.Do(context.Background(), ts.URL, "echo", map[string]string{"V": "no"}, nil); !errors.As(err, &re) || re.Msg != "refused by the owner" {
		t.Fatalf("owner's error: %v", err)
	}
	// Another deployment's key: refused, and told apart from an answer.
	if err := (&Client{Keys: keys(t, 8)}).Do(context.Background(), ts.URL, "echo", map[string]string{"V": "x"}, nil); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("foreign key: %v", err)
	}
	res, _ := http.Post(ts.URL+Path, "text/plain", strings.NewReader("garbage"))
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("garbage: %d", res.StatusCode)
	}
	ts.Close()
	if err := c.Do(context.Background(), ts.URL, "echo", nil, nil); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("stopped owner: %v", err)
	}
}
