package server

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// Keys of values stored on the echo.Context.
const (
	ctxRequestID = "obscura.request_id"
	ctxErrorCode = "obscura.error_code"
)

// RequestIDHeader carries the request id, in and out.
const RequestIDHeader = "X-Request-Id"

const maxRequestIDLen = 64

func requestID(c echo.Context) string {
	id, _ := c.Get(ctxRequestID).(string)
	return id
}

// validRequestID accepts a client-supplied id only if it is short and made
// of [A-Za-z0-9._-]; anything else is replaced by a fresh id.
func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		b := id[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '.' || b == '_' || b == '-') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// routeOf is the route template of the request, or "unmatched"; it is what
// logs and metrics use instead of the URL, which could carry text.
func (s *Server) routeOf(c echo.Context) string {
	if p := c.Path(); s.routes[p] {
		return p
	}
	return "unmatched"
}

// observe assigns the request id, recovers panics, and after the handler
// records metrics and writes one access-log line. The log line carries
// only the route template, status, sizes, duration and error code.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		start := time.Now()
		req := c.Request()
		id := req.Header.Get(RequestIDHeader)
		if !validRequestID(id) {
			id = newRequestID()
		}
		c.Set(ctxRequestID, id)
		c.Response().Header().Set(RequestIDHeader, id)
		s.metrics.inFlight.Add(1)
		defer s.metrics.inFlight.Add(-1)

		func() {
			defer func() {
				if r := recover(); r != nil {
					if r == http.ErrAbortHandler {
						panic(r)
					}
					s.log.Error("panic", "request_id", requestID(c), "stack", string(debug.Stack()))
					err = fmt.Errorf("panic in handler: %s", panicSummary(r))
				}
			}()
			err = next(c)
		}()
		if err != nil {
			c.Error(err) // commits the response through handleError
		}
		route := s.routeOf(c)
		status := c.Response().Status
		d := time.Since(start)
		s.metrics.observeRequest(route, req.Method, status, d)
		code, _ := c.Get(ctxErrorCode).(string)
		attrs := []any{
			"request_id", id, "method", req.Method, "route", route, "status", status,
			"duration_ms", ms(d), "bytes_out", c.Response().Size,
		}
		if req.ContentLength >= 0 {
			attrs = append(attrs, "bytes_in", req.ContentLength)
		}
		if code != "" {
			attrs = append(attrs, "error_code", code)
		}
		s.log.Info("request", attrs...)
		return nil
	}
}

// panicSummary describes a recovered panic without risking request text:
// runtime errors (index out of range, nil dereference) are safe to print;
// any other value is reduced to its type.
func panicSummary(r any) string {
	if re, ok := r.(runtime.Error); ok {
		return re.Error()
	}
	return fmt.Sprintf("value of type %T", r)
}

// auth requires the configured bearer token; a no-op without one.
func (s *Server) auth(next echo.HandlerFunc) echo.HandlerFunc {
	if s.cfg.AuthToken == "" {
		return next
	}
	want := []byte(s.cfg.AuthToken)
	return func(c echo.Context) error {
		h := c.Request().Header.Get("Authorization")
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), want) != 1 {
			return &Error{Status: http.StatusUnauthorized, Code: CodeUnauthorized, Message: "missing or wrong bearer token"}
		}
		return next(c)
	}
}

// limit admits at most Config.MaxConcurrency requests at once; an
// overloaded server answers 503 with Retry-After at once rather than
// queueing without bound.
func (s *Server) limit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		select {
		case s.sem <- struct{}{}:
		default:
			return &Error{Status: http.StatusServiceUnavailable, Code: CodeOverloaded,
				Message: "too many requests in flight; retry later", RetryAfter: retryAfterOverload}
		}
		defer func() { <-s.sem }()
		return next(c)
	}
}

// bodyLimit refuses declared bodies above n with 413 and caps the bytes
// any handler can read, so an undeclared (chunked) body fails the same way.
func bodyLimit(n int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.ContentLength > n {
				return &http.MaxBytesError{Limit: n}
			}
			req.Body = http.MaxBytesReader(c.Response(), req.Body, n)
			return next(c)
		}
	}
}
