package tensor

import "fmt"

// Fused multi-head attention. Computing one head as two independent GEMMs
// (scores = Q·Kᵀ, then P·V) packs the whole n×n probability matrix as the A
// operand of the second GEMM and streams it through memory three times
// (write, softmax, pack); with a head dimension of 32 the packing costs as
// much as the arithmetic. Attention instead packs K_hᵀ and V_h once per head
// and walks the queries in blocks of MR rows: the block's scores
// (MR×n, a few tens of KB) are computed, normalised and multiplied by V
// while they are still in L1. The arithmetic is the same as the unfused
// composition — the same micro-kernel calls in the same K order, and the
// same softmax row function — so the results are bit-identical to
//
//	MatMulStrided(s, n, q_h, ld, k_h, ld, n, d, n, true, nil)
//	SoftmaxMasked(s, n, n, scale, mask)
//	MatMulStrided(ctx_h, ldc, s, n, v_h, ld, n, n, d, false, nil)
//
// run with the same kernel, which the tests check.

// Attention computes multi-head scaled dot-product attention for one
// sequence of n tokens with the Default() kernel: for every head h < heads,
//
//	ctx[i][h·d + j] = Σ_t softmax_t(scale·Σ_p Q[i][h·d+p]·K[t][h·d+p] + mask[t]) · V[t][h·d+j]
//
// where Q, K and V are n×(heads·d) with row stride ld (typically column
// offsets 0, H and 2H of one fused QKV projection, ld = 3H), ctx is
// n×(heads·d) with row stride ldc, and mask (n additive key entries) may be
// nil. Heads are spread over the worker pool. ctx must not overlap the
// inputs.
func Attention(ctx []float32, ldc int, q, k, v []float32, ld, n, heads, d int, scale float32, mask []float32) {
	Default().Attention(ctx, ldc, q, k, v, ld, n, heads, d, scale, mask)
}

// Attention is the package-level Attention run with this kernel.
func (kn *Kernel) Attention(ctx []float32, ldc int, q, k, v []float32, ld, n, heads, d int, scale float32, mask []float32) {
	mask, ok := checkAttention(ctx, ldc, q, k, v, ld, n, heads, d, mask)
	if !ok {
		return
	}
	t := attnTaskPool.get()
	*t = attnTask{kn: kn, v: detectedVecOps(), ctx: ctx, ldc: ldc, q: q, k: k, vv: v, ld: ld,
		n: n, d: d, scale: scale, mask: mask}
	workers.run(t, heads, 1)
	*t = attnTask{}
	attnTaskPool.put(t)
}

// checkAttention checks the operands of Attention and AttentionBF16 (it
// panics on a shape that does not fit) and returns the mask cut to n
// entries, and false when there is nothing to compute.
func checkAttention(ctx []float32, ldc int, q, k, v []float32, ld, n, heads, d int, mask []float32) ([]float32, bool) {
	checkDims(n, heads, d)
	if n == 0 || heads == 0 || d == 0 {
		return nil, false
	}
	w := heads * d
	need(q, n, w, ld, "attention Q")
	need(k, n, w, ld, "attention K")
	need(v, n, w, ld, "attention V")
	need(ctx, n, w, ldc, "attention context")
	if mask != nil {
		if len(mask) < n {
			panic(fmt.Sprintf("tensor: attention mask has %d entries, needs %d", len(mask), n))
		}
		mask = mask[:n]
	}
	return mask, true
}

type attnTask struct {
	kn       *Kernel
	v        vecOps
	ctx      []float32
	ldc      int
	q, k, vv []float32
	ld, n, d int
	scale    float32
	mask     []float32
}

var attnTaskPool freeList[attnTask]

// attnScratch is one goroutine's packed operands for one head.
type attnScratch struct {
	kp, vp []float32 // K_hᵀ (d×n) and V_h (n×d) in B-panel layout
	qa, pa []float32 // one MR-row block of Q_h and of the probabilities, A layout
	s      []float32 // MR×nPad scores of one query block
	tile   [maxMR * maxNR]float32
}

var attnScratchPool freeList[attnScratch]

func (t *attnTask) runRange(lo, hi int) {
	sc := attnScratchPool.get()
	for hd := lo; hd < hi; hd++ {
		t.head(hd, sc)
	}
	attnScratchPool.put(sc)
}

// head computes one head's context columns, in slabs of up to MC query
// rows: within a slab each packed K or V micro-panel stays in L1 while the
// slab's MR-row blocks pass over it, as in the GEMM driver, and the slab's
// scores (MC×n) stay in L2 between the two products.
func (t *attnTask) head(hd int, sc *attnScratch) {
	kn := t.kn
	mr, nr, kc := kn.mr, kn.nr, kn.kc
	n, d, ld := t.n, t.d, t.ld
	col := hd * d
	kPanels, vPanels := ceilDiv(n, nr), ceilDiv(d, nr)
	nPad := kPanels * nr
	// Score rows are sld floats apart: nPad plus one cache line, so that
	// a block's MR rows (read together by microRowA) do not all fall in
	// the same few L1 sets when nPad is a multiple of 1 KB.
	sld := nPad + 16
	rowA := kn.microRowA != nil
	slab := min(kn.mc, ceilDiv(n, mr)*mr)
	sc.kp = grow(sc.kp, kn.packedBLen(d, n))
	sc.vp = grow(sc.vp, kn.packedBLen(n, d))
	sc.qa = grow(sc.qa, kn.packedALen(slab, d))
	if !rowA {
		sc.pa = grow(sc.pa, kn.packedALen(slab, n))
	}
	sc.s = grow(sc.s, slab*sld)
	if t.v.transpose16 != nil && nr%16 == 0 {
		packTransBlocks(t.v.transpose16, sc.kp, t.k[col:], ld, d, n, nr)
	} else {
		kn.packBPanels(sc.kp, t.k[col:], ld, d, n, true, 0, kPanels)
	}
	if t.v.packRows32 != nil && nr == 32 {
		packRowPanels32(t.v.packRows32, sc.vp, t.vv[col:], ld, n, d)
	} else {
		kn.packBPanels(sc.vp, t.vv[col:], ld, n, d, false, 0, vPanels)
	}
	s := sc.s
	for r0 := 0; r0 < n; r0 += slab {
		rows := min(slab, n-r0)
		blocks := ceilDiv(rows, mr)
		// With a row-A kernel the full MR-row blocks of Q are read in
		// place (row stride ld) and only a last, shorter block is packed
		// (zero-padded); otherwise every block is packed.
		qFull := 0
		if rowA {
			qFull = rows / mr
		}
		kn.packABlocks(sc.qa, t.q[r0*ld+col:], ld, rows, d, qFull, blocks)
		// Scores of the slab: blocks·MR × nPad (row stride sld); rows past `rows` and
		// columns past n are padding (computed from zeros, never used).
		for j := 0; j < kPanels; j++ {
			for pc := 0; pc < d; pc += kc {
				acc := 0
				if pc > 0 {
					acc = 1
				}
				for i := 0; i < qFull; i++ {
					kn.microRowA(&t.q[(r0+i*mr)*ld+col+pc], &sc.kp[j*d*nr+pc*nr], &s[i*mr*sld+j*nr], min(kc, d-pc), sld, ld, acc)
				}
				for i := qFull; i < blocks; i++ {
					kn.micro(&sc.qa[i*d*mr+pc*mr], &sc.kp[j*d*nr+pc*nr], &s[i*mr*sld+j*nr], min(kc, d-pc), sld, nil, acc)
				}
			}
		}
		t.v.softmaxBlock(s, rows, n, sld, t.scale, t.mask)
		if !rowA {
			kn.packABlocks(sc.pa, s, sld, rows, n, 0, blocks)
		}
		// pA is the micro-kernel call on block i's probabilities from
		// column pc on: in place, or from the packed copy.
		pA := func(i, pc int, b, c *float32, k, ldc, acc int) {
			if rowA {
				kn.microRowA(&s[i*mr*sld+pc], b, c, k, ldc, sld, acc)
			} else {
				kn.micro(&sc.pa[i*n*mr+pc*mr], b, c, k, ldc, nil, acc)
			}
		}
		// Context: P (rows×n) · V_h (n×d), K blocked as the GEMM driver
		// does. Full MR×NR blocks write ctx directly; a last block of fewer
		// than MR rows, or a panel narrower than NR, is computed in the
		// scratch tile, one block at a time, and copied out.
		edgeH := rows - (blocks-1)*mr
		for j := 0; j < vPanels; j++ {
			c0 := col + j*nr
			w := min(nr, d-j*nr)
			full := blocks
			switch {
			case w < nr:
				full = 0
			case edgeH < mr:
				full = blocks - 1
			}
			for pc := 0; pc < n; pc += kc {
				acc := 0
				if pc > 0 {
					acc = 1
				}
				for i := 0; i < full; i++ {
					pA(i, pc, &sc.vp[j*n*nr+pc*nr], &t.ctx[(r0+i*mr)*t.ldc+c0], min(kc, n-pc), t.ldc, acc)
				}
			}
			for i := full; i < blocks; i++ {
				for pc := 0; pc < n; pc += kc {
					acc := 0
					if pc > 0 {
						acc = 1
					}
					pA(i, pc, &sc.vp[j*n*nr+pc*nr], &sc.tile[0], min(kc, n-pc), nr, acc)
				}
				for r := 0; r < min(mr, rows-i*mr); r++ {
					copy(t.ctx[(r0+i*mr+r)*t.ldc+c0:(r0+i*mr+r)*t.ldc+c0+w], sc.tile[r*nr:r*nr+w])
				}
			}
		}
	}
}

// packTransBlocks is packBPanels(dst, b, ldb, k, n, true, 0, ⌈n/nr⌉) for
// nr a multiple of 16, done with 16×16 block transposes: panel j holds
// b[(j·nr+c)·ldb + p] at j·k·nr + p·nr + c, zero for columns c past n.
func packTransBlocks(tr func(dst *float32, ldd int, src *float32, lds, rows, cols int), dst, b []float32, ldb, k, n, nr int) {
	if n <= 0 || k <= 0 {
		return
	}
	panels := ceilDiv(n, nr)
	dst = dst[:panels*k*nr]
	_ = b[(n-1)*ldb+k-1]
	for j := 0; j < panels; j++ {
		panel := dst[j*k*nr : (j+1)*k*nr]
		for h := 0; h < nr; h += 16 {
			c0 := j*nr + h
			rows := min(16, n-c0)
			for p := 0; p < k; p += 16 {
				cols := min(16, k-p)
				if rows <= 0 {
					for q := p; q < p+cols; q++ {
						clear(panel[q*nr+h : q*nr+h+16])
					}
					continue
				}
				tr(&panel[p*nr+h], nr, &b[c0*ldb+p], ldb, rows, cols)
			}
		}
	}
}

// packRowPanels32 is packBPanels(dst, b, ldb, k, n, false, 0, ⌈n/32⌉) for
// a panel width of 32, one vector call per panel: panel j holds
// b[p·ldb + j·32 + c] at j·k·32 + p·32 + c, zero for columns past n.
func packRowPanels32(pack func(dst, src *float32, lds, rows, w int), dst, b []float32, ldb, k, n int) {
	if n <= 0 || k <= 0 {
		return
	}
	panels := ceilDiv(n, 32)
	dst = dst[:panels*k*32]
	_ = b[(k-1)*ldb+n-1]
	for j := 0; j < panels; j++ {
		pack(&dst[j*k*32], &b[j*32], ldb, k, min(32, n-j*32))
	}
}
