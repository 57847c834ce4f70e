package tensor

import (
	"math"
	"unsafe"

	"github.com/obscura-ai/obscura/internal/cpu"
)

// Attention in bfloat16. AttentionBF16 computes what Attention computes,
// with the two products' operands rounded to bfloat16 (8 bits of
// significand) and every sum kept in fp32: Q and K before the scores, the
// probabilities and V before the context. Softmax runs on the fp32
// scores as in Attention. On a processor with AVX-512 BF16 (VDPBF16PS:
// 32 multiply-adds per instruction against 16 for an fp32 FMA) the
// products run at twice the fp32 rate; elsewhere the same arithmetic runs
// in Go, for tests only.
//
// The rounding error is that of the operands: each element is off by at
// most 2⁻⁹ of its magnitude, so a score by about 2⁻⁹·Σ|q·k| and a context
// value by about 2⁻⁸·Σ p·|v|, below the error that INT8 activations already
// carry (a step of 1/127 of a row's largest value). The INT8 fused plan
// of package bert uses it where the hardware has it.
//
// Layouts: a bfloat16 pair is one uint32, the element of even index in
// the low word (the order VDPBF16PS multiplies in). The A operand of a
// product (Q, or the probabilities) is row-major bfloat16 rows, read in
// place a pair at a time; the B operand (Kᵀ or V) is packed in panels of
// 32 lanes: lane c of step p holds the pair of the two K-dimension entries
// 2p and 2p+1 of column c.

// bf16Ops holds one instruction set's bfloat16 kernels.
type bf16Ops struct {
	name string
	// micro8x32 computes the 8×32 fp32 tile at c (row stride ldc) as
	// Σ_{p<kp} a[r·lda+p]·b[p·32+j] over bfloat16 pairs, plus c when
	// acc ≠ 0 (bf16MicroGo is the reference).
	micro8x32 func(a *uint32, lda int, b *uint32, c *float32, ldc, kp, acc int)
	// rows converts rows of floats to bfloat16 rows ending on a whole
	// pair (bf16RowsGo).
	rows func(dst *uint16, ldd int, src *float32, lds, rows, cols int)
	// packV packs one 32-lane panel of pairs of rows (bf16PackVGo).
	packV func(dst *uint32, src *float32, lds, rows, w int)
	// transpose16 transposes one block of at most 16×16 32-bit words
	// (the pairs of K's rows into a Kᵀ panel); nil: a Go loop.
	transpose16 func(dst *float32, ldd int, src *float32, lds, rows, cols int)
	// softmax, when not nil, is vecOps.softmaxBlock writing the
	// probabilities as rows would convert them (softmaxRowsAVX512 with
	// a destination); nil: softmaxBlock, then rows.
	softmax func(x, mask *float32, rows, n, ld int, scale float32, dst *uint16, ldd int)
}

var bf16Generic = bf16Ops{name: "generic", micro8x32: bf16MicroGo, rows: bf16RowsGo, packV: bf16PackVGo}

// HasBF16AttentionFor reports whether a processor with features f runs
// AttentionBF16 in hardware (AVX-512 BF16), where it is the faster of the
// two attentions; elsewhere it runs in Go, far slower than Attention.
func HasBF16AttentionFor(f cpu.Features) bool { return bf16OpsFor(f).name != bf16Generic.name }

// HasBF16Attention is HasBF16AttentionFor on this machine.
func HasBF16Attention() bool { return detectedBF16Ops().name != bf16Generic.name }

// AttentionBF16 is Attention with bfloat16 operands and fp32 sums (see
// above), on this machine's bfloat16 kernels.
func AttentionBF16(ctx []float32, ldc int, q, k, v []float32, ld, n, heads, d int, scale float32, mask []float32) {
	attentionBF16(detectedBF16Ops(), detectedVecOps(), ctx, ldc, q, k, v, ld, n, heads, d, scale, mask)
}

func attentionBF16(ops bf16Ops, vo vecOps, ctx []float32, ldc int, q, k, v []float32, ld, n, heads, d int, scale float32, mask []float32) {
	mask, ok := checkAttention(ctx, ldc, q, k, v, ld, n, heads, d, mask)
	if !ok {
		return
	}
	t := bf16TaskPool.get()
	*t = bf16Task{ops: ops, v: vo, ctx: ctx, ldc: ldc, q: q, k: k, vv: v, ld: ld, n: n, d: d, scale: scale, mask: mask}
	workers.run(t, heads, 1)
	*t = bf16Task{}
	bf16TaskPool.put(t)
}

type bf16Task struct {
	ops      bf16Ops
	v        vecOps
	ctx      []float32
	ldc      int
	q, k, vv []float32
	ld, n, d int
	scale    float32
	mask     []float32
}

var bf16TaskPool freeList[bf16Task]

// bf16Scratch is one goroutine's operands for one head.
type bf16Scratch struct {
	qb, kb []uint32 // Q_h and K_h as bfloat16 rows (dp pairs each), Q padded to whole 8-row blocks
	kp, vp []uint32 // Kᵀ and V panels (32 lanes of pairs)
	pb     []uint32 // one slab's probabilities as bfloat16 rows (np pairs)
	s      []float32
	tile   [8 * 32]float32
}

var bf16ScratchPool freeList[bf16Scratch]

// bf16Slab is the number of query rows whose scores are kept at once.
const bf16Slab = 64

func growU32(s []uint32, n int) []uint32 {
	if cap(s) < n {
		return make([]uint32, n)
	}
	return s[:n]
}

func (t *bf16Task) runRange(lo, hi int) {
	sc := bf16ScratchPool.get()
	for hd := lo; hd < hi; hd++ {
		t.head(hd, sc)
	}
	bf16ScratchPool.put(sc)
}

// words views a []uint32 as the bfloat16 words the row converter writes.
func words(s []uint32) *uint16 { return (*uint16)(unsafe.Pointer(unsafe.SliceData(s))) }

func (t *bf16Task) head(hd int, sc *bf16Scratch) {
	ops := t.ops
	n, d, ld := t.n, t.d, t.ld
	col := hd * d
	dp, np := ceilDiv(d, 2), ceilDiv(n, 2)
	kPanels, vPanels := ceilDiv(n, 32), ceilDiv(d, 32)
	nPad := kPanels * 32
	sld := nPad + 16 // as in Attention: rows of a block off the same L1 sets
	qRows := ceilDiv(n, 8) * 8
	slab := min(bf16Slab, qRows)

	// Q_h and K_h as bfloat16 rows; Q's rows past n are zero.
	sc.qb = growU32(sc.qb, qRows*dp)
	sc.kb = growU32(sc.kb, n*dp)
	ops.rows(words(sc.qb), 2*dp, &t.q[col], ld, n, d)
	clear(sc.qb[n*dp:])
	ops.rows(words(sc.kb), 2*dp, &t.k[col], ld, n, d)
	// Kᵀ panels: lane c of step p is the pair p of token j·32+c.
	sc.kp = growU32(sc.kp, kPanels*dp*32)
	bf16TransposePanels(ops.transpose16, sc.kp, sc.kb, n, dp)
	// V panels: lane c of step p is V's rows 2p and 2p+1 in column j·32+c.
	sc.vp = growU32(sc.vp, vPanels*np*32)
	for j := 0; j < vPanels; j++ {
		ops.packV(&sc.vp[j*np*32], &t.vv[col+j*32], ld, n, min(32, d-j*32))
	}
	sc.s = grow(sc.s, slab*sld)
	sc.pb = growU32(sc.pb, slab*np)
	s := sc.s
	for r0 := 0; r0 < n; r0 += slab {
		rows := min(slab, n-r0)
		blocks := ceilDiv(rows, 8)
		for i := 0; i < blocks; i++ {
			for j := 0; j < kPanels; j++ {
				ops.micro8x32(&sc.qb[(r0+i*8)*dp], dp, &sc.kp[j*dp*32], &s[i*8*sld+j*32], sld, dp, 0)
			}
		}
		if ops.softmax != nil {
			var mp *float32
			if t.mask != nil {
				mp = &t.mask[0]
			}
			ops.softmax(&s[0], mp, rows, n, sld, t.scale, words(sc.pb), 2*np)
		} else {
			t.v.softmaxBlock(s, rows, n, sld, t.scale, t.mask)
			ops.rows(words(sc.pb), 2*np, &s[0], sld, rows, n)
		}
		clear(sc.pb[rows*np : blocks*8*np])
		for j := 0; j < vPanels; j++ {
			c0 := col + j*32
			w := min(32, d-j*32)
			for i := 0; i < blocks; i++ {
				h := min(8, rows-i*8)
				a, b := &sc.pb[i*8*np], &sc.vp[j*np*32]
				if h == 8 && w == 32 {
					ops.micro8x32(a, np, b, &t.ctx[(r0+i*8)*t.ldc+c0], t.ldc, np, 0)
					continue
				}
				ops.micro8x32(a, np, b, &sc.tile[0], 32, np, 0)
				for r := 0; r < h; r++ {
					copy(t.ctx[(r0+i*8+r)*t.ldc+c0:(r0+i*8+r)*t.ldc+c0+w], sc.tile[r*32:r*32+w])
				}
			}
		}
	}
}

// bf16TransposePanels packs the n rows of dp pairs in kb into ⌈n/32⌉
// panels of 32 lanes: dst[j·dp·32 + p·32 + c] = kb[(j·32+c)·dp + p], zero
// for tokens past n.
func bf16TransposePanels(tr func(dst *float32, ldd int, src *float32, lds, rows, cols int), dst, kb []uint32, n, dp int) {
	if tr != nil {
		f := unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(dst))), len(dst))
		b := unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(kb))), len(kb))
		packTransBlocks(tr, f, b, dp, dp, n, 32)
		return
	}
	for j := 0; j < ceilDiv(n, 32); j++ {
		panel := dst[j*dp*32 : (j+1)*dp*32]
		for p := 0; p < dp; p++ {
			for c := 0; c < 32; c++ {
				var x uint32
				if tok := j*32 + c; tok < n {
					x = kb[tok*dp+p]
				}
				panel[p*32+c] = x
			}
		}
	}
}

// bf16Round is the bfloat16 nearest to f, ties to even, as the AVX-512
// BF16 conversions round: denormals become zeros of their sign, NaNs stay
// (quiet) NaNs.
func bf16Round(f float32) uint16 {
	b := math.Float32bits(f)
	switch {
	case b&0x7f800000 == 0:
		return uint16(b>>16) & 0x8000
	case b&0x7fffffff > 0x7f800000:
		return uint16(b>>16) | 0x40
	}
	return uint16((b + 0x7fff + (b>>16)&1) >> 16)
}

// bf16Float is the float32 value of a bfloat16, with denormals read as
// zeros (as VDPBF16PS reads them).
func bf16Float(h uint16) float32 {
	if h&0x7f80 == 0 {
		return math.Float32frombits(uint32(h&0x8000) << 16)
	}
	return math.Float32frombits(uint32(h) << 16)
}

// bf16RowsGo is the reference of bf16Ops.rows.
func bf16RowsGo(dst *uint16, ldd int, src *float32, lds, rows, cols int) {
	out := unsafe.Slice(dst, (rows-1)*ldd+cols+cols&1)
	in := unsafe.Slice(src, (rows-1)*lds+cols)
	for r := 0; r < rows; r++ {
		for j := 0; j < cols; j++ {
			out[r*ldd+j] = bf16Round(in[r*lds+j])
		}
		if cols&1 == 1 {
			out[r*ldd+cols] = 0
		}
	}
}

// bf16PackVGo is the reference of bf16Ops.packV.
func bf16PackVGo(dst *uint32, src *float32, lds, rows, w int) {
	pairs := ceilDiv(rows, 2)
	out := unsafe.Slice(dst, pairs*32)
	in := unsafe.Slice(src, (rows-1)*lds+w)
	for p := 0; p < pairs; p++ {
		for c := 0; c < 32; c++ {
			var lo, hi uint16
			if c < w {
				lo = bf16Round(in[2*p*lds+c])
				if 2*p+1 < rows {
					hi = bf16Round(in[(2*p+1)*lds+c])
				}
			}
			out[p*32+c] = uint32(lo) | uint32(hi)<<16
		}
	}
}

// bf16MicroGo is the reference of bf16Ops.micro8x32: fp32 sums, the odd
// product of each pair added before the even one.
func bf16MicroGo(a *uint32, lda int, b *uint32, c *float32, ldc, kp, acc int) {
	as := unsafe.Slice(a, 7*lda+kp)
	bs := unsafe.Slice(b, kp*32)
	cs := unsafe.Slice(c, 7*ldc+32)
	for r := 0; r < 8; r++ {
		for j := 0; j < 32; j++ {
			var sum float32
			for p := 0; p < kp; p++ {
				x, y := as[r*lda+p], bs[p*32+j]
				sum += bf16Float(uint16(x>>16)) * bf16Float(uint16(y>>16))
				sum += bf16Float(uint16(x)) * bf16Float(uint16(y))
			}
			if acc != 0 {
				sum += cs[r*ldc+j]
			}
			cs[r*ldc+j] = sum
		}
	}
}
