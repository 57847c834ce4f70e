package proxy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/redact"
)

// tokenRE matches the canonical tokens the engine writes.
var tokenRE = regexp.MustCompile(`\[[A-Z][A-Z_]*_[0-9]+\]`)

// fakeUpstream is an OpenAI-style server on loopback. It records every
// request it receives and answers from the placeholders it was sent. The
// request's "model" field picks the behaviour:
//
//	echo            the answer is the text of every message, joined by "\n"
//	reorder         the tokens received, last first, joined by " | "
//	drop            the tokens received in altered forms an LLM writes
//	                (lower case, <>, no brackets), after tokens of
//	                indices the request never had and one without its index
//	tools           a tool call whose arguments hold the tokens
//	two             two choices: echo and reorder
//	error           429 with an OpenAI error body
//	stall           (stream) one event, then nothing for stallFor
//
// With "stream": true the answer is sent as SSE events of split bytes each
// (body field fake_split; 0 means two events cut at byte fake_cut), cut
// only at character boundaries, as an LLM would. With fake_gate the server
// waits after the first event until the test closes gate.
type fakeUpstream struct {
	srv      *httptest.Server
	mu       sync.Mutex
	answer   string // the last (first choice's) answer sent
	bodies   []string
	auth     []string
	gate     chan struct{}
	stallFor time.Duration
}

func newFakeUpstream(t testing.TB) *fakeUpstream {
	t.Helper()
	f := &fakeUpstream{gate: make(chan struct{}), stallFor: time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(f.handle))
	f.srv.Listener = ln
	f.srv.Start()
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeUpstream) url() string { return f.srv.URL + "/v1" }

func (f *fakeUpstream) received() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.bodies, "\n")
}

type fakeChat struct {
	Split    string `json:"fake_split"`
	Cut      string `json:"fake_cut"`
	Gate     string `json:"fake_gate"`
	Model    string `json:"model"`
	Stream   bool   `json:"stream"`
	Prompt   any    `json:"prompt"`
	Messages []struct {
		Role    string `json:"role"`
		Content any    `json:"content"`
	} `json:"messages"`
}

// texts are the message contents (string or text parts) or prompts.
func (c *fakeChat) texts() []string {
	var out []string
	add := func(v any) {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case []any:
			for _, p := range x {
				if s, ok := p.(string); ok {
					out = append(out, s)
				} else if m, ok := p.(map[string]any); ok {
					if s, ok := m["text"].(string); ok {
						out = append(out, s)
					}
				}
			}
		}
	}
	for _, m := range c.Messages {
		if m.Role == "system" && strings.Contains(fmt.Sprint(m.Content), "placeholders") {
			continue // the proxy's instruction
		}
		add(m.Content)
	}
	add(c.Prompt)
	return out
}

func (f *fakeUpstream) handle(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.bodies = append(f.bodies, string(b))
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	f.mu.Unlock()
	var req fakeChat
	if err := json.Unmarshal(b, &req); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	completions := strings.HasSuffix(r.URL.Path, "/completions") && !strings.HasSuffix(r.URL.Path, "/chat/completions")
	texts := req.texts()
	var toks []string
	for _, t := range texts {
		toks = append(toks, tokenRE.FindAllString(t, -1)...)
	}
	var answers []string
	switch req.Model {
	case "echo":
		answers = []string{strings.Join(texts, "\n")}
	case "tools":
		answers = []string{altered(toks)}
	case "reorder":
		answers = []string{reversed(toks)}
	case "drop":
		answers = []string{altered(toks)}
	case "two":
		answers = []string{strings.Join(texts, "\n"), reversed(toks)}
	case "error":
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req_upstream_1")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, `{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}`)
		return
	case "stall":
		answers = []string{strings.Join(texts, "\n")}
	default:
		http.Error(w, "unknown fake model", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.answer = answers[0]
	f.mu.Unlock()
	w.Header().Set("X-Request-Id", "req_upstream_1")
	if !req.Stream {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(wholeAnswer(req.Model, completions, answers))
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	fl := w.(http.Flusher)
	split, _ := strconv.Atoi(req.Split)
	cut, _ := strconv.Atoi(req.Cut)
	first := true
	send := func(ev map[string]any) {
		b, _ := json.Marshal(ev)
		fmt.Fprintf(w, "data: %s\n\n", b)
		fl.Flush()
		if first && req.Gate != "" {
			<-f.gate
		}
		if first && req.Model == "stall" {
			time.Sleep(f.stallFor)
		}
		first = false
	}
	fmt.Fprint(w, ": keep-alive\n\n")
	for ci, a := range answers {
		pieces := splitText(a, split, cut)
		for pi, p := range pieces {
			send(chunk(req.Model, completions, ci, p, pi == 0))
		}
	}
	for ci := range answers {
		send(finish(req.Model, completions, ci))
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
	fl.Flush()
}

func reversed(toks []string) string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[len(toks)-1-i] = t
	}
	return strings.Join(out, " | ")
}

// altered writes tokens of indices the request never had and one with its
// index dropped ("[EMAIL]", which no mapping can resolve), then each token
// the way an LLM may: "[EMAIL_1]" becomes "email_1", "<EMAIL_1>" or
// "[Email 1]" in turn, the last one bare (so a streaming restorer holds it
// back to the end: more digits could follow).
func altered(toks []string) string {
	out := []string{"[EMAIL_97]", "[PERSON_98]", "[EMAIL]"}
	for i, t := range toks {
		body := t[1 : len(t)-1]
		switch (len(toks) - 1 - i) % 3 {
		case 0:
			out = append(out, strings.ToLower(body))
		case 1:
			out = append(out, "<"+body+">")
		default:
			u := strings.LastIndexByte(body, '_')
			out = append(out, "["+body[:1]+strings.ToLower(body[1:u])+" "+body[u+1:]+"]")
		}
	}
	return strings.Join(out, " ; ")
}

// splitText cuts s into pieces of n bytes (n > 0) or into two at cut,
// moving each cut back to a character boundary.
func splitText(s string, n, cut int) []string {
	var cuts []int
	if n > 0 {
		for i := n; i < len(s); i += n {
			cuts = append(cuts, i)
		}
	} else if cut > 0 && cut < len(s) {
		cuts = []int{cut}
	}
	var out []string
	at := 0
	for _, c := range cuts {
		for c > at && !utf8.RuneStart(s[c]) {
			c--
		}
		if c > at {
			out = append(out, s[at:c])
			at = c
		}
	}
	return append(out, s[at:])
}

func chunk(model string, completions bool, choice int, text string, first bool) map[string]any {
	ev := map[string]any{"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1700000000, "model": model}
	if completions {
		ev["object"] = "text_completion"
		ev["choices"] = []any{map[string]any{"index": choice, "text": text, "finish_reason": nil, "logprobs": nil}}
		return ev
	}
	delta := map[string]any{"content": text}
	if model == "tools" {
		delta = map[string]any{"tool_calls": []any{map[string]any{"index": 0, "function": map[string]any{"arguments": text}}}}
		if first {
			delta["role"] = "assistant"
			delta["tool_calls"] = []any{map[string]any{"index": 0, "id": "call_1", "type": "function",
				"function": map[string]any{"name": "note", "arguments": text}}}
		}
	} else if first {
		delta["role"] = "assistant"
	}
	ev["choices"] = []any{map[string]any{"index": choice, "delta": delta, "finish_reason": nil}}
	return ev
}

func finish(model string, completions bool, choice int) map[string]any {
	ev := map[string]any{"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1700000000, "model": model}
	if completions {
		ev["object"] = "text_completion"
		ev["choices"] = []any{map[string]any{"index": choice, "text": "", "finish_reason": "stop", "logprobs": nil}}
		return ev
	}
	reason := "stop"
	if model == "tools" {
		reason = "tool_calls"
	}
	ev["choices"] = []any{map[string]any{"index": choice, "delta": map[string]any{}, "finish_reason": reason}}
	return ev
}

func wholeAnswer(model string, completions bool, answers []string) []byte {
	var choices []any
	for i, a := range answers {
		if completions {
			choices = append(choices, map[string]any{"index": i, "text": a, "finish_reason": "stop", "logprobs": nil})
			continue
		}
		msg := map[string]any{"role": "assistant", "content": a}
		if model == "tools" {
			msg = map[string]any{"role": "assistant", "content": nil, "tool_calls": []any{map[string]any{
				"id": "call_1", "type": "function", "function": map[string]any{"name": "note", "arguments": a}}}}
		}
		choices = append(choices, map[string]any{"index": i, "message": msg, "finish_reason": "stop"})
	}
	b, _ := json.Marshal(map[string]any{"id": "chatcmpl-fake", "object": "chat.completion", "created": 1700000000,
		"model": model, "choices": choices, "usage": map[string]any{"prompt_tokens": 9, "completion_tokens": 12, "total_tokens": 21}})
	return b
}

// logBuffer captures the proxy's log lines.
type logBuffer = testenv.SyncBuffer

// testProxy is a proxy on the regex-only engine in front of f, served on
// loopback; its log goes to the returned buffer.
func testProxy(t testing.TB, f *fakeUpstream, mod func(*Config)) (*httptest.Server, *logBuffer) {
	t.Helper()
	return proxyTo(t, f.url(), mod)
}

// proxyTo is testProxy in front of any upstream base URL.
func proxyTo(t testing.TB, upstream string, mod func(*Config)) (*httptest.Server, *logBuffer) {
	t.Helper()
	eng, err := redact.NewEngine(redact.Config{})
	if err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	cfg := Config{
		Upstream: upstream,
		Engine:   func() Redactor { return eng },
		Logger:   slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if mod != nil {
		mod(&cfg)
	}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return srv, logs
}

// post sends body to the proxy with a caller key.
func post(t testing.TB, srv *httptest.Server, path string, body any, hdr ...string) *http.Response {
	t.Helper()
	// The fake's settings travel as extra body fields (fake_split, ...),
	// which the proxy must pass on untouched; headers would not be
	// forwarded.
	if m, ok := body.(map[string]any); ok {
		for i := 0; i+1 < len(hdr); i += 2 {
			if k, ok := strings.CutPrefix(hdr[i], "X-Fake-"); ok {
				m["fake_"+strings.ToLower(k)] = hdr[i+1]
			}
		}
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+callerKey)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// callerKey stands for the caller's upstream API key.
const callerKey = "sk-test-4f1c2a9e77d0b3c5"
