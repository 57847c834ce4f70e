package ner

import (
	"context"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/obscura-ai/obscura/bert"
	"github.com/obscura-ai/obscura/tokenize"
)

// fakeTokenizer splits on spaces and cuts words into pieces of at most 3
// bytes (later pieces are subwords). A token's id encodes its gold class:
// words starting with an upper-case letter are PER (B- on the first piece of
// the first such word in a run, I- after), "in"-prefixed words LOC; the
// fake classifier reads the class back from the id.
type fakeTokenizer struct{}

func (fakeTokenizer) all(text string) tokenize.Encoding {
	var enc tokenize.Encoding
	word := 0
	prevPER := false
	for i := 0; i < len(text); {
		if text[i] == ' ' {
			i++
			continue
		}
		j := i
		for j < len(text) && text[j] != ' ' {
			j++
		}
		class := 0
		isPER := text[i] >= 'A' && text[i] <= 'Z'
		switch {
		case isPER && prevPER:
			class = 4
		case isPER:
			class = 3
		case strings.HasPrefix(text[i:j], "loc"):
			class = 7
		}
		prevPER = isPER
		for p := i; p < j; p += 3 {
			c := class
			if p > i && (class == 3 || class == 7) {
				c = class + 1 // later pieces of a B- word are I-
			}
			enc.IDs = append(enc.IDs, int32(c+16*((p-i)/3)))
			enc.Offsets = append(enc.Offsets, [2]int{p, min(p+3, j)})
			enc.Special = append(enc.Special, false)
			enc.WordIDs = append(enc.WordIDs, word)
		}
		word++
		i = j
	}
	return enc
}

func (f fakeTokenizer) EncodeWindows(text string, maxLen, stride int) []tokenize.Window {
	all := f.all(text)
	n, size := all.Len(), maxLen-2
	var out []tokenize.Window
	for first := 0; ; first += size - stride {
		last := min(first+size, n)
		w := tokenize.Window{First: first, Last: last}
		w.IDs = append([]int32{1001}, append(append([]int32{}, all.IDs[first:last]...), 1002)...)
		w.Offsets = append([][2]int{{0, 0}}, append(append([][2]int{}, all.Offsets[first:last]...), [2]int{0, 0})...)
		w.Special = append([]bool{true}, append(append([]bool{}, all.Special[first:last]...), true)...)
		w.WordIDs = append([]int{-1}, append(append([]int{}, all.WordIDs[first:last]...), -1)...)
		out = append(out, w)
		if last == n {
			return out
		}
	}
}

// fakeClassifier gives logit 5 to the class encoded in each id, 0 to the
// others; specials and padding get O. It records the batches it saw.
type fakeClassifier struct {
	mu      sync.Mutex
	batches []bert.Batch
}

func (c *fakeClassifier) NumLabels() int { return 9 }
func (c *fakeClassifier) Run(b bert.Batch) ([]float32, error) {
	c.mu.Lock()
	c.batches = append(c.batches, b)
	c.mu.Unlock()
	out := make([]float32, b.Size*b.SeqLen*9)
	for i, id := range b.IDs {
		class := 0
		if id < 1000 && b.Mask[i] == 1 {
			class = int(id % 16)
		}
		out[i*9+class] = 5
	}
	return out, nil
}

func newFake(t *testing.T, maxLen, stride, batch int) (*Recognizer, *fakeClassifier) {
	t.Helper()
	c := &fakeClassifier{}
	r, err := NewRecognizer(Config{Tokenizer: fakeTokenizer{}, Classifier: c, Labels: conllLabels(t), MaxLen: maxLen, Stride: stride, BatchSize: batch})
	if err != nil {
		t.Fatal(err)
	}
	return r, c
}

func TestRecognizeShort(t *testing.T) {
	r, _ := newFake(t, 64, 8, 2)
	text := "met Alexandra Smithson at location today"
	got, err := r.Recognize(context.Background(), text, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := math.Exp(5) / (math.Exp(5) + 8)
	assertEntities(t, got, []Entity{{"PERSON", 4, 22, p}, {"LOCATION", 26, 34, p}})
	if text[4:22] != "Alexandra Smithson" {
		t.Fatal("offsets are not byte offsets into the input")
	}
}

// Long text through small windows gives exactly the entities of one big
// window: none lost, none duplicated, including entities that straddle a
// window edge.
func TestRecognizeWindowsMatchSingleWindow(t *testing.T) {
	var sb strings.Builder
	for i := 0; i < 60; i++ {
		sb.WriteString("the patient Maximiliana Oppenheimer visited location")
		sb.WriteString(strings.Repeat(" x", i%5))
		sb.WriteString(" ")
	}
	text := sb.String()
	big, _ := newFake(t, 4096, 1, 1)
	want, err := big.Recognize(context.Background(), text, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 120 {
		t.Fatalf("single window found %d entities, want 120", len(want))
	}
	for _, cfg := range [][3]int{{16, 1, 1}, {16, 5, 3}, {17, 7, 8}, {40, 13, 2}, {512, 128, 8}, {5, 2, 4}} {
		r, c := newFake(t, cfg[0], cfg[1], cfg[2])
		got, err := r.Recognize(context.Background(), text, Options{})
		if err != nil {
			t.Fatal(err)
		}
		assertEntities(t, got, want)
		for _, b := range c.batches {
			if b.SeqLen > cfg[0] || b.Size > cfg[2] {
				t.Fatalf("batch %dx%d exceeds window %d / batch %d", b.Size, b.SeqLen, cfg[0], cfg[2])
			}
		}
	}
}

// gapTokenizer drops one window, as a buggy tokenizer might: the recognizer
// must fail rather than silently lose the text.
type gapTokenizer struct{ fakeTokenizer }

func (g gapTokenizer) EncodeWindows(text string, maxLen, stride int) []tokenize.Window {
	ws := g.fakeTokenizer.EncodeWindows(text, maxLen, stride)
	return append(ws[:1:1], ws[2:]...)
}

func TestRecognizeRefusesGaps(t *testing.T) {
	r, err := NewRecognizer(Config{Tokenizer: gapTokenizer{}, Classifier: &fakeClassifier{}, Labels: conllLabels(t), MaxLen: 8, Stride: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Recognize(context.Background(), strings.Repeat("word ", 40), Options{}); err == nil {
		t.Fatal("a window gap went unnoticed")
	}
}

func TestRecognizeOptions(t *testing.T) {
	r, _ := newFake(t, 64, 8, 2)
	ctx := context.Background()
	text := "Ann went to location"
	got, _ := r.Recognize(ctx, text, Options{Types: map[string]bool{"LOCATION": true}})
	if len(got) != 1 || got[0].Type != "LOCATION" {
		t.Fatalf("type filter: %+v", got)
	}
	got, _ = r.Recognize(ctx, text, Options{Threshold: 0.99})
	if len(got) != 0 {
		t.Fatalf("threshold 0.99 kept %+v", got)
	}
	if _, err := r.Recognize(ctx, text, Options{Aggregation: "bogus"}); err == nil {
		t.Fatal("bad aggregation accepted")
	}
	if _, err := r.Recognize(ctx, "\xff", Options{}); err == nil {
		t.Fatal("invalid UTF-8 accepted")
	}
	if got, err := r.Recognize(ctx, "   ", Options{}); err != nil || len(got) != 0 {
		t.Fatalf("blank text: %v %v", got, err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.Recognize(cctx, text, Options{}); err == nil {
		t.Fatal("cancelled context ignored")
	}
}

func TestRecognizeConcurrent(t *testing.T) {
	r, _ := newFake(t, 10, 3, 2)
	text := strings.Repeat("Bob Dylan at location ", 20)
	want, _ := r.Recognize(context.Background(), text, Options{})
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := r.Recognize(context.Background(), text, Options{})
			if err != nil || len(got) != len(want) {
				t.Errorf("concurrent call: %d entities, %v", len(got), err)
			}
		}()
	}
	wg.Wait()
}

// TestDropMarkOnly: an entity covering only punctuation is dropped, others
// (with a letter or a digit anywhere) stay.
func TestDropMarkOnly(t *testing.T) {
	text := "Dr. Maria Gonzalez. Room 4-B, (c)."
	ents := []Entity{
		{Type: "PERSON", Start: 4, End: 18},  // Maria Gonzalez
		{Type: "PERSON", Start: 18, End: 19}, // "."
		{Type: "LOCATION", Start: 25, End: 28},
		{Type: "MISC", Start: 30, End: 31}, // "("
	}
	got := dropMarkOnly(text, ents)
	if len(got) != 2 || got[0].End != 18 || got[1].Start != 25 {
		t.Fatalf("kept %+v", got)
	}
}
