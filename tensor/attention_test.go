package tensor

import (
	"fmt"
	"github.com/obscura-ai/obscura/internal/testenv"
	"math"
	"math/rand/v2"
	"testing"
)

// attnRefTol bounds the fused attention's distance from a float64
// evaluation of the same formula: the scores are K=d dot products, the
// softmax adds a few ulps, and the context is a convex combination of V.
const attnRefTol = 2e-5

// attnRef computes one sequence's multi-head attention in float64.
func attnRef(q, k, v []float32, ld, n, heads, d int, scale float32, mask []float32) []float64 {
	exact := func(x float32) float64 { return float64(x) }
	return attnRefRounded(q, k, v, ld, n, heads, d, scale, mask, exact, func(p float64) float64 { return p })
}

// attnRefRounded is attnRef with the operands read through in (Q, K and V)
// and the probabilities through prob before the context sum.
func attnRefRounded(q, k, v []float32, ld, n, heads, d int, scale float32, mask []float32, in func(float32) float64, prob func(float64) float64) []float64 {
	out := make([]float64, n*heads*d)
	s := make([]float64, n)
	for hd := 0; hd < heads; hd++ {
		for i := 0; i < n; i++ {
			mx := math.Inf(-1)
			for t := 0; t < n; t++ {
				var dot float64
				for p := 0; p < d; p++ {
					dot += in(q[i*ld+hd*d+p]) * in(k[t*ld+hd*d+p])
				}
				s[t] = float64(scale) * dot
				if mask != nil {
					s[t] += float64(mask[t])
				}
				mx = math.Max(mx, s[t])
			}
			var sum float64
			for t := range s {
				s[t] = math.Exp(s[t] - mx)
				sum += s[t]
			}
			for j := 0; j < d; j++ {
				var c float64
				for t := 0; t < n; t++ {
					c += prob(s[t]/sum) * in(v[t*ld+hd*d+j])
				}
				out[i*heads*d+hd*d+j] = c
			}
		}
	}
	return out
}

// TestAttention checks the fused attention of every kernel bit for bit
// against the unfused composition (two strided GEMMs around SoftmaxMasked)
// with the same kernel, and within attnRefTol of float64, at lengths that
// leave edge blocks and cross the K block (n > kc), and head sizes that are
// and are not multiples of the register tile.
func TestAttention(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for _, kn := range Kernels() {
		for _, c := range []struct{ n, heads, d int }{{1, 2, 8}, {2, 1, 8}, {5, 3, 32}, {7, 2, 24}, {13, 2, 40}, {40, 4, 16}, {259, 1, 32}, {300, 2, 32}} {
			if testing.Short() && c.n > 100 && kn.name == "generic" {
				continue
			}
			t.Run(fmt.Sprintf("%s/n=%d/heads=%d/d=%d", kn.name, c.n, c.heads, c.d), func(t *testing.T) {
				w := c.heads * c.d
				ld := 3*w + 5
				qkv := make([]float32, c.n*ld)
				randFill(rng, qkv)
				mask := make([]float32, c.n)
				for i := range mask {
					if i > 0 && rng.IntN(4) == 0 {
						mask[i] = -10000
					}
				}
				scale := float32(1 / math.Sqrt(float64(c.d)))
				q, k, v := qkv, qkv[w:], qkv[2*w:]
				ldc := w + 3
				got := newGuarded((c.n-1)*ldc + w)
				kn.Attention(got.data(), ldc, q, k, v, ld, c.n, c.heads, c.d, scale, mask)
				got.checkGuards(t, "context")

				want := make([]float32, len(got.data()))
				s := make([]float32, c.n*c.n)
				for hd := 0; hd < c.heads; hd++ {
					kn.MatMulStrided(s, c.n, q[hd*c.d:], ld, k[hd*c.d:], ld, c.n, c.d, c.n, true, nil)
					SoftmaxMasked(s, c.n, c.n, scale, mask)
					kn.MatMulStrided(want[hd*c.d:], ldc, s, c.n, v[hd*c.d:], ld, c.n, c.n, c.d, false, nil)
				}
				ref := attnRef(q, k, v, ld, c.n, c.heads, c.d, scale, mask)
				for i := 0; i < c.n; i++ {
					for j := 0; j < w; j++ {
						g := got.data()[i*ldc+j]
						if math.Float32bits(g) != math.Float32bits(want[i*ldc+j]) {
							t.Fatalf("ctx[%d][%d] = %v, unfused %v", i, j, g, want[i*ldc+j])
						}
						if d := math.Abs(float64(g) - ref[i*w+j]); !(d <= attnRefTol) {
							t.Fatalf("ctx[%d][%d] = %v, float64 %v", i, j, g, ref[i*w+j])
						}
					}
				}
			})
		}
	}
}

// BenchmarkAttention times one MiniLM layer's attention (12 heads of 32)
// fused and as the unfused composition.
func BenchmarkAttention(b *testing.B) {
	const heads, d = 12, 32
	for _, n := range []int{128, 512} {
		w := heads * d
		qkv := make([]float32, n*3*w)
		randFill(rand.New(rand.NewPCG(1, 2)), qkv)
		ctx := make([]float32, n*w)
		scale := float32(1 / math.Sqrt(d))
		b.Run(fmt.Sprintf("fused/n=%d", n), func(b *testing.B) {
			cpu0 := testenv.ProcessCPU()
			for i := 0; i < b.N; i++ {
				Attention(ctx, w, qkv, qkv[w:], qkv[2*w:], 3*w, n, heads, d, scale, nil)
			}
			b.ReportMetric(float64((testenv.ProcessCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
		s := make([]float32, heads*n*n)
		b.Run(fmt.Sprintf("unfused/n=%d", n), func(b *testing.B) {
			cpu0 := testenv.ProcessCPU()
			for i := 0; i < b.N; i++ {
				ParallelGrain(heads, 1, func(lo, hi int) {
					for hd := lo; hd < hi; hd++ {
						sc := s[hd*n*n : (hd+1)*n*n]
						MatMulStrided(sc, n, qkv[hd*d:], 3*w, qkv[w+hd*d:], 3*w, n, d, n, true, nil)
						SoftmaxMasked(sc, n, n, scale, nil)
						MatMulStrided(ctx[hd*d:], w, sc, n, qkv[2*w+hd*d:], 3*w, n, n, d, false, nil)
					}
				})
			}
			b.ReportMetric(float64((testenv.ProcessCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}

// TestPackTransBlocks checks the 16×16-transpose packing of K_hᵀ against
// packBPanels for every kernel with a suitable panel width, on ragged n
// and k, a row stride wider than k, and guard bands around the output.
func TestPackTransBlocks(t *testing.T) {
	v := detectedVecOps()
	if v.transpose16 == nil {
		t.Skip("no block transpose here")
	}
	rng := rand.New(rand.NewPCG(41, 42))
	for _, kn := range Kernels() {
		if kn.nr%16 != 0 {
			continue
		}
		for _, n := range []int{1, 2, 15, 16, 17, 31, 32, 33, 47, 64, 70, 128, 130} {
			for _, k := range []int{1, 3, 15, 16, 17, 24, 32, 33, 40, 64} {
				ldb := k + 7
				b := make([]float32, (n-1)*ldb+k)
				randFill(rng, b)
				want := make([]float32, kn.packedBLen(k, n))
				for i := range want {
					want[i] = sentinel
				}
				kn.packBPanels(want, b, ldb, k, n, true, 0, ceilDiv(n, kn.nr))
				g := newGuarded(len(want))
				packTransBlocks(v.transpose16, g.data(), b, ldb, k, n, kn.nr)
				g.checkGuards(t, "packed panels")
				for i := range want {
					if math.Float32bits(g.data()[i]) != math.Float32bits(want[i]) {
						t.Fatalf("%s n=%d k=%d: packed[%d] = %v, want %v", kn.name, n, k, i, g.data()[i], want[i])
					}
				}
			}
		}
	}
}

// TestPackRowPanels32 checks the vector packing of V_h against
// packBPanels for the kernels with 32-column panels, on ragged k and n, a
// row stride wider than n, and guard bands around the output.
func TestPackRowPanels32(t *testing.T) {
	v := detectedVecOps()
	if v.packRows32 == nil {
		t.Skip("no vector row packing here")
	}
	rng := rand.New(rand.NewPCG(43, 44))
	for _, kn := range Kernels() {
		if kn.nr != 32 {
			continue
		}
		for _, k := range []int{1, 2, 15, 16, 17, 33, 70, 128, 130} {
			for _, n := range []int{1, 3, 15, 16, 17, 24, 31, 32, 33, 40, 64, 70} {
				ldb := n + 7
				b := make([]float32, (k-1)*ldb+n)
				randFill(rng, b)
				want := make([]float32, kn.packedBLen(k, n))
				for i := range want {
					want[i] = sentinel
				}
				kn.packBPanels(want, b, ldb, k, n, false, 0, ceilDiv(n, kn.nr))
				g := newGuarded(len(want))
				packRowPanels32(v.packRows32, g.data(), b, ldb, k, n)
				g.checkGuards(t, "packed panels")
				for i := range want {
					if math.Float32bits(g.data()[i]) != math.Float32bits(want[i]) {
						t.Fatalf("%s k=%d n=%d: packed[%d] = %v, want %v", kn.name, k, n, i, g.data()[i], want[i])
					}
				}
			}
		}
	}
}
