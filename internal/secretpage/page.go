// Package secretpage takes a secret from the user through a one-time web page
// instead of through the model: the server asks the client to open a URL
// (MCP URL-mode elicitation), the user pastes the value into the page, and
// the tool call that waits receives it. The value never appears in a
// protocol message, a page, a log or an error.
//
// Each URL is single-use, unguessable (128 bits), expires, names what it is
// for, and belongs to the one waiting tool call. The form posts back only to
// its own origin with a per-page token; answers are never cached and never
// echo the value.
package secretpage

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Path is where pages are served: Path + id.
const Path = "/secret-input/"

// MaxValue bounds a submitted secret (PEM keys and certificates fit).
const MaxValue = 16 << 10

// DefaultTTL is how long a URL stays valid.
const DefaultTTL = 10 * time.Minute

// Pages issues and serves the one-time pages.
type Pages struct {
	store Store
	ttl   time.Duration
	now   func() time.Time
	base  func(ctx context.Context) (string, error) // scheme://host[:port] the page is reached at

	replicas *Replicas

	// parked are the pages whose call stopped waiting and told the
	// assistant to make it again ("not yet"), until they expire: a value
	// entered there waits for the user to say so, and the page tells them.
	mu     sync.Mutex
	parked map[string]time.Time
}

// Options configure Pages. Base is required.
type Options struct {
	Store Store         // default: a MemoryStore
	TTL   time.Duration // default DefaultTTL
	Now   func() time.Time
	// Base returns the origin (scheme://host:port) the user's browser reaches
	// the page at, starting a listener if need be.
	Base func(ctx context.Context) (string, error)
	// Replicas, when set, lets another replica serve the page (replicas.go).
	Replicas *Replicas
}

// New returns Pages.
func New(o Options) *Pages {
	if o.Store == nil {
		o.Store = NewMemoryStore()
	}
	if o.TTL <= 0 {
		o.TTL = DefaultTTL
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Pages{store: o.Store, ttl: o.TTL, now: o.Now, base: o.Base, replicas: o.Replicas, parked: map[string]time.Time{}}
}

// Store is where pending requests live.
func (p *Pages) Store() Store { return p.store }

// Ticket is an issued page: the URL to hand to the client and the id the
// waiting call collects the value with.
type Ticket struct {
	ID      string
	URL     string
	Expires time.Time
}

// Issue registers a page for one tool call. purpose is shown to the user.
func (p *Pages) Issue(ctx context.Context, session, call, purpose string) (*Ticket, error) {
	base, err := p.base(ctx)
	if err != nil {
		return nil, err
	}
	id, csrf := token(), token()
	exp := p.now().Add(p.ttl)
	if err := p.store.Add(Pending{ID: id, CSRF: csrf, Session: session, Call: call, Purpose: purpose, Expires: exp}); err != nil {
		return nil, err
	}
	return &Ticket{ID: id, URL: strings.TrimSuffix(base, "/") + Path + p.public(id), Expires: exp}, nil
}

// Wait returns the value submitted for t, or why none came. The page is
// forgotten afterwards either way: it is single-use.
func (p *Pages) Wait(ctx context.Context, t *Ticket) (string, error) {
	defer p.store.Remove(t.ID)
	return p.store.Wait(ctx, t.ID)
}

// ErrNotYet: WaitFor's time ran out before the user submitted; the page
// stays open and a later WaitFor collects the value.
var ErrNotYet = errors.New("no value entered yet")

// WaitFor is Wait bounded to d: a tool call cannot block for the page's whole
// lifetime (clients time calls out long before). On ErrNotYet the page stays
// open; otherwise it is forgotten, as with Wait.
func (p *Pages) WaitFor(ctx context.Context, t *Ticket, d time.Duration) (string, error) {
	p.unpark(t.ID)
	wctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	v, err := p.store.Wait(wctx, t.ID)
	if err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		if !p.park(t.ID) {
			return "", ErrNotYet
		}
		v, err = p.store.Wait(ctx, t.ID) // entered as the wait ended: there, not waited for
	}
	p.store.Remove(t.ID)
	return v, err
}

// park marks id as no longer waited for, unless a value was entered
// meanwhile (true: the caller takes it). Atomic with fulfil, so the page
// tells the user the truth either way.
func (p *Pages) park(id string) (entered bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := p.store.Peek(id); err == nil {
		return true
	}
	now := p.now()
	expires := now.Add(p.ttl)
	if pend, err := p.store.Lookup(id, now); err == nil {
		expires = pend.Expires
	}
	for k, exp := range p.parked {
		if !now.Before(exp) {
			delete(p.parked, k)
		}
	}
	p.parked[id] = expires
	return false
}

// unpark marks id as waited for again: its call was made again.
func (p *Pages) unpark(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.parked, id)
}

// fulfil hands value to the page's call and reports whether a call is
// waiting for it (false: the call answered "not yet" and nothing happens
// until the user tells the assistant).
func (p *Pages) fulfil(id string, now time.Time, value string) (awaited bool, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, parked := p.parked[id]
	if err := p.store.Fulfil(id, now, value); err != nil {
		return false, err
	}
	delete(p.parked, id)
	return !parked, nil
}

// Cancel forgets an issued page whose call will not wait for it.
func (p *Pages) Cancel(t *Ticket) { p.store.Remove(t.ID) }

// token is 128 random bits, URL-safe.
func token() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// ServeHTTP serves GET (the form) and POST (the submission) under Path.
func (p *Pages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin") // not no-referrer: Chromium then sends "Origin: null" on the form POST
	public := strings.TrimPrefix(r.URL.Path, Path)
	if public == "" || strings.Contains(public, "/") {
		p.refuse(w, http.StatusNotFound, ErrUnknown)
		return
	}
	id, store, err := p.route(r.Context(), public)
	if err != nil {
		p.refuse(w, statusOf(err), err)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		pend, err := store.Lookup(id, p.now())
		if err != nil {
			p.refuse(w, statusOf(err), err)
			return
		}
		p.render(w, http.StatusOK, formPage{Purpose: pend.Purpose, CSRF: pend.CSRF, Expires: pend.Expires.UTC().Format("15:04 MST")})
	case http.MethodPost:
		p.submit(w, r, id, store)
	default:
		h.Set("Allow", "GET, POST")
		p.refuse(w, http.StatusMethodNotAllowed, errors.New("this page only shows a form and takes its submission"))
	}
}

func (p *Pages) submit(w http.ResponseWriter, r *http.Request, id string, store answerer) {
	// Same-origin only: browsers always send Origin on a form POST, and a
	// page elsewhere cannot forge it.
	if !sameOrigin(r) {
		p.refuse(w, http.StatusForbidden, errors.New("this form can only be sent from its own page; nothing was stored"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxValue+4096)
	if err := r.ParseForm(); err != nil {
		p.refuse(w, http.StatusRequestEntityTooLarge, fmt.Errorf("the value is too large (at most %d KB); nothing was stored", MaxValue>>10))
		return
	}
	pend, err := store.Lookup(id, p.now())
	if err != nil {
		p.refuse(w, statusOf(err), err)
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.PostForm.Get("csrf")), []byte(pend.CSRF)) != 1 {
		p.refuse(w, http.StatusForbidden, errors.New("this form does not belong to this link (the page token does not match); nothing was stored"))
		return
	}
	value := r.PostForm.Get("secret")
	if strings.TrimSpace(value) == "" {
		p.render(w, http.StatusBadRequest, formPage{Purpose: pend.Purpose, CSRF: pend.CSRF,
			Expires: pend.Expires.UTC().Format("15:04 MST"), Error: "Enter the value: the field is empty."})
		return
	}
	if len(value) > MaxValue {
		p.render(w, http.StatusBadRequest, formPage{Purpose: pend.Purpose, CSRF: pend.CSRF,
			Expires: pend.Expires.UTC().Format("15:04 MST"), Error: fmt.Sprintf("The value is too long: at most %d KB.", MaxValue>>10)})
		return
	}
	awaited, err := store.Fulfil(id, p.now(), value)
	if err != nil {
		p.refuse(w, statusOf(err), err)
		return
	}
	p.render(w, http.StatusOK, donePage{Purpose: pend.Purpose, Awaited: awaited, Expires: pend.Expires.UTC().Format("15:04 MST")})
}

// sameOrigin reports whether a POST comes from a page of the origin it is
// sent to. The Host was already checked against the listener by the caller's
// guard (DNS rebinding).
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		return false
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return u.Scheme == scheme && strings.EqualFold(u.Host, r.Host) && u.Path == "" && u.RawQuery == ""
}

func statusOf(err error) int {
	switch {
	case errors.Is(err, ErrExpired), errors.Is(err, ErrUsed):
		return http.StatusGone
	default:
		return http.StatusNotFound
	}
}

type formPage struct {
	Purpose, CSRF, Expires, Error string
}

// donePage thanks the user; what happens next depends on whether the call
// still waits (it goes on) or answered "not yet" (the user tells the assistant).
type donePage struct {
	Purpose, Expires string
	Awaited          bool
}

type refusalPage struct{ Reason string }

func (p *Pages) refuse(w http.ResponseWriter, status int, why error) {
	p.render(w, status, refusalPage{Reason: why.Error()})
}

// page is one of the HTML pages below.
type page interface{ write(*strings.Builder) }

func (p *Pages) render(w http.ResponseWriter, status int, pg page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	var b strings.Builder
	pg.write(&b)
	_, _ = io.WriteString(w, b.String())
}

// The pages: tiny, no script, no external resource, usable by keyboard and
// screen reader (labelled field, error announced, focus starts in the field).
//
// They are written by hand, not with html/template: executing a template
// reaches reflect's MethodByName, which turns off the linker's removal of
// unused methods for the whole binary (megabytes of it, and the page faults
// of every start). Every dynamic value goes through escape and is placed only
// in element text or a double-quoted attribute value, where an escaped value
// cannot end its context (TestPageEscapesHostileValues).

// escape makes s safe as element text and as a double-quoted attribute value.
var escape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "\x00", "\uFFFD").Replace

func head(b *strings.Builder, title string) {
	b.WriteString(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin"><title>`)
	b.WriteString(escape(title))
	b.WriteString(` — cloudops-mcp</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.3rem}label{display:block;font-weight:600;margin:1rem 0 .3rem}
input[type=password]{width:100%;box-sizing:border-box;font:inherit;padding:.5rem;border:2px solid #555;border-radius:4px}
input:focus,button:focus{outline:3px solid #1a5fb4;outline-offset:2px}
button{margin-top:1rem;font:inherit;padding:.5rem 1.2rem;border:0;border-radius:4px;background:#1a5fb4;color:#fff;cursor:pointer}
.for{background:#f3f3f3;border-left:4px solid #1a5fb4;padding:.6rem .8rem}
.err{color:#a51d2d;font-weight:600}.note{color:#444;font-size:.9rem}
</style></head><body><main>`)
}

const foot = `</main></body></html>`

func (d formPage) write(b *strings.Builder) {
	head(b, "Enter a secret")
	b.WriteString("\n<h1>Enter a secret for your assistant's tool call</h1>\n<p class=\"for\" id=\"for\">")
	b.WriteString(escape(d.Purpose))
	b.WriteString("</p>\n")
	if d.Error != "" {
		b.WriteString(`<p class="err" role="alert" id="err">`)
		b.WriteString(escape(d.Error))
		b.WriteString("</p>")
	}
	b.WriteString("\n<form method=\"post\" autocomplete=\"off\">\n<input type=\"hidden\" name=\"csrf\" value=\"")
	b.WriteString(escape(d.CSRF))
	b.WriteString(`">
<label for="secret">Secret value</label>
<input type="password" id="secret" name="secret" required autofocus autocomplete="off" spellcheck="false"
 aria-describedby="`)
	if d.Error != "" {
		b.WriteString("err ")
	}
	b.WriteString(`for help">
<p class="note" id="help">The value goes straight to the cloudops-mcp server; your assistant and the chat never see it.
This link works once and expires at `)
	b.WriteString(escape(d.Expires))
	b.WriteString(".</p>\n<button type=\"submit\">Send to the server</button>\n</form>" + foot)
}

func (d donePage) write(b *strings.Builder) {
	head(b, "Secret received")
	b.WriteString("\n<h1 role=\"status\">Received</h1>\n<p class=\"for\">")
	b.WriteString(escape(d.Purpose))
	b.WriteString("</p>\n")
	if d.Awaited {
		b.WriteString(`<p>The server has the value, and the tool call that asked for it goes on now. You can close this tab and return to your assistant.
This link no longer works.</p>` + foot)
		return
	}
	b.WriteString(`<p><strong>Nothing happens yet:</strong> the server has the value, but your assistant stopped waiting for it.
Go back to your assistant and tell it you have entered the value, before `)
	b.WriteString(escape(d.Expires))
	b.WriteString(`; it then makes the same request again, which uses this value without a new link.</p>
<p>This link no longer works. You can close this tab.</p>` + foot)
}

func (d refusalPage) write(b *strings.Builder) {
	head(b, "Link refused")
	b.WriteString("\n<h1>This link cannot be used</h1>\n<p class=\"err\" role=\"alert\">")
	b.WriteString(escape(d.Reason))
	b.WriteString("</p>\n<p>Nothing was stored. You can close this tab.</p>" + foot)
}
