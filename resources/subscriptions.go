package resources

import (
	"context"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Notifier remembers which session subscribed to which resource URI
// (resources/subscribe) and sends notifications/resources/updated to exactly
// those sessions when a tool reports a change. mcp-go acknowledges
// subscriptions but does not track them, so the server's hooks feed this.
type Notifier struct {
	srv *server.MCPServer

	mu   sync.Mutex
	subs map[string]map[string]bool // session id -> subscribed URIs
}

// NewNotifier hooks subscription tracking into srv, keeping hooks others
// registered. Call it before the server serves.
func NewNotifier(srv *server.MCPServer) *Notifier {
	n := &Notifier{srv: srv, subs: map[string]map[string]bool{}}
	h := srv.GetHooks()
	if h == nil {
		h = &server.Hooks{}
		server.WithHooks(h)(srv)
	}
	h.AddAfterSubscribe(func(ctx context.Context, _ any, req *mcp.SubscribeRequest, _ *mcp.EmptyResult) {
		if id := sessionID(ctx); id != "" {
			n.set(id, req.Params.URI, true)
		}
	})
	h.AddAfterUnsubscribe(func(ctx context.Context, _ any, req *mcp.UnsubscribeRequest, _ *mcp.EmptyResult) {
		if id := sessionID(ctx); id != "" {
			n.set(id, req.Params.URI, false)
		}
	})
	h.AddOnUnregisterSession(func(_ context.Context, s server.ClientSession) {
		n.mu.Lock()
		delete(n.subs, s.SessionID())
		n.mu.Unlock()
	})
	return n
}

func sessionID(ctx context.Context) string {
	if s := server.ClientSessionFromContext(ctx); s != nil {
		return s.SessionID()
	}
	return ""
}

func (n *Notifier) set(session, uri string, on bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if on {
		if n.subs[session] == nil {
			n.subs[session] = map[string]bool{}
		}
		n.subs[session][uri] = true
		return
	}
	delete(n.subs[session], uri)
	if len(n.subs[session]) == 0 {
		delete(n.subs, session)
	}
}

// Subscribed reports whether session subscribed to uri.
func (n *Notifier) Subscribed(session, uri string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.subs[session][uri]
}

// Changed notifies every session subscribed to one of uris. It never blocks:
// a session whose notification queue is full misses the update (its next
// read shows the change).
func (n *Notifier) Changed(_ context.Context, uris ...string) {
	type delivery struct{ session, uri string }
	var out []delivery
	n.mu.Lock()
	for session, subs := range n.subs {
		for _, uri := range uris {
			if subs[uri] {
				out = append(out, delivery{session, uri})
			}
		}
	}
	n.mu.Unlock()
	for _, d := range out {
		_ = n.srv.SendNotificationToSpecificClient(d.session, mcp.MethodNotificationResourceUpdated, map[string]any{"uri": d.uri})
	}
}
