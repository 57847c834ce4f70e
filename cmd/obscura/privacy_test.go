package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/ner"
	"github.com/obscura-ai/obscura/privacy"
	"github.com/obscura-ai/obscura/weights"
)

// The sweep command writes its report and the plots (PNG and SVG) on a
// small slice of CoNLL-2003 valid.
func TestPrivacySweepCommand(t *testing.T) {
	src := testenv.Shared(t, "models", "obscura-minilm-conll")
	data := testenv.Shared(t, "data", "conll2003", "valid.txt")
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	args := []string{"privacy", "sweep", "--model", src, "--data", "valid=" + data, "--limit", "25", "--seeds", "2", "--epsilons", "0.5,2,inf", "--out", dir}
	if err := run(context.Background(), args, nil, &out, &errOut); err != nil {
		t.Fatalf("privacy sweep: %v\n%s", err, errOut.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, "obscura-minilm-conll_sweep.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep privacy.SweepReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	d, ok := rep.Dataset("valid")
	if !ok || d.Examples != 25 || len(d.Points) != 3 {
		t.Fatalf("report: %+v", rep.Datasets)
	}
	if p, _ := d.Point(0.5); len(p.MacroF1Runs) != 2 {
		t.Errorf("ε=0.5 has %d runs, want 2", len(p.MacroF1Runs))
	}
	for _, f := range []string{"obscura-minilm-conll_f1_vs_epsilon", "obscura-minilm-conll_per_entity_valid"} {
		for _, ext := range []string{".png", ".svg"} {
			if st, err := os.Stat(filepath.Join(dir, f+ext)); err != nil || st.Size() == 0 {
				t.Errorf("plot %s%s: %v", f, ext, err)
			}
		}
	}
	if bytes.Contains(b, []byte("EU rejects")) {
		t.Error("the report contains input text")
	}
}

// bundle --epsilon records a given ε, or with auto the sweep report's
// operating point, with sensitivity 1 at the logits; the service then
// loads that ε as its deployment noise.
func TestBundleEpsilon(t *testing.T) {
	src := testenv.Shared(t, "models", "obscura-minilm-conll")
	tmp := t.TempDir()
	report := filepath.Join(tmp, "sweep.json")
	rep := privacy.SweepReport{
		Kind: "privacy-sweep", Model: "obscura-minilm-conll", Method: privacy.MethodEntities, Sensitivity: ner.Sensitivity, NoiseLayer: ner.NoiseLayer,
		Operating: privacy.OperatingPoint{Found: true, Epsilon: 5, MaxDrop: privacy.DefaultMaxDrop},
	}
	b, _ := json.Marshal(rep)
	if err := os.WriteFile(report, b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		want float64
	}{
		{"value", []string{"--epsilon", "2"}, 2},
		{"auto", []string{"--epsilon", "auto", "--privacy-report", report}, 5},
	} {
		out := filepath.Join(tmp, c.name)
		var so, se bytes.Buffer
		args := append([]string{"bundle", "--model", src, "--out", out}, c.args...)
		if err := run(context.Background(), args, nil, &so, &se); err != nil {
			t.Fatalf("%s: %v\n%s", c.name, err, se.String())
		}
		m, err := weights.Load(out)
		if err != nil {
			t.Fatal(err)
		}
		p := m.Metadata.Privacy
		if p.Epsilon == nil || *p.Epsilon != c.want || p.Sensitivity != 1 || p.NoiseLayer != "logits" || p.Mechanism != "laplace" {
			t.Errorf("%s: metadata privacy %+v, want ε %v", c.name, p, c.want)
		}
		if c.name == "auto" {
			rec, _, err := ner.Load(out, ner.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if e := rec.Epsilon(0); e != c.want {
				t.Errorf("service loads ε %v from the bundle, want %v", e, c.want)
			}
		}
	}
	rep.Model = "another-model"
	b, _ = json.Marshal(rep)
	os.WriteFile(report, b, 0o644)
	for _, bad := range [][]string{
		{"--epsilon", "0"},
		{"--epsilon", "inf"},
		{"--epsilon", "auto", "--privacy-report", report},                     // another model's report
		{"--epsilon", "auto", "--privacy-report", filepath.Join(tmp, "none")}, // missing
	} {
		var so, se bytes.Buffer
		args := append([]string{"bundle", "--model", src, "--out", filepath.Join(tmp, "bad")}, bad...)
		if err := run(context.Background(), args, nil, &so, &se); err == nil {
			t.Errorf("bundle %v succeeded", bad)
		}
	}
}
