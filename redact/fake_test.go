package redact

import (
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/obscura-ai/obscura/bert"
	"github.com/obscura-ai/obscura/ner"
	"github.com/obscura-ai/obscura/tokenize"
)

// A fake NER model for tests that must not depend on the real one: the
// tokenizer makes one token per word (letters/digits run, or one other
// non-space character); the token id is the CoNLL class the test gazetteer
// gives the word; the classifier turns the id back into a confident logit.

var conllLabels = []string{"O", "B-MISC", "I-MISC", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"}

// gazetteer maps words to classes: B- for a first word, I- for the rest.
var gazetteer = map[string][2]int{
	"John": {3, 4}, "Smith": {4, 4}, "Jane": {3, 4}, "Doe": {4, 4}, "Zoë": {3, 4}, "Müller": {4, 4},
	"José": {3, 4}, "García": {4, 4}, "Алексей": {3, 4}, "Иванов": {4, 4}, "李": {3, 4}, "雷": {4, 4},
	"Paris": {7, 8}, "Berlin": {7, 8}, "東京": {7, 8}, "Zürich": {7, 8},
	"Acme": {5, 6}, "Corp": {6, 6}, "Siemens": {5, 6},
}

type wordTokenizer struct{}

func (wordTokenizer) EncodeWindows(text string, maxLen, stride int) []tokenize.Window {
	var e tokenize.Encoding
	add := func(id int32, s, en int, special bool, word int) {
		e.IDs = append(e.IDs, id)
		e.Offsets = append(e.Offsets, [2]int{s, en})
		e.Special = append(e.Special, special)
		e.WordIDs = append(e.WordIDs, word)
	}
	add(1000, 0, 0, true, -1)
	word, prev := 0, 0
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			i += n
			continue
		}
		j := i + n
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			for j < len(text) {
				r2, n2 := utf8.DecodeRuneInString(text[j:])
				if !unicode.IsLetter(r2) && !unicode.IsDigit(r2) {
					break
				}
				j += n2
			}
		}
		class := int32(0)
		if g, ok := gazetteer[text[i:j]]; ok {
			class = int32(g[0])
			if prev > 0 && (prev-1)/2 == (g[0]-1)/2 {
				class = int32(g[1]) // continues the previous word's entity
			}
		}
		prev = int(class)
		add(class, i, j, false, word)
		word++
		i = j
	}
	add(1001, 0, 0, true, -1)
	// Windows as the real tokenizer cuts them: [CLS] + up to maxLen-2
	// content tokens + [SEP], consecutive windows sharing stride tokens.
	n, capacity := e.Len()-2, maxLen-2
	if n <= capacity {
		return []tokenize.Window{{Encoding: e, First: 0, Last: n}}
	}
	var out []tokenize.Window
	for first := 0; ; first += capacity - stride {
		last := min(first+capacity, n)
		var w tokenize.Window
		w.First, w.Last = first, last
		for _, k := range append(append([]int{0}, seq(first+1, last+1)...), n+1) {
			w.IDs = append(w.IDs, e.IDs[k])
			w.Offsets = append(w.Offsets, e.Offsets[k])
			w.Special = append(w.Special, e.Special[k])
			w.WordIDs = append(w.WordIDs, e.WordIDs[k])
		}
		out = append(out, w)
		if last == n {
			return out
		}
	}
}

func seq(a, b int) []int {
	var out []int
	for i := a; i < b; i++ {
		out = append(out, i)
	}
	return out
}

type idClassifier struct{ fail bool }

func (idClassifier) NumLabels() int { return 9 }
func (c idClassifier) Run(b bert.Batch) ([]float32, error) {
	if c.fail {
		return nil, errClassifier
	}
	out := make([]float32, b.Size*b.SeqLen*9)
	for i, id := range b.IDs {
		class := 0
		if id < 9 {
			class = int(id)
		}
		out[i*9+class] = 8
	}
	return out, nil
}

type classifierError struct{}

func (classifierError) Error() string { return "fake classifier failure" }

var errClassifier = classifierError{}

func fakeRecognizer(t testing.TB, fail bool) *ner.Recognizer {
	t.Helper()
	labels, err := ner.NewLabels(conllLabels, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ner.NewRecognizer(ner.Config{Tokenizer: wordTokenizer{}, Classifier: idClassifier{fail: fail}, Labels: labels})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func fakeEngine(t testing.TB) *Engine {
	t.Helper()
	e, err := NewEngine(Config{Recognizer: fakeRecognizer(t, false)})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func fastEngine(t testing.TB) *Engine {
	t.Helper()
	e, err := NewEngine(Config{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
