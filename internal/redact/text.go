package redact

import (
	"encoding/base64"
	"strings"
)

// flags record which rule markers may occur in a document, so the per-string
// rules of a large JSON document can skip the searches that cannot match.
type flags uint8

const (
	fExact   flags = 1 << iota // an anchor of a registered secret
	fJWT                       // "eyJ"
	fPEM                       // "-----BEGIN "
	fTelnyx                    // "KEY"
	fAuth                      // "bearer" or "basic" in any casing
	fURL                       // "@" (scheme://user:password@host)
	allFlags flags = 1<<iota - 1
)

// docFlags computes the flags of a raw JSON document. Markers and anchors are
// ASCII that JSON escapes only as \uXXXX, so a marker in a (nested) decoded
// string is in the raw bytes, or in them once \u escapes are decoded.
func docFlags(src string, set *secretSet) flags {
	f := markerFlags(src, set)
	if strings.Contains(src, `\u`) {
		f |= markerFlags(decodeUEscapes(src), set)
	}
	return f
}

// decodeUEscapes replaces each \uXXXX escape, with all the backslashes before
// it (escapes of nested JSON-in-string levels), by its character when ASCII.
func decodeUEscapes(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; ; {
		j := strings.Index(s[i:], `\u`)
		if j < 0 {
			break
		}
		j += i
		i = j + 2
		if j+6 > len(s) || !isHex4(s[j+2:j+6]) {
			continue
		}
		k := j
		for k > last && s[k-1] == '\\' {
			k--
		}
		b.WriteString(s[last:k])
		if r := hex4(s[j+2:]); r < 0x80 {
			b.WriteByte(byte(r)) //nolint:gosec // G115: r < 0x80
		} else {
			b.WriteByte(0xff) // no marker holds non-ASCII
		}
		last = j + 6
		i = last
	}
	b.WriteString(s[last:])
	return b.String()
}

func markerFlags(src string, set *secretSet) flags {
	var f flags
	if set.mayContain(src) {
		f |= fExact
	}
	if indexEyJ(src, 0) >= 0 {
		f |= fJWT
	}
	if pemNeedle.in(src) {
		f |= fPEM
	}
	if telnyxNeedle.in(src) {
		f |= fTelnyx
	}
	if hasAuthWord(src) {
		f |= fAuth
	}
	if strings.IndexByte(src, '@') >= 0 {
		f |= fURL
	}
	return f
}

// needle is a substring searched by its rarest byte (k): strings.Index stops
// at every occurrence of the first byte, which in a large document is slow for
// common bytes like '-' or lower-case letters.
type needle struct {
	s string
	k int
}

var (
	pemNeedle    = newNeedle("-----BEGIN ")
	telnyxNeedle = newNeedle("KEY")
)

// newNeedle picks the byte to search by: upper case is rarer than digits and
// punctuation, which are rarer than lower case, in JSON and prose.
func newNeedle(s string) needle {
	rank := func(c byte) int {
		switch {
		case 'A' <= c && c <= 'Z':
			return 0
		case 'a' <= c && c <= 'z':
			return 2
		}
		return 1
	}
	n := needle{s: s}
	for i := range s {
		if rank(s[i]) < rank(s[n.k]) {
			n.k = i
		}
	}
	return n
}

func (n needle) in(s string) bool {
	c := n.s[n.k]
	for i := n.k; i < len(s); i++ {
		j := strings.IndexByte(s[i:], c)
		if j < 0 {
			return false
		}
		i += j
		if start := i - n.k; start >= 0 && strings.HasPrefix(s[start:], n.s) {
			return true
		}
	}
	return false
}

// hasAuthWord reports whether s may hold "Bearer" or "Basic" in any casing.
func hasAuthWord(s string) bool {
	for _, b := range []byte{'b', 'B'} {
		for i := 0; i < len(s); i++ {
			j := strings.IndexByte(s[i:], b)
			if j < 0 {
				break
			}
			i += j
			if rest := s[i+1:]; len(rest) >= 4 && (strings.EqualFold(rest[:4], "asic") || len(rest) >= 5 && strings.EqualFold(rest[:5], "earer")) {
				return true
			}
		}
	}
	return false
}

// text applies the free-text rules to s: exact secrets always; shapes and
// secret-named key/value pairs unless RevealCloudSecrets. Order matters only
// for readability of the result: shapes first keep their own mask (with tail),
// the key/value rule then skips values that are already masks.
func (r *Redactor) text(s string, set *secretSet, f flags) (string, bool) {
	changed := false
	apply := func(rule func(string) (string, bool)) {
		if out, ok := rule(s); ok {
			s, changed = out, true
		}
	}
	if f&fExact != 0 {
		apply(set.replace)
	}
	if r.reveal {
		return s, changed
	}
	// Each shape has a minimum length; most strings of a document (ids,
	// names, timestamps) are shorter than all of them.
	if f&fPEM != 0 && len(s) >= minPEMHeader {
		apply(maskPEM)
	}
	if f&fJWT != 0 && len(s) >= 14 {
		apply(maskJWT)
	}
	if f&fTelnyx != 0 && len(s) >= 40 {
		apply(maskTelnyxKey)
	}
	if f&fAuth != 0 && len(s) >= 14 {
		apply(maskBearer)
		apply(maskBasic)
	}
	if f&fURL != 0 && len(s) >= len("://u:p@") {
		apply(maskURLPassword)
	}
	if len(s) >= 3 && (strings.IndexByte(s, '=') >= 0 || strings.IndexByte(s, ':') >= 0) {
		apply(maskKeyValues)
	}
	return s, changed
}

// rewriter builds a rewritten string lazily: nothing is allocated until the
// first replacement, so the common no-match case costs only the search.
type rewriter struct {
	src  string
	b    strings.Builder
	last int
}

func (w *rewriter) replace(i, j int, repl string) {
	if w.b.Len() == 0 && w.last == 0 {
		w.b.Grow(len(w.src) + 32)
	}
	w.b.WriteString(w.src[w.last:i])
	w.b.WriteString(repl)
	w.last = j
}

func (w *rewriter) result() (string, bool) {
	if w.b.Len() == 0 && w.last == 0 {
		return w.src, false
	}
	w.b.WriteString(w.src[w.last:])
	return w.b.String(), true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isB64URL(c byte) bool { return isAlnum(c) || c == '-' || c == '_' }

// run returns the end of the run of chars accepted by ok starting at i.
func run(s string, i int, ok func(byte) bool) int {
	for i < len(s) && ok(s[i]) {
		i++
	}
	return i
}

// minPEMHeader is the length of the shortest private-key header line,
// the PKCS#8 private-key header line.
const minPEMHeader = len("-----BEGIN ") + len("PRIVATE KEY-----")

// maskPEM masks whole "-----BEGIN … PRIVATE KEY-----" … "-----END … PRIVATE KEY-----"
// blocks (to the end of s if the END line is missing). Certificates and public keys stay.
func maskPEM(s string) (string, bool) {
	const begin, end = "-----BEGIN ", "-----END "
	w := rewriter{src: s}
	for i := 0; ; {
		k := strings.Index(s[i:], begin)
		if k < 0 {
			break
		}
		start := i + k
		i = start + len(begin)
		// The label ("RSA PRIVATE KEY") is upper-case words: a mask in between is no label.
		lab := run(s, i, func(c byte) bool { return 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == ' ' })
		if !strings.HasPrefix(s[lab:], "-----") || !strings.Contains(s[i:lab], "PRIVATE KEY") {
			continue
		}
		stop := len(s)
		if e := strings.Index(s[i:], end); e >= 0 {
			if c := strings.Index(s[i+e+len(end):], "-----"); c >= 0 {
				stop = i + e + len(end) + c + len("-----")
			}
		}
		w.replace(start, stop, Mask(s[start:stop]))
		i = stop
	}
	return w.result()
}

// maskJWT masks JWTs: three base64url segments, the first starting "eyJ" ({").
func maskJWT(s string) (string, bool) {
	w := rewriter{src: s}
	for i := 0; ; {
		start := indexEyJ(s, i)
		if start < 0 {
			break
		}
		i = start + 3
		// On a miss, skip what no later "eyJ" can use: keeps long runs linear.
		a := run(s, start, isB64URL)
		if a-start < 10 || a >= len(s) || s[a] != '.' {
			i = max(i, a)
			continue
		}
		b := run(s, a+1, isB64URL)
		if b-a-1 < 2 || b >= len(s) || s[b] != '.' {
			i = a + 1
			continue
		}
		stop := run(s, b+1, isB64URL)
		w.replace(start, stop, Mask(s[start:stop]))
		i = stop
	}
	return w.result()
}

// indexEyJ finds "eyJ" from i by its rare byte 'J' (strings.Index would stop
// at every 'e' of ordinary text).
func indexEyJ(s string, i int) int {
	for i += 2; i < len(s); i++ {
		k := strings.IndexByte(s[i:], 'J')
		if k < 0 {
			return -1
		}
		if i += k; s[i-2] == 'e' && s[i-1] == 'y' {
			return i - 2
		}
	}
	return -1
}

// maskTelnyxKey masks Telnyx API keys: KEY + 20+ alnum + "_" + 16+ alnum.
func maskTelnyxKey(s string) (string, bool) {
	w := rewriter{src: s}
	for i := 0; ; {
		k := strings.Index(s[i:], "KEY")
		if k < 0 {
			break
		}
		start := i + k
		i = start + 3
		a := run(s, i, isAlnum)
		if a-i < 20 || a >= len(s) || s[a] != '_' {
			i = a // a later "KEY" in this run ends at the same place: skip the run
			continue
		}
		stop := run(s, a+1, isAlnum)
		if stop-a-1 < 16 {
			i = a + 1
			continue
		}
		w.replace(start, stop, Mask(s[start:stop]))
		i = stop
	}
	return w.result()
}

// Auth scheme words in the casings seen in practice.
var (
	bearerWords = []string{"Bearer", "bearer", "BEARER"}
	basicWords  = []string{"Basic", "basic", "BASIC"}
)

// schemeTokens masks the token of "<scheme> <token>" for each scheme word (not
// inside a longer word) when isSecret accepts it.
func schemeTokens(s string, words []string, tokenChar func(byte) bool, isSecret func(tok string) bool) string {
	for _, word := range words {
		if !strings.Contains(s, word) {
			continue
		}
		w := rewriter{src: s}
		for i := 0; ; {
			k := strings.Index(s[i:], word)
			if k < 0 {
				break
			}
			start := i + k
			i = start + len(word)
			if start > 0 && isAlnum(s[start-1]) || i >= len(s) || s[i] != ' ' {
				continue
			}
			t := run(s, i, func(c byte) bool { return c == ' ' })
			stop := run(s, t, tokenChar)
			for stop < len(s) && s[stop] == '=' {
				stop++
			}
			if isSecret(s[t:stop]) {
				w.replace(t, stop, Mask(s[t:stop]))
				i = stop
			}
		}
		s, _ = w.result()
	}
	return s
}

// maskBearer masks the token of "Bearer <token>" (16+ token chars: shorter
// words after "bearer" are prose).
func maskBearer(s string) (string, bool) {
	out := schemeTokens(s, bearerWords, func(c byte) bool { return isTokenChar(c) && c != '=' }, func(tok string) bool {
		return len(strings.TrimRight(tok, "=")) >= 16
	})
	return out, out != s
}

// maskBasic masks the credentials of "Basic <base64>": only when they decode to
// "id:secret", so "basic settings" stays readable.
func maskBasic(s string) (string, bool) {
	out := schemeTokens(s, basicWords, func(c byte) bool { return isAlnum(c) || c == '+' || c == '/' }, func(tok string) bool {
		if len(tok) < 8 {
			return false
		}
		dec, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(tok, "="))
		return err == nil && strings.IndexByte(string(dec), ':') > 0
	})
	return out, out != s
}

// maskURLPassword masks the password of scheme://user:password@host.
func maskURLPassword(s string) (string, bool) {
	w := rewriter{src: s}
	for i := 0; ; {
		k := strings.Index(s[i:], "://")
		if k < 0 {
			break
		}
		host := i + k + 3
		i = host
		end := host
		for end < len(s) && !isAuthorityEnd(s[end]) {
			end++
		}
		// The next "://" may start at end-1 ("a://u:p@b://…"): only skip this one.
		// Authorities hold no '/', so each scan stops at the next "://": linear.
		at := strings.LastIndexByte(s[host:end], '@')
		if at < 0 {
			continue
		}
		colon := strings.IndexByte(s[host:host+at], ':')
		if colon < 0 || colon+1 == at {
			continue
		}
		if pw := s[host+colon+1 : host+at]; !strings.HasPrefix(pw, "[redacted") {
			w.replace(host+colon+1, host+at, Mask(pw))
		}
	}
	return w.result()
}

func isAuthorityEnd(c byte) bool {
	switch c {
	case '/', '?', '#', '\\', '"', '\'', ' ', '\t', '\r', '\n', '<', '>':
		return true
	}
	return false
}

func isKeyChar(c byte) bool { return isAlnum(c) || c == '_' || c == '-' || c == '.' }

// isValueEnd ends an unquoted value.
func isValueEnd(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', ',', ';', '&', '"', '\'', '<', '>', ')', ']', '}', '\\':
		return true
	}
	return false
}

// maskKeyValues masks values of key=value, key: value, "key": "value" (also
// JSON-escaped at any depth: \"key\":\"value\") whose key is a secret name.
func maskKeyValues(s string) (string, bool) {
	w := rewriter{src: s}
	var buf [keyTail]byte
	for p := 0; p < len(s); p++ {
		if c := s[p]; c != ':' && c != '=' {
			continue
		}
		// The key: optional spaces, an optional (escaped) closing quote, key chars.
		q := p
		for q > 0 && (s[q-1] == ' ' || s[q-1] == '\t') {
			q--
		}
		if q > 0 && (s[q-1] == '"' || s[q-1] == '\'') {
			q--
			for q > 0 && s[q-1] == '\\' {
				q--
			}
		}
		ks := q // only a name's end matters: a bounded look-back keeps long runs linear
		for ks > 0 && q-ks < 128 && isKeyChar(s[ks-1]) {
			ks--
		}
		if ks == q {
			continue
		}
		key := normKey(s[ks:q], &buf)
		if !isSecretNorm(key) {
			continue
		}
		if p+1 < len(s) && (s[p+1] == '=' || s[p+1] == '>' || s[p] == ':' && (s[p+1] == ':' || s[p+1] == '/')) {
			continue // ==, =>, ::, ://
		}
		// The value: quoted (at escape depth k) or a bare token / rest of line.
		v := p + 1
		for v < len(s) && (s[v] == ' ' || s[v] == '\t') {
			v++
		}
		bs := v
		for v < len(s) && s[v] == '\\' {
			v++
		}
		var vs, ve int
		quoted := v < len(s) && (s[v] == '"' || s[v] == '\'')
		switch {
		case quoted:
			vs = v + 1
			ve = closingQuote(s, vs, s[v], v-bs)
		case v > bs:
			continue // a bare backslash: nothing to mask
		case s[p] == ':' && hasAnySuffix(key, lineValueKeys):
			vs = v
			ve = v
			for ve < len(s) && s[ve] != '\r' && s[ve] != '\n' && s[ve] != '"' && s[ve] != '\\' {
				ve++
			}
			for ve > vs && (s[ve-1] == ' ' || s[ve-1] == '\t') {
				ve--
			}
		default:
			vs = v
			ve = run(s, v, func(c byte) bool { return !isValueEnd(c) })
		}
		val := s[vs:ve]
		if val == "" || strings.HasPrefix(val, "[redacted") || !quoted && isStateWord(s[vs:]) ||
			!quoted && (val[0] == '{' || val[0] == '[' || val == "true" || val == "false" || val == "null") ||
			!quoted && s[p] == ':' && proseValue(s, ve, val) {
			continue
		}
		if hasAnySuffix(key, schemeKeys) {
			// Keep the auth scheme readable: "Bearer [redacted: …]".
			if sp := strings.IndexByte(val, ' '); sp > 0 && run(val, 0, func(c byte) bool { return isAlnum(c) || c == '-' }) == sp {
				rest := strings.TrimLeft(val[sp:], " ")
				vs += len(val) - len(rest)
				if val = rest; val == "" || strings.HasPrefix(val, "[redacted") {
					continue
				}
			}
		}
		w.replace(vs, ve, Mask(val))
		p = ve
	}
	return w.result()
}

// notValueWords follow "Key: " in messages about a secret, not in place of it.
var notValueWords = map[string]bool{
	"required": true, "missing": true, "invalid": true, "empty": true, "expired": true, "unknown": true,
	"none": true, "unset": true, "set": true, "optional": true, "ignored": true, "omitted": true, "not": true,
	"replaced": true, "removed": true,
}

// stateWords stand where a secret's value would in questions and results
// ("ClientSecret: (unset) → set", "apiKey=(secret) from env K"): they say
// whether there is one, never what it is, so they are never masked.
var stateWords = []string{"(unset)", "(none)", "(secret)", "(withheld)"}

// isStateWord reports whether s starts with a whole state word.
func isStateWord(s string) bool {
	for _, w := range stateWords {
		if strings.HasPrefix(s, w) && (len(s) == len(w) || !isKeyChar(s[len(w)])) {
			return true
		}
	}
	return false
}

// proseValue reports whether the bare value after "key: " reads as prose
// rather than a credential. Error messages say "AccountPassword: required" or
// "CreateApiKey: outcome unknown: …"; YAML, headers and logs say
// "password: hunter2" or "token: abc123 expires: 3600".
func proseValue(s string, end int, val string) bool {
	word := val
	if sp := strings.IndexByte(word, ' '); sp > 0 { // a line value (Cookie: …): its first word
		word = word[:sp]
	}
	if notValueWords[strings.ToLower(word)] {
		return true
	}
	moreWords := end+1 < len(s) && s[end] == ' ' && isLetter(s[end+1])
	return word == val && moreWords && !tokenLike(val)
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// tokenLike: long, or with a digit, an inner capital or a symbol: not a word.
func tokenLike(v string) bool {
	if len(v) >= 16 {
		return true
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !isLetter(c) || i > 0 && 'A' <= c && c <= 'Z' {
			return true
		}
	}
	return false
}

// closingQuote finds the quote closing a value opened by quote char q preceded
// by k backslashes and returns where its backslashes start (len(s) if none). At
// escape depth k = 2^d-1 a closing quote has n backslashes with n-k divisible
// by 2(k+1); an escaped quote inside the value has a different count.
func closingQuote(s string, from int, q byte, k int) int {
	n := 0 // backslashes right before s[j]
	for j := from; j < len(s); j++ {
		switch {
		case s[j] == '\\':
			n++
			continue
		case s[j] == q && n >= k && (n-k)%(2*(k+1)) == 0:
			return j - k
		}
		n = 0
	}
	return len(s)
}
