package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/obscura-ai/obscura/redact"
)

// Error is a domain error: it carries the HTTP status, a stable machine
// code and a message written for the client. Messages never contain request
// text or entity values.
type Error struct {
	Status     int
	Code       string
	Message    string
	RetryAfter int // seconds; sent as Retry-After when > 0
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Error codes of the JSON error body {"error": {"code", "message"}}.
const (
	CodeBadJSON         = "bad_json"
	CodeUnknownField    = "unknown_field"
	CodeContentType     = "unsupported_content_type"
	CodeInvalidUTF8     = "invalid_utf8"
	CodeMissingText     = "missing_text"
	CodeEmptyText       = "empty_text"
	CodeInvalidOption   = "invalid_option"
	CodeBadMapping      = "bad_mapping"
	CodeTooLarge        = "body_too_large"
	CodeTextTooLong     = "text_too_long"
	CodeUnauthorized    = "unauthorized"
	CodeNotFound        = "not_found"
	CodeMethod          = "method_not_allowed"
	CodeOverloaded      = "overloaded"
	CodeNotReady        = "not_ready"
	CodeTimeout         = "timeout"
	CodeClientClosed    = "client_closed_request"
	CodeInternal        = "internal"
	statusClientClosed  = 499
	retryAfterOverload  = 1
	retryAfterNotReady  = 5
	internalErrorNotice = "internal error; see the server log for the request id"
)

func badRequest(code, msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: code, Message: msg}
}

// errorBody is the JSON body of every error response.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// toError maps any error a handler or middleware returns to a domain
// Error. It is the one place where errors become HTTP statuses; anything
// it does not recognise is internal (500) and its text is never echoed.
func toError(err error) (e *Error, internal bool) {
	var de *Error
	var mbe *http.MaxBytesError
	var he *echo.HTTPError
	var ie *redact.InputError
	switch {
	case errors.As(err, &de):
		return de, false
	case errors.As(err, &ie):
		// The engine's input errors carry no text; their codes map onto ours.
		switch ie.Code {
		case redact.CodeEmptyText:
			return badRequest(CodeEmptyText, ie.Msg), false
		case redact.CodeInvalidUTF8:
			return badRequest(CodeInvalidUTF8, ie.Msg), false
		case redact.CodeTooLong:
			return &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeTextTooLong, Message: ie.Msg}, false
		default:
			return badRequest(CodeInvalidOption, ie.Msg), false
		}
	case errors.As(err, &mbe):
		return &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeTooLarge,
			Message: "request body exceeds " + strconv.FormatInt(mbe.Limit, 10) + " bytes"}, false
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads this, but logs and metrics
		// should not count it as a server fault. 499 is nginx's code.
		return &Error{Status: statusClientClosed, Code: CodeClientClosed, Message: "the client closed the request"}, false
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Status: http.StatusServiceUnavailable, Code: CodeTimeout,
			Message: "request took too long", RetryAfter: retryAfterOverload}, false
	case errors.As(err, &he):
		switch he.Code {
		case http.StatusNotFound:
			return &Error{Status: he.Code, Code: CodeNotFound, Message: "no such route"}, false
		case http.StatusMethodNotAllowed:
			return &Error{Status: he.Code, Code: CodeMethod, Message: "method not allowed on this route"}, false
		case http.StatusRequestEntityTooLarge:
			return &Error{Status: he.Code, Code: CodeTooLarge, Message: "request body too large"}, false
		}
	}
	return &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Message: internalErrorNotice}, true
}

// handleError is Echo's HTTPErrorHandler: it writes the JSON error body and
// logs internal errors (never the request text: only the error value, which
// by the module's rules carries none).
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	de, internal := toError(err)
	if internal {
		s.log.Error("internal error", "request_id", requestID(c), "route", s.routeOf(c), "err", err.Error())
	}
	if de.RetryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(de.RetryAfter))
	}
	if de.Status == http.StatusUnauthorized {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="obscura"`)
	}
	c.Set(ctxErrorCode, de.Code)
	var body errorBody
	body.Error.Code = de.Code
	body.Error.Message = de.Message
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(de.Status)
		return
	}
	_ = c.JSON(de.Status, body)
}
