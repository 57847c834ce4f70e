package redact

import (
	"strings"
	"unicode/utf8"
)

// Restore replaces the tokens of masked text by their original values. It
// accepts the canonical [TYPE_N] and the altered forms an LLM may write
// (case, spacing, '<>' or missing brackets: PERSON_1, [Person 1],
// <PERSON_1>; see the grammar in tokens.go). Tokens it recognises but cannot
// resolve are left as they are and listed, canonically and once each, in
// unresolved. Replaced values are not scanned again.
func Restore(text string, m Mapping) (restored string, unresolved []string) {
	r := NewStreamRestorer(m)
	out := r.process(text, true)
	return out, r.Unresolved()
}

// StreamRestorer restores text that arrives in chunks, such as an LLM's
// streamed answer. Write returns the restored text that is safe to emit now:
// it holds back any suffix that could still become (or extend) a token, and
// an incomplete UTF-8 sequence, so it never emits half a token or half a
// character. The concatenation of all Write results and Flush equals
// Restore of the concatenated chunks, for every way of splitting the text.
// A StreamRestorer is not safe for concurrent use.
type StreamRestorer struct {
	m          Mapping
	sc         *tokenScanner
	buf        string
	prev       byte // last byte already consumed
	unresolved []string
	seen       map[string]bool
}

// NewStreamRestorer returns a restorer for one stream.
func NewStreamRestorer(m Mapping) *StreamRestorer {
	return &StreamRestorer{m: m, sc: newTokenScanner(restoreTypes(m), false), seen: map[string]bool{}}
}

// restoreTypes are the type names the restorer knows: the built-in types and
// every type in the mapping.
func restoreTypes(m Mapping) []string {
	types := append([]string{}, BuiltinTypes...)
	for k := range m {
		if t, _, ok := parseTokenKey(k); ok {
			types = append(types, t)
		}
	}
	return types
}

// Write adds a chunk and returns the restored text that is safe to emit.
func (s *StreamRestorer) Write(chunk string) string {
	s.buf += chunk
	return s.process("", false)
}

// Flush returns the rest of the restored text at the end of the stream.
func (s *StreamRestorer) Flush() string {
	return s.process("", true)
}

// Unresolved lists the tokens seen so far that the mapping does not hold.
func (s *StreamRestorer) Unresolved() []string {
	return append([]string(nil), s.unresolved...)
}

// process restores as much of s.buf+extra as is decided.
func (s *StreamRestorer) process(extra string, final bool) string {
	buf := s.buf + extra
	limit := len(buf)
	if !final {
		limit -= incompleteTail(buf)
	}
	text := buf[:limit]
	var out strings.Builder
	out.Grow(len(text))
	i, last := 0, 0 // last: start of the not yet copied plain text
	for i < len(text) {
		m, st := s.sc.matchAt(text, i, s.prevAt(text, i), final)
		if st == scanMore {
			break
		}
		if st == scanNone {
			i++
			continue
		}
		out.WriteString(text[last:i])
		if v, ok := s.m[m.key]; ok {
			out.WriteString(v)
		} else {
			out.WriteString(text[m.start:m.end])
			if !s.seen[m.key] {
				s.seen[m.key] = true
				s.unresolved = append(s.unresolved, m.key)
			}
		}
		i, last = m.end, m.end
	}
	out.WriteString(text[last:i])
	if i > 0 {
		s.prev = text[i-1]
	}
	s.buf = buf[i:]
	return out.String()
}

func (s *StreamRestorer) prevAt(text string, i int) byte {
	if i == 0 {
		return s.prev
	}
	return text[i-1]
}

// incompleteTail is the length of a trailing, not yet complete UTF-8
// sequence of s (0 if s ends on a character boundary or in invalid bytes).
func incompleteTail(s string) int {
	for n := 1; n < utf8.UTFMax && n <= len(s); n++ {
		c := s[len(s)-n]
		if utf8.RuneStart(c) {
			if !utf8.FullRuneInString(s[len(s)-n:]) {
				return n
			}
			return 0
		}
	}
	return 0
}
