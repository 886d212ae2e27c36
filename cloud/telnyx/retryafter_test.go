package telnyx

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfterForms(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range []struct {
		h    http.Header
		want time.Duration
	}{
		{http.Header{"Retry-After": {"3"}}, 3 * time.Second},
		{http.Header{"Retry-After": {"1.5"}}, 1500 * time.Millisecond},
		{http.Header{"Retry-After": {now.Add(7 * time.Second).Format(http.TimeFormat)}}, 7 * time.Second},
		{http.Header{"Retry-After": {now.Add(-time.Minute).Format(http.TimeFormat)}}, 0},
		{http.Header{"Retry-After": {"3"}, "Retry-After-Ms": {"250"}}, 250 * time.Millisecond},
		{http.Header{"Retry-After": {"soon"}}, 0},
		{http.Header{}, 0},
	} {
		if got := retryAfter(c.h, now); got != c.want {
			t.Errorf("%v: got %v, want %v", c.h, got, c.want)
		}
	}
}

func TestErrorItemAcceptsNumericCodeAndDescription(t *testing.T) {
	resp := &http.Response{StatusCode: 422, Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}}
	e := parseAPIError(&request{method: "POST", path: "/x"}, resp,
		[]byte(`{"errors":[{"code":10015,"title":"Bad","description":"why","source":{"pointer":"/settings/a~1b"}}]}`))
	if len(e.Errors) != 1 || e.Errors[0].Code != "10015" || e.Errors[0].Detail != "why" || e.Fields()[0] != "settings.a/b" {
		t.Fatalf("%+v", e.Errors)
	}
}
