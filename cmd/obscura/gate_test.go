package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/obscura-ai/obscura/eval"
)

func TestGateExitStatus(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 11, 22, 5, 0, 0, 0, time.UTC)
	scores := func(f1 float64) *eval.Scores {
		return &eval.Scores{Macro: eval.PRF{Precision: 0.95, Recall: 0.93, F1: f1}, Types: []eval.TypeScore{{Type: "PERSON", PRF: eval.PRF{F1: f1}}}}
	}
	reps := []*eval.Report{
		{Kind: eval.KindEval, Model: "m", Dataset: "d", Time: t0, ModelMB: 90, Scores: scores(0.95)},
		{Kind: eval.KindEval, Model: "m", Dataset: "d", Int8: true, Time: t0.Add(time.Second), ModelMB: 25, Scores: scores(0.948)},
		{Kind: eval.KindBench, Model: "m", Time: t0.Add(2 * time.Second), Bench: []eval.BenchRow{{Latency: eval.Latency{P95: 26, P99: 40}}}},
		{Kind: eval.KindCheck, Model: "m", Time: t0.Add(3 * time.Second), RoundTrip: &eval.CheckResult{Checked: 5}, PIIInLogs: &eval.CheckResult{Checked: 5}},
	}
	for _, r := range reps {
		if _, err := r.Write(dir); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"gate", "--reports", dir}, nil, &out, &bytes.Buffer{}); err != nil {
		t.Fatalf("gate failed on passing reports: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "WARN") || strings.Contains(out.String(), "FAIL") {
		t.Fatalf("want a p95 warning and no failure:\n%s", out.String())
	}
	// A newer, worse fp32 report fails macro F1 and the INT8 delta.
	bad := &eval.Report{Kind: eval.KindEval, Model: "m", Dataset: "d", Time: t0.Add(time.Hour), Scores: scores(0.80)}
	if _, err := bad.Write(dir); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err := run(context.Background(), []string{"gate", "--reports", dir}, nil, &out, &bytes.Buffer{})
	if !errors.Is(err, errGate) {
		t.Fatalf("gate on a failing report: err %v\n%s", err, out.String())
	}
	if strings.Count(out.String(), "FAIL") < 2 {
		t.Fatalf("want macro F1 and INT8 failures:\n%s", out.String())
	}
}
