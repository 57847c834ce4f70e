package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/obscura-ai/obscura/eval"
	"github.com/obscura-ai/obscura/internal/testenv"
)

// ratioTol is the slack on a ratio recomputed from the p50s on the same
// JSON line (one floating-point division apart).
const ratioTol = 1e-9

func TestBenchOrtModelNeedsInt8VsORT(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "--ort-model", "x.onnx"},
		{"bench", "--ort-model", "x.onnx", "--int8"},
		{"bench", "--ort-model", "x.onnx", "--vs-ort"},
	} {
		var out, errb bytes.Buffer
		if err := run(context.Background(), args, nil, &out, &errb); !errors.Is(err, errUsage) {
			t.Errorf("%v: err %v, want a usage error", args, err)
		}
	}
}

// TestBenchInt8VsORT runs the three-way comparison (our INT8, ONNX Runtime
// on the QuantizeONNX export, ONNX Runtime on the fp32 file) when bench/ort
// is installed (cd bench/ort && npm install --ignore-scripts --no-package-lock),
// and checks the JSON line and the report file.
func TestBenchInt8VsORT(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two ONNX Runtime sessions")
	}
	model := testenv.Shared(t, "models", "obscura-minilm-conll")
	ortDir := filepath.Join(testenv.ModuleRoot(), "bench", "ort")
	if _, err := os.Stat(filepath.Join(ortDir, "node_modules", "onnxruntime-node")); err != nil {
		t.Skip("bench/ort is not installed")
	}
	reports := t.TempDir()
	var out, errb bytes.Buffer
	args := []string{"bench", "--model", model, "--int8", "--vs-ort", "--ort-spin=false", "--lens", "16", "--iters", "3", "--json", "--threads", "1", "--ort-dir", ortDir, "--reports", reports}
	if err := run(context.Background(), args, nil, &out, &errb); err != nil {
		t.Fatalf("bench --int8 --vs-ort: %v\n%s", err, errb.String())
	}
	var line map[string]float64
	if err := json.Unmarshal(out.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"infer_p50_ms", "ort_p50_ms", "ort_fp32_p50_ms"} {
		if !(line[k] > 0) {
			t.Fatalf("%s missing: %v", k, line)
		}
	}
	if d := math.Abs(line["ort_ratio"] - line["infer_p50_ms"]/line["ort_p50_ms"]); d > ratioTol {
		t.Errorf("ort_ratio %v is not infer/ort int8 p50: %v", line["ort_ratio"], line)
	}
	if d := math.Abs(line["ort_fp32_ratio"] - line["infer_p50_ms"]/line["ort_fp32_p50_ms"]); d > ratioTol {
		t.Errorf("ort_fp32_ratio %v is not infer/ort fp32 p50: %v", line["ort_fp32_ratio"], line)
	}

	names, err := filepath.Glob(filepath.Join(reports, "*_bench-int8_*.json"))
	if err != nil || len(names) != 1 {
		t.Fatalf("want one INT8 bench report, have %v (%v)", names, err)
	}
	b, err := os.ReadFile(names[0])
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		eval.Report
		ORTModel   string       `json:"ort_model"`
		ORTModelMB float64      `json:"ort_model_mb"`
		ORTNoSpin  bool         `json:"ort_no_spin"`
		ORTFP32    []ortFP32Row `json:"ort_fp32"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if !f.Int8 || f.Threads != 1 || f.ORTVersion == "" || !f.ORTNoSpin || len(f.Bench) != 1 || len(f.ORTFP32) != 1 {
		t.Fatalf("report: %s", b)
	}
	// The INT8 export is smaller than the fp32 file ONNX Runtime also ran.
	if f.ORTModel == "" || !(f.ORTModelMB > 0) || !(f.ORTModelMB < f.ModelMB) {
		t.Errorf("INT8 file %q %.1f MB against fp32 %.1f MB", f.ORTModel, f.ORTModelMB, f.ModelMB)
	}
	if row := f.Bench[0]; row.Len != 16 || row.ORT == nil || row.Infer == nil || row.ORT.N != 3 || f.ORTFP32[0].ORT.N != 3 || f.ORTFP32[0].Len != 16 {
		t.Errorf("rows: %s", b)
	}
	// obscura gate reads the same file.
	reps, err := eval.ReadReports(reports)
	if err != nil || len(reps) != 1 || reps[0].Bench[0].ORT == nil {
		t.Fatalf("ReadReports: %v %v", reps, err)
	}
}
