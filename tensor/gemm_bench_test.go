package tensor

import (
	"fmt"
	"github.com/obscura-ai/obscura/internal/testenv"
	"math/rand/v2"
	"testing"
)

// BenchmarkGEMM reports GFLOPS (2·m·k·n per call) of MatMulPacked with a
// bias, per kernel, on BERT's feed-forward shapes at 128 tokens. Run with
// -cpu 1,2 to set GOMAXPROCS. GFLOPS is wall-clock; GFLOPS/cpu divides by
// the process's CPU time, so on a shared machine it still shows the kernel's
// speed (and, at -cpu 2, GFLOPS ≈ 2·GFLOPS/cpu means the split scales).
func BenchmarkGEMM(b *testing.B) {
	shapes := []struct{ m, k, n int }{{128, 384, 1536}, {128, 768, 3072}, {128, 3072, 768}}
	for _, kn := range Kernels() {
		for _, s := range shapes {
			b.Run(fmt.Sprintf("%s/%dx%dx%d", kn.Name(), s.m, s.k, s.n), func(b *testing.B) {
				rng := rand.New(rand.NewPCG(1, 1))
				a, w, bias, c := make([]float32, s.m*s.k), make([]float32, s.k*s.n), make([]float32, s.n), make([]float32, s.m*s.n)
				randFill(rng, a)
				randFill(rng, w)
				randFill(rng, bias)
				pb := kn.PackB(w, s.k, s.n)
				MatMulPacked(c, a, s.m, pb, bias)
				b.ReportAllocs()
				b.ResetTimer()
				cpu0 := testenv.ProcessCPU()
				for b.Loop() {
					MatMulPacked(c, a, s.m, pb, bias)
				}
				flops := 2 * float64(s.m*s.k*s.n) * float64(b.N)
				b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOPS")
				if cpu := (testenv.ProcessCPU() - cpu0).Seconds(); cpu > 0 {
					b.ReportMetric(flops/cpu/1e9, "GFLOPS/cpu")
				}
			})
		}
	}
}

// BenchmarkGEMMUnpacked measures MatMul (B packed on every call) and the
// attention shapes (Q·Kᵀ and probs·V per head, strided) with Default().
func BenchmarkGEMMUnpacked(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	const s, hid, dh = 128, 768, 64
	q, k, c := make([]float32, s*hid), make([]float32, s*hid), make([]float32, s*3072)
	randFill(rng, q)
	randFill(rng, k)
	w := make([]float32, 768*3072)
	randFill(rng, w)
	run := func(name string, flops float64, fn func()) {
		b.Run(name, func(b *testing.B) {
			fn()
			b.ReportAllocs()
			cpu0 := testenv.ProcessCPU()
			for b.Loop() {
				fn()
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
			if cpu := (testenv.ProcessCPU() - cpu0).Seconds(); cpu > 0 {
				b.ReportMetric(flops*float64(b.N)/cpu/1e9, "GFLOPS/cpu")
			}
		})
	}
	run("MatMul128x768x3072", 2*float64(s*768*3072), func() { MatMul(c, q, w, s, 768, 3072) })
	run("ScoresQKt128x64x128", 2*float64(s*dh*s), func() { MatMulStrided(c, s, q, hid, k, hid, s, dh, s, true, nil) })
	run("ContextPV128x128x64", 2*float64(s*dh*s), func() { MatMulStrided(c, hid, q, s, k, hid, s, s, dh, false, nil) })
}
