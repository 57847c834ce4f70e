package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestKernelGEMMTransA checks c += aᵀ·b (A given as its k×m transpose,
// padded row strides) against a float64 reference for every kernel, on
// ragged shapes around each kernel's tile sizes and on training shapes,
// with guard bands around every buffer and a non-zero c to add to.
func TestKernelGEMMTransA(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 7))
	for _, kn := range Kernels() {
		t.Run(kn.Name(), func(t *testing.T) {
			shapes := [][3]int{{1, 1, 1}, {kn.mr - 1, 5, kn.nr + 1}, {kn.mr + 1, 17, 2*kn.nr - 1}, {2*kn.mr + 3, 9, 3},
				{kn.mc + 1, 13, kn.nr}, {43, 500, 401}, {64, 300, 384}, {384, 129, 96}}
			for _, sh := range shapes {
				m, k, n := sh[0], sh[1], sh[2]
				if m < 1 {
					m = 1
				}
				lda, ldb, ldc := m+3, n+1, n+2
				at, b, c := newGuarded(k*lda), newGuarded(k*ldb), newGuarded(m*ldc)
				randFill(rng, at.data())
				randFill(rng, b.data())
				randFill(rng, c.data())
				c0 := append([]float32(nil), c.data()...)
				kn.gemmTA(c.data(), ldc, at.data(), lda, b.data(), ldb, m, k, n, true, false, nil, nil, true)
				at.checkGuards(t, "Aᵀ")
				b.checkGuards(t, "B")
				c.checkGuards(t, "C")
				for i := 0; i < m; i++ {
					for j := 0; j < n; j++ {
						want, abs := float64(c0[i*ldc+j]), math.Abs(float64(c0[i*ldc+j]))
						for p := 0; p < k; p++ {
							x := float64(at.data()[p*lda+i]) * float64(b.data()[p*ldb+j])
							want += x
							abs += math.Abs(x)
						}
						if got := float64(c.data()[i*ldc+j]); math.Abs(got-want) > gemmTol(k, abs) {
							t.Fatalf("%s: c[%d][%d] = %g, want %g", fmt.Sprint(sh), i, j, got, want)
						}
					}
				}
			}
		})
	}
}
