package synth

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"unicode"
	"unicode/utf8"
)

// Token is one word of a text: Text[Start:End], byte offsets, with its IOB2
// tag.
type Token struct {
	Text  string
	Start int
	End   int
	Tag   string
}

// isWord is Python's \w for str patterns: alphanumeric (letters and every
// numeric category) or underscore.
func isWord(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) }

// Tokenize splits text into runs of word characters and single other
// non-space characters: Python's \w+|[^\w\s] split, which presidio-research's
// IOB2 files use too. Tags are "O".
func Tokenize(text string) []Token {
	var toks []Token
	start := -1
	for i, r := range text {
		switch {
		case isWord(r):
			if start < 0 {
				start = i
			}
			continue
		case start >= 0:
			toks = append(toks, Token{Text: text[start:i], Start: start, End: i, Tag: "O"})
			start = -1
		}
		if !unicode.IsSpace(r) {
			n := utf8.RuneLen(r)
			if r == utf8.RuneError {
				n = 1
			}
			toks = append(toks, Token{Text: text[i : i+n], Start: i, End: i + n, Tag: "O"})
		}
	}
	if start >= 0 {
		toks = append(toks, Token{Text: text[start:], Start: start, End: len(text), Tag: "O"})
	}
	return toks
}

// boundary reports whether byte offset i of text falls between two tokens of
// Tokenize (or at an end).
func boundary(text string, i int) bool {
	if i <= 0 || i >= len(text) {
		return i == 0 || i == len(text)
	}
	if !utf8.RuneStart(text[i]) {
		return false
	}
	prev, _ := utf8.DecodeLastRuneInString(text[:i])
	next, _ := utf8.DecodeRuneInString(text[i:])
	return !(isWord(prev) && isWord(next))
}

// CheckSample verifies a sample's invariants: spans sorted, non-overlapping,
// non-empty, on token boundaries, without surrounding space, and
// Text[Start:End] == Value.
func CheckSample(s Sample) error {
	prevEnd := 0
	for k, sp := range s.Spans {
		switch {
		case sp.Start < prevEnd || sp.End <= sp.Start || sp.End > len(s.Text):
			return fmt.Errorf("span %d [%d,%d) out of order or range", k, sp.Start, sp.End)
		case s.Text[sp.Start:sp.End] != sp.Value:
			return fmt.Errorf("span %d [%d,%d) does not match its value", k, sp.Start, sp.End)
		case !boundary(s.Text, sp.Start) || !boundary(s.Text, sp.End):
			return fmt.Errorf("span %d [%d,%d) is not on token boundaries", k, sp.Start, sp.End)
		}
		if r, _ := utf8.DecodeRuneInString(sp.Value); unicode.IsSpace(r) {
			return fmt.Errorf("span %d starts with space", k)
		}
		if r, _ := utf8.DecodeLastRuneInString(sp.Value); unicode.IsSpace(r) {
			return fmt.Errorf("span %d ends with space", k)
		}
		prevEnd = sp.End
	}
	return nil
}

// Tag returns the sample's tokens with IOB2 tags: B-TYPE on a span's first
// token, I-TYPE on the rest, O outside spans.
func (s Sample) Tag() []Token {
	toks := Tokenize(s.Text)
	k := 0
	for i := range toks {
		for k < len(s.Spans) && s.Spans[k].End <= toks[i].Start {
			k++
		}
		if k < len(s.Spans) && toks[i].Start >= s.Spans[k].Start {
			if toks[i].Start == s.Spans[k].Start {
				toks[i].Tag = "B-" + s.Spans[k].Type
			} else {
				toks[i].Tag = "I-" + s.Spans[k].Type
			}
		}
	}
	return toks
}

// WriteCoNLL writes samples in CoNLL format: one "TOKEN TAG" line per token
// (IOB2), a blank line after each sample.
func WriteCoNLL(w io.Writer, samples []Sample) error {
	bw := bufio.NewWriter(w)
	for _, s := range samples {
		for _, t := range s.Tag() {
			bw.WriteString(t.Text)
			bw.WriteByte(' ')
			bw.WriteString(t.Tag)
			bw.WriteByte('\n')
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// WriteJSONL writes one JSON Sample per line, HTML characters unescaped.
func WriteJSONL(w io.Writer, samples []Sample) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, s := range samples {
		if err := enc.Encode(s); err != nil {
			return err
		}
	}
	return bw.Flush()
}
