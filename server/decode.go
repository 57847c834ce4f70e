package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// safeFieldName matches JSON field names short and plain enough to quote
// back in an error message.
var safeFieldName = regexp.MustCompile(`^[A-Za-z0-9_]{1,40}$`)

// decodeJSON reads the (already size-limited) body of c into v. It demands
// Content-Type application/json (charset, if given, utf-8), valid UTF-8,
// exactly one JSON value, and no fields that v does not declare.
func decodeJSON(c echo.Context, v any) error {
	req := c.Request()
	if err := requireMediaType(req, "application/json"); err != nil {
		return err
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return badRequest(CodeBadJSON, "could not read the request body")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest(CodeBadJSON, "request body is empty")
	}
	// encoding/json silently turns invalid UTF-8 into U+FFFD; check first.
	if !utf8.Valid(body) {
		return badRequest(CodeInvalidUTF8, "request body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest(CodeBadJSON, "request body holds more than one JSON value")
	}
	return nil
}

// jsonError turns a decoding error into a 400 whose message names at most
// a byte offset, a schema field or a plain field name, never a value.
func jsonError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return badRequest(CodeBadJSON, "malformed JSON near byte "+strconv.FormatInt(se.Offset, 10))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest(CodeBadJSON, "JSON ends early")
	case errors.As(err, &te):
		if te.Field != "" {
			return badRequest(CodeBadJSON, "field "+te.Field+" must be of type "+te.Type.String())
		}
		return badRequest(CodeBadJSON, "the request must be a JSON object")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		if safeFieldName.MatchString(name) {
			return badRequest(CodeUnknownField, "unknown field "+strconv.Quote(name))
		}
		return badRequest(CodeUnknownField, "unknown field in request body")
	}
	return badRequest(CodeBadJSON, "malformed JSON")
}

// requireMediaType checks the request's Content-Type against want; a
// charset parameter other than utf-8 is refused.
func requireMediaType(req *http.Request, want ...string) error {
	mt, params, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil {
		return badRequest(CodeContentType, "Content-Type must be "+strings.Join(want, " or "))
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return badRequest(CodeContentType, "only charset=utf-8 is accepted")
	}
	for _, w := range want {
		if mt == w {
			return nil
		}
	}
	return badRequest(CodeContentType, "Content-Type must be "+strings.Join(want, " or "))
}
