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

// expSubSumAVX512 computes expSubSumAVX2's loop over 16 lanes (AVX-512F)
// with a cheaper exponential: a degree-5 polynomial and VSCALEFPS for the
// power of two (relative error ≤ 1.37·2^-23 over [−87, 0], see EXP512 in
// ops_amd64.s), so its values may differ from AVX2's in the last bits.
// Values below −87 give 0, NaN stays NaN. n is a multiple of 8.
//
//go:noescape
func expSubSumAVX512(x *float32, n int, sub float32) float32

// softmaxRowsAVX512 computes softmaxRow for rows rows of n ≥ 1 floats,
// row r at x[r*ld : r*ld+n], in one call (AVX-512F): per row
//
//	y[j] = x[j]·scale (+ mask[j] when mask != nil); m = max_j y[j]
//	e[j] = e**(y[j] − m) as in expSubSumAVX512;   x[j] = e[j] · (1/Σ e)
//
// with float32 sums in 32 lanes and a masked last vector (n need not be a
// multiple of 16; nothing outside the rows is read from x or written).
// With dst != nil (only where the processor has AVX-512 BF16 and VL) the
// probabilities go to dst instead, as bfloat16 rows ldd words apart, each
// ending on a whole pair (a zero word after an odd n), rounded to nearest
// even with VCVTNE2PS2BF16; x then holds e.
//
//go:noescape
func softmaxRowsAVX512(x, mask *float32, rows, n, ld int, scale float32, dst *uint16, ldd int)

// softmaxRowsAVX512Float is softmaxRowsAVX512 into x, vecOps.softmaxRows.
func softmaxRowsAVX512Float(x, mask *float32, rows, n, ld int, scale float32) {
	softmaxRowsAVX512(x, mask, rows, n, ld, scale, nil, 0)
}

// geluErfAVX2 sets dst[i] = 0.5·x·(1 + erf(x/√2)) for x = src[i], i < n,
// with erf by Abramowitz & Stegun 7.1.26 as in geluErf64. n is a multiple
// of 8; dst may equal src.
//
//go:noescape
func geluErfAVX2(dst, src *float32, n int)

// geluErfAVX512 sets dst[i] = x·Φ(x) = 0.5·x·(1 + erf(x/√2)) for
// x = src[i], i < n, over 16 lanes (AVX-512F) by a different algorithm
// than geluErfAVX2: Φ(−|x|) = erfc(|x|/√2)/2 as 16 degree-5 polynomial
// pieces on |x| < 6.2, their coefficients picked per lane with VPERMPS
// (no division, no exponential; see GELU512 in ops_amd64.s). Over a dense
// sweep of [−10, 10] its largest error against float64 is 3.84e-7 (0.34
// of TestGELU's tolerance; geluErfAVX2: 4.23e-7, 0.68), mostly the
// float32 rounding of the result. ±0, ±Inf and NaN give geluErfAVX2's
// values. n is a multiple of 8; dst may equal src.
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

// addAVX2 sets dst[i] = a[i] + b[i] for i < n, n a positive multiple of 8
// (dst may alias a or b).
//
//go:noescape
func addAVX2(dst, a, b *float32, n int)

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

// layerNormAVX512 computes layerNormRow for rows contiguous rows of n ≥ 1
// floats (row r at offset r·n of dst, a, b) in one call (AVX-512F): when
// b != nil the row is first x = a + b, stored to dst (AddLayerNorm's
// residual sum, one float32 addition as Add does), else x = a. Then, as
// layerNormRow does, m0 = float32(Σx/n) with a float32 sum,
// s1 = Σ(x − m0), s2 = Σ(x − m0)² in float32, the variance and
// inv = float32(1/√(max(0, s2/n − δ²) + eps)) in float64 with δ = s1/n, and
// dst[j] = ((x[j] − m0) − float32(δ))·inv·gamma[j] (+ beta[j] when beta is
// not nil). dst may equal a or b; a masked last vector covers n & 15, and
// nothing outside the rows is read or written.
//
//go:noescape
func layerNormAVX512(dst, a, b, gamma, beta *float32, rows, n int, eps float32)

// transpose16AVX512 sets dst[p*ldd+c] = src[c*lds+p] for p < cols and
// c < 16, reading rows c ≥ rows as zeros (1 ≤ rows, cols ≤ 16): one 16×16
// block of a transposed B panel, in registers (AVX-512F). It reads only
// src[c*lds : c*lds+cols] for c < rows and writes only dst[p*ldd :
// p*ldd+16] for p < cols.
//
//go:noescape
func transpose16AVX512(dst *float32, ldd int, src *float32, lds, rows, cols int)

// packRows32AVX512 sets dst[p*32+c] = src[p*lds+c] for c < w and 0 for
// w ≤ c < 32, p < rows (1 ≤ w ≤ 32): one 32-column B panel packed from
// row-major rows (AVX-512F). It reads only src[p*lds : p*lds+w] and writes
// dst[:rows*32].
//
//go:noescape
func packRows32AVX512(dst, src *float32, lds, rows, w int)

// vecOpsFor is the dispatch point for the element-wise kernels: AVX2+FMA
// when the features have both (with whole softmax and LayerNorm rows,
// softmax's exponentials and the erf GELU over 16 lanes when AVX-512F is
// there too), else none (scalar Go).
func vecOpsFor(f cpu.Features) vecOps {
	if f.AVX512F && f.AVX2 && f.FMA {
		v := vecOpsFor(cpu.Features{AVX2: true, FMA: true})
		v.name, v.expSubSum, v.geluErf, v.softmaxRows = "avx512", expSubSumAVX512, geluErfAVX512, softmaxRowsAVX512Float
		v.layerNorm, v.transpose16, v.packRows32 = layerNormAVX512, transpose16AVX512, packRows32AVX512
		return v
	}
	if f.AVX2 && f.FMA {
		return vecOps{name: "avx2", expSubSum: expSubSumAVX2, geluErf: geluErfAVX2, geluTanh: geluTanhAVX2,
			scaleMaskMax: scaleMaskMaxAVX2, scale: scaleAVX2, sum: sumAVX2, devSums: devSumsAVX2, norm: normAVX2, add: addAVX2}
	}
	return vecOps{name: "generic"}
}

var detectedVecOps = sync.OnceValue(func() vecOps { return vecOpsFor(detected()) })
