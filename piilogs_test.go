package obscura_test

// The PII-in-logs scan (product plan 5.4, "PII-in-logs scan: 0 findings"):
// run the redaction engine and the HTTP service on synthetic samples with
// every logger at debug level, capture all that is written, and search it
// for the synthetic values used. It sits at the module root because it
// drives every layer up to server, which no package may import.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/obscura-ai/obscura/eval"
	"github.com/obscura-ai/obscura/eval/synth"
	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/ner"
	"github.com/obscura-ai/obscura/redact"
	"github.com/obscura-ai/obscura/server"
)

// piiScanSamples is how many samples per domain the scan sends through.
const piiScanSamples = 60

type restorer struct{}

func (restorer) Restore(text string, m redact.Mapping) (string, []string) {
	return redact.Restore(text, m)
}
func (restorer) NewStream(m redact.Mapping) server.StreamRestorer { return redact.NewStreamRestorer(m) }

// piiValues returns the samples and the distinct values to look for.
func piiValues(t *testing.T) ([]synth.Sample, []string) {
	var all []synth.Sample
	seen := map[string]bool{}
	var values []string
	for _, d := range synth.Domains {
		s, err := synth.Generate(d, 2026, piiScanSamples)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, s...)
		for _, x := range s {
			for _, sp := range x.Spans {
				if eval.Scannable(sp.Value) && !seen[sp.Value] {
					seen[sp.Value] = true
					values = append(values, sp.Value)
				}
			}
		}
	}
	return all, values
}

// findings counts the values present in the log; callers report the count,
// never the values.
func findings(log string, values []string) int { return eval.ScanLog(log, values).Failed }

func engines(t *testing.T, logger *slog.Logger) map[string]*redact.Engine {
	out := map[string]*redact.Engine{}
	e, err := redact.NewEngine(redact.Config{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	out["regex-only"] = e
	if testing.Short() {
		return out
	}
	dir := testenv.Shared(t, "models", "obscura-minilm-conll")
	rec, _, err := ner.Load(dir, ner.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if e, err = redact.NewEngine(redact.Config{Recognizer: rec, Logger: logger}); err != nil {
		t.Fatal(err)
	}
	out["model"] = e
	return out
}

func TestNoPIIInLogs(t *testing.T) {
	samples, values := piiValues(t)
	sink := &testenv.SyncBuffer{}
	logger := slog.New(slog.NewTextHandler(sink, &slog.HandlerOptions{Level: slog.LevelDebug, AddSource: true}))
	prev := slog.Default()
	slog.SetDefault(logger)
	defer slog.SetDefault(prev)

	ctx := context.Background()
	for name, e := range engines(t, logger) {
		// The engine directly, including its error paths.
		for _, s := range samples {
			res, err := e.Redact(ctx, s.Text, redact.Options{})
			if err != nil {
				t.Fatalf("%s: redact %s: %v", name, s.ID, err)
			}
			if back, _ := redact.Restore(res.MaskedText, res.Mapping); back != s.Text {
				t.Fatalf("%s: %s does not round-trip", name, s.ID)
			}
			if _, err := e.Redact(ctx, s.Text, redact.Options{Entities: []string{s.Text[:min(len(s.Text), 20)]}}); err == nil {
				t.Fatalf("%s: a bad entity option was accepted", name)
			} else if strings.Contains(err.Error(), s.Text[:min(len(s.Text), 20)]) {
				t.Fatalf("%s: an error message echoes request text", name)
			}
		}

		// The HTTP service around the same engine.
		srv, err := server.New(server.Config{Restorer: restorer{}, Logger: logger})
		if err != nil {
			t.Fatal(err)
		}
		srv.Install(&server.Model{Redactor: e, Info: server.ModelInfo{ID: "pii-scan", Quantization: "fp32"}})
		ts := httptest.NewServer(srv.Handler())
		post := func(path string, body any) []byte {
			b, _ := json.Marshal(body)
			resp, err := http.Post(ts.URL+path, "application/json", bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			out, _ := io.ReadAll(resp.Body)
			return out
		}
		for i, s := range samples {
			text := s.Text
			raw := post("/v1/redact", map[string]any{"text": text})
			var rr struct {
				MaskedText string            `json:"masked_text"`
				Mapping    map[string]string `json:"mapping"`
			}
			if err := json.Unmarshal(raw, &rr); err != nil || rr.MaskedText == "" {
				t.Fatalf("%s: /v1/redact answered %d bytes that are not a redaction", name, len(raw))
			}
			post("/v1/restore", map[string]any{"text": rr.MaskedText, "mapping": rr.Mapping})
			if i%10 == 0 {
				// Bad requests: unknown fields, a bad option, and broken JSON
				// that carries the text.
				post("/v1/redact", map[string]any{"text": text, "entities": []string{"NOT_A_TYPE"}})
				post("/v1/redact", map[string]any{"text": text, "threshold": 7})
				resp, err := http.Post(ts.URL+"/v1/redact", "application/json", strings.NewReader(`{"text": "`+text))
				if err == nil {
					resp.Body.Close()
				}
			}
		}
		ts.Close()
	}
	log := sink.String()
	if len(log) == 0 {
		t.Fatal("nothing was logged: the scan would prove nothing")
	}
	if n := findings(log, values); n != 0 {
		t.Fatalf("%d of %d synthetic PII values appear in %d bytes of logs", n, len(values), len(log))
	}
	t.Logf("scanned %d bytes of logs for %d values: 0 findings", len(log), len(values))
}

// TestPIIScanFindsLeaks shows the scan can fail: a log line with a value in
// it is found.
func TestPIIScanFindsLeaks(t *testing.T) {
	_, values := piiValues(t)
	var b bytes.Buffer
	slog.New(slog.NewTextHandler(&b, nil)).Info("oops", "text", values[3])
	if findings(b.String(), values) == 0 {
		t.Fatal("a leaked value was not found")
	}
}
