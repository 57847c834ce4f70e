package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/obscura-ai/obscura/redact"
)

// BenchmarkRedactHandlerFast measures the HTTP layer's cost per request
// on the real regex-only engine: decode, validate, redact, encode, log
// and metrics, without the network.
func BenchmarkRedactHandlerFast(b *testing.B) {
	s := newRealServer(b, redact.Config{}, nil)
	body, _ := json.Marshal(map[string]string{"text": loadTexts[1]})
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/v1/redact", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkRestoreHandler measures POST /v1/restore.
func BenchmarkRestoreHandler(b *testing.B) {
	s := newRealServer(b, redact.Config{}, nil)
	body, _ := json.Marshal(map[string]any{
		"text":    "Dear [PERSON_1], your SSN [SSN_1] and [EMAIL_1] are on file. " + loadTexts[0],
		"mapping": map[string]string{"[PERSON_1]": "John Smith", "[SSN_1]": "123-45-6789", "[EMAIL_1]": "john@example.com"},
	})
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/v1/restore", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
