// Package redact is the single redaction engine of cloudops-mcp. Every byte the
// model or a log can see passes through a *Redactor: tool results (structured
// JSON and text), resource contents, prompt text, error messages, log lines.
//
// A Redactor knows three things:
//
//   - Secret field names (IsSecretKey): values under them are masked, in JSON by
//     structure and in free text as key=value, "key": "value" and key: value.
//   - Secret-shaped values, wherever they appear: JWTs, PEM private key blocks,
//     Bearer and Basic credentials, Telnyx API keys (KEY…_…), passwords in URLs
//     (scheme://user:password@host). A Tencent SecretId (AKID…) alone is an
//     identifier and stays visible; its SecretKey is masked by name.
//   - The exact secrets the process holds (AddSecret), in plain, JSON-escaped
//     and URL-escaped form, and as the base64 fragment they leave inside
//     base64(anything:secret) (a Basic auth header). A match is widened to the
//     token glued to it, so a secret inside a longer token hides all of it.
//     These rules run first, before the others can cut a secret apart.
//
// JSON inside JSON strings (CloudBase's Ext field) is parsed, walked and
// re-encoded, at any depth. Options.RevealCloudSecrets turns the name and shape
// rules off; exact registered secrets are redacted regardless.
//
// # Mask format
//
//	[redacted: fp 1a2b3c4d]          any secret: a keyed fingerprint (fingerprint.go)
//	[redacted: set, masked by the cloud]  a value the cloud already masked (******)
//
// No character of the secret and not its length is ever shown: earlier formats
// showed the length ("[redacted: 36 chars]", which for a cloud's "******" was the
// length of the stars) and the last 4 of long secrets, which put part of a
// user's secret into the conversation. Masks of every format, old ones
// included ("[redacted]", "[redacted: N chars…]"), are recognised and never masked again,
// so redaction is idempotent. Masked JSON values are strings, so a redacted
// document keeps its structure and still fits a schema where the field is a
// string. Empty values stay empty: that a secret is unset is not a secret.
package redact

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf16"
	"unicode/utf8"
)

// Options configures a Redactor.
type Options struct {
	// RevealCloudSecrets turns OFF the name-based and shape-based rules (operators who accept the risk).
	// Exact registered secrets (AddSecret) are ALWAYS redacted regardless.
	RevealCloudSecrets bool
}

// Redactor redacts secrets from text, JSON, decoded values and log lines.
// It is safe for concurrent use; AddSecret may run while other calls are in flight.
type Redactor struct {
	reveal  bool
	mu      sync.Mutex // serialises AddSecret, Register and releases
	secrets atomic.Pointer[secretSet]
	// runtime counts values registered with Register (bounded: maxRuntime).
	runtime int
	// notSecret are values that are never registered (env id, region, hosts, names).
	notSecret atomic.Pointer[map[string]bool]
	// scope is set on the view a Scope returns: its secrets are masked too.
	scope *Scope
	base  *Redactor
}

// New returns a Redactor with no registered secrets.
func New(opts Options) *Redactor {
	r := &Redactor{reveal: opts.RevealCloudSecrets}
	r.secrets.Store(&secretSet{})
	r.notSecret.Store(&map[string]bool{})
	return r
}

// Reveal reports whether the name and shape rules are off (Options.RevealCloudSecrets).
func (r *Redactor) Reveal() bool { return r.reveal }

const (
	exactMask = "[redacted]"
	maskHead  = "[redacted: "
	// minSecretLen: shorter values are too likely to occur by chance in ordinary text.
	minSecretLen = 6
)

// Mask returns the mask for a secret value (see the package doc). It returns an
// empty string or an existing mask unchanged.
func Mask(s string) string {
	if s == "" || isMask(s) {
		return s
	}
	if isCloudMask(s) {
		return CloudMask
	}
	var b [len(maskHead) + len("fp ") + fpHex + len("]")]byte
	n := copy(b[:], maskHead+"fp ")
	fingerprintInto((*[fpHex]byte)(b[n:n+fpHex]), s)
	b[len(b)-1] = ']'
	return string(b[:])
}

// isMask reports whether s is exactly a mask this package produces or produced
// in an earlier format.
func isMask(s string) bool {
	return s == exactMask || (len(s) <= 48 && strings.HasPrefix(s, maskHead) && strings.HasSuffix(s, "]"))
}

// isTokenChar: characters of base64, base64url and typical opaque tokens.
func isTokenChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~' || c == '+' || c == '/' || c == '='
}

// isAnchorChar: characters that neither JSON (at any depth) nor URL escaping
// ever rewrite, so a run of them appears verbatim in every form of a secret.
func isAnchorChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// secretSet is an immutable snapshot of the registered secrets; AddSecret
// replaces it atomically so readers never lock.
type secretSet struct {
	values   []string  // registered plain values, for de-duplication
	patterns []pattern // every form of every value, longest first
	anchors  []needle  // if no anchor occurs in a text, no pattern does
	always   bool      // some pattern has no usable anchor: always search
}

// pattern is one form of a secret. A match is widened to the run of glued
// characters around it (run), so a secret inside a longer token (a JWT whose
// header is the secret, base64(id:secret)) masks the whole token instead of
// leaving the rest of it readable.
type pattern struct {
	s     string
	run   func(byte) bool
	owner string // the registered value this is a form of
}

// mayContain is the cheap pre-check before searching the patterns.
func (s *secretSet) mayContain(text string) bool {
	if len(s.patterns) == 0 {
		return false
	}
	if s.always {
		return true
	}
	for _, a := range s.anchors {
		if a.in(text) {
			return true
		}
	}
	return false
}

// replace masks every form of every registered secret in text with the mask
// of the value registered, whatever form it came out in.
func (s *secretSet) replace(text string) (string, bool) {
	if !s.mayContain(text) {
		return text, false
	}
	out := text
	for _, p := range s.patterns {
		if strings.Contains(out, p.s) {
			out = maskRunAround(out, p)
		}
	}
	return out, out != text
}

func isBase64Char(c byte) bool {
	return isAlnum(c) || c == '+' || c == '/' || c == '-' || c == '_' || c == '='
}

// maskRunAround replaces each match of p, widened to the run of p.run
// characters around it, by one exact mask.
func maskRunAround(s string, p pattern) string {
	w := rewriter{src: s}
	for i := 0; ; {
		k := strings.Index(s[i:], p.s)
		if k < 0 {
			break
		}
		start, stop := i+k, run(s, i+k+len(p.s), p.run)
		for start > i && p.run(s[start-1]) {
			start--
		}
		w.replace(start, stop, Mask(p.owner))
		i = stop
	}
	out, _ := w.result()
	return out
}

// AddSecret registers exact values the process holds (its SecretKey, session
// token, API keys, tokens it obtained). Empty values and values shorter than 6
// chars are ignored. Besides the plain value, its JSON-escaped forms, URL-escaped
// forms and the base64 fragments it leaves inside base64(prefix+value+suffix)
// (Basic auth headers) are masked too. Callers holding another encoded form can
// register it as well (e.g. the whole base64(id:key)).
func (r *Redactor) AddSecret(values ...string) {
	if r.scope != nil {
		r.scope.Add(values...)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addLocked(values, false)
}

// addLocked adds the new values' forms to the current set without rebuilding
// the forms of those already there. With bounded, values beyond the runtime
// budget are refused (reported false).
func (r *Redactor) addLocked(values []string, bounded bool) bool {
	old := r.secrets.Load()
	fresh := r.admissible(values, old)
	if len(fresh) == 0 {
		return true
	}
	if bounded {
		if r.runtime+len(fresh) > maxRuntime {
			return false
		}
		r.runtime += len(fresh)
	}
	r.secrets.Store(mergeSets(old, buildSet(fresh)))
	return true
}

// admissible filters values down to those worth registering: long enough,
// not yet in set, not a known non-secret, and not text that occurs in a mask
// (which would make masking non-idempotent). Very long values are cut to
// maxSecretBytes: a match is widened to the glued run, so a prefix hides it.
func (r *Redactor) admissible(values []string, set *secretSet) []string {
	not := *r.notSecret.Load()
	seen := map[string]bool{}
	var out []string
	for _, v := range values {
		if len(v) > maxSecretBytes {
			v = strings.ToValidUTF8(v[:maxSecretBytes], "")
		}
		if len(v) < minSecretLen || seen[v] || not[v] || not[strings.ToLower(v)] || set.has(v) ||
			inMaskText(v) {
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	return out
}

// NotSecret declares values that are never registered as secrets, whoever
// asks: the env id, region, endpoint hosts, tool and field names. Masking
// them would let anyone who can register a value blank out ordinary answers.
func (r *Redactor) NotSecret(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := *r.notSecret.Load()
	m := make(map[string]bool, len(old)+len(values))
	for k := range old {
		m[k] = true
	}
	for _, v := range values {
		if v != "" {
			m[v], m[strings.ToLower(v)] = true, true
		}
	}
	r.notSecret.Store(&m)
}

// Register adds secrets learned at run time (a minted token, a value handed
// to a file) to the shared list until release is called. At most maxRuntime
// such values are held at once; past that Register refuses (ok false) and
// the caller should mask in a narrower scope instead.
func (r *Redactor) Register(values ...string) (release func(), ok bool) {
	if r.scope != nil {
		r.scope.Add(values...)
		return func() {}, true
	}
	r.mu.Lock()
	old := r.secrets.Load()
	fresh := r.admissible(values, old)
	ok = r.addLocked(fresh, true)
	r.mu.Unlock()
	if !ok {
		return func() {}, false
	}
	var once sync.Once
	return func() { once.Do(func() { r.remove(fresh) }) }, true
}

// remove drops values registered with Register.
func (r *Redactor) remove(values []string) {
	if len(values) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secrets.Store(r.secrets.Load().without(values))
	r.runtime -= len(values)
}

// Limits on secrets registered at run time (Register, Scope.Add).
const (
	maxRuntime     = 256  // values in the shared list beyond the configured ones
	maxScopeValues = 64   // values in one request's or session's scope
	maxSecretBytes = 4096 // longer values are registered by their prefix
)

// Secrets returns how many values the shared list holds (for tests and figures).
func (r *Redactor) Secrets() int { return len(r.load().values) }

func buildSet(values []string) *secretSet {
	set := &secretSet{values: values}
	seen := map[string]bool{}
	add := func(f string, run func(byte) bool, owner string) {
		if seen[f] {
			return
		}
		seen[f] = true
		set.patterns = append(set.patterns, pattern{f, run, owner})
	}
	for _, v := range values {
		for _, f := range secretForms(v) {
			add(f, isAnchorChar, v)
		}
	}
	for _, v := range values {
		for _, f := range base64Fragments(v) {
			// A fragment without a long anchor would defeat the cheap pre-check;
			// it is extra coverage, so drop it rather than scan every string.
			if len(longestAnchor(f)) >= minSecretLen {
				add(f, isBase64Char, v)
			}
		}
	}
	// Longest first, so a secret containing another one is masked whole.
	sort.SliceStable(set.patterns, func(i, j int) bool { return len(set.patterns[i].s) > len(set.patterns[j].s) })
	set.index()
	return set
}

// index computes the anchors of the patterns.
func (s *secretSet) index() {
	s.anchors, s.always = nil, false
	for _, p := range s.patterns {
		switch a := longestAnchor(p.s); {
		case len(a) >= 4:
			s.anchors = append(s.anchors, newNeedle(a))
		case len(p.s) >= 12:
			// A fully percent-encoded form has no long anchor run, but it is
			// itself written verbatim wherever it appears.
			s.anchors = append(s.anchors, newNeedle(p.s))
		default:
			s.always = true
		}
	}
}

func (s *secretSet) has(v string) bool { return slices.Contains(s.values, v) }

// mergeSets is a ∪ b, keeping the longest-first order, without recomputing
// any value's forms. A form both hold is kept once.
func mergeSets(a, b *secretSet) *secretSet {
	if len(b.values) == 0 {
		return a
	}
	if len(a.values) == 0 {
		return b
	}
	out := &secretSet{values: slices.Concat(a.values, b.values), patterns: make([]pattern, 0, len(a.patterns)+len(b.patterns))}
	seen := make(map[string]bool, len(a.patterns))
	i, j := 0, 0
	for i < len(a.patterns) || j < len(b.patterns) {
		var p pattern
		if j >= len(b.patterns) || i < len(a.patterns) && len(a.patterns[i].s) >= len(b.patterns[j].s) {
			p, i = a.patterns[i], i+1
		} else {
			p, j = b.patterns[j], j+1
		}
		if !seen[p.s] {
			seen[p.s] = true
			out.patterns = append(out.patterns, p)
		}
	}
	out.anchors = slices.Concat(a.anchors, b.anchors)
	out.always = a.always || b.always
	return out
}

// without is s minus the forms of values.
func (s *secretSet) without(values []string) *secretSet {
	drop := map[string]bool{}
	for _, v := range values {
		drop[v] = true
	}
	out := &secretSet{}
	for _, v := range s.values {
		if !drop[v] {
			out.values = append(out.values, v)
		}
	}
	for _, p := range s.patterns {
		if !drop[p.owner] {
			out.patterns = append(out.patterns, p)
		}
	}
	out.index()
	return out
}

// secretForms: the plain value and the escaped forms it takes in JSON and URLs.
// Encoders differ in how they escape the same string; each variant is a form.
func secretForms(v string) []string {
	forms := []string{v, url.QueryEscape(v), url.PathEscape(v), validUTF8(v)}
	forms = append(forms, encodedForms(v)...)
	for style := 0; style < 16; style++ {
		forms = append(forms, escapeJSON(v, jsonStyle{
			html:     style&1 != 0, // Go escapes <>& by default
			lineSeps: style&2 != 0, // Go always escapes U+2028/U+2029
			shortCtl: style&4 != 0, // \b or \u0008
			ascii:    style&8 != 0, // Python escapes non-ASCII by default
		}))
	}
	return forms
}

// encodedForms are the other ways a secret may be written out whole: upper-
// or lower-cased, hex-encoded, every byte percent-encoded, every character a
// JSON \u escape (hex digits in either case).
func encodedForms(v string) []string {
	h := hex.EncodeToString([]byte(v))
	var pct, u strings.Builder
	for i := 0; i < len(v); i++ {
		fmt.Fprintf(&pct, "%%%02x", v[i])
	}
	for _, r := range v {
		if r > 0xffff {
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&u, `\u%04x\u%04x`, r1, r2)
			continue
		}
		fmt.Fprintf(&u, `\u%04x`, r)
	}
	U := upperHexEscapes(u.String())
	return []string{strings.ToUpper(v), strings.ToLower(v), h, strings.ToUpper(h),
		pct.String(), strings.ToUpper(pct.String()), u.String(), U,
		// the \u forms once more JSON-escaped, as they appear inside a JSON string
		strings.ReplaceAll(u.String(), `\`, `\\`), strings.ReplaceAll(U, `\`, `\\`)}
}

// upperHexEscapes upper-cases the hex digits of \uxxxx escapes, not the u.
func upperHexEscapes(s string) string {
	return strings.ReplaceAll(strings.ToUpper(s), `\U`, `\u`)
}

// validUTF8 is v as a JSON round trip returns it: U+FFFD for each invalid byte.
func validUTF8(v string) string {
	var b strings.Builder
	for _, r := range v {
		b.WriteRune(r)
	}
	return b.String()
}

type jsonStyle struct{ html, lineSeps, shortCtl, ascii bool }

// jsonEscape is the minimal JSON escaping, as this package emits it.
func jsonEscape(v string) string { return escapeJSON(v, jsonStyle{shortCtl: true}) }

// escapeJSON returns the body of the JSON string literal of v, escaped the way
// one encoder or another does it.
func escapeJSON(v string, st jsonStyle) string {
	var b strings.Builder
	u := func(r rune) { fmt.Fprintf(&b, `\u%04x`, r) }
	for i := 0; i < len(v); {
		r, size := utf8.DecodeRuneInString(v[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1: // invalid UTF-8: encoders write U+FFFD per byte
			b.WriteString(`\ufffd`)
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case st.shortCtl && r == '\b':
			b.WriteString(`\b`)
		case st.shortCtl && r == '\f':
			b.WriteString(`\f`)
		case r < 0x20, st.html && (r == '<' || r == '>' || r == '&'), st.lineSeps && (r == '\u2028' || r == '\u2029'):
			u(r)
		case st.ascii && r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			u(r1)
			u(r2)
		case st.ascii && r >= utf8.RuneSelf:
			u(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// base64Fragments returns, for each of the 3 byte alignments, the base64 text
// that v always produces inside base64(prefix+v+suffix), in std and url alphabets.
func base64Fragments(v string) []string {
	var out []string
	for shift := 0; shift < 3 && shift < len(v); shift++ {
		part := v[shift:]
		part = part[:len(part)/3*3]
		if len(part) < 9 { // 12 base64 chars at least: shorter fragments could match by chance
			continue
		}
		out = append(out, base64.StdEncoding.EncodeToString([]byte(part)), base64.URLEncoding.EncodeToString([]byte(part)))
	}
	return out
}

// longestAnchor returns the longest run of anchor characters in s.
func longestAnchor(s string) string {
	best, start := "", -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isAnchorChar(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start > len(best) {
			best = s[start:i]
		}
		start = -1
	}
	return best
}

// String redacts free text: exact secrets, secret-shaped values and key=value,
// "key": "value" and key: value pairs whose key is a secret name. Text that is
// a JSON object or array gets the JSON rules instead (a superset).
func (r *Redactor) String(s string) string {
	set := r.load()
	if looksJSON(s) {
		if out, changed, err := r.walk(s, set, allFlags, 0, nil); err == nil {
			if !changed {
				return s
			}
			redactions.Add(1)
			return string(out)
		}
	}
	out, changed := r.text(s, set, allFlags)
	if changed {
		redactions.Add(1)
	}
	return out
}

// redactions counts the texts String and JSON changed, process-wide (one
// server has one redactor and its scopes), for the metrics.
var redactions atomic.Int64

// Redactions is how many texts the redactors of this process masked something in.
func Redactions() int64 { return redactions.Load() }

// Writer returns a writer that redacts each Write (one log line, usually JSON:
// JSON rules if it parses, String rules otherwise) before passing it to w in a
// single Write. Lines are never split or merged.
func (r *Redactor) Writer(w io.Writer) io.Writer { return &writer{r: r, w: w} }

type writer struct {
	r *Redactor
	w io.Writer
}

func (w *writer) Write(p []byte) (int, error) {
	if _, err := w.w.Write(w.r.JSON(p)); err != nil {
		return 0, err
	}
	return len(p), nil // all of p was consumed, even if the redacted line differs in length
}
