package proxy

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/ner"
	"github.com/obscura-ai/obscura/redact"
)

// Streaming benchmark settings: the stamping upstream sends benchEvents
// events benchGap apart, each stamped with its send time, so that the
// arrival time at the client gives each event's latency. benchGap is
// longer than the proxy needs per event, so queueing does not enter.
const (
	benchEvents = 32
	benchGap    = 500 * time.Microsecond
	benchPiece  = 5 // bytes of answer per event: tokens are cut across events
)

// benchAnswer is the upstream's answer, full of tokens of the request's
// mapping (the benchmark request holds these values).
var benchAnswer = strings.Repeat("Dear [PERSON_1], we wrote to [EMAIL_1] about [SSN_1]. ", 3)

// stampUpstream streams benchAnswer in benchPiece-byte events, each with
// its send time in "sent_ns" (a field the proxy passes on untouched).
func stampUpstream(tb testing.TB) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var sink bytes.Buffer
		_, _ = sink.ReadFrom(r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		fl := w.(http.Flusher)
		pieces := splitText(benchAnswer, benchPiece, 0)
		for i := 0; i < benchEvents; i++ {
			p := ""
			if i < len(pieces) {
				p = pieces[i]
			}
			ev := map[string]any{"id": "x", "object": "chat.completion.chunk", "sent_ns": time.Now().UnixNano(),
				"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": p}, "finish_reason": nil}}}
			b, _ := json.Marshal(ev)
			fmt.Fprintf(w, "data: %s\n\n", b)
			fl.Flush()
			time.Sleep(benchGap)
		}
		fmt.Fprint(w, "data: [DONE]\n\n")
		fl.Flush()
	}))
	tb.Cleanup(srv.Close)
	return srv
}

func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(q*float64(len(s)-1))]
}

// BenchmarkStream compares, in one run, a client reading the stamping
// upstream directly with one reading it through the proxy (regex-only
// engine): time to the first byte of answer text, and per-event latency
// (arrival minus the upstream's send time), p50 and p99.
//
//	go test -run NONE -bench Stream -benchtime 200x ./proxy
func BenchmarkStream(b *testing.B) { benchStream(b, nil) }

// BenchmarkStreamModel is BenchmarkStream with the baseline model (fp32)
// redacting the request: time to first byte then includes one NER pass.
func BenchmarkStreamModel(b *testing.B) {
	dir := testenv.Shared(b, "models", "obscura-minilm-conll")
	rec, _, err := ner.Load(dir, ner.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	eng, err := redact.NewEngine(redact.Config{Recognizer: rec})
	if err != nil {
		b.Fatal(err)
	}
	benchStream(b, eng)
}

func benchStream(b *testing.B, eng Redactor) {
	up := stampUpstream(b)
	px, _ := proxyTo(b, up.URL+"/v1", func(c *Config) {
		if eng != nil {
			c.Engine = func() Redactor { return eng }
		}
	})
	body, _ := json.Marshal(map[string]any{"model": "bench", "stream": true, "messages": []any{
		map[string]any{"role": "user", "content": "I am reachable at " + email + ", SSN " + ssn + "; call " + phone + "."}}})
	for _, target := range []struct{ name, url string }{{"direct", up.URL}, {"proxy", px.URL}} {
		b.Run(target.name, func(b *testing.B) {
			client := &http.Client{}
			var ttfb, lat []time.Duration
			for i := 0; i < b.N; i++ {
				req, _ := http.NewRequest(http.MethodPost, target.url+"/v1/chat/completions", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				br := bufio.NewReader(resp.Body)
				first := true
				for {
					line, err := br.ReadString('\n')
					if err != nil {
						break
					}
					d, ok := strings.CutPrefix(strings.TrimRight(line, "\n"), "data: ")
					if !ok || d == sseDone {
						continue
					}
					now := time.Now()
					var ev struct {
						SentNS  int64 `json:"sent_ns"`
						Choices []struct {
							Delta struct {
								Content string `json:"content"`
							} `json:"delta"`
						} `json:"choices"`
					}
					if json.Unmarshal([]byte(d), &ev) != nil {
						b.Fatalf("event %q", d)
					}
					if ev.SentNS > 0 {
						lat = append(lat, now.Sub(time.Unix(0, ev.SentNS)))
					}
					if first && len(ev.Choices) > 0 && ev.Choices[0].Delta.Content != "" {
						ttfb = append(ttfb, now.Sub(t0))
						first = false
					}
				}
				resp.Body.Close()
			}
			ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
			b.ReportMetric(ms(percentile(ttfb, 0.5)), "ttfb-p50-ms")
			b.ReportMetric(ms(percentile(ttfb, 0.99)), "ttfb-p99-ms")
			b.ReportMetric(ms(percentile(lat, 0.5)), "event-p50-ms")
			b.ReportMetric(ms(percentile(lat, 0.99)), "event-p99-ms")
		})
	}
}
