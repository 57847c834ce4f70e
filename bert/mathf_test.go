package bert

import (
	"math"
	"testing"
)

// Tolerances of the float32 fast paths against math's float64 functions.
const (
	exp32RelTol = 3e-7
	erf32AbsTol = 3e-7
)

func TestExp32(t *testing.T) {
	for x := float32(-87); x < 88; x += 0.01 {
		want := math.Exp(float64(x))
		got := float64(exp32(x))
		if math.Abs(got-want) > exp32RelTol*want {
			t.Fatalf("exp32(%g) = %g, want %g", x, got, want)
		}
	}
	for _, x := range []float32{-10000, -math.MaxFloat32, -88} {
		if exp32(x) != 0 {
			t.Errorf("exp32(%g) = %g, want 0", x, exp32(x))
		}
	}
}

func TestErf32AndGelu(t *testing.T) {
	for x := float32(-8); x < 8; x += 0.001 {
		if d := math.Abs(float64(erf32(x)) - math.Erf(float64(x))); d > erf32AbsTol {
			t.Fatalf("erf32(%g) off by %g", x, d)
		}
		if d := math.Abs(float64(geluErf32(x) - geluErf(x))); d > erf32AbsTol*math.Max(1, math.Abs(float64(x))) {
			t.Fatalf("geluErf32(%g) off by %g", x, d)
		}
	}
}

func TestGeluSliceAndSoftmax32(t *testing.T) {
	xs := make([]float32, 0, 16001)
	for x := float32(-8); x < 8; x += 0.001 {
		xs = append(xs, x)
	}
	ys := append([]float32(nil), xs...)
	geluSlice(ys)
	for k, x := range xs {
		if ys[k] != geluErf32(x) {
			t.Fatalf("geluSlice(%g) = %g, geluErf32 = %g", x, ys[k], geluErf32(x))
		}
	}
	row := []float32{1, 2, -10000, 3, float32(-math.MaxFloat32)}
	got := make([]float32, len(row))
	softmax32(got, row)
	want := make([]float32, len(row))
	softmaxRow(want, row)
	for k := range got {
		if math.Abs(float64(got[k]-want[k])) > exp32RelTol*2 {
			t.Fatalf("softmax32 %v, want %v", got, want)
		}
	}
}
