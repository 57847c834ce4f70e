package quant

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/obscura-ai/obscura/tensor"
)

// sentinelF marks float32 output cells that an epilogue must not write.
var sentinelF = math.Float32frombits(0x7FA5A5A5) // a NaN payload no computation produces

// sameF32 is bit equality, with every NaN equal to every other NaN (the
// payload of a NaN made by an operation is not part of the contract).
func sameF32(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b && math.Float32bits(a) != math.Float32bits(sentinelF) && math.Float32bits(b) != math.Float32bits(sentinelF))
}

// epilogueCase is one tile for the dequantize epilogues: rows×cols int32
// accumulators (rows accStride apart) with per-column corr, scales, bias
// and per-row sx.
type epilogueCase struct {
	name             string
	rows, cols       int
	accStride        int
	acc, corr        []int32
	scales, bias, sx []float32
}

func epilogueCases(r *rand.Rand) []epilogueCase {
	var cases []epilogueCase
	for cols := 1; cols <= 70; cols++ {
		for _, rows := range []int{1, 3, 8} {
			c := epilogueCase{name: fmt.Sprintf("%dx%d", rows, cols), rows: rows, cols: cols, accStride: cols + 3}
			c.acc = make([]int32, rows*c.accStride)
			for i := range c.acc {
				c.acc[i] = int32(r.IntN(1<<24)) - 1<<23
			}
			c.corr = make([]int32, cols)
			for i := range c.corr {
				c.corr[i] = int32(r.IntN(1<<20)) - 1<<19
			}
			c.scales = randFloats(r, cols, 0.01)
			c.bias = randFloats(r, cols, 1)
			c.sx = randFloats(r, rows, 0.05)
			cases = append(cases, c)
		}
	}
	// Extremes: int32 limits, zero, huge and tiny scales, infinities and
	// NaN (a non-finite row has sx = NaN) in every operand.
	ext := epilogueCase{name: "extremes", rows: 5, cols: 37, accStride: 40}
	ext.acc = make([]int32, ext.rows*ext.accStride)
	accV := []int32{0, 1, -1, math.MaxInt32, math.MinInt32 + 1<<20, 1 << 24, -(1 << 24) - 1, 16777217}
	for i := range ext.acc {
		ext.acc[i] = accV[i%len(accV)]
	}
	ext.corr = make([]int32, ext.cols)
	for i := range ext.corr {
		ext.corr[i] = []int32{0, 128 * 127 * 384, -128 * 128 * 384, 1 << 20}[i%4]
	}
	fV := []float32{0, float32(math.Copysign(0, -1)), 1e-38, 1e-45, 3e38, -3e38, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 0.5, -7}
	ext.scales = make([]float32, ext.cols)
	ext.bias = make([]float32, ext.cols)
	for i := range ext.scales {
		ext.scales[i] = fV[i%len(fV)]
		ext.bias[i] = fV[(i*7+3)%len(fV)]
	}
	ext.sx = []float32{1, 3e38, 1e-40, float32(math.NaN()), 0}
	return append(cases, ext)
}

// TestKernelDequant checks each kernel's vector epilogues (dequant and
// dequantAdd) against dequantTile and dequantTileAdd bit for bit on ragged
// column counts and extreme values, writing into a strided output between
// sentinels: nothing outside the rows×cols cells may change.
func TestKernelDequant(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	cases := epilogueCases(r)
	for _, kern := range availableKernels(t) {
		for _, mode := range []struct {
			name string
			fn   func(out []float32, outStride int, acc []int32, accStride, rows int, corr []int32, scales, bias, sx []float32)
			ref  func(out []float32, outStride int, acc []int32, accStride, rows int, corr []int32, scales, bias, sx []float32)
		}{{"dequant", kern.dequant, dequantTile}, {"dequantAdd", kern.dequantAdd, dequantTileAdd}} {
			if mode.fn == nil {
				continue
			}
			for _, c := range cases {
				outStride := c.cols + 5
				n := guard + c.rows*outStride + guard
				want := make([]float32, n)
				for i := range want {
					want[i] = sentinelF
				}
				base := randFloats(r, c.rows*c.cols, 2)
				for i := 0; i < c.rows; i++ {
					copy(want[guard+i*outStride:], base[i*c.cols:(i+1)*c.cols])
				}
				got := append([]float32(nil), want...)
				mode.ref(want[guard:], outStride, c.acc, c.accStride, c.rows, c.corr, c.scales, c.bias, c.sx)
				mode.fn(got[guard:], outStride, c.acc, c.accStride, c.rows, c.corr, c.scales, c.bias, c.sx)
				for i := range want {
					if !sameF32(got[i], want[i]) {
						t.Fatalf("%s %s %s: out[%d] = %g (%#x), want %g (%#x)", kern.name, mode.name, c.name, i-guard,
							got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
					}
				}
			}
		}
	}
}

// TestDequantTileAdd checks the Go residual epilogue against its
// definition: dequantTile into a temporary, then a float32 add.
func TestDequantTileAdd(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for _, c := range epilogueCases(r) {
		dst := randFloats(r, c.rows*c.cols, 3)
		v := make([]float32, c.rows*c.cols)
		dequantTile(v, c.cols, c.acc, c.accStride, c.rows, c.corr, c.scales, c.bias, c.sx)
		got := append([]float32(nil), dst...)
		dequantTileAdd(got, c.cols, c.acc, c.accStride, c.rows, c.corr, c.scales, c.bias, c.sx)
		for i := range got {
			if want := dst[i] + v[i]; !sameF32(got[i], want) {
				t.Fatalf("%s: out[%d] = %g, want %g", c.name, i, got[i], want)
			}
		}
	}
}

// TestKernelQuantizePack checks each kernel's fused quantize-and-pack
// against quantizeRow followed by interleave, bytes and scale, on every
// length 1…70 and the BERT widths, with ties, zeros, NaN and infinities;
// the row is written with the tile's stride between sentinel bytes that
// must survive (other rows of the tile and the guard bands).
func TestKernelQuantizePack(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	var lengths []int
	for n := 1; n <= 70; n++ {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, 127, 128, 129, 384, 1536)
	for _, kern := range availableKernels(t) {
		if kern.quantPack == nil {
			continue
		}
		var zero byte
		if kern.shiftA {
			zero = 128
		}
		stride := kern.mr * kern.ca
		for _, n := range lengths {
			kp := kern.kpFor(n)
			xs := map[string][]float32{"gauss": randFloats(r, n, 3), "zeros": make([]float32, n)}
			ties := make([]float32, n)
			for i := range ties {
				ties[i] = float32(i%253-126) + 0.5
			}
			ties[0] = 127 // inv = 1: every other value is an exact tie
			xs["ties"] = ties
			big := randFloats(r, n, 1e30)
			xs["huge"] = big
			tiny := randFloats(r, n, 1e-40)
			xs["tiny"] = tiny
			for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))} {
				x := randFloats(r, n, 1)
				x[r.IntN(n)] = bad
				xs[fmt.Sprint(bad)] = x
			}
			for name, x := range xs {
				size := guard + (kp/kern.ca-1)*stride + kern.ca + guard
				want := make([]byte, size)
				for i := range want {
					want[i] = sentinelB
				}
				got := append([]byte(nil), want...)
				q := make([]int8, kp)
				ws := quantizeRow(q[:n], x)
				interleave(want[guard:], q, kern.ca, stride, zero)
				gs := kern.quantPack(got[guard:], stride, x, kp, zero)
				if !sameF32(gs, ws) {
					t.Fatalf("%s n=%d %s: scale %g, want %g", kern.name, n, name, gs, ws)
				}
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("%s n=%d %s: byte %d = %#x, want %#x", kern.name, n, name, i-guard, got[i], want[i])
					}
				}
			}
		}
	}
}

// BenchmarkEpilogue times the edges of one 128-row MatMul with K = 384 and
// N = 1536 per implementation: the row quantizer into the packed layout
// (128 rows) and the dequantize epilogue (48 tiles of 128×32).
func BenchmarkEpilogue(b *testing.B) {
	const rows, k, n, nr = 128, 384, 1536, 32
	r := rand.New(rand.NewPCG(27, 28))
	x := randFloats(r, rows*k, 1)
	a := make([]byte, rows*k)
	for _, kern := range availableKernels(b) {
		if kern.quantPack == nil {
			continue
		}
		b.Run("quantPack/"+kern.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				for row := 0; row < rows; row++ {
					kern.quantPack(a[row%8*4+row/8*8*k:], 32, x[row*k:(row+1)*k], k, 128)
				}
			}
		})
	}
	for _, kern := range availableKernels(b) {
		if kern.quantTile == nil {
			continue
		}
		b.Run("quantTile/"+kern.name, func(b *testing.B) {
			sx := make([]float32, kern.mr)
			for i := 0; i < b.N; i++ {
				for t := 0; t < rows/kern.mr; t++ {
					kern.quantTile(a[t*kern.mr*k:(t+1)*kern.mr*k], x[t*kern.mr*k:(t+1)*kern.mr*k], k, k, 128, sx)
				}
			}
		})
	}
	acc := make([]int32, rows*nr)
	for i := range acc {
		acc[i] = int32(r.IntN(1<<20)) - 1<<19
	}
	corr := make([]int32, n)
	scales, bias, sx := randFloats(r, n, 0.01), randFloats(r, n, 1), randFloats(r, rows, 0.05)
	dst := make([]float32, rows*n)
	for _, kern := range availableKernels(b) {
		for _, mode := range []struct {
			name string
			fn   func(out []float32, outStride int, acc []int32, accStride, rows int, corr []int32, scales, bias, sx []float32)
		}{{"dequant", kern.dequant}, {"dequantAdd", kern.dequantAdd}} {
			if mode.fn == nil {
				continue
			}
			b.Run(mode.name+"/"+kern.name, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					for c0 := 0; c0 < n; c0 += nr {
						mode.fn(dst[c0:], n, acc, nr, rows, corr[c0:c0+nr], scales[c0:c0+nr], bias[c0:c0+nr], sx)
					}
				}
			})
		}
	}
}

// raggedShapes are M×K×N products around every kernel's tile sizes, with
// outputs whose element count leaves a GELU tail (rows·N mod 8 ≠ 0),
// including N < 8 so that the tail spans several rows.
var raggedShapes = [][3]int{
	{1, 1, 1}, {3, 7, 5}, {2, 5, 3}, {5, 33, 13}, {9, 17, 33}, {13, 64, 31}, {8, 384, 32},
	{37, 301, 77}, {70, 70, 70}, {129, 96, 65}, {130, 40, 97},
}

// TestMatMulAdd checks the residual epilogue for every kernel against
// its definition, MatMul into a temporary followed by a float32 add,
// bit for bit, and that nothing past rows×N is written.
func TestMatMulAdd(t *testing.T) {
	r := rand.New(rand.NewPCG(29, 30))
	for _, sh := range raggedShapes {
		m, k, n := sh[0], sh[1], sh[2]
		x, w, bias := randFloats(r, m*k, 1), randFloats(r, k*n, 0.1), randFloats(r, n, 0.5)
		if m > 2 {
			for p := 0; p < k; p++ {
				x[k+p] = 0 // a zero row adds the bias
			}
		}
		dst0 := randFloats(r, m*n+guard, 2)
		for i := m * n; i < len(dst0); i++ {
			dst0[i] = sentinelF
		}
		for _, kern := range availableKernels(t) {
			mat, err := PackWeightsWith(w, k, n, Options{Kernel: kern.name})
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range [][]float32{bias, nil} {
				v := make([]float32, m*n)
				ws := NewWorkspace()
				mat.MatMul(v, x, m, b, ws)
				got := append([]float32(nil), dst0...)
				mat.MatMulAdd(got, x, m, b, ws)
				for i := range got {
					want := dst0[i]
					if i < m*n {
						want = dst0[i] + v[i]
					}
					if !sameF32(got[i], want) {
						t.Fatalf("%s %dx%dx%d bias=%v: dst[%d] = %g, want %g", kern.name, m, k, n, b != nil, i, got[i], want)
					}
				}
			}
		}
	}
}

// TestMatMulGELU checks the fused GELU for every kernel against MatMul
// followed by tensor.GELU on the whole output, bit for bit, on ragged
// shapes (GELU tails inside the last panel and across rows) and with
// large activations, and that nothing past rows×N is written.
func TestMatMulGELU(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	for _, sh := range raggedShapes {
		m, k, n := sh[0], sh[1], sh[2]
		x, w, bias := randFloats(r, m*k, 3), randFloats(r, k*n, 0.2), randFloats(r, n, 1)
		for _, kern := range availableKernels(t) {
			mat, err := PackWeightsWith(w, k, n, Options{Kernel: kern.name})
			if err != nil {
				t.Fatal(err)
			}
			ws := NewWorkspace()
			want := make([]float32, m*n)
			mat.MatMul(want, x, m, bias, ws)
			tensor.GELU(want, want)
			got := make([]float32, m*n+guard)
			for i := range got {
				got[i] = sentinelF
			}
			mat.MatMulAct(got, x, m, bias, ActGELU, ws)
			for i := range got {
				w := sentinelF
				if i < m*n {
					w = want[i]
				}
				if !sameF32(got[i], w) {
					t.Fatalf("%s %dx%dx%d: dst[%d] = %g, want %g", kern.name, m, k, n, i, got[i], w)
				}
			}
		}
	}
}

// BenchmarkGELUEpilogue compares, on the fc1 shape (128×384·384×1536),
// MatMulAct with ActGELU against MatMul followed by tensor.GELU.
func BenchmarkGELUEpilogue(b *testing.B) {
	const m, k, n = 128, 384, 1536
	r := rand.New(rand.NewPCG(33, 34))
	x, w, bias := randFloats(r, m*k, 1), randFloats(r, k*n, 0.05), randFloats(r, n, 0.1)
	mat := PackWeights(w, k, n)
	dst := make([]float32, m*n)
	ws := NewWorkspace()
	b.Run("fused", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			mat.MatMulAct(dst, x, m, bias, ActGELU, ws)
		}
	})
	b.Run("separate", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			mat.MatMul(dst, x, m, bias, ws)
			tensor.GELU(dst, dst)
		}
	})
}

// BenchmarkResidualEpilogue compares, on the fc2 shape (128×1536·1536×384),
// MatMulAdd against MatMul into a temporary followed by tensor.Add.
func BenchmarkResidualEpilogue(b *testing.B) {
	const m, k, n = 128, 1536, 384
	r := rand.New(rand.NewPCG(35, 36))
	x, w, bias := randFloats(r, m*k, 1), randFloats(r, k*n, 0.05), randFloats(r, n, 0.1)
	mat := PackWeights(w, k, n)
	dst, tmp := randFloats(r, m*n, 1), make([]float32, m*n)
	ws := NewWorkspace()
	b.Run("fused", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			mat.MatMulAdd(dst, x, m, bias, ws)
		}
	})
	b.Run("separate", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			mat.MatMul(tmp, x, m, bias, ws)
			tensor.Add(dst, dst, tmp)
		}
	})
}

// coldShapes are the baseline model's GEMMs at 128 tokens: M×K×N for
// QKV, attention output, fc1 and fc2.
var coldShapes = [][3]int{{128, 384, 1152}, {128, 384, 384}, {128, 384, 1536}, {128, 1536, 384}}

// BenchmarkGEMMCold times MatMul on the baseline shapes with cold caches:
// a 96 MB buffer is written between calls (as the other processes of a
// shared benchmark evict our weights), the input and output are touched
// again (in the model they are hot) and only the MatMul is timed.
func BenchmarkGEMMCold(b *testing.B) {
	flush := make([]byte, 96<<20)
	for _, sh := range coldShapes {
		m, k, n := sh[0], sh[1], sh[2]
		r := rand.New(rand.NewPCG(37, 38))
		x, w, bias := randFloats(r, m*k, 1e-3), randFloats(r, k*n, 0.05), randFloats(r, n, 0.1)
		mat := PackWeights(w, k, n)
		dst := make([]float32, m*n)
		ws := NewWorkspace()
		mat.MatMul(dst, x, m, bias, ws)
		for _, pf := range []bool{true, false} {
			// The weight prefetch is switched off by clearing microNext
			// and prefetch on the kernel for the duration of the
			// sub-benchmark.
			saved, savedFirst := mat.kern.microNext, mat.kern.prefetch
			if !pf {
				mat.kern.microNext, mat.kern.prefetch = nil, nil
			}
			b.Run(fmt.Sprintf("%dx%dx%d/prefetch=%v", m, k, n, pf), func(b *testing.B) {
				var total time.Duration
				for i := 0; i < b.N; i++ {
					for j := 0; j < len(flush); j += 64 {
						flush[j]++
					}
					// In the model the activations were just written:
					// only the weights are cold.
					tensor.Add(dst, dst, dst)
					tensor.Add(x, x, x)
					start := time.Now()
					mat.MatMul(dst, x, m, bias, ws)
					total += time.Since(start)
				}
				b.ReportMetric(float64(total.Nanoseconds())/float64(b.N), "ns/matmul")
			})
			mat.kern.microNext, mat.kern.prefetch = saved, savedFirst
		}
	}
}

// TestMatMulAddGELUWarmDoNotAllocate: the residual and GELU epilogues,
// like MatMul, allocate nothing once the Workspace has grown.
func TestMatMulAddGELUWarmDoNotAllocate(t *testing.T) {
	const m, k, n = 64, 128, 96
	r := rand.New(rand.NewPCG(39, 40))
	x, w := randFloats(r, m*k, 1), randFloats(r, k*n, 0.1)
	for _, kern := range availableKernels(t) {
		mat, err := PackWeightsWith(w, k, n, Options{Kernel: kern.name})
		if err != nil {
			t.Fatal(err)
		}
		dst := make([]float32, m*n)
		ws := NewWorkspace()
		mat.MatMulAdd(dst, x, m, nil, ws)
		mat.MatMulAct(dst, x, m, nil, ActGELU, ws)
		if a := testing.AllocsPerRun(10, func() { mat.MatMulAdd(dst, x, m, nil, ws) }); a != 0 {
			t.Errorf("%s: warm MatMulAdd allocates %v times per call", kern.name, a)
		}
		if a := testing.AllocsPerRun(10, func() { mat.MatMulAct(dst, x, m, nil, ActGELU, ws) }); a != 0 {
			t.Errorf("%s: warm MatMulAct(ActGELU) allocates %v times per call", kern.name, a)
		}
	}
}

// TestKernelQuantizeTile checks each kernel's whole-tile quantizer against
// quantizeRow followed by interleave on each of its mr rows, bytes and
// scales, on every K 1…70 and the BERT widths, with ties, huge values and
// tiles holding a zero, tiny, NaN or infinite row (which go row by row),
// written into a tile between sentinel bytes that must survive.
func TestKernelQuantizeTile(t *testing.T) {
	r := rand.New(rand.NewPCG(43, 44))
	var ks []int
	for k := 1; k <= 70; k++ {
		ks = append(ks, k)
	}
	ks = append(ks, 127, 128, 129, 384, 1536)
	for _, kern := range availableKernels(t) {
		if kern.quantTile == nil {
			continue
		}
		var zero byte
		if kern.shiftA {
			zero = 128
		}
		mr, ca := kern.mr, kern.ca
		for _, k := range ks {
			kp := kern.kpFor(k)
			cases := map[string][]float32{"gauss": randFloats(r, mr*k, 2), "huge": randFloats(r, mr*k, 1e30)}
			ties := make([]float32, mr*k)
			for i := range ties {
				ties[i] = float32((i*7)%253-126) + 0.5
			}
			for i := 0; i < mr; i++ {
				ties[i*k] = 127 // every row's max: inv = 1, the others exact ties
			}
			cases["ties"] = ties
			for name, bad := range map[string]float32{"zero": 0, "tiny": 1e-40, "nan": float32(math.NaN()), "inf": float32(math.Inf(-1))} {
				x := randFloats(r, mr*k, 1)
				row := r.IntN(mr)
				if name == "zero" || name == "tiny" {
					for p := 0; p < k; p++ {
						x[row*k+p] = bad * float32(p%3)
					}
				} else {
					x[row*k+r.IntN(k)] = bad
				}
				cases[name] = x
			}
			for name, x := range cases {
				size := guard + kp*mr + guard
				want := make([]byte, size)
				for i := range want {
					want[i] = sentinelB
				}
				got := append([]byte(nil), want...)
				wantS := make([]float32, mr)
				gotS := make([]float32, mr+1)
				gotS[mr] = sentinelF
				q := make([]int8, kp)
				for i := 0; i < mr; i++ {
					clear(q)
					wantS[i] = quantizeRow(q[:k], x[i*k:(i+1)*k])
					interleave(want[guard+i*ca:], q, ca, mr*ca, zero)
				}
				kern.quantTile(got[guard:guard+kp*mr], x, k, kp, zero, gotS)
				for i := 0; i < mr; i++ {
					if !sameF32(gotS[i], wantS[i]) {
						t.Fatalf("%s k=%d %s: scale[%d] = %g, want %g", kern.name, k, name, i, gotS[i], wantS[i])
					}
				}
				if math.Float32bits(gotS[mr]) != math.Float32bits(sentinelF) {
					t.Fatalf("%s k=%d %s: wrote past the tile's scales", kern.name, k, name)
				}
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("%s k=%d %s: byte %d = %#x, want %#x", kern.name, k, name, i-guard, got[i], want[i])
					}
				}
			}
		}
	}
}
