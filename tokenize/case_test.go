package tokenize

import (
	"strings"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
)

// TestCaseTypes checks the case channel on a cased sentence with the
// uncased MiniLM tokenizer: every piece of a capitalised word (also one cut
// into several pieces) is 1, lower-case words, punctuation and the special
// tokens are 0.
func TestCaseTypes(t *testing.T) {
	tok, err := Load(testenv.Shared(t, "models", "obscura-minilm-conll"))
	if err != nil {
		t.Fatal(err)
	}
	text := "Dr. Okonkwo-Smith saw ÉMILE at Mayo, then left."
	enc := tok.Encode(text)
	types := CaseTypes(text, &enc)
	for i := 0; i < enc.Len(); i++ {
		if enc.Special[i] {
			if types[i] != 0 {
				t.Errorf("special token %d has type %d", i, types[i])
			}
			continue
		}
		w := enc.WordIDs[i]
		first := i
		for first > 0 && !enc.Special[first-1] && enc.WordIDs[first-1] == w {
			first--
		}
		c := text[enc.Offsets[first][0]]
		want := int64(0)
		if c >= 'A' && c <= 'Z' || strings.HasPrefix(text[enc.Offsets[first][0]:], "É") {
			want = 1
		}
		if types[i] != want {
			t.Errorf("token %d (word %d) type %d, want %d", i, w, types[i], want)
		}
	}
	ones := 0
	for _, v := range types {
		ones += int(v)
	}
	if ones < 5 {
		t.Errorf("only %d case-channel tokens", ones)
	}
}
