package weights

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestBundleThresholds: per-type thresholds given to WriteBundle come back
// from Load, and a value outside (0, 1] in metadata.json is refused.
func TestBundleThresholds(t *testing.T) {
	src, err := Load(smallHFDir(t, smallVocabSize))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "small")
	want := map[string]float64{"PERSON": 0.6, "MEDICATION": 0.45}
	b, err := WriteBundle(src, out, BundleOptions{ID: "small-thr", Thresholds: want})
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Metadata.Thresholds; len(got) != len(want) || got["PERSON"] != 0.6 || got["MEDICATION"] != 0.45 {
		t.Fatalf("thresholds after load = %v, want %v", got, want)
	}
	plain := filepath.Join(t.TempDir(), "plain")
	if p, err := WriteBundle(src, plain, BundleOptions{ID: "small-plain"}); err != nil || p.Metadata.Thresholds != nil {
		t.Fatalf("bundle without thresholds: %v, thresholds %v", err, p.Metadata.Thresholds)
	}
	for _, bad := range []float64{0, -0.1, 1.5} {
		dir := filepath.Join(t.TempDir(), "b")
		linkTree(t, out, dir)
		editJSON(t, filepath.Join(dir, "metadata.json"), func(m map[string]any) {
			m["thresholds"] = map[string]any{"PERSON": bad}
		})
		if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "threshold") {
			t.Errorf("threshold %v: Load = %v, want an error naming the threshold", bad, err)
		}
	}
}

// TestRebundleKeepsPrivacy: re-bundling a bundle (as bundle --int8 does)
// keeps its thresholds and its inference noise (ε, sensitivity, layer)
// unless new ones are given.
func TestRebundleKeepsPrivacy(t *testing.T) {
	src, err := Load(smallHFDir(t, smallVocabSize))
	if err != nil {
		t.Fatal(err)
	}
	eps := 2.0
	noisy := filepath.Join(t.TempDir(), "noisy")
	thr := map[string]float64{"PERSON": 0.6}
	priv := &Privacy{Epsilon: &eps, Sensitivity: DefaultSensitivity, NoiseLayer: NoiseLayerLogits, Mechanism: "laplace"}
	if _, err := WriteBundle(src, noisy, BundleOptions{ID: "noisy", Privacy: priv, Thresholds: thr}); err != nil {
		t.Fatal(err)
	}
	b, err := Load(noisy)
	if err != nil {
		t.Fatal(err)
	}
	again, err := WriteBundle(b, filepath.Join(t.TempDir(), "again"), BundleOptions{ID: "noisy-int8"})
	if err != nil {
		t.Fatal(err)
	}
	if e := again.Metadata.Privacy.Epsilon; e == nil || *e != eps || again.Metadata.Thresholds["PERSON"] != 0.6 {
		t.Fatalf("re-bundled privacy %+v (ε %v), thresholds %v; want ε %g and the source's thresholds", again.Metadata.Privacy, e, again.Metadata.Thresholds, eps)
	}
	other := 4.0
	over, err := WriteBundle(b, filepath.Join(t.TempDir(), "over"), BundleOptions{ID: "over", Privacy: &Privacy{Epsilon: &other, Sensitivity: DefaultSensitivity, NoiseLayer: NoiseLayerLogits, Mechanism: "laplace"}})
	if err != nil {
		t.Fatal(err)
	}
	if e := over.Metadata.Privacy.Epsilon; e == nil || *e != other {
		t.Fatalf("a given ε was not used: %v", e)
	}
}
