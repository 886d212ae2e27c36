package tcb

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
)

// send performs one attempt with the given Authorization value and returns
// the answer whatever its status. sent reports whether the whole request was
// written, i.e. whether the server may have acted on it.
func (c *HTTPClient) send(ctx context.Context, method, target string, body []byte, auth string) (*HTTPResponse, bool, error) {
	var wrote atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteRequest: func(info httptrace.WroteRequestInfo) {
		if info.Err == nil {
			wrote.Store(true)
		}
	}})
	var rd io.Reader
	if len(body) > 0 {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "cloudops-mcp")
	if len(body) > 0 {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, wrote.Load(), stripURL(err)
	}
	defer resp.Body.Close()
	limit := c.cfg.MaxResponseBytes
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, true, stripURL(err)
	}
	out := &HTTPResponse{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"),
		RequestID: firstHeader(resp.Header, "X-Request-Id", "X-Requestid", "Request-Id"), Body: data}
	if int64(len(data)) > limit {
		out.Body, out.Truncated = data[:limit], true
	}
	return out, true, nil
}

// stripURL drops the request URL from a transport error: the caller already
// names the method and path, and the query may be long.
func stripURL(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

func firstHeader(h http.Header, names ...string) string {
	for _, n := range names {
		if v := h.Get(n); v != "" {
			return v
		}
	}
	return ""
}

func basicAuth(cred Credential) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(cred.SecretID+":"+cred.SecretKey))
}

// encodeQuery renders q as "?k=v&…" in sorted key order with spaces as %20
// and a leading '$' of OData option names kept readable.
func encodeQuery(q map[string]string) string {
	if len(q) == 0 {
		return ""
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		if rest, ok := strings.CutPrefix(k, "$"); ok {
			b.WriteString("$" + queryEscape(rest))
		} else {
			b.WriteString(queryEscape(k))
		}
		b.WriteByte('=')
		b.WriteString(queryEscape(q[k]))
	}
	return b.String()
}

// queryEscape is url.QueryEscape with spaces as %20 (a literal '+' is already %2B).
func queryEscape(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
