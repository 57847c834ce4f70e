package bert

import "math"

// Float32 versions of exp and erf for the fused plan's hot loops (softmax
// and GELU), which math's float64 functions dominated. They are plain Go;
// package tensor's vector primitives can replace them when they land. The
// graph executor keeps math's functions: it is the reference.

const (
	log2e     = 1.44269504088896341
	ln2Hi     = 0.693145751953125      // ln 2 rounded so that n·ln2Hi is exact
	ln2Lo     = 1.42860682030941723e-6 // ln 2 - ln2Hi
	expMinArg = -87.33654              // below this exp underflows float32's normal range
	expMaxArg = 88.72283
)

// exp32 returns e^x with a relative error below 2e-7: x = n·ln2 + r with
// |r| ≤ ln2/2, e^r from its degree-6 Taylor polynomial (truncation error
// |r|^7/7! < 2e-8), and 2^n placed in the exponent bits. Arguments below
// expMinArg give 0, which is what a -10000 or float32-min mask needs.
func exp32(x float32) float32 {
	if x < expMinArg {
		return 0
	}
	if x > expMaxArg {
		return float32(math.Inf(1))
	}
	n := float32(math.Floor(float64(x*log2e + 0.5)))
	r := x - n*ln2Hi - n*ln2Lo
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720))))))
	return p * math.Float32frombits(uint32(int32(n)+127)<<23)
}

// Abramowitz & Stegun 7.1.26: erf(x) ≈ 1 - (a1·t + … + a5·t⁵)·e^(-x²) with
// t = 1/(1 + p·x), x ≥ 0, absolute error at most 1.5e-7.
const (
	erfP  = 0.3275911
	erfA1 = 0.254829592
	erfA2 = -0.284496736
	erfA3 = 1.421413741
	erfA4 = -1.453152027
	erfA5 = 1.061405429
)

// erf32 is erf with an absolute error below 5e-7 (the formula's 1.5e-7,
// exp32's error and float32 rounding): in GELU that is 2.5e-7·|x|, far
// inside the 1e-4 logit tolerance.
func erf32(x float32) float32 {
	ax := x
	if ax < 0 {
		ax = -ax
	}
	if ax > 6 {
		ax = 6 // erf(6) is 1 to float32 precision
	}
	t := 1 / (1 + erfP*ax)
	y := 1 - t*(erfA1+t*(erfA2+t*(erfA3+t*(erfA4+t*erfA5))))*exp32(-ax*ax)
	if x < 0 {
		return -y
	}
	return y
}

// geluErf32 is 0.5·x·(1 + erf(x/√2)) in float32.
func geluErf32(x float32) float32 {
	return 0.5 * x * (1 + erf32(x*(1/math.Sqrt2)))
}

// softmax32 writes softmax(x) to dst (which may be x) with exp32 and a
// float64 sum.
func softmax32(dst, x []float32) {
	m := float32(math.Inf(-1))
	for _, v := range x {
		m = max(m, v)
	}
	var sum float64
	for k, v := range x {
		e := exp32(v - m)
		dst[k] = e
		sum += float64(e)
	}
	inv := float32(1 / sum)
	for k := range dst {
		dst[k] *= inv
	}
}
