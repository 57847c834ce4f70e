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

// vecOpsFor is the dispatch point for the element-wise kernels: NEON for
// exp and GELU when Advanced SIMD is present; the row passes of softmax and
// LayerNorm stay in Go on arm64.
func vecOpsFor(f cpu.Features) vecOps {
	if f.ASIMD {
		return vecOps{name: "neon", expSubSum: expSubSumNEON, geluErf: geluErfNEON, geluTanh: geluTanhNEON}
	}
	return vecOps{name: "generic"}
}

var detectedVecOps = sync.OnceValue(func() vecOps { return vecOpsFor(detected()) })
