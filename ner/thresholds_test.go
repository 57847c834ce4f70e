package ner

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/obscura-ai/obscura/weights"
)

// TestRecognizePerTypeThresholds: the fake classifier scores every entity
// about 0.95. A deployment threshold of 0.99 for PERSON drops PERSON and
// keeps LOCATION; a request's single threshold replaces the per-type ones;
// a request's per-type threshold overrides its type only.
func TestRecognizePerTypeThresholds(t *testing.T) {
	cfg := Config{Tokenizer: fakeTokenizer{}, Classifier: &fakeClassifier{}, Labels: conllLabels(t), MaxLen: 64, Stride: 8,
		Thresholds: map[string]float64{"PERSON": 0.99}}
	r, err := NewRecognizer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	text := "Ann went to location"
	types := func(o Options) map[string]int {
		t.Helper()
		got, err := r.Recognize(ctx, text, o)
		if err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, e := range got {
			n[e.Type]++
		}
		return n
	}
	if n := types(Options{}); n["PERSON"] != 0 || n["LOCATION"] != 1 {
		t.Errorf("per-type 0.99 for PERSON: %v", n)
	}
	if n := types(Options{Threshold: 0.5}); n["PERSON"] != 1 || n["LOCATION"] != 1 {
		t.Errorf("request threshold 0.5 should replace the per-type ones: %v", n)
	}
	if n := types(Options{Thresholds: map[string]float64{"LOCATION": 0.99, "PERSON": 0.5}}); n["PERSON"] != 1 || n["LOCATION"] != 0 {
		t.Errorf("request per-type thresholds: %v", n)
	}
	for _, bad := range []float64{0, 1.01, -1} {
		if _, err := r.Recognize(ctx, text, Options{Thresholds: map[string]float64{"PERSON": bad}}); err == nil {
			t.Errorf("request per-type threshold %v accepted", bad)
		}
		c := cfg
		c.Thresholds = map[string]float64{"PERSON": bad}
		if _, err := NewRecognizer(c); err == nil {
			t.Errorf("config per-type threshold %v accepted", bad)
		}
	}
}

// TestLoadBundleThresholds writes the shared CoNLL model as a bundle whose
// metadata.json holds per-type thresholds (one keyed by the model's tag,
// one by type) and checks that Load hands them to the decoder under the
// mapped type names, and that an operator's single threshold replaces them.
func TestLoadBundleThresholds(t *testing.T) {
	src := filepath.Join("..", "..", "shared", "models", "obscura-minilm-conll")
	if _, err := os.Stat(src); err != nil {
		t.Skip("shared CoNLL model not present (../shared/models/obscura-minilm-conll)")
	}
	wm, err := weights.Load(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "b")
	if _, err := weights.WriteBundle(wm, dir, weights.BundleOptions{ID: "thr", Thresholds: map[string]float64{"PER": 0.6, "LOCATION": 0.7}}); err != nil {
		t.Fatal(err)
	}
	r, _, err := Load(dir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if th := r.cfg.Thresholds; len(th) != 2 || th["PERSON"] != 0.6 || th["LOCATION"] != 0.7 {
		t.Errorf("loaded per-type thresholds = %v, want PERSON 0.6 LOCATION 0.7", th)
	}
	// The tuned thresholds change what the model reports: at 0.6 for PERSON
	// a name the model scores between 0.6 and the schema's 0.85 is kept.
	text := "Yesterday Anna Karenina met Dr. Oblonsky in Moscow."
	got, err := r.Recognize(context.Background(), text, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range got {
		if th := r.cfg.Thresholds[e.Type]; th > 0 && e.Score < th {
			t.Errorf("%s scored %.3f kept under per-type threshold %.2f", e.Type, e.Score, th)
		}
	}
	r, _, err = Load(dir, LoadOptions{Threshold: 0.9, Thresholds: map[string]float64{"MISC": 0.95}})
	if err != nil {
		t.Fatal(err)
	}
	if th := r.cfg.Thresholds; len(th) != 1 || th["MISC"] != 0.95 || r.cfg.Threshold != 0.9 {
		t.Errorf("operator threshold: per-type %v, threshold %v", th, r.cfg.Threshold)
	}
}
