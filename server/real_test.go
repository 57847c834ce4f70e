package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/obscura-ai/obscura/redact"
)

// newRealServer serves a real regex-only (fast mode) redact.Engine with
// the production restorer.
func newRealServer(t testing.TB, rc redact.Config, mod func(*Config)) *Server {
	t.Helper()
	eng, err := redact.NewEngine(rc)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Logger: testLogger()}
	if mod != nil {
		mod(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.Install(&Model{Redactor: eng, Info: ModelInfo{ID: "regex-only"}})
	return s
}

// With the real engine and restorer: redact, then restore (plain and
// streamed in every chunk size) gives the original text back.
func TestRealEngineRoundTrip(t *testing.T) {
	s := newRealServer(t, redact.Config{}, nil)
	ssn, email := secret("219-09-9999"), secret("ruth.okafor@example.org")
	text := secret("Ruth's SSN is " + ssn + "; reach her at " + email + " — merci.")
	var red RedactResponse
	rec := postJSON(t, s, "/v1/redact", map[string]any{"text": text})
	if rec.Code != http.StatusOK {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	decodeBody(t, rec.Body, &red)
	if strings.Contains(red.MaskedText, ssn) || strings.Contains(red.MaskedText, email) || len(red.Mapping) != 2 {
		t.Fatalf("masked %q mapping %v", red.MaskedText, red.Mapping)
	}
	for _, e := range red.Entities {
		if text[e.Start:e.End] != red.Mapping[e.Token] || e.Source != "regex" {
			t.Fatalf("entity %+v", e)
		}
	}
	var rest RestoreResponse
	rec = postJSON(t, s, "/v1/restore", map[string]any{"text": red.MaskedText, "mapping": red.Mapping})
	decodeBody(t, rec.Body, &rest)
	if rest.Text != text || len(rest.Unresolved) != 0 {
		t.Fatalf("restore %+v", rest)
	}

	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	hdr := mappingHeader(t, red.Mapping)
	for size := 1; size <= len(red.MaskedText); size += 3 {
		pr, pw := io.Pipe()
		go func() {
			for i := 0; i < len(red.MaskedText); i += size {
				_, _ = pw.Write([]byte(red.MaskedText[i:min(i+size, len(red.MaskedText))]))
			}
			pw.Close()
		}()
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/v1/restore/stream", pr)
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set(MappingHeader, hdr)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(got) != text {
			t.Fatalf("chunks of %d: %q", size, got)
		}
	}
}

// The engine's typed input errors map to 400/413 with our codes.
func TestRealEngineInputErrors(t *testing.T) {
	s := newRealServer(t, redact.Config{MaxBytes: 32}, nil)
	wantError(t, postJSON(t, s, "/v1/redact", map[string]any{"text": strings.Repeat("x", 40)}), http.StatusRequestEntityTooLarge, CodeTextTooLong)
	wantError(t, postJSON(t, s, "/v1/redact", map[string]any{"text": "x", "entities": []string{"NOPE"}}), http.StatusBadRequest, CodeInvalidOption)
}
