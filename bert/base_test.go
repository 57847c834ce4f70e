package bert

import (
	"os"
	"path/filepath"
	"testing"
)

// baseDirEnv names the directory holding a bert-base-sized export made with
// ../shared/tools/export_bert.py OUT --layers 12 --hidden 768 --golden 5
// (model.onnx ~440 MB and torch's golden.json). It is never committed.
const baseDirEnv = "OBSCURA_BERT_BASE"

func bertBaseDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv(baseDirEnv)
	if dir == "" {
		tb.Skipf("%s is unset: export a bert-base graph with ../shared/tools/export_bert.py DIR --layers 12 --hidden 768 --golden 5 and set %s=DIR", baseDirEnv, baseDirEnv)
	}
	if _, err := os.Stat(filepath.Join(dir, "model.onnx")); err != nil {
		tb.Fatalf("%s=%s: %v", baseDirEnv, dir, err)
	}
	return dir
}

func TestBertBaseParity(t *testing.T) {
	dir := bertBaseDir(t)
	if testing.Short() {
		t.Skip("bert-base parity is slow; skipped in -short mode")
	}
	gold := readGolden(t, filepath.Join(dir, "golden.json"))
	for _, exec := range []string{"fused", "graph"} {
		t.Run(exec, func(t *testing.T) {
			m, err := Load(filepath.Join(dir, "model.onnx"), Options{Executor: exec})
			if err != nil {
				t.Fatal(err)
			}
			worst := 0.0
			for ci, c := range gold.Cases {
				got, err := m.Run(Batch{IDs: c.IDs, Mask: c.Mask, Size: 1, SeqLen: len(c.IDs)})
				if err != nil {
					t.Fatalf("case %d: %v", ci, err)
				}
				d := maxDiff(t, got, 0, len(c.IDs), m.NumLabels(), c.Logits, c.Mask)
				if d > logitTol {
					t.Errorf("case %d (len %d): max |Δlogit| %.3g > %g", ci, len(c.IDs), d, logitTol)
				}
				worst = max(worst, d)
			}
			t.Logf("%s: %d cases, worst |Δlogit| %.3g", exec, len(gold.Cases), worst)
		})
	}
}
