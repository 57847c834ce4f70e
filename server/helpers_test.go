package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
)

// Every server built by the tests logs into capturedLog; after all tests,
// TestMain checks that none of the registered secrets (request texts,
// entity values, mapping values) appears in it.
var (
	logMu       sync.Mutex
	capturedLog bytes.Buffer
	secretsMu   sync.Mutex
	secrets     = map[string]bool{}
	buildDir    string // the e2e binary's directory, removed after the run
)

type lockedWriter struct{}

func (lockedWriter) Write(p []byte) (int, error) {
	logMu.Lock()
	defer logMu.Unlock()
	return capturedLog.Write(p)
}

// secret registers s as text that must never reach the logs, and returns it.
func secret(s string) string {
	secretsMu.Lock()
	secrets[s] = true
	secretsMu.Unlock()
	return s
}

func testLogger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(lockedWriter{}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	if code == 0 {
		if err := checkLogs(); err != nil {
			fmt.Fprintln(os.Stderr, "FAIL: log check:", err)
			code = 1
		} else {
			fmt.Fprintf(os.Stderr, "log check: %d log bytes hold none of %d secrets\n", capturedLog.Len(), len(secrets))
		}
	}
	os.Exit(code)
}

// checkLogs fails if a secret is in the captured log, or if the log holds
// no request lines at all (then the check would prove nothing).
func checkLogs() error {
	logMu.Lock()
	defer logMu.Unlock()
	log := capturedLog.String()
	if len(secrets) > 0 && !strings.Contains(log, `"msg":"request"`) {
		return fmt.Errorf("no request lines were logged")
	}
	for s := range secrets {
		if strings.Contains(log, s) {
			return fmt.Errorf("the log contains the secret %q", s)
		}
	}
	return nil
}

// newTestServer returns a ready server on the fake engine; mod edits the
// config first.
func newTestServer(t testing.TB, f *fakeRedactor, mod func(*Config)) *Server {
	t.Helper()
	cfg := Config{Restorer: fakeRestorer{}, Logger: testLogger()}
	if mod != nil {
		mod(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if f != nil {
		s.Install(&Model{Redactor: f, Info: ModelInfo{ID: "fake-model", Labels: []string{"O", "B-PER", "I-PER"}, Quantization: "fp32"}})
	}
	return s
}

// do sends one request through the handler.
func do(t testing.TB, s *Server, method, path, contentType string, body []byte, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

func postJSON(t testing.TB, s *Server, path string, v any, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, s, http.MethodPost, path, "application/json", b, hdr...)
}

// decodeBody decodes rec's JSON body into v, failing on unknown fields so
// that responses match the declared types.
func decodeBody(t testing.TB, body io.Reader, v any) {
	t.Helper()
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode response: %v", err)
	}
}

// wantError checks an error response: status, JSON body shape and code.
func wantError(t testing.TB, rec *httptest.ResponseRecorder, status int, code string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("error Content-Type = %q", ct)
	}
	var e errorBody
	decodeBody(t, rec.Body, &e)
	if e.Error.Code != code {
		t.Fatalf("error code = %q, want %q (message %q)", e.Error.Code, code, e.Error.Message)
	}
	if e.Error.Message == "" {
		t.Fatalf("error %q has no message", code)
	}
	if rec.Header().Get(RequestIDHeader) == "" {
		t.Fatalf("error response has no %s", RequestIDHeader)
	}
}
