package proxy

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/obscura-ai/obscura/redact"
)

// Error is one of the proxy's own errors. Its message is written for the
// client and never carries request text, values or credentials.
type Error struct {
	Status     int
	Type       string // OpenAI's error type: invalid_request_error, server_error, ...
	Code       string
	Message    string
	RetryAfter int // seconds; sent as Retry-After when > 0
}

func (e *Error) Error() string { return "proxy: " + e.Code + ": " + e.Message }

// OpenAI error types.
const (
	typeInvalid = "invalid_request_error"
	typeServer  = "server_error"
)

// Error codes.
const (
	CodeBadJSON             = "bad_json"
	CodeInvalidUTF8         = "invalid_utf8"
	CodeContentType         = "unsupported_content_type"
	CodeInvalidRequest      = "invalid_request"
	CodeTooLarge            = "body_too_large"
	CodeTextTooLong         = "text_too_long"
	CodeMethod              = "method_not_allowed"
	CodeNotFound            = "not_found"
	CodeNotReady            = "not_ready"
	CodeUpstreamUnreachable = "upstream_unreachable"
	CodeUpstreamTimeout     = "upstream_timeout"
	CodeUpstreamBadResponse = "upstream_bad_response"
	CodeTimeout             = "timeout"
	CodeClientClosed        = "client_closed_request"
	CodeInternal            = "internal"

	statusClientClosed = 499
	retryAfterNotReady = 5
)

func invalid(code, msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Type: typeInvalid, Code: code, Message: msg}
}

// errorBody is OpenAI's error body.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    string  `json:"code"`
}

// toError maps any error of a request to an *Error; internal reports an
// error the proxy does not recognise (its text is logged, never sent).
func toError(err error) (e *Error, internal bool) {
	var pe *Error
	var ie *redact.InputError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &pe):
		return pe, false
	case errors.As(err, &ie):
		// The engine's messages carry no text; its codes map onto ours.
		switch ie.Code {
		case redact.CodeTooLong:
			return &Error{Status: http.StatusRequestEntityTooLarge, Type: typeInvalid, Code: CodeTextTooLong, Message: ie.Msg}, false
		case redact.CodeInvalidUTF8:
			return invalid(CodeInvalidUTF8, ie.Msg), false
		default:
			return invalid(CodeInvalidRequest, ie.Msg), false
		}
	case errors.As(err, &mbe):
		return &Error{Status: http.StatusRequestEntityTooLarge, Type: typeInvalid, Code: CodeTooLarge,
			Message: "request body exceeds " + strconv.FormatInt(mbe.Limit, 10) + " bytes"}, false
	case errors.Is(err, context.Canceled):
		return &Error{Status: statusClientClosed, Type: typeInvalid, Code: CodeClientClosed, Message: "the client closed the request"}, false
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Status: http.StatusGatewayTimeout, Type: typeServer, Code: CodeTimeout, Message: "the request took too long"}, false
	}
	return &Error{Status: http.StatusInternalServerError, Type: typeServer, Code: CodeInternal,
		Message: "internal error; see the proxy log for the request id"}, true
}

// writeError writes err as an OpenAI error body.
func writeError(w http.ResponseWriter, e *Error) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	if e.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	w.WriteHeader(e.Status)
	b, _ := json.Marshal(errorBody{Error: errorDetail{Message: e.Message, Type: e.Type, Code: e.Code}})
	_, _ = w.Write(append(b, '\n'))
}
