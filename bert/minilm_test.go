package bert

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
)

// ortGolden is testdata/bert/minilm_ort.json, written by
// scripts/ort/goldens.mjs with ONNX Runtime.
type ortGolden struct {
	Cases   []goldenCase `json:"cases"`
	Batches []struct {
		IDs    [][]int64     `json:"input_ids"`
		Mask   [][]int64     `json:"attention_mask"`
		Logits [][][]float64 `json:"logits"`
	} `json:"batches"`
}

// minSentences is the floor on real-sentence parity cases.
const minSentences = 100

func baselineModel(t testing.TB) string {
	return filepath.Join(testenv.Shared(t, "models", "obscura-minilm-conll"), "onnx", "model.onnx")
}

func loadORTGolden(t *testing.T) ortGolden {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(), "testdata", "bert", "minilm_ort.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g ortGolden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) < minSentences {
		t.Fatalf("only %d golden sentences, want at least %d", len(g.Cases), minSentences)
	}
	return g
}

func TestBaselineMatchesORT(t *testing.T) {
	path := baselineModel(t)
	gold := loadORTGolden(t)
	for _, exec := range []string{"fused", "graph"} {
		t.Run(exec, func(t *testing.T) {
			m, err := Load(path, Options{Executor: exec})
			if err != nil {
				t.Fatal(err)
			}
			if m.NumLabels() != 9 || m.VocabSize() != 30522 || m.MaxPositions() != 512 {
				t.Fatalf("labels %d vocab %d positions %d; want 9, 30522, 512", m.NumLabels(), m.VocabSize(), m.MaxPositions())
			}
			worst := 0.0
			for ci, c := range gold.Cases {
				got, err := m.Run(Batch{IDs: c.IDs, Mask: c.Mask, Size: 1, SeqLen: len(c.IDs)})
				if err != nil {
					t.Fatalf("case %d: %v", ci, err)
				}
				d := maxDiff(t, got, 0, len(c.IDs), 9, c.Logits, c.Mask)
				if d > logitTol {
					t.Errorf("case %d: max |Δlogit| %.3g > %g", ci, d, logitTol)
				}
				worst = max(worst, d)
			}
			for bi, bt := range gold.Batches {
				size, seq := len(bt.IDs), len(bt.IDs[0])
				b := Batch{Size: size, SeqLen: seq}
				for r := range bt.IDs {
					b.IDs = append(b.IDs, bt.IDs[r]...)
					b.Mask = append(b.Mask, bt.Mask[r]...)
				}
				got, err := m.Run(b)
				if err != nil {
					t.Fatalf("batch %d: %v", bi, err)
				}
				for r := range bt.IDs {
					d := maxDiff(t, got, r, seq, 9, bt.Logits[r], bt.Mask[r])
					if d > logitTol {
						t.Errorf("batch %d row %d: max |Δlogit| %.3g > %g", bi, r, d, logitTol)
					}
					worst = max(worst, d)
				}
			}
			t.Logf("%s: %d sentences + %d batches, worst |Δlogit| %.3g", exec, len(gold.Cases), len(gold.Batches), worst)
		})
	}
}
