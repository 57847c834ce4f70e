package ner

import (
	"math"
	"reflect"
	"testing"
)

// probTol bounds float rounding in probability comparisons.
const probTol = 1e-12

var conll = []string{"O", "B-MISC", "I-MISC", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"}

func conllLabels(t *testing.T) *Labels {
	t.Helper()
	l, err := NewLabels(conll, nil)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// onehot returns a distribution with p on class c and the rest spread evenly.
func onehot(c int, p float64) []float64 {
	out := make([]float64, len(conll))
	for i := range out {
		out[i] = (1 - p) / float64(len(conll)-1)
	}
	out[c] = p
	return out
}

func idx(name string) int {
	for i, n := range conll {
		if n == name {
			return i
		}
	}
	panic(name)
}

func TestSoftmax(t *testing.T) {
	out := make([]float64, 3)
	Softmax([]float32{1000, 1000, 1000}, out) // must not overflow
	for _, p := range out {
		if math.Abs(p-1.0/3) > probTol {
			t.Fatalf("softmax of equal logits = %v", out)
		}
	}
	Softmax([]float32{0, float32(math.Log(3))}, out[:2])
	if math.Abs(out[0]-0.25) > 1e-7 || math.Abs(out[1]-0.75) > 1e-7 {
		t.Fatalf("softmax(0, ln 3) = %v, want 0.25 0.75", out[:2])
	}
}

func TestParseLabelAndTypes(t *testing.T) {
	l := conllLabels(t)
	if got := l.Types(); !reflect.DeepEqual(got, []string{"MISC", "PERSON", "ORGANIZATION", "LOCATION"}) {
		t.Fatalf("types %v", got)
	}
	custom, err := NewLabels([]string{"O", "B-DRUG", "I-DRUG"}, map[string]string{"DRUG": "MEDICATION"})
	if err != nil {
		t.Fatal(err)
	}
	if custom.Type("DRUG") != "MEDICATION" || custom.Type("xyz") != "XYZ" {
		t.Fatal("custom type map not applied")
	}
	if _, err := NewLabels([]string{"B-PER"}, nil); err == nil {
		t.Fatal("label set without O accepted")
	}
	if _, err := LabelsFromID2Label(map[string]string{"0": "O", "2": "B-PER"}, nil); err == nil {
		t.Fatal("id2label with a gap accepted")
	}
	ls, err := LabelsFromID2Label(map[string]string{"1": "B-PER", "0": "O"}, nil)
	if err != nil || ls.Class(1).Tag != "PER" {
		t.Fatalf("id2label: %v", err)
	}
}

// toks builds tokens from (start, end, subword) triples.
func toks(spec ...[3]int) []Token {
	out := make([]Token, len(spec))
	for i, s := range spec {
		out[i] = Token{Start: s[0], End: s[1], Subword: s[2] == 1}
	}
	return out
}

func TestDecodeSimpleGroupsAndRepairs(t *testing.T) {
	l := conllLabels(t)
	// "John Smith met Acme in Paris": B-PER I-PER O I-ORG(no B: repaired) O B-LOC
	tokens := toks([3]int{0, 4, 0}, [3]int{5, 10, 0}, [3]int{11, 14, 0}, [3]int{15, 19, 0}, [3]int{20, 22, 0}, [3]int{23, 28, 0})
	probs := [][]float64{onehot(idx("B-PER"), 0.99), onehot(idx("I-PER"), 0.97), onehot(0, 0.99),
		onehot(idx("I-ORG"), 0.9), onehot(0, 0.99), onehot(idx("B-LOC"), 0.95)}
	got, err := Decode(tokens, probs, l, DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Entity{{"PERSON", 0, 10, 0.98}, {"ORGANIZATION", 15, 19, 0.9}, {"LOCATION", 23, 28, 0.95}}
	assertEntities(t, got, want)
}

func TestDecodeBStartsNewEntity(t *testing.T) {
	l := conllLabels(t)
	// B-PER B-PER: two people side by side; I-LOC after B-PER: a new LOCATION.
	tokens := toks([3]int{0, 3, 0}, [3]int{4, 7, 0}, [3]int{8, 11, 0})
	probs := [][]float64{onehot(idx("B-PER"), 0.9), onehot(idx("B-PER"), 0.9), onehot(idx("I-LOC"), 0.9)}
	got, err := Decode(tokens, probs, l, DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertEntities(t, got, []Entity{{"PERSON", 0, 3, 0.9}, {"PERSON", 4, 7, 0.9}, {"LOCATION", 8, 11, 0.9}})
}

func TestDecodeThresholds(t *testing.T) {
	l := conllLabels(t)
	tokens := toks([3]int{0, 4, 0}, [3]int{5, 9, 0}, [3]int{10, 14, 0})
	probs := [][]float64{onehot(idx("B-PER"), 0.80), onehot(0, 0.9), onehot(idx("B-LOC"), 0.86)}
	got, _ := Decode(tokens, probs, l, DecodeOptions{}) // default 0.85
	assertEntities(t, got, []Entity{{"LOCATION", 10, 14, 0.86}})
	got, _ = Decode(tokens, probs, l, DecodeOptions{Threshold: 0.5})
	assertEntities(t, got, []Entity{{"PERSON", 0, 4, 0.80}, {"LOCATION", 10, 14, 0.86}})
	got, _ = Decode(tokens, probs, l, DecodeOptions{Threshold: 0.5, Thresholds: map[string]float64{"LOCATION": 0.9}})
	assertEntities(t, got, []Entity{{"PERSON", 0, 4, 0.80}})
	got, _ = Decode(tokens, probs, l, DecodeOptions{Threshold: 0.5, Types: map[string]bool{"PERSON": true}})
	assertEntities(t, got, []Entity{{"PERSON", 0, 4, 0.80}})
}

// A word "Washington" split into wash ##ing ##ton, with disagreeing pieces,
// decoded with each strategy. Expected values follow Hugging Face's
// aggregate_word rules.
func TestDecodeWordAggregation(t *testing.T) {
	l := conllLabels(t)
	tokens := toks([3]int{0, 4, 0}, [3]int{4, 7, 1}, [3]int{7, 10, 1}, [3]int{11, 15, 0})
	probs := [][]float64{
		onehot(idx("B-LOC"), 0.5),
		onehot(idx("B-PER"), 0.95),
		onehot(idx("B-PER"), 0.9),
		onehot(0, 0.99),
	}
	cases := []struct {
		agg  Aggregation
		want []Entity
	}{
		// none: every non-O token alone.
		{AggNone, []Entity{{"LOCATION", 0, 4, 0.5}, {"PERSON", 4, 7, 0.95}, {"PERSON", 7, 10, 0.9}}},
		// simple: B-LOC, B-PER, B-PER: three entities (each B starts one).
		{AggSimple, []Entity{{"LOCATION", 0, 4, 0.5}, {"PERSON", 4, 7, 0.95}, {"PERSON", 7, 10, 0.9}}},
		// first: the word takes wash's B-LOC with 0.5.
		{AggFirst, []Entity{{"LOCATION", 0, 10, 0.5}}},
		// max: ##ing is the most confident piece.
		{AggMax, []Entity{{"PERSON", 0, 10, 0.95}}},
		// average: mean of the three vectors; B-PER averages (0.0625+0.95+0.9)/3.
		{AggAverage, []Entity{{"PERSON", 0, 10, (0.0625 + 0.95 + 0.9) / 3}}},
	}
	for _, c := range cases {
		got, err := Decode(tokens, probs, l, DecodeOptions{Aggregation: c.agg, Threshold: 0.4})
		if err != nil {
			t.Fatal(err)
		}
		t.Run(string(c.agg), func(t *testing.T) { assertEntities(t, got, c.want) })
	}
	if _, err := Decode(tokens, probs, l, DecodeOptions{Aggregation: "mean"}); err == nil {
		t.Fatal("unknown aggregation accepted")
	}
}

func TestDecodeShapeErrors(t *testing.T) {
	l := conllLabels(t)
	if _, err := Decode(toks([3]int{0, 1, 0}), nil, l, DecodeOptions{}); err == nil {
		t.Fatal("missing rows accepted")
	}
	if _, err := Decode(toks([3]int{0, 1, 0}), [][]float64{{1}}, l, DecodeOptions{}); err == nil {
		t.Fatal("short row accepted")
	}
}

func assertEntities(t *testing.T, got, want []Entity) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d entities %+v, want %+v", len(got), got, want)
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Type != w.Type || g.Start != w.Start || g.End != w.End || math.Abs(g.Score-w.Score) > probTol {
			t.Fatalf("entity %d = %+v, want %+v", i, g, w)
		}
	}
}
