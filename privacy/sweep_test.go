package privacy

import (
	"bytes"
	"context"
	"math"
	"reflect"
	"sync"
	"testing"

	"github.com/obscura-ai/obscura/eval"
	"github.com/obscura-ai/obscura/eval/synth"
	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/ner"
	"github.com/obscura-ai/obscura/redact"
)

// subsetSize keeps the model tests fast: the model runs once per sentence.
const subsetSize = 60

var (
	loadOnce sync.Once
	shared   *Model
	valid    []eval.Example
	loadErr  error
)

// baseline loads the baseline model and the first sentences of CoNLL-2003
// valid once for the package's tests.
func baseline(t *testing.T) (*Model, []eval.Example) {
	t.Helper()
	dir := testenv.Shared(t, "models", "obscura-minilm-conll")
	data := testenv.Shared(t, "data", "conll2003", "valid.txt")
	loadOnce.Do(func() {
		shared, loadErr = Load(dir, LoadOptions{})
		if loadErr != nil {
			return
		}
		valid, loadErr = eval.LoadFile(data, eval.FormatCoNLL)
		if len(valid) > subsetSize {
			valid = valid[:subsetSize]
		}
	})
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return shared, valid
}

// The cached, noise-free path must score exactly as eval does with the
// service's recogniser (ner.Load, aggregation first), which is how
// `obscura eval` made its committed reports.
func TestNoiseFreeMatchesEval(t *testing.T) {
	m, exs := baseline(t)
	rec, _, err := ner.Load(testenv.Shared(t, "models", "obscura-minilm-conll"), ner.LoadOptions{Aggregation: ner.AggFirst})
	if err != nil {
		t.Fatal(err)
	}
	plain := eval.DetectorFunc(func(ctx context.Context, text string) ([]eval.Entity, error) {
		ents, err := rec.Recognize(ctx, text, ner.Options{})
		out := make([]eval.Entity, len(ents))
		for i, e := range ents {
			out[i] = eval.Entity{Type: e.Type, Start: e.Start, End: e.End}
		}
		return out, err
	})
	want, err := eval.Evaluate(context.Background(), plain, exs, eval.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := m.Classifier.Counts()
	rep, err := Sweep(context.Background(), m, []Dataset{{Name: "valid", Examples: exs}}, SweepOptions{Epsilons: []Eps{1, 2}, Seeds: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rep.Datasets[0].NoiseFree, want.Scores) {
		t.Fatalf("noise-free scores differ from eval's:\n got %+v\nwant %+v", rep.Datasets[0].NoiseFree.Macro, want.Scores.Macro)
	}
	// The model runs at most once per sentence, whatever the number of
	// (ε, seed) runs; a second sweep runs it not at all.
	after, _ := m.Classifier.Counts()
	if after-before > len(exs) {
		t.Errorf("the model ran %d times for %d sentences", after-before, len(exs))
	}
	if _, err := Sweep(context.Background(), m, []Dataset{{Name: "valid", Examples: exs}}, SweepOptions{Epsilons: []Eps{0.5}, Seeds: 2}); err != nil {
		t.Fatal(err)
	}
	if again, _ := m.Classifier.Counts(); again != after {
		t.Errorf("a second sweep ran the model %d more times", again-after)
	}
}

// The same seeds give the same sweep numbers exactly; other seeds give
// other numbers (so the check can fail).
func TestSweepReproducible(t *testing.T) {
	m, exs := baseline(t)
	o := SweepOptions{Epsilons: []Eps{0.5, 2}, Seeds: 2, Seed: 7, Workers: 2}
	run := func(o SweepOptions) *SweepReport {
		rep, err := Sweep(context.Background(), m, []Dataset{{Name: "valid", Examples: exs}}, o)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	a, b := run(o), run(o)
	if !reflect.DeepEqual(a.Datasets, b.Datasets) {
		t.Fatal("two sweeps with the same seeds differ")
	}
	o.Seed = 8
	o.Workers = 1
	c := run(o)
	pa, _ := a.Datasets[0].Point(0.5)
	pc, _ := c.Datasets[0].Point(0.5)
	if reflect.DeepEqual(pa.MacroF1Runs, pc.MacroF1Runs) {
		t.Error("different seeds gave identical runs at ε = 0.5")
	}
	// Seed 8 is run 1 of the first sweep and run 0 of the third.
	if pa.MacroF1Runs[1] != pc.MacroF1Runs[0] {
		t.Errorf("seed 8 gave %v in one sweep and %v in another", pa.MacroF1Runs[1], pc.MacroF1Runs[0])
	}
	// At ε = 0.5 the noise scale is 2 logits: it must cost F1.
	free := a.Datasets[0].NoiseFree.Macro.F1
	if !(pa.MacroF1.Mean < free) {
		t.Errorf("macro F1 at ε=0.5 is %.3f, noise-free %.3f: noise had no effect", pa.MacroF1.Mean, free)
	}
	if math.IsNaN(pa.MacroF1.Std) {
		t.Error("NaN spread")
	}
}

// The pipeline method's noise-free point equals eval's score of the
// redaction engine around the service's recogniser, on synthetic data rich
// in regex types.
func TestPipelineNoiseFreeMatchesEval(t *testing.T) {
	m, _ := baseline(t)
	samples, err := synth.Generate(synth.Enterprise, 1, 40)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := synth.WriteJSONL(&buf, samples); err != nil {
		t.Fatal(err)
	}
	exs, err := eval.ReadJSONL(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rec, _, err := ner.Load(testenv.Shared(t, "models", "obscura-minilm-conll"), ner.LoadOptions{Aggregation: ner.AggFirst})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := redact.NewEngine(redact.Config{Recognizer: rec})
	if err != nil {
		t.Fatal(err)
	}
	plain := eval.DetectorFunc(func(ctx context.Context, text string) ([]eval.Entity, error) {
		res, err := eng.Redact(ctx, text, redact.Options{})
		if err != nil {
			return nil, err
		}
		out := make([]eval.Entity, len(res.Entities))
		for i, e := range res.Entities {
			out[i] = eval.Entity{Type: e.Type, Start: e.Start, End: e.End}
		}
		return out, nil
	})
	want, err := eval.Evaluate(context.Background(), plain, exs, eval.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Sweep(context.Background(), m, []Dataset{{Name: "enterprise", Examples: exs}}, SweepOptions{Method: MethodPipeline, Epsilons: []Eps{1}, Seeds: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rep.Datasets[0].NoiseFree, want.Scores) {
		t.Fatalf("pipeline noise-free scores differ from eval's: got %+v want %+v", rep.Datasets[0].NoiseFree.Macro, want.Scores.Macro)
	}
	if rep.Method != MethodPipeline || rep.Stem() != m.Name+"_pipeline" {
		t.Errorf("method %q stem %q", rep.Method, rep.Stem())
	}
}
