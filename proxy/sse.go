package proxy

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/obscura-ai/obscura/redact"
)

// sseDone is the data of OpenAI's last event.
const sseDone = "[DONE]"

// maxSSELine bounds one line of the upstream's event stream.
const maxSSELine = 1 << 20

var errLongLine = errors.New("proxy: an upstream event-stream line is longer than 1 MiB")

// sseRestorer restores the data of a chat or completions event stream. The
// text of each choice (delta.content, or text for completions) and of each
// of its tool calls (function.arguments) goes through its own
// redact.StreamRestorer, so a token split across events is restored once it
// is complete and never shown in part. Held-back text goes out with the
// choice's finish_reason event, or in an extra event before [DONE] or the
// end of the stream.
type sseRestorer struct {
	kind     kind
	m        redact.Mapping
	choices  map[string]*choiceState // by the choice's "index" as written
	order    []string
	template map[string]any // the last JSON event's top-level fields, less choices and usage
}

type choiceState struct {
	index     any // the choice's "index" value, for synthesised events
	content   *redact.StreamRestorer
	tools     map[string]*redact.StreamRestorer
	toolIndex map[string]any
	toolOrder []string
}

func newSSERestorer(k kind, m redact.Mapping) *sseRestorer {
	return &sseRestorer{kind: k, m: m, choices: map[string]*choiceState{}}
}

func keyOf(v any, fallback int) (string, any) {
	if n, ok := v.(json.Number); ok {
		return n.String(), n
	}
	n := json.Number(itoa(fallback))
	return n.String(), n
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func (s *sseRestorer) choice(idx any, pos int) *choiceState {
	k, v := keyOf(idx, pos)
	c := s.choices[k]
	if c == nil {
		c = &choiceState{index: v, content: redact.NewStreamRestorer(s.m), tools: map[string]*redact.StreamRestorer{}, toolIndex: map[string]any{}}
		s.choices[k] = c
		s.order = append(s.order, k)
	}
	return c
}

func (c *choiceState) tool(idx any, pos int, m redact.Mapping) (string, *redact.StreamRestorer) {
	k, v := keyOf(idx, pos)
	t := c.tools[k]
	if t == nil {
		t = redact.NewStreamRestorer(m)
		c.tools[k] = t
		c.toolIndex[k] = v
		c.toolOrder = append(c.toolOrder, k)
	}
	return k, t
}

// event restores one event's data. It returns the data of extra events
// to send first (held-back text before [DONE]) and the event's own data.
func (s *sseRestorer) event(payload string) (pre []string, out string) {
	if strings.TrimSpace(payload) == sseDone {
		return s.flushAll(), payload
	}
	v, err := decodeJSON([]byte(payload))
	if err != nil {
		return nil, payload // not JSON: passed on as it is
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, payload
	}
	choices, ok := obj["choices"].([]any)
	if !ok {
		return nil, payload
	}
	for i, cv := range choices {
		ch, ok := cv.(map[string]any)
		if !ok {
			continue
		}
		c := s.choice(ch["index"], i)
		finished := ch["finish_reason"] != nil
		switch s.kind {
		case kindChat:
			s.chatDelta(c, ch, finished)
		case kindCompletions:
			if t, ok := ch["text"].(string); ok {
				ch["text"] = c.content.Write(t)
			}
			if finished {
				if rest := c.content.Flush(); rest != "" {
					t, _ := ch["text"].(string)
					ch["text"] = t + rest
				}
			}
		}
	}
	s.template = map[string]any{}
	for k, e := range obj {
		if k != "choices" && k != "usage" {
			s.template[k] = e
		}
	}
	b, err := encode(obj)
	if err != nil {
		return nil, payload
	}
	return nil, string(b)
}

// chatDelta restores a chat choice's delta in place; on its finish event
// the held-back text of the choice and its tool calls is appended.
func (s *sseRestorer) chatDelta(c *choiceState, ch map[string]any, finished bool) {
	delta, _ := ch["delta"].(map[string]any)
	if delta != nil {
		if t, ok := delta["content"].(string); ok {
			delta["content"] = c.content.Write(t)
		}
	}
	seen := map[string]map[string]any{} // tool key → its function object in this event
	if delta != nil {
		if calls, ok := delta["tool_calls"].([]any); ok {
			for j, tv := range calls {
				tc, ok := tv.(map[string]any)
				if !ok {
					continue
				}
				k, r := c.tool(tc["index"], j, s.m)
				fn, ok := tc["function"].(map[string]any)
				if !ok {
					continue
				}
				seen[k] = fn
				if a, ok := fn["arguments"].(string); ok {
					fn["arguments"] = r.Write(a)
				}
			}
		}
	}
	if !finished {
		return
	}
	rest := c.content.Flush()
	var extra []any
	for _, k := range c.toolOrder {
		tr := c.tools[k].Flush()
		if tr == "" {
			continue
		}
		if fn := seen[k]; fn != nil {
			a, _ := fn["arguments"].(string)
			fn["arguments"] = a + tr
			continue
		}
		extra = append(extra, map[string]any{"index": c.toolIndex[k], "function": map[string]any{"arguments": tr}})
	}
	if rest == "" && extra == nil {
		return
	}
	if delta == nil {
		delta = map[string]any{}
		ch["delta"] = delta
	}
	if rest != "" {
		t, _ := delta["content"].(string)
		delta["content"] = t + rest
	}
	if extra != nil {
		calls, _ := delta["tool_calls"].([]any)
		delta["tool_calls"] = append(calls, extra...)
	}
}

// flushAll returns one event per choice that still holds text, built on
// the last JSON event's fields (id, model, created, ...).
func (s *sseRestorer) flushAll() []string {
	var out []string
	for _, k := range s.order {
		c := s.choices[k]
		rest := c.content.Flush()
		var calls []any
		for _, tk := range c.toolOrder {
			if tr := c.tools[tk].Flush(); tr != "" {
				calls = append(calls, map[string]any{"index": c.toolIndex[tk], "function": map[string]any{"arguments": tr}})
			}
		}
		if rest == "" && calls == nil {
			continue
		}
		ev := map[string]any{}
		for f, v := range s.template {
			ev[f] = v
		}
		ch := map[string]any{"index": c.index, "finish_reason": nil}
		if s.kind == kindChat {
			d := map[string]any{}
			if rest != "" {
				d["content"] = rest
			}
			if calls != nil {
				d["tool_calls"] = calls
			}
			ch["delta"] = d
		} else {
			ch["text"] = rest
		}
		ev["choices"] = []any{ch}
		if b, err := encode(ev); err == nil {
			out = append(out, string(b))
		}
	}
	return out
}

// unresolved counts the tokens no restorer could resolve (for the log).
func (s *sseRestorer) unresolved() int {
	n := 0
	for _, c := range s.choices {
		n += len(c.content.Unresolved())
		for _, t := range c.tools {
			n += len(t.Unresolved())
		}
	}
	return n
}

// readLine reads one line without "\n" or "\r\n"; (nil, io.EOF) at the end.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		part, err := br.ReadSlice('\n')
		line = append(line, part...)
		if len(line) > maxSSELine {
			return nil, errLongLine
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
		return bytes.TrimSuffix(line[:len(line)-1], []byte("\r")), nil
	}
}

// writeEvent appends one event: its non-data fields, then data lines.
func writeEvent(out *bytes.Buffer, fields [][]byte, data string, hasData bool) {
	for _, f := range fields {
		out.Write(f)
		out.WriteByte('\n')
	}
	if hasData {
		for _, l := range strings.Split(strings.ReplaceAll(data, "\r\n", "\n"), "\n") {
			out.WriteString("data: ")
			out.WriteString(l)
			out.WriteByte('\n')
		}
	}
	out.WriteByte('\n')
}

// pumpSSE reads the upstream event stream from body, restores each event
// and hands the bytes of each restored event to emit as soon as it is
// complete. Comment lines are passed on at once.
func pumpSSE(body io.Reader, s *sseRestorer, emit func([]byte) error) error {
	br := bufio.NewReaderSize(body, 32<<10)
	var fields [][]byte
	var data []string
	hasData := false
	var out bytes.Buffer
	dispatch := func() error {
		if len(fields) == 0 && !hasData {
			return nil
		}
		out.Reset()
		payload := strings.Join(data, "\n")
		if hasData {
			pre, main := s.event(payload)
			for _, p := range pre {
				writeEvent(&out, nil, p, true)
			}
			payload = main
		}
		writeEvent(&out, fields, payload, hasData)
		fields, data, hasData = nil, nil, false
		return emit(out.Bytes())
	}
	for {
		line, rerr := readLine(br)
		if rerr != nil && rerr != io.EOF {
			return rerr
		}
		if line == nil && rerr == io.EOF {
			break
		}
		switch {
		case len(line) == 0:
			if err := dispatch(); err != nil {
				return err
			}
		case line[0] == ':':
			if err := emit(append(line, '\n')); err != nil {
				return err
			}
		default:
			name, value, _ := bytes.Cut(line, []byte(":"))
			if string(name) == "data" {
				data = append(data, string(bytes.TrimPrefix(value, []byte(" "))))
				hasData = true
			} else {
				fields = append(fields, append([]byte(nil), line...))
			}
		}
		if rerr == io.EOF {
			break
		}
	}
	if err := dispatch(); err != nil {
		return err
	}
	// A stream that ended without [DONE] still gets its held-back text.
	out.Reset()
	for _, p := range s.flushAll() {
		writeEvent(&out, nil, p, true)
	}
	if out.Len() > 0 {
		return emit(out.Bytes())
	}
	return nil
}
