package tensor

import (
	"fmt"
	"runtime"
	"sync"
)

// GEMM driver. All entry points compute, for row-major operands,
//
//	C[i][j] = bias[j] + Σ_p A[i][p] · B[p][j]      (i<m, j<n, p<k)
//
// overwriting C (never accumulating into it); a nil bias adds nothing. The
// driver packs A into MR-row panels and B into NR-column panels (zero
// padded, so the micro-kernel never needs an edge case), cuts C into tiles
// of whole panels, and hands tiles to the worker pool. Within a tile it
// walks K in blocks of KC: for each B micro-panel (kc×NR, kept in L1) it
// runs the micro-kernel down the tile's A panels (mc×kc, kept in L2). The
// first K block writes C (plus bias); later blocks add to it. Edge tiles
// that are not a full MR×NR are computed into a scratch tile and copied.
//
// Scratch (packed A, and packed B when B is not prepacked) comes from a
// free list that the garbage collector does not empty (unlike sync.Pool),
// so a warm call allocates nothing. Every entry point is safe
// for concurrent use; calls may run inside a Parallel body.

// PackedB is a k×n matrix B rearranged once into the panel layout of one
// kernel, for weights that are multiplied many times. It is immutable after
// PackB returns and safe for concurrent use.
type PackedB struct {
	kern *Kernel
	k, n int
	data []float32 // ceil(n/NR) panels of k×NR, panel j at j*k*NR
}

// K is the inner dimension (rows of B).
func (pb *PackedB) K() int { return pb.k }

// N is the number of columns of B (and of C).
func (pb *PackedB) N() int { return pb.n }

// Kernel is the kernel whose layout pb uses; MatMulPacked runs it.
func (pb *PackedB) Kernel() *Kernel { return pb.kern }

// PackB prepacks the row-major k×n matrix b for Default().
func PackB(b []float32, k, n int) *PackedB { return Default().PackB(b, k, n) }

// PackBTrans prepacks B given as its transpose: bt is row-major n×k (the
// layout of ONNX Gemm weights with transB=1 and of torch Linear weights).
func PackBTrans(bt []float32, k, n int) *PackedB { return Default().PackBTrans(bt, k, n) }

// PackB prepacks the row-major k×n matrix b for this kernel.
func (kn *Kernel) PackB(b []float32, k, n int) *PackedB {
	checkDims(k, n)
	need(b, k, n, n, "B")
	pb := &PackedB{kern: kn, k: k, n: n, data: make([]float32, kn.packedBLen(k, n))}
	kn.packBPanels(pb.data, b, n, k, n, false, 0, ceilDiv(n, kn.nr))
	return pb
}

// PackBTrans prepacks B from its transpose bt (row-major n×k) for this kernel.
func (kn *Kernel) PackBTrans(bt []float32, k, n int) *PackedB {
	checkDims(k, n)
	need(bt, n, k, k, "Bᵀ")
	pb := &PackedB{kern: kn, k: k, n: n, data: make([]float32, kn.packedBLen(k, n))}
	kn.packBPanels(pb.data, bt, k, k, n, true, 0, ceilDiv(n, kn.nr))
	return pb
}

// MatMul computes c = a·b for row-major a [m×k], b [k×n] and c [m×n],
// overwriting c, with the Default() kernel.
func MatMul(c, a, b []float32, m, k, n int) { Default().MatMul(c, a, b, m, k, n) }

// MatMulBias computes c = a·b + bias (bias has n entries, added to every
// row), overwriting c.
func MatMulBias(c, a, b, bias []float32, m, k, n int) {
	Default().MatMulStrided(c, n, a, k, b, n, m, k, n, false, bias)
}

// MatMulTransB computes c = a·bᵀ for row-major a [m×k], b [n×k] and
// c [m×n], overwriting c (attention scores Q·Kᵀ).
func MatMulTransB(c, a, b []float32, m, k, n int) { Default().MatMulTransB(c, a, b, m, k, n) }

// MatMulStrided is the general entry point: c = a·op(b) + bias, where a is
// m×k with row stride lda, op(b) is b (k×n, row stride ldb) or, when
// transB, bᵀ with b n×k (row stride ldb), and c is m×n with row stride ldc.
// Strides let attention work on one head's columns of Q, K, V and the
// context in place. bias may be nil. c must not overlap a, b or bias.
func MatMulStrided(c []float32, ldc int, a []float32, lda int, b []float32, ldb int, m, k, n int, transB bool, bias []float32) {
	Default().MatMulStrided(c, ldc, a, lda, b, ldb, m, k, n, transB, bias)
}

// MatMulStridedAdd is MatMulStrided accumulating: c += a·op(b) + bias (for
// gradient sums, where each product adds into what earlier ones wrote).
func MatMulStridedAdd(c []float32, ldc int, a []float32, lda int, b []float32, ldb int, m, k, n int, transB bool, bias []float32) {
	Default().gemm(c, ldc, a, lda, b, ldb, m, k, n, transB, bias, nil, true)
}

// MatMulTransAAdd computes c += aᵀ·b for a given as its transpose: at is
// k×m (row stride lda), b k×n (row stride ldb), c m×n (row stride ldc).
// Packing reads aᵀ's rows directly, so the weight gradient xᵀ·dy of a
// layer needs no transposed copy of x.
func MatMulTransAAdd(c []float32, ldc int, at []float32, lda int, b []float32, ldb int, m, k, n int) {
	Default().gemmTA(c, ldc, at, lda, b, ldb, m, k, n, true, false, nil, nil, true)
}

// MatMulPacked computes c = a·B + bias for row-major a [m×k] and c [m×n],
// with B prepacked (k = pb.K(), n = pb.N()), using pb's kernel. bias may be
// nil.
func MatMulPacked(c, a []float32, m int, pb *PackedB, bias []float32) {
	pb.kern.gemm(c, pb.n, a, pb.k, nil, 0, m, pb.k, pb.n, false, bias, pb.data, false)
}

// MatMulPackedAdd computes c += a·B + bias (the residual connection folded
// into the GEMM: each tile adds the old c in the micro-kernel's epilogue
// instead of a separate pass). c must not overlap a or bias.
func MatMulPackedAdd(c, a []float32, m int, pb *PackedB, bias []float32) {
	pb.kern.gemm(c, pb.n, a, pb.k, nil, 0, m, pb.k, pb.n, false, bias, pb.data, true)
}

// MatMulPackedStrided is MatMulPacked with row strides for a and c.
func MatMulPackedStrided(c []float32, ldc int, a []float32, lda int, m int, pb *PackedB, bias []float32) {
	pb.kern.gemm(c, ldc, a, lda, nil, 0, m, pb.k, pb.n, false, bias, pb.data, false)
}

// MatMul is the package-level MatMul run with this kernel.
func (kn *Kernel) MatMul(c, a, b []float32, m, k, n int) {
	kn.MatMulStrided(c, n, a, k, b, n, m, k, n, false, nil)
}

// MatMulTransB is the package-level MatMulTransB run with this kernel.
func (kn *Kernel) MatMulTransB(c, a, b []float32, m, k, n int) {
	kn.MatMulStrided(c, n, a, k, b, k, m, k, n, true, nil)
}

// MatMulStrided is the package-level MatMulStrided run with this kernel.
func (kn *Kernel) MatMulStrided(c []float32, ldc int, a []float32, lda int, b []float32, ldb int, m, k, n int, transB bool, bias []float32) {
	kn.gemm(c, ldc, a, lda, b, ldb, m, k, n, transB, bias, nil, false)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func checkDims(dims ...int) {
	for _, d := range dims {
		if d < 0 {
			panic(fmt.Sprintf("tensor: negative GEMM dimension %d", d))
		}
	}
}

// need panics unless s holds a rows×cols matrix with row stride ld.
func need(s []float32, rows, cols, ld int, what string) {
	if rows == 0 || cols == 0 {
		return
	}
	if ld < cols {
		panic(fmt.Sprintf("tensor: GEMM %s row stride %d < %d columns", what, ld, cols))
	}
	if len(s) < (rows-1)*ld+cols {
		panic(fmt.Sprintf("tensor: GEMM %s has %d elements, needs %d (%d×%d, stride %d)", what, len(s), (rows-1)*ld+cols, rows, cols, ld))
	}
}

func (kn *Kernel) packedBLen(k, n int) int { return ceilDiv(n, kn.nr) * kn.nr * k }
func (kn *Kernel) packedALen(m, k int) int { return ceilDiv(m, kn.mr) * kn.mr * k }

// packBPanels packs NR-column panels [j0, j1) of B (k×n) into dst: panel j
// holds B[p][j*NR+jj] at j*k*NR + p*NR + jj, zero past column n. B[p][j]
// is b[p*ldb+j], or b[j*ldb+p] when trans.
func (kn *Kernel) packBPanels(dst, b []float32, ldb, k, n int, trans bool, j0, j1 int) {
	nr := kn.nr
	if !trans {
		// Blocks of packRows rows: each row of B is read sequentially
		// across the panels, and each panel receives packRows·NR
		// contiguous floats.
		const packRows = 16
		for pb := 0; pb < k; pb += packRows {
			pe := min(pb+packRows, k)
			for j := j0; j < j1; j++ {
				panel := dst[j*k*nr : (j+1)*k*nr]
				c0 := j * nr
				w := min(nr, n-c0)
				for p := pb; p < pe; p++ {
					d := panel[p*nr : p*nr+nr]
					copy(d, b[p*ldb+c0:p*ldb+c0+w])
					if w < nr {
						clear(d[w:])
					}
				}
			}
		}
		return
	}
	for j := j0; j < j1; j++ {
		panel := dst[j*k*nr : (j+1)*k*nr]
		c0 := j * nr
		w := min(nr, n-c0)
		jj := 0
		for ; jj+4 <= w; jj += 4 { // four columns of B (rows of bt) at a time
			b0 := b[(c0+jj)*ldb : (c0+jj)*ldb+k]
			b1 := b[(c0+jj+1)*ldb : (c0+jj+1)*ldb+k]
			b2 := b[(c0+jj+2)*ldb : (c0+jj+2)*ldb+k]
			b3 := b[(c0+jj+3)*ldb : (c0+jj+3)*ldb+k]
			b1, b2, b3 = b1[:len(b0)], b2[:len(b0)], b3[:len(b0)]
			d := panel[jj:]
			for p, v := range b0 {
				q := d[p*nr : p*nr+4 : p*nr+4]
				q[0], q[1], q[2], q[3] = v, b1[p], b2[p], b3[p]
			}
		}
		for ; jj < w; jj++ {
			col := b[(c0+jj)*ldb : (c0+jj)*ldb+k]
			for p, v := range col {
				panel[p*nr+jj] = v
			}
		}
		if w < nr {
			for p := 0; p < k; p++ {
				clear(panel[p*nr+w : p*nr+nr])
			}
		}
	}
}

// packABlocks packs MR-row blocks [i0, i1) of A (m×k, row stride lda) into
// dst: block i holds A[i*MR+r][p] at i*k*MR + p*MR + r, zero past row m.
func (kn *Kernel) packABlocks(dst, a []float32, lda, m, k int, i0, i1 int) {
	mr := kn.mr
	for i := i0; i < i1; i++ {
		blk := dst[i*k*mr : (i+1)*k*mr]
		r0 := i * mr
		h := min(mr, m-r0)
		r := 0
		// Four rows at a time: four sequential read streams, and each
		// 16-byte group of a packed step written together.
		for ; r+4 <= h; r += 4 {
			a0 := a[(r0+r)*lda : (r0+r)*lda+k]
			a1 := a[(r0+r+1)*lda : (r0+r+1)*lda+k]
			a2 := a[(r0+r+2)*lda : (r0+r+2)*lda+k]
			a3 := a[(r0+r+3)*lda : (r0+r+3)*lda+k]
			a1, a2, a3 = a1[:len(a0)], a2[:len(a0)], a3[:len(a0)]
			d := blk[r:]
			for p, v := range a0 {
				q := d[p*mr : p*mr+4 : p*mr+4]
				q[0], q[1], q[2], q[3] = v, a1[p], a2[p], a3[p]
			}
		}
		for ; r < h; r++ {
			row := a[(r0+r)*lda : (r0+r)*lda+k]
			for p, v := range row {
				blk[p*mr+r] = v
			}
		}
		if h < mr {
			for p := 0; p < k; p++ {
				clear(blk[p*mr+h : p*mr+mr])
			}
		}
	}
}

// packABlocksTrans is packABlocks for A given as its transpose at (k×m,
// row stride lda): block i's step p is the MR contiguous values
// at[p][i*MR : i*MR+MR].
func (kn *Kernel) packABlocksTrans(dst, at []float32, lda, m, k int, i0, i1 int) {
	mr := kn.mr
	for i := i0; i < i1; i++ {
		blk := dst[i*k*mr : (i+1)*k*mr]
		r0 := i * mr
		h := min(mr, m-r0)
		for p := 0; p < k; p++ {
			d := blk[p*mr : p*mr+mr]
			copy(d[:h], at[p*lda+r0:p*lda+r0+h])
			clear(d[h:])
		}
	}
}

// gemmScratch is the per-call packed-operand memory.
type gemmScratch struct {
	a, b []float32
}

var gemmScratchPool freeList[gemmScratch]

// edgeScratch is a per-goroutine MR×NR tile and padded bias for the edges.
type edgeScratch struct {
	tile [maxMR * maxNR]float32
	bias [maxNR]float32
}

var edgeScratchPool freeList[edgeScratch]

// freeList is a mutex-guarded stack of reusable objects. It keeps what it
// is given for the life of the process: at most one object per goroutine
// that ran a GEMM at the same time.
type freeList[T any] struct {
	mu    sync.Mutex
	items []*T
}

func (f *freeList[T]) get() *T {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := len(f.items); n > 0 {
		x := f.items[n-1]
		f.items[n-1] = nil
		f.items = f.items[:n-1]
		return x
	}
	return new(T)
}

func (f *freeList[T]) put(x *T) {
	f.mu.Lock()
	f.items = append(f.items, x)
	f.mu.Unlock()
}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// parallelMinWork is the m·n·k below which a GEMM runs on the calling
// goroutine alone: waking a helper costs more than it saves.
const parallelMinWork = 1 << 17

// parallelMinPack is the m·k below which A is packed on the calling
// goroutine even when the tiles run in parallel.
const parallelMinPack = 1 << 16

// gemm is the driver behind every entry point. When packedB is non-nil, B
// is already packed for kn and b, ldb, transB are unused. When addC, the
// product (plus bias) is added to c instead of overwriting it.
func (kn *Kernel) gemm(c []float32, ldc int, a []float32, lda int, b []float32, ldb int, m, k, n int, transB bool, bias, packedB []float32, addC bool) {
	kn.gemmTA(c, ldc, a, lda, b, ldb, m, k, n, false, transB, bias, packedB, addC)
}

// gemmTA is gemm with A optionally given as its transpose (k×m, row
// stride lda).
func (kn *Kernel) gemmTA(c []float32, ldc int, a []float32, lda int, b []float32, ldb int, m, k, n int, transA, transB bool, bias, packedB []float32, addC bool) {
	checkDims(m, k, n)
	if m == 0 || n == 0 {
		return
	}
	need(c, m, n, ldc, "C")
	if bias != nil && len(bias) < n {
		panic(fmt.Sprintf("tensor: GEMM bias has %d elements, needs %d", len(bias), n))
	}
	if k == 0 {
		for i := 0; i < m; i++ {
			row := c[i*ldc : i*ldc+n]
			if addC {
				if bias != nil {
					AddTo(row, bias[:n])
				}
				continue
			}
			if bias != nil {
				copy(row, bias[:n])
			} else {
				clear(row)
			}
		}
		return
	}
	if transA {
		need(a, k, m, lda, "Aᵀ")
	} else {
		need(a, m, k, lda, "A")
	}
	if packedB == nil {
		if transB {
			need(b, n, k, ldb, "Bᵀ")
		} else {
			need(b, k, n, ldb, "B")
		}
	} else if len(packedB) < kn.packedBLen(k, n) {
		panic("tensor: packed B is too short")
	}

	sc := gemmScratchPool.get()
	t := gemmTaskPool.get()
	*t = gemmTask{
		kn: kn, m: m, n: n, k: k,
		a: a, lda: lda, b: b, ldb: ldb, transA: transA, transB: transB,
		c: c, ldc: ldc, bias: bias, addC: addC,
		mBlocks: ceilDiv(m, kn.mr), nPanels: ceilDiv(n, kn.nr),
	}
	sc.a = grow(sc.a, kn.packedALen(m, k))
	t.ap = sc.a
	if packedB == nil {
		sc.b = grow(sc.b, kn.packedBLen(k, n))
		t.bp = sc.b
		t.packB = true
	} else {
		t.bp = packedB
	}

	procs := runtime.GOMAXPROCS(0)
	if m*n*k < parallelMinWork {
		procs = 1
	}
	t.plan(procs)

	// Phase 0: pack A (and B); phase 1: the tiles.
	packItems := t.mBlocks
	if t.packB {
		packItems += t.nPanels
	}
	if procs == 1 {
		t.runRange(0, packItems)
		t.phase = 1
		t.runRange(0, t.tilesM*t.tilesN)
	} else {
		if t.packB || m*k >= parallelMinPack {
			workers.run(t, packItems, max(1, ceilDiv(packItems, 4*procs)))
		} else {
			t.runRange(0, packItems) // cheaper than waking a helper
		}
		t.phase = 1
		workers.run(t, t.tilesM*t.tilesN, 1)
	}

	*t = gemmTask{}
	gemmTaskPool.put(t)
	gemmScratchPool.put(sc)
}

type gemmTask struct {
	kn      *Kernel
	m, n, k int
	a       []float32
	lda     int
	b       []float32
	ldb     int
	transA  bool // a holds Aᵀ (k×m)
	transB  bool
	c       []float32
	ldc     int
	bias    []float32
	addC    bool // the first K block adds to c instead of overwriting it

	ap, bp  []float32 // packed A and B
	packB   bool      // phase 0 must pack B too
	mBlocks int       // MR-row blocks of A
	nPanels int       // NR-column panels of B

	tileM, tileN   int // tile size in blocks and panels
	tilesM, tilesN int // tile grid
	phase          int
}

var gemmTaskPool freeList[gemmTask]

// plan cuts C into tiles: at most kn.mc rows high, and enough of them
// (about 4 per worker) to balance the load when procs > 1.
func (t *gemmTask) plan(procs int) {
	kn := t.kn
	maxTileM := max(1, kn.mc/kn.mr)
	t.tilesM = ceilDiv(t.mBlocks, maxTileM)
	t.tileM = ceilDiv(t.mBlocks, t.tilesM)
	t.tilesM = ceilDiv(t.mBlocks, t.tileM)
	t.tilesN = 1
	if procs > 1 {
		want := 4 * procs
		t.tilesN = min(t.nPanels, max(1, ceilDiv(want, t.tilesM)))
	}
	t.tileN = ceilDiv(t.nPanels, t.tilesN)
	t.tilesN = ceilDiv(t.nPanels, t.tileN)
}

func (t *gemmTask) runRange(lo, hi int) {
	if t.phase == 0 {
		if lo < t.mBlocks {
			if t.transA {
				t.kn.packABlocksTrans(t.ap, t.a, t.lda, t.m, t.k, lo, min(hi, t.mBlocks))
			} else {
				t.kn.packABlocks(t.ap, t.a, t.lda, t.m, t.k, lo, min(hi, t.mBlocks))
			}
		}
		if hi > t.mBlocks {
			t.kn.packBPanels(t.bp, t.b, t.ldb, t.k, t.n, t.transB, max(lo, t.mBlocks)-t.mBlocks, hi-t.mBlocks)
		}
		return
	}
	es := edgeScratchPool.get()
	for i := lo; i < hi; i++ {
		t.tile(i, es)
	}
	edgeScratchPool.put(es)
}

// tile computes tile idx of C.
func (t *gemmTask) tile(idx int, es *edgeScratch) {
	kn := t.kn
	mr, nr, k := kn.mr, kn.nr, t.k
	tm, tn := idx%t.tilesM, idx/t.tilesM
	ib0, ib1 := tm*t.tileM, min((tm+1)*t.tileM, t.mBlocks)
	jp0, jp1 := tn*t.tileN, min((tn+1)*t.tileN, t.nPanels)
	c, ldc := t.c, t.ldc
	for pc := 0; pc < k; pc += kn.kc {
		kcur := min(kn.kc, k-pc)
		first := pc == 0
		accum := 1
		if first && !t.addC {
			accum = 0
		}
		for j := jp0; j < jp1; j++ {
			bpanel := t.bp[j*k*nr+pc*nr:]
			c0 := j * nr
			w := min(nr, t.n-c0)
			var biasp *float32
			if first && t.bias != nil {
				if w == nr {
					biasp = &t.bias[c0]
				} else {
					copy(es.bias[:w], t.bias[c0:c0+w])
					clear(es.bias[w:nr])
					biasp = &es.bias[0]
				}
			}
			for i := ib0; i < ib1; i++ {
				ablk := t.ap[i*k*mr+pc*mr:]
				r0 := i * mr
				h := min(mr, t.m-r0)
				if h == mr && w == nr {
					kn.micro(&ablk[0], &bpanel[0], &c[r0*ldc+c0], kcur, ldc, biasp, accum)
					continue
				}
				tile := es.tile[:mr*nr]
				if accum != 0 {
					for r := 0; r < h; r++ {
						copy(tile[r*nr:r*nr+w], c[(r0+r)*ldc+c0:])
					}
				}
				micro := kn.micro
				if kn.microHalf != nil && 2*h <= mr {
					micro = kn.microHalf
				}
				micro(&ablk[0], &bpanel[0], &tile[0], kcur, nr, biasp, accum)
				for r := 0; r < h; r++ {
					copy(c[(r0+r)*ldc+c0:(r0+r)*ldc+c0+w], tile[r*nr:r*nr+w])
				}
			}
		}
	}
}
