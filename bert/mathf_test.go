package bert

import (
	"math"
	"testing"
)

// Tolerances of the float32 fast paths against math's float64 functions.
const (
	exp32RelTol = 3e-7
	erf32AbsTol = 5e-7
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
