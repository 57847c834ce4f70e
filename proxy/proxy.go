package proxy

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/obscura-ai/obscura/redact"
)

// Redactor is what the proxy needs from a redaction engine
// (*redact.Engine satisfies it): safe for concurrent use, errors free of
// input text.
type Redactor interface {
	Redact(ctx context.Context, text string, opts redact.Options) (*redact.Result, error)
}

// ConversationRedactor is a Redactor that can also redact the strings of a
// request together (*redact.Engine.RedactConversation): a value detected
// in any message — say a name the model finds only in the last one — is
// masked in every message, with one mapping. The proxy uses it when the
// engine has it, and redacts message by message (earlier values carried
// forward only) otherwise.
type ConversationRedactor interface {
	RedactConversation(ctx context.Context, messages []string, opts redact.Options) ([]*redact.Result, error)
}

// Defaults for the zero fields of Config.
const (
	DefaultMaxBodyBytes          = 4 << 20
	DefaultMaxResponseBytes      = 32 << 20
	DefaultDialTimeout           = 10 * time.Second
	DefaultResponseHeaderTimeout = 5 * time.Minute
	DefaultRequestTimeout        = 5 * time.Minute
	DefaultStreamIdleTimeout     = 2 * time.Minute
)

// Headers of the protocol.
const (
	// MappingHeader carries base64 (standard alphabet) of the request's JSON
	// mapping when Config.ReturnMapping is set. It holds the original
	// values: for debugging only.
	MappingHeader = "X-Obscura-Mapping"
	// UnresolvedHeader lists (JSON array) the tokens of a whole JSON answer
	// that the mapping could not resolve.
	UnresolvedHeader = "X-Obscura-Unresolved"
	// UpstreamRequestIDHeader carries the upstream's X-Request-Id; the
	// proxy's own request id keeps X-Request-Id.
	UpstreamRequestIDHeader = "X-Upstream-Request-Id"
)

// forwardHeaders are the request headers passed to the upstream: the
// caller's credentials and the OpenAI/Azure/Anthropic API selectors.
var forwardHeaders = []string{
	"Authorization", "Api-Key", "X-Api-Key", "OpenAI-Organization", "OpenAI-Project", "OpenAI-Beta",
	"Anthropic-Version", "Anthropic-Beta", "Accept", "User-Agent",
}

// dropResponseHeaders are upstream response headers not passed back:
// hop-by-hop headers and the ones the proxy rewrites.
var dropResponseHeaders = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Authenticate": true, "Proxy-Authorization": true,
	"Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true,
	"Content-Length": true, "Content-Encoding": true, "X-Request-Id": true,
}

// Config configures a Proxy. Zero limits and durations take the Default*
// values.
type Config struct {
	// Upstream is the base URL an OpenAI client would be given
	// (https://api.openai.com/v1 for OpenAI): a request for
	// /v1/chat/completions goes to Upstream + "/chat/completions".
	Upstream string
	// Engine returns the redaction engine, or nil while it is not ready
	// (the proxy then answers 503).
	Engine func() Redactor
	// Options are the redaction options of every request (Mapping is
	// always the request's own).
	Options redact.Options
	// Instruction, when not empty, is sent first as a system message (chat)
	// or prefixed to the prompt (completions); DefaultInstruction asks the
	// LLM to keep placeholders verbatim.
	Instruction string
	// ReturnMapping sends the mapping back in MappingHeader (debugging
	// only: the header holds the original values).
	ReturnMapping bool

	MaxBodyBytes          int64 // request body; larger gets 413
	MaxResponseBytes      int64 // whole (non-streamed) upstream answer
	DialTimeout           time.Duration
	ResponseHeaderTimeout time.Duration // until the upstream's response headers
	RequestTimeout        time.Duration // whole non-streamed exchange, redaction included
	StreamIdleTimeout     time.Duration // longest gap between upstream stream reads

	// Transport carries the upstream requests; nil means a dedicated
	// http.Transport with the timeouts above.
	Transport http.RoundTripper
	// Logger gets one line per request (counts, sizes, statuses, durations;
	// never text, values or headers), with the request id a server set in
	// the response header X-Request-Id before calling the proxy. nil
	// discards.
	Logger *slog.Logger
}

// Proxy is the OpenAI-compatible redacting proxy, an http.Handler for
// POST /v1/chat/completions and POST /v1/completions. It is safe for
// concurrent use and keeps no state between requests.
type Proxy struct {
	cfg      Config
	upstream *url.URL
	client   *http.Client
	log      *slog.Logger
}

// ParseUpstream checks an upstream base URL: absolute http or https, no
// credentials (the caller's are passed through). Its errors do not repeat
// the URL.
func ParseUpstream(upstream string) (*url.URL, error) {
	u, err := url.Parse(upstream)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("proxy: upstream must be an absolute http or https URL")
	}
	if u.User != nil {
		return nil, errors.New("proxy: upstream must not carry credentials; the caller's Authorization is passed through")
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return u, nil
}

// New checks cfg and builds a Proxy.
func New(cfg Config) (*Proxy, error) {
	u, err := ParseUpstream(cfg.Upstream)
	if err != nil {
		return nil, err
	}
	if cfg.Engine == nil {
		return nil, errors.New("proxy: no engine")
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = DefaultMaxResponseBytes
	}
	def(&cfg.DialTimeout, DefaultDialTimeout)
	def(&cfg.ResponseHeaderTimeout, DefaultResponseHeaderTimeout)
	def(&cfg.RequestTimeout, DefaultRequestTimeout)
	def(&cfg.StreamIdleTimeout, DefaultStreamIdleTimeout)
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Transport == nil {
		cfg.Transport = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: cfg.DialTimeout, KeepAlive: 30 * time.Second}).DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          256,
			MaxIdleConnsPerHost:   64,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   cfg.DialTimeout,
			ResponseHeaderTimeout: cfg.ResponseHeaderTimeout,
			ExpectContinueTimeout: time.Second,
		}
	}
	return &Proxy{
		cfg:      cfg,
		upstream: u,
		// No redirects: a redirect would resend the caller's credentials
		// wherever the upstream points.
		client: &http.Client{Transport: cfg.Transport, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}},
		log: cfg.Logger,
	}, nil
}

// Routes are the paths the proxy answers.
var Routes = []string{"/v1/chat/completions", "/v1/completions"}

// exchange is what one request's log line reports.
type exchange struct {
	kind           kind
	stream         bool
	strings        int
	entities       int
	upstreamStatus int
	redactMS       float64
	firstByteMS    float64 // upstream response headers, from the start
	events         int
	unresolved     int
	bytesUp        int
}

// ServeHTTP answers one proxied request.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	var ex exchange
	err := p.serve(w, r, start, &ex)
	route := "unmatched" // never the raw path, which could carry text
	for _, rt := range Routes {
		if r.URL.Path == rt {
			route = rt
		}
	}
	attrs := []any{
		"route", route, "stream", ex.stream, "strings", ex.strings, "entities", ex.entities,
		"upstream_status", ex.upstreamStatus, "redact_ms", ex.redactMS, "upstream_headers_ms", ex.firstByteMS,
		"events", ex.events, "unresolved", ex.unresolved, "bytes_up", ex.bytesUp,
		"duration_ms", ms(time.Since(start)),
	}
	if id := w.Header().Get("X-Request-Id"); id != "" {
		attrs = append(attrs, "request_id", id)
	}
	if err != nil {
		pe, internal := toError(err)
		attrs = append(attrs, "error_code", pe.Code)
		if internal {
			// By the module's rules error values carry no input text.
			attrs = append(attrs, "err", err.Error())
			p.log.Error("proxy", attrs...)
		} else {
			p.log.Info("proxy", attrs...)
		}
		if errors.Is(err, errCommitted) {
			return
		}
		writeError(w, pe)
		return
	}
	p.log.Info("proxy", attrs...)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// errCommitted wraps errors that happen after the response has started:
// they are logged, not written.
var errCommitted = errors.New("proxy: response already started")

type committedError struct{ err error }

func (e committedError) Error() string   { return e.err.Error() }
func (e committedError) Unwrap() []error { return []error{e.err, errCommitted} }

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request, start time.Time, ex *exchange) error {
	switch r.URL.Path {
	case "/v1/chat/completions":
		ex.kind = kindChat
	case "/v1/completions":
		ex.kind = kindCompletions
	default:
		return &Error{Status: http.StatusNotFound, Type: typeInvalid, Code: CodeNotFound, Message: "no such route"}
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return &Error{Status: http.StatusMethodNotAllowed, Type: typeInvalid, Code: CodeMethod, Message: "use POST"}
	}
	eng := p.cfg.Engine()
	if eng == nil {
		return &Error{Status: http.StatusServiceUnavailable, Type: typeServer, Code: CodeNotReady,
			Message: "the model is still loading", RetryAfter: retryAfterNotReady}
	}
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(p.cfg.RequestTimeout))
	_ = rc.SetWriteDeadline(time.Now().Add(p.cfg.RequestTimeout))

	body, err := p.readBody(w, r)
	if err != nil {
		return err
	}
	req, err := parseRequest(ex.kind, body)
	if err != nil {
		return err
	}
	ex.stream = req.stream

	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	rctx, rcancel := context.WithTimeout(ctx, p.cfg.RequestTimeout)
	defer rcancel()
	rd := &redactor{ctx: rctx, eng: eng, opts: p.cfg.Options, mapping: redact.Mapping{}}
	t0 := time.Now()
	if cr, ok := eng.(ConversationRedactor); ok {
		if err := rd.conversation(cr, ex.kind, body); err != nil {
			ex.redactMS = ms(time.Since(t0))
			return err
		}
	}
	up, err := req.redact(rd, p.cfg.Instruction)
	ex.redactMS = ms(time.Since(t0))
	ex.strings, ex.entities = rd.strings, rd.entities
	if err != nil {
		return err
	}
	mapping := rd.mapping
	ex.bytesUp = len(up)

	// Streamed answers have no overall deadline, only the idle timeout
	// between reads; whole answers get RequestTimeout.
	uctx := ctx
	if !req.stream {
		var ucancel context.CancelFunc
		uctx, ucancel = context.WithDeadline(ctx, start.Add(p.cfg.RequestTimeout))
		defer ucancel()
	}
	ureq, err := http.NewRequestWithContext(uctx, http.MethodPost, p.upstreamURL(r), bytes.NewReader(up))
	if err != nil {
		return err
	}
	for _, h := range forwardHeaders {
		if v := r.Header.Values(h); len(v) > 0 {
			ureq.Header[http.CanonicalHeaderKey(h)] = v
		}
	}
	ureq.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(ureq)
	if err != nil {
		return upstreamErr(err, r.Context())
	}
	defer resp.Body.Close()
	ex.firstByteMS = ms(time.Since(start))
	ex.upstreamStatus = resp.StatusCode

	h := w.Header()
	for k, vs := range resp.Header {
		if !dropResponseHeaders[k] {
			h[k] = vs
		}
	}
	if id := resp.Header.Get("X-Request-Id"); id != "" {
		h.Set(UpstreamRequestIDHeader, id)
	}
	if p.cfg.ReturnMapping {
		b, _ := json.Marshal(mapping)
		h.Set(MappingHeader, base64.StdEncoding.EncodeToString(b))
	}

	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch {
	case resp.StatusCode >= 400:
		// The upstream's error, as it sent it.
		w.WriteHeader(resp.StatusCode)
		if _, err := io.Copy(w, resp.Body); err != nil {
			return committedError{err}
		}
		return nil
	case mt == "text/event-stream":
		return p.streamSSE(w, rc, resp, ex, mapping)
	case mt == "application/json":
		return p.restoreWhole(w, resp, ex, mapping)
	}
	// Anything else passes as it is.
	w.WriteHeader(resp.StatusCode)
	if _, err := io.Copy(w, resp.Body); err != nil {
		return committedError{err}
	}
	return nil
}

// readBody reads the limited request body and checks its type and UTF-8.
func (p *Proxy) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, invalid(CodeContentType, "Content-Type must be application/json")
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return nil, invalid(CodeContentType, "only charset=utf-8 is accepted")
	}
	if r.ContentLength > p.cfg.MaxBodyBytes {
		return nil, &http.MaxBytesError{Limit: p.cfg.MaxBodyBytes}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, p.cfg.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		if r.Context().Err() != nil {
			return nil, r.Context().Err()
		}
		return nil, invalid(CodeBadJSON, "could not read the request body")
	}
	if !utf8.Valid(body) {
		return nil, invalid(CodeInvalidUTF8, "request body is not valid UTF-8")
	}
	return body, nil
}

// upstreamURL is the upstream base plus the request path after /v1, with
// the caller's query (Azure's api-version, for one).
func (p *Proxy) upstreamURL(r *http.Request) string {
	u := *p.upstream
	u.Path = p.upstream.Path + strings.TrimPrefix(r.URL.Path, "/v1")
	u.RawPath = ""
	u.RawQuery = r.URL.RawQuery
	return u.String()
}

// upstreamErr classifies a failed upstream round trip. Its message names
// no URL (url.Error's text would).
func upstreamErr(err error, callerCtx context.Context) error {
	if callerCtx.Err() != nil {
		return callerCtx.Err()
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return &Error{Status: http.StatusGatewayTimeout, Type: typeServer, Code: CodeUpstreamTimeout, Message: "the upstream did not answer in time"}
	}
	return &Error{Status: http.StatusBadGateway, Type: typeServer, Code: CodeUpstreamUnreachable, Message: "the upstream could not be reached"}
}

// restoreWhole reads the whole JSON answer, restores every string and
// writes it.
func (p *Proxy) restoreWhole(w http.ResponseWriter, resp *http.Response, ex *exchange, m redact.Mapping) error {
	b, err := io.ReadAll(io.LimitReader(resp.Body, p.cfg.MaxResponseBytes+1))
	if err != nil {
		return upstreamErr(err, resp.Request.Context())
	}
	if int64(len(b)) > p.cfg.MaxResponseBytes {
		return &Error{Status: http.StatusBadGateway, Type: typeServer, Code: CodeUpstreamBadResponse,
			Message: "the upstream answer exceeds " + strconv.FormatInt(p.cfg.MaxResponseBytes, 10) + " bytes"}
	}
	out, unresolved, _ := restoreBody(b, m)
	ex.unresolved = len(unresolved)
	if len(unresolved) > 0 {
		u, _ := json.Marshal(unresolved)
		w.Header().Set(UnresolvedHeader, string(u))
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(resp.StatusCode)
	if _, err := w.Write(out); err != nil {
		return committedError{err}
	}
	return nil
}

// streamSSE restores an event stream event by event, flushing each one.
func (p *Proxy) streamSSE(w http.ResponseWriter, rc *http.ResponseController, resp *http.Response, ex *exchange, m redact.Mapping) error {
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(resp.StatusCode)
	_ = rc.Flush()

	// The idle timer cancels the upstream exchange when no bytes arrive
	// for StreamIdleTimeout.
	var idled atomic.Bool
	ctx, cancel := context.WithCancel(resp.Request.Context())
	defer cancel()
	stop := context.AfterFunc(ctx, func() { resp.Body.Close() })
	defer stop()
	timer := time.AfterFunc(p.cfg.StreamIdleTimeout, func() { idled.Store(true); cancel() })
	defer timer.Stop()
	// The client connection's read deadline (which the server's
	// ReadTimeout would otherwise end the stream with) moves on with every
	// upstream read, but to twice the idle timeout: at the same instant as
	// the timer it raced it, and when it won, the server cancelled the
	// request and a stalled upstream was reported as the client leaving.
	body := &idleReader{r: resp.Body, reset: func() {
		timer.Reset(p.cfg.StreamIdleTimeout)
		_ = rc.SetReadDeadline(time.Now().Add(2 * p.cfg.StreamIdleTimeout))
	}}
	sr := newSSERestorer(ex.kind, m)
	err := pumpSSE(body, sr, func(b []byte) error {
		ex.events++
		_ = rc.SetWriteDeadline(time.Now().Add(p.cfg.StreamIdleTimeout))
		if _, err := w.Write(b); err != nil {
			return err
		}
		return rc.Flush()
	})
	ex.unresolved = sr.unresolved()
	if err != nil {
		switch {
		case idled.Load():
			err = &Error{Status: http.StatusGatewayTimeout, Type: typeServer, Code: CodeUpstreamTimeout,
				Message: fmt.Sprintf("the upstream sent nothing for %s", p.cfg.StreamIdleTimeout)}
		case errors.Is(err, errLongLine):
			err = &Error{Status: http.StatusBadGateway, Type: typeServer, Code: CodeUpstreamBadResponse, Message: errLongLine.Error()}
		case resp.Request.Context().Err() != nil:
			// The caller left; err says so.
		default:
			err = &Error{Status: http.StatusBadGateway, Type: typeServer, Code: CodeUpstreamBadResponse, Message: "the upstream stream broke off"}
		}
		// In-band error event, in OpenAI's error shape, which clients raise.
		pe, _ := toError(err)
		_ = rc.SetWriteDeadline(time.Now().Add(p.cfg.StreamIdleTimeout))
		b, _ := json.Marshal(errorBody{Error: errorDetail{Message: pe.Message, Type: pe.Type, Code: pe.Code}})
		_, _ = w.Write(append(append([]byte("data: "), b...), '\n', '\n'))
		_ = rc.Flush()
		return committedError{err}
	}
	return nil
}

// idleReader calls reset before every read.
type idleReader struct {
	r     io.Reader
	reset func()
}

func (ir *idleReader) Read(b []byte) (int, error) {
	ir.reset()
	return ir.r.Read(b)
}
