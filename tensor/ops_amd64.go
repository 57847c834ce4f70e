//go:build !purego

package tensor

import (
	"sync"

	"github.com/obscura-ai/obscura/internal/cpu"
)

// expSubSumAVX2 sets x[i] = e**(x[i] − sub) for i < n and returns the sum
// of the new values; every x[i] − sub must be ≤ 0 (softmax after the row
// maximum), values below −87 give 0. n is a multiple of 8.
//
//go:noescape
func expSubSumAVX2(x *float32, n int, sub float32) float32

// expSubSumAVX512 is expSubSumAVX2 over 16 lanes (AVX-512F): the same
// operations per element, so the same values; the sum is accumulated in 16
// lanes, so it may differ from the AVX2 sum in the last bits. n is a
// multiple of 8.
//
//go:noescape
func expSubSumAVX512(x *float32, n int, sub float32) float32

// geluErfAVX2 sets dst[i] = 0.5·x·(1 + erf(x/√2)) for x = src[i], i < n,
// with erf by Abramowitz & Stegun 7.1.26 as in geluErf64. n is a multiple
// of 8; dst may equal src.
//
//go:noescape
func geluErfAVX2(dst, src *float32, n int)

// geluErfAVX512 is geluErfAVX2 over 16 lanes (AVX-512F): the same
// operations per element, so the same values. n is a multiple of 8; dst
// may equal src.
//
//go:noescape
func geluErfAVX512(dst, src *float32, n int)

// geluTanhAVX2 sets dst[i] = x·sigmoid(2u) = 0.5·x·(1 + tanh u) with
// u = √(2/π)·(x + 0.044715·x³), x = src[i], i < n, as in geluTanh64. n is a
// multiple of 8; dst may equal src.
//
//go:noescape
func geluTanhAVX2(dst, src *float32, n int)

// scaleMaskMaxAVX2 sets x[i] = x[i]·scale + mask[i] (mask may be nil:
// no add) for i < n and returns the largest new x[i]. n is a positive
// multiple of 8.
//
//go:noescape
func scaleMaskMaxAVX2(x, mask *float32, n int, scale float32) float32

// scaleAVX2 sets x[i] *= s for i < n, n a positive multiple of 8.
//
//go:noescape
func scaleAVX2(x *float32, n int, s float32)

// sumAVX2 returns Σ x[i] for i < n (two 8-lane float32 accumulators), n a
// positive multiple of 8.
//
//go:noescape
func sumAVX2(x *float32, n int) float32

// devSumsAVX2 returns Σ (x[i] − m0) and Σ (x[i] − m0)² for i < n, n a
// positive multiple of 8. With m0 close to the mean both sums are small
// and accurate in float32.
//
//go:noescape
func devSumsAVX2(x *float32, n int, m0 float32) (s1, s2 float32)

// normAVX2 sets dst[i] = ((src[i] − m0) − delta)·inv·gamma[i] + beta[i]
// for i < n (beta may be nil: no add), n a positive multiple of 8.
//
//go:noescape
func normAVX2(dst, src, gamma, beta *float32, n int, m0, delta, inv float32)

// vecOpsFor is the dispatch point for the element-wise kernels: AVX2+FMA
// when the features have both (with softmax's exponentials and the erf
// GELU over 16 lanes when AVX-512F is there too), else none (scalar Go).
func vecOpsFor(f cpu.Features) vecOps {
	if f.AVX512F && f.AVX2 && f.FMA {
		v := vecOpsFor(cpu.Features{AVX2: true, FMA: true})
		v.name, v.expSubSum, v.geluErf = "avx512", expSubSumAVX512, geluErfAVX512
		return v
	}
	if f.AVX2 && f.FMA {
		return vecOps{name: "avx2", expSubSum: expSubSumAVX2, geluErf: geluErfAVX2, geluTanh: geluTanhAVX2,
			scaleMaskMax: scaleMaskMaxAVX2, scale: scaleAVX2, sum: sumAVX2, devSums: devSumsAVX2, norm: normAVX2}
	}
	return vecOps{name: "generic"}
}

var detectedVecOps = sync.OnceValue(func() vecOps { return vecOpsFor(detected()) })
