package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
)

// bf16OpSets are the bfloat16 kernel sets to test here: this machine's
// (when it has assembly ones) and the Go reference set.
func bf16OpSets() []bf16Ops {
	if ops := detectedBF16Ops(); ops.name != bf16Generic.name {
		return []bf16Ops{ops, bf16Generic}
	}
	return []bf16Ops{bf16Generic}
}

// nearestBF16 is the reference rounding, by comparison in float64: of the
// two bfloat16 values around x, the nearer, ties to the even one.
func nearestBF16(x float32) uint16 {
	b := math.Float32bits(x)
	lo := uint16(b >> 16) // truncated toward zero
	if b&0xffff == 0 {
		return lo
	}
	hi := lo + 1 // next away from zero (Inf after the largest finite)
	dl := math.Abs(float64(x) - float64(math.Float32frombits(uint32(lo)<<16)))
	dh := math.Abs(float64(math.Float32frombits(uint32(hi)<<16)) - float64(x))
	switch {
	case dl < dh:
		return lo
	case dh < dl:
		return hi
	case lo&1 == 0:
		return lo
	}
	return hi
}

func TestBF16Round(t *testing.T) {
	for _, c := range []struct {
		x    float32
		want uint16
	}{
		{1, 0x3f80},
		{-2, 0xc000},
		{1 + 1.0/256, 0x3f80},        // a tie, to even
		{1 + 3.0/256, 0x3f82},        // a tie, to even (up)
		{1 + 1.0/256 + 1e-7, 0x3f81}, // just above the tie
		{math.Float32frombits(1), 0}, // a denormal: zero
		{-math.Float32frombits(0x7fffff), 0x8000},
		{float32(math.Inf(1)), 0x7f80},
		{math.MaxFloat32, 0x7f80}, // rounds up to +Inf
		{0, 0},
	} {
		if got := bf16Round(c.x); got != c.want {
			t.Errorf("bf16Round(%g) = %#04x, want %#04x", c.x, got, c.want)
		}
	}
	if got := bf16Round(float32(math.NaN())); got&0x7f80 != 0x7f80 || got&0x7f == 0 {
		t.Errorf("bf16Round(NaN) = %#04x, not a NaN", got)
	}
	rng := rand.New(rand.NewPCG(3, 5))
	for i := 0; i < 200000; i++ {
		x := math.Float32frombits(rng.Uint32())
		if math.IsNaN(float64(x)) || math.Float32bits(x)&0x7f800000 == 0 {
			continue
		}
		if got, want := bf16Round(x), nearestBF16(x); got != want {
			t.Fatalf("bf16Round(%g) = %#04x, nearest %#04x", x, got, want)
		}
	}
}

// bf16Values are floats of every kind the converters meet: ordinary
// magnitudes, exact ties, denormals, zeros, infinities and large values.
func bf16Values(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		switch rng.IntN(8) {
		case 0:
			s[i] = math.Float32frombits(rng.Uint32()&0xffff0000 | 0x8000) // a tie
		case 1:
			s[i] = math.Float32frombits(rng.Uint32() & 0x807fffff) // denormal or zero
		case 2:
			s[i] = float32(math.Inf(1 - 2*rng.IntN(2)))
		case 3:
			s[i] = (rng.Float32()*2 - 1) * 3e38
		default:
			s[i] = rng.Float32()*8 - 4
		}
	}
	return s
}

// TestBF16Kernels checks each kernel set's row converter and V packer bit
// for bit against bf16Round, and its micro-kernel against an exact float64
// sum of the same bfloat16 products, on ragged shapes, strides and
// depths, with guard words around the outputs.
func TestBF16Kernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 1))
	const g = 16
	for _, ops := range bf16OpSets() {
		t.Run(ops.name+"/rows", func(t *testing.T) {
			for _, c := range [][2]int{{1, 1}, {1, 2}, {3, 7}, {2, 16}, {4, 31}, {5, 32}, {3, 33}, {2, 63}, {7, 64}, {2, 100}, {1, 515}} {
				rows, cols := c[0], c[1]
				lds, ldd := cols+rng.IntN(5), cols+cols&1+2*rng.IntN(3)
				src := bf16Values(rng, (rows-1)*lds+cols)
				full := make([]uint16, (rows-1)*ldd+cols+cols&1+2*g)
				for i := range full {
					full[i] = 0xbeef
				}
				ops.rows(&full[g], ldd, &src[0], lds, rows, cols)
				for i := range full {
					r, j := (i-g)/ldd, (i-g)%ldd
					inside := i >= g && r < rows && j < cols+cols&1
					switch {
					case !inside && full[i] != 0xbeef:
						t.Fatalf("%d×%d: word %d outside the rows overwritten", rows, cols, i-g)
					case inside && j < cols && full[i] != bf16Round(src[r*lds+j]):
						t.Fatalf("%d×%d: [%d][%d] = %#04x for %g, want %#04x", rows, cols, r, j, full[i], src[r*lds+j], bf16Round(src[r*lds+j]))
					case inside && j == cols && full[i] != 0:
						t.Fatalf("%d×%d: row %d's padding word is %#04x", rows, cols, r, full[i])
					}
				}
			}
		})
		t.Run(ops.name+"/packV", func(t *testing.T) {
			for _, rows := range []int{1, 2, 3, 8, 31, 32, 33, 129} {
				for _, w := range []int{1, 5, 16, 17, 31, 32} {
					lds := w + rng.IntN(40)
					src := bf16Values(rng, (rows-1)*lds+w)
					pairs := ceilDiv(rows, 2)
					full := make([]uint32, pairs*32+2*g)
					for i := range full {
						full[i] = 0xdeadbeef
					}
					ops.packV(&full[g], &src[0], lds, rows, w)
					want := make([]uint32, pairs*32)
					bf16PackVGo(&want[0], &src[0], lds, rows, w)
					for i := range full {
						if i < g || i >= g+len(want) {
							if full[i] != 0xdeadbeef {
								t.Fatalf("rows %d w %d: guard word %d overwritten", rows, w, i)
							}
							continue
						}
						p, c := (i-g)/32, (i-g)%32
						lo, hi := uint16(0), uint16(0)
						if c < w {
							lo = bf16Round(src[2*p*lds+c])
							if 2*p+1 < rows {
								hi = bf16Round(src[(2*p+1)*lds+c])
							}
						}
						if got := full[i]; got != uint32(lo)|uint32(hi)<<16 || got != want[i-g] {
							t.Fatalf("rows %d w %d: step %d lane %d = %#08x, want %#04x%04x", rows, w, p, c, got, hi, lo)
						}
					}
				}
			}
		})
		t.Run(ops.name+"/micro", func(t *testing.T) {
			for _, kp := range []int{1, 2, 3, 16, 17, 64, 257} {
				for _, acc := range []int{0, 1} {
					lda, ldc := kp+rng.IntN(4), 32+rng.IntN(9)
					toPairs := func(n int) []uint32 {
						s := make([]uint32, n)
						for i := range s {
							s[i] = uint32(bf16Round(rng.Float32()*2-1)) | uint32(bf16Round(rng.Float32()*2-1))<<16
						}
						return s
					}
					a, b := toPairs(7*lda+kp), toPairs(kp*32)
					c := newGuarded(7*ldc + 32)
					c0 := make([]float32, len(c.data()))
					randFill(rng, c0)
					copy(c.data(), c0)
					ops.micro8x32(&a[0], lda, &b[0], &c.data()[0], ldc, kp, acc)
					c.checkGuards(t, "tile")
					for r := 0; r < 8; r++ {
						for j := 0; j < 32; j++ {
							var exact, mag float64
							for p := 0; p < kp; p++ {
								x, y := a[r*lda+p], b[p*32+j]
								for _, sh := range []int{0, 16} {
									v := float64(bf16Float(uint16(x>>sh))) * float64(bf16Float(uint16(y>>sh)))
									exact, mag = exact+v, mag+math.Abs(v)
								}
							}
							if acc != 0 {
								exact += float64(c0[r*ldc+j])
								mag += math.Abs(float64(c0[r*ldc+j]))
							}
							got := c.data()[r*ldc+j]
							// fp32 sums: one rounding per addition.
							if d := math.Abs(float64(got) - exact); !(d <= float64(2*kp+2)*0x1p-24*mag) {
								t.Fatalf("kp %d acc %d: c[%d][%d] = %v, exact %v", kp, acc, r, j, got, exact)
							}
						}
					}
				}
			}
		})
	}
}

// attnBF16Ref is attnRef on bfloat16 operands: Q, K and V rounded, the
// scores and softmax in float64, the probabilities rounded (through
// float32, as the kernels round the fp32 softmax), the context in float64.
func attnBF16Ref(q, k, v []float32, ld, n, heads, d int, scale float32, mask []float32) []float64 {
	r := func(x float32) float64 { return float64(bf16Float(bf16Round(x))) }
	return attnRefRounded(q, k, v, ld, n, heads, d, scale, mask, r, func(p float64) float64 { return r(float32(p)) })
}

// TestAttentionBF16 checks the bfloat16 attention of each kernel set
// against the float64 evaluation of the same rounded operands (the
// distance is the fp32 sums and the odd probability that fp32 and float64
// softmax round to neighbouring bfloat16 values), and against the fp32
// Attention within the bfloat16 error, on ragged lengths (edge blocks of
// 8 rows and panels of 32), odd and wide head sizes, strided rows and a
// key mask.
func TestAttentionBF16(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 17))
	for _, ops := range bf16OpSets() {
		for _, c := range []struct{ n, heads, d int }{{1, 2, 8}, {2, 1, 8}, {7, 3, 17}, {8, 2, 32}, {9, 2, 40}, {33, 1, 64}, {65, 2, 32}, {130, 1, 24}, {200, 2, 32}} {
			t.Run(fmt.Sprintf("%s/n=%d/heads=%d/d=%d", ops.name, c.n, c.heads, c.d), func(t *testing.T) {
				w := c.heads * c.d
				ld := 3*w + 5
				qkv := make([]float32, c.n*ld)
				for i := range qkv {
					qkv[i] = rng.Float32()*6 - 3 // scores of a few units, as in trained models
				}
				mask := make([]float32, c.n)
				for i := range mask {
					if i > 0 && rng.IntN(4) == 0 {
						mask[i] = float32(math.Inf(-1))
					}
				}
				scale := float32(1 / math.Sqrt(float64(c.d)))
				q, k, v := qkv, qkv[w:], qkv[2*w:]
				ldc := w + 3
				got := newGuarded((c.n-1)*ldc + w)
				attentionBF16(ops, detectedVecOps(), got.data(), ldc, q, k, v, ld, c.n, c.heads, c.d, scale, mask)
				got.checkGuards(t, "context")
				ref := attnBF16Ref(q, k, v, ld, c.n, c.heads, c.d, scale, mask)
				exact := attnRef(q, k, v, ld, c.n, c.heads, c.d, scale, mask)
				var worst float64
				for i := 0; i < c.n; i++ {
					for j := 0; j < w; j++ {
						g := float64(got.data()[i*ldc+j])
						if d := math.Abs(g - ref[i*w+j]); !(d <= 0.02) {
							t.Fatalf("ctx[%d][%d] = %v, float64 on the bfloat16 operands %v", i, j, g, ref[i*w+j])
						}
						worst = max(worst, math.Abs(g-exact[i*w+j]))
					}
				}
				// |V| ≤ 3: bfloat16 operands move a context value by a
				// few hundredths at most.
				if !(worst <= 0.1) {
					t.Fatalf("bfloat16 context off the exact one by up to %v", worst)
				}
				t.Logf("max |bf16 − exact| %.4f", worst)
			})
		}
	}
}

// BenchmarkAttentionBF16 times one MiniLM layer's attention (12 heads of
// 32) in bfloat16 next to the fp32 Attention, where the hardware has it.
func BenchmarkAttentionBF16(b *testing.B) {
	if !HasBF16Attention() {
		b.Skip("no AVX-512 BF16 here")
	}
	const heads, d = 12, 32
	for _, n := range []int{128, 512} {
		w := heads * d
		qkv := make([]float32, n*3*w)
		randFill(rand.New(rand.NewPCG(1, 2)), qkv)
		ctx := make([]float32, n*w)
		scale := float32(1 / math.Sqrt(d))
		for _, v := range []struct {
			name string
			fn   func(ctx []float32, ldc int, q, k, v []float32, ld, n, heads, d int, scale float32, mask []float32)
		}{{"fp32", Attention}, {"bf16", AttentionBF16}} {
			b.Run(fmt.Sprintf("%s/n=%d", v.name, n), func(b *testing.B) {
				cpu0 := testenv.ProcessCPU()
				for i := 0; i < b.N; i++ {
					v.fn(ctx, w, qkv, qkv[w:], qkv[2*w:], 3*w, n, heads, d, scale, nil)
				}
				b.ReportMetric(float64((testenv.ProcessCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
			})
		}
	}
}
