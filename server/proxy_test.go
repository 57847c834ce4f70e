package server

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/obscura-ai/obscura/proxy"
)

// sseUpstream answers every chat request with a stream that cuts the
// token [EMAIL_1] across two events.
func sseUpstream(t *testing.T, seen *[]string) *httptest.Server {
	t.Helper()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		*seen = append(*seen, string(b), r.Header.Get("Authorization")+"|"+r.Header.Get(ProxyTokenHeader))
		w.Header().Set("Content-Type", "text/event-stream")
		for _, piece := range []string{"Mail [EMA", "IL_1] now"} {
			fmt.Fprintf(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":%q},\"finish_reason\":null}]}\n\n", piece)
			w.(http.Flusher).Flush()
		}
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	t.Cleanup(up.Close)
	return up
}

// The proxy mounted on the server: it uses the served model, sits behind
// the server's middleware (request id, access log), asks for the server's
// token in X-Obscura-Token (never forwarded) and passes Authorization on.
func TestProxyMounted(t *testing.T) {
	var seen []string
	up := sseUpstream(t, &seen)
	addr := secret("ines.moreau@example.com")
	s := newTestServer(t, &fakeRedactor{}, func(c *Config) {
		c.Proxy = &proxy.Config{Upstream: up.URL + "/v1"}
		c.AuthToken = "server-token-3c9a"
	})
	body := []byte(`{"model":"m","stream":true,"messages":[{"role":"user","content":"Mail ` + addr + ` now"}]}`)
	rec := do(t, s, http.MethodPost, "/v1/chat/completions", "application/json", body, "Authorization", "Bearer sk-caller")
	wantError(t, rec, http.StatusUnauthorized, CodeUnauthorized)
	if len(seen) != 0 {
		t.Fatal("an unauthorised request reached the upstream")
	}

	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/chat/completions", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer sk-caller")
	req.Header.Set(ProxyTokenHeader, "server-token-3c9a")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get(RequestIDHeader) == "" {
		t.Fatalf("status %d, request id %q", resp.StatusCode, resp.Header.Get(RequestIDHeader))
	}
	if !strings.Contains(string(out), `"content":"Mail "`) || !strings.Contains(string(out), `"content":"`+addr+` now"`) {
		t.Fatalf("not restored: %s", out)
	}
	if strings.Contains(string(out), "[EMA") {
		t.Fatalf("half a token reached the caller: %s", out)
	}
	if len(seen) != 2 || strings.Contains(seen[0], addr) || seen[1] != "Bearer sk-caller|" {
		t.Fatalf("upstream saw %q", seen)
	}
	for _, r := range s.Routes() {
		if r == "POST /v1/completions" {
			return
		}
	}
	t.Fatal("POST /v1/completions is not mounted")
}

// Without Config.Proxy there are no proxy routes; while the model loads
// the proxy answers 503 not_ready in OpenAI's shape.
func TestProxyRoutesAndReadiness(t *testing.T) {
	for _, r := range newTestServer(t, &fakeRedactor{}, nil).Routes() {
		if strings.Contains(r, "completions") {
			t.Fatalf("%s mounted without a proxy", r)
		}
	}
	var seen []string
	up := sseUpstream(t, &seen)
	s := newTestServer(t, nil, func(c *Config) { c.Proxy = &proxy.Config{Upstream: up.URL} })
	rec := do(t, s, http.MethodPost, "/v1/chat/completions", "application/json", []byte(`{"messages":[]}`))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), `"code":"not_ready"`) || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if _, err := New(Config{Proxy: &proxy.Config{Upstream: "not a url"}}); err == nil {
		t.Fatal("a bad upstream was accepted")
	}
}

// slowAnswer is longer than the server's write and read timeouts in
// TestProxyOutlivesServerTimeouts.
const (
	slowAnswer         = 800 * time.Millisecond
	shortServerTimeout = 300 * time.Millisecond
)

// A proxied answer may take longer than the server's own write and read
// timeouts (which suit /v1/redact): the proxy extends the deadlines of its
// connection through Echo's response writer, over a real listener.
func TestProxyOutlivesServerTimeouts(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		time.Sleep(slowAnswer)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"choices":[{"index":0,"message":{"role":"assistant","content":"late [EMAIL_1]"}}]}`)
	}))
	defer up.Close()
	addr := secret("late.reply@example.com")
	s := newTestServer(t, &fakeRedactor{}, func(c *Config) {
		c.Proxy = &proxy.Config{Upstream: up.URL}
		c.WriteTimeout, c.ReadTimeout = shortServerTimeout, shortServerTimeout
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()
	resp, err := http.Post("http://"+ln.Addr().String()+"/v1/chat/completions", "application/json",
		strings.NewReader(`{"messages":[{"role":"user","content":"write to `+addr+`"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "late "+addr) {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
}
