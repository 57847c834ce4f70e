//go:build !purego

package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// geluRef is GELU in float64 and the test's tolerance for a float32
// kernel: 0.5·|x|·erfAbsTol plus geluAbsTol, as TestGELU allows.
func geluRef(x float32) (want, tol float64) {
	xf := float64(x)
	want = 0.5 * xf * (1 + math.Erf(xf/math.Sqrt2))
	return want, 0.5*math.Abs(xf)*erfAbsTol + geluAbsTol*math.Max(1, math.Abs(want))
}

// geluSpecials are the extremes whose GELU the AVX-512 kernel must give
// exactly as the AVX2 one does (NaN, ±Inf, ±0, huge, tiny, subnormal).
var geluSpecials = []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
	float32(math.NaN()), -90, -87, -20, -9, 9, 20, 1e30, -1e30, 3.4e38, -3.4e38, 1e-40, -1e-40, 1e-45, -1e-45,
	1e-30, -1e-30, 1e-7, -1e-7}

// TestAVX512GELU checks the 16-lane erf GELU (a piecewise polynomial, not
// AVX2's algorithm, so not its bits) against float64 on a dense sweep of
// [−10, 10] within TestGELU's tolerance, and reports the largest errors of
// both kernels; the special values must give the AVX2 kernel's bits.
// Lengths 1..72 cover the 2-vector loop, the single vector, the masked
// last 8 and the scalar tail, with guard bands around the output.
func TestAVX512GELU(t *testing.T) {
	if f := detected(); !f.AVX512F || !f.AVX2 || !f.FMA {
		t.Skip("no AVX-512F here")
	}
	xs := sweep(-10, 10, 2000000)
	xs = append(xs, geluSpecials...)
	xs = xs[:len(xs)&^7]
	a, b := make([]float32, len(xs)), make([]float32, len(xs))
	geluErfAVX512(&a[0], &xs[0], len(xs))
	geluErfAVX2(&b[0], &xs[0], len(xs))
	var maxA, maxB, relA, relB float64
	for i, x := range xs {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) || math.Abs(float64(x)) > 10 {
			continue
		}
		want, tol := geluRef(x)
		da, db := math.Abs(float64(a[i])-want), math.Abs(float64(b[i])-want)
		if !(da <= tol) {
			t.Fatalf("GELU(%g): avx512 %g, want %g (err %g, tolerance %g)", x, a[i], want, da, tol)
		}
		maxA, maxB = max(maxA, da), max(maxB, db)
		relA, relB = max(relA, da/tol), max(relB, db/tol)
	}
	t.Logf("GELU over [-10, 10]: max abs error avx512 %.3g (%.2f of tolerance), avx2 %.3g (%.2f)", maxA, relA, maxB, relB)
	sp := append([]float32(nil), geluSpecials...)
	for len(sp)%8 != 0 {
		sp = append(sp, 0)
	}
	a, b = make([]float32, len(sp)), make([]float32, len(sp))
	geluErfAVX512(&a[0], &sp[0], len(sp))
	geluErfAVX2(&b[0], &sp[0], len(sp))
	for i, x := range sp {
		// The same bits, or both NaN, or (where the two algorithms
		// round apart, or one flushes a tiny tail to 0) the same sign
		// within the tolerance.
		want, tol := geluRef(x)
		same := math.Float32bits(a[i]) == math.Float32bits(b[i]) || (a[i] != a[i] && b[i] != b[i])
		close := math.Abs(float64(a[i])-want) <= tol && math.Signbit(float64(a[i])) == math.Signbit(float64(b[i]))
		if !same && !close {
			t.Fatalf("GELU(%g): avx512 %g, avx2 %g", x, a[i], b[i])
		}
	}
	// Lengths 1..72 through the AVX-512 set's gelu (vector body, scalar
	// tail), random x in [−8, 8], guard bands around dst.
	v := vecOpsFor(detected())
	r := rand.New(rand.NewPCG(5, 6))
	for n := 1; n <= 72; n++ {
		src := make([]float32, n)
		for i := range src {
			src[i] = float32(16*r.Float64() - 8)
		}
		g := newGuarded(n)
		v.gelu(g.data(), src, false)
		g.checkGuards(t, "avx512 GELU dst")
		for i, y := range g.data() {
			want, tol := geluRef(src[i])
			if !(math.Abs(float64(y)-want) <= tol) {
				t.Fatalf("n=%d: GELU(%g) = %g, want %g", n, src[i], y, want)
			}
		}
	}
}

// TestAVX512MatchesAVX2 checks that the 16-lane softmax exponentials (a
// different polynomial) agree with AVX2's on the special values and stay
// within vecExpRelTol of float64, including the masked last 8.
func TestAVX512MatchesAVX2(t *testing.T) {
	if f := detected(); !f.AVX512F || !f.AVX2 || !f.FMA {
		t.Skip("no AVX-512F here")
	}
	xs := append(sweep(-12, 12, 20000), 0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), -90, -87, 1e30, -1e30, 1e-40, -1e-40)
	xs = xs[:len(xs)&^7]
	a, b := make([]float32, len(xs)), make([]float32, len(xs))
	for i, x := range xs {
		a[i], b[i] = -float32(math.Abs(float64(x))), -float32(math.Abs(float64(x)))
	}
	sa := expSubSumAVX512(&a[0], len(a), 0.5)
	sb := expSubSumAVX2(&b[0], len(b), 0.5)
	for i := range a {
		x := float64(-float32(math.Abs(float64(xs[i]))) - 0.5) // the float32 difference the kernel exponentiates
		nanA, nanB := a[i] != a[i], b[i] != b[i]
		if nanA != nanB || (a[i] == 0) != (b[i] == 0) {
			t.Fatalf("exp(%g): avx512 %g, avx2 %g", x, a[i], b[i])
		}
		if want := math.Exp(x); !nanA && a[i] != 0 && !(math.Abs(float64(a[i])-want) <= vecExpRelTol*want) {
			t.Fatalf("exp(%g): avx512 %g, want %g", x, a[i], want)
		}
	}
	if d := math.Abs(float64(sa - sb)); !(d <= vecExpRelTol*float64(len(a))*math.Abs(float64(sb))) && !(math.IsNaN(float64(sa)) && math.IsNaN(float64(sb))) {
		t.Fatalf("exp sums: avx512 %g, avx2 %g", sa, sb)
	}
}
