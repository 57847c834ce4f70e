package proxy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/obscura-ai/obscura/redact"
)

// kind is the OpenAI endpoint a request is for.
type kind int

const (
	kindChat        kind = iota // /v1/chat/completions
	kindCompletions             // /v1/completions
)

// DefaultInstruction is the keep-placeholders instruction (obscura proxy
// --keep-placeholders). It names the token shape without writing a token,
// so an answer that repeats it restores nothing by accident.
const DefaultInstruction = "Some personal data in this conversation has been replaced by placeholders " +
	"written like [TYPE_N], for example a person's name as a bracketed PERSON tag with a number. " +
	"Copy every placeholder you use exactly as written, brackets, capitals and number included; " +
	"never translate, complete, split or invent one."

// redactor redacts the strings of one request in order, with one mapping.
// With a ConversationRedactor the request is walked twice: once to collect
// its strings (collect), which are then redacted together as one
// conversation (a value found in any string is masked in all), and once to
// write the masked strings back (masked, in the same order).
type redactor struct {
	ctx      context.Context
	eng      Redactor
	opts     redact.Options
	mapping  redact.Mapping
	strings  int // strings redacted
	entities int

	collect bool
	texts   []string // collected strings
	masked  []string // their masked forms, taken in order
}

// text redacts one string, continuing the request's mapping.
func (r *redactor) text(s string) (string, error) {
	if s == "" {
		return s, nil
	}
	if r.collect {
		r.texts = append(r.texts, s)
		return s, nil
	}
	if r.masked != nil {
		if r.strings >= len(r.masked) {
			return "", errors.New("proxy: the request's strings changed between passes")
		}
		m := r.masked[r.strings]
		r.strings++
		return m, nil
	}
	o := r.opts
	o.Mapping = r.mapping
	res, err := r.eng.Redact(r.ctx, s, o)
	if err != nil {
		return "", err
	}
	r.mapping = res.Mapping
	r.strings++
	r.entities += len(res.Entities)
	return res.MaskedText, nil
}

// conversation redacts the strings of body (parsed afresh) together, as
// one conversation, and prepares r to write them back.
func (r *redactor) conversation(cr ConversationRedactor, k kind, body []byte) error {
	req, err := parseRequest(k, body)
	if err != nil {
		return err
	}
	col := &redactor{ctx: r.ctx, collect: true}
	if _, err := req.redact(col, ""); err != nil {
		return err
	}
	r.masked = []string{}
	if len(col.texts) == 0 {
		return nil
	}
	o := r.opts
	o.Mapping = r.mapping
	res, err := cr.RedactConversation(r.ctx, col.texts, o)
	if err != nil {
		return err
	}
	for _, x := range res {
		r.masked = append(r.masked, x.MaskedText)
		r.entities += len(x.Entities)
	}
	r.mapping = res[len(res)-1].Mapping
	return nil
}

// object is a JSON object whose values stay raw unless we rewrite them, so
// fields the proxy does not know reach the upstream untouched.
type object map[string]json.RawMessage

// jsonKind is the first byte of a raw JSON value ('"', '[', '{', 'n', ...).
func jsonKind(raw json.RawMessage) byte {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return 0
	}
	return raw[0]
}

// encode marshals v without HTML escaping (values go back as written).
func encode(v any) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// redactString rewrites the raw JSON string at o[key], if there is one.
func (r *redactor) redactString(o object, key, where string) error {
	raw, ok := o[key]
	if !ok || jsonKind(raw) != '"' {
		return nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return invalid(CodeBadJSON, where+" must be a string")
	}
	m, err := r.text(s)
	if err != nil {
		return err
	}
	o[key], err = encode(m)
	return err
}

// request is a parsed chat or completions body.
type request struct {
	kind   kind
	body   object
	stream bool
}

func parseRequest(k kind, body []byte) (*request, error) {
	var o object
	if err := json.Unmarshal(body, &o); err != nil || o == nil {
		return nil, invalid(CodeBadJSON, "the request body must be a JSON object")
	}
	req := &request{kind: k, body: o}
	if raw, ok := o["stream"]; ok && jsonKind(raw) != 'n' {
		if err := json.Unmarshal(raw, &req.stream); err != nil {
			return nil, invalid(CodeBadJSON, "stream must be a boolean")
		}
	}
	switch k {
	case kindChat:
		if jsonKind(o["messages"]) != '[' {
			return nil, invalid(CodeInvalidRequest, "messages must be an array")
		}
	case kindCompletions:
		if _, ok := o["prompt"]; !ok {
			return nil, invalid(CodeInvalidRequest, "prompt is required")
		}
	}
	return req, nil
}

// redact masks every caller-written string of the request in order and
// prepends the instruction (if any). It returns the upstream body.
func (req *request) redact(r *redactor, instruction string) ([]byte, error) {
	var err error
	switch req.kind {
	case kindChat:
		err = req.redactChat(r, instruction)
	case kindCompletions:
		err = req.redactCompletions(r, instruction)
	}
	if err != nil {
		return nil, err
	}
	return encode(req.body)
}

func (req *request) redactChat(r *redactor, instruction string) error {
	var msgs []object
	if err := json.Unmarshal(req.body["messages"], &msgs); err != nil {
		return invalid(CodeBadJSON, "messages must be an array of objects")
	}
	for i, m := range msgs {
		if m == nil {
			return invalid(CodeBadJSON, "messages["+strconv.Itoa(i)+"] must be an object")
		}
		where := "messages[" + strconv.Itoa(i) + "]"
		if err := r.redactContent(m, where); err != nil {
			return err
		}
		if err := r.redactToolCalls(m, where); err != nil {
			return err
		}
		if fc, ok := m["function_call"]; ok && jsonKind(fc) == '{' {
			var f object
			if err := json.Unmarshal(fc, &f); err != nil {
				return invalid(CodeBadJSON, where+".function_call must be an object")
			}
			if err := r.redactString(f, "arguments", where+".function_call.arguments"); err != nil {
				return err
			}
			var err error
			if m["function_call"], err = encode(f); err != nil {
				return err
			}
		}
	}
	if instruction != "" {
		ins, err := encode(map[string]string{"role": "system", "content": instruction})
		if err != nil {
			return err
		}
		out := make([]json.RawMessage, 0, len(msgs)+1)
		out = append(out, ins)
		for _, m := range msgs {
			b, err := encode(m)
			if err != nil {
				return err
			}
			out = append(out, b)
		}
		req.body["messages"], err = encode(out)
		return err
	}
	var err error
	req.body["messages"], err = encode(msgs)
	return err
}

// redactContent masks a message's content: a string, or an array of parts
// whose "text" strings are masked (image, audio and file parts pass).
func (r *redactor) redactContent(m object, where string) error {
	raw := m["content"]
	switch jsonKind(raw) {
	case '"':
		return r.redactString(m, "content", where+".content")
	case '[':
		var parts []object
		if err := json.Unmarshal(raw, &parts); err != nil {
			return invalid(CodeBadJSON, where+".content must be a string or an array of parts")
		}
		for j, p := range parts {
			if p == nil {
				continue
			}
			if err := r.redactString(p, "text", where+".content["+strconv.Itoa(j)+"].text"); err != nil {
				return err
			}
		}
		var err error
		m["content"], err = encode(parts)
		return err
	}
	return nil
}

// redactToolCalls masks the arguments of an assistant turn's tool calls.
func (r *redactor) redactToolCalls(m object, where string) error {
	raw, ok := m["tool_calls"]
	if !ok || jsonKind(raw) != '[' {
		return nil
	}
	var calls []object
	if err := json.Unmarshal(raw, &calls); err != nil {
		return invalid(CodeBadJSON, where+".tool_calls must be an array of objects")
	}
	for j, c := range calls {
		if c == nil || jsonKind(c["function"]) != '{' {
			continue
		}
		var f object
		if err := json.Unmarshal(c["function"], &f); err != nil {
			return invalid(CodeBadJSON, where+".tool_calls["+strconv.Itoa(j)+"].function must be an object")
		}
		if err := r.redactString(f, "arguments", where+".tool_calls["+strconv.Itoa(j)+"].function.arguments"); err != nil {
			return err
		}
		var err error
		if c["function"], err = encode(f); err != nil {
			return err
		}
	}
	var err error
	m["tool_calls"], err = encode(calls)
	return err
}

func (req *request) redactCompletions(r *redactor, instruction string) error {
	prefix := ""
	if instruction != "" {
		prefix = instruction + "\n\n"
	}
	raw := req.body["prompt"]
	switch jsonKind(raw) {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return invalid(CodeBadJSON, "prompt must be a string or an array")
		}
		m, err := r.text(s)
		if err != nil {
			return err
		}
		if req.body["prompt"], err = encode(prefix + m); err != nil {
			return err
		}
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return invalid(CodeBadJSON, "prompt must be a string or an array")
		}
		for i, it := range items {
			if jsonKind(it) != '"' {
				continue // token ids pass as they are
			}
			var s string
			if err := json.Unmarshal(it, &s); err != nil {
				return invalid(CodeBadJSON, "prompt["+strconv.Itoa(i)+"] must be a string")
			}
			m, err := r.text(s)
			if err != nil {
				return err
			}
			if items[i], err = encode(prefix + m); err != nil {
				return err
			}
		}
		var err error
		if req.body["prompt"], err = encode(items); err != nil {
			return err
		}
	default:
		return invalid(CodeInvalidRequest, "prompt must be a string or an array")
	}
	return r.redactString(req.body, "suffix", "suffix")
}
