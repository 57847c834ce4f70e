package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGELUSerial checks that GELUSerial gives GELU's bits on every length
// 1…70 (vector body plus scalar tail), on lengths past GELU's parallel
// work-item size, in place and out of place, with zeros, infinities, NaN,
// huge and tiny values, and that it writes nothing past len(dst).
func TestGELUSerial(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), 3e38, -3e38, 1e-45, -1e-45, 1e-30, 9, -9, 13, -13}
	lengths := []int{}
	for n := 1; n <= 70; n++ {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, 8192, 8197, 3*8192+13)
	const guard = 16
	sentinel := math.Float32frombits(0x7FA5A5A5)
	for _, n := range lengths {
		src := make([]float32, n)
		for i := range src {
			if r.IntN(4) == 0 {
				src[i] = special[r.IntN(len(special))]
			} else {
				src[i] = float32(r.NormFloat64() * 4)
			}
		}
		want := make([]float32, n)
		GELU(want, src)
		got := make([]float32, n+guard)
		for i := range got {
			got[i] = sentinel
		}
		GELUSerial(got[:n], src)
		inPlace := append([]float32(nil), src...)
		GELUSerial(inPlace, inPlace)
		for i := range got {
			w := sentinel
			if i < n {
				w = want[i]
			}
			if math.Float32bits(got[i]) != math.Float32bits(w) && !(i < n && got[i] != got[i] && w != w) {
				t.Fatalf("n=%d: GELUSerial[%d] = %g, GELU %g (x = %g)", n, i, got[i], w, src[min(i, n-1)])
			}
			if i < n && math.Float32bits(inPlace[i]) != math.Float32bits(got[i]) && !(inPlace[i] != inPlace[i] && got[i] != got[i]) {
				t.Fatalf("n=%d: in place [%d] = %g, out of place %g", n, i, inPlace[i], got[i])
			}
		}
	}
}
