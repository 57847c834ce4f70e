package proxy

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/obscura-ai/obscura/redact"
)

// Synthetic personal data (no real person's): values the regex detectors
// find, so the tests run without a model.
const (
	email = "maria.gonzalez@example.org"
	ssn   = "123-45-6789"
	phone = "(415) 555-0132"
	iban  = "DE89 3704 0044 0532 0130 00"
)

var originals = []string{email, ssn, phone, iban}

// conversation is a chat request that names the email in three messages
// of three roles, and uses string and part contents.
func conversation(model string, stream bool) map[string]any {
	return map[string]any{
		"model":  model,
		"stream": stream,
		"messages": []any{
			map[string]any{"role": "system", "content": "You help clinic staff; the account IBAN is " + iban + "."},
			map[string]any{"role": "user", "content": "My email is " + email + " and my SSN is " + ssn + "."},
			map[string]any{"role": "assistant", "content": "Noted: " + email + "."},
			map[string]any{"role": "user", "content": []any{
				map[string]any{"type": "text", "text": "Call " + phone + " or write to " + email + "."},
				map[string]any{"type": "image_url", "image_url": map[string]any{"url": "https://example.com/scan.png"}},
			}},
		},
	}
}

// conversationText is what the echo model answers, restored.
var conversationText = strings.Join([]string{
	"You help clinic staff; the account IBAN is " + iban + ".",
	"My email is " + email + " and my SSN is " + ssn + ".",
	"Noted: " + email + ".",
	"Call " + phone + " or write to " + email + ".",
}, "\n")

func readAll(t testing.TB, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// noOriginals fails if any original value (or the caller's key) is in s.
func noOriginals(t testing.TB, what, s string) {
	t.Helper()
	for _, v := range append(originals, callerKey) {
		if strings.Contains(s, v) {
			t.Fatalf("%s contains %q", what, v)
		}
	}
}

type chatResponse struct {
	Choices []struct {
		Index   int `json:"index"`
		Message struct {
			Content   *string `json:"content"`
			ToolCalls []struct {
				Function struct {
					Arguments string `json:"arguments"`
				} `json:"function"`
			} `json:"tool_calls"`
		} `json:"message"`
		Text string `json:"text"`
	} `json:"choices"`
	Usage map[string]int `json:"usage"`
}

func TestChatWholeRoundTrip(t *testing.T) {
	f := newFakeUpstream(t)
	srv, logs := testProxy(t, f, nil)
	resp := post(t, srv, "/v1/chat/completions", conversation("echo", false))
	body := readAll(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var cr chatResponse
	if err := json.Unmarshal([]byte(body), &cr); err != nil {
		t.Fatal(err)
	}
	if len(cr.Choices) != 1 || cr.Choices[0].Message.Content == nil || *cr.Choices[0].Message.Content != conversationText {
		t.Fatalf("restored answer:\n%s\nwant:\n%s", body, conversationText)
	}
	if cr.Usage["total_tokens"] != 21 {
		t.Fatalf("usage not passed on: %v", cr.Usage)
	}
	up := f.received()
	noOriginals(t, "the upstream request", up)
	// One mapping for the whole conversation: the email has one token in
	// the user, assistant and part messages.
	var sent fakeChat
	if err := json.Unmarshal([]byte(up), &sent); err != nil {
		t.Fatal(err)
	}
	texts := sent.texts()
	if len(texts) != 4 {
		t.Fatalf("upstream got %d texts", len(texts))
	}
	emailTok := tokenRE.FindString(texts[1][strings.Index(texts[1], "is ")+3:])
	if !strings.HasPrefix(emailTok, "[EMAIL_") {
		t.Fatalf("no email token in %q", texts[1])
	}
	for _, i := range []int{1, 2, 3} {
		if strings.Count(texts[i], emailTok) != 1 {
			t.Fatalf("message %d %q does not hold %s once", i, texts[i], emailTok)
		}
	}
	if strings.Contains(up, "[EMAIL_2]") {
		t.Fatalf("the email got a second token: %s", up)
	}
	if !strings.Contains(up, "https://example.com/scan.png") {
		t.Fatalf("the image part did not pass unchanged: %s", up)
	}
	if f.auth[0] != "Bearer "+callerKey {
		t.Fatalf("upstream Authorization = %q", f.auth[0])
	}
	if resp.Header.Get(UpstreamRequestIDHeader) != "req_upstream_1" {
		t.Fatalf("upstream request id header = %q", resp.Header.Get(UpstreamRequestIDHeader))
	}
	if resp.Header.Get(MappingHeader) != "" {
		t.Fatal("the mapping was sent back without ReturnMapping")
	}
	if !strings.Contains(logs.String(), `"msg":"proxy"`) {
		t.Fatalf("no log line: %s", logs)
	}
	noOriginals(t, "the log", logs.String())
}

// returnedMapping decodes MappingHeader.
func returnedMapping(t testing.TB, resp *http.Response) redact.Mapping {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(resp.Header.Get(MappingHeader))
	if err != nil {
		t.Fatalf("mapping header: %v", err)
	}
	var m redact.Mapping
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	var vals []string
	for _, v := range m {
		vals = append(vals, v)
	}
	sort.Strings(vals)
	want := append([]string(nil), originals...)
	sort.Strings(want)
	if strings.Join(vals, "|") != strings.Join(want, "|") {
		t.Fatalf("mapping values %q, want %q", vals, want)
	}
	return m
}

// expectedFor is what the fake's answer must restore to, given the
// mapping: the reorder and drop answers are built from the tokens the
// upstream received.
func expectedFor(t testing.TB, model string, m redact.Mapping, f *fakeUpstream) string {
	t.Helper()
	switch model {
	case "echo", "stall":
		return conversationText
	}
	var sent fakeChat
	if err := json.Unmarshal([]byte(f.received()), &sent); err != nil {
		t.Fatal(err)
	}
	var toks []string
	for _, s := range sent.texts() {
		toks = append(toks, tokenRE.FindAllString(s, -1)...)
	}
	var vals []string
	for _, tk := range toks {
		vals = append(vals, m[tk])
	}
	if model == "reorder" {
		for i, j := 0, len(vals)-1; i < j; i, j = i+1, j-1 {
			vals[i], vals[j] = vals[j], vals[i]
		}
		return strings.Join(vals, " | ")
	}
	return strings.Join(append([]string{"[EMAIL_97]", "[PERSON_98]", "[EMAIL]"}, vals...), " ; ")
}

func TestChatWholeReorderDrop(t *testing.T) {
	for _, model := range []string{"reorder", "drop", "tools"} {
		t.Run(model, func(t *testing.T) {
			f := newFakeUpstream(t)
			srv, _ := testProxy(t, f, func(c *Config) { c.ReturnMapping = true })
			resp := post(t, srv, "/v1/chat/completions", conversation(model, false))
			body := readAll(t, resp)
			m := returnedMapping(t, resp)
			var cr chatResponse
			if err := json.Unmarshal([]byte(body), &cr); err != nil {
				t.Fatal(err)
			}
			got := ""
			if model == "tools" {
				got = cr.Choices[0].Message.ToolCalls[0].Function.Arguments
			} else {
				got = *cr.Choices[0].Message.Content
			}
			if want := expectedFor(t, model, m, f); got != want {
				t.Fatalf("restored %q\nwant     %q", got, want)
			}
			if model == "drop" {
				var u []string
				_ = json.Unmarshal([]byte(resp.Header.Get(UnresolvedHeader)), &u)
				sort.Strings(u)
				if strings.Join(u, ",") != "[EMAIL_97],[PERSON_98]" {
					t.Fatalf("unresolved header %q", resp.Header.Get(UnresolvedHeader))
				}
			}
		})
	}
}

// sseResult is a parsed proxied stream: per choice, the restored pieces
// in order (content or text, or tool arguments).
type sseResult struct {
	pieces map[int][]string
	done   bool
	errors []string
	events int
}

func (r *sseResult) text(i int) string { return strings.Join(r.pieces[i], "") }

func readSSE(t testing.TB, resp *http.Response) *sseResult {
	t.Helper()
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("Content-Type %q", ct)
	}
	res := &sseResult{pieces: map[int][]string{}}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		d, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		if res.done {
			t.Fatalf("data after [DONE]: %s", d)
		}
		if d == "[DONE]" {
			res.done = true
			continue
		}
		res.events++
		var ev struct {
			Error   map[string]any `json:"error"`
			Choices []struct {
				Index int    `json:"index"`
				Text  string `json:"text"`
				Delta struct {
					Content   string `json:"content"`
					ToolCalls []struct {
						Function struct {
							Arguments string `json:"arguments"`
						} `json:"function"`
					} `json:"tool_calls"`
				} `json:"delta"`
			} `json:"choices"`
		}
		if err := json.Unmarshal([]byte(d), &ev); err != nil {
			t.Fatalf("event %q: %v", d, err)
		}
		if ev.Error != nil {
			res.errors = append(res.errors, d)
		}
		for _, c := range ev.Choices {
			p := c.Text + c.Delta.Content
			for _, tc := range c.Delta.ToolCalls {
				p += tc.Function.Arguments
			}
			if p != "" {
				res.pieces[c.Index] = append(res.pieces[c.Index], p)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return res
}

// wholePieces checks that no token-shaped string and no original value is
// cut between two pieces: restore never emits half of either.
func wholePieces(t testing.TB, pieces []string) {
	t.Helper()
	full := strings.Join(pieces, "")
	cuts := map[int]bool{}
	at := 0
	for _, p := range pieces[:max(0, len(pieces)-1)] {
		at += len(p)
		cuts[at] = true
	}
	var spans [][]int
	spans = append(spans, tokenRE.FindAllStringIndex(full, -1)...)
	for _, v := range originals {
		for i := 0; ; {
			j := strings.Index(full[i:], v)
			if j < 0 {
				break
			}
			spans = append(spans, []int{i + j, i + j + len(v)})
			i += j + len(v)
		}
	}
	for _, sp := range spans {
		for c := sp[0] + 1; c < sp[1]; c++ {
			if cuts[c] {
				t.Fatalf("%q is cut between pieces %q", full[sp[0]:sp[1]], pieces)
			}
		}
	}
	if strings.Contains(full, "EMAIL_1") || strings.Contains(full, "email_1") {
		t.Fatalf("a known token was not restored: %q", full)
	}
}

// Every way of cutting the answer in two, and byte-by-byte events, for
// each fake behaviour: the restored stream equals the restored whole.
func TestChatStreamEveryCut(t *testing.T) {
	for _, model := range []string{"echo", "reorder", "drop", "tools"} {
		t.Run(model, func(t *testing.T) {
			f := newFakeUpstream(t)
			srv, logs := testProxy(t, f, func(c *Config) { c.ReturnMapping = true })
			resp := post(t, srv, "/v1/chat/completions", conversation(model, true), "X-Fake-Split", "1")
			res := readSSE(t, resp)
			m := returnedMapping(t, resp)
			want := expectedFor(t, model, m, f)
			if !res.done || res.text(0) != want {
				t.Fatalf("byte-by-byte: done=%v restored %q\nwant %q", res.done, res.text(0), want)
			}
			wholePieces(t, res.pieces[0])
			f.mu.Lock()
			n := len(f.answer)
			f.mu.Unlock()
			if n < 50 {
				t.Fatalf("answer of %d bytes is too short for the test", n)
			}
			for cut := 1; cut < n; cut++ {
				resp := post(t, srv, "/v1/chat/completions", conversation(model, true), "X-Fake-Cut", strconv.Itoa(cut))
				res := readSSE(t, resp)
				if !res.done || res.text(0) != want {
					t.Fatalf("cut at %d: restored %q\nwant %q", cut, res.text(0), want)
				}
				wholePieces(t, res.pieces[0])
			}
			noOriginals(t, "the upstream requests", f.received())
			noOriginals(t, "the log", logs.String())
		})
	}
}

func TestTwoChoicesStream(t *testing.T) {
	f := newFakeUpstream(t)
	srv, _ := testProxy(t, f, func(c *Config) { c.ReturnMapping = true })
	resp := post(t, srv, "/v1/chat/completions", conversation("two", true), "X-Fake-Split", "3")
	res := readSSE(t, resp)
	m := returnedMapping(t, resp)
	if res.text(0) != conversationText {
		t.Fatalf("choice 0: %q", res.text(0))
	}
	if want := expectedFor(t, "reorder", m, f); res.text(1) != want {
		t.Fatalf("choice 1: %q\nwant %q", res.text(1), want)
	}
}

func TestCompletions(t *testing.T) {
	f := newFakeUpstream(t)
	srv, _ := testProxy(t, f, nil)
	prompt := "Write to " + email + " about SSN " + ssn + "."
	resp := post(t, srv, "/v1/completions", map[string]any{"model": "echo", "prompt": prompt})
	var cr chatResponse
	if err := json.Unmarshal([]byte(readAll(t, resp)), &cr); err != nil {
		t.Fatal(err)
	}
	if cr.Choices[0].Text != prompt {
		t.Fatalf("completion %q", cr.Choices[0].Text)
	}
	for _, split := range []string{"1", "2", "7"} {
		resp = post(t, srv, "/v1/completions", map[string]any{"model": "echo", "prompt": []any{prompt}, "stream": true}, "X-Fake-Split", split)
		res := readSSE(t, resp)
		if res.text(0) != prompt || !res.done {
			t.Fatalf("split %s: streamed completion %q", split, res.text(0))
		}
		wholePieces(t, res.pieces[0])
	}
	noOriginals(t, "the upstream requests", f.received())
}

// The first restored piece reaches the caller while the upstream still
// holds the rest: the answer is not buffered.
func TestStreamNotBuffered(t *testing.T) {
	f := newFakeUpstream(t)
	srv, _ := testProxy(t, f, nil)
	resp := post(t, srv, "/v1/chat/completions", conversation("echo", true), "X-Fake-Split", "40", "X-Fake-Gate", "1")
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended before the first event: %v", err)
		}
		if strings.HasPrefix(line, "data: {") {
			if !strings.Contains(line, "You help clinic staff") {
				t.Fatalf("first event %q", line)
			}
			break
		}
	}
	close(f.gate)
	rest, _ := io.ReadAll(br)
	if !strings.Contains(string(rest), "[DONE]") {
		t.Fatalf("stream did not finish: %s", rest)
	}
}

// Two requests whose values differ get the same token numbers; each is
// restored from its own mapping only.
func TestNoMappingAcrossRequests(t *testing.T) {
	f := newFakeUpstream(t)
	srv, _ := testProxy(t, f, nil)
	other := "jonas.berg@example.net"
	done := make(chan string, 2)
	for _, v := range []string{email, other} {
		go func() {
			resp := post(t, srv, "/v1/chat/completions", map[string]any{"model": "echo", "messages": []any{
				map[string]any{"role": "user", "content": "Mail " + v}}})
			var cr chatResponse
			_ = json.Unmarshal([]byte(readAll(t, resp)), &cr)
			done <- *cr.Choices[0].Message.Content
		}()
	}
	got := []string{<-done, <-done}
	sort.Strings(got)
	if got[0] != "Mail "+other || got[1] != "Mail "+email {
		t.Fatalf("answers %q", got)
	}
	if c := strings.Count(f.received(), "[EMAIL_1]"); c != 2 {
		t.Fatalf("both requests should use [EMAIL_1]; upstream saw it %d times", c)
	}
}

func TestInstruction(t *testing.T) {
	f := newFakeUpstream(t)
	srv, _ := testProxy(t, f, func(c *Config) { c.Instruction = DefaultInstruction })
	resp := post(t, srv, "/v1/chat/completions", conversation("echo", false))
	readAll(t, resp)
	var sent struct {
		Messages []struct{ Role, Content any } `json:"messages"`
	}
	if err := json.Unmarshal([]byte(f.received()), &sent); err != nil {
		t.Fatal(err)
	}
	if len(sent.Messages) != 5 || sent.Messages[0].Role != "system" || sent.Messages[0].Content != DefaultInstruction {
		t.Fatalf("first message %v", sent.Messages[0])
	}
	if tokenRE.MatchString(DefaultInstruction) {
		t.Fatal("the instruction holds a token")
	}
}

func TestUpstreamErrorPassesThrough(t *testing.T) {
	f := newFakeUpstream(t)
	srv, _ := testProxy(t, f, nil)
	resp := post(t, srv, "/v1/chat/completions", conversation("error", false))
	body := readAll(t, resp)
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if body != `{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}` {
		t.Fatalf("body %q", body)
	}
}

// wantOpenAIError checks the proxy's own error: status and OpenAI shape.
func wantOpenAIError(t testing.TB, resp *http.Response, status int, code string) {
	t.Helper()
	body := readAll(t, resp)
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, status, body)
	}
	var e struct {
		Error struct {
			Message string  `json:"message"`
			Type    string  `json:"type"`
			Param   *string `json:"param"`
			Code    string  `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	if e.Error.Code != code || e.Error.Message == "" || e.Error.Type == "" {
		t.Fatalf("error %+v, want code %s", e.Error, code)
	}
	noOriginals(t, "an error body", body)
}

func TestOwnErrors(t *testing.T) {
	f := newFakeUpstream(t)
	srv, logs := testProxy(t, f, func(c *Config) { c.MaxBodyBytes = 4096 })
	send := func(method, path, ct, body string) *http.Response {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		req.Header.Set("Authorization", "Bearer "+callerKey)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	wantOpenAIError(t, send("POST", "/v1/chat/completions", "application/json", `{"messages": [`), 400, CodeBadJSON)
	wantOpenAIError(t, send("POST", "/v1/chat/completions", "application/json", `{"model":"echo"}`), 400, CodeInvalidRequest)
	wantOpenAIError(t, send("POST", "/v1/chat/completions", "text/plain", `{}`), 400, CodeContentType)
	wantOpenAIError(t, send("POST", "/v1/chat/completions", "application/json", "{\"messages\":[{\"role\":\"user\",\"content\":\"\xff\"}]}"), 400, CodeInvalidUTF8)
	wantOpenAIError(t, send("POST", "/v1/chat/completions", "application/json", `{"messages":[{"role":"user","content":"`+strings.Repeat(email+" ", 400)+`"}]}`), 413, CodeTooLarge)
	wantOpenAIError(t, send("GET", "/v1/chat/completions", "", ""), 405, CodeMethod)
	wantOpenAIError(t, send("POST", "/v1/embeddings", "application/json", `{}`), 404, CodeNotFound)
	wantOpenAIError(t, send("POST", "/v1/"+email, "application/json", `{}`), 404, CodeNotFound) // the path is not logged
	wantOpenAIError(t, send("POST", "/v1/completions", "application/json", `{"model":"echo"}`), 400, CodeInvalidRequest)
	noOriginals(t, "the log", logs.String())

	// Not ready: the engine is not loaded yet.
	nr, _ := testProxy(t, f, func(c *Config) { c.Engine = func() Redactor { return nil } })
	resp := post(t, nr, "/v1/chat/completions", conversation("echo", false))
	if resp.Header.Get("Retry-After") == "" {
		t.Fatal("503 without Retry-After")
	}
	wantOpenAIError(t, resp, 503, CodeNotReady)

	// The upstream is gone.
	gone := newFakeUpstream(t)
	gs, _ := testProxy(t, gone, nil)
	gone.srv.Close()
	wantOpenAIError(t, post(t, gs, "/v1/chat/completions", conversation("echo", false)), 502, CodeUpstreamUnreachable)
}

// An upstream that stops sending mid-stream ends the stream with an
// in-band OpenAI error event after StreamIdleTimeout.
func TestStreamIdleTimeout(t *testing.T) {
	f := newFakeUpstream(t)
	srv, _ := testProxy(t, f, func(c *Config) { c.StreamIdleTimeout = streamIdleForTest })
	resp := post(t, srv, "/v1/chat/completions", conversation("stall", true), "X-Fake-Split", "400")
	res := readSSE(t, resp)
	if res.done || len(res.errors) != 1 || !strings.Contains(res.errors[0], CodeUpstreamTimeout) {
		t.Fatalf("done=%v errors=%q", res.done, res.errors)
	}
}

func TestNewRefusesBadUpstream(t *testing.T) {
	eng := func() Redactor { return nil }
	for _, u := range []string{"", "ftp://x", "/v1", "http://user:pw@host/v1"} {
		if _, err := New(Config{Upstream: u, Engine: eng}); err == nil {
			t.Errorf("upstream %q accepted", u)
		} else if strings.Contains(err.Error(), "pw") {
			t.Errorf("error %q repeats the credentials", err)
		}
	}
}

// streamIdleForTest is the idle timeout of TestStreamIdleTimeout; the fake
// stalls for a second, well past it.
const streamIdleForTest = 200 * time.Millisecond

// A value the engine finds only in a later message (a name after a title,
// which the regex layer knows) is masked in the earlier message too: the
// request's messages are redacted as one conversation, so the name never
// reaches the upstream, and the answer restores it.
func TestConversationPropagatesBackwards(t *testing.T) {
	f := newFakeUpstream(t)
	srv, _ := testProxy(t, f, nil)
	first := "Maria Gonzalez asked about her results."
	resp := post(t, srv, "/v1/chat/completions", map[string]any{"model": "echo", "messages": []any{
		map[string]any{"role": "user", "content": first},
		map[string]any{"role": "user", "content": "Dr. Maria Gonzalez will call back."}}})
	body := readAll(t, resp)
	if strings.Contains(f.received(), "Gonzalez") {
		t.Fatal("the name reached the upstream")
	}
	if c := strings.Count(f.received(), "[PERSON_1]"); c < 2 {
		t.Fatalf("want [PERSON_1] in both messages; the upstream saw it %d times", c)
	}
	var cr chatResponse
	if err := json.Unmarshal([]byte(body), &cr); err != nil {
		t.Fatal(err)
	}
	if got := *cr.Choices[0].Message.Content; !strings.Contains(got, "Maria Gonzalez") {
		t.Fatalf("answer not restored (%d bytes)", len(got))
	}
}
