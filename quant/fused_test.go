package quant

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/obscura-ai/obscura/tensor"
)

// unfused returns a copy of kern without the in-register epilogue: every
// tile then goes through the int32 tile and the separate epilogue, the
// path microDeq must reproduce bit for bit.
func unfused(kern *kernel) *kernel {
	k := *kern
	k.microDeq = nil
	return &k
}

// fusedKernels are the available kernels with an in-register epilogue.
func fusedKernels(t testing.TB) []*kernel {
	var out []*kernel
	for _, k := range availableKernels(t) {
		if k.microDeq != nil {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		t.Skip("no kernel with an in-register epilogue on this machine")
	}
	return out
}

// extremeF are float32 values for scales, biases and row scales at the
// edges of the format.
var extremeF = []float32{0, float32(math.Copysign(0, -1)), 1e-38, 1e-45, 3e38, -3e38,
	float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 0.5, -7, 1}

// TestKernelMicroDeq checks microDeq against micro followed by dequantTile
// (or dequantTileAdd) on random packed operands, with extreme corr, scales,
// bias and row scales, rows written outStride apart between sentinels:
// nothing outside the tiles×mr rows of nr columns may change.
func TestKernelMicroDeq(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	for _, kern := range fusedKernels(t) {
		mr, nr := kern.mr, kern.nr
		for _, tiles := range []int{1, 2, 3, 16} {
			for _, kp := range []int{4, 8, 12, 64, 100, 128, 384} {
				if kp%kern.kAlign != 0 {
					continue // not a K this kernel is ever given
				}
				for _, outStride := range []int{nr, nr + 5, 3*nr + 1} {
					for _, add := range []bool{false, true} {
						for _, ext := range []bool{false, true} {
							name := fmt.Sprintf("%s tiles=%d kp=%d stride=%d add=%v extremes=%v", kern.name, tiles, kp, outStride, add, ext)
							checkMicroDeq(t, r, kern, name, tiles, kp, outStride, add, ext, mr, nr)
						}
					}
				}
			}
		}
	}
}

func checkMicroDeq(t *testing.T, r *rand.Rand, kern *kernel, name string, tiles, kp, outStride int, add, ext bool, mr, nr int) {
	t.Helper()
	a := make([]byte, tiles*mr*kp)
	for i := range a {
		a[i] = byte(r.IntN(256))
	}
	b := make([]int8, nr*kp)
	for i := range b {
		b[i] = int8(r.IntN(256) - 128)
	}
	next := make([]int8, nr*kp)
	corr := make([]int32, nr)
	for i := range corr {
		corr[i] = int32(r.IntN(1<<20)) - 1<<19
	}
	scales, bias := randFloats(r, nr, 0.01), randFloats(r, nr, 1)
	sx := randFloats(r, tiles*mr, 0.05)
	if ext {
		for i := range scales {
			scales[i] = extremeF[r.IntN(len(extremeF))]
			bias[i] = extremeF[r.IntN(len(extremeF))]
			corr[i] = []int32{0, math.MaxInt32, math.MinInt32, 1 << 24, -(1 << 24) - 1}[r.IntN(5)]
		}
		for i := range sx {
			sx[i] = extremeF[r.IntN(len(extremeF))]
		}
	}
	rows := tiles * mr
	size := guard + (rows-1)*outStride + nr + guard
	base := randFloats(r, size, 2)
	if ext {
		for i := range base {
			if r.IntN(4) == 0 {
				base[i] = extremeF[r.IntN(len(extremeF))]
			}
		}
	}
	inTile := func(i int) bool {
		i -= guard
		return i >= 0 && i < (rows-1)*outStride+nr && i%outStride < nr
	}
	want := make([]float32, size)
	got := make([]float32, size)
	for i := range want {
		if inTile(i) {
			want[i], got[i] = base[i], base[i]
		} else {
			want[i], got[i] = sentinelF, sentinelF
		}
	}
	c := make([]int32, rows*nr)
	kern.micro(a, b, c, tiles, kp)
	if add {
		dequantTileAdd(want[guard:], outStride, c, nr, rows, corr, scales, bias, sx)
	} else {
		dequantTile(want[guard:], outStride, c, nr, rows, corr, scales, bias, sx)
	}
	nx := next
	if tiles == 2 {
		nx = nil
	}
	kern.microDeq(a, b, nx, tiles, kp, got[guard:], outStride, corr, scales, bias, sx, add)
	for i := range got {
		if !sameF32(got[i], want[i]) {
			t.Fatalf("%s: out[%d] = %g (%#x), want %g (%#x)", name, i-guard, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

// fusedShapes are M×K×N shapes for the fused-epilogue tests: ragged sizes
// around the 8-row tiles and 32-column panels, BERT projections and a
// large ragged one.
func fusedShapes(r *rand.Rand) [][3]int {
	shapes := [][3]int{
		{128, 384, 1536}, {128, 1536, 384}, {128, 384, 384}, {300, 384, 1536},
		{43, 500, 401}, {8, 4, 32}, {16, 64, 64}, {136, 40, 96}, {129, 33, 65},
	}
	near := []int{1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65}
	for _, m := range near {
		for _, n := range near {
			shapes = append(shapes, [3]int{m, near[r.IntN(len(near))], n})
		}
	}
	for i := 0; i < 60; i++ {
		shapes = append(shapes, [3]int{1 + r.IntN(70), 1 + r.IntN(70), 1 + r.IntN(70)})
	}
	return shapes
}

// TestMatMulFusedEpilogue checks MatMul, MatMulAdd and MatMulAct(ActGELU)
// with the in-register epilogue against the same kernel without it, bit
// for bit (NaN payloads included), on ragged and BERT shapes, with zero,
// huge, tiny and non-finite activation rows, extreme weight scales and
// biases, and a dst between sentinel guard bands.
func TestMatMulFusedEpilogue(t *testing.T) {
	r := rand.New(rand.NewPCG(43, 44))
	for _, kern := range fusedKernels(t) {
		plain := unfused(kern)
		for si, sh := range fusedShapes(r) {
			m, k, n := sh[0], sh[1], sh[2]
			ext := si%3 == 2
			x, w, bias := randFloats(r, m*k, 1), randFloats(r, k*n, 0.1), randFloats(r, n, 0.5)
			q, scales := QuantizeWeights(w, k, n)
			if ext {
				for i := 0; i < m; i += 5 {
					v := []float32{0, 3e38, 1e-40, float32(math.Inf(-1)), float32(math.NaN())}[i/5%5]
					for p := 0; p < k; p++ {
						x[i*k+p] = v * float32(1+p%3)
					}
				}
				for j := range scales {
					if r.IntN(3) == 0 {
						scales[j] = extremeF[r.IntN(len(extremeF))]
					}
					if r.IntN(3) == 0 {
						bias[j] = extremeF[r.IntN(len(extremeF))]
					}
				}
			}
			fm := pack(kern, q, scales, k, n)
			pm := pack(plain, q, scales, k, n)
			dst0 := randFloats(r, m*n, 2)
			if ext {
				for i := range dst0 {
					if r.IntN(7) == 0 {
						dst0[i] = extremeF[r.IntN(len(extremeF))]
					}
				}
			}
			for _, mode := range []string{"MatMul", "MatMulAdd", "GELU"} {
				for _, b := range [][]float32{bias, nil} {
					name := fmt.Sprintf("%s %s %dx%dx%d bias=%v extremes=%v", kern.name, mode, m, k, n, b != nil, ext)
					runMode := func(mat *Matrix) []float32 {
						buf := make([]float32, guard+m*n+guard)
						for i := range buf {
							buf[i] = sentinelF
						}
						dst := buf[guard : guard+m*n]
						ws := NewWorkspace()
						switch mode {
						case "MatMul":
							mat.MatMul(dst, x, m, b, ws)
						case "MatMulAdd":
							copy(dst, dst0)
							mat.MatMulAdd(dst, x, m, b, ws)
						default:
							mat.MatMulAct(dst, x, m, b, ActGELU, ws)
						}
						return buf
					}
					got, want := runMode(fm), runMode(pm)
					for i := range got {
						g, w := math.Float32bits(got[i]), math.Float32bits(want[i])
						inside := i >= guard && i < guard+m*n
						if g != w || (!inside && g != math.Float32bits(sentinelF)) {
							t.Fatalf("%s: buf[%d] (dst[%d]) = %#x, want %#x (%d bits differ)", name, i, i-guard, g, w, bits.OnesCount32(g^w))
						}
					}
				}
			}
		}
	}
}

// TestMatMulFusedGELUWhole checks on the fc1 shape that MatMulAct(ActGELU)
// with the in-register epilogue equals MatMul followed by tensor.GELU.
func TestMatMulFusedGELUWhole(t *testing.T) {
	const m, k, n = 128, 384, 1536
	r := rand.New(rand.NewPCG(45, 46))
	x, w, bias := randFloats(r, m*k, 1), randFloats(r, k*n, 0.1), randFloats(r, n, 0.5)
	for _, kern := range fusedKernels(t) {
		q, scales := QuantizeWeights(w, k, n)
		mat := pack(kern, q, scales, k, n)
		want := make([]float32, m*n)
		pack(unfused(kern), q, scales, k, n).MatMul(want, x, m, bias, nil)
		tensor.GELU(want, want)
		got := make([]float32, m*n)
		mat.MatMulAct(got, x, m, bias, ActGELU, nil)
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%s: dst[%d] = %g, want %g", kern.name, i, got[i], want[i])
			}
		}
	}
}

// BenchmarkFusedEpilogue compares, per kernel with an in-register
// epilogue, MatMul and MatMulAdd on the BERT shapes with it ("fused") and
// without it ("tile": int32 tile, then the separate epilogue), in one
// process.
func BenchmarkFusedEpilogue(b *testing.B) {
	shapes := append([][3]int{{128, 384, 384}, {128, 1536, 384}}, benchShapes...)
	for _, sh := range shapes {
		m, k, n := sh[0], sh[1], sh[2]
		r := rand.New(rand.NewPCG(1, 1))
		x, w, bias := randFloats(r, m*k, 1), randFloats(r, k*n, 0.05), randFloats(r, n, 0.1)
		q, scales := QuantizeWeights(w, k, n)
		dst := make([]float32, m*n)
		for _, kern := range fusedKernels(b) {
			for _, add := range []bool{false, true} {
				for _, fused := range []bool{true, false} {
					kk, label := kern, "fused"
					if !fused {
						kk, label = unfused(kern), "tile"
					}
					op := "MatMul"
					if add {
						op = "MatMulAdd"
					}
					b.Run(fmt.Sprintf("%s/%s/%dx%dx%d/%s", kern.name, op, m, k, n, label), func(b *testing.B) {
						mat := pack(kk, q, scales, k, n)
						ws := NewWorkspace()
						mat.MatMul(dst, x, m, bias, ws)
						b.ResetTimer()
						for i := 0; i < b.N; i++ {
							if add {
								mat.MatMulAdd(dst, x, m, bias, ws)
							} else {
								mat.MatMul(dst, x, m, bias, ws)
							}
						}
					})
				}
			}
		}
	}
}
