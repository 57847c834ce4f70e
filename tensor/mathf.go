package tensor

import "math"

// Scalar float32 elementary functions used by the element-wise primitives.
// They evaluate in float64, so their error is the stated approximation
// error plus one float32 rounding; tests compare them with math.Exp,
// math.Erf and math.Tanh under named tolerances.

const (
	log2e = 1.4426950408889634
	ln2   = 0.6931471805599453

	// expMaxArg is the largest x with exp(x) finite in float32; expMinArg is
	// below the smallest subnormal's logarithm, where exp(x) rounds to 0.
	expMaxArg = 88.72283935546875
	expMinArg = -103.972084045410
)

// Exp32 returns e**x for float32 x: x = n·ln2 + r with |r| ≤ ln2/2, e**r by
// its degree-8 Taylor polynomial (truncation < 5e-10 relative), scaled by
// 2**n through the float64 exponent so subnormal results round correctly.
func Exp32(x float32) float32 {
	switch {
	case x != x:
		return x
	case x > expMaxArg:
		return float32(math.Inf(1))
	case x < expMinArg:
		return 0
	}
	return float32(exp64Reduced(float64(x)))
}

// exp64Reduced is e**x for |x| < 104 with ~1e-9 relative error.
func exp64Reduced(x float64) float64 {
	t := x * log2e
	var n int
	if t >= 0 {
		n = int(t + 0.5)
	} else {
		n = int(t - 0.5)
	}
	r := x - float64(n)*ln2
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720+r*(1.0/5040+r*(1.0/40320))))))))
	return p * math.Float64frombits(uint64(n+1023)<<52)
}

// Erf32 is the error function for float32 x, by Abramowitz & Stegun 7.1.26:
//
//	erf(x) = 1 − (a₁t + a₂t² + a₃t³ + a₄t⁴ + a₅t⁵)·e^(−x²),  t = 1/(1 + p·x),  x ≥ 0
//
// (odd in x), whose absolute error is below 1.5e-7 over the whole line.
func Erf32(x float32) float32 { return float32(erf64AS(float64(x))) }

const (
	erfP  = 0.3275911
	erfA1 = 0.254829592
	erfA2 = -0.284496736
	erfA3 = 1.421413741
	erfA4 = -1.453152027
	erfA5 = 1.061405429
)

func erf64AS(x float64) float64 {
	ax := math.Abs(x)
	if ax > 9 { // 1 − erf(9) < 1e-36
		return math.Copysign(1, x)
	}
	t := 1 / (1 + erfP*ax)
	y := 1 - t*(erfA1+t*(erfA2+t*(erfA3+t*(erfA4+t*erfA5))))*exp64Reduced(-ax*ax)
	return math.Copysign(y, x)
}

// Tanh32 is tanh for float32 x, as 1 − 2/(e^(2x)+1) for |x| ≥ 0.55 and by
// its Taylor series below (where the subtraction would cancel).
func Tanh32(x float32) float32 { return float32(tanh64(float64(x))) }

func tanh64(x float64) float64 {
	ax := math.Abs(x)
	switch {
	case ax > 10: // 1 − tanh(10) < 5e-9, below float32 resolution near 1
		return math.Copysign(1, x)
	case ax < 0.55:
		x2 := x * x
		// x − x³/3 + 2x⁵/15 − 17x⁷/315 + 62x⁹/2835 − 1382x¹¹/155925 + 21844x¹³/6081075 − 929569x¹⁵/638512875
		return x * (1 + x2*(-1.0/3+x2*(2.0/15+x2*(-17.0/315+x2*(62.0/2835+x2*(-1382.0/155925+x2*(21844.0/6081075+x2*(-929569.0/638512875))))))))
	}
	y := 1 - 2/(exp64Reduced(2*ax)+1)
	return math.Copysign(y, x)
}
