package tensor

import (
	"fmt"
	"math"
	"runtime"

	"github.com/obscura-ai/obscura/internal/cpu"
)

// Element-wise and row-wise fp32 primitives for the BERT hot path. They are
// plain Go (the GEMMs dominate the run time), allocate nothing, and accept
// dst aliasing a source where the doc says so. Row-wise functions take
// row-major [rows×cols] data.

func sameLen(op string, n int, s ...[]float32) {
	for _, x := range s {
		if len(x) < n {
			panic(fmt.Sprintf("tensor: %s: operand has %d elements, needs %d", op, len(x), n))
		}
	}
}

// Add sets dst[i] = a[i] + b[i] for i < len(dst); dst may alias a or b.
// It runs on the calling goroutine (one float32 addition per element, the
// same bits on every instruction set).
func Add(dst, a, b []float32) {
	n := len(dst)
	sameLen("Add", n, a, b)
	a, b = a[:n], b[:n]
	done := 0
	if v := detectedVecOps(); v.add != nil && n >= 8 {
		done = n &^ 7
		v.add(&dst[0], &a[0], &b[0], done)
	}
	for i := done; i < n; i++ {
		dst[i] = a[i] + b[i]
	}
}

// AddTo sets dst[i] += src[i] (the residual connection).
func AddTo(dst, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] += v
	}
}

// AddBias adds bias[j] to x[r*cols+j] for every row r.
func AddBias(x []float32, rows, cols int, bias []float32) {
	sameLen("AddBias", rows*cols, x)
	sameLen("AddBias", cols, bias)
	bias = bias[:cols]
	for r := 0; r < rows; r++ {
		row := x[r*cols : r*cols+cols]
		for j, b := range bias {
			row[j] += b
		}
	}
}

// Scale multiplies every element of x by s.
func Scale(x []float32, s float32) {
	for i := range x {
		x[i] *= s
	}
}

// Exp sets dst[i] = e**src[i] (Exp32); dst may alias src.
func Exp(dst, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] = Exp32(v)
	}
}

// Erf sets dst[i] = erf(src[i]) (Erf32); dst may alias src.
func Erf(dst, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] = Erf32(v)
	}
}

// Tanh sets dst[i] = tanh(src[i]) (Tanh32); dst may alias src.
func Tanh(dst, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] = Tanh32(v)
	}
}

// vecOps holds the vector element-wise kernels of one instruction set;
// a nil function means the scalar Go loop. Each vector kernel handles a
// multiple of 8 elements and the Go code finishes the tail.
type vecOps struct {
	name      string
	expSubSum func(x *float32, n int, sub float32) float32
	geluErf   func(dst, src *float32, n int)
	geluTanh  func(dst, src *float32, n int)

	// softmaxRows, when not nil, is whole softmaxRow calls on rows rows
	// of n ≥ 1 floats, ld apart, in one vector call (no scalar tail).
	softmaxRows func(x, mask *float32, rows, n, ld int, scale float32)

	// layerNorm, when not nil, is whole layerNormRow calls on rows
	// contiguous rows of n ≥ 1 floats in one vector call, with
	// AddLayerNorm's residual sum a + b first when b is not nil.
	layerNorm func(dst, a, b, gamma, beta *float32, rows, n int, eps float32)

	// transpose16, when not nil, transposes one block of at most 16×16
	// floats into 16-float rows (Attention packs K_hᵀ with it).
	transpose16 func(dst *float32, ldd int, src *float32, lds, rows, cols int)

	// packRows32, when not nil, copies rows of at most 32 floats into a
	// 32-column B panel, zero-padded (Attention packs V_h with it).
	packRows32 func(dst, src *float32, lds, rows, w int)

	add          func(dst, a, b *float32, n int) // n a multiple of 8
	scaleMaskMax func(x, mask *float32, n int, scale float32) float32
	scale        func(x *float32, n int, s float32)
	sum          func(x *float32, n int) float32
	devSums      func(x *float32, n int, m0 float32) (s1, s2 float32)
	norm         func(dst, src, gamma, beta *float32, n int, m0, delta, inv float32)
}

// ElementwiseKernelFor names the element-wise kernel set (GELU, softmax's
// exp) chosen for the given features: "avx2", "neon" or "generic".
func ElementwiseKernelFor(f cpu.Features) string { return vecOpsFor(f).name }

// GELU sets dst[i] = x·Φ(x) = 0.5·x·(1 + erf(x/√2)) for x = src[i], the
// exact ("erf") form of BERT's activation; dst may alias src. erf is
// Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7), and 1 + erf is
// formed without cancellation for negative x; the AVX-512 kernel instead
// evaluates Φ(−|x|) by piecewise polynomials, at least as accurately.
func GELU(dst, src []float32) { geluParallel(dst, src, opGELU) }

// GELUTanh sets dst[i] = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) for
// x = src[i] (the "gelu_new"/approximate form), computed as x·sigmoid(2u);
// dst may alias src.
func GELUTanh(dst, src []float32) { geluParallel(dst, src, opGELUTanh) }

// geluChunk is the number of elements one GELU work item covers.
const geluChunk = 8192

func geluParallel(dst, src []float32, kind int) {
	sameLen("GELU", len(dst), src)
	n := len(dst)
	rows := n / geluChunk
	if rows*geluChunk < n {
		rows++
	}
	runRows(rowTask{kind: kind, dst: dst, a: src, cols: geluChunk}, rows)
}

func (v vecOps) gelu(dst, src []float32, tanhForm bool) {
	src = src[:len(dst)]
	done := 0
	if fn := v.geluErf; tanhForm {
		fn = v.geluTanh
		if fn != nil && len(dst) >= 8 {
			done = len(dst) &^ 7
			fn(&dst[0], &src[0], done)
		}
	} else if fn != nil && len(dst) >= 8 {
		done = len(dst) &^ 7
		fn(&dst[0], &src[0], done)
	}
	for i := done; i < len(dst); i++ {
		if tanhForm {
			dst[i] = float32(geluTanh64(float64(src[i])))
		} else {
			dst[i] = float32(geluErf64(float64(src[i])))
		}
	}
}

// geluErf64 is the scalar twin of the vector GELU: with z = |x|/√2 and
// Q = erfc(z) by A&S 7.1.26, 1 + erf(x/√2) is Q for x < 0 and 2 − Q else.
func geluErf64(x float64) float64 {
	z := math.Abs(x) * (math.Sqrt2 / 2)
	var q float64
	if z < 9 { // erfc(9) < 1e-36
		t := 1 / (1 + erfP*z)
		q = t * (erfA1 + t*(erfA2+t*(erfA3+t*(erfA4+t*erfA5)))) * exp64Reduced(-z*z)
	}
	if math.Signbit(x) {
		return 0.5 * x * q
	}
	return 0.5 * x * (2 - q)
}

// geluTanh64 is the scalar twin of the vector tanh-form GELU:
// 0.5·x·(1 + tanh u) = x·sigmoid(2u), with e = e**(−2|u|) so that the
// exponential never overflows.
func geluTanh64(x float64) float64 {
	const c = 0.7978845608028654 // √(2/π)
	u := c * x * (1 + 0.044715*x*x)
	a := 2 * math.Abs(u)
	e := 0.0
	if a < 100 {
		e = exp64Reduced(-a)
	}
	if math.Signbit(x) {
		return x * e / (1 + e)
	}
	return x / (1 + e)
}

// LayerNorm normalises each row of src over its cols entries:
//
//	dst[r][j] = (src[r][j] − mean_r) / √(var_r + eps) · gamma[j] + beta[j]
//
// with the biased variance (ONNX LayerNormalization, torch LayerNorm).
// Mean and variance are accumulated in float64 (two passes). dst may alias
// src. A nil beta adds nothing.
func LayerNorm(dst, src []float32, rows, cols int, gamma, beta []float32, eps float32) {
	sameLen("LayerNorm", rows*cols, dst, src)
	sameLen("LayerNorm gamma", cols, gamma)
	if beta != nil {
		sameLen("LayerNorm beta", cols, beta)
	}
	runRows(rowTask{kind: opLayerNorm, dst: dst, a: src, cols: cols, gamma: gamma, beta: beta, eps: eps}, rows)
}

// AddLayerNorm is LayerNorm(dst, a + b): the residual add and the norm in
// one pass over memory. dst may alias a or b.
func AddLayerNorm(dst, a, b []float32, rows, cols int, gamma, beta []float32, eps float32) {
	sameLen("AddLayerNorm", rows*cols, dst, a, b)
	sameLen("AddLayerNorm gamma", cols, gamma)
	if beta != nil {
		sameLen("AddLayerNorm beta", cols, beta)
	}
	runRows(rowTask{kind: opAddLayerNorm, dst: dst, a: a, b: b, cols: cols, gamma: gamma, beta: beta, eps: eps}, rows)
}

// layerNormRow normalises one row. The mean is found in two steps: a
// first estimate m0, then the mean deviation δ = Σ(x − m0)/n and the
// variance Σ(x − m0)²/n − δ², so that a large mean costs no precision (the
// deviations are small), and each output is ((x − m0) − δ)·inv·γ + β.
func (v vecOps) layerNormRow(dst, src, gamma, beta []float32, eps float32) {
	n := len(src)
	dst, gamma = dst[:n], gamma[:n]
	if beta != nil {
		beta = beta[:n]
	}
	if v.layerNorm != nil && n > 0 {
		var bp *float32
		if beta != nil {
			bp = &beta[0]
		}
		v.layerNorm(&dst[0], &src[0], nil, &gamma[0], bp, 1, n, eps)
		return
	}
	vec := 0
	if v.norm != nil && n >= 8 {
		vec = n &^ 7
	}
	var sum float64
	if vec > 0 {
		sum = float64(v.sum(&src[0], vec))
	}
	for _, x := range src[vec:] {
		sum += float64(x)
	}
	m0 := float32(sum / float64(n))
	var s1, s2 float64
	if vec > 0 {
		a, b := v.devSums(&src[0], vec, m0)
		s1, s2 = float64(a), float64(b)
	}
	for _, x := range src[vec:] {
		d := float64(x - m0)
		s1 += d
		s2 += d * d
	}
	delta := s1 / float64(n)
	variance := max(0, s2/float64(n)-delta*delta)
	inv := float32(1 / math.Sqrt(variance+float64(eps)))
	d32 := float32(delta)
	if vec > 0 {
		var bp *float32
		if beta != nil {
			bp = &beta[0]
		}
		v.norm(&dst[0], &src[0], &gamma[0], bp, vec, m0, d32, inv)
	}
	for j := vec; j < n; j++ {
		y := (src[j] - m0 - d32) * inv * gamma[j]
		if beta != nil {
			y += beta[j]
		}
		dst[j] = y
	}
}

// expSubSum sets x[i] = e**(x[i] − mx) and returns the sum; every
// x[i] − mx must be ≤ 0 (mx is the row maximum).
func expSubSum(x []float32, mx float32) float64 {
	return detectedVecOps().expSubSum64(x, mx)
}

func (v vecOps) expSubSum64(x []float32, mx float32) float64 {
	var sum float64
	done := 0
	if v.expSubSum != nil && len(x) >= 8 {
		done = len(x) &^ 7
		sum = float64(v.expSubSum(&x[0], done, mx))
	}
	for j := done; j < len(x); j++ {
		e := Exp32(x[j] - mx)
		x[j] = e
		sum += float64(e)
	}
	return sum
}

// Softmax replaces each row of x [rows×cols] with its softmax.
func Softmax(x []float32, rows, cols int) { SoftmaxMasked(x, rows, cols, 1, nil) }

// SoftmaxMasked replaces each row of x [rows×cols] with
//
//	softmax_j(scale·x[r][j] + mask[j])
//
// the attention probabilities from raw scores, the 1/√d scale and the
// additive mask (0 for real tokens; −10000 or the float32 minimum for
// padding) in one pass. mask has cols entries shared by every row, or is
// nil. A row whose entries are all −Inf becomes NaN, as in ONNX Runtime;
// a fully masked row with a finite mask becomes uniform.
func SoftmaxMasked(x []float32, rows, cols int, scale float32, mask []float32) {
	sameLen("Softmax", rows*cols, x)
	if mask != nil {
		sameLen("Softmax mask", cols, mask)
		mask = mask[:cols]
	}
	runRows(rowTask{kind: opSoftmax, dst: x, cols: cols, mask: mask, scale: scale}, rows)
}

// softmaxBlock applies softmaxRow to rows rows of n floats, row r at
// x[r*ld : r*ld+n], in one vector call where the set has softmaxRows.
func (v vecOps) softmaxBlock(x []float32, rows, n, ld int, scale float32, mask []float32) {
	if rows <= 0 || n <= 0 {
		return
	}
	sameLen("Softmax", (rows-1)*ld+n, x)
	if mask != nil {
		sameLen("Softmax mask", n, mask)
		mask = mask[:n]
	}
	if v.softmaxRows != nil && ld >= n {
		var mp *float32
		if mask != nil {
			mp = &mask[0]
		}
		v.softmaxRows(&x[0], mp, rows, n, ld, scale)
		return
	}
	for r := 0; r < rows; r++ {
		v.softmaxRow(x[r*ld:r*ld+n], scale, mask)
	}
}

func (v vecOps) softmaxRow(row []float32, scale float32, mask []float32) {
	if v.softmaxRows != nil && len(row) > 0 {
		var mp *float32
		if mask != nil {
			mp = &mask[:len(row)][0]
		}
		v.softmaxRows(&row[0], mp, 1, len(row), len(row), scale)
		return
	}
	vec := 0
	if v.scaleMaskMax != nil && len(row) >= 8 {
		vec = len(row) &^ 7
	}
	mx := float32(math.Inf(-1))
	if vec > 0 {
		var mp *float32
		if mask != nil {
			mp = &mask[0]
		}
		mx = v.scaleMaskMax(&row[0], mp, vec, scale)
	}
	for j := vec; j < len(row); j++ {
		y := row[j] * scale
		if mask != nil {
			y += mask[j]
		}
		row[j] = y
		mx = max(mx, y)
	}
	inv := float32(1 / v.expSubSum64(row, mx))
	if vec > 0 {
		v.scale(&row[0], vec, inv)
	}
	for j := vec; j < len(row); j++ {
		row[j] *= inv
	}
}

// Row-parallel execution of the primitives: rows are split over the worker
// pool (see parallel.go) when there is enough work to pay for a wake-up.

const (
	opLayerNorm = iota
	opAddLayerNorm
	opSoftmax
	opGELU
	opGELUTanh
)

// opParallelMin is the element count below which a primitive runs on the
// calling goroutine alone.
const opParallelMin = 1 << 15

// rowTask is one primitive call over rows×cols data.
type rowTask struct {
	v                 vecOps
	kind              int
	dst, a, b         []float32
	cols              int
	gamma, beta, mask []float32
	eps, scale        float32
}

var rowTaskPool freeList[rowTask]

func runRows(t rowTask, rows int) {
	t.v = detectedVecOps()
	procs := runtime.GOMAXPROCS(0)
	if procs < 2 || rows < 2 || rows*t.cols < opParallelMin {
		t.runRange(0, rows)
		return
	}
	p := rowTaskPool.get()
	*p = t
	workers.run(p, rows, max(1, rows/(4*procs)))
	*p = rowTask{}
	rowTaskPool.put(p)
}

// layerNormRows normalises rows contiguous rows of n floats of a (of
// a + b, stored to dst first, when b is not nil) into dst.
func (v vecOps) layerNormRows(dst, a, b []float32, rows, n int, gamma, beta []float32, eps float32) {
	if rows <= 0 || n <= 0 {
		return
	}
	sameLen("LayerNorm", rows*n, dst, a)
	sameLen("LayerNorm gamma", n, gamma)
	if b != nil {
		sameLen("LayerNorm", rows*n, b)
	}
	if beta != nil {
		sameLen("LayerNorm beta", n, beta)
	}
	if v.layerNorm != nil {
		var bp, betap *float32
		if b != nil {
			bp = &b[0]
		}
		if beta != nil {
			betap = &beta[0]
		}
		v.layerNorm(&dst[0], &a[0], bp, &gamma[0], betap, rows, n, eps)
		return
	}
	for r := 0; r < rows; r++ {
		d := dst[r*n : r*n+n]
		src := a[r*n : r*n+n]
		if b != nil {
			Add(d, src, b[r*n:r*n+n])
			src = d
		}
		v.layerNormRow(d, src, gamma, beta, eps)
	}
}

func (t *rowTask) runRange(lo, hi int) {
	c := t.cols
	if t.kind == opLayerNorm || t.kind == opAddLayerNorm {
		var b []float32
		if t.kind == opAddLayerNorm {
			b = t.b[lo*c : hi*c]
		}
		t.v.layerNormRows(t.dst[lo*c:hi*c], t.a[lo*c:hi*c], b, hi-lo, c, t.gamma, t.beta, t.eps)
		return
	}
	if t.kind == opSoftmax {
		t.v.softmaxBlock(t.dst[lo*c:hi*c], hi-lo, c, c, t.scale, t.mask)
		return
	}
	for r := lo; r < hi; r++ {
		end := min(r*c+c, len(t.dst))
		t.v.gelu(t.dst[r*c:end], t.a[r*c:end], t.kind == opGELUTanh)
	}
}
