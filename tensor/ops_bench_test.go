package tensor

import (
	"math/rand/v2"
	"testing"
)

// Primitive benchmarks on one BERT-base layer's worth of data at 128
// tokens: GELU over 128×3072, LayerNorm over 128×768, softmax over 12
// heads of 128×128 scores.
func BenchmarkOps(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([]float32, 128*3072)
	randFill(rng, x)
	y := make([]float32, len(x))
	gamma, beta := make([]float32, 768), make([]float32, 768)
	randFill(rng, gamma)
	mask := make([]float32, 128)
	bench := func(name string, n int, fn func()) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				fn()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
		})
	}
	bench("GELU", len(x), func() { GELU(y, x) })
	bench("GELUTanh", len(x), func() { GELUTanh(y, x) })
	// One fc1 output row, in L1: the kernel's own cost, as
	// quant's GELU epilogue sees it.
	bench("GELUSerial1536", 1536, func() { GELUSerial(y[:1536], x[:1536]) })
	bench("LayerNorm", 128*768, func() { LayerNorm(y[:128*768], x[:128*768], 128, 768, gamma, beta, 1e-12) })
	bench("SoftmaxMasked", 12*128*128, func() {
		copy(y, x[:12*128*128])
		SoftmaxMasked(y[:12*128*128], 12*128, 128, 0.125, mask)
	})
}

// BenchmarkSoftmaxBlock times the attention softmax alone: one query slab
// of 128 rows of 128 scores (row stride 144), per implementation.
func BenchmarkSoftmaxBlock(b *testing.B) {
	const rows, n, ld = 128, 128, 144
	x := make([]float32, rows*ld)
	randFill(rand.New(rand.NewPCG(3, 3)), x)
	for _, v := range elementwiseImpls() {
		b.Run(v.name, func(b *testing.B) {
			for b.Loop() {
				v.softmaxBlock(x, rows, n, ld, 0.125, nil)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/rows, "ns/row")
		})
	}
}

// BenchmarkAddLayerNormRows times the MiniLM residual + LayerNorm alone:
// 128 rows of 384 on the calling goroutine, per implementation.
func BenchmarkAddLayerNormRows(b *testing.B) {
	const rows, n = 128, 384
	rng := rand.New(rand.NewPCG(4, 4))
	a, res, dst := make([]float32, rows*n), make([]float32, rows*n), make([]float32, rows*n)
	gamma, beta := make([]float32, n), make([]float32, n)
	randFill(rng, a)
	randFill(rng, res)
	randFill(rng, gamma)
	randFill(rng, beta)
	for _, v := range elementwiseImpls() {
		b.Run(v.name, func(b *testing.B) {
			for b.Loop() {
				v.layerNormRows(dst, a, res, rows, n, gamma, beta, 1e-12)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/rows, "ns/row")
		})
	}
}
