package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/internal/sealed"
	"github.com/cloudops-mcp/cloudops-mcp/internal/secretin"
)

// The page reference a client carries between the rounds of a call opens
// only unaltered, for the call and field it was issued for, before it
// expires, and with a key of this server.
func TestPageRefSeal(t *testing.T) {
	keys, _ := sealed.New([][]byte{bytes.Repeat([]byte{4}, 32)})
	other, _ := sealed.New([][]byte{bytes.Repeat([]byte{5}, 32)})
	now := time.Unix(1_800_000_000, 0)
	const key = "secret:Config.ClientSecret"
	seal := func(k *sealed.Keys, ref pageRef) string {
		raw, _ := json.Marshal(ref)
		return k.Seal(pageRefPurpose, raw)
	}
	ref := pageRef{Key: key, ID: "page-1", Owner: "http://10.0.0.7:8080", URL: "https://mcp.example/secret-input/x", Exp: now.Add(time.Minute).Unix(), Call: "call-a"}
	good := seal(keys, ref)
	open := func(state, call string, at time.Time) error {
		_, got, err := findPageRef(keys, &secretin.Round{Fingerprint: func() string { return call }, State: state}, key, at)
		if err == nil && got != ref {
			t.Fatalf("opened %+v, want %+v", got, ref)
		}
		return err
	}
	if err := open("other."+good, "call-a", now); err != nil {
		t.Fatalf("genuine reference: %v", err)
	}
	if strings.Contains(good, "page-1") || strings.Contains(good, "10.0.0.7") {
		t.Fatal("the reference shows the page id or the owner in clear")
	}
	tampered := []byte(good)
	tampered[len(tampered)/2] ^= 1
	for name, c := range map[string]struct {
		state, call string
		at          time.Time
		want        string
	}{
		"tampered":        {string(tampered), "call-a", now, "without the page's state"},
		"another call":    {good, "call-b", now, "without the page's state"},
		"another field":   {seal(keys, pageRef{Key: "secret:token", ID: "p", Exp: ref.Exp, Call: "call-a"}), "call-a", now, "without the page's state"},
		"expired":         {good, "call-a", now.Add(time.Minute), "expired"},
		"another key":     {seal(other, ref), "call-a", now, "state key this server does not hold"},
		"no state at all": {"", "call-a", now, "without the page's state"},
	} {
		err := open(c.state, c.call, c.at)
		if err == nil || !errors.Is(err, secretin.ErrUnanswered) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "nothing was sent") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
