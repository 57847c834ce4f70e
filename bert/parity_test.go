package bert

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
)

// logitTol is the largest absolute logit difference allowed against ONNX
// Runtime / torch goldens, as the acceptance states.
const logitTol = 1e-4

type goldenFile struct {
	AtolHint float64      `json:"atol_hint"`
	Cases    []goldenCase `json:"cases"`
}

type goldenCase struct {
	IDs    []int64     `json:"input_ids"`
	Mask   []int64     `json:"attention_mask"`
	Logits [][]float64 `json:"logits"`
}

func readGolden(t *testing.T, path string) goldenFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var g goldenFile
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	if len(g.Cases) == 0 {
		t.Fatalf("%s: no cases", filepath.Base(path))
	}
	return g
}

// maxDiff is the largest |got-want| over attended positions (mask 1) of one
// row of a batch result laid out [Size][SeqLen][labels].
func maxDiff(t *testing.T, got []float32, row, seqLen, labels int, want [][]float64, mask []int64) float64 {
	t.Helper()
	worst := 0.0
	for p := range want {
		if mask != nil && mask[p] == 0 {
			continue
		}
		if len(want[p]) != labels {
			t.Fatalf("golden has %d labels, model %d", len(want[p]), labels)
		}
		for l, w := range want[p] {
			g := float64(got[(row*seqLen+p)*labels+l])
			if math.IsNaN(g) {
				return math.Inf(1)
			}
			worst = max(worst, math.Abs(g-w))
		}
	}
	return worst
}

var testModels = []string{"bert_14", "bert_17", "distilbert_14", "roberta_14"}

func TestTestModelsParity(t *testing.T) {
	for _, name := range testModels {
		dir := testenv.Shared(t, "testmodels", name)
		gold := readGolden(t, filepath.Join(dir, "golden.json"))
		for _, exec := range []string{"graph", "fused"} {
			t.Run(name+"/"+exec, func(t *testing.T) {
				m, err := Load(filepath.Join(dir, "model.onnx"), Options{Executor: exec})
				if err != nil {
					t.Fatal(err)
				}
				if m.Executor() != exec {
					t.Fatalf("executor %s, want %s", m.Executor(), exec)
				}
				for ci, c := range gold.Cases {
					b := Batch{IDs: c.IDs, Mask: c.Mask, Size: 1, SeqLen: len(c.IDs)}
					got, err := m.Run(b)
					if err != nil {
						t.Fatalf("case %d: %v", ci, err)
					}
					if d := maxDiff(t, got, 0, len(c.IDs), m.NumLabels(), c.Logits, c.Mask); d > logitTol {
						t.Errorf("case %d (len %d): max |Δlogit| %.3g > %g", ci, len(c.IDs), d, logitTol)
					}
				}
			})
		}
	}
}

// TestOlderOpsets runs small exports at opsets 11 (BERT: Unsqueeze/Squeeze/
// ReduceMean axes as attributes, Softmax's 2-D coercion) and 12 (RoBERTa,
// float32-min mask), made with ../shared/tools/export_bert.py and kept in
// testdata/bert with torch's golden logits (ONNX Runtime 1.30 reproduces
// them to 1e-7).
func TestOlderOpsets(t *testing.T) {
	for _, name := range []string{"opset11_bert", "opset12_roberta"} {
		dir := filepath.Join(testenv.ModuleRoot(), "testdata", "bert", name)
		gold := readGolden(t, filepath.Join(dir, "golden.json"))
		for _, exec := range []string{"graph", "fused"} {
			t.Run(name+"/"+exec, func(t *testing.T) {
				m, err := Load(filepath.Join(dir, "model.onnx"), Options{Executor: exec})
				if err != nil {
					t.Fatal(err)
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
			})
		}
	}
}
