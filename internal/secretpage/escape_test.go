package secretpage

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// hostile values try to end the text or attribute they are placed in, open
// a tag or a script, or smuggle a NUL.
var hostile = []string{
	`</p><script>alert(1)</script>`,
	`" autofocus onfocus="alert(1)`,
	`' onmouseover='alert(1)`,
	`x"><img src=x onerror=alert(1)>`,
	"&lt;already escaped&gt; &amp; &#34;",
	"<!-- comment --><![CDATA[x]]>",
	"nul\x00byte",
	"</title></head><body>",
	"</main></body></html><form action=//evil.example>",
}

// tokens is the page as a browser's tokenizer sees it: each tag with its
// attribute names, each text, each attribute value.
func tokens(t *testing.T, doc string) (shape []string, texts []string, attrs map[string]string) {
	t.Helper()
	attrs = map[string]string{}
	z := html.NewTokenizer(strings.NewReader(doc))
	for {
		switch tt := z.Next(); tt {
		case html.ErrorToken:
			return
		case html.TextToken:
			texts = append(texts, string(z.Text()))
			shape = append(shape, "text")
		default:
			tok := z.Token()
			s := tt.String() + " " + tok.Data
			for _, a := range tok.Attr {
				s += " " + a.Key
				attrs[tok.Data+"."+a.Key] = a.Val
			}
			shape = append(shape, s)
		}
	}
}

func rendered(pg page) string {
	rec := httptest.NewRecorder()
	(&Pages{}).render(rec, 200, pg)
	return rec.Body.String()
}

// TestPageEscapesHostileValues: whatever a purpose, error, reason or page
// token holds, the page has the same tags and attributes as with a harmless
// value, and a browser reads the value back exactly (NUL as U+FFFD) in the
// text or attribute it was put in.
func TestPageEscapesHostileValues(t *testing.T) {
	pages := map[string]func(v string) page{
		"form purpose": func(v string) page { return formPage{Purpose: v, CSRF: "c", Expires: "12:00 UTC"} },
		"form error":   func(v string) page { return formPage{Purpose: "p", CSRF: "c", Expires: "12:00 UTC", Error: v} },
		"form token":   func(v string) page { return formPage{Purpose: "p", CSRF: v, Expires: "12:00 UTC"} },
		"form expires": func(v string) page { return formPage{Purpose: "p", CSRF: "c", Expires: v} },
		"done purpose": func(v string) page { return donePage{Purpose: v} },
		"done expires": func(v string) page { return donePage{Purpose: "p", Expires: v} },
		"done waited":  func(v string) page { return donePage{Purpose: v, Awaited: true} },
		"refusal":      func(v string) page { return refusalPage{Reason: v} },
	}
	for name, pg := range pages {
		wantShape, _, _ := tokens(t, rendered(pg("harmless")))
		for _, v := range hostile {
			doc := rendered(pg(v))
			shape, texts, attrs := tokens(t, doc)
			if fmt.Sprint(shape) != fmt.Sprint(wantShape) {
				t.Errorf("%s = %q changed the page's structure:\n%s", name, v, doc)
				continue
			}
			want := strings.ReplaceAll(v, "\x00", "\uFFFD")
			found := attrs["input.value"] == want
			for _, tx := range texts {
				found = found || strings.Contains(tx, want)
			}
			if !found {
				t.Errorf("%s = %q is not read back as itself:\n%s", name, v, doc)
			}
		}
	}
}
