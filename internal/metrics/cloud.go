package metrics

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Transport counts and times every request a cloud client sends through
// next. The action is TC3's X-TC-Action, else the method and the path with
// every segment holding a digit, or longer than 24 characters, shown as
// {id}. The result is "ok", the HTTP status, or the error code a TC3 answer
// carries in its body (read from the buffered answer; the client still gets
// all of it).
func (m *Metrics) Transport(provider string, next http.RoundTripper) http.RoundTripper {
	if m == nil {
		return next
	}
	return roundTrip(func(req *http.Request) (*http.Response, error) {
		start := time.Now()
		res, err := next.RoundTrip(req)
		action := m.bound(provider, "action", actionOf(req))
		m.cloudLatency.with(provider).observe(latencyBuckets, time.Since(start).Seconds())
		result := "transport_error"
		if err == nil {
			result = m.bound(provider, "result", resultOf(req, res))
		}
		m.cloudCalls.with(provider, action, result).inc()
		return res, err
	})
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// ActionOf names a cloud request with a bounded-shape string (no ids).
func ActionOf(req *http.Request) string { return actionOf(req) }

func actionOf(req *http.Request) string {
	if a := req.Header.Get("X-TC-Action"); a != "" {
		return a
	}
	segs := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	for i, s := range segs {
		if strings.ContainsAny(s, "0123456789") || len(s) > 24 {
			segs[i] = "{id}"
		}
	}
	return req.Method + " /" + strings.Join(segs, "/")
}

// resultOf reads a TC3 answer's Response.Error.Code (TC3 errors come with
// HTTP 200); other APIs say it in the status.
func resultOf(req *http.Request, res *http.Response) string {
	if res.StatusCode >= 300 {
		return strconv.Itoa(res.StatusCode)
	}
	if req.Header.Get("X-TC-Action") == "" || res.Body == nil {
		return "ok"
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, 4<<20))
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return "ok"
	}
	var env struct {
		Response struct {
			Error *struct{ Code string } `json:"Error"`
		} `json:"Response"`
	}
	if json.Unmarshal(body, &env) == nil && env.Response.Error != nil && env.Response.Error.Code != "" {
		return env.Response.Error.Code
	}
	return "ok"
}
