package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Every client error of /v1/redact and /v1/restore: status, code and
// JSON error body.
func TestBadRequests(t *testing.T) {
	s := newTestServer(t, &fakeRedactor{}, func(c *Config) { c.MaxBodyBytes = 1024; c.MaxBatch = 3 })
	big := `{"text":"` + strings.Repeat("a", 2000) + `"}`
	cases := []struct {
		name, path, ct, body string
		status               int
		code                 string
	}{
		{"malformed JSON", "/v1/redact", "application/json", `{"text": "abc`, 400, CodeBadJSON},
		{"syntax error", "/v1/redact", "application/json", `{"text" "abc"}`, 400, CodeBadJSON},
		{"not an object", "/v1/redact", "application/json", `["abc"]`, 400, CodeBadJSON},
		{"wrong type", "/v1/redact", "application/json", `{"text": 5}`, 400, CodeBadJSON},
		{"two values", "/v1/redact", "application/json", `{"text":"a"}{"text":"b"}`, 400, CodeBadJSON},
		{"empty body", "/v1/redact", "application/json", ``, 400, CodeBadJSON},
		{"unknown field", "/v1/redact", "application/json", `{"text":"a","txet":"b"}`, 400, CodeUnknownField},
		{"no content type", "/v1/redact", "", `{"text":"a"}`, 400, CodeContentType},
		{"text/plain", "/v1/redact", "text/plain", `{"text":"a"}`, 400, CodeContentType},
		{"latin1 charset", "/v1/redact", "application/json; charset=iso-8859-1", `{"text":"a"}`, 400, CodeContentType},
		{"invalid UTF-8", "/v1/redact", "application/json", "{\"text\":\"caf\xe9\"}", 400, CodeInvalidUTF8},
		{"empty text", "/v1/redact", "application/json", `{"text":""}`, 400, CodeEmptyText},
		{"missing text", "/v1/redact", "application/json", `{"mode":"fast"}`, 400, CodeMissingText},
		{"null text", "/v1/redact", "application/json", `{"text":null}`, 400, CodeMissingText},
		{"text and texts", "/v1/redact", "application/json", `{"text":"a","texts":["b"]}`, 400, CodeInvalidOption},
		{"empty batch", "/v1/redact", "application/json", `{"texts":[]}`, 400, CodeEmptyText},
		{"empty text in batch", "/v1/redact", "application/json", `{"texts":["a",""]}`, 400, CodeEmptyText},
		{"batch too big", "/v1/redact", "application/json", `{"texts":["a","b","c","d"]}`, 400, CodeInvalidOption},
		{"bad mode", "/v1/redact", "application/json", `{"text":"a","mode":"turbo"}`, 400, CodeInvalidOption},
		{"threshold > 1", "/v1/redact", "application/json", `{"text":"a","threshold":1.5}`, 400, CodeInvalidOption},
		{"negative epsilon", "/v1/redact", "application/json", `{"text":"a","epsilon":-1}`, 400, CodeInvalidOption},
		{"bad aggregation", "/v1/redact", "application/json", `{"text":"a","aggregation":"median"}`, 400, CodeInvalidOption},
		{"empty deny term", "/v1/redact", "application/json", `{"text":"a","deny":[""]}`, 400, CodeInvalidOption},
		{"empty mapping token", "/v1/redact", "application/json", `{"text":"a","mapping":{"":"x"}}`, 400, CodeBadMapping},
		{"too large", "/v1/redact", "application/json", big, 413, CodeTooLarge},
		{"restore malformed", "/v1/restore", "application/json", `{"text":`, 400, CodeBadJSON},
		{"restore unknown field", "/v1/restore", "application/json", `{"text":"a","mapping":{},"x":1}`, 400, CodeUnknownField},
		{"restore empty text", "/v1/restore", "application/json", `{"text":"","mapping":{}}`, 400, CodeEmptyText},
		{"restore missing text", "/v1/restore", "application/json", `{"mapping":{}}`, 400, CodeMissingText},
		{"restore missing mapping", "/v1/restore", "application/json", `{"text":"[PERSON_1]"}`, 400, CodeBadMapping},
		{"restore invalid UTF-8", "/v1/restore", "application/json", "{\"text\":\"\xff\",\"mapping\":{}}", 400, CodeInvalidUTF8},
		{"restore wrong type", "/v1/restore", "text/csv", `{"text":"a","mapping":{}}`, 400, CodeContentType},
		{"restore too large", "/v1/restore", "application/json", big, 413, CodeTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := do(t, s, http.MethodPost, c.path, c.ct, []byte(c.body))
			wantError(t, rec, c.status, c.code)
		})
	}
}

// A body without Content-Length (chunked) that outgrows the limit is cut
// off while it is read and still answers 413.
func TestBodyLimitChunked(t *testing.T) {
	s := newTestServer(t, &fakeRedactor{}, func(c *Config) { c.MaxBodyBytes = 1024 })
	body := `{"text":"` + strings.Repeat("b", 5000) + `"}`
	req := httptest.NewRequest(http.MethodPost, "/v1/redact", io.MultiReader(strings.NewReader(body)))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	wantError(t, rec, http.StatusRequestEntityTooLarge, CodeTooLarge)
}

// The default limit is 1 MiB: just under passes, just over is 413.
func TestDefaultBodyLimit(t *testing.T) {
	s := newTestServer(t, &fakeRedactor{}, nil)
	pad := DefaultMaxBodyBytes - len(`{"text":""}`)
	ok := []byte(`{"text":"` + strings.Repeat("c", pad) + `"}`)
	if rec := do(t, s, http.MethodPost, "/v1/redact", "application/json", ok); rec.Code != http.StatusOK {
		t.Fatalf("1 MiB body: status %d", rec.Code)
	}
	over := []byte(`{"text":"` + strings.Repeat("c", pad+1) + `"}`)
	wantError(t, do(t, s, http.MethodPost, "/v1/redact", "application/json", over), 413, CodeTooLarge)
}

func TestNotFoundAndMethod(t *testing.T) {
	s := newTestServer(t, &fakeRedactor{}, nil)
	wantError(t, do(t, s, http.MethodGet, "/v1/nope", "", nil), http.StatusNotFound, CodeNotFound)
	wantError(t, do(t, s, http.MethodGet, "/v1/redact", "", nil), http.StatusMethodNotAllowed, CodeMethod)
	wantError(t, do(t, s, http.MethodDelete, "/healthz", "", nil), http.StatusMethodNotAllowed, CodeMethod)
}

func TestNotReady(t *testing.T) {
	s := newTestServer(t, nil, nil)
	if rec := do(t, s, http.MethodGet, "/healthz", "", nil); rec.Code != http.StatusOK {
		t.Fatalf("healthz while loading: %d", rec.Code)
	}
	rec := do(t, s, http.MethodGet, "/readyz", "", nil)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("readyz while loading: %d", rec.Code)
	}
	rec = postJSON(t, s, "/v1/redact", map[string]string{"text": "a"})
	wantError(t, rec, http.StatusServiceUnavailable, CodeNotReady)
	if rec.Header().Get("Retry-After") == "" {
		t.Fatal("not_ready without Retry-After")
	}
	wantError(t, do(t, s, http.MethodGet, "/v1/model", "", nil), http.StatusServiceUnavailable, CodeNotReady)
	// Restore needs no model.
	if rec := postJSON(t, s, "/v1/restore", map[string]any{"text": "[X_1]", "mapping": map[string]string{}}); rec.Code != http.StatusOK {
		t.Fatalf("restore while loading: %d", rec.Code)
	}

	f := &fakeRedactor{}
	if err := s.Load(context.Background(), func(context.Context) (*Model, error) {
		return &Model{Redactor: f, Info: ModelInfo{ID: "loaded"}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if f.calls != 1 {
		t.Fatalf("warm-up ran %d inferences, want 1", f.calls)
	}
	if rec := do(t, s, http.MethodGet, "/readyz", "", nil); rec.Code != http.StatusOK {
		t.Fatalf("readyz after load: %d", rec.Code)
	}
	if rec := postJSON(t, s, "/v1/redact", map[string]string{"text": "a"}); rec.Code != http.StatusOK {
		t.Fatalf("redact after load: %d", rec.Code)
	}
}

// A failing warm-up leaves the server unready.
func TestLoadWarmupFails(t *testing.T) {
	s := newTestServer(t, nil, nil)
	err := s.Load(context.Background(), func(context.Context) (*Model, error) {
		return &Model{Redactor: &fakeRedactor{err: errFakeInternal}}, nil
	})
	if err == nil || s.Ready() {
		t.Fatalf("Load = %v, ready %v", err, s.Ready())
	}
}

func TestAuth(t *testing.T) {
	s := newTestServer(t, &fakeRedactor{}, func(c *Config) { c.AuthToken = "s3cret-token" })
	body := map[string]string{"text": "a"}
	rec := postJSON(t, s, "/v1/redact", body)
	wantError(t, rec, http.StatusUnauthorized, CodeUnauthorized)
	if !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") {
		t.Fatal("401 without WWW-Authenticate: Bearer")
	}
	wantError(t, postJSON(t, s, "/v1/redact", body, "Authorization", "Bearer wrong"), 401, CodeUnauthorized)
	wantError(t, postJSON(t, s, "/v1/redact", body, "Authorization", "s3cret-token"), 401, CodeUnauthorized)
	wantError(t, do(t, s, http.MethodGet, "/metrics", "", nil), 401, CodeUnauthorized)
	wantError(t, do(t, s, http.MethodGet, "/v1/model", "", nil), 401, CodeUnauthorized)
	if rec := postJSON(t, s, "/v1/redact", body, "Authorization", "Bearer s3cret-token"); rec.Code != http.StatusOK {
		t.Fatalf("right token: %d", rec.Code)
	}
	for _, p := range []string{"/healthz", "/readyz", "/openapi.json"} {
		if rec := do(t, s, http.MethodGet, p, "", nil); rec.Code != http.StatusOK {
			t.Fatalf("%s without token: %d", p, rec.Code)
		}
	}
}

// With every slot taken, the next request gets 503 with Retry-After at
// once; when the slot frees up, requests pass again.
func TestConcurrencyLimit(t *testing.T) {
	f := &fakeRedactor{block: make(chan struct{}), entered: make(chan struct{}, 1)}
	s := newTestServer(t, f, func(c *Config) { c.MaxConcurrency = 1 })
	done := make(chan int)
	go func() {
		done <- postJSON(t, s, "/v1/redact", map[string]string{"text": "first"}).Code
	}()
	<-f.entered
	rec := postJSON(t, s, "/v1/restore", map[string]any{"text": "a", "mapping": map[string]string{}})
	wantError(t, rec, http.StatusServiceUnavailable, CodeOverloaded)
	if rec.Header().Get("Retry-After") != "1" {
		t.Fatalf("Retry-After = %q", rec.Header().Get("Retry-After"))
	}
	if rec := do(t, s, http.MethodGet, "/healthz", "", nil); rec.Code != http.StatusOK {
		t.Fatalf("healthz under load: %d", rec.Code)
	}
	close(f.block)
	f.entered = nil
	if code := <-done; code != http.StatusOK {
		t.Fatalf("first request: %d", code)
	}
	if rec := postJSON(t, s, "/v1/redact", map[string]string{"text": "again"}); rec.Code != http.StatusOK {
		t.Fatalf("after the slot freed: %d", rec.Code)
	}
}

func TestRequestTimeout(t *testing.T) {
	f := &fakeRedactor{block: make(chan struct{})}
	s := newTestServer(t, f, func(c *Config) { c.RequestTimeout = 50 * time.Millisecond })
	rec := postJSON(t, s, "/v1/redact", map[string]string{"text": "slow"})
	wantError(t, rec, http.StatusServiceUnavailable, CodeTimeout)
}

// An engine error is a 500 whose body does not echo the error; it is
// logged with the request id.
func TestInternalError(t *testing.T) {
	s := newTestServer(t, &fakeRedactor{err: errFakeInternal}, nil)
	rec := postJSON(t, s, "/v1/redact", map[string]string{"text": secret("Quentin Marsh-Oyelaran")})
	body := rec.Body.String()
	wantError(t, rec, http.StatusInternalServerError, CodeInternal)
	if strings.Contains(body, "tensor shape") {
		t.Fatalf("internal error echoed: %s", body)
	}
	logMu.Lock()
	logged := bytes.Contains(capturedLog.Bytes(), []byte("tensor shape mismatch"))
	logMu.Unlock()
	if !logged {
		t.Fatal("internal error not logged")
	}
}

// A panicking engine yields a 500 and the server keeps serving.
func TestPanicRecovered(t *testing.T) {
	f := &fakeRedactor{panicV: secret("Olga Panic-Value")}
	s := newTestServer(t, f, nil)
	wantError(t, postJSON(t, s, "/v1/redact", map[string]string{"text": "boom"}), 500, CodeInternal)
	f.panicV = nil
	if rec := postJSON(t, s, "/v1/redact", map[string]string{"text": "fine"}); rec.Code != http.StatusOK {
		t.Fatalf("after panic: %d", rec.Code)
	}
}

func TestRestore(t *testing.T) {
	s := newTestServer(t, &fakeRedactor{}, nil)
	name := secret("Jorinde Halvorsen")
	rec := postJSON(t, s, "/v1/restore", map[string]any{
		"text":    "Dear [PERSON_1], [PERSON_2] says hi. Grüße.",
		"mapping": map[string]string{"[PERSON_1]": name},
	})
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var res RestoreResponse
	decodeBody(t, rec.Body, &res)
	if res.Text != "Dear "+name+", [PERSON_2] says hi. Grüße." || len(res.Unresolved) != 1 || res.Unresolved[0] != "[PERSON_2]" {
		t.Fatalf("restore = %+v", res)
	}
	rec = postJSON(t, s, "/v1/restore", map[string]any{"text": "no tokens", "mapping": map[string]string{}})
	if !strings.Contains(rec.Body.String(), `"unresolved":[]`) {
		t.Fatalf("unresolved not an empty array: %s", rec.Body)
	}
}

// A client that goes away while its request waits is logged as 499, not
// as an internal error.
func TestClientGone(t *testing.T) {
	f := &fakeRedactor{block: make(chan struct{}), entered: make(chan struct{}, 1)}
	s := newTestServer(t, f, nil)
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequest(http.MethodPost, "/v1/redact", strings.NewReader(`{"text":"bye"}`)).WithContext(ctx)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	go func() { <-f.entered; cancel() }()
	s.Handler().ServeHTTP(rec, req)
	wantError(t, rec, statusClientClosed, CodeClientClosed)
}
