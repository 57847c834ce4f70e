package server

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/obscura-ai/obscura/redact"
)

// fakeRedactor is a test double for the redaction engine: it finds e-mail
// addresses and the configured deny terms, and masks them as [TYPE_N]
// tokens, reusing tokens already in the mapping. Hooks let tests make it
// block, fail or panic.
type fakeRedactor struct {
	block   chan struct{} // when non-nil, Redact waits for it (or ctx)
	entered chan struct{} // when non-nil, gets a value as Redact starts
	err     error         // returned when non-nil
	panicV  any           // panicked with when non-nil

	mu    sync.Mutex
	calls int
}

var (
	fakeEmail = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
	fakePhone = regexp.MustCompile(`\b\d{3}-\d{3}-\d{4}\b`)
	tokenRe   = regexp.MustCompile(`\[[A-Z][A-Z_]*_[0-9]+\]`)
)

func (f *fakeRedactor) Redact(ctx context.Context, text string, opts redact.Options) (*redact.Result, error) {
	f.mu.Lock()
	f.calls++
	f.mu.Unlock()
	if f.entered != nil {
		f.entered <- struct{}{}
	}
	if f.block != nil {
		select {
		case <-f.block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if f.panicV != nil {
		panic(f.panicV)
	}
	if f.err != nil {
		return nil, f.err
	}
	type span struct {
		start, end int
		typ        string
	}
	var spans []span
	for _, m := range fakeEmail.FindAllStringIndex(text, -1) {
		spans = append(spans, span{m[0], m[1], "EMAIL"})
	}
	for _, m := range fakePhone.FindAllStringIndex(text, -1) {
		spans = append(spans, span{m[0], m[1], "PHONE"})
	}
	for _, d := range opts.Deny {
		for i := 0; ; {
			j := strings.Index(text[i:], d)
			if j < 0 {
				break
			}
			spans = append(spans, span{i + j, i + j + len(d), "PERSON"})
			i += j + len(d)
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	mapping := redact.Mapping{}
	byValue := map[string]string{}
	next := map[string]int{}
	for tok, v := range opts.Mapping {
		mapping[tok] = v
		byValue[v] = tok
		typ, n := splitToken(tok)
		if n > next[typ] {
			next[typ] = n
		}
	}
	res := &redact.Result{Mapping: mapping}
	var b strings.Builder
	last := 0
	for _, s := range spans {
		if s.start < last {
			continue
		}
		v := text[s.start:s.end]
		tok, ok := byValue[v]
		if !ok {
			next[s.typ]++
			tok = fmt.Sprintf("[%s_%d]", s.typ, next[s.typ])
			byValue[v] = tok
			mapping[tok] = v
		}
		b.WriteString(text[last:s.start])
		b.WriteString(tok)
		last = s.end
		res.Entities = append(res.Entities, redact.Entity{Type: s.typ, Start: s.start, End: s.end, Score: 1, Source: "regex", Token: tok})
	}
	b.WriteString(text[last:])
	res.MaskedText = b.String()
	res.Timings = redact.Timings{Regex: 0.01, Mask: 0.01, Total: 0.02}
	return res, nil
}

func splitToken(tok string) (string, int) {
	body := strings.TrimSuffix(strings.TrimPrefix(tok, "["), "]")
	i := strings.LastIndexByte(body, '_')
	if i < 0 {
		return body, 0
	}
	n, _ := strconv.Atoi(body[i+1:])
	return body[:i], n
}

// fakeRestorer is a test double for redact.Restore and its streaming form.
type fakeRestorer struct{}

func (fakeRestorer) Restore(text string, m redact.Mapping) (string, []string) {
	var unresolved []string
	out := tokenRe.ReplaceAllStringFunc(text, func(tok string) string {
		if v, ok := m[tok]; ok {
			return v
		}
		unresolved = append(unresolved, tok)
		return tok
	})
	return out, unresolved
}

func (fakeRestorer) NewStream(m redact.Mapping) StreamRestorer {
	return &fakeStream{m: m}
}

// fakeStream holds back text from an unclosed '[' until it is closed or
// longer than any token could be.
type fakeStream struct {
	m          redact.Mapping
	pending    string
	unresolved []string
}

const fakeMaxToken = 40

func (s *fakeStream) Write(chunk string) string {
	s.pending += chunk
	cut := len(s.pending)
	if i := strings.LastIndexByte(s.pending, '['); i >= 0 && !strings.Contains(s.pending[i:], "]") && len(s.pending)-i < fakeMaxToken {
		cut = i
	}
	out := s.pending[:cut]
	s.pending = s.pending[cut:]
	r, u := fakeRestorer{}.Restore(out, s.m)
	s.unresolved = append(s.unresolved, u...)
	return r
}

func (s *fakeStream) Flush() string {
	out := s.pending
	s.pending = ""
	r, u := fakeRestorer{}.Restore(out, s.m)
	s.unresolved = append(s.unresolved, u...)
	return r
}

func (s *fakeStream) Unresolved() []string { return s.unresolved }

var errFakeInternal = errors.New("fake engine: tensor shape mismatch")
