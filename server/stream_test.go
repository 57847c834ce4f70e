package server

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/obscura-ai/obscura/redact"
)

const streamWait = 5 * time.Second // how long a test waits for a flushed piece

func mappingHeader(t testing.TB, m map[string]string) string {
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// streamClient posts a body that the test writes piece by piece.
type streamClient struct {
	t    testing.TB
	pw   *io.PipeWriter
	resp *http.Response
	got  strings.Builder
}

func startStream(t testing.TB, url, contentType, mapping string) (*streamClient, <-chan error) {
	pr, pw := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, url+"/v1/restore/stream", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set(MappingHeader, mapping)
	sc := &streamClient{t: t, pw: pw}
	errc := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		sc.resp = resp
		errc <- err
	}()
	return sc, errc
}

func (sc *streamClient) send(s string) {
	sc.t.Helper()
	if _, err := sc.pw.Write([]byte(s)); err != nil {
		sc.t.Fatal(err)
	}
}

// expect reads until the response so far equals want, failing if it
// differs or does not arrive within streamWait: pieces must be flushed
// before the request body ends.
func (sc *streamClient) expect(want string) {
	sc.t.Helper()
	done := make(chan error, 1)
	go func() {
		buf := make([]byte, 256)
		for sc.got.Len() < len(want) {
			n, err := sc.resp.Body.Read(buf)
			sc.got.Write(buf[:n])
			if err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if sc.got.String() != want {
			sc.t.Fatalf("stream so far = %q, want %q (err %v)", sc.got.String(), want, err)
		}
	case <-time.After(streamWait):
		sc.t.Fatalf("timed out waiting for %q; have %q", want, sc.got.String())
	}
}

func TestRestoreStreamPlain(t *testing.T) {
	s := newTestServer(t, &fakeRedactor{}, nil)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	name := secret("Zelda Quuxley")
	sc, errc := startStream(t, ts.URL, "text/plain; charset=utf-8", mappingHeader(t, map[string]string{"[PERSON_1]": name}))

	sc.send("Hello [PER")
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if sc.resp.StatusCode != http.StatusOK || sc.resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Fatalf("status %d type %q", sc.resp.StatusCode, sc.resp.Header.Get("Content-Type"))
	}
	sc.expect("Hello ")
	sc.send("SON_1], caf\xc3") // the token completes; é is split across writes
	sc.expect("Hello " + name + ", caf")
	sc.send("\xa9 [PERSON_1] [X_9] end")
	sc.expect("Hello " + name + ", café " + name + " [X_9] end")
	sc.pw.Close()
	rest, _ := io.ReadAll(sc.resp.Body)
	if len(rest) != 0 {
		t.Fatalf("extra output %q", rest)
	}
	if got := sc.resp.Trailer.Get(UnresolvedTrailer); got != `["[X_9]"]` {
		t.Fatalf("unresolved trailer = %q", got)
	}
	if got := sc.resp.Trailer.Get(ErrorTrailer); got != "" {
		t.Fatalf("error trailer = %q", got)
	}
}

func TestRestoreStreamSSE(t *testing.T) {
	s := newTestServer(t, &fakeRedactor{}, nil)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	name := secret("Ilse Brandtner")
	sc, errc := startStream(t, ts.URL, "text/event-stream", mappingHeader(t, map[string]string{"[PERSON_1]": name}))
	sc.send(": keep-alive\r\nid: 1\r\ndata: Hello [PER\r\n\r\n")
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if sc.resp.Header.Get("Content-Type") != "text/event-stream; charset=utf-8" {
		t.Fatalf("type %q", sc.resp.Header.Get("Content-Type"))
	}
	want := ": keep-alive\nid: 1\ndata: Hello \n\n"
	sc.expect(want)
	sc.send("data: SON_1]!\ndata:second line [Q_1]\n\n")
	want += "data: " + name + "!\ndata: second line [Q_1]\n\n"
	sc.expect(want)
	sc.send("data: tail [PERS\n\nevent: custom\ndata: [DONE]\n\n")
	want += "data: tail \n\n" + "data: [PERS\n\nevent: custom\ndata: [DONE]\n\n"
	sc.expect(want)
	sc.pw.Close()
	rest, _ := io.ReadAll(sc.resp.Body)
	if got := string(rest); got != "event: obscura.done\ndata: {\"unresolved\":[\"[Q_1]\"]}\n\n" {
		t.Fatalf("end of stream = %q", got)
	}
}

// A final event without its blank line is still delivered.
func TestRestoreStreamSSEUnterminated(t *testing.T) {
	s := newTestServer(t, &fakeRedactor{}, nil)
	rec := do(t, s, http.MethodPost, "/v1/restore/stream", "text/event-stream", []byte("data: hi [A_1]"),
		MappingHeader, mappingHeader(t, map[string]string{"[A_1]": secret("Anouk Verhelst")}))
	want := "data: hi Anouk Verhelst\n\nevent: obscura.done\ndata: {\"unresolved\":[]}\n\n"
	if rec.Code != http.StatusOK || rec.Body.String() != want {
		t.Fatalf("%d %q", rec.Code, rec.Body.String())
	}
}

func TestRestoreStreamErrors(t *testing.T) {
	s := newTestServer(t, &fakeRedactor{}, func(c *Config) { c.MaxStreamBytes = 64 })
	good := mappingHeader(t, map[string]string{"[P_1]": "x"})
	cases := []struct {
		name, ct, mapping, body string
		status                  int
		code                    string
	}{
		{"no mapping", "text/plain", "", "a", 400, CodeBadMapping},
		{"not base64", "text/plain", "!!!", "a", 400, CodeBadMapping},
		{"not an object", "text/plain", base64.StdEncoding.EncodeToString([]byte(`["a"]`)), "a", 400, CodeBadMapping},
		{"JSON body", "application/json", good, `{"text":"a"}`, 400, CodeContentType},
		{"no type", "", good, "a", 400, CodeContentType},
		{"invalid UTF-8", "text/plain", good, "ab\xff", 400, CodeInvalidUTF8},
		{"truncated UTF-8", "text/plain", good, "\xc3", 400, CodeInvalidUTF8},
		{"invalid UTF-8 SSE", "text/event-stream", good, "data: \xff\n\n", 400, CodeInvalidUTF8},
		{"too large", "text/plain", good, strings.Repeat("z", 65), 413, CodeTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantError(t, do(t, s, http.MethodPost, "/v1/restore/stream", c.ct, []byte(c.body), MappingHeader, c.mapping), c.status, c.code)
		})
	}
	// A text ending inside a UTF-8 sequence after output began: trailer.
	rec := do(t, s, http.MethodPost, "/v1/restore/stream", "text/plain", []byte("ab\xc3"), MappingHeader, good)
	if rec.Code != http.StatusOK || rec.Body.String() != "ab" || rec.Result().Trailer.Get(ErrorTrailer) != CodeInvalidUTF8 {
		t.Fatalf("late invalid UTF-8: %d %q trailer %v", rec.Code, rec.Body, rec.Result().Trailer)
	}
	// URL-safe unpadded base64 is accepted too.
	raw, _ := json.Marshal(map[string]string{"[P_1]": "ü?"})
	rec = do(t, s, http.MethodPost, "/v1/restore/stream", "text/plain", []byte("[P_1]"), MappingHeader, base64.RawURLEncoding.EncodeToString(raw))
	if rec.Code != http.StatusOK || rec.Body.String() != "ü?" {
		t.Fatalf("raw URL base64: %d %q", rec.Code, rec.Body)
	}
}

// Failures after the first byte went out are reported in-band.
func TestRestoreStreamLateErrors(t *testing.T) {
	s := newTestServer(t, &fakeRedactor{}, func(c *Config) { c.MaxStreamBytes = 64; c.StreamIdleTimeout = 200 * time.Millisecond })
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	m := mappingHeader(t, map[string]string{"[P_1]": "x"})

	// Over the limit after some output: trailer error.
	sc, errc := startStream(t, ts.URL, "text/plain", m)
	sc.send("first piece ")
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	sc.expect("first piece ")
	pw := sc.pw
	go func() { _, _ = pw.Write([]byte(strings.Repeat("y", 100))); pw.Close() }()
	_, _ = io.ReadAll(sc.resp.Body)
	if got := sc.resp.Trailer.Get(ErrorTrailer); got != CodeTooLarge {
		t.Fatalf("error trailer = %q, want %q", got, CodeTooLarge)
	}

	// A stalled client: the idle timeout ends the stream with an SSE error.
	sc, errc = startStream(t, ts.URL, "text/event-stream", m)
	sc.send("data: hello\n\n")
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	sc.expect("data: hello\n\n")
	rest, _ := io.ReadAll(sc.resp.Body) // the server gives up after 200 ms
	sc.pw.Close()
	if !strings.HasPrefix(string(rest), "event: error\ndata: {\"error\":{\"code\":\"timeout\"") {
		t.Fatalf("after stall: %q", rest)
	}
}

// Over HTTP/2 (TLS) the stream restores the same way, trailer included.
func TestRestoreStreamHTTP2(t *testing.T) {
	s := newRealServer(t, redact.Config{}, nil)
	ts := httptest.NewUnstartedServer(s.Handler())
	ts.EnableHTTP2 = true
	ts.StartTLS()
	defer ts.Close()
	email := secret("h2.person@example.org")
	pr, pw := io.Pipe()
	go func() {
		for _, piece := range []string{"write to [EMA", "IL_1] or [EMAIL_2]", " now"} {
			_, _ = pw.Write([]byte(piece))
		}
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/v1/restore/stream", pr)
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set(MappingHeader, mappingHeader(t, map[string]string{"[EMAIL_1]": email}))
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Fatalf("protocol %s", resp.Proto)
	}
	if string(got) != "write to "+email+" or [EMAIL_2] now" || resp.Trailer.Get(UnresolvedTrailer) != `["[EMAIL_2]"]` {
		t.Fatalf("%q trailer %v", got, resp.Trailer)
	}
}

// A client that drops the connection mid-body is counted as 499, and an
// SSE line over 1 MiB is refused with 413.
func TestRestoreStreamClientDrops(t *testing.T) {
	s := newTestServer(t, &fakeRedactor{}, nil)
	addr, cancel, errc := serveLoopback(t, s)
	defer func() { cancel(); <-errc }()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = c.Write([]byte("POST /v1/restore/stream HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n" +
		MappingHeader + ": e30=\r\nTransfer-Encoding: chunked\r\n\r\n9\r\n[PER")) // held back: nothing sent yet
	c.Close()
	deadline := time.Now().Add(streamWait)
	for {
		rec := do(t, s, http.MethodGet, "/metrics", "", nil)
		if strings.Contains(rec.Body.String(), `obscura_http_requests_total{route="/v1/restore/stream",method="POST",code="499"} 1`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no 499 counted:\n%s", rec.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}

	long := "data: " + strings.Repeat("x", maxSSELine+1) + "\n\n"
	rec := do(t, s, http.MethodPost, "/v1/restore/stream", "text/event-stream", []byte(long), MappingHeader, "e30=")
	wantError(t, rec, http.StatusRequestEntityTooLarge, CodeTooLarge)
}

// json_path: an OpenAI-style stream of JSON chunks is restored inside the
// content strings, across chunk boundaries, with values JSON-escaped.
func TestRestoreStreamSSEJSON(t *testing.T) {
	s := newRealServer(t, redact.Config{}, nil)
	name := secret(`Zoë "Z" O'Neil\`)
	chunk := func(delta string) string {
		return `data: {"id":"c1","created":1732250000,"choices":[{"index":0,"delta":` + delta + `}]}` + "\n\n"
	}
	body := chunk(`{"role":"assistant"}`) +
		chunk(`{"content":"Hello [PER"}`) +
		chunk(`{"content":"SON_1], \"quoted\""}`) +
		": ping\n\n" +
		chunk(`{"content":" bye [PERSON_1"}`) +
		`data: {"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}` + "\n\n" +
		"data: [DONE]\n\n"
	rec := do(t, s, http.MethodPost, "/v1/restore/stream?json_path=choices.0.delta.content", "text/event-stream", []byte(body),
		MappingHeader, mappingHeader(t, map[string]string{"[PERSON_1]": name}))
	if rec.Code != http.StatusOK {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	var content strings.Builder
	var events []string
	for _, ev := range strings.Split(strings.TrimSuffix(rec.Body.String(), "\n\n"), "\n\n") {
		events = append(events, ev)
		data, ok := strings.CutPrefix(ev, "data: ")
		if !ok || data == sseDone {
			continue
		}
		var v struct {
			Created json.Number `json:"created"`
			Choices []struct {
				Delta struct {
					Content *string `json:"content"`
				} `json:"delta"`
				Finish string `json:"finish_reason"`
			} `json:"choices"`
		}
		if err := json.Unmarshal([]byte(data), &v); err != nil {
			t.Fatalf("event %q is not JSON: %v", ev, err)
		}
		if c := v.Choices[0].Delta.Content; c != nil {
			content.WriteString(*c)
			if v.Created != "1732250000" {
				t.Fatalf("number changed: %q", v.Created)
			}
		}
	}
	// redact.Restore is tolerant: it also restores the unclosed token.
	want, _ := redact.Restore(`Hello [PERSON_1], "quoted" bye [PERSON_1`, redact.Mapping{"[PERSON_1]": name})
	if content.String() != want {
		t.Fatalf("content = %q, want %q\n%s", content.String(), want, rec.Body)
	}
	// The held-back tail comes out before the finish chunk, [DONE] stays
	// last before obscura.done, and the comment passes through.
	n := len(events)
	if !strings.Contains(events[n-4], `"content":`) || strings.Contains(events[n-4], "bye") || !strings.Contains(events[n-3], `"finish_reason":"stop"`) ||
		events[n-2] != "data: [DONE]" || !strings.HasPrefix(events[n-1], "event: obscura.done") || !strings.Contains(rec.Body.String(), "\n\n: ping\n\n") {
		t.Fatalf("event order:\n%s", rec.Body)
	}
	wantError(t, do(t, s, http.MethodPost, "/v1/restore/stream?json_path=a..b", "text/event-stream", []byte(body), MappingHeader, "e30="), 400, CodeInvalidOption)
	wantError(t, do(t, s, http.MethodPost, "/v1/restore/stream?json_path=a", "text/plain", []byte("x"), MappingHeader, "e30="), 400, CodeInvalidOption)
}
