package quant

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"testing"

	"github.com/obscura-ai/obscura/internal/cpu"
	"github.com/obscura-ai/obscura/tensor"
)

// quantRelTol bounds MatMul's error against fp32, relative to the largest
// |y| of the row: 8-bit symmetric quantization of both operands gives about
// 0.5% on Gaussian data; 2% leaves room without hiding a wrong scale.
const quantRelTol = 0.02

// boundSlack covers float32 rounding on top of the analytic quantization
// error bound (relative to the bound).
const boundSlack = 1e-3

func randFloats(r *rand.Rand, n int, std float64) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64() * std)
	}
	return s
}

func fp32MatMul(x, w, bias []float32, m, k, n int) []float32 {
	y := make([]float32, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				s += float64(x[i*k+p]) * float64(w[p*n+j])
			}
			if bias != nil {
				s += float64(bias[j])
			}
			y[i*n+j] = float32(s)
		}
	}
	return y
}

// TestMatMulAccuracy checks MatMul against fp32 two ways: within the
// analytic bound of symmetric rounding, Σ_k |x|·sw/2 + sx/2·(|w| + sw/2),
// and within quantRelTol of the row's largest output.
func TestMatMulAccuracy(t *testing.T) {
	const m, k, n = 23, 384, 150
	r := rand.New(rand.NewPCG(7, 8))
	x := randFloats(r, m*k, 1)
	w := randFloats(r, k*n, 0.05)
	bias := randFloats(r, n, 0.1)
	want := fp32MatMul(x, w, bias, m, k, n)
	_, sw := QuantizeWeights(w, k, n)
	for _, kern := range availableKernels(t) {
		t.Run(kern.name, func(t *testing.T) {
			mat, err := PackWeightsWith(w, k, n, Options{Kernel: kern.name})
			if err != nil {
				t.Fatal(err)
			}
			got := make([]float32, m*n)
			mat.MatMul(got, x, m, bias, NewWorkspace())
			for i := 0; i < m; i++ {
				var amax, rowMax float64
				for p := 0; p < k; p++ {
					amax = math.Max(amax, math.Abs(float64(x[i*k+p])))
				}
				sx := amax / 127
				for j := 0; j < n; j++ {
					rowMax = math.Max(rowMax, math.Abs(float64(want[i*n+j])))
				}
				for j := 0; j < n; j++ {
					var bound float64
					s := float64(sw[j])
					for p := 0; p < k; p++ {
						bound += math.Abs(float64(x[i*k+p]))*s/2 + sx/2*(math.Abs(float64(w[p*n+j]))+s/2)
					}
					d := math.Abs(float64(got[i*n+j] - want[i*n+j]))
					if d > bound*(1+boundSlack) {
						t.Fatalf("y[%d,%d]: error %g exceeds the rounding bound %g", i, j, d, bound)
					}
					if d > quantRelTol*rowMax {
						t.Fatalf("y[%d,%d]: error %g exceeds %g of the row max %g", i, j, d, quantRelTol, rowMax)
					}
				}
			}
		})
	}
}

// geluEpilogueTol bounds the epilogue GELU's distance from the erf form in
// float64, relative to max(1, |x|): erf by A&S 7.1.26 is within 1.5e-7.
const geluEpilogueTol = 1e-6

// TestMatMulKernelsAgree checks that MatMul (quantizer, packing, parallel
// driver and epilogue, with and without GELU) produces bit-identical output
// with every kernel, equal to dequantizing the reference int32 product.
func TestMatMulKernelsAgree(t *testing.T) {
	const m, k, n = 37, 301, 77
	r := rand.New(rand.NewPCG(9, 10))
	x := randFloats(r, m*k, 2)
	w := randFloats(r, k*n, 0.1)
	bias := randFloats(r, n, 0.5)
	x[5*k+3] = 0 // an all-zero row must give bias exactly
	for p := 0; p < k; p++ {
		x[11*k+p] = 0
	}
	qw, sw := QuantizeWeights(w, k, n)
	qx := make([]int8, m*k)
	sx := make([]float32, m)
	for i := 0; i < m; i++ {
		sx[i] = quantizeRow(qx[i*k:(i+1)*k], x[i*k:(i+1)*k])
	}
	acc := make([]int32, m*n)
	refGemm(acc, qx, qw, m, k, n)
	for _, act := range []Act{ActNone, ActGELU} {
		lin := make([]float32, m*n)
		for i := range lin {
			j := i % n
			lin[i] = float32(float32(float32(acc[i])*sx[i/n])*sw[j]) + bias[j]
		}
		for _, kern := range availableKernels(t) {
			want := append([]float32(nil), lin...)
			if act == ActGELU {
				// The fused epilogue equals tensor's GELU on the whole output.
				tensor.GELU(want, want)
				for i, v := range lin {
					exact := 0.5 * float64(v) * (1 + math.Erf(float64(v)/math.Sqrt2))
					if d := math.Abs(float64(want[i]) - exact); !(d <= geluEpilogueTol*math.Max(1, math.Abs(float64(v)))) {
						t.Fatalf("GELU(%g) = %g, erf form %g", v, want[i], exact)
					}
				}
			}
			mat, err := PackWeightsWith(w, k, n, Options{Kernel: kern.name})
			if err != nil {
				t.Fatal(err)
			}
			got := make([]float32, m*n)
			xCopy := append([]float32(nil), x...)
			mat.MatMulAct(got, x, m, bias, act, NewWorkspace())
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%s act=%d: y[%d,%d] = %g, want %g", kern.name, act, i/n, i%n, got[i], want[i])
				}
			}
			for i := range x {
				if x[i] != xCopy[i] {
					t.Fatalf("%s: MatMul modified its input", kern.name)
				}
			}
			for j := 0; j < n; j++ {
				if act == ActNone && got[11*n+j] != bias[j] {
					t.Fatalf("%s: zero row gave %g, want bias %g", kern.name, got[11*n+j], bias[j])
				}
			}
		}
	}
}

func TestMatMulWarmDoesNotAllocate(t *testing.T) {
	const m, k, n = 64, 128, 96
	r := rand.New(rand.NewPCG(11, 12))
	x, w := randFloats(r, m*k, 1), randFloats(r, k*n, 0.1)
	mat := PackWeights(w, k, n)
	dst := make([]float32, m*n)
	ws := NewWorkspace()
	mat.MatMul(dst, x, m, nil, ws)
	if a := testing.AllocsPerRun(20, func() { mat.MatMul(dst, x, m, nil, ws) }); a != 0 {
		t.Fatalf("warm MatMul allocates %v times per call (GOMAXPROCS %d)", a, runtime.GOMAXPROCS(0))
	}
}

// TestDispatchRule checks the pure dispatch function on feature sets of the
// machines we target, for the kernels compiled into this binary.
func TestDispatchRule(t *testing.T) {
	cases := []struct {
		f    cpu.Features
		want string // expected when the architecture's assembly is compiled in
	}{
		{cpu.Features{Arch: "amd64", AVX2: true, AVX512F: true, AVX512BW: true, AVX512VNNI: true, AVXVNNI: true, AMXInt8: true}, KernelAMX},
		{cpu.Features{Arch: "amd64", AMXInt8: true}, KernelGeneric}, // the amx kernel's edges are AVX-512 code
		{cpu.Features{Arch: "amd64", AVX2: true, AVX512F: true, AVX512BW: true, AVX512VNNI: true, AVXVNNI: true}, KernelAVX512VNNI},
		{cpu.Features{Arch: "amd64", AVX2: true, AVXVNNI: true}, KernelAVXVNNI},
		{cpu.Features{Arch: "amd64", AVX2: true, AVX512F: true, AVX512BW: true}, KernelAVX2},
		{cpu.Features{Arch: "amd64"}, KernelGeneric},
		{cpu.Features{Arch: "arm64", ASIMD: true, DotProd: true, I8MM: true}, KernelSMMLA},
		{cpu.Features{Arch: "arm64", ASIMD: true, DotProd: true}, KernelSDOT},
		{cpu.Features{Arch: "arm64", ASIMD: true}, KernelNEON},
		{cpu.Features{Arch: "riscv64"}, KernelGeneric},
	}
	for _, c := range cases {
		want := KernelGeneric
		if c.f.Arch == runtime.GOARCH && len(archKernels) > 0 {
			want = c.want
		}
		if got := KernelFor(c.f); got != want {
			t.Errorf("KernelFor(%v) = %q, want %q", c.f.List(), got, want)
		}
	}
	if ks := Kernels(); ks[0] != KernelFor(cpu.Detect()) || ks[len(ks)-1] != KernelGeneric {
		t.Errorf("Kernels() = %v, KernelFor(Detect()) = %q", ks, KernelFor(cpu.Detect()))
	}
	if _, err := PackWeightsWith([]float32{1}, 1, 1, Options{Kernel: "no-such"}); err == nil {
		t.Error("an unknown kernel name was accepted")
	}
}

// TestDispatchUnderQEMU asserts the kernel chosen on the CPU model that CI
// emulates (OBSCURA_QEMU_CPU is set by .ci/run next to qemu's -cpu flag).
func TestDispatchUnderQEMU(t *testing.T) {
	model := os.Getenv("OBSCURA_QEMU_CPU")
	if model == "" {
		t.Skip("OBSCURA_QEMU_CPU not set: not running under qemu")
	}
	want := map[string]string{"max": KernelSMMLA, "neoverse-n1": KernelSDOT, "cortex-a53": KernelNEON}[model]
	if want == "" {
		t.Fatalf("no expectation for qemu CPU model %q", model)
	}
	if len(archKernels) == 0 {
		want = KernelGeneric
	}
	f := cpu.Detect()
	if got := KernelFor(f); got != want {
		t.Fatalf("on %s: kernel %q (features %v), want %q", model, got, f.List(), want)
	}
}

// TestKernelQuantizeRow checks each kernel's row quantizer against the Go
// reference bit for bit, including ties, zeros, NaN and infinities, on
// lengths around the vector block sizes.
func TestKernelQuantizeRow(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	type tc struct {
		name string
		x    []float32
	}
	var cases []tc
	for _, n := range []int{1, 7, 8, 9, 31, 32, 33, 63, 64, 65, 100, 384, 3072} {
		cases = append(cases, tc{fmt.Sprintf("gauss%d", n), randFloats(r, n, 3)})
		ties := make([]float32, n)
		for i := range ties {
			ties[i] = float32(i%253-126) + 0.5 // in [−125.5, 126.5]
		}
		ties[0] = 127 // amax 127 → inv = 1: every other value is an exact tie
		cases = append(cases, tc{fmt.Sprintf("ties%d", n), ties})
		cases = append(cases, tc{fmt.Sprintf("zeros%d", n), make([]float32, n)})
		cases = append(cases, tc{fmt.Sprintf("tiny%d", n), randFloats(r, n, 1e-40)}) // 127/max|x| overflows
		for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))} {
			x := randFloats(r, n, 1)
			x[r.IntN(n)] = bad
			cases = append(cases, tc{fmt.Sprintf("%v%d", bad, n), x})
		}
	}
	for _, kern := range availableKernels(t) {
		if kern.quantRow == nil {
			continue
		}
		for _, c := range cases {
			want := make([]int8, len(c.x))
			got := make([]int8, len(c.x)+guard)
			for i := range got {
				got[i] = sentinelI
			}
			ws := quantizeRow(want, c.x)
			gs := kern.quantRow(got, c.x)
			if math.Float32bits(ws) != math.Float32bits(gs) && !(ws != ws && gs != gs) {
				t.Fatalf("%s %s: scale %g, want %g", kern.name, c.name, gs, ws)
			}
			if !slices.Equal(got[:len(c.x)], want) {
				t.Fatalf("%s %s: quantized row differs from the reference", kern.name, c.name)
			}
			for i := len(c.x); i < len(got); i++ {
				if got[i] != sentinelI {
					t.Fatalf("%s %s: wrote past the row", kern.name, c.name)
				}
			}
		}
	}
}

// TestMatMulConcurrent shares one Matrix between goroutines, each with its
// own Workspace, and checks every result against a serial run.
func TestMatMulConcurrent(t *testing.T) {
	const m, k, n, workers = 19, 200, 90, 4
	r := rand.New(rand.NewPCG(17, 18))
	w := randFloats(r, k*n, 0.1)
	mat := PackWeights(w, k, n)
	xs := make([][]float32, workers)
	want := make([][]float32, workers)
	for i := range xs {
		xs[i] = randFloats(r, m*k, 1)
		want[i] = make([]float32, m*n)
		mat.MatMul(want[i], xs[i], m, nil, nil)
	}
	errs := make(chan error, workers)
	for i := 0; i < workers; i++ {
		go func(i int) {
			ws := NewWorkspace()
			got := make([]float32, m*n)
			for rep := 0; rep < 20; rep++ {
				mat.MatMul(got, xs[i], m, nil, ws)
				if !slices.Equal(got, want[i]) {
					errs <- fmt.Errorf("worker %d, repetition %d: result differs", i, rep)
					return
				}
			}
			errs <- nil
		}(i)
	}
	for i := 0; i < workers; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
