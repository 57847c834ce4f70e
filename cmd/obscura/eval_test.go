package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/obscura-ai/obscura/eval"
	"github.com/obscura-ai/obscura/eval/synth"
	"github.com/obscura-ai/obscura/internal/testenv"
)

// synthFixture is a committed obscura gen output (seed 7, 60 per domain).
func synthFixture(t *testing.T) string {
	root := testenv.ModuleRoot()
	if root == "" {
		t.Skip("no module root")
	}
	return filepath.Join(root, "testdata", "eval", "synth_seed7_n60.jsonl")
}

func TestEvalWritesReportAndPredictions(t *testing.T) {
	model := testenv.Shared(t, "models", "obscura-minilm-conll")
	dir := t.TempDir()
	pred := filepath.Join(dir, "pred.jsonl")
	var out, errb bytes.Buffer
	args := []string{"eval", "--model", model, "--data", synthFixture(t), "--limit", "20", "--pipeline",
		"--reports", dir, "--predictions", pred, "--name", "fixture"}
	if err := run(context.Background(), args, nil, &out, &errb); err != nil {
		t.Fatalf("eval: %v\n%s", err, errb.String())
	}
	reps, err := eval.ReadReports(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ev, check *eval.Report
	for _, r := range reps {
		switch r.Kind {
		case eval.KindEval:
			ev = r
		case eval.KindCheck:
			check = r
		}
	}
	if ev == nil || check == nil {
		t.Fatalf("want an eval and a check report, got %d reports", len(reps))
	}
	if ev.Examples != 20 || ev.Scores == nil || ev.Latency.N != 20 || ev.ModelMB <= 0 || ev.PeakRSSMB <= 0 {
		t.Fatalf("eval report incomplete: %+v", ev)
	}
	// The pipeline's regex layer finds every checksum-valid identifier.
	for _, typ := range []string{"SSN", "EMAIL", "PHONE"} {
		if row, ok := ev.Scores.Type(typ); ok && row.Gold > 0 && row.Recall < 1 {
			t.Errorf("%s recall %.2f through the pipeline", typ, row.Recall)
		}
	}
	if check.RoundTrip.Checked != 20 || check.RoundTrip.Failed != 0 || check.PIIInLogs.Failed != 0 {
		t.Fatalf("checks: round trip %+v, PII in logs %+v", check.RoundTrip, check.PIIInLogs)
	}
	f, err := os.Open(pred)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var rec struct {
			Text  string        `json:"text"`
			Spans []eval.Entity `json:"spans"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		for _, s := range rec.Spans {
			if s.Start < 0 || s.End > len(rec.Text) || s.Start >= s.End {
				t.Fatalf("prediction span out of range")
			}
		}
		n++
	}
	if n != 20 {
		t.Fatalf("%d prediction lines, want 20", n)
	}
	if !strings.Contains(out.String(), "macro avg") {
		t.Fatalf("no table printed:\n%s", out.String())
	}
}

func TestBenchJSONLines(t *testing.T) {
	model := testenv.Shared(t, "models", "obscura-minilm-conll")
	var out, errb bytes.Buffer
	args := []string{"bench", "--model", model, "--lens", "16,32", "--iters", "3", "--json", "--reports", ""}
	if err := run(context.Background(), args, nil, &out, &errb); err != nil {
		t.Fatalf("bench: %v\n%s", err, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one line per length, got %q", out.String())
	}
	for i, want := range []float64{16, 32} {
		var m map[string]float64
		if err := json.Unmarshal([]byte(lines[i]), &m); err != nil {
			t.Fatal(err)
		}
		if m["len"] != want || !(m["p50_ms"] > 0) || m["p95_ms"] < m["p50_ms"] || m["p99_ms"] < m["p95_ms"] {
			t.Fatalf("line %d: %v", i, m)
		}
	}
}

// TestBenchVsORT runs the paired comparison when bench/ort is installed
// (cd bench/ort && npm install --ignore-scripts --no-package-lock).
func TestBenchVsORT(t *testing.T) {
	model := testenv.Shared(t, "models", "obscura-minilm-conll")
	ortDir := filepath.Join(testenv.ModuleRoot(), "bench", "ort")
	if _, err := os.Stat(filepath.Join(ortDir, "node_modules", "onnxruntime-node")); err != nil {
		t.Skip("bench/ort is not installed")
	}
	var out, errb bytes.Buffer
	args := []string{"bench", "--model", model, "--lens", "16", "--iters", "3", "--json", "--vs-ort", "--ort-dir", ortDir, "--reports", ""}
	if err := run(context.Background(), args, nil, &out, &errb); err != nil {
		t.Fatalf("bench --vs-ort: %v\n%s", err, errb.String())
	}
	var m map[string]float64
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if !(m["ort_p50_ms"] > 0) || !(m["infer_p50_ms"] > 0) || !(m["ort_ratio"] > 0) {
		t.Fatalf("no ONNX Runtime figures: %v", m)
	}
}

// TestEvalCoNLLPredictionsRescore writes CoNLL predictions and scores them
// again from the files alone, as an outside reader would: the scores must
// equal the report's.
func TestEvalCoNLLPredictionsRescore(t *testing.T) {
	model := testenv.Shared(t, "models", "obscura-minilm-conll")
	dir := t.TempDir()
	samples, err := synth.Generate(synth.Enterprise, 3, 40)
	if err != nil {
		t.Fatal(err)
	}
	// CoNLL-2003 spelling for the types the model knows, to check that
	// predictions come back in the file's names.
	var b strings.Builder
	if err := synth.WriteCoNLL(&b, samples); err != nil {
		t.Fatal(err)
	}
	bio := strings.NewReplacer("-PERSON", "-PER", "-ORGANIZATION", "-ORG", "-LOCATION", "-LOC").Replace(b.String())
	data := filepath.Join(dir, "gold.bio")
	if err := os.WriteFile(data, []byte(bio), 0o644); err != nil {
		t.Fatal(err)
	}
	pred := filepath.Join(dir, "pred.bio")
	var out, errb bytes.Buffer
	args := []string{"eval", "--model", model, "--data", data, "--reports", dir, "--predictions", pred, "--json"}
	if err := run(context.Background(), args, nil, &out, &errb); err != nil {
		t.Fatalf("eval: %v\n%s", err, errb.String())
	}
	var rep eval.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	gold, err := eval.LoadFile(data, eval.FormatCoNLL)
	if err != nil {
		t.Fatal(err)
	}
	got, err := eval.LoadFile(pred, eval.FormatCoNLL)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(gold) {
		t.Fatalf("%d predicted sentences for %d gold", len(got), len(gold))
	}
	raw, _ := os.ReadFile(pred)
	if strings.Contains(string(raw), "-PERSON") || !strings.Contains(string(raw), "-PER\n") {
		t.Fatal("predictions are not in the file's type names")
	}
	var sc eval.Scorer
	for i := range gold {
		if err := sc.Add(gold[i].Gold, got[i].Gold); err != nil {
			t.Fatal(err)
		}
	}
	re := sc.Scores()
	for _, row := range rep.Scores.Types {
		r2, _ := re.Type(row.Type)
		if r2.Counts != row.Counts {
			t.Errorf("%s: rescored %+v, report %+v", row.Type, r2.Counts, row.Counts)
		}
	}
}
