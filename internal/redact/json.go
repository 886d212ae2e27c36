package redact

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds nesting (arrays/objects, as encoding/json does) and
// JSON-in-string levels; deeper input is treated as invalid JSON.
const (
	maxDepth = 10000
	maxNest  = 32
)

var errSyntax = errors.New("redact: invalid JSON")

// JSON redacts a JSON document: values under secret key names are masked;
// string values that contain JSON (an object or array) are parsed, walked and
// re-encoded; every string (keys included) gets the String rules. Bytes that
// need no change are copied verbatim, so formatting is kept. Invalid JSON falls
// back to the String rules on the raw bytes. The result never aliases b.
func (r *Redactor) JSON(b []byte) []byte {
	src := string(b)
	set := r.load()
	out, changed, err := r.walk(src, set, docFlags(src, set), 0, nil)
	switch {
	case err != nil:
		s, changed := r.text(src, set, allFlags)
		if changed {
			redactions.Add(1)
		}
		return []byte(s)
	case !changed:
		return []byte(src)
	}
	redactions.Add(1)
	return out
}

// walker is a single-pass scanner over one JSON document. It validates while
// it scans and writes output lazily: out receives src[last:i] plus a
// replacement only when a token changes, so an unchanged document costs no copy.
type walker struct {
	r       *Redactor
	set     *secretSet
	f       flags
	src     string
	pos     int
	out     []byte
	changed bool
	last    int
	nest    int // JSON-in-string level of this document
}

// walk redacts the JSON document src, writing into buf[:0] if it changes
// anything (buf may be nil). When nothing changed, out is buf[:0].
func (r *Redactor) walk(src string, set *secretSet, f flags, nest int, buf []byte) (out []byte, changed bool, err error) {
	w := walker{r: r, set: set, f: f, src: src, nest: nest, out: buf[:0]}
	w.skipSpace()
	if err := w.value(plain, 0); err != nil {
		return w.out, false, err
	}
	if w.skipSpace(); w.pos != len(src) {
		return w.out, false, errSyntax
	}
	if !w.changed {
		return w.out, false, nil
	}
	return append(w.out, src[w.last:]...), true, nil
}

// bufPool recycles the output buffers of nested (JSON-in-string) documents,
// which live only until they are quoted into their parent.
var bufPool = sync.Pool{New: func() any { return new([]byte) }}

// emit replaces src[i:j] with the JSON string literal of s.
func (w *walker) emit(i, j int, s string) {
	w.grow(len(s))
	w.out = append(w.out, w.src[w.last:i]...)
	w.out = appendQuoted(w.out, s)
	w.last = j
}

// emitBytes is emit for a nested document's output (no string conversion).
func (w *walker) emitBytes(i, j int, s []byte) {
	w.grow(len(s))
	w.out = append(w.out, w.src[w.last:i]...)
	w.out = appendQuoted(w.out, s)
	w.last = j
}

func (w *walker) grow(n int) {
	if !w.changed {
		w.changed = true
		if cap(w.out) < len(w.src)+n+64 {
			w.out = make([]byte, 0, len(w.src)+n+64)
		}
	}
}

func (w *walker) skipSpace() {
	for w.pos < len(w.src) {
		switch w.src[w.pos] {
		case ' ', '\t', '\n', '\r':
			w.pos++
		default:
			return
		}
	}
}

// scope says whether a value sits under a secret key name. Strings anywhere
// under one are masked; a number only as the key's own value: numbers nested
// in an object under it (an expiry, a length) are metadata, and turning them
// into strings would break the schema of a structured result.
type scope uint8

const (
	plain        scope = iota
	secretValue        // the value of a secret key
	secretInside       // nested in a container under a secret key
)

// inside is the scope of an element of a container in scope s.
func (s scope) inside() scope {
	if s == plain {
		return plain
	}
	return secretInside
}

// value scans one value.
func (w *walker) value(sc scope, depth int) error {
	if w.pos >= len(w.src) || depth > maxDepth {
		return errSyntax
	}
	switch c := w.src[w.pos]; {
	case c == '{':
		return w.object(sc, depth+1)
	case c == '[':
		return w.array(sc, depth+1)
	case c == '"':
		return w.stringValue(sc)
	case c == 't':
		return w.literal("true")
	case c == 'f':
		return w.literal("false")
	case c == 'n':
		return w.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		return w.number(sc)
	}
	return errSyntax
}

func (w *walker) object(sc scope, depth int) error {
	w.pos++ // {
	w.skipSpace()
	if w.pos < len(w.src) && w.src[w.pos] == '}' {
		w.pos++
		return nil
	}
	for {
		if w.pos >= len(w.src) || w.src[w.pos] != '"' {
			return errSyntax
		}
		start := w.pos
		key, err := w.scanString()
		if err != nil {
			return err
		}
		// Keys are data too (a map keyed by token): text rules, but no masking by name.
		if out, ok := w.r.text(key, w.set, w.f); ok {
			w.emit(start, w.pos, out)
		}
		if w.skipSpace(); w.pos >= len(w.src) || w.src[w.pos] != ':' {
			return errSyntax
		}
		w.pos++
		w.skipSpace()
		child := sc.inside()
		if !w.r.reveal && IsSecretKey(key) {
			child = secretValue
		}
		if err := w.value(child, depth); err != nil {
			return err
		}
		if w.skipSpace(); w.pos >= len(w.src) {
			return errSyntax
		}
		switch w.src[w.pos] {
		case ',':
			w.pos++
			w.skipSpace()
		case '}':
			w.pos++
			return nil
		default:
			return errSyntax
		}
	}
}

func (w *walker) array(sc scope, depth int) error {
	w.pos++ // [
	w.skipSpace()
	if w.pos < len(w.src) && w.src[w.pos] == ']' {
		w.pos++
		return nil
	}
	for {
		if err := w.value(sc.inside(), depth); err != nil {
			return err
		}
		if w.skipSpace(); w.pos >= len(w.src) {
			return errSyntax
		}
		switch w.src[w.pos] {
		case ',':
			w.pos++
			w.skipSpace()
		case ']':
			w.pos++
			return nil
		default:
			return errSyntax
		}
	}
}

func (w *walker) literal(lit string) error {
	if !strings.HasPrefix(w.src[w.pos:], lit) {
		return errSyntax
	}
	w.pos += len(lit)
	return nil
}

// number scans a JSON number. As a secret key's value it becomes a masked
// string; a number containing a registered secret becomes "[redacted]".
func (w *walker) number(sc scope) error {
	s, start := w.src, w.pos
	i := start
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		i = digits(s, i)
	default:
		return errSyntax
	}
	if i < len(s) && s[i] == '.' {
		if j := digits(s, i+1); j > i+1 {
			i = j
		} else {
			return errSyntax
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := digits(s, i)
		if j == i {
			return errSyntax
		}
		i = j
	}
	w.pos = i
	num := s[start:i]
	if sc == secretValue {
		w.emit(start, i, w.maskNamed(num))
	} else if w.f&fExact != 0 {
		if _, ok := w.set.replace(num); ok {
			w.emit(start, i, Mask(num))
		}
	}
	return nil
}

func digits(s string, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

// maskNamed masks a value found under a secret key name: the whole value,
// whether or not it holds a registered secret.
func (w *walker) maskNamed(s string) string {
	return Mask(s)
}

func (w *walker) stringValue(sc scope) error {
	start := w.pos
	s, err := w.scanString()
	if err != nil {
		return err
	}
	if sc != plain {
		if s != "" && !isMask(s) {
			w.emit(start, w.pos, w.maskNamed(s))
		}
		return nil
	}
	if w.nest < maxNest && looksJSON(s) {
		bp := bufPool.Get().(*[]byte)
		out, changed, err := w.r.walk(s, w.set, w.f, w.nest+1, *bp)
		if changed {
			w.emitBytes(start, w.pos, out)
		}
		if cap(out) <= 1<<20 { // don't pin huge buffers
			*bp = out[:0]
			bufPool.Put(bp)
		}
		if err == nil {
			return nil
		}
	}
	if out, ok := w.r.text(s, w.set, w.f); ok {
		w.emit(start, w.pos, out)
	}
	return nil
}

// textValue redacts a string value: JSON inside it is walked as JSON (its own
// escaping level decoded), anything else gets the text rules.
func (w *walker) textValue(s string) (string, bool) {
	if w.nest < maxNest && looksJSON(s) {
		if out, changed, err := w.r.walk(s, w.set, w.f, w.nest+1, nil); err == nil {
			// The flags of the outer document hold for the decoded inner one.
			if !changed {
				return s, false
			}
			return string(out), true
		}
	}
	return w.r.text(s, w.set, w.f)
}

// looksJSON reports whether s starts (after spaces) like an object or array.
func looksJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			continue
		case '{', '[':
			return true
		}
		return false
	}
	return false
}

// scanString scans the string literal at w.pos, validating it, and returns its
// decoded value: a substring of src when it has no escapes (no allocation).
func (w *walker) scanString() (string, error) {
	s := w.src
	start := w.pos + 1
	esc := false
	for i := start; i < len(s); {
		// Skip 8 plain bytes at a time (no quote, backslash or control char;
		// SWAR has-zero-byte / has-less-than tricks): string bodies are most
		// of a document. Written inline: a call per 8 bytes costs more.
		for ; i+8 <= len(s); i += 8 {
			const ones, highs = 0x0101010101010101, 0x8080808080808080
			b := s[i : i+8]
			x := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
				uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
			q, e := x^(ones*'"'), x^(ones*'\\')
			if ((q-ones)&^q|(e-ones)&^e|(x-ones*0x20)&^x)&highs != 0 {
				break
			}
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		switch c {
		case '"':
			w.pos = i + 1
			if !esc {
				return s[start:i], nil
			}
			return unescape(s[start:i]), nil
		case '\\':
			esc = true
			if i+1 >= len(s) {
				return "", errSyntax
			}
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(s) || !isHex4(s[i+2:i+6]) {
					return "", errSyntax
				}
				i += 6
			default:
				return "", errSyntax
			}
		default: // a control character
			return "", errSyntax
		}
	}
	return "", errSyntax
}

func isHex4(s string) bool {
	for i := 0; i < 4; i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// unescape decodes the body of a validated JSON string literal. Lone
// surrogates become U+FFFD, as in encoding/json.
func unescape(s string) string {
	var b strings.Builder // its String() does not copy
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			k := strings.IndexByte(s[i:], '\\')
			if k < 0 {
				k = len(s) - i
			}
			b.WriteString(s[i : i+k])
			i += k
			continue
		}
		switch c := s[i+1]; c {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r := hex4(s[i+2:])
			i += 6
			if utf16.IsSurrogate(r) {
				if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
					if r2 := utf16.DecodeRune(r, hex4(s[i+2:])); r2 != utf8.RuneError {
						b.WriteRune(r2)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			b.WriteRune(r)
			continue
		default: // " \ /
			b.WriteByte(c)
		}
		i += 2
	}
	return b.String()
}

func hex4(s string) rune {
	v, _ := strconv.ParseUint(s[:4], 16, 32)
	return rune(v) //nolint:gosec // G115: ParseUint bounded v to 16 bits
}

// appendQuoted appends s as a JSON string literal with minimal escaping.
// Other bytes are copied as they are: invalid UTF-8 in a changed string was
// already in the input, and json.Valid accepts it.
func appendQuoted[T string | []byte](b []byte, s T) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// Value returns a redacted copy of a decoded JSON value (map[string]any, []any,
// string, float64, json.Number, bool, nil; also map[string]string and []string).
// The input is not modified. Other types (structs…) are marshalled, redacted as
// JSON and decoded again (numbers as json.Number).
func (r *Redactor) Value(v any) any {
	set := r.load()
	return r.value(v, plain, set)
}

func (r *Redactor) value(v any, sc scope, set *secretSet) any {
	keyScope := func(k string) scope {
		if !r.reveal && IsSecretKey(k) {
			return secretValue
		}
		return sc.inside()
	}
	switch x := v.(type) {
	case nil, bool:
		return x
	case string:
		return r.stringOf(x, sc != plain, set)
	case float64, float32, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, json.Number:
		num := fmt.Sprint(x)
		if sc == secretValue {
			return r.stringOf(num, true, set)
		}
		if _, ok := set.replace(num); ok {
			return Mask(num)
		}
		return x
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[r.keyOf(k, set)] = r.value(e, keyScope(k), set)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = r.value(e, sc.inside(), set)
		}
		return a
	case map[string]string:
		m := make(map[string]string, len(x))
		for k, e := range x {
			m[r.keyOf(k, set)] = r.stringOf(e, keyScope(k) != plain, set)
		}
		return m
	case []string:
		a := make([]string, len(x))
		for i, e := range x {
			a[i] = r.stringOf(e, sc != plain, set)
		}
		return a
	case json.RawMessage:
		return json.RawMessage(r.JSON(x))
	}
	b, err := json.Marshal(v)
	if err != nil {
		return r.String(fmt.Sprint(v))
	}
	var out any
	dec := json.NewDecoder(strings.NewReader(string(r.JSON(b))))
	dec.UseNumber()
	if dec.Decode(&out) != nil {
		return r.String(string(b))
	}
	return out
}

func (r *Redactor) keyOf(k string, set *secretSet) string {
	out, _ := r.text(k, set, allFlags)
	return out
}

func (r *Redactor) stringOf(s string, secret bool, set *secretSet) string {
	w := walker{r: r, set: set, f: allFlags}
	if secret {
		if s == "" || isMask(s) {
			return s
		}
		return w.maskNamed(s)
	}
	out, _ := w.textValue(s)
	return out
}
