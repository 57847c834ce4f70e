package bert

import "math"

// Float32 exp and erf for the fused plan's hot loops (softmax and GELU),
// which math's float64 functions and a plain polynomial exp dominated. Both
// are table driven, plain Go, and accurate far beyond the 1e-4 logit
// tolerance; package tensor's vector primitives can replace them when they
// land. The graph executor keeps math's functions: it is the reference.

const (
	expTabBits = 6 // 2^(j/64) for j < 64
	expTabLen  = 1 << expTabBits
	log2e      = 1.44269504088896341
	// ln2/64 split so that k·ln2Hi64 is exact in float32 for |k| < 2^14:
	// ln2Hi = 355/512 has 9 significant bits.
	ln2Hi64   = 0.693359375 / expTabLen
	ln2Lo64   = -2.12194440054690583e-4 / expTabLen
	expMinArg = -87.33654 // below this exp underflows float32's normal range
	expMaxArg = 88.72283
)

// expTab[j] = 2^(j/64).
var expTab = func() (t [expTabLen]float32) {
	for j := range t {
		t[j] = float32(math.Exp2(float64(j) / expTabLen))
	}
	return t
}()

// exp32 returns e^x with a relative error of a few float32 ulps: with
// k = round(64·x·log2e), x = k·ln2/64 + r and |r| ≤ ln2/128, so
// e^x = 2^(k>>6) · 2^((k&63)/64) · e^r, e^r from its cubic Taylor polynomial
// (truncation error r⁴/24 < 4e-11). Arguments below expMinArg give 0, which
// is what a -10000 or float32-min attention mask needs.
func exp32(x float32) float32 {
	if x < expMinArg {
		return 0
	}
	x = min(x, expMaxArg)
	// The +8192·64 offset keeps the truncating conversion's argument
	// positive, so it rounds down; x·log2e·64 ≥ -8064 here.
	k := int32(x*(log2e*expTabLen)+(8192*expTabLen+0.5)) - 8192*expTabLen
	kf := float32(k)
	r := x - kf*ln2Hi64 - kf*ln2Lo64
	p := 1 + r*(1+r*(0.5+r*(1.0/6)))
	return p * expTab[k&(expTabLen-1)] * math.Float32frombits(uint32((k>>expTabBits)+127)<<23)
}

const (
	erfTabStep = 1024 // entries per unit of x
	erfTabMax  = 6    // erf(6) is 1 to float32 precision
	erfTabLen  = erfTabMax*erfTabStep + 2
)

// erfTab[i] = erf(i/1024) for 0 ≤ i/1024 ≤ 6 (plus one guard entry).
var erfTab = func() (t [erfTabLen]float32) {
	for i := range t {
		t[i] = float32(math.Erf(float64(i) / erfTabStep))
	}
	return t
}()

// erf32 is erf by linear interpolation in erfTab: the interpolation error is
// at most h²/8·max|erf”| < 1.2e-7 for h = 1/1024, plus float32 rounding.
func erf32(x float32) float32 {
	ax := x
	if ax < 0 {
		ax = -ax
	}
	u := min(ax, erfTabMax) * erfTabStep
	i := int(u)
	f := u - float32(i)
	y := erfTab[i] + f*(erfTab[i+1]-erfTab[i])
	if x < 0 {
		return -y
	}
	return y
}

// geluErf32 is 0.5·x·(1 + erf(x/√2)) in float32.
func geluErf32(x float32) float32 {
	return 0.5 * x * (1 + erf32(x*(1/math.Sqrt2)))
}

// geluSlice applies geluErf32 to xs in place, with erf32 written out in the
// loop body (the compiler does not inline it).
func geluSlice(xs []float32) {
	for k, x := range xs {
		ax := x * (1 / math.Sqrt2)
		if ax < 0 {
			ax = -ax
		}
		if ax > erfTabMax { // not the builtin min, which is slow on floats
			ax = erfTabMax
		}
		u := ax * erfTabStep
		i := int(u)
		f := u - float32(i)
		y := erfTab[i] + f*(erfTab[i+1]-erfTab[i])
		if x < 0 {
			y = -y
		}
		xs[k] = 0.5 * x * (1 + y)
	}
}

// softmaxCut is where softmax32 flushes e^(x-max) to zero: e^-30 ≈ 9e-14,
// so even thousands of such terms move a sum that is ≥ 1 by less than a
// float32 ulp, while the tiny values they would otherwise leave behind
// (down to 1e-38, and subnormal once normalised) make the CPU take slow
// microcode paths.
const softmaxCut = -30

// softmax32 writes softmax(x) to dst (which may be x) with exp32 written
// out in the loop and a float64 sum.
func softmax32(dst, x []float32) {
	m := float32(math.Inf(-1))
	for _, v := range x {
		if v > m { // not the builtin max: its NaN and ±0 rules compile to a slow sequence
			m = v
		}
	}
	var sum float64
	for k, v := range x {
		z := v - m // ≤ 0
		var e float32
		if z >= softmaxCut {
			kk := int32(z*(log2e*expTabLen)+(8192*expTabLen+0.5)) - 8192*expTabLen
			kf := float32(kk)
			r := z - kf*ln2Hi64 - kf*ln2Lo64
			e = (1 + r*(1+r*(0.5+r*(1.0/6)))) * expTab[kk&(expTabLen-1)] * math.Float32frombits(uint32((kk>>expTabBits)+127)<<23)
		}
		dst[k] = e
		sum += float64(e)
	}
	inv := float32(1 / sum)
	for k := range dst {
		dst[k] *= inv
	}
}
