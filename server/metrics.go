package server

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/obscura-ai/obscura/redact"
)

// Metrics are written by hand in the Prometheus text exposition format
// (version 0.0.4). Labels are route templates, methods, status codes,
// stage names and entity types: never request text or entity values.

// latencyBuckets are the histogram upper bounds, in seconds.
var latencyBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type histogram struct {
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	n      uint64
}

func (h *histogram) observe(v float64) {
	if h.counts == nil {
		h.counts = make([]uint64, len(latencyBuckets)+1)
	}
	i := sort.SearchFloat64s(latencyBuckets, v) // first bound >= v
	h.counts[i]++
	h.sum += v
	h.n++
}

type reqKey struct{ route, method, code string }
type entKey struct{ typ, source string }

type metrics struct {
	mu       sync.Mutex
	requests map[reqKey]uint64
	latency  map[string]*histogram // by route
	stages   map[string]*histogram // by redact stage
	queue    histogram             // wait for an inference slot
	entities map[entKey]uint64
	texts    uint64
	inFlight atomic.Int64
	ready    atomic.Bool
	start    time.Time
}

func newMetrics() *metrics {
	return &metrics{
		requests: map[reqKey]uint64{},
		latency:  map[string]*histogram{},
		stages:   map[string]*histogram{},
		entities: map[entKey]uint64{},
		start:    time.Now(),
	}
}

func (m *metrics) setReady(v bool) { m.ready.Store(v) }

func (m *metrics) observeRequest(route, method string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[reqKey{route, method, strconv.Itoa(status)}]++
	h := m.latency[route]
	if h == nil {
		h = &histogram{}
		m.latency[route] = h
	}
	h.observe(d.Seconds())
}

func (m *metrics) observeQueue(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.queue.observe(d.Seconds())
}

func (m *metrics) observeRedact(r *redact.Result) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.texts++
	vals := stageValues(r.Timings)
	for i, st := range timingStages {
		h := m.stages[st]
		if h == nil {
			h = &histogram{}
			m.stages[st] = h
		}
		h.observe(vals[i] / 1000)
	}
	for _, e := range r.Entities {
		m.entities[entKey{e.Type, e.Source}]++
	}
}

// labelEscaper escapes a label value as the text format requires.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func writeHistogram(w io.Writer, name, labels string, h *histogram) {
	sep := ""
	if labels != "" {
		sep = ","
	}
	var cum uint64
	for i, b := range latencyBuckets {
		cum += h.counts[i]
		fmt.Fprintf(w, "%s_bucket{%s%sle=\"%s\"} %d\n", name, labels, sep, fmtFloat(b), cum)
	}
	cum += h.counts[len(latencyBuckets)]
	fmt.Fprintf(w, "%s_bucket{%s%sle=\"+Inf\"} %d\n", name, labels, sep, cum)
	if labels != "" {
		labels = "{" + labels + "}"
	}
	fmt.Fprintf(w, "%s_sum%s %s\n%s_count%s %d\n", name, labels, fmtFloat(h.sum), name, labels, h.n)
}

// write emits every metric in a stable order.
func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()

	fmt.Fprintln(w, "# HELP obscura_http_requests_total HTTP requests by route template, method and status code.")
	fmt.Fprintln(w, "# TYPE obscura_http_requests_total counter")
	keys := make([]reqKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.code < b.code
	})
	for _, k := range keys {
		fmt.Fprintf(w, "obscura_http_requests_total{route=\"%s\",method=\"%s\",code=\"%s\"} %d\n",
			labelEscaper.Replace(k.route), labelEscaper.Replace(k.method), k.code, m.requests[k])
	}

	fmt.Fprintln(w, "# HELP obscura_http_request_duration_seconds HTTP request latency by route template.")
	fmt.Fprintln(w, "# TYPE obscura_http_request_duration_seconds histogram")
	for _, r := range sortedKeys(m.latency) {
		writeHistogram(w, "obscura_http_request_duration_seconds", `route="`+labelEscaper.Replace(r)+`"`, m.latency[r])
	}

	fmt.Fprintln(w, "# HELP obscura_redact_stage_duration_seconds Time per redaction stage, per text.")
	fmt.Fprintln(w, "# TYPE obscura_redact_stage_duration_seconds histogram")
	for _, st := range timingStages {
		if h := m.stages[st]; h != nil {
			writeHistogram(w, "obscura_redact_stage_duration_seconds", `stage="`+st+`"`, h)
		}
	}

	fmt.Fprintln(w, "# HELP obscura_redact_queue_seconds Wait for an inference slot, per text.")
	fmt.Fprintln(w, "# TYPE obscura_redact_queue_seconds histogram")
	if m.queue.n > 0 {
		writeHistogram(w, "obscura_redact_queue_seconds", "", &m.queue)
	}

	fmt.Fprintln(w, "# HELP obscura_redact_texts_total Texts redacted.")
	fmt.Fprintln(w, "# TYPE obscura_redact_texts_total counter")
	fmt.Fprintf(w, "obscura_redact_texts_total %d\n", m.texts)

	fmt.Fprintln(w, "# HELP obscura_redact_entities_total Entities found, by type and detector.")
	fmt.Fprintln(w, "# TYPE obscura_redact_entities_total counter")
	ents := make([]entKey, 0, len(m.entities))
	for k := range m.entities {
		ents = append(ents, k)
	}
	sort.Slice(ents, func(i, j int) bool {
		if ents[i].typ != ents[j].typ {
			return ents[i].typ < ents[j].typ
		}
		return ents[i].source < ents[j].source
	})
	for _, k := range ents {
		fmt.Fprintf(w, "obscura_redact_entities_total{type=\"%s\",source=\"%s\"} %d\n",
			labelEscaper.Replace(k.typ), labelEscaper.Replace(k.source), m.entities[k])
	}

	fmt.Fprintln(w, "# HELP obscura_http_in_flight Requests being served now.")
	fmt.Fprintln(w, "# TYPE obscura_http_in_flight gauge")
	fmt.Fprintf(w, "obscura_http_in_flight %d\n", m.inFlight.Load())

	fmt.Fprintln(w, "# HELP obscura_model_ready 1 when the model is loaded and warmed up.")
	fmt.Fprintln(w, "# TYPE obscura_model_ready gauge")
	ready := 0
	if m.ready.Load() {
		ready = 1
	}
	fmt.Fprintf(w, "obscura_model_ready %d\n", ready)

	fmt.Fprintln(w, "# HELP obscura_uptime_seconds Seconds since the server was created.")
	fmt.Fprintln(w, "# TYPE obscura_uptime_seconds gauge")
	fmt.Fprintf(w, "obscura_uptime_seconds %s\n", fmtFloat(time.Since(m.start).Seconds()))
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s *Server) handleMetrics(c echo.Context) error {
	res := c.Response()
	res.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	res.WriteHeader(http.StatusOK)
	bw := bufio.NewWriter(res)
	s.metrics.write(bw)
	return bw.Flush()
}
