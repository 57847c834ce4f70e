package server

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

const maxJSONPathDepth = 16

// parseJSONPath splits a dotted path such as choices.0.delta.content.
func parseJSONPath(p string) ([]string, error) {
	parts := strings.Split(p, ".")
	if len(parts) > maxJSONPathDepth {
		return nil, badRequest(CodeInvalidOption, "json_path is too deep")
	}
	for _, x := range parts {
		if x == "" {
			return nil, badRequest(CodeInvalidOption, "json_path has an empty segment")
		}
	}
	return parts, nil
}

// lookup returns the container that holds the last segment of path in v,
// or nil. Numeric segments index arrays; others index objects.
func lookup(v any, path []string) any {
	for _, seg := range path[:len(path)-1] {
		switch x := v.(type) {
		case map[string]any:
			v = x[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func getString(v any, path []string) (string, bool) {
	last := path[len(path)-1]
	switch x := lookup(v, path).(type) {
	case map[string]any:
		s, ok := x[last].(string)
		return s, ok
	case []any:
		if i, err := strconv.Atoi(last); err == nil && i >= 0 && i < len(x) {
			s, ok := x[i].(string)
			return s, ok
		}
	}
	return "", false
}

func setString(v any, path []string, s string) {
	last := path[len(path)-1]
	switch x := lookup(v, path).(type) {
	case map[string]any:
		x[last] = s
	case []any:
		if i, err := strconv.Atoi(last); err == nil && i >= 0 && i < len(x) {
			x[i] = s
		}
	}
}

func decodeJSONValue(payload string) (any, bool) {
	dec := json.NewDecoder(strings.NewReader(payload))
	dec.UseNumber() // numbers pass through exactly
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

func encodeJSONValue(v any) (string, bool) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", false
	}
	return strings.TrimSuffix(b.String(), "\n"), true
}

// restoreJSON restores the answer text inside one JSON event. It reports
// false when payload is not JSON or has no string at the path.
func (st *streamer) restoreJSON(payload string) (string, bool) {
	v, ok := decodeJSONValue(payload)
	if !ok {
		return "", false
	}
	text, ok := getString(v, st.jsonPath)
	if !ok {
		return "", false
	}
	setString(v, st.jsonPath, st.sr.Write(text))
	out, ok := encodeJSONValue(v)
	if !ok {
		return "", false
	}
	if tmpl, ok := decodeJSONValue(payload); ok {
		st.jsonTemplate = tmpl
	}
	return out, true
}

// jsonWith encodes a copy of template with text at the path.
func (st *streamer) jsonWith(template any, text string) (string, bool) {
	b, ok := encodeJSONValue(template)
	if !ok {
		return "", false
	}
	v, ok := decodeJSONValue(b)
	if !ok {
		return "", false
	}
	setString(v, st.jsonPath, text)
	return encodeJSONValue(v)
}
