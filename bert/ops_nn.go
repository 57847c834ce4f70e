package bert

import (
	"fmt"
	"math"

	"github.com/obscura-ai/obscura/tensor"
)

// The graph executor's neural-network ops: Softmax, reductions,
// LayerNormalization, MatMul, Gemm and the dynamic-quantization trio.

// softmaxOp normalises along axis; with coerce2D (opset < 13) the input is
// viewed as [prod(dims[:axis]), prod(dims[axis:])].
func softmaxOp(v *value, axis int, coerce2D bool) (*value, error) {
	if v.dt != dtFloat {
		return nil, fmt.Errorf("Softmax of %s", v.dt)
	}
	r := len(v.shape)
	if axis < 0 {
		axis += r
	}
	if axis < 0 || axis >= r {
		return nil, fmt.Errorf("softmax axis %d out of range", axis)
	}
	out := newFloat(v.shape)
	if coerce2D || axis == r-1 {
		w := numel(v.shape[axis:])
		for o := 0; o+w <= len(v.f) && w > 0; o += w {
			softmaxRow(out.f[o:o+w], v.f[o:o+w])
		}
		return out, nil
	}
	outer, dim, inner := numel(v.shape[:axis]), v.shape[axis], numel(v.shape[axis+1:])
	row := make([]float32, dim)
	res := make([]float32, dim)
	for o := 0; o < outer; o++ {
		for in := 0; in < inner; in++ {
			for d := 0; d < dim; d++ {
				row[d] = v.f[(o*dim+d)*inner+in]
			}
			softmaxRow(res, row)
			for d := 0; d < dim; d++ {
				out.f[(o*dim+d)*inner+in] = res[d]
			}
		}
	}
	return out, nil
}

// softmaxRow writes softmax(x) to dst, subtracting the maximum first.
func softmaxRow(dst, x []float32) {
	m := float32(math.Inf(-1))
	for _, v := range x {
		m = max(m, v)
	}
	var sum float64
	for k, v := range x {
		e := float32(math.Exp(float64(v - m)))
		dst[k] = e
		sum += float64(e)
	}
	inv := float32(1 / sum)
	for k := range dst {
		dst[k] *= inv
	}
}

func reduce(op string, v *value, axes []int64, keep bool) (*value, error) {
	if v.dt != dtFloat {
		return nil, fmt.Errorf("%s of %s", op, v.dt)
	}
	r := len(v.shape)
	red := make([]bool, r)
	if len(axes) == 0 {
		for k := range red {
			red[k] = true
		}
	}
	for _, a := range axes {
		ax := int(a)
		if ax < 0 {
			ax += r
		}
		if ax < 0 || ax >= r {
			return nil, fmt.Errorf("reduce axis %d out of range", a)
		}
		red[ax] = true
	}
	kept := make([]int, r)
	var shape []int
	for k, d := range v.shape {
		if red[k] {
			kept[k] = 1
			if keep {
				shape = append(shape, 1)
			}
		} else {
			kept[k] = d
			shape = append(shape, d)
		}
	}
	if shape == nil {
		shape = []int{}
	}
	acc := make([]float64, numel(kept))
	if op == "ReduceMax" {
		for k := range acc {
			acc[k] = math.Inf(-1)
		}
		bindex(v.shape, kept, v.shape, func(o, _, ib int) { acc[ib] = max(acc[ib], float64(v.f[o])) })
	} else {
		bindex(v.shape, kept, v.shape, func(o, _, ib int) { acc[ib] += float64(v.f[o]) })
	}
	out := newFloat(shape)
	cnt := float64(v.len() / max(len(acc), 1))
	for k, s := range acc {
		if op == "ReduceMean" {
			s /= cnt
		}
		out.f[k] = float32(s)
	}
	return out, nil
}

func layerNormOp(x, scale, bias *value, axis int, eps float32) (*value, error) {
	if x.dt != dtFloat {
		return nil, fmt.Errorf("LayerNormalization of %s", x.dt)
	}
	r := len(x.shape)
	if axis < 0 {
		axis += r
	}
	w := numel(x.shape[axis:])
	if scale.len() != w || (bias != nil && bias.len() != w) {
		return nil, fmt.Errorf("LayerNormalization scale/bias size does not match %d", w)
	}
	out := newFloat(x.shape)
	var b []float32
	if bias != nil {
		b = bias.f
	}
	for o := 0; o+w <= len(x.f) && w > 0; o += w {
		layerNormRow(out.f[o:o+w], x.f[o:o+w], scale.f, b, eps)
	}
	return out, nil
}

// layerNormRow normalises one row: (x-mean)/sqrt(var+eps)*g + b, with the
// population variance, as ONNX LayerNormalization and torch compute it.
func layerNormRow(dst, x, g, b []float32, eps float32) {
	var s float64
	for _, v := range x {
		s += float64(v)
	}
	mean := float32(s / float64(len(x)))
	var q float64
	for _, v := range x {
		d := v - mean
		q += float64(d * d)
	}
	inv := float32(1 / math.Sqrt(float64(float32(q/float64(len(x)))+eps)))
	for k, v := range x {
		y := (v - mean) * inv * g[k]
		if b != nil {
			y += b[k]
		}
		dst[k] = y
	}
}

// matmul implements numpy-style MatMul with batch broadcasting.
func matmul(a, b *value) (*value, error) {
	if a.dt != dtFloat || b.dt != dtFloat {
		return nil, fmt.Errorf("MatMul of %s and %s", a.dt, b.dt)
	}
	as, bs := a.shape, b.shape
	if len(as) == 1 {
		as = []int{1, as[0]}
	}
	if len(bs) == 1 {
		bs = []int{bs[0], 1}
	}
	m, k := as[len(as)-2], as[len(as)-1]
	k2, n := bs[len(bs)-2], bs[len(bs)-1]
	if k != k2 {
		return nil, fmt.Errorf("MatMul inner dimensions %v × %v", a.shape, b.shape)
	}
	batch, err := broadcastShape(as[:len(as)-2], bs[:len(bs)-2])
	if err != nil {
		return nil, err
	}
	shape := append(append([]int{}, batch...), m, n)
	out := newFloat(shape)
	nb := numel(batch)
	abatch := make([]int, nb)
	bbatch := make([]int, nb)
	bindex(as[:len(as)-2], bs[:len(bs)-2], batch, func(o, ia, ib int) { abatch[o], bbatch[o] = ia, ib })
	if len(batch) == 0 {
		abatch[0], bbatch[0] = 0, 0
	}
	for p := 0; p < nb; p++ {
		tensor.MatMul(out.f[p*m*n:(p+1)*m*n], a.f[abatch[p]*m*k:(abatch[p]+1)*m*k], b.f[bbatch[p]*k*n:(bbatch[p]+1)*k*n], m, k, n)
	}
	// Drop the axes that 1-D operands added.
	final := append([]int{}, batch...)
	if len(a.shape) != 1 {
		final = append(final, m)
	}
	if len(b.shape) != 1 {
		final = append(final, n)
	}
	return out.withShape(final), nil
}

func gemm(a, b, c *value, alpha, beta float32, ta, tb bool) (*value, error) {
	if len(a.shape) != 2 || len(b.shape) != 2 {
		return nil, fmt.Errorf("Gemm wants 2-D inputs, have %v and %v", a.shape, b.shape)
	}
	var err error
	if ta {
		if a, err = transpose(a, []int64{1, 0}); err != nil {
			return nil, err
		}
	}
	if tb {
		if b, err = transpose(b, []int64{1, 0}); err != nil {
			return nil, err
		}
	}
	y, err := matmul(a, b)
	if err != nil {
		return nil, err
	}
	for k := range y.f {
		y.f[k] *= alpha
	}
	if c != nil {
		cs, err := broadcastShape(y.shape, c.shape)
		if err != nil || !equalShape(cs, y.shape) {
			return nil, fmt.Errorf("Gemm C %v does not broadcast to %v", c.shape, y.shape)
		}
		bindex(y.shape, c.shape, y.shape, func(o, _, ic int) { y.f[o] += beta * c.f[ic] })
	}
	return y, nil
}

// dynamicQuantize is ONNX DynamicQuantizeLinear: uint8 values with one scale
// and zero point for the whole tensor, from its range widened to include 0.
func dynamicQuantize(x *value) ([]*value, error) {
	if x.dt != dtFloat {
		return nil, fmt.Errorf("DynamicQuantizeLinear of %s", x.dt)
	}
	var lo, hi float32
	for _, v := range x.f {
		lo, hi = min(lo, v), max(hi, v)
	}
	scale := (hi - lo) / 255
	zp := int64(0)
	if scale != 0 {
		zp = int64(min(max(math.RoundToEven(float64(-lo/scale)), 0), 255))
	}
	y := newInt(x.shape)
	if scale != 0 {
		for k, v := range x.f {
			y.i[k] = min(max(int64(math.RoundToEven(float64(v/scale)))+zp, 0), 255)
		}
	}
	return []*value{y, {dt: dtFloat, shape: []int{}, f: []float32{scale}}, {dt: dtInt64, shape: []int{}, i: []int64{zp}}}, nil
}

// matmulInteger is ONNX MatMulInteger: (A - a_zp)·(B - b_zp) exactly in
// integers, with a per-tensor a_zp and a per-tensor or per-column b_zp.
func matmulInteger(a, b, az, bz *value) (*value, error) {
	if a.dt != dtInt64 || b.dt != dtInt64 {
		return nil, fmt.Errorf("MatMulInteger of %s and %s", a.dt, b.dt)
	}
	if len(b.shape) != 2 || len(a.shape) < 2 {
		return nil, fmt.Errorf("MatMulInteger supports A [...×M×K] by a 2-D B, have %v and %v", a.shape, b.shape)
	}
	k, n := b.shape[0], b.shape[1]
	if a.shape[len(a.shape)-1] != k {
		return nil, fmt.Errorf("MatMulInteger inner dimensions %v × %v", a.shape, b.shape)
	}
	var za int64
	if az != nil {
		if az.len() != 1 {
			return nil, fmt.Errorf("MatMulInteger: per-row A zero points are not supported")
		}
		za = az.ints()[0]
	}
	zb := make([]int64, n)
	if bz != nil {
		zs := bz.ints()
		switch len(zs) {
		case 1:
			for j := range zb {
				zb[j] = zs[0]
			}
		case n:
			copy(zb, zs)
		default:
			return nil, fmt.Errorf("MatMulInteger: %d B zero points for %d columns", len(zs), n)
		}
	}
	rows := a.len() / k
	shape := append(append([]int{}, a.shape[:len(a.shape)-1]...), n)
	out := newInt(shape)
	for r := 0; r < rows; r++ {
		acc := out.i[r*n : (r+1)*n]
		for p := 0; p < k; p++ {
			av := a.i[r*k+p] - za
			if av == 0 {
				continue
			}
			brow := b.i[p*n : (p+1)*n]
			for j, bv := range brow {
				acc[j] += av * (bv - zb[j])
			}
		}
	}
	return out, nil
}

// dequantize is ONNX DequantizeLinear: (x - zp)·scale, per tensor or per
// slice along axis.
func dequantize(x, scale, zp *value, axis int) (*value, error) {
	if x.dt != dtInt64 || scale.dt != dtFloat {
		return nil, fmt.Errorf("DequantizeLinear of %s by %s", x.dt, scale.dt)
	}
	out := newFloat(x.shape)
	if scale.len() == 1 {
		z := int64(0)
		if zp != nil {
			z = zp.ints()[0]
		}
		for k, v := range x.i {
			out.f[k] = float32(v-z) * scale.f[0]
		}
		return out, nil
	}
	r := len(x.shape)
	if axis < 0 {
		axis += r
	}
	if axis < 0 || axis >= r || x.shape[axis] != scale.len() {
		return nil, fmt.Errorf("DequantizeLinear: %d scales for axis %d of %v", scale.len(), axis, x.shape)
	}
	inner := numel(x.shape[axis+1:])
	dim := x.shape[axis]
	var zs []int64
	if zp != nil {
		zs = zp.ints()
	}
	for k, v := range x.i {
		c := (k / inner) % dim
		var z int64
		if zs != nil {
			z = zs[c]
		}
		out.f[k] = float32(v-z) * scale.f[c]
	}
	return out, nil
}
