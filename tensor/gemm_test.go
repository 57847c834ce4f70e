package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"
)

// gemmUnitRoundoff is float32's unit roundoff u = 2⁻²⁴. A K-term dot product
// accumulated in float32 (any order, with or without FMA) is within
// γ_K·Σ|a·b| ≈ K·u·Σ|a·b| of the exact sum; gemmTolFactor leaves room for
// the bias add, the final rounding and blocked accumulation.
const (
	gemmUnitRoundoff = 1.0 / (1 << 24)
	gemmTolFactor    = 2.0
	gemmAbsTol       = 1e-30 // floor for all-zero rows
)

// gemmTol is the allowed |got-want| for one element whose |a|·|b| sum
// (plus |bias|) is absSum, at inner dimension k.
func gemmTol(k int, absSum float64) float64 {
	return gemmTolFactor*float64(k+2)*gemmUnitRoundoff*absSum + gemmAbsTol
}

// guard is the number of sentinel elements on each side of every buffer.
const guard = 67

// sentinel is a NaN payload no kernel produces.
var sentinel = math.Float32frombits(0x7fa5a5a5)

// guarded is a buffer of n usable elements surrounded by sentinels.
type guarded struct{ full []float32 }

func newGuarded(n int) guarded {
	g := guarded{full: make([]float32, n+2*guard)}
	for i := range g.full {
		g.full[i] = sentinel
	}
	return g
}

func (g guarded) data() []float32 { return g.full[guard : len(g.full)-guard] }

func (g guarded) checkGuards(t *testing.T, what string) {
	t.Helper()
	n := len(g.full)
	for i := 0; i < guard; i++ {
		if math.Float32bits(g.full[i]) != math.Float32bits(sentinel) ||
			math.Float32bits(g.full[n-1-i]) != math.Float32bits(sentinel) {
			t.Fatalf("%s: guard band overwritten", what)
		}
	}
}

func randFill(rng *rand.Rand, s []float32) {
	for i := range s {
		s[i] = rng.Float32()*2 - 1
	}
}

func absOf(s []float32) []float32 {
	out := make([]float32, len(s))
	for i, v := range s {
		out[i] = float32(math.Abs(float64(v)))
	}
	return out
}

// gemmCase is one GEMM problem with strides and options.
type gemmCase struct {
	m, k, n       int
	lda, ldb, ldc int
	transB, bias  bool
	packed        bool // use PackB/PackBTrans + MatMulPackedStrided
}

func (gc gemmCase) String() string {
	return fmt.Sprintf("m%d_k%d_n%d_lda%d_ldb%d_ldc%d_t%v_b%v_p%v", gc.m, gc.k, gc.n, gc.lda, gc.ldb, gc.ldc, gc.transB, gc.bias, gc.packed)
}

// gemmInputs holds the operands and the reference results of one case, so
// that several kernels can be checked against one reference computation.
type gemmInputs struct {
	gc      gemmCase
	a, b, s []float32 // s is the bias (nil when !gc.bias)
	want    []float32 // reference C (row stride ldc)
	absSum  []float32 // reference on |a|, |b|, |bias|
}

func newGemmInputs(gc gemmCase, seed uint64) *gemmInputs {
	rng := rand.New(rand.NewPCG(seed, uint64(gc.m*1000003+gc.k*1009+gc.n)))
	in := &gemmInputs{gc: gc}
	in.a = make([]float32, max(0, (gc.m-1)*gc.lda+gc.k))
	brows, bcols := gc.k, gc.n
	if gc.transB {
		brows, bcols = gc.n, gc.k
	}
	in.b = make([]float32, max(0, (brows-1)*gc.ldb+bcols))
	randFill(rng, in.a)
	randFill(rng, in.b)
	if gc.bias {
		in.s = make([]float32, gc.n)
		randFill(rng, in.s)
	}
	size := max(0, (gc.m-1)*gc.ldc+gc.n)
	in.want = make([]float32, size)
	in.absSum = make([]float32, size)
	refGemm(in.want, gc.ldc, in.a, gc.lda, in.b, gc.ldb, gc.m, gc.k, gc.n, gc.transB, in.s)
	var as []float32
	if in.s != nil {
		as = absOf(in.s)
	}
	refGemm(in.absSum, gc.ldc, absOf(in.a), gc.lda, absOf(in.b), gc.ldb, gc.m, gc.k, gc.n, gc.transB, as)
	return in
}

// check runs kn on the case with guard bands and sentinel-filled output and
// compares with the reference.
func (in *gemmInputs) check(t *testing.T, kn *Kernel) {
	t.Helper()
	gc := in.gc
	ga, gb := newGuarded(len(in.a)), newGuarded(len(in.b))
	copy(ga.data(), in.a)
	copy(gb.data(), in.b)
	var gs guarded
	var bias []float32
	if in.s != nil {
		gs = newGuarded(len(in.s))
		copy(gs.data(), in.s)
		bias = gs.data()
	}
	gcOut := newGuarded(len(in.want))
	c := gcOut.data()

	if gc.packed {
		var pb *PackedB
		if gc.transB {
			pb = kn.PackBTrans(gb.data(), gc.k, gc.n)
		} else {
			if gc.ldb != gc.n {
				t.Fatalf("packed case needs ldb = n")
			}
			pb = kn.PackB(gb.data(), gc.k, gc.n)
		}
		if pb.Kernel() != kn || pb.K() != gc.k || pb.N() != gc.n {
			t.Fatalf("PackedB reports kernel %v k %d n %d", pb.Kernel(), pb.K(), pb.N())
		}
		MatMulPackedStrided(c, gc.ldc, ga.data(), gc.lda, gc.m, pb, bias)
	} else {
		kn.MatMulStrided(c, gc.ldc, ga.data(), gc.lda, gb.data(), gc.ldb, gc.m, gc.k, gc.n, gc.transB, bias)
	}

	ga.checkGuards(t, "A")
	gb.checkGuards(t, "B")
	gcOut.checkGuards(t, "C")
	if in.s != nil {
		gs.checkGuards(t, "bias")
		if !sameBits(gs.data(), in.s) {
			t.Fatalf("%v: bias modified", gc)
		}
	}
	if !sameBits(ga.data(), in.a) || !sameBits(gb.data(), in.b) {
		t.Fatalf("%v: input modified", gc)
	}
	bad := 0
	for i := 0; i < gc.m; i++ {
		for j := 0; j < gc.ldc && i*gc.ldc+j < len(c); j++ {
			idx := i*gc.ldc + j
			got := c[idx]
			if j >= gc.n {
				if math.Float32bits(got) != math.Float32bits(sentinel) {
					t.Fatalf("%v: wrote C[%d][%d], past column n", gc, i, j)
				}
				continue
			}
			diff := math.Abs(float64(got) - float64(in.want[idx]))
			if !(diff <= gemmTol(gc.k, float64(in.absSum[idx]))) {
				if bad < 5 {
					t.Errorf("%v: C[%d][%d] = %v, want %v (tol %g)", gc, i, j, got, in.want[idx], gemmTol(gc.k, float64(in.absSum[idx])))
				}
				bad++
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%v: %d wrong elements", gc, bad)
	}
}

func sameBits(x, y []float32) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if math.Float32bits(x[i]) != math.Float32bits(y[i]) {
			return false
		}
	}
	return true
}

// variant derives strides and options from a shape and an index, so that
// the small-shape sweep covers every option without multiplying its cost.
func variant(m, k, n, v int) gemmCase {
	gc := gemmCase{m: m, k: k, n: n, lda: k, ldb: n, ldc: n}
	switch v % 5 {
	case 1:
		gc.transB, gc.ldb = true, k
	case 2:
		gc.bias = true
		gc.lda, gc.ldc = k+3, n+5
	case 3:
		gc.transB, gc.bias, gc.ldb = true, true, k+2
	case 4:
		gc.packed, gc.bias = true, v%2 == 0
	}
	return gc
}

func checkAll(t *testing.T, cases []gemmCase) {
	for ci, gc := range cases {
		in := newGemmInputs(gc, uint64(ci))
		for _, kn := range Kernels() {
			t.Run(kn.Name(), func(t *testing.T) { in.check(t, kn) })
			if t.Failed() {
				return
			}
		}
	}
}

// TestKernelGEMMSmall: every kernel against the reference for all M, N, K
// in 1..17, cycling through the stride, transpose, bias and prepacked
// variants.
func TestKernelGEMMSmall(t *testing.T) {
	var cases []gemmCase
	v := 0
	for m := 1; m <= 17; m++ {
		for k := 1; k <= 17; k++ {
			for n := 1; n <= 17; n++ {
				cases = append(cases, variant(m, k, n, v))
				v++
			}
		}
	}
	checkAll(t, cases)
}

// TestKernelGEMMTileEdges: shapes at every kernel's MR, NR, KC and MC ±1,
// and K remainders modulo 4 and 8.
func TestKernelGEMMTileEdges(t *testing.T) {
	for _, kn := range Kernels() {
		t.Run(kn.Name(), func(t *testing.T) {
			ms := []int{kn.mr - 1, kn.mr, kn.mr + 1, 2*kn.mr - 1, 2*kn.mr + 1, kn.mc - 1, kn.mc, kn.mc + 1}
			ns := []int{kn.nr - 1, kn.nr, kn.nr + 1, 2*kn.nr + 1, 3*kn.nr - 1}
			ks := []int{kn.kc - 1, kn.kc, kn.kc + 1, 2*kn.kc + 3, 4, 8, 12, 13}
			v := 0
			for _, m := range ms {
				for _, n := range ns {
					for _, k := range ks {
						if m < 1 || n < 1 {
							continue
						}
						if testing.Short() && m > 2*kn.mr+1 && k > kn.kc+1 {
							continue
						}
						gc := variant(m, k, n, v)
						v++
						newGemmInputs(gc, uint64(v)).check(t, kn)
					}
				}
			}
		})
	}
}

// TestKernelGEMMShapes: BERT's projection and feed-forward shapes for
// S ∈ {1, 7, 128}, and an odd 43×500×401 (big ones skipped with -short).
func TestKernelGEMMShapes(t *testing.T) {
	type kn2 struct{ k, n int }
	var cases []gemmCase
	for _, s := range []int{1, 7, 128} {
		for _, d := range []kn2{{384, 384}, {384, 1536}, {1536, 384}, {768, 768}, {768, 3072}, {3072, 768}} {
			if testing.Short() && s*d.k*d.n > 7*768*768 {
				continue
			}
			cases = append(cases,
				gemmCase{m: s, k: d.k, n: d.n, lda: d.k, ldb: d.n, ldc: d.n, bias: true, packed: true})
		}
	}
	cases = append(cases,
		gemmCase{m: 43, k: 500, n: 401, lda: 500, ldb: 401, ldc: 401},
		gemmCase{m: 43, k: 500, n: 401, lda: 500, ldb: 500, ldc: 401, transB: true, bias: true})
	if !testing.Short() {
		// Attention per head: scores Q·Kᵀ and context probs·V on strided views.
		cases = append(cases,
			gemmCase{m: 128, k: 64, n: 128, lda: 768, ldb: 768, ldc: 128, transB: true},
			gemmCase{m: 128, k: 128, n: 64, lda: 128, ldb: 768, ldc: 768})
	}
	for _, gc := range cases {
		t.Run(gc.String(), func(t *testing.T) { checkAll(t, []gemmCase{gc}) })
	}
}

// TestGEMMDefaultEntryPoints checks the package-level functions, which use
// Default(), including the original MatMul contract (c overwritten).
func TestGEMMDefaultEntryPoints(t *testing.T) {
	const m, k, n = 9, 33, 21
	rng := rand.New(rand.NewPCG(1, 2))
	a, b, bt, bias := make([]float32, m*k), make([]float32, k*n), make([]float32, n*k), make([]float32, n)
	randFill(rng, a)
	randFill(rng, b)
	randFill(rng, bias)
	for p := 0; p < k; p++ {
		for j := 0; j < n; j++ {
			bt[j*k+p] = b[p*n+j]
		}
	}
	want, abs := make([]float32, m*n), make([]float32, m*n)
	wantBias := make([]float32, m*n)
	refGemm(want, n, a, k, b, n, m, k, n, false, nil)
	refGemm(wantBias, n, a, k, b, n, m, k, n, false, bias)
	refGemm(abs, n, absOf(a), k, absOf(b), n, m, k, n, false, absOf(bias))
	cmp := func(name string, got, want []float32) {
		t.Helper()
		for i := range want {
			if d := math.Abs(float64(got[i] - want[i])); d > gemmTol(k, float64(abs[i])) {
				t.Fatalf("%s: c[%d] = %v, want %v", name, i, got[i], want[i])
			}
		}
	}
	c := make([]float32, m*n)
	for i := range c {
		c[i] = 1e6 // MatMul overwrites, never accumulates
	}
	MatMul(c, a, b, m, k, n)
	cmp("MatMul", c, want)
	MatMulBias(c, a, b, bias, m, k, n)
	cmp("MatMulBias", c, wantBias)
	MatMulTransB(c, a, bt, m, k, n)
	cmp("MatMulTransB", c, want)
	MatMulStrided(c, n, a, k, bt, k, m, k, n, true, bias)
	cmp("MatMulStrided", c, wantBias)
	MatMulPacked(c, a, m, PackB(b, k, n), bias)
	cmp("MatMulPacked", c, wantBias)
	MatMulPacked(c, a, m, PackBTrans(bt, k, n), nil)
	cmp("MatMulPacked(PackBTrans)", c, want)

	// k = 0: c is the bias, or zero.
	MatMulBias(c, nil, nil, bias, m, 0, n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			if c[i*n+j] != bias[j] {
				t.Fatalf("k=0: c[%d][%d] = %v, want bias %v", i, j, c[i*n+j], bias[j])
			}
		}
	}
}

// TestGEMMParallel runs many GEMMs at once, some nested inside Parallel,
// with GOMAXPROCS ≥ 2, and checks each result: the pool must neither mix
// jobs up nor deadlock.
func TestGEMMParallel(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	gc := gemmCase{m: 50, k: 97, n: 130, lda: 97, ldb: 130, ldc: 130, bias: true}
	in := newGemmInputs(gc, 7)
	kn := Default()
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rep := 0; rep < 3; rep++ {
				Parallel(6, func(lo, hi int) {
					for i := lo; i < hi; i++ {
						c := make([]float32, len(in.want))
						kn.MatMulStrided(c, gc.ldc, in.a, gc.lda, in.b, gc.ldb, gc.m, gc.k, gc.n, false, in.s)
						for x := range c {
							if d := math.Abs(float64(c[x] - in.want[x])); d > gemmTol(gc.k, float64(in.absSum[x])) {
								errs <- fmt.Sprintf("element %d: %v want %v", x, c[x], in.want[x])
								return
							}
						}
					}
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

// TestGEMMParallelCoverage: Parallel visits every index exactly once.
func TestGEMMParallelCoverage(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 17, 1000} {
		seen := make([]int32, n)
		var mu sync.Mutex
		Parallel(n, func(lo, hi int) {
			mu.Lock()
			defer mu.Unlock()
			for i := lo; i < hi; i++ {
				seen[i]++
			}
		})
		for i, s := range seen {
			if s != 1 {
				t.Fatalf("n=%d: index %d visited %d times", n, i, s)
			}
		}
	}
}

// TestGEMMNoAllocs: a warm GEMM allocates nothing, serial or parallel.
func TestGEMMNoAllocs(t *testing.T) {
	if testing.Short() && os.Getenv("OBSCURA_QEMU_CPU") != "" {
		t.Skip("allocation counts are checked natively")
	}
	if raceEnabled {
		t.Skip("the race detector's instrumentation allocates")
	}
	const m, k, n = 64, 384, 384
	a, b, bias, c := make([]float32, m*k), make([]float32, k*n), make([]float32, n), make([]float32, m*n)
	pb := PackB(b, k, n)
	for _, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		for _, f := range []struct {
			name string
			fn   func()
		}{
			{"MatMulPacked", func() { MatMulPacked(c, a, m, pb, bias) }},
			{"MatMul", func() { MatMul(c, a, b, m, k, n) }},
			{"MatMulTransB", func() { MatMulTransB(c[:m*m], a, a, m, k, m) }},
		} {
			f.fn()
			if got := testing.AllocsPerRun(20, f.fn); got != 0 {
				t.Errorf("GOMAXPROCS=%d %s: %v allocations per warm call", procs, f.name, got)
			}
		}
		runtime.GOMAXPROCS(old)
	}
}

// FuzzGEMM compares every kernel with the reference on random shapes and
// options.
func FuzzGEMM(f *testing.F) {
	f.Add(uint8(1), uint8(1), uint8(1), uint8(0), uint64(1))
	f.Add(uint8(13), uint8(37), uint8(33), uint8(3), uint64(2))
	f.Add(uint8(43), uint8(200), uint8(71), uint8(2), uint64(3))
	f.Fuzz(func(t *testing.T, m, k, n, v uint8, seed uint64) {
		if m == 0 || k == 0 || n == 0 {
			return
		}
		gc := variant(int(m), int(k), int(n), int(v))
		newGemmInputs(gc, seed).check(t, Default())
		for _, kn := range Kernels() {
			newGemmInputs(gc, seed).check(t, kn)
		}
	})
}

// TestGEMMParallelHelpers proves that the pool really runs work on a second
// goroutine: with GOMAXPROCS=2 and two chunks, each chunk waits (up to a
// deadline) until the other has started, which only a helper can make
// happen.
func TestGEMMParallelHelpers(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	for rep := 0; rep < 20; rep++ {
		var started sync.WaitGroup
		started.Add(2)
		both := make(chan struct{})
		go func() { started.Wait(); close(both) }()
		ok := make([]bool, 2)
		ParallelGrain(2, 1, func(lo, hi int) {
			started.Done()
			select {
			case <-both:
				ok[lo] = true
			case <-time.After(5 * time.Second):
			}
		})
		if !ok[0] || !ok[1] {
			t.Fatalf("rep %d: the two chunks never ran at the same time (%v)", rep, ok)
		}
	}
}

// TestMatMulPackedAdd checks c += a·B + bias for every kernel against
// float64, at shapes with edge tiles, several K blocks and K = 0, and that
// the old c is added exactly once.
func TestMatMulPackedAdd(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, kn := range Kernels() {
		for _, sh := range [][3]int{{1, 1, 1}, {13, 300, 37}, {16, 384, 64}, {5, 0, 9}, {29, 531, 70}} {
			m, k, n := sh[0], sh[1], sh[2]
			a, b, bias, c0 := make([]float32, m*k), make([]float32, k*n), make([]float32, n), make([]float32, m*n)
			randFill(rng, a)
			randFill(rng, b)
			randFill(rng, bias)
			randFill(rng, c0)
			pb := kn.PackB(b, k, n)
			c := append([]float32(nil), c0...)
			MatMulPackedAdd(c, a, m, pb, bias)
			for i := 0; i < m; i++ {
				for j := 0; j < n; j++ {
					want, abs := float64(c0[i*n+j])+float64(bias[j]), math.Abs(float64(c0[i*n+j]))+math.Abs(float64(bias[j]))
					for p := 0; p < k; p++ {
						want += float64(a[i*k+p]) * float64(b[p*n+j])
						abs += math.Abs(float64(a[i*k+p]) * float64(b[p*n+j]))
					}
					if d := math.Abs(float64(c[i*n+j]) - want); !(d <= gemmTol(k+1, abs)) {
						t.Fatalf("%s %v: c[%d][%d] = %v, want %v", kn.name, sh, i, j, c[i*n+j], want)
					}
				}
			}
		}
	}
}

// TestMicroRowA checks every kernel's in-place micro-kernel against its
// packed one bit for bit: the same MR rows read with a row stride (ragged
// k, a stride wider than k, with and without accumulation into c).
func TestMicroRowA(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	tested := 0
	for _, kn := range Kernels() {
		if kn.microRowA == nil {
			continue
		}
		tested++
		mr, nr := kn.mr, kn.nr
		for _, k := range []int{1, 2, 3, 7, 16, 33, 256} {
			lda, ldc := k+5, nr+3
			a := make([]float32, mr*lda)
			for i := range a {
				a[i] = r.Float32()*2 - 1
			}
			b := make([]float32, k*nr)
			for i := range b {
				b[i] = r.Float32()*2 - 1
			}
			pa := make([]float32, kn.packedALen(mr, k))
			kn.packABlocks(pa, a, lda, mr, k, 0, 1)
			for _, accum := range []int{0, 1} {
				want, got := make([]float32, mr*ldc), make([]float32, mr*ldc)
				for i := range want {
					want[i] = r.Float32()
					got[i] = want[i]
				}
				kn.micro(&pa[0], &b[0], &want[0], k, ldc, nil, accum)
				kn.microRowA(&a[0], &b[0], &got[0], k, ldc, lda, accum)
				for i := range want {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
						t.Fatalf("%s k=%d accum=%d: c[%d][%d] = %g in place, %g packed", kn.name, k, accum, i/ldc, i%ldc, got[i], want[i])
					}
				}
			}
		}
	}
	if haveAsm && tested == 0 && runtime.GOARCH == "amd64" {
		t.Fatal("no kernel with an in-place A on amd64")
	}
}
