package secretpage

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

const planted = "planted-Secret-7f3a9c-value"

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// served starts Pages on a real loopback listener.
func served(t *testing.T, ttl time.Duration) (*Pages, *Loopback, *clock) {
	t.Helper()
	c := &clock{t: time.Now()}
	var loop Loopback
	p := New(Options{TTL: ttl, Now: c.now, Base: func(ctx context.Context) (string, error) { return loop.Base(ctx) }})
	loop.Pages = p
	t.Cleanup(loop.Close)
	return p, &loop, c
}

func get(t *testing.T, u string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func post(t *testing.T, u, origin string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if strings.Contains(string(b), planted) {
		t.Fatalf("the page echoed the submitted value: %s", b)
	}
	return res, string(b)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func originOf(u string) string {
	p, _ := url.Parse(u)
	return p.Scheme + "://" + p.Host
}

func TestPageRoundTrip(t *testing.T) {
	p, _, _ := served(t, time.Minute)
	tk, err := p.Issue(context.Background(), "s1", "s1/7", "ClientSecret for identity provider github in env demo-7f3a9c")
	if err != nil {
		t.Fatal(err)
	}
	if id := strings.TrimPrefix(tk.URL[strings.LastIndex(tk.URL, "/"):], "/"); len(id) < 22 {
		t.Fatalf("id %q carries fewer than 128 bits", id)
	}
	res, body := get(t, tk.URL)
	if res.StatusCode != 200 {
		t.Fatalf("GET: %d %s", res.StatusCode, body)
	}
	for _, h := range []string{"Cache-Control: no-store", "X-Frame-Options: DENY", "Referrer-Policy: same-origin"} {
		k, v, _ := strings.Cut(h, ": ")
		if res.Header.Get(k) != v {
			t.Errorf("header %s = %q, want %q", k, res.Header.Get(k), v)
		}
	}
	for _, want := range []string{"ClientSecret for identity provider github in env demo-7f3a9c", `autocomplete="off"`, `<label for="secret">`, `type="password"`} {
		if !strings.Contains(body, want) {
			t.Errorf("form lacks %s", want)
		}
	}
	csrf := csrfRE.FindStringSubmatch(body)[1]

	got := make(chan string, 1)
	go func() { v, _ := p.Wait(context.Background(), tk); got <- v }()

	// Refused without storing anything: no Origin, a foreign Origin, a wrong page token, an empty value.
	if res, _ := post(t, tk.URL, "", url.Values{"csrf": {csrf}, "secret": {planted}}); res.StatusCode != 403 {
		t.Errorf("POST without Origin: %d, want 403", res.StatusCode)
	}
	if res, _ := post(t, tk.URL, "http://evil.example", url.Values{"csrf": {csrf}, "secret": {planted}}); res.StatusCode != 403 {
		t.Errorf("POST from a foreign origin: %d, want 403", res.StatusCode)
	}
	if res, _ := post(t, tk.URL, originOf(tk.URL), url.Values{"csrf": {"forged"}, "secret": {planted}}); res.StatusCode != 403 {
		t.Errorf("POST with a wrong page token: %d, want 403", res.StatusCode)
	}
	if res, body := post(t, tk.URL, originOf(tk.URL), url.Values{"csrf": {csrf}, "secret": {"  "}}); res.StatusCode != 400 || !strings.Contains(body, `role="alert"`) {
		t.Errorf("empty value: %d, want 400 with a visible error", res.StatusCode)
	}
	select {
	case v := <-got:
		t.Fatalf("a refused submission reached the call: %q", v)
	case <-time.After(50 * time.Millisecond):
	}

	res, body = post(t, tk.URL, originOf(tk.URL), url.Values{"csrf": {csrf}, "secret": {planted}})
	if res.StatusCode != 200 || !strings.Contains(body, "goes on now") {
		t.Fatalf("submit: %d %s", res.StatusCode, body)
	}
	if v := <-got; v != planted {
		t.Fatalf("the waiting call got %q", v)
	}
	// Single use: the same form again, and the page itself, are refused.
	if res, body := post(t, tk.URL, originOf(tk.URL), url.Values{"csrf": {csrf}, "secret": {planted + "2"}}); res.StatusCode != 410 || !strings.Contains(body, "already used") {
		t.Errorf("second submit: %d %s", res.StatusCode, body)
	}
	if res, _ := get(t, tk.URL); res.StatusCode != 410 {
		t.Errorf("GET after use: %d, want 410", res.StatusCode)
	}
}

func TestPageExpires(t *testing.T) {
	p, _, c := served(t, time.Minute)
	tk, err := p.Issue(context.Background(), "s1", "s1/8", "token for Telnyx integration secret demo")
	if err != nil {
		t.Fatal(err)
	}
	_, body := get(t, tk.URL)
	csrf := csrfRE.FindStringSubmatch(body)[1]
	c.add(2 * time.Minute)
	if res, body := post(t, tk.URL, originOf(tk.URL), url.Values{"csrf": {csrf}, "secret": {planted}}); res.StatusCode != 410 || !strings.Contains(body, "expired") {
		t.Errorf("submit after expiry: %d %s", res.StatusCode, body)
	}
	if res, _ := get(t, tk.URL); res.StatusCode != 410 {
		t.Errorf("GET after expiry: %d, want 410", res.StatusCode)
	}
}

func TestPageOfEndedCallRefused(t *testing.T) {
	p, _, _ := served(t, time.Minute)
	tk, _ := p.Issue(context.Background(), "s1", "s1/9", "x")
	_, body := get(t, tk.URL)
	csrf := csrfRE.FindStringSubmatch(body)[1]
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Wait(ctx, tk); err == nil {
		t.Fatal("Wait on a cancelled call returned a value")
	}
	if res, _ := post(t, tk.URL, originOf(tk.URL), url.Values{"csrf": {csrf}, "secret": {planted}}); res.StatusCode != 404 {
		t.Errorf("submit for an ended call: %d, want 404", res.StatusCode)
	}
	if res, _ := get(t, originOf(tk.URL)+Path+"AAAAAAAAAAAAAAAAAAAAAA"); res.StatusCode != 404 {
		t.Errorf("unknown id: %d, want 404", res.StatusCode)
	}
}

func TestPageFormOfAnotherCallRefused(t *testing.T) {
	p, _, _ := served(t, time.Minute)
	a, _ := p.Issue(context.Background(), "s1", "s1/1", "a")
	b, _ := p.Issue(context.Background(), "s2", "s2/1", "b")
	_, body := get(t, b.URL)
	csrfB := csrfRE.FindStringSubmatch(body)[1]
	if res, _ := post(t, a.URL, originOf(a.URL), url.Values{"csrf": {csrfB}, "secret": {planted}}); res.StatusCode != 403 {
		t.Errorf("another page's token: %d, want 403", res.StatusCode)
	}
}

func TestLoopbackRefusesForeignHostAndClosesWhenIdle(t *testing.T) {
	c := &clock{t: time.Now()}
	loop := &Loopback{Idle: 30 * time.Millisecond}
	p := New(Options{Now: c.now, Base: loop.Base})
	loop.Pages = p
	defer loop.Close()
	tk, err := p.Issue(context.Background(), "s", "s/1", "x")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tk.URL, "http://127.0.0.1:") {
		t.Fatalf("URL %s is not on loopback", tk.URL)
	}
	req, _ := http.NewRequest(http.MethodGet, tk.URL, nil)
	req.Host = "rebound.example"
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 403 {
		t.Errorf("foreign Host: %d, want 403", res.StatusCode)
	}
	time.Sleep(100 * time.Millisecond)
	if !loop.Running() {
		t.Fatal("closed while a page was pending")
	}
	p.Cancel(tk)
	deadline := time.Now().Add(2 * time.Second)
	for loop.Running() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if loop.Running() {
		t.Fatal("still listening when idle")
	}
}
