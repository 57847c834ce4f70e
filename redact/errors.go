package redact

import "fmt"

// Input error codes. The server maps every *InputError to HTTP 400.
const (
	CodeEmptyText   = "empty_text"
	CodeInvalidUTF8 = "invalid_utf8"
	CodeTooLong     = "text_too_long"
	CodeBadOption   = "bad_option"
)

// InputError is a problem with the caller's request (text or options). Its
// message never contains input text or entity values.
type InputError struct {
	Code string // one of the Code* constants
	Msg  string // human-readable, free of input text
}

func (e *InputError) Error() string { return fmt.Sprintf("redact: %s: %s", e.Code, e.Msg) }

func inputErr(code, format string, args ...any) *InputError {
	return &InputError{Code: code, Msg: fmt.Sprintf(format, args...)}
}
