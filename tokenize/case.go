package tokenize

import (
	"unicode"
	"unicode/utf8"
)

// CaseTypes returns the case channel of an encoding of text, as token type
// ids: 1 on every piece of a pre-tokenized word whose first character is an
// upper-case letter, 0 on the other pieces and on special tokens. It lets an
// uncased (lower-casing) encoder see capitalisation; a model trained with
// it (obscura train --case-channel, declared in its bundle's schema) must
// be run with it.
func CaseTypes(text string, enc *Encoding) []int64 {
	out := make([]int64, enc.Len())
	upper := false // of the current word
	for t := range out {
		if enc.Special[t] {
			continue
		}
		if t == 0 || enc.Special[t-1] || enc.WordIDs[t-1] != enc.WordIDs[t] {
			r, _ := utf8.DecodeRuneInString(text[enc.Offsets[t][0]:enc.Offsets[t][1]])
			upper = unicode.IsUpper(r)
		}
		if upper {
			out[t] = 1
		}
	}
	return out
}
