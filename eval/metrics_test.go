package eval

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// scoreTol is the tolerance for comparing hand-computed fractions.
const scoreTol = 1e-12

func tags(s string) []string { return strings.Fields(s) }

func TestChunksConllevalRules(t *testing.T) {
	cases := []struct {
		name string
		tags string
		want []Chunk
	}{
		{"IOB2 basic", "B-PER I-PER O B-LOC", []Chunk{{"PER", 0, 2}, {"LOC", 3, 4}}},
		// IOB1: an I- after O starts a chunk.
		{"I after O starts a chunk", "O I-PER I-PER O", []Chunk{{"PER", 1, 3}}},
		{"I at sentence start", "I-ORG O", []Chunk{{"ORG", 0, 1}}},
		// A B- of the same type splits two adjacent chunks.
		{"B splits same type", "I-PER I-PER B-PER I-PER", []Chunk{{"PER", 0, 2}, {"PER", 2, 4}}},
		{"B after B", "B-PER B-PER", []Chunk{{"PER", 0, 1}, {"PER", 1, 2}}},
		// A change of type ends the chunk and starts another, B- or not.
		{"type change on I", "B-PER I-LOC I-LOC", []Chunk{{"PER", 0, 1}, {"LOC", 1, 3}}},
		{"type change I to I", "I-ORG I-MISC", []Chunk{{"ORG", 0, 1}, {"MISC", 1, 2}}},
		{"chunk at end", "O O B-MISC", []Chunk{{"MISC", 2, 3}}},
		{"all O", "O O O", nil},
		{"empty", "", nil},
		// IOBES: E and S close chunks.
		{"IOBES", "S-PER B-LOC E-LOC E-LOC", []Chunk{{"PER", 0, 1}, {"LOC", 1, 3}, {"LOC", 3, 4}}},
		// Types may contain dashes; only the first one separates the prefix.
		{"dashed type", "B-US-SSN I-US-SSN", []Chunk{{"US-SSN", 0, 2}}},
	}
	for _, c := range cases {
		got := Chunks(tags(c.tags))
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: Chunks(%q) = %v, want %v", c.name, c.tags, got, c.want)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= scoreTol }

// TestScoresSeqevalExample reproduces the example of seqeval's README:
// y_true = [[O O O B-MISC I-MISC I-MISC O] [B-PER I-PER O]]
// y_pred = [[O O B-MISC I-MISC I-MISC I-MISC O] [B-PER I-PER O]]
// whose classification_report gives MISC 0/0/0 (support 1), PER 1/1/1
// (support 1), micro 0.50/0.50/0.50 and macro 0.50/0.50/0.50.
func TestScoresSeqevalExample(t *testing.T) {
	var s Scorer
	if err := s.Add(tags("O O O B-MISC I-MISC I-MISC O"), tags("O O B-MISC I-MISC I-MISC I-MISC O")); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(tags("B-PER I-PER O"), tags("B-PER I-PER O")); err != nil {
		t.Fatal(err)
	}
	r := s.Scores()
	misc, _ := r.Type("MISC")
	per, _ := r.Type("PER")
	if misc.F1 != 0 || misc.Gold != 1 || misc.Pred != 1 || per.F1 != 1 {
		t.Fatalf("per-type rows wrong: %+v %+v", misc, per)
	}
	if !near(r.Micro.F1, 0.5) || !near(r.Macro.F1, 0.5) || !near(r.Micro.Precision, 0.5) || !near(r.Micro.Recall, 0.5) {
		t.Fatalf("averages wrong: micro %+v macro %+v", r.Micro, r.Macro)
	}
}

// TestScoresHandComputed: gold has PER×3, LOC×2, ORG×1; predictions get PER 2
// of 3 with one spurious PER, LOC 1 of 2 (the other has a wrong boundary),
// miss ORG and invent a MISC.
//
//	PER  tp 2 pred 3 gold 3: P 2/3 R 2/3 F 2/3
//	LOC  tp 1 pred 2 gold 2: P 1/2 R 1/2 F 1/2
//	ORG  tp 0 pred 0 gold 1: P 0   R 0   F 0
//	MISC tp 0 pred 1 gold 0: P 0   R 0   F 0
//	micro tp 3 pred 6 gold 6: P R F 1/2
//	macro P (2/3+1/2)/4 = 7/24, R 7/24, F 7/24
func TestScoresHandComputed(t *testing.T) {
	var s Scorer
	pairs := [][2]string{
		{"B-PER I-PER O B-LOC O", "B-PER I-PER O B-LOC O"},
		{"B-PER O B-LOC I-LOC O B-ORG", "B-PER O B-LOC O O O"},
		{"O B-PER O O", "B-PER O O B-MISC"},
		{"O O", "O O"},
	}
	for _, p := range pairs {
		if err := s.Add(tags(p[0]), tags(p[1])); err != nil {
			t.Fatal(err)
		}
	}
	r := s.Scores()
	want := map[string][4]float64{ // P R F gold
		"PER": {2. / 3, 2. / 3, 2. / 3, 3}, "LOC": {0.5, 0.5, 0.5, 2}, "ORG": {0, 0, 0, 1}, "MISC": {0, 0, 0, 0},
	}
	if len(r.Types) != len(want) {
		t.Fatalf("%d rows, want %d", len(r.Types), len(want))
	}
	for typ, w := range want {
		got, ok := r.Type(typ)
		if !ok || !near(got.Precision, w[0]) || !near(got.Recall, w[1]) || !near(got.F1, w[2]) || got.Gold != int(w[3]) {
			t.Errorf("%s: got %+v, want P/R/F/support %v", typ, got, w)
		}
	}
	if !near(r.Micro.F1, 0.5) || !near(r.Micro.Precision, 0.5) || !near(r.Micro.Recall, 0.5) {
		t.Errorf("micro %+v, want 0.5 each", r.Micro)
	}
	if !near(r.Macro.Precision, 7./24) || !near(r.Macro.Recall, 7./24) || !near(r.Macro.F1, 7./24) {
		t.Errorf("macro %+v, want 7/24 each", r.Macro)
	}
}

// TestIOB1AgainstIOB2: the same entities written in IOB1 and IOB2 score as a
// perfect match under conlleval's rules.
func TestIOB1AgainstIOB2(t *testing.T) {
	var s Scorer
	iob1 := "I-PER I-PER B-PER O I-LOC I-ORG"
	iob2 := "B-PER I-PER B-PER O B-LOC B-ORG"
	if err := s.Add(tags(iob2), tags(iob1)); err != nil {
		t.Fatal(err)
	}
	if r := s.Scores(); r.Micro.F1 != 1 {
		t.Fatalf("IOB1 vs IOB2 micro F1 = %v, want 1", r.Micro.F1)
	}
	if err := s.Add(tags("O"), tags("O O")); err == nil {
		t.Fatal("length mismatch not reported")
	}
}
