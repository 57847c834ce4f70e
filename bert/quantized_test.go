package bert

import (
	"path/filepath"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
)

// TestDynamicQuantizedGraphMatchesORT runs ONNX Runtime's dynamic
// quantization form (DynamicQuantizeLinear + MatMulInteger + Cast + Mul +
// Add; testdata/bert/bert14_dynq.onnx, bert_14 rewritten by
// quant.QuantizeONNX) on the graph executor and compares with ORT's own
// logits for the same file (scripts/ort/replay.mjs).
func TestDynamicQuantizedGraphMatchesORT(t *testing.T) {
	dir := filepath.Join(testenv.ModuleRoot(), "testdata", "bert")
	gold := readGolden(t, filepath.Join(dir, "bert14_dynq.json"))
	m, err := Load(filepath.Join(dir, "bert14_dynq.onnx"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Executor() != "graph" {
		t.Fatalf("executor %s; the quantized form runs on the graph executor", m.Executor())
	}
	for ci, c := range gold.Cases {
		got, err := m.Run(Batch{IDs: c.IDs, Mask: c.Mask, Size: 1, SeqLen: len(c.IDs)})
		if err != nil {
			t.Fatalf("case %d: %v", ci, err)
		}
		if d := maxDiff(t, got, 0, len(c.IDs), m.NumLabels(), c.Logits, c.Mask); d > logitTol {
			t.Errorf("case %d: max |Δlogit| %.3g > %g", ci, d, logitTol)
		}
	}
}
