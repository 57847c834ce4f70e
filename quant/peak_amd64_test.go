//go:build !purego

package quant

import (
	"testing"
	"time"

	"github.com/obscura-ai/obscura/internal/cpu"
)

// BenchmarkGEMMPeak measures the peak int8 throughput of this machine's
// best kernel instruction, VPDPBUSD on ZMM: 64 u8×s8 MACs = 128 ops per
// instruction, issued as 12 independent chains with no memory traffic. Its
// GOPS is per core; multiply by the core count for the machine's peak.
// On the development machine (AMD EPYC, family 1Ah = Zen 5, 2 cores) it
// reads about 880 GOPS/core: 2 VPDPBUSD zmm per cycle (256 ops/cycle) at an
// effective ~3.45 GHz boost clock; one per cycle would need 6.9 GHz. The
// 8×32 kernel reaches about 850 of those on one core.
//
// The avx2 sub-benchmarks time one step of the avx2 kernel's exact path
// (VPSIGNB, VPMADDUBSW, VPMADDWD, VPADDD) and of its fast path (without
// VPSIGNB), 8 independent chains of 32 products (64 ops) per iteration.
// On AMD Zen 3 (2026-12-04, 2 cores of an EPYC, family 19h model 1) the
// fast step ran 164-174 GOPS/core against 99-101 for the exact one (1.7×):
// VPSIGNB issues on the same two ports as the multiplies. On 2026-12-07,
// on the same model of Zen 3, it read 193-197 against 151-162 (1.23×), and
// the whole kernel's paths 192 against 131 (BenchmarkAVX2Paths): the peak
// loops alone understate what the exact path costs inside the kernel.
func BenchmarkGEMMPeak(b *testing.B) {
	f := cpu.Detect()
	const iters = 1 << 16
	if f.AVX2 {
		for _, p := range []struct {
			name string
			fn   func(int)
		}{{"avx2-exact", peakAVX2Exact}, {"avx2-fast", peakAVX2Biased}} {
			b.Run(p.name, func(b *testing.B) {
				start := time.Now()
				for i := 0; i < b.N; i++ {
					p.fn(iters)
				}
				sec := time.Since(start).Seconds()
				b.ReportMetric(float64(iters)*8*64*float64(b.N)/sec/1e9, "GOPS/core")
			})
		}
	}
	if !(f.AVX512F && f.AVX512VNNI) {
		b.Skip("no AVX-512 VNNI here")
	}
	b.Run("avx512vnni", func(b *testing.B) {
		start := time.Now()
		for i := 0; i < b.N; i++ {
			peakAVX512VNNI(iters)
		}
		sec := time.Since(start).Seconds()
		b.ReportMetric(float64(iters)*12*128*float64(b.N)/sec/1e9, "GOPS/core")
	})
}
