package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/obscura-ai/obscura/bench"
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

// TestBenchInt8VsORT runs the four-way comparison (our INT8; ONNX Runtime
// on the QuantizeONNX export, on its own dynamic-quantization form and on
// the fp32 file, each in its own process) when bench/ort is installed
// (cd bench/ort && npm install --ignore-scripts --no-package-lock), and
// checks the JSON line, the report file and its Markdown.
func TestBenchInt8VsORT(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three ONNX Runtime processes")
	}
	model := testenv.Shared(t, "models", "obscura-minilm-conll")
	ortDir := filepath.Join(testenv.ModuleRoot(), "bench", "ort")
	if _, err := os.Stat(filepath.Join(ortDir, "node_modules", "onnxruntime-node")); err != nil {
		t.Skip("bench/ort is not installed")
	}
	reports := t.TempDir()
	var out, errb bytes.Buffer
	args := []string{"bench", "--model", model, "--int8", "--vs-ort", "--lens", "16", "--iters", "4", "--ort-block", "2", "--json", "--threads", "1", "--ort-dir", ortDir, "--reports", reports}
	if err := run(context.Background(), args, nil, &out, &errb); err != nil {
		t.Fatalf("bench --int8 --vs-ort: %v\n%s", err, errb.String())
	}
	var line map[string]float64
	if err := json.Unmarshal(out.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	peers := []string{bench.PeerExport, bench.PeerDynamic, bench.PeerFP32}
	for _, p := range peers {
		if !(line[p+"_p50_ms"] > 0) || !(line[p+"_ratio"] > 0) {
			t.Fatalf("%s missing: %v", p, line)
		}
		if d := math.Abs(line[p+"_p50_ratio"] - line["infer_p50_ms"]/line[p+"_p50_ms"]); d > ratioTol {
			t.Errorf("%s_p50_ratio %v is not infer/peer p50: %v", p, line[p+"_p50_ratio"], line)
		}
	}

	names, err := filepath.Glob(filepath.Join(reports, "*_bench-int8_*.json"))
	if err != nil || len(names) != 1 {
		t.Fatalf("want one INT8 bench report, have %v (%v)", names, err)
	}
	b, err := os.ReadFile(names[0])
	if err != nil {
		t.Fatal(err)
	}
	var f bench.File
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if !f.Int8 || f.Threads != 1 || f.ORTVersion == "" || f.ORTIdleThreads != "spin" || len(f.Bench) != 1 || len(f.Peers) != len(peers) {
		t.Fatalf("report: %s", b)
	}
	for i, p := range f.Peers {
		if p.Name != peers[i] || len(p.Rows) != 1 || p.Rows[0].Len != 16 || p.Rows[0].ORT.N != 4 || !(p.MB > 0) {
			t.Errorf("peer %d: %+v", i, p)
		}
	}
	// Both INT8 files are smaller than the fp32 file.
	if !(f.Peers[0].MB < f.ModelMB) || !(f.Peers[1].MB < f.ModelMB) {
		t.Errorf("INT8 files %.1f and %.1f MB against fp32 %.1f MB", f.Peers[0].MB, f.Peers[1].MB, f.ModelMB)
	}
	if row := f.Bench[0]; row.ORT == nil || row.Infer == nil || row.Infer.N != 4 || math.Abs(row.Ratio-row.Infer.P50/row.ORT.P50) > ratioTol {
		t.Errorf("rows: %s", b)
	}
	md, err := os.ReadFile(strings.TrimSuffix(names[0], ".json") + ".md")
	if err != nil || !strings.Contains(string(md), "| 16 |") || !strings.Contains(string(md), bench.PeerDynamic) {
		t.Errorf("markdown: %v\n%s", err, md)
	}
	// obscura gate reads the same file.
	reps, err := eval.ReadReports(reports)
	if err != nil || len(reps) != 1 || reps[0].Bench[0].ORT == nil {
		t.Fatalf("ReadReports: %v %v", reps, err)
	}
}
