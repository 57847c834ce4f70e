package tensor

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// Tolerances of the elementary functions against the float64 library.
const (
	f32ulp     = 1.0 / (1 << 23) // spacing of float32 at 1
	expRelTol  = 1.5 * f32ulp    // Exp32: within 1.5 ulp of math.Exp
	expAbsTol  = 1e-45           // … or the subnormal step
	erfAbsTol  = 2e-7            // Erf32: A&S 7.1.26's 1.5e-7 plus rounding
	tanhAbsTol = 1.5 * f32ulp    // Tanh32: ≤ 1.5 ulp at 1 …
	tanhRelTol = 1.5 * f32ulp    // … and ≤ 1.5 ulp relative near 0
	// GELU's error is 0.5·|x|·(erf error) plus rounding.
	geluAbsTol = 1.5 * f32ulp
	normRelTol = 4 * f32ulp // LayerNorm / softmax against float64 references
	normAbsTol = 1e-6
)

// sweep returns n evenly spaced values over [lo, hi] plus special points.
func sweep(lo, hi float64, n int) []float32 {
	out := []float32{0, float32(math.Copysign(0, -1)), 1e-30, -1e-30, 1e-7, -1e-7, 0.5, -0.5, 0.55, -0.55}
	for i := 0; i <= n; i++ {
		out = append(out, float32(lo+(hi-lo)*float64(i)/float64(n)))
	}
	return out
}

func TestExp32(t *testing.T) {
	for _, x := range sweep(-104, 88.7, 400000) {
		got := float64(Exp32(x))
		want := math.Exp(float64(x))
		if float32(want) == 0 || math.IsInf(float64(float32(want)), 1) {
			want = float64(float32(want))
		}
		if d := math.Abs(got - want); d > expRelTol*want+expAbsTol {
			t.Fatalf("Exp32(%v) = %v, want %v (rel err %g)", x, got, want, d/want)
		}
	}
	if !math.IsInf(float64(Exp32(89)), 1) || Exp32(-105) != 0 || Exp32(-math.MaxFloat32) != 0 {
		t.Fatal("Exp32 range limits")
	}
	if nan := Exp32(float32(math.NaN())); nan == nan {
		t.Fatal("Exp32(NaN) is not NaN")
	}
	if Exp32(0) != 1 {
		t.Fatalf("Exp32(0) = %v", Exp32(0))
	}
}

func TestErf32(t *testing.T) {
	for _, x := range sweep(-10, 10, 200000) {
		got, want := float64(Erf32(x)), math.Erf(float64(x))
		if d := math.Abs(got - want); d > erfAbsTol {
			t.Fatalf("Erf32(%v) = %v, want %v (err %g)", x, got, want, d)
		}
	}
}

func TestTanh32(t *testing.T) {
	for _, x := range sweep(-20, 20, 200000) {
		got, want := float64(Tanh32(x)), math.Tanh(float64(x))
		if d := math.Abs(got - want); d > tanhAbsTol && d > tanhRelTol*math.Abs(want) {
			t.Fatalf("Tanh32(%v) = %v, want %v (err %g)", x, got, want, d)
		}
	}
}

func TestGELU(t *testing.T) {
	xs := sweep(-12, 12, 100000)
	got, gotT := make([]float32, len(xs)), make([]float32, len(xs))
	GELU(got, xs)
	GELUTanh(gotT, xs)
	for i, x := range xs {
		xf := float64(x)
		want := 0.5 * xf * (1 + math.Erf(xf/math.Sqrt2))
		if d := math.Abs(float64(got[i]) - want); d > 0.5*math.Abs(xf)*erfAbsTol+geluAbsTol*math.Max(1, math.Abs(want)) {
			t.Fatalf("GELU(%v) = %v, want %v (err %g)", x, got[i], want, d)
		}
		wantT := 0.5 * xf * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(xf+0.044715*xf*xf*xf)))
		if d := math.Abs(float64(gotT[i]) - wantT); d > geluAbsTol*math.Max(1, math.Abs(wantT)) {
			t.Fatalf("GELUTanh(%v) = %v, want %v (err %g)", x, gotT[i], wantT, d)
		}
	}
	// In place.
	in := append([]float32(nil), xs...)
	GELU(in, in)
	if !sameBits(in, got) {
		t.Fatal("GELU in place differs")
	}
}

func refLayerNorm(src []float32, rows, cols int, gamma, beta []float32, eps float64) []float64 {
	out := make([]float64, rows*cols)
	for r := 0; r < rows; r++ {
		row := src[r*cols : (r+1)*cols]
		var mean, v float64
		for _, x := range row {
			mean += float64(x)
		}
		mean /= float64(cols)
		for _, x := range row {
			v += (float64(x) - mean) * (float64(x) - mean)
		}
		v /= float64(cols)
		for j, x := range row {
			y := (float64(x) - mean) / math.Sqrt(v+eps) * float64(gamma[j])
			if beta != nil {
				y += float64(beta[j])
			}
			out[r*cols+j] = y
		}
	}
	return out
}

func closeTo(got float32, want float64) bool {
	return math.Abs(float64(got)-want) <= normAbsTol+normRelTol*math.Abs(want)
}

func TestLayerNorm(t *testing.T) {
	const rows, cols, eps = 7, 384, 1e-12
	rng := rand.New(rand.NewPCG(3, 4))
	x, res, gamma, beta := make([]float32, rows*cols), make([]float32, rows*cols), make([]float32, cols), make([]float32, cols)
	randFill(rng, x)
	randFill(rng, res)
	randFill(rng, gamma)
	randFill(rng, beta)
	for i := range x {
		x[i] = x[i]*3 + 100 // a large mean exercises the two-pass variance
	}
	want := refLayerNorm(x, rows, cols, gamma, beta, eps)
	got := make([]float32, len(x))
	LayerNorm(got, x, rows, cols, gamma, beta, eps)
	for i := range got {
		if !closeTo(got[i], want[i]) {
			t.Fatalf("LayerNorm[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	wantNB := refLayerNorm(x, rows, cols, gamma, nil, eps)
	LayerNorm(got, x, rows, cols, gamma, nil, eps)
	for i := range got {
		if !closeTo(got[i], wantNB[i]) {
			t.Fatalf("LayerNorm no beta [%d] = %v, want %v", i, got[i], wantNB[i])
		}
	}
	sum := make([]float32, len(x))
	Add(sum, x, res)
	wantA := refLayerNorm(sum, rows, cols, gamma, beta, eps)
	AddLayerNorm(x, x, res, rows, cols, gamma, beta, eps) // in place over a
	for i := range x {
		if !closeTo(x[i], wantA[i]) {
			t.Fatalf("AddLayerNorm[%d] = %v, want %v", i, x[i], wantA[i])
		}
	}
}

func TestSoftmaxMasked(t *testing.T) {
	const rows, cols = 5, 37
	const scale = 0.125
	rng := rand.New(rand.NewPCG(5, 6))
	for _, maskVal := range []float32{-10000, -math.MaxFloat32} {
		x := make([]float32, rows*cols)
		randFill(rng, x)
		Scale(x, 20)
		mask := make([]float32, cols)
		for j := cols - 9; j < cols; j++ {
			mask[j] = maskVal // padded positions
		}
		want := make([]float64, len(x))
		for r := 0; r < rows; r++ {
			mx := math.Inf(-1)
			v := make([]float64, cols)
			for j := range v {
				v[j] = float64(float32(x[r*cols+j]*scale) + mask[j])
				mx = math.Max(mx, v[j])
			}
			var s float64
			for j := range v {
				v[j] = math.Exp(v[j] - mx)
				s += v[j]
			}
			for j := range v {
				want[r*cols+j] = v[j] / s
			}
		}
		SoftmaxMasked(x, rows, cols, scale, mask)
		for i := range x {
			if !closeTo(x[i], want[i]) {
				t.Fatalf("mask %v: softmax[%d] = %v, want %v", maskVal, i, x[i], want[i])
			}
			if mask[i%cols] != 0 && x[i] != 0 {
				t.Fatalf("mask %v: padded position %d has probability %v", maskVal, i, x[i])
			}
		}
	}
	// Fully masked row with a finite mask: uniform, as ONNX Runtime gives.
	x := []float32{1, 2, 3}
	SoftmaxMasked(x, 1, 3, 1, []float32{-math.MaxFloat32, -math.MaxFloat32, -math.MaxFloat32})
	for _, v := range x {
		if math.Abs(float64(v)-1.0/3) > normAbsTol {
			t.Fatalf("fully masked row = %v, want uniform", x)
		}
	}
	y := []float32{1000, 0, -1000}
	Softmax(y, 1, 3)
	if y[0] != 1 || y[1] != 0 || y[2] != 0 {
		t.Fatalf("Softmax overflow guard: %v", y)
	}
}

func TestElementwise(t *testing.T) {
	a := []float32{1, 2, 3, 4, 5, 6}
	b := []float32{10, 20, 30, 40, 50, 60}
	d := make([]float32, 6)
	Add(d, a, b)
	AddTo(d, a)
	AddBias(d, 2, 3, []float32{100, 200, 300})
	want := []float32{112, 224, 336, 148, 260, 372}
	for i := range d {
		if d[i] != want[i] {
			t.Fatalf("Add/AddTo/AddBias = %v, want %v", d, want)
		}
	}
	Scale(d, 0.5)
	if d[0] != 56 {
		t.Fatalf("Scale: %v", d)
	}
	e := make([]float32, 3)
	Exp(e, []float32{0, 1, -1})
	Erf(e[:1], []float32{0.5})
	Tanh(e[1:2], []float32{0.5})
	if math.Abs(float64(e[0])-math.Erf(0.5)) > erfAbsTol || math.Abs(float64(e[1])-math.Tanh(0.5)) > tanhAbsTol ||
		math.Abs(float64(e[2])-math.Exp(-1)) > expRelTol {
		t.Fatalf("Exp/Erf/Tanh slices: %v", e)
	}
}

// Tolerances of the vector (float32-evaluated) kernels.
const (
	vecExpRelTol = 3 * f32ulp // float32 Horner + exponent scaling
	vecExpAbsTol = 2e-38      // results below e**−87 are flushed to 0
)

// elementwiseImpls lists the scalar Go code and the vector kernels this
// machine can run.
func elementwiseImpls() []vecOps {
	impls := []vecOps{{name: "generic"}}
	f := detected()
	if v := vecOpsFor(f); v.name != "generic" {
		impls = append(impls, v)
	}
	if f.AVX512F { // also the AVX2 set that AVX-512 machines extend
		f.AVX512F = false
		if v := vecOpsFor(f); v.name != "generic" {
			impls = append(impls, v)
		}
	}
	return impls
}

// TestKernelElementwise checks every element-wise implementation (scalar
// and vector) against float64 math, on lengths that leave vector tails,
// with guard bands around the output.
func TestKernelElementwise(t *testing.T) {
	xs := sweep(-12, 12, 20011)
	for _, v := range elementwiseImpls() {
		t.Run(v.name, func(t *testing.T) {
			for _, tanhForm := range []bool{false, true} {
				g := newGuarded(len(xs))
				v.gelu(g.data(), xs, tanhForm)
				g.checkGuards(t, "GELU dst")
				for i, x := range xs {
					xf := float64(x)
					want := 0.5 * xf * (1 + math.Erf(xf/math.Sqrt2))
					tol := 0.5*math.Abs(xf)*erfAbsTol + geluAbsTol*math.Max(1, math.Abs(want))
					if tanhForm {
						want = 0.5 * xf * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(xf+0.044715*xf*xf*xf)))
						tol = 2 * geluAbsTol * math.Max(1, math.Abs(want))
					}
					if d := math.Abs(float64(g.data()[i]) - want); !(d <= tol) {
						t.Fatalf("tanh form %v: GELU(%v) = %v, want %v (err %g)", tanhForm, x, g.data()[i], want, d)
					}
				}
			}
			// exp(x − max) with its sum, over [−120, 0] and lengths 1..40.
			es := sweep(-120, 0, 40000)
			for n := 1; n <= 40; n++ {
				es = append(es[:len(es):len(es)], es[:n]...)
			}
			g := newGuarded(len(es))
			copy(g.data(), es)
			const mx = 0.25
			for i := range g.data() {
				g.data()[i] += mx
			}
			in := append([]float32(nil), g.data()...)
			sum := v.expSubSum64(g.data(), mx)
			g.checkGuards(t, "exp x")
			var wantSum float64
			for i, x := range in {
				want := math.Exp(float64(x - mx))
				wantSum += float64(g.data()[i])
				if d := math.Abs(float64(g.data()[i]) - want); d > vecExpRelTol*want+vecExpAbsTol {
					t.Fatalf("exp(%v) = %v, want %v (rel err %g)", x-mx, g.data()[i], want, d/want)
				}
			}
			if math.Abs(sum-wantSum) > 1e-6*wantSum {
				t.Fatalf("exp sum = %v, want %v", sum, wantSum)
			}
		})
	}
}

// TestKernelRowOps checks LayerNorm and masked softmax rows of many
// lengths (vector body plus scalar tail) for every implementation against
// float64 references.
func TestKernelRowOps(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	lengths := []int{1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 384, 768}
	for _, v := range elementwiseImpls() {
		t.Run(v.name, func(t *testing.T) {
			for _, n := range lengths {
				for _, offset := range []float32{0, 50} {
					src, gamma, beta := make([]float32, n), make([]float32, n), make([]float32, n)
					randFill(rng, src)
					randFill(rng, gamma)
					randFill(rng, beta)
					for i := range src {
						src[i] = src[i]*2 + offset
					}
					for _, b := range [][]float32{beta, nil} {
						want := refLayerNorm(src, 1, n, gamma, b, 1e-5)
						g := newGuarded(n)
						v.layerNormRow(g.data(), src, gamma, b, 1e-5)
						g.checkGuards(t, "LayerNorm dst")
						for i := range want {
							if !closeTo(g.data()[i], want[i]) {
								t.Fatalf("n=%d offset %v beta %v: LayerNorm[%d] = %v, want %v", n, offset, b != nil, i, g.data()[i], want[i])
							}
						}
					}
				}
				x, mask := make([]float32, n), make([]float32, n)
				randFill(rng, x)
				Scale(x, 10)
				for j := 0; j < n; j += 3 {
					mask[j] = -10000
				}
				for _, m := range [][]float32{mask, nil} {
					want := make([]float64, n)
					mx := math.Inf(-1)
					for j := range x {
						want[j] = float64(x[j] * 0.125)
						if m != nil {
							want[j] = float64(float32(want[j]) + m[j])
						}
						mx = math.Max(mx, want[j])
					}
					var s float64
					for j := range want {
						want[j] = math.Exp(want[j] - mx)
						s += want[j]
					}
					g := newGuarded(n)
					copy(g.data(), x)
					v.softmaxRow(g.data(), 0.125, m)
					g.checkGuards(t, "softmax row")
					for j := range want {
						if !closeTo(g.data()[j], want[j]/s) {
							t.Fatalf("n=%d mask %v: softmax[%d] = %v, want %v", n, m != nil, j, g.data()[j], want[j]/s)
						}
					}
				}
			}
		})
	}
}

// TestKernelParallelOps: the row-parallel primitives give bit-for-bit the
// result of the serial row code, and a warm call allocates nothing.
func TestKernelParallelOps(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	const rows, cols = 128, 768
	rng := rand.New(rand.NewPCG(11, 12))
	x, res, gamma, beta := make([]float32, rows*cols), make([]float32, rows*cols), make([]float32, cols), make([]float32, cols)
	randFill(rng, x)
	randFill(rng, res)
	randFill(rng, gamma)
	randFill(rng, beta)
	v := detectedVecOps()

	got, want := make([]float32, len(x)), make([]float32, len(x))
	LayerNorm(got, x, rows, cols, gamma, beta, 1e-12)
	for r := 0; r < rows; r++ {
		v.layerNormRow(want[r*cols:(r+1)*cols], x[r*cols:(r+1)*cols], gamma, beta, 1e-12)
	}
	if !sameBits(got, want) {
		t.Fatal("parallel LayerNorm differs from the serial rows")
	}
	AddLayerNorm(got, x, res, rows, cols, gamma, beta, 1e-12)
	for r := 0; r < rows; r++ {
		w := want[r*cols : (r+1)*cols]
		Add(w, x[r*cols:(r+1)*cols], res[r*cols:(r+1)*cols])
		v.layerNormRow(w, w, gamma, beta, 1e-12)
	}
	if !sameBits(got, want) {
		t.Fatal("parallel AddLayerNorm differs from the serial rows")
	}
	mask := make([]float32, cols)
	mask[cols-1] = -10000
	copy(got, x)
	copy(want, x)
	SoftmaxMasked(got, rows, cols, 0.125, mask)
	for r := 0; r < rows; r++ {
		v.softmaxRow(want[r*cols:(r+1)*cols], 0.125, mask)
	}
	if !sameBits(got, want) {
		t.Fatal("parallel softmax differs from the serial rows")
	}
	n := len(x) - 5 // a tail in the last chunk
	GELU(got[:n], x[:n])
	v.gelu(want[:n], x[:n], false)
	if !sameBits(got[:n], want[:n]) {
		t.Fatal("parallel GELU differs from the serial code")
	}
	GELUTanh(got[:n], x[:n])
	v.gelu(want[:n], x[:n], true)
	if !sameBits(got[:n], want[:n]) {
		t.Fatal("parallel GELUTanh differs from the serial code")
	}

	if raceEnabled {
		return // the race detector's instrumentation allocates
	}
	for _, f := range []struct {
		name string
		fn   func()
	}{
		{"LayerNorm", func() { LayerNorm(got, x, rows, cols, gamma, beta, 1e-12) }},
		{"AddLayerNorm", func() { AddLayerNorm(got, x, res, rows, cols, gamma, beta, 1e-12) }},
		{"SoftmaxMasked", func() { SoftmaxMasked(got, rows, cols, 0.125, mask) }},
		{"GELU", func() { GELU(got, x) }},
	} {
		f.fn()
		if a := testing.AllocsPerRun(10, f.fn); a != 0 {
			t.Errorf("%s: %v allocations per warm call", f.name, a)
		}
	}
}

// refSoftmax is softmax_j(float32(x[j]·scale) + mask[j]) in float64 after
// the float32 scale and mask, as every implementation forms its inputs.
func refSoftmax(x []float32, scale float32, mask []float32) []float64 {
	want := make([]float64, len(x))
	mx := math.Inf(-1)
	for j := range x {
		y := x[j] * scale
		if mask != nil {
			y += mask[j]
		}
		want[j] = float64(y)
		mx = math.Max(mx, want[j])
	}
	var s float64
	for j := range want {
		want[j] = math.Exp(want[j] - mx)
		s += want[j]
	}
	for j := range want {
		want[j] /= s
	}
	return want
}

// TestKernelSoftmaxBlock checks blocks of softmax rows (the attention
// path: one vector call for many rows ld apart) for every implementation
// against float64, on every length 1..70 and a few longer ones, with
// masks of −10000, −MaxFloat32 and −Inf, sentinels in the gaps between
// rows and guard bands around the block; then special rows: fully masked
// (uniform with a finite mask, NaN with −Inf), huge scores, and a NaN or
// +Inf score (NaN row, as the scalar code gives).
func TestKernelSoftmaxBlock(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	lengths := []int{}
	for n := 1; n <= 70; n++ {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, 127, 128, 129, 384, 515)
	const rows, gap, scale = 3, 5, 0.17677669
	for _, v := range elementwiseImpls() {
		t.Run(v.name, func(t *testing.T) {
			for _, n := range lengths {
				ld := n + gap
				for mi, maskVal := range []float32{0, -10000, -math.MaxFloat32, float32(math.Inf(-1))} {
					var mask []float32
					if mi > 0 {
						mask = make([]float32, n)
						for j := range mask {
							if j > 0 && rng.IntN(3) == 0 {
								mask[j] = maskVal
							}
						}
					}
					g := newGuarded((rows-1)*ld + n)
					x := g.data()
					src := make([]float32, len(x))
					randFill(rng, src)
					Scale(src, 30)
					for r := 0; r < rows; r++ {
						for j := n; j < ld && r*ld+j < len(src); j++ {
							src[r*ld+j] = sentinel
						}
					}
					copy(x, src)
					v.softmaxBlock(x, rows, n, ld, scale, mask)
					g.checkGuards(t, "softmax block")
					for r := 0; r < rows; r++ {
						want := refSoftmax(src[r*ld:r*ld+n], scale, mask)
						for j := range want {
							if got := x[r*ld+j]; !closeTo(got, want[j]) || (mask != nil && mask[j] < -1000 && got != 0) {
								t.Fatalf("n=%d mask %v row %d: softmax[%d] = %v, want %v", n, maskVal, r, j, got, want[j])
							}
						}
						for j := n; j < ld && r*ld+j < len(x); j++ {
							if math.Float32bits(x[r*ld+j]) != math.Float32bits(sentinel) {
								t.Fatalf("n=%d: gap after row %d overwritten", n, r)
							}
						}
					}
				}
			}
			inf, nan := float32(math.Inf(1)), float32(math.NaN())
			for _, n := range []int{1, 3, 16, 17, 40} {
				row := func(f func(j int) float32) []float32 {
					x := make([]float32, n)
					for j := range x {
						x[j] = f(j)
					}
					return x
				}
				full := func(m float32) []float32 { return row(func(int) float32 { return m }) }
				x := row(func(j int) float32 { return float32(j) })
				v.softmaxBlock(x, 1, n, n, 1, full(-math.MaxFloat32))
				for _, p := range x {
					if math.Abs(float64(p)-1/float64(n)) > normAbsTol {
						t.Fatalf("n=%d: fully masked row (finite mask) = %v, want uniform", n, x)
					}
				}
				x = row(func(j int) float32 { return float32(j) })
				v.softmaxBlock(x, 1, n, n, 1, full(float32(math.Inf(-1))))
				for _, p := range x {
					if p == p {
						t.Fatalf("n=%d: fully masked row (−Inf mask) = %v, want NaN", n, x)
					}
				}
				x = row(func(j int) float32 { return float32(j%5-2) * 1e30 })
				want := refSoftmax(x, 1, nil)
				v.softmaxBlock(x, 1, n, n, 1, nil)
				for j := range want {
					if !closeTo(x[j], want[j]) {
						t.Fatalf("n=%d: huge scores: softmax[%d] = %v, want %v", n, j, x[j], want[j])
					}
				}
				for _, bad := range []float32{nan, inf} {
					x = row(func(j int) float32 { return float32(j) })
					x[n/2] = bad
					v.softmaxBlock(x, 1, n, n, 1, nil)
					for _, p := range x {
						if p == p {
							t.Fatalf("n=%d: a %v score gives %v, want a NaN row", n, bad, x)
						}
					}
				}
			}
		})
	}
}

// TestKernelExpAccuracy sweeps softmax's exponential densely over
// [−87, 0] for every implementation: relative error within vecExpRelTol
// of float64 (the AVX-512 polynomial's worst case is about 1.4·2^-23).
func TestKernelExpAccuracy(t *testing.T) {
	n := 1 << 22
	if testing.Short() {
		n = 1 << 16
	}
	x := make([]float32, n)
	for _, v := range elementwiseImpls() {
		t.Run(v.name, func(t *testing.T) {
			for i := range x {
				x[i] = float32(-87 * float64(i) / float64(n-1))
			}
			in := append([]float32(nil), x...)
			v.expSubSum64(x, 0)
			worst := 0.0
			for i, xi := range in {
				want := math.Exp(float64(xi))
				rel := math.Abs(float64(x[i])-want) / want
				if !(rel <= vecExpRelTol) {
					t.Fatalf("exp(%v) = %v, want %v (rel err %.3g·2^-23)", xi, x[i], want, rel/f32ulp)
				}
				worst = max(worst, rel)
			}
			t.Logf("largest relative error %.3g·2^-23", worst/f32ulp)
		})
	}
}

// TestKernelLayerNormRows checks blocks of LayerNorm rows (one vector call
// for 3 or 37 rows) and AddLayerNorm's fused residual sum, in place over
// either operand, for every implementation against float64, on every
// length 1..70 and a few longer ones, with guard bands; then special rows:
// constant (β), tiny and huge values, and a NaN or ±Inf entry (a NaN row,
// as the scalar code gives).
func TestKernelLayerNormRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	lengths := []int{}
	for n := 1; n <= 70; n++ {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, 127, 128, 129, 384, 768, 1001)
	const eps = 1e-5
	for _, v := range elementwiseImpls() {
		t.Run(v.name, func(t *testing.T) {
			for li, n := range lengths {
				rows := 3
				if li%5 == 0 || n == 384 {
					rows = 37 // more than one chunk of rows in the vector kernel
				}
				gamma, beta := make([]float32, n), make([]float32, n)
				randFill(rng, gamma)
				randFill(rng, beta)
				a, b := make([]float32, rows*n), make([]float32, rows*n)
				randFill(rng, a)
				randFill(rng, b)
				for i := range a {
					a[i] = a[i]*3 + float32(i%n%7)*20 // a large, uneven mean
				}
				sum := make([]float32, len(a))
				Add(sum, a, b)
				for _, bt := range [][]float32{beta, nil} {
					for _, add := range []bool{false, true} {
						in, operand := a, []float32(nil)
						if add {
							in, operand = sum, b
						}
						want := refLayerNorm(in, rows, n, gamma, bt, eps)
						check := func(what string, got []float32) {
							t.Helper()
							for i := range want {
								if !closeTo(got[i], want[i]) {
									t.Fatalf("n=%d beta %v %s: [%d] = %v, want %v", n, bt != nil, what, i, got[i], want[i])
								}
							}
						}
						g := newGuarded(rows * n)
						var ob []float32
						if add {
							ob = b
						}
						v.layerNormRows(g.data(), a, ob, rows, n, gamma, bt, eps)
						g.checkGuards(t, "LayerNorm dst")
						check("into dst", g.data())
						// In place over the first operand, and (AddLayerNorm) over
						// the second.
						x := append([]float32(nil), a...)
						v.layerNormRows(x, x, operand, rows, n, gamma, bt, eps)
						check("in place", x)
						if add {
							y := append([]float32(nil), b...)
							v.layerNormRows(y, a, y, rows, n, gamma, bt, eps)
							check("in place over b", y)
						}
					}
				}
			}
			for _, n := range []int{1, 5, 16, 17, 50} {
				gamma, beta := make([]float32, n), make([]float32, n)
				randFill(rng, gamma)
				randFill(rng, beta)
				for _, c := range []struct {
					name string
					fill func(j int) float32
				}{
					{"constant", func(int) float32 { return 3.25 }},
					{"zero", func(int) float32 { return 0 }},
					{"tiny", func(j int) float32 { return float32(j%3-1) * 1e-30 }},
					{"large", func(j int) float32 { return float32(j%5) * 1e15 }},
					{"offset", func(j int) float32 { return 1e6 + float32(j%4) }},
				} {
					x := make([]float32, n)
					for j := range x {
						x[j] = c.fill(j)
					}
					want := refLayerNorm(x, 1, n, gamma, beta, eps)
					got := make([]float32, n)
					v.layerNormRows(got, x, nil, 1, n, gamma, beta, eps)
					for j := range want {
						if !closeTo(got[j], want[j]) {
							t.Fatalf("n=%d %s row: [%d] = %v, want %v", n, c.name, j, got[j], want[j])
						}
					}
				}
				for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
					x := make([]float32, n)
					randFill(rng, x)
					x[n/2] = float32(bad)
					got := make([]float32, n)
					v.layerNormRows(got, x, nil, 1, n, gamma, beta, eps)
					for _, y := range got {
						if y == y {
							t.Fatalf("n=%d: a %v entry gives %v, want a NaN row", n, bad, got)
						}
					}
				}
			}
		})
	}
}

// TestAdd checks Add (vector body, scalar tail) bit for bit against the
// float32 sum on ragged lengths, into a fresh slice and in place over
// either operand, with guard bands after dst.
func TestAdd(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for n := 0; n <= 70; n++ {
		a, b := make([]float32, n), make([]float32, n)
		randFill(rng, a)
		randFill(rng, b)
		want := make([]float32, n)
		for i := range want {
			want[i] = a[i] + b[i]
		}
		g := newGuarded(n)
		Add(g.data(), a, b)
		g.checkGuards(t, "Add")
		for _, got := range [][]float32{g.data(), inPlace(a, b, true), inPlace(a, b, false)} {
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("n=%d: Add[%d] = %v, want %v", n, i, got[i], want[i])
				}
			}
		}
	}
}

// inPlace runs Add over a copy of a (intoA) or of b, as dst.
func inPlace(a, b []float32, intoA bool) []float32 {
	x, y := append([]float32(nil), a...), append([]float32(nil), b...)
	if intoA {
		Add(x, x, y)
		return x
	}
	Add(y, x, y)
	return y
}
