//go:build !purego

package tensor

import (
	"sync"

	"github.com/obscura-ai/obscura/internal/cpu"
)

// expSubSumNEON sets x[i] = e**(x[i] − sub) for i < n and returns the sum
// of the new values; every x[i] − sub must be ≤ 0, values below −87 give 0.
// n is a multiple of 4. Same algorithm as expSubSumAVX2.
//
//go:noescape
func expSubSumNEON(x *float32, n int, sub float32) float32

// geluErfNEON sets dst[i] = 0.5·x·(1 + erf(x/√2)) for x = src[i], i < n,
// as geluErf64; n is a multiple of 4; dst may equal src.
//
//go:noescape
func geluErfNEON(dst, src *float32, n int)

// geluTanhNEON sets dst[i] = x·sigmoid(2u), u = √(2/π)·(x + 0.044715·x³),
// for x = src[i], i < n, as geluTanh64; n is a multiple of 4.
//
//go:noescape
func geluTanhNEON(dst, src *float32, n int)

// scaleMaskMaxNEON, scaleNEON, sumNEON, devSumsNEON and normNEON compute
// the same loops as their AVX2 namesakes in ops_amd64.go (softmax's scale,
// mask and max; its final scaling; LayerNorm's sums and normalisation), with
// n a positive multiple of 8.
//
//go:noescape
func scaleMaskMaxNEON(x, mask *float32, n int, scale float32) float32

//go:noescape
func scaleNEON(x *float32, n int, s float32)

//go:noescape
func sumNEON(x *float32, n int) float32

//go:noescape
func devSumsNEON(x *float32, n int, m0 float32) (s1, s2 float32)

//go:noescape
func normNEON(dst, src, gamma, beta *float32, n int, m0, delta, inv float32)

// vecOpsFor is the dispatch point for the element-wise kernels: NEON when
// Advanced SIMD is present, else none (scalar Go).
func vecOpsFor(f cpu.Features) vecOps {
	if f.ASIMD {
		return vecOps{name: "neon", expSubSum: expSubSumNEON, geluErf: geluErfNEON, geluTanh: geluTanhNEON,
			scaleMaskMax: scaleMaskMaxNEON, scale: scaleNEON, sum: sumNEON, devSums: devSumsNEON, norm: normNEON}
	}
	return vecOps{name: "generic"}
}

var detectedVecOps = sync.OnceValue(func() vecOps { return vecOpsFor(detected()) })
