package weights

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
)

// registryFixture builds a models directory holding two bundles of the
// small test graph, labelled fp32 and int8 (selection reads only the
// manifests, so one graph serves both), a Hugging Face directory pulled to
// org/tiny, and a tokenizer-only download.
func registryFixture(t *testing.T) string {
	t.Helper()
	src, err := Load(smallHFDir(t, smallVocabSize))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	for _, q := range []string{QuantFP32, QuantINT8} {
		if _, err := WriteBundle(src, filepath.Join(root, "tiny-"+q), BundleOptions{ID: "tiny-" + q, Quantization: q}); err != nil {
			t.Fatal(err)
		}
	}
	linkTree(t, src.Dir, filepath.Join(root, "org", "tiny"))
	linkTree(t, testenv.Shared(t, "models", "bert-base-NER-tokenizer"), filepath.Join(root, "dslim", "bert-base-NER"))
	return root
}

func f(v float64) *float64 { return &v }

func selectID(t *testing.T, root, criterion string) string {
	t.Helper()
	r, err := OpenRegistry(root)
	if err != nil {
		t.Fatal(err)
	}
	e, err := r.Select(criterion)
	if err != nil {
		t.Fatal(err)
	}
	return e.ID
}

func TestRegistrySelection(t *testing.T) {
	root := registryFixture(t)
	r, err := OpenRegistry(root)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, e := range r.Entries {
		ids[e.ID] = e.HasGraph
	}
	want := map[string]bool{"tiny-fp32": true, "tiny-int8": true, "org/tiny": true, "dslim/bert-base-NER": false}
	if len(ids) != len(want) {
		t.Fatalf("entries %v, want %v", ids, want)
	}
	for id, g := range want {
		if hg, ok := ids[id]; !ok || hg != g {
			t.Errorf("entry %s: present %v, has graph %v; want graph %v", id, ok, hg, g)
		}
	}

	// No measurements: the documented presumption (fp32 most accurate, int8
	// fastest), bundles before plain directories.
	if got := selectID(t, root, MostAccurate); got != "tiny-fp32" {
		t.Errorf("unmeasured most-accurate = %s", got)
	}
	if got := selectID(t, root, Fastest); got != "tiny-int8" {
		t.Errorf("unmeasured fastest = %s", got)
	}

	// One measurement beats the presumption.
	if err := UpdateMeasured(filepath.Join(root, "tiny-int8"), Measurement{F1: f(0.80)}); err != nil {
		t.Fatal(err)
	}
	if got := selectID(t, root, MostAccurate); got != "tiny-int8" {
		t.Errorf("most-accurate with only int8 measured = %s", got)
	}
	if err := UpdateMeasured(filepath.Join(root, "tiny-fp32"), Measurement{F1: f(0.81), LatencyP95Ms: f(9.5)}); err != nil {
		t.Fatal(err)
	}
	if got := selectID(t, root, MostAccurate); got != "tiny-fp32" {
		t.Errorf("most-accurate 0.81 vs 0.80 = %s", got)
	}
	if got := selectID(t, root, Fastest); got != "tiny-fp32" {
		t.Errorf("fastest with only fp32 timed = %s", got)
	}
	if err := UpdateMeasured(filepath.Join(root, "tiny-int8"), Measurement{LatencyP50Ms: f(3), LatencyP95Ms: f(4.2)}); err != nil {
		t.Fatal(err)
	}
	if got := selectID(t, root, Fastest); got != "tiny-int8" {
		t.Errorf("fastest 4.2 vs 9.5 ms = %s", got)
	}

	// By id, and by relative directory.
	for _, id := range []string{"tiny-int8", "org/tiny"} {
		if got := selectID(t, root, id); got != id {
			t.Errorf("Select(%s) = %s", id, got)
		}
	}
	if _, err := r.Select("nope"); err == nil {
		t.Error("unknown id selected")
	}
	// A tokenizer-only download cannot be a default.
	only := t.TempDir()
	linkTree(t, testenv.Shared(t, "models", "bert-base-NER-tokenizer"), filepath.Join(only, "dslim", "bert-base-NER"))
	ro, err := OpenRegistry(only)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ro.Default(); !errors.Is(err, ErrNoSelectable) {
		t.Errorf("Default over tokenizer-only = %v", err)
	}

	// Resolve on a models directory picks its default, and that loads.
	got, err := Resolve(root)
	if err != nil || got != filepath.Join(root, "tiny-fp32") {
		t.Fatalf("Resolve(registry) = %s, %v", got, err)
	}
	if m, err := Load(got); err != nil || !m.IsBundle {
		t.Fatalf("Load(resolved) = %v", err)
	}
}
