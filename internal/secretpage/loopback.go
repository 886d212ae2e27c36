package secretpage

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Loopback serves pages on an ephemeral 127.0.0.1 port for transports that
// have no listener of their own (stdio): started on first need, closed once
// no page has been pending for Idle.
type Loopback struct {
	Pages *Pages
	Idle  time.Duration // default 1 minute

	mu    sync.Mutex
	srv   *http.Server
	base  string
	timer *time.Timer
}

// Base starts the listener if it is not running and returns its origin.
func (l *Loopback) Base(context.Context) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.srv == nil {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", err
		}
		l.srv = &http.Server{Handler: hostGuard(l.Pages), ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, MaxHeaderBytes: 16 << 10}
		l.base = "http://" + ln.Addr().String()
		go l.srv.Serve(ln) //nolint:errcheck // ends with Close
	}
	l.armLocked()
	return l.base, nil
}

func (l *Loopback) armLocked() {
	idle := l.Idle
	if idle <= 0 {
		idle = time.Minute
	}
	if l.timer != nil {
		l.timer.Stop()
	}
	l.timer = time.AfterFunc(idle, l.closeIfIdle)
}

func (l *Loopback) closeIfIdle() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.srv == nil {
		return
	}
	if l.Pages.store.Len() > 0 {
		l.armLocked()
		return
	}
	_ = l.srv.Close()
	l.srv, l.base = nil, ""
}

// Running reports whether the listener is up (tests).
func (l *Loopback) Running() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.srv != nil
}

// Close stops the listener.
func (l *Loopback) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.timer != nil {
		l.timer.Stop()
	}
	if l.srv != nil {
		_ = l.srv.Close()
		l.srv, l.base = nil, ""
	}
}

// hostGuard refuses a Host that is not a loopback name: a site that rebinds
// its own domain to 127.0.0.1 still sends its name (DNS rebinding).
func hostGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.Trim(host, "[]")
		if ip := net.ParseIP(host); !strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback()) {
			http.Error(w, "Forbidden: loopback host names only", http.StatusForbidden)
			return
		}
		if !strings.HasPrefix(r.URL.Path, Path) {
			http.NotFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
