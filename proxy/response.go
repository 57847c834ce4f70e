package proxy

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"

	"github.com/obscura-ai/obscura/redact"
)

// decodeJSON decodes one JSON value keeping numbers as written.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errTrailingData
	}
	return v, nil
}

var errTrailingData = errors.New("proxy: more than one JSON value")

// restoreAll replaces, in place, the tokens of every string of a decoded
// JSON value (object keys excepted) and collects the unresolved tokens.
// Restoring every string covers message content, tool-call arguments,
// refusals and legacy completions text without knowing each schema.
func restoreAll(v any, m redact.Mapping, unresolved map[string]bool) any {
	switch x := v.(type) {
	case string:
		s, u := redact.Restore(x, m)
		for _, t := range u {
			unresolved[t] = true
		}
		return s
	case []any:
		for i := range x {
			x[i] = restoreAll(x[i], m, unresolved)
		}
	case map[string]any:
		for k, e := range x {
			x[k] = restoreAll(e, m, unresolved)
		}
	}
	return v
}

// restoreBody restores a whole JSON response body. A body that is not
// JSON is returned unchanged with ok false.
func restoreBody(b []byte, m redact.Mapping) (out []byte, unresolved []string, ok bool) {
	v, err := decodeJSON(b)
	if err != nil {
		return b, nil, false
	}
	set := map[string]bool{}
	v = restoreAll(v, m, set)
	enc, err := encode(v)
	if err != nil {
		return b, nil, false
	}
	for t := range set {
		unresolved = append(unresolved, t)
	}
	return append(enc, '\n'), unresolved, true
}
