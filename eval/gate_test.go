package eval

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/obscura-ai/obscura/weights"
)

// scoresWith builds scores whose macro F1 and recall are as given, with one
// type per entry of f1s.
func scoresWith(macroF1, macroRecall float64, f1s map[string]float64) *Scores {
	s := &Scores{Macro: PRF{Precision: 0.95, Recall: macroRecall, F1: macroF1}}
	for t, f := range f1s {
		s.Types = append(s.Types, TypeScore{Type: t, PRF: PRF{F1: f}})
	}
	return s
}

func writeReports(t *testing.T, rs ...*Report) []*Report {
	t.Helper()
	dir := t.TempDir()
	for _, r := range rs {
		if _, err := r.Write(dir); err != nil {
			t.Fatal(err)
		}
	}
	// A stray file that is not a report is skipped.
	if err := os.WriteFile(filepath.Join(dir, "notes.json"), []byte(`{"hello":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadReports(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(rs) {
		t.Fatalf("read %d reports, wrote %d", len(got), len(rs))
	}
	return got
}

func statusOf(gs []GateResult, name string) []Status {
	var s []Status
	for _, g := range gs {
		if g.Name == name {
			s = append(s, g.Status)
		}
	}
	return s
}

var t0 = time.Date(2026, 11, 22, 4, 0, 0, 0, time.UTC)

func goodSet() []*Report {
	return []*Report{
		{Kind: KindEval, Model: "m", Dataset: "synth", Time: t0, ModelMB: 90,
			Scores: scoresWith(0.93, 0.91, map[string]float64{"PERSON": 0.95, "SSN": 0.9})},
		{Kind: KindEval, Model: "m", Dataset: "synth", Int8: true, Time: t0.Add(time.Minute), ModelMB: 25,
			Scores: scoresWith(0.927, 0.91, map[string]float64{"PERSON": 0.95, "SSN": 0.9})},
		{Kind: KindBench, Model: "m", Time: t0.Add(2 * time.Minute), Bench: []BenchRow{{Len: 0, Latency: Latency{P95: 20, P99: 30}}}},
		{Kind: KindCheck, Model: "m", Time: t0.Add(3 * time.Minute), RoundTrip: &CheckResult{Checked: 4000}, PIIInLogs: &CheckResult{Checked: 4000}},
	}
}

func TestGatesAllPass(t *testing.T) {
	gs := Gates(writeReports(t, goodSet()...), GateOptions{})
	for _, g := range gs {
		if g.Status != Pass {
			t.Errorf("%s (%s): %s %s, want PASS", g.Name, g.Scope, g.Status, g.Value)
		}
	}
	if HardFailure(gs, false) {
		t.Fatal("HardFailure on an all-pass set")
	}
}

func TestGatesFailures(t *testing.T) {
	rs := goodSet()
	// The newest synth eval is the INT8 one: a weak MRN type fails the
	// per-entity gate, and the INT8 drop is 1 point.
	rs[1].Scores = scoresWith(0.92, 0.87, map[string]float64{"PERSON": 0.95, "MRN": 0.80})
	rs[2].Bench[0].Latency = Latency{P95: 27, P99: 50}
	rs[3].PIIInLogs = &CheckResult{Checked: 10, Failed: 1}
	gs := Gates(writeReports(t, rs...), GateOptions{})
	// Accuracy gates apply to the fp32 and the INT8 report each (scopes
	// sorted: fp32 first).
	want := map[string][]Status{
		"macro F1": {Pass, Pass}, "per-entity F1": {Pass, Fail}, "recall (macro)": {Pass, Fail}, "INT8 vs fp32": {Fail},
		"latency p95": {Warn}, "latency p99": {Warn}, "model size": {Pass}, "round trip": {Pass}, "PII in logs": {Fail},
	}
	for name, st := range want {
		if got := statusOf(gs, name); !reflect.DeepEqual(got, st) {
			t.Errorf("%s: %v, want %v", name, got, st)
		}
	}
	if !HardFailure(gs, true) {
		t.Fatal("no hard failure reported")
	}
}

func TestGatesSumChecksOverDatasets(t *testing.T) {
	rs := goodSet()
	rs[3].Dataset = "a"
	// Another data set's check, with one failure, and an older report of
	// data set a that the newer one replaces.
	rs = append(rs,
		&Report{Kind: KindCheck, Model: "m", Dataset: "b", Time: t0.Add(4 * time.Minute), RoundTrip: &CheckResult{Checked: 10, Failed: 1}, PIIInLogs: &CheckResult{Checked: 7}},
		&Report{Kind: KindCheck, Model: "m", Dataset: "a", Time: t0, RoundTrip: &CheckResult{Checked: 1, Failed: 1}, PIIInLogs: &CheckResult{Checked: 1, Failed: 1}},
	)
	gs := Gates(writeReports(t, rs...), GateOptions{})
	for _, g := range gs {
		switch g.Name {
		case "round trip":
			if g.Status != Fail || g.Value != "1 failed of 4010" {
				t.Errorf("round trip: %s %s", g.Status, g.Value)
			}
		case "PII in logs":
			if g.Status != Pass || g.Value != "0 findings of 4007" {
				t.Errorf("PII in logs: %s %s", g.Status, g.Value)
			}
		}
	}
}

func TestGatesPreferMixedBench(t *testing.T) {
	rs := goodSet()
	// A newer fixed-length run does not displace the plan's mixed run.
	rs = append(rs, &Report{Kind: KindBench, Model: "m", Time: t0.Add(time.Hour), Bench: []BenchRow{{Len: 512, Latency: Latency{P95: 90, P99: 99}}}})
	gs := Gates(writeReports(t, rs...), GateOptions{})
	if s := statusOf(gs, "latency p95"); len(s) != 1 || s[0] != Pass {
		t.Errorf("p95 with an older mixed run at 20 ms: %v, want PASS", s)
	}
}

func TestGatesLatencyPerPrecision(t *testing.T) {
	rs := goodSet()
	rs = append(rs, &Report{Kind: KindBench, Model: "m", Int8: true, Time: t0.Add(time.Hour), Bench: []BenchRow{{Len: 0, Latency: Latency{P95: 31, P99: 40}}}})
	gs := Gates(writeReports(t, rs...), GateOptions{})
	if s := statusOf(gs, "latency p95"); !reflect.DeepEqual(s, []Status{Pass, Fail}) {
		t.Errorf("fp32 at 20 ms and INT8 at 31 ms: %v, want [PASS FAIL]", s)
	}
}

func TestGatesLatencyHardAndSize(t *testing.T) {
	rs := goodSet()
	rs[2].Bench = []BenchRow{{Len: 16, Latency: Latency{P95: 5}}, {Len: 512, Latency: Latency{P95: 31, P99: 40}}}
	rs[2].ModelMB = 301
	gs := Gates(writeReports(t, rs...), GateOptions{})
	if s := statusOf(gs, "latency p95"); len(s) != 1 || s[0] != Fail {
		t.Errorf("p95 31 ms at the worst length: %v, want FAIL", s)
	}
	if s := statusOf(gs, "model size"); len(s) != 1 || s[0] != Fail {
		t.Errorf("301 MB model: %v, want FAIL", s)
	}
}

func TestGatesMissingEvidence(t *testing.T) {
	rs := goodSet()[:1]
	gs := Gates(writeReports(t, rs...), GateOptions{})
	for _, name := range []string{"INT8 vs fp32", "latency p95", "round trip", "PII in logs"} {
		if s := statusOf(gs, name); len(s) != 1 || s[0] != Missing {
			t.Errorf("%s: %v, want MISSING", name, s)
		}
	}
	if !HardFailure(gs, false) {
		t.Error("missing evidence is not a failure by default")
	}
	if HardFailure(gs, true) {
		t.Error("missing evidence failed with allowMissing")
	}
	// Filtering by another model leaves nothing.
	gs = Gates(writeReports(t, goodSet()...), GateOptions{Model: "other"})
	if s := statusOf(gs, "macro F1"); len(s) != 1 || s[0] != Missing {
		t.Errorf("macro F1 for an unknown model: %v, want MISSING", s)
	}
}

func TestReportFileNamesDistinct(t *testing.T) {
	base := Report{Kind: KindEval, Model: "m/x", Dataset: "synth clinical", Pipeline: true, Time: t0}
	check := base
	check.Kind = KindCheck
	tags := base
	tags.Pipeline, tags.Method = false, "tags"
	q := base
	q.Int8 = true
	names := map[string]bool{}
	for _, r := range []Report{base, check, tags, q} {
		n := r.FileName()
		if names[n] {
			t.Fatalf("two reports share the file name %s", n)
		}
		names[n] = true
	}
	if n := base.FileName(); n != "m-x_synth-clinical-pipeline_20261122T040000Z.json" {
		t.Fatalf("file name %s", n)
	}
}

// TestGatesModelTakesItsInt8Bundle: with --model m, the INT8 reports of
// m's INT8 bundle (m-int8, what --int8 loads) are m's INT8 evidence, newer
// than an older INT8 report of m itself; the bundle's fp32 reports and
// other models' reports are not.
func TestGatesModelTakesItsInt8Bundle(t *testing.T) {
	rs := goodSet()
	old := *rs[1]
	old.Time = t0.Add(-time.Hour)
	old.Scores = scoresWith(0.80, 0.80, map[string]float64{"PERSON": 0.70})
	bundle := *rs[1]
	bundle.Model = "m" + weights.Int8Suffix
	bundle.Time = t0.Add(5 * time.Minute)
	bundle.Scores = scoresWith(0.928, 0.91, map[string]float64{"PERSON": 0.95, "SSN": 0.9})
	bundleFP := *rs[0]
	bundleFP.Model, bundleFP.Time = "m"+weights.Int8Suffix, t0.Add(6*time.Minute)
	bundleFP.Scores = scoresWith(0.5, 0.5, map[string]float64{"PERSON": 0.5})
	other := bundle
	other.Model, other.Time = "n-int8", t0.Add(7*time.Minute)
	other.Scores = bundleFP.Scores
	gs := Gates(writeReports(t, append(rs, &old, &bundle, &bundleFP, &other)...), GateOptions{Model: "m"})
	for _, g := range gs {
		if g.Status != Pass {
			t.Errorf("%s (%s): %s %s, want PASS (the bundle's INT8 report, 0.928)", g.Name, g.Scope, g.Status, g.Value)
		}
	}
	// Without the bundle's report, m's own old INT8 report is the evidence.
	gs = Gates(writeReports(t, append(goodSet()[:1], &old)...), GateOptions{Model: "m"})
	if got := statusOf(gs, "INT8 vs fp32"); !reflect.DeepEqual(got, []Status{Fail}) {
		t.Errorf("INT8 vs fp32 with only the old report: %v, want [FAIL]", got)
	}
}

// TestGatesPairWithinModel: without a model filter, INT8 is compared with
// fp32 of the same model only (an INT8 bundle m-int8 counting as m), and
// every scope names its model.
func TestGatesPairWithinModel(t *testing.T) {
	a := &Report{Kind: KindEval, Model: "a", Dataset: "synth", Time: t0,
		Scores: scoresWith(0.93, 0.91, map[string]float64{"PERSON": 0.95})}
	bq := &Report{Kind: KindEval, Model: "b", Dataset: "synth", Int8: true, Time: t0.Add(time.Minute),
		Scores: scoresWith(0.90, 0.91, map[string]float64{"PERSON": 0.95})}
	gs := Gates(writeReports(t, a, bq), GateOptions{})
	if got := statusOf(gs, "INT8 vs fp32"); !reflect.DeepEqual(got, []Status{Missing}) {
		t.Fatalf("a's fp32 and b's INT8: INT8 vs fp32 %v, want [MISSING] (no pair within a model)", got)
	}
	aq := &Report{Kind: KindEval, Model: "a" + weights.Int8Suffix, Dataset: "synth", Int8: true, Time: t0.Add(2 * time.Minute),
		Scores: scoresWith(0.928, 0.91, map[string]float64{"PERSON": 0.95})}
	gs = Gates(writeReports(t, a, bq, aq), GateOptions{})
	var pair []string
	for _, g := range gs {
		if g.Name == "INT8 vs fp32" {
			pair = append(pair, string(g.Status)+" "+g.Scope)
		}
		if g.Name == "macro F1" && !strings.HasPrefix(g.Scope, "a ") && !strings.HasPrefix(g.Scope, "b ") {
			t.Errorf("scope %q does not name its model", g.Scope)
		}
	}
	if !reflect.DeepEqual(pair, []string{"PASS a synth entities"}) {
		t.Fatalf("INT8 vs fp32: %v, want [PASS a synth entities]", pair)
	}
}
