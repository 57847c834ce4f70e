package bert

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/quant"
	"github.com/obscura-ai/obscura/tensor"
)

// int8MinAgreement is the least fraction of attended tokens whose INT8
// argmax label must equal ONNX Runtime's fp32 argmax on the baseline goldens
// (measured: 2424/2430 = 0.9975 with the AVX-512 VNNI kernel).
const int8MinAgreement = 0.99

// bf16AttnMeanTol bounds the mean |Δlogit| between the INT8 baseline with
// bfloat16 attention and with fp32 attention on the golden sentences.
const bf16AttnMeanTol = 0.05

// argmax is the index of the first largest value.
func argmax[T float32 | float64](xs []T) int {
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
			total++
			if argmax(got[p*9:(p+1)*9]) == argmax(want) {
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

// TestBF16Attention loads the baseline in INT8 with each attention
// arithmetic. Where the processor has AVX-512 BF16, the default INT8 run
// multiplies in bfloat16: its argmax must agree with ONNX Runtime's fp32
// on int8MinAgreement of the golden tokens, as the fp32-attention INT8 run
// must, and its logits stay within bf16AttnMeanTol (mean) of that run's.
// Elsewhere "bf16" must be refused with an error and the default is fp32.
func TestBF16Attention(t *testing.T) {
	if _, err := Load(baselineModel(t), Options{Int8: true, Attention: "fp16"}); err == nil {
		t.Fatal(`Attention "fp16" must be refused`)
	}
	auto, err := Load(baselineModel(t), Options{Int8: true})
	if err != nil {
		t.Fatal(err)
	}
	if !tensor.HasBF16Attention() {
		if _, err := Load(baselineModel(t), Options{Int8: true, Attention: "bf16"}); err == nil {
			t.Fatal(`Attention "bf16" must be refused without AVX-512 BF16`)
		}
		if auto.Attention() != "fp32" {
			t.Fatalf("default attention %s without AVX-512 BF16", auto.Attention())
		}
		t.Skip("no AVX-512 BF16 here: the bfloat16 kernels are tested in package tensor")
	}
	if auto.Attention() != "bf16" {
		t.Fatalf("default INT8 attention %s; want bf16 on this processor", auto.Attention())
	}
	fp32Attn, err := Load(baselineModel(t), Options{Int8: true, Attention: "fp32"})
	if err != nil {
		t.Fatal(err)
	}
	if fp32Attn.Attention() != "fp32" {
		t.Fatalf("attention %s; want fp32", fp32Attn.Attention())
	}
	gold := loadORTGolden(t)
	var total, agreeBF16, agreeFP32, same int
	var sum, worst float64
	for _, c := range gold.Cases {
		b := Batch{IDs: c.IDs, Mask: c.Mask, Size: 1, SeqLen: len(c.IDs)}
		got, err := auto.Run(b)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := fp32Attn.Run(b)
		if err != nil {
			t.Fatal(err)
		}
		for p, want := range c.Logits {
			g, r := got[p*9:(p+1)*9], ref[p*9:(p+1)*9]
			total++
			if argmax(g) == argmax(want) {
				agreeBF16++
			}
			if argmax(r) == argmax(want) {
				agreeFP32++
			}
			if argmax(g) == argmax(r) {
				same++
			}
			for l := range g {
				d := math.Abs(float64(g[l] - r[l]))
				sum, worst = sum+d, max(worst, d)
			}
		}
	}
	mean := sum / float64(total*9)
	t.Logf("%d tokens: argmax = ORT fp32's: bf16 attention %d, fp32 attention %d; bf16 = fp32 attention %d; |Δlogit| bf16 vs fp32 attention max %.3f, mean %.4f",
		total, agreeBF16, agreeFP32, same, worst, mean)
	if f := float64(agreeBF16) / float64(total); f < int8MinAgreement {
		t.Errorf("bf16-attention INT8 argmax agrees with ORT fp32 on %.4f of tokens (< %g)", f, int8MinAgreement)
	}
	if mean > bf16AttnMeanTol {
		t.Errorf("mean |Δlogit| bf16 vs fp32 attention %.4f > %g", mean, bf16AttnMeanTol)
	}
}
