package app

import (
	"context"
	"testing"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/tools"
)

// Confirmation state expires, is bound to its session, is single use, and
// opens with any key of a rotated list (issue 12, class 3).
func TestConfirmationStateExpiresAndStaysInItsSession(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	used := newUsedNonces()
	used.now = func() time.Time { return now }
	old, cur := []byte("old-key-0123456789abcdef0123456"), []byte("cur-key-0123456789abcdef0123456")
	a := &App{safety: &safety{stateKeys: [][]byte{old}, used: used}}
	tl := tools.Tool{Spec: tools.Spec{Name: "cloudbase_delete_provider"}}
	args := map[string]any{"Id": "github"}

	state := a.sealState(tl, args, "Delete github", "sess-a", false)
	if _, _, ok := a.openState(context.Background(), tl, args, state, "sess-b"); ok {
		t.Fatal("a state opened in another session")
	}
	a.safety.stateKeys = [][]byte{cur, old} // rotated: the old key still opens
	if s, _, ok := a.openState(context.Background(), tl, args, state, "sess-a"); !ok || s != "Delete github" {
		t.Fatalf("genuine state: %q %v", s, ok)
	}
	if _, _, ok := a.openState(context.Background(), tl, args, state, "sess-a"); ok {
		t.Fatal("a state opened twice")
	}
	late := a.sealState(tl, args, "Delete github", "sess-a", false)
	now = now.Add(confirmTTL + time.Second)
	if _, _, ok := a.openState(context.Background(), tl, args, late, "sess-a"); ok {
		t.Fatal("an expired state opened")
	}
	a.safety.stateKeys = [][]byte{cur}
	if _, _, ok := a.openState(context.Background(), tl, args, a.sealState(tl, map[string]any{"Id": "other"}, "Delete other", "sess-a", false), "sess-a"); ok {
		t.Fatal("a state opened for other arguments")
	}
}
