//go:build !purego

package tensor

import (
	"math"
	"testing"
)

// TestAVX512MatchesAVX2 checks that the 16-lane erf GELU computes the same
// bits per element as the 8-lane one it extends, and that the 16-lane
// softmax exponentials (a different polynomial) agree with AVX2's on the
// special values and stay within vecExpRelTol of float64, including the
// masked last 8.
func TestAVX512MatchesAVX2(t *testing.T) {
	if f := detected(); !f.AVX512F || !f.AVX2 || !f.FMA {
		t.Skip("no AVX-512F here")
	}
	xs := append(sweep(-12, 12, 20000), 0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), -90, -87, 1e30, -1e30, 1e-40, -1e-40)
	xs = xs[:len(xs)&^7]
	a, b := make([]float32, len(xs)), make([]float32, len(xs))
	geluErfAVX512(&a[0], &xs[0], len(xs))
	geluErfAVX2(&b[0], &xs[0], len(xs))
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			t.Fatalf("GELU(%g): avx512 %g, avx2 %g", xs[i], a[i], b[i])
		}
	}
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
