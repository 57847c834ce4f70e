package bert

import (
	"path/filepath"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/quant"
)

// int8MinAgreement is the least fraction of attended tokens whose INT8
// argmax label must equal ONNX Runtime's fp32 argmax on the baseline goldens
// (measured: 2424/2430 = 0.9975 with the AVX-512 VNNI kernel).
const int8MinAgreement = 0.99

func argmax(xs []float32) int {
	best := 0
	for k, v := range xs {
		if v > xs[best] {
			best = k
		}
	}
	return best
}

func TestInt8AgreesWithORTLabels(t *testing.T) {
	gold := loadORTGolden(t)
	m, err := Load(baselineModel(t), Options{Int8: true})
	if err != nil {
		t.Fatal(err)
	}
	agree, total := 0, 0
	for _, c := range gold.Cases {
		got, err := m.Run(Batch{IDs: c.IDs, Mask: c.Mask, Size: 1, SeqLen: len(c.IDs)})
		if err != nil {
			t.Fatal(err)
		}
		for p, want := range c.Logits {
			w32 := make([]float32, len(want))
			for l, v := range want {
				w32[l] = float32(v)
			}
			total++
			if argmax(got[p*9:(p+1)*9]) == argmax(w32) {
				agree++
			}
		}
	}
	if frac := float64(agree) / float64(total); frac < int8MinAgreement {
		t.Fatalf("INT8 argmax agrees with ORT fp32 on %d/%d tokens (%.4f < %g)", agree, total, frac, int8MinAgreement)
	}
	t.Logf("argmax agreement %d/%d", agree, total)
}

// TestInt8KernelsAgree runs every INT8 kernel this machine has: they compute
// the same int32 sums, so the logits must be identical.
func TestInt8KernelsAgree(t *testing.T) {
	gold := loadORTGolden(t)
	ref, err := Load(baselineModel(t), Options{Int8: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, kernel := range quant.Kernels() {
		t.Run(kernel, func(t *testing.T) {
			m, err := Load(baselineModel(t), Options{Int8: true, Kernel: kernel})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range gold.Cases[:4] {
				b := Batch{IDs: c.IDs, Mask: c.Mask, Size: 1, SeqLen: len(c.IDs)}
				want, err := ref.Run(b)
				if err != nil {
					t.Fatal(err)
				}
				got, err := m.Run(b)
				if err != nil {
					t.Fatal(err)
				}
				for k := range got {
					if got[k] != want[k] {
						t.Fatalf("kernel %s logit %d = %g, best kernel %g", kernel, k, got[k], want[k])
					}
				}
			}
		})
	}
}

func TestInt8NeedsFusedPlan(t *testing.T) {
	path := filepath.Join(testenv.Shared(t, "testmodels", "bert_14"), "model.onnx")
	if _, err := Load(path, Options{Int8: true, Executor: "graph"}); err == nil {
		t.Fatal("Int8 with the graph executor must be refused")
	}
	m, err := Load(path, Options{Int8: true})
	if err != nil {
		t.Fatal(err)
	}
	if m.Executor() != "fused" {
		t.Fatalf("executor %s", m.Executor())
	}
}
