package server

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/obscura-ai/obscura/redact"
)

// The streaming restore protocol (POST /v1/restore/stream):
//
//   - The mapping travels in the request header MappingHeader as base64
//     (standard or URL alphabet, padded or not) of the JSON mapping object,
//     so the body can be the LLM's answer untouched.
//   - Body "text/plain": any bytes of UTF-8 text, typically chunked. The
//     response is text/plain, written and flushed as each piece is
//     restored; a token split across chunks is held back until complete.
//     At the end the trailer UnresolvedTrailer holds the JSON array of
//     unresolved tokens; if the stream fails after the first byte was sent,
//     the trailer ErrorTrailer holds the error code.
//   - Body "text/event-stream": Server-Sent Events. The data of successive
//     events is taken as successive pieces of one answer (delta
//     semantics); each event comes out with its other fields (event, id,
//     retry) unchanged and its data restored. A data payload of "[DONE]"
//     flushes the restorer and is passed on unchanged. Comment lines pass
//     through at once. The stream ends with an event "obscura.done" whose
//     data is {"unresolved": [...]}; a failure after the first byte ends it
//     with an event "error" whose data is the usual JSON error body.
//   - With the query parameter json_path (SSE only), each event's data is
//     JSON and the answer's text is the string at that dotted path, e.g.
//     choices.0.delta.content (OpenAI) or delta.text (Anthropic). That
//     string is restored (so a token split across events is still
//     restored, and values are JSON-escaped), the event is re-encoded, and
//     events without the path pass through unchanged after any held-back
//     text, which goes out in a copy of the last JSON event.
//
// Nothing is buffered beyond one chunk (plain) or one event (SSE). Each
// read and write gets Config.StreamIdleTimeout instead of the server-wide
// timeouts, so a long answer is not cut off while it keeps flowing.
const (
	MappingHeader     = "X-Obscura-Mapping"
	UnresolvedTrailer = "X-Obscura-Unresolved"
	ErrorTrailer      = "X-Obscura-Error"
	doneEvent         = "obscura.done"
	sseDone           = "[DONE]"
	streamChunk       = 32 << 10
	maxSSELine        = 1 << 20
)

func parseMappingHeader(v string) (redact.Mapping, error) {
	if v == "" {
		return nil, badRequest(CodeBadMapping, "header "+MappingHeader+" is required: base64 of the JSON mapping")
	}
	var raw []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err = enc.DecodeString(strings.TrimSpace(v)); err == nil {
			break
		}
	}
	if err != nil {
		return nil, badRequest(CodeBadMapping, "header "+MappingHeader+" is not base64")
	}
	if !utf8.Valid(raw) {
		return nil, badRequest(CodeInvalidUTF8, "header "+MappingHeader+" is not valid UTF-8")
	}
	var m redact.Mapping
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, badRequest(CodeBadMapping, "header "+MappingHeader+" must hold a JSON object of token to value")
	}
	return m, nil
}

func (s *Server) handleRestoreStream(c echo.Context) error {
	req := c.Request()
	if err := requireMediaType(req, "text/plain", "text/event-stream"); err != nil {
		return err
	}
	mt, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	m, err := parseMappingHeader(req.Header.Get(MappingHeader))
	if err != nil {
		return err
	}
	st := &streamer{
		c:    c,
		rc:   http.NewResponseController(c.Response()),
		sr:   s.cfg.Restorer.NewStream(m),
		idle: s.cfg.StreamIdleTimeout,
		sse:  mt == "text/event-stream",
	}
	if p := c.QueryParam("json_path"); p != "" {
		if !st.sse {
			return badRequest(CodeInvalidOption, "json_path applies to text/event-stream bodies only")
		}
		if st.jsonPath, err = parseJSONPath(p); err != nil {
			return err
		}
	}
	st.extend()
	if st.sse {
		err = st.runSSE(req.Body)
	} else {
		err = st.runPlain(req.Body)
	}
	if err != nil {
		return st.fail(err)
	}
	return nil
}

// streamer writes one restored stream.
type streamer struct {
	c       echo.Context
	rc      *http.ResponseController
	sr      StreamRestorer
	idle    time.Duration
	sse     bool
	started bool

	// jsonPath (query parameter json_path, SSE only) is the dotted path of
	// the answer's text inside each event's JSON data;
	// jsonTemplate is the last event that had it, decoded.
	jsonPath     []string
	jsonTemplate any
}

// extend gives the next read and write Config.StreamIdleTimeout. Writers
// that cannot set deadlines (httptest) are fine without.
func (st *streamer) extend() {
	d := time.Now().Add(st.idle)
	_ = st.rc.SetReadDeadline(d)
	_ = st.rc.SetWriteDeadline(d)
}

func (st *streamer) begin() {
	if st.started {
		return
	}
	st.started = true
	h := st.c.Response().Header()
	if st.sse {
		h.Set("Content-Type", "text/event-stream; charset=utf-8")
	} else {
		h.Set("Content-Type", "text/plain; charset=utf-8")
	}
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	h.Set("X-Content-Type-Options", "nosniff")
	// HTTP/1.x servers otherwise drain the request body before the first
	// response byte; restoring while reading needs both at once. A
	// full-duplex HTTP/1 exchange that ends early leaves the connection in
	// a state net/http should not reuse, so such a stream closes its
	// connection. (HTTP/2 streams are full duplex already.)
	if st.c.Request().ProtoMajor == 1 {
		_ = st.rc.EnableFullDuplex()
		h.Set("Connection", "close")
	}
	st.c.Response().WriteHeader(http.StatusOK)
	_ = st.rc.Flush() // the client sees the headers before the first piece
}

// emit writes b and flushes it to the client.
func (st *streamer) emit(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	st.begin()
	if _, err := st.c.Response().Write(b); err != nil {
		return err
	}
	return st.rc.Flush()
}

// readErr classifies an error reading the request body.
func readErr(err error) error {
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return &Error{Status: http.StatusRequestTimeout, Code: CodeTimeout, Message: "no data arrived within the stream idle timeout"}
	case errors.As(err, &mbe), errors.As(err, new(*Error)):
		return err
	}
	// A body cut off mid-chunk or a dropped connection: the client left.
	return &Error{Status: statusClientClosed, Code: CodeClientClosed, Message: "the request body ended abruptly"}
}

// fail reports err: as a normal error response if nothing was sent yet,
// else in-band (trailer or SSE error event). Client disconnects end
// quietly.
func (st *streamer) fail(err error) error {
	if !st.started {
		return err
	}
	de, _ := toError(err)
	st.c.Set(ctxErrorCode, de.Code)
	_ = st.rc.SetWriteDeadline(time.Now().Add(st.idle)) // a read timeout may have used up the old one
	if st.sse {
		var body errorBody
		body.Error.Code, body.Error.Message = de.Code, de.Message
		b, _ := json.Marshal(body)
		_ = st.emit(append(append([]byte("event: error\ndata: "), b...), '\n', '\n'))
	} else {
		st.c.Response().Header().Set(http.TrailerPrefix+ErrorTrailer, de.Code)
	}
	return nil
}

func (st *streamer) unresolvedJSON() []byte {
	u := st.sr.Unresolved()
	if u == nil {
		u = []string{}
	}
	b, _ := json.Marshal(u)
	return b
}

func (st *streamer) runPlain(body io.Reader) error {
	buf := make([]byte, streamChunk)
	var carry []byte // an incomplete UTF-8 sequence at the end of the last read
	for {
		n, rerr := body.Read(buf)
		if n > 0 {
			chunk := append(carry, buf[:n]...)
			cut := completeUTF8(chunk)
			if !utf8.Valid(chunk[:cut]) {
				return badRequest(CodeInvalidUTF8, "the stream is not valid UTF-8")
			}
			carry = append([]byte(nil), chunk[cut:]...)
			if err := st.emit([]byte(st.sr.Write(string(chunk[:cut])))); err != nil {
				return err
			}
			st.extend()
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return readErr(rerr)
		}
	}
	if len(carry) > 0 {
		return badRequest(CodeInvalidUTF8, "the stream ends inside a UTF-8 sequence")
	}
	if err := st.emit([]byte(st.sr.Flush())); err != nil {
		return err
	}
	st.begin() // an empty answer still gets its headers and trailer
	st.c.Response().Header().Set(http.TrailerPrefix+UnresolvedTrailer, string(st.unresolvedJSON()))
	return nil
}

// completeUTF8 returns the length of the longest prefix of b that does not
// end inside a multi-byte sequence which more bytes could still complete.
func completeUTF8(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if !utf8.RuneStart(b[i]) {
			continue
		}
		if utf8.FullRune(b[i:]) {
			return len(b)
		}
		return i
	}
	return len(b)
}

// sseEvent collects the lines of one event.
type sseEvent struct {
	fields  [][]byte // non-data field lines, raw
	data    []string
	hasData bool
}

func (st *streamer) runSSE(body io.Reader) error {
	br := bufio.NewReaderSize(body, streamChunk)
	var ev sseEvent
	comment := false // a comment line was passed through since the last blank line
	for {
		line, rerr := readLine(br)
		if rerr != nil && rerr != io.EOF {
			return readErr(rerr)
		}
		if rerr == io.EOF && line == nil {
			break
		}
		st.extend()
		if !utf8.Valid(line) {
			return badRequest(CodeInvalidUTF8, "the stream is not valid UTF-8")
		}
		switch {
		case len(line) == 0:
			if comment && len(ev.fields) == 0 && !ev.hasData {
				// The blank line that ended a comment-only block.
				if err := st.emit([]byte("\n")); err != nil {
					return err
				}
			}
			comment = false
			if err := st.dispatch(&ev); err != nil {
				return err
			}
		case line[0] == ':':
			comment = true
			if err := st.emit(append(line, '\n')); err != nil {
				return err
			}
		default:
			name, value, _ := bytes.Cut(line, []byte(":"))
			if string(name) == "data" {
				value = bytes.TrimPrefix(value, []byte(" "))
				ev.data = append(ev.data, string(value))
				ev.hasData = true
			} else {
				ev.fields = append(ev.fields, line)
			}
		}
		if rerr == io.EOF {
			break
		}
	}
	if err := st.dispatch(&ev); err != nil {
		return err
	}
	var out bytes.Buffer
	st.writeRest(&out)
	out.WriteString("event: " + doneEvent + "\ndata: {\"unresolved\":")
	out.Write(st.unresolvedJSON())
	out.WriteString("}\n\n")
	return st.emit(out.Bytes())
}

// readLine reads one line without its "\n" or "\r\n", refusing lines over
// maxSSELine. It returns (nil, io.EOF) at the very end.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		part, err := br.ReadSlice('\n')
		line = append(line, part...)
		if len(line) > maxSSELine {
			return nil, &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeTooLarge, Message: "an event-stream line is longer than 1 MiB"}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			if len(line) == 0 {
				return nil, io.EOF
			}
			return bytes.TrimSuffix(line, []byte("\r")), io.EOF
		}
		if err != nil {
			return nil, err
		}
		line = bytes.TrimSuffix(line[:len(line)-1], []byte("\r"))
		return line, nil
	}
}

// dispatch restores and writes one collected event, then resets it.
func (st *streamer) dispatch(ev *sseEvent) error {
	if len(ev.fields) == 0 && !ev.hasData {
		return nil
	}
	defer func() { *ev = sseEvent{} }()
	var out bytes.Buffer
	payload := strings.Join(ev.data, "\n")
	var restored string
	switch {
	case ev.hasData && payload == sseDone:
		st.writeRest(&out)
		restored = sseDone
	case ev.hasData && st.jsonPath != nil:
		var ok bool
		if restored, ok = st.restoreJSON(payload); !ok {
			// Not the answer's text (a role or finish chunk, or not JSON):
			// what is held back goes out first, then the event unchanged.
			st.writeRest(&out)
			restored = payload
		}
	case ev.hasData:
		restored = st.sr.Write(payload)
	}
	for _, f := range ev.fields {
		out.Write(f)
		out.WriteByte('\n')
	}
	writeData(&out, restored)
	if len(ev.fields) > 0 || restored != "" {
		out.WriteByte('\n')
	}
	return st.emit(out.Bytes())
}

// writeRest writes, as one event, the text the restorer still holds: in
// JSON mode inside a copy of the last JSON event, else as plain data.
func (st *streamer) writeRest(out *bytes.Buffer) {
	rest := st.sr.Flush()
	if rest == "" {
		return
	}
	if st.jsonPath != nil && st.jsonTemplate != nil {
		if b, ok := st.jsonWith(st.jsonTemplate, rest); ok {
			rest = b
		}
	}
	writeData(out, rest)
	out.WriteByte('\n')
}

var newlines = strings.NewReplacer("\r\n", "\n", "\r", "\n")

// writeData writes s as data lines (one per line of s); nothing for "".
func writeData(out *bytes.Buffer, s string) {
	if s == "" {
		return
	}
	for _, l := range strings.Split(newlines.Replace(s), "\n") {
		out.WriteString("data: ")
		out.WriteString(l)
		out.WriteByte('\n')
	}
}
