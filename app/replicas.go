package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/peer"
	"github.com/cloudops-mcp/cloudops-mcp/internal/sealed"
)

// Replicas share --state-key-file. State a later request needs is either
// carried by the client, sealed (a confirmation's question, a secret page's
// URL), or — when it must be used once — kept by the replica that made it,
// whose address is sealed inside the state: a replica that receives the
// answer asks that owner (package peer). Nothing else is shared.
var advertiseURL = config.Register[string](config.Setting{Name: "advertise-url", Kind: config.String, Group: "HTTP transports",
	Usage: "URL the other replicas reach this one at (e.g. http://$(POD_IP):8080); with --state-key-file, a confirmation or secret page answered through another replica is settled by the one that asked. Default: --addr unless it is a wildcard"})

// replicaLink is this replica's identity among its peers.
type replicaLink struct {
	keys  *sealed.Keys
	peers *peer.Client
	srv   *peer.Server

	mu   sync.Mutex
	self string // "" without --state-key-file: nothing is routed
}

func (l *replicaLink) selfURL() string {
	if l == nil {
		return ""
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.self
}

// buildReplicaLink prepares the peer endpoint when a shared key is given.
func (a *App) buildReplicaLink(raw [][]byte, used *usedNonces) error {
	if stateKeyFile.Get(a.Config) == "" || a.Config.Transport == "stdio" {
		return nil
	}
	keys, err := sealed.New(raw)
	if err != nil {
		return err
	}
	l := &replicaLink{keys: keys, peers: &peer.Client{Keys: keys}, srv: &peer.Server{Keys: keys}}
	l.srv.Handle("confirm.nonce", func(_ context.Context, body json.RawMessage) (any, error) {
		var in nonceTake
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, errors.New("bad request")
		}
		return nonceAnswer{Fresh: used.take(in.Nonce, time.Unix(in.Expires, 0))}, nil
	})
	a.secretIn.pages.PeerOps(l.srv)
	a.secretIn.replicas.Keys, a.secretIn.replicas.Peers = keys, l.peers
	a.secretIn.replicas.Self = l.selfURL
	a.replicas = l
	return nil
}

// needsAdvertise: the modes where an answer may reach another replica than
// the one holding single-use state: stateless confirmations, and secret
// pages reached through the public URL (the load balancer).
func (a *App) needsAdvertise() bool {
	cfg := a.Config
	confirms := cfg.Stateless && cfg.ConfirmDestructive && !cfg.DryRun && !cfg.ReadOnly
	return confirms || cfg.PublicURL != ""
}

// checkAdvertise runs before binding: a wildcard --addr tells peers nothing.
// One process cannot tell whether it has replicas: pages through
// --public-url without a shared key work on one process only, so it warns.
func (a *App) checkAdvertise() error {
	if a.replicas == nil && a.Config.PublicURL != "" {
		a.Log.Warn().Msg("--public-url without --state-key-file: if several replicas serve that URL, a secret page reaching another replica " +
			"than the one that asked is refused; give every replica the same --state-key-file (and --advertise-url)")
	}
	if a.replicas == nil || advertiseURL.Get(a.Config) != "" || !a.needsAdvertise() {
		return a.validAdvertise()
	}
	host, _, err := net.SplitHostPort(a.Config.Addr)
	if ip := net.ParseIP(host); err != nil || host == "" || (ip != nil && ip.IsUnspecified()) {
		return errors.New("--state-key-file with " + a.advertiseReason() + " needs --advertise-url: the address the other replicas reach " +
			"this one at (in Kubernetes http://$(POD_IP):8080), because --addr " + a.Config.Addr + " listens on every interface")
	}
	return nil
}

func (a *App) validAdvertise() error {
	v := advertiseURL.Get(a.Config)
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return fmt.Errorf("--advertise-url %q: want http://host:port (the address of this replica for its peers)", v)
	}
	return nil
}

func (a *App) advertiseReason() string {
	if a.Config.PublicURL != "" {
		return "--public-url (secret pages answered through any replica)"
	}
	return "--stateless confirmations"
}

// setSelf records this replica's address once its listener is bound.
func (a *App) setSelf(origin string) {
	l := a.replicas
	if l == nil {
		return
	}
	self := origin
	if v := advertiseURL.Get(a.Config); v != "" {
		u, _ := url.Parse(v)
		self = u.Scheme + "://" + u.Host
	}
	l.mu.Lock()
	l.self = self
	l.mu.Unlock()
}

// peerRoute mounts the peer endpoint (nil: no shared key).
func (a *App) peerRoute() http.Handler {
	if a.replicas == nil {
		return nil
	}
	return a.replicas.srv
}
