package eval

import (
	"context"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/ner"
)

// TestTuneThresholds tunes the CoNLL model's thresholds on 150 validation
// sentences: every chosen threshold is on the grid, each type's tuned F1 is
// at least its F1 at the default threshold (which is on the grid), and
// re-scoring at the chosen threshold with the decoder itself reproduces the
// tuned F1.
func TestTuneThresholds(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dir := testenv.Shared(t, "models", "obscura-minilm-conll")
	exs, err := LoadFile(testenv.Shared(t, "data", "conll2003", "valid.txt"), FormatCoNLL)
	if err != nil {
		t.Fatal(err)
	}
	exs = exs[:150]
	// A gold type the model cannot produce (the regex layer's) is skipped.
	exs = append(exs, SpanExample("ssn", "SSN 123-45-6789 on file", []Entity{{Type: "SSN", Start: 4, End: 15}}))
	rec, wm, err := ner.Load(dir, ner.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := TuneThresholds(context.Background(), rec, exs, nil, wm.Schema.ConfidenceThreshold)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 4 {
		t.Fatalf("tuned %d types, want the 4 CoNLL types", len(res))
	}
	onGrid := map[float64]bool{}
	for _, g := range DefaultThresholdGrid {
		onGrid[g] = true
	}
	for _, r := range res {
		if !onGrid[r.Threshold] || r.F1 < r.DefaultF1 || r.Gold == 0 {
			t.Errorf("%+v", r)
		}
		// The decoder at that threshold, scored by Evaluate.
		det := DetectorFunc(func(ctx context.Context, text string) ([]Entity, error) {
			ents, err := rec.Recognize(ctx, text, ner.Options{Threshold: r.Threshold})
			var out []Entity
			for _, e := range ents {
				out = append(out, Entity{Type: e.Type, Start: e.Start, End: e.End})
			}
			return out, err
		})
		o, err := Evaluate(context.Background(), det, exs, RunOptions{Types: []string{r.Type}})
		if err != nil {
			t.Fatal(err)
		}
		ts, _ := o.Scores.Type(r.Type)
		if d := ts.F1 - r.F1; d > 1e-9 || d < -1e-9 {
			t.Errorf("%s at %.2f: Evaluate gives F1 %.4f, the tuner %.4f", r.Type, r.Threshold, ts.F1, r.F1)
		}
		t.Logf("%s: threshold %.2f F1 %.4f (default %.4f)", r.Type, r.Threshold, r.F1, r.DefaultF1)
	}
}
