package privacy

import (
	"testing"

	"github.com/obscura-ai/obscura/eval"
)

func sweepOf(name string, free float64, f1 map[Eps]float64) DatasetSweep {
	d := DatasetSweep{Name: name, NoiseFree: eval.Scores{Macro: eval.PRF{F1: free}}}
	for e, v := range f1 {
		d.Points = append(d.Points, Point{Epsilon: e, MacroF1: Stat{Mean: v, N: 5}})
	}
	d.Points = append(d.Points, Point{Epsilon: Inf, MacroF1: Stat{Mean: free, N: 1}})
	return d
}

func TestChooseOperatingPoint(t *testing.T) {
	a := sweepOf("a", 0.90, map[Eps]float64{0.1: 0.10, 0.5: 0.80, 1: 0.875, 2: 0.89, 5: 0.90})
	// Within 3 points on a alone: ε = 1 (drop 2.5 pt); 0.5 drops 10.
	if op := ChooseOperatingPoint([]DatasetSweep{a}, DefaultMaxDrop); !op.Found || op.Epsilon != 1 {
		t.Fatalf("chose %+v, want ε = 1", op)
	}
	// A drop of exactly 3 points is within the tolerance.
	exact := sweepOf("exact", 0.50, map[Eps]float64{0.5: 0.47, 1: 0.49})
	if op := ChooseOperatingPoint([]DatasetSweep{exact}, DefaultMaxDrop); op.Epsilon != 0.5 {
		t.Errorf("a drop of exactly 3 pt: chose ε = %s, want 0.5", op.Epsilon)
	}
	// Every data set must pass: b drops 4 points at ε = 1, so ε = 2.
	b := sweepOf("b", 0.60, map[Eps]float64{0.1: 0.0, 0.5: 0.3, 1: 0.56, 2: 0.59, 5: 0.60})
	op := ChooseOperatingPoint([]DatasetSweep{a, b}, DefaultMaxDrop)
	if op.Epsilon != 2 {
		t.Fatalf("chose ε = %s, want 2", op.Epsilon)
	}
	if d := op.Drops["b"]; d < 0.0099 || d > 0.0101 {
		t.Errorf("drop on b = %v, want 0.01", d)
	}
	// None within the tolerance: not found, ∞.
	c := sweepOf("c", 0.9, map[Eps]float64{1: 0.5, 10: 0.8})
	if op := ChooseOperatingPoint([]DatasetSweep{c}, DefaultMaxDrop); op.Found || !op.Epsilon.IsInf() {
		t.Errorf("chose %+v, want none", op)
	}
}

func TestParseEpsilons(t *testing.T) {
	got, err := ParseEpsilons("inf,10,0.5,1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[0] != 0.5 || got[2] != 10 || !got[3].IsInf() {
		t.Errorf("got %v", got)
	}
	for _, bad := range []string{"0", "-1", "x", ""} {
		if _, err := ParseEpsilons(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
