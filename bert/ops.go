package bert

import (
	"fmt"
	"math"

	"github.com/obscura-ai/obscura/tensor"
)

// supportedOps lists the op types the graph executor implements. Import
// rejects any other op type, naming the node.
var supportedOps = map[string]bool{
	"Constant": true, "Identity": true, "Shape": true, "Gather": true, "Unsqueeze": true,
	"Squeeze": true, "Concat": true, "Reshape": true, "Transpose": true, "Cast": true,
	"Range": true, "ConstantOfShape": true, "Expand": true, "Equal": true, "Less": true,
	"Greater": true, "Not": true, "And": true, "Or": true, "Where": true, "Add": true,
	"Sub": true, "Mul": true, "Div": true, "Pow": true, "Sqrt": true, "Erf": true,
	"Tanh": true, "Exp": true, "Neg": true, "Relu": true, "Sigmoid": true, "Reciprocal": true,
	"Softmax": true, "ReduceMean": true, "ReduceSum": true, "LayerNormalization": true,
	"MatMul": true, "Gemm": true, "CumSum": true, "Slice": true, "Gelu": true, "Dropout": true,
	"Flatten": true, "Abs": true, "Round": true, "Clip": true, "Max": true, "Min": true,
	"ReduceMax": true, "DynamicQuantizeLinear": true, "MatMulInteger": true,
	"DequantizeLinear": true,
}

// runNode executes one node. Inputs are never modified; outputs may alias an
// input's data when the op only changes the shape.
func (g *graph) runNode(n *node, in []*value) ([]*value, error) {
	out, err := g.runOp(n, in)
	if err != nil {
		return nil, fmt.Errorf("bert: %s: %w", n.describe(), err)
	}
	return out, nil
}

func one(v *value, err error) ([]*value, error) {
	if err != nil {
		return nil, err
	}
	return []*value{v}, nil
}

func need(in []*value, k int) error {
	if len(in) < k {
		return fmt.Errorf("want %d inputs, have %d", k, len(in))
	}
	for j := 0; j < k; j++ {
		if in[j] == nil {
			return fmt.Errorf("input %d is missing", j)
		}
	}
	return nil
}

func (g *graph) runOp(n *node, in []*value) ([]*value, error) {
	switch n.op {
	case "Identity", "Dropout":
		if err := need(in, 1); err != nil {
			return nil, err
		}
		return []*value{in[0]}, nil
	case "Shape":
		if err := need(in, 1); err != nil {
			return nil, err
		}
		r := len(in[0].shape)
		start, end := int(n.attrInt("start", 0)), int(n.attrInt("end", int64(r)))
		start, end = clampAxis(start, r), clampAxis(end, r)
		out := newInt([]int{max(end-start, 0)})
		for k := start; k < end; k++ {
			out.i[k-start] = int64(in[0].shape[k])
		}
		return []*value{out}, nil
	case "Gather":
		if err := need(in, 2); err != nil {
			return nil, err
		}
		return one(gather(in[0], in[1], int(n.attrInt("axis", 0))))
	case "Unsqueeze":
		if err := need(in, 1); err != nil {
			return nil, err
		}
		axes, err := axesArg(n, in, 1)
		if err != nil {
			return nil, err
		}
		r := len(in[0].shape) + len(axes)
		ins := map[int]bool{}
		for _, a := range axes {
			ax := int(a)
			if ax < 0 {
				ax += r
			}
			if ax < 0 || ax >= r {
				return nil, fmt.Errorf("axis %d out of range", a)
			}
			ins[ax] = true
		}
		shape := make([]int, 0, r)
		src := 0
		for k := 0; k < r; k++ {
			if ins[k] {
				shape = append(shape, 1)
			} else {
				shape = append(shape, in[0].shape[src])
				src++
			}
		}
		return []*value{in[0].withShape(shape)}, nil
	case "Squeeze":
		if err := need(in, 1); err != nil {
			return nil, err
		}
		axes, err := axesArg(n, in, 1)
		if err != nil {
			return nil, err
		}
		r := len(in[0].shape)
		drop := map[int]bool{}
		for _, a := range axes {
			ax := int(a)
			if ax < 0 {
				ax += r
			}
			drop[ax] = true
		}
		shape := []int{}
		for k, d := range in[0].shape {
			if (len(axes) == 0 && d == 1) || drop[k] {
				if d != 1 {
					return nil, fmt.Errorf("cannot squeeze axis %d of size %d", k, d)
				}
				continue
			}
			shape = append(shape, d)
		}
		return []*value{in[0].withShape(shape)}, nil
	case "Flatten":
		if err := need(in, 1); err != nil {
			return nil, err
		}
		r := len(in[0].shape)
		ax := int(n.attrInt("axis", 1))
		if ax < 0 {
			ax += r
		}
		a := numel(in[0].shape[:ax])
		return []*value{in[0].withShape([]int{a, in[0].len() / max(a, 1)})}, nil
	case "Concat":
		return one(concat(in, int(n.attrInt("axis", 0))))
	case "Reshape":
		if err := need(in, 2); err != nil {
			return nil, err
		}
		return one(reshape(in[0], in[1].ints(), n.attrInt("allowzero", 0) != 0))
	case "Transpose":
		if err := need(in, 1); err != nil {
			return nil, err
		}
		perm, ok := n.attrInts("perm")
		if !ok {
			r := len(in[0].shape)
			perm = make([]int64, r)
			for k := range perm {
				perm[k] = int64(r - 1 - k)
			}
		}
		return one(transpose(in[0], perm))
	case "Cast":
		if err := need(in, 1); err != nil {
			return nil, err
		}
		return one(cast(in[0], n.attrInt("to", 0)))
	case "Range":
		if err := need(in, 3); err != nil {
			return nil, err
		}
		return one(rangeOp(in[0], in[1], in[2]))
	case "ConstantOfShape":
		if err := need(in, 1); err != nil {
			return nil, err
		}
		shape := toInts(in[0].ints())
		out := newFloat(shape)
		if a, ok := n.attrs["value"]; ok && a.T != nil {
			fill, err := tensorValue(nil, a.T)
			if err != nil {
				return nil, err
			}
			switch fill.dt {
			case dtFloat:
				for k := range out.f {
					out.f[k] = fill.f[0]
				}
			case dtInt64:
				out = newInt(shape)
				for k := range out.i {
					out.i[k] = fill.i[0]
				}
			case dtBool:
				out = newBool(shape)
				for k := range out.b {
					out.b[k] = fill.b[0]
				}
			}
		}
		return []*value{out}, nil
	case "Expand":
		if err := need(in, 2); err != nil {
			return nil, err
		}
		target := toInts(in[1].ints())
		shape, err := broadcastShape(in[0].shape, target)
		if err != nil {
			return nil, err
		}
		return one(expand(in[0], shape), nil)
	case "Equal", "Less", "Greater":
		if err := need(in, 2); err != nil {
			return nil, err
		}
		return one(compare(n.op, in[0], in[1]))
	case "And", "Or":
		if err := need(in, 2); err != nil {
			return nil, err
		}
		return one(logic(n.op, in[0], in[1]))
	case "Not":
		if err := need(in, 1); err != nil {
			return nil, err
		}
		if in[0].dt != dtBool {
			return nil, fmt.Errorf("Not of %s", in[0].dt)
		}
		out := newBool(in[0].shape)
		for k, b := range in[0].b {
			out.b[k] = !b
		}
		return []*value{out}, nil
	case "Where":
		if err := need(in, 3); err != nil {
			return nil, err
		}
		return one(where(in[0], in[1], in[2]))
	case "Add", "Sub", "Mul", "Div", "Pow":
		if err := need(in, 2); err != nil {
			return nil, err
		}
		return one(arith(n.op, in[0], in[1]))
	case "Sqrt", "Erf", "Tanh", "Exp", "Neg", "Relu", "Sigmoid", "Reciprocal", "Abs", "Round":
		if err := need(in, 1); err != nil {
			return nil, err
		}
		return one(unary(n.op, in[0]))
	case "Max", "Min":
		if err := need(in, 1); err != nil {
			return nil, err
		}
		acc := in[0]
		for _, v := range in[1:] {
			if v == nil {
				continue
			}
			var err error
			if acc, err = arith(n.op, acc, v); err != nil {
				return nil, err
			}
		}
		return []*value{acc}, nil
	case "Clip":
		if err := need(in, 1); err != nil {
			return nil, err
		}
		return one(clip(g, n, in))
	case "ReduceMax":
		if err := need(in, 1); err != nil {
			return nil, err
		}
		axes, err := axesArg(n, in, 1)
		if err != nil {
			return nil, err
		}
		return one(reduce(n.op, in[0], axes, n.attrInt("keepdims", 1) != 0))
	case "DynamicQuantizeLinear":
		if err := need(in, 1); err != nil {
			return nil, err
		}
		return dynamicQuantize(in[0])
	case "MatMulInteger":
		if err := need(in, 2); err != nil {
			return nil, err
		}
		var az, bz *value
		if len(in) > 2 {
			az = in[2]
		}
		if len(in) > 3 {
			bz = in[3]
		}
		return one(matmulInteger(in[0], in[1], az, bz))
	case "DequantizeLinear":
		if err := need(in, 2); err != nil {
			return nil, err
		}
		var zp *value
		if len(in) > 2 {
			zp = in[2]
		}
		return one(dequantize(in[0], in[1], zp, int(n.attrInt("axis", 1))))
	case "Gelu":
		if err := need(in, 1); err != nil {
			return nil, err
		}
		approx := "none"
		if a, ok := n.attrs["approximate"]; ok {
			approx = string(a.S)
		}
		if in[0].dt != dtFloat {
			return nil, fmt.Errorf("Gelu of %s", in[0].dt)
		}
		out := newFloat(in[0].shape)
		for k, x := range in[0].f {
			if approx == "tanh" {
				out.f[k] = geluTanh(x)
			} else {
				out.f[k] = geluErf(x)
			}
		}
		return []*value{out}, nil
	case "Softmax":
		if err := need(in, 1); err != nil {
			return nil, err
		}
		def := int64(-1)
		if g.opset < 13 {
			def = 1
		}
		return one(softmaxOp(in[0], int(n.attrInt("axis", def)), g.opset < 13))
	case "ReduceMean", "ReduceSum":
		if err := need(in, 1); err != nil {
			return nil, err
		}
		axes, err := axesArg(n, in, 1)
		if err != nil {
			return nil, err
		}
		return one(reduce(n.op, in[0], axes, n.attrInt("keepdims", 1) != 0))
	case "LayerNormalization":
		if err := need(in, 2); err != nil {
			return nil, err
		}
		var bias *value
		if len(in) > 2 {
			bias = in[2]
		}
		return one(layerNormOp(in[0], in[1], bias, int(n.attrInt("axis", -1)), n.attrFloat("epsilon", 1e-5)))
	case "MatMul":
		if err := need(in, 2); err != nil {
			return nil, err
		}
		return one(matmul(in[0], in[1]))
	case "Gemm":
		if err := need(in, 2); err != nil {
			return nil, err
		}
		var c *value
		if len(in) > 2 {
			c = in[2]
		}
		return one(gemm(in[0], in[1], c, n.attrFloat("alpha", 1), n.attrFloat("beta", 1), n.attrInt("transA", 0) != 0, n.attrInt("transB", 0) != 0))
	case "CumSum":
		if err := need(in, 2); err != nil {
			return nil, err
		}
		return one(cumsum(in[0], int(in[1].ints()[0]), n.attrInt("exclusive", 0) != 0, n.attrInt("reverse", 0) != 0))
	case "Slice":
		return one(slice(g, n, in))
	}
	return nil, fmt.Errorf("unsupported op type %s", n.op)
}

func clampAxis(a, r int) int {
	if a < 0 {
		a += r
	}
	return min(max(a, 0), r)
}

func toInts(v []int64) []int {
	out := make([]int, len(v))
	for k, x := range v {
		out[k] = int(x)
	}
	return out
}

// axesArg reads the axes of Unsqueeze/Squeeze/Reduce*: an attribute in older
// opsets, the input at position pos in newer ones.
func axesArg(n *node, in []*value, pos int) ([]int64, error) {
	if a, ok := n.attrInts("axes"); ok {
		return a, nil
	}
	if len(in) > pos && in[pos] != nil {
		return in[pos].ints(), nil
	}
	return nil, nil
}

func strides(shape []int) []int {
	s := make([]int, len(shape))
	acc := 1
	for k := len(shape) - 1; k >= 0; k-- {
		s[k] = acc
		acc *= shape[k]
	}
	return s
}

func gather(data, idx *value, axis int) (*value, error) {
	r := len(data.shape)
	if axis < 0 {
		axis += r
	}
	if axis < 0 || axis >= r {
		return nil, fmt.Errorf("gather axis %d out of range for rank %d", axis, r)
	}
	ids := idx.ints()
	outer := numel(data.shape[:axis])
	dim := data.shape[axis]
	inner := numel(data.shape[axis+1:])
	shape := append(append(append([]int{}, data.shape[:axis]...), idx.shape...), data.shape[axis+1:]...)
	out := &value{dt: data.dt, shape: shape}
	n := numel(shape)
	switch data.dt {
	case dtFloat:
		out.f = make([]float32, n)
	case dtInt64:
		out.i = make([]int64, n)
	case dtBool:
		out.b = make([]bool, n)
	}
	for o := 0; o < outer; o++ {
		for j, id := range ids {
			if id < 0 {
				id += int64(dim)
			}
			if id < 0 || id >= int64(dim) {
				return nil, fmt.Errorf("gather index %d out of range [0,%d)", ids[j], dim)
			}
			src := (o*dim + int(id)) * inner
			dst := (o*len(ids) + j) * inner
			switch data.dt {
			case dtFloat:
				copy(out.f[dst:dst+inner], data.f[src:src+inner])
			case dtInt64:
				copy(out.i[dst:dst+inner], data.i[src:src+inner])
			case dtBool:
				copy(out.b[dst:dst+inner], data.b[src:src+inner])
			}
		}
	}
	return out, nil
}

func concat(in []*value, axis int) (*value, error) {
	if len(in) == 0 || in[0] == nil {
		return nil, fmt.Errorf("concat of nothing")
	}
	r := len(in[0].shape)
	if axis < 0 {
		axis += r
	}
	shape := append([]int{}, in[0].shape...)
	shape[axis] = 0
	for _, v := range in {
		if v == nil || len(v.shape) != r || v.dt != in[0].dt {
			return nil, fmt.Errorf("concat inputs differ in rank or type")
		}
		for k := range shape {
			if k != axis && v.shape[k] != shape[k] {
				return nil, fmt.Errorf("concat shapes %v and %v differ off axis %d", in[0].shape, v.shape, axis)
			}
		}
		shape[axis] += v.shape[axis]
	}
	out := &value{dt: in[0].dt, shape: shape}
	n := numel(shape)
	outer := numel(shape[:axis])
	inner := numel(shape[axis+1:])
	switch out.dt {
	case dtFloat:
		out.f = make([]float32, 0, n)
	case dtInt64:
		out.i = make([]int64, 0, n)
	case dtBool:
		out.b = make([]bool, 0, n)
	}
	for o := 0; o < outer; o++ {
		for _, v := range in {
			w := v.shape[axis] * inner
			switch out.dt {
			case dtFloat:
				out.f = append(out.f, v.f[o*w:(o+1)*w]...)
			case dtInt64:
				out.i = append(out.i, v.i[o*w:(o+1)*w]...)
			case dtBool:
				out.b = append(out.b, v.b[o*w:(o+1)*w]...)
			}
		}
	}
	return out, nil
}

func reshape(v *value, spec []int64, allowZero bool) (*value, error) {
	shape := make([]int, len(spec))
	infer := -1
	known := 1
	for k, d := range spec {
		switch {
		case d == -1:
			if infer >= 0 {
				return nil, fmt.Errorf("reshape spec %v has two -1", spec)
			}
			infer = k
			continue
		case d == 0 && !allowZero:
			if k >= len(v.shape) {
				return nil, fmt.Errorf("reshape spec %v copies a missing dimension", spec)
			}
			shape[k] = v.shape[k]
		default:
			shape[k] = int(d)
		}
		known *= shape[k]
	}
	total := v.len()
	if infer >= 0 {
		if known == 0 || total%known != 0 {
			return nil, fmt.Errorf("cannot reshape %v to %v", v.shape, spec)
		}
		shape[infer] = total / known
	} else if known != total {
		return nil, fmt.Errorf("cannot reshape %v to %v", v.shape, spec)
	}
	return v.withShape(shape), nil
}

func transpose(v *value, perm []int64) (*value, error) {
	r := len(v.shape)
	if len(perm) != r {
		return nil, fmt.Errorf("perm %v for rank %d", perm, r)
	}
	shape := make([]int, r)
	for k, p := range perm {
		shape[k] = v.shape[p]
	}
	src := strides(v.shape)
	// srcStride[k] is the input stride of output axis k.
	ss := make([]int, r)
	for k, p := range perm {
		ss[k] = src[p]
	}
	out := &value{dt: v.dt, shape: shape}
	n := v.len()
	switch v.dt {
	case dtFloat:
		out.f = make([]float32, n)
	case dtInt64:
		out.i = make([]int64, n)
	case dtBool:
		out.b = make([]bool, n)
	}
	if n == 0 {
		return out, nil
	}
	idx := make([]int, r)
	off := 0
	for o := 0; o < n; o++ {
		switch v.dt {
		case dtFloat:
			out.f[o] = v.f[off]
		case dtInt64:
			out.i[o] = v.i[off]
		case dtBool:
			out.b[o] = v.b[off]
		}
		for k := r - 1; k >= 0; k-- {
			idx[k]++
			off += ss[k]
			if idx[k] < shape[k] {
				break
			}
			off -= ss[k] * shape[k]
			idx[k] = 0
		}
	}
	return out, nil
}

// ONNX TensorProto data types the Cast op targets.
const (
	onnxFloat  = 1
	onnxUint8  = 2
	onnxInt8   = 3
	onnxInt32  = 6
	onnxInt64  = 7
	onnxBool   = 9
	onnxDouble = 11
)

func cast(v *value, to int64) (*value, error) {
	switch to {
	case onnxFloat, onnxDouble:
		out := newFloat(v.shape)
		switch v.dt {
		case dtFloat:
			copy(out.f, v.f)
		case dtInt64:
			for k, x := range v.i {
				out.f[k] = float32(x)
			}
		case dtBool:
			for k, x := range v.b {
				if x {
					out.f[k] = 1
				}
			}
		}
		return out, nil
	case onnxInt64, onnxInt32, onnxInt8, onnxUint8:
		out := newInt(v.shape)
		lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
		switch to {
		case onnxInt32:
			lo, hi = math.MinInt32, math.MaxInt32
		case onnxInt8:
			lo, hi = math.MinInt8, math.MaxInt8
		case onnxUint8:
			lo, hi = 0, math.MaxUint8
		}
		switch v.dt {
		case dtFloat:
			// Out-of-range casts are undefined in ONNX; we saturate.
			for k, x := range v.f {
				out.i[k] = min(max(int64(x), lo), hi)
			}
		case dtInt64:
			copy(out.i, v.i)
		case dtBool:
			for k, x := range v.b {
				if x {
					out.i[k] = 1
				}
			}
		}
		return out, nil
	case onnxBool:
		out := newBool(v.shape)
		switch v.dt {
		case dtFloat:
			for k, x := range v.f {
				out.b[k] = x != 0
			}
		case dtInt64:
			for k, x := range v.i {
				out.b[k] = x != 0
			}
		case dtBool:
			copy(out.b, v.b)
		}
		return out, nil
	}
	return nil, fmt.Errorf("cast to data type %d is not supported", to)
}

func rangeOp(start, limit, delta *value) (*value, error) {
	if start.dt == dtFloat {
		s, _ := start.scalarFloat()
		l, _ := limit.scalarFloat()
		d, _ := delta.scalarFloat()
		if d == 0 {
			return nil, fmt.Errorf("range delta 0")
		}
		cnt := max(int(math.Ceil((l-s)/d)), 0)
		out := newFloat([]int{cnt})
		for k := range out.f {
			out.f[k] = float32(s + float64(k)*d)
		}
		return out, nil
	}
	s, l, d := start.ints()[0], limit.ints()[0], delta.ints()[0]
	if d == 0 {
		return nil, fmt.Errorf("range delta 0")
	}
	cnt := 0
	if (d > 0 && l > s) || (d < 0 && l < s) {
		cnt = int((l - s + d - sign(d)) / d)
	}
	out := newInt([]int{cnt})
	for k := range out.i {
		out.i[k] = s + int64(k)*d
	}
	return out, nil
}

func sign(x int64) int64 {
	if x < 0 {
		return -1
	}
	return 1
}

func broadcastShape(a, b []int) ([]int, error) {
	r := max(len(a), len(b))
	out := make([]int, r)
	for k := 0; k < r; k++ {
		da, db := 1, 1
		if j := k - (r - len(a)); j >= 0 {
			da = a[j]
		}
		if j := k - (r - len(b)); j >= 0 {
			db = b[j]
		}
		switch {
		case da == db:
			out[k] = da
		case da == 1:
			out[k] = db
		case db == 1:
			out[k] = da
		default:
			return nil, fmt.Errorf("shapes %v and %v do not broadcast", a, b)
		}
	}
	return out, nil
}

// bstrides returns the strides of shape aligned to the broadcast shape out,
// zero along broadcast axes.
func bstrides(shape, out []int) []int {
	st := strides(shape)
	res := make([]int, len(out))
	off := len(out) - len(shape)
	for k := range shape {
		if shape[k] != 1 {
			res[k+off] = st[k]
		}
	}
	return res
}

// bindex calls f(o, ia, ib) for every output element o of the broadcast of
// shapes a and b into out, with the matching input offsets.
func bindex(a, b, out []int, f func(o, ia, ib int)) {
	n := numel(out)
	if n == 0 {
		return
	}
	if equalShape(a, b) {
		for o := 0; o < n; o++ {
			f(o, o, o)
		}
		return
	}
	na, nb := numel(a), numel(b)
	if nb == 1 && na == n {
		for o := 0; o < n; o++ {
			f(o, o, 0)
		}
		return
	}
	if na == 1 && nb == n {
		for o := 0; o < n; o++ {
			f(o, 0, o)
		}
		return
	}
	sa, sb := bstrides(a, out), bstrides(b, out)
	r := len(out)
	idx := make([]int, r)
	ia, ib := 0, 0
	for o := 0; o < n; o++ {
		f(o, ia, ib)
		for k := r - 1; k >= 0; k-- {
			idx[k]++
			ia += sa[k]
			ib += sb[k]
			if idx[k] < out[k] {
				break
			}
			ia -= sa[k] * out[k]
			ib -= sb[k] * out[k]
			idx[k] = 0
		}
	}
}

func equalShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

func expand(v *value, shape []int) *value {
	out := &value{dt: v.dt, shape: shape}
	n := numel(shape)
	switch v.dt {
	case dtFloat:
		out.f = make([]float32, n)
		bindex(shape, v.shape, shape, func(o, _, ib int) { out.f[o] = v.f[ib] })
	case dtInt64:
		out.i = make([]int64, n)
		bindex(shape, v.shape, shape, func(o, _, ib int) { out.i[o] = v.i[ib] })
	case dtBool:
		out.b = make([]bool, n)
		bindex(shape, v.shape, shape, func(o, _, ib int) { out.b[o] = v.b[ib] })
	}
	return out
}

func compare(op string, a, b *value) (*value, error) {
	shape, err := broadcastShape(a.shape, b.shape)
	if err != nil {
		return nil, err
	}
	out := newBool(shape)
	switch {
	case a.dt == dtFloat && b.dt == dtFloat:
		bindex(a.shape, b.shape, shape, func(o, ia, ib int) {
			x, y := a.f[ia], b.f[ib]
			out.b[o] = (op == "Equal" && x == y) || (op == "Less" && x < y) || (op == "Greater" && x > y)
		})
	case a.dt == dtInt64 && b.dt == dtInt64:
		bindex(a.shape, b.shape, shape, func(o, ia, ib int) {
			x, y := a.i[ia], b.i[ib]
			out.b[o] = (op == "Equal" && x == y) || (op == "Less" && x < y) || (op == "Greater" && x > y)
		})
	case a.dt == dtBool && b.dt == dtBool && op == "Equal":
		bindex(a.shape, b.shape, shape, func(o, ia, ib int) { out.b[o] = a.b[ia] == b.b[ib] })
	default:
		return nil, fmt.Errorf("%s of %s and %s", op, a.dt, b.dt)
	}
	return out, nil
}

func logic(op string, a, b *value) (*value, error) {
	if a.dt != dtBool || b.dt != dtBool {
		return nil, fmt.Errorf("%s of %s and %s", op, a.dt, b.dt)
	}
	shape, err := broadcastShape(a.shape, b.shape)
	if err != nil {
		return nil, err
	}
	out := newBool(shape)
	bindex(a.shape, b.shape, shape, func(o, ia, ib int) {
		if op == "And" {
			out.b[o] = a.b[ia] && b.b[ib]
		} else {
			out.b[o] = a.b[ia] || b.b[ib]
		}
	})
	return out, nil
}

func where(c, x, y *value) (*value, error) {
	if c.dt != dtBool || x.dt != y.dt {
		return nil, fmt.Errorf("Where of %s, %s, %s", c.dt, x.dt, y.dt)
	}
	s1, err := broadcastShape(c.shape, x.shape)
	if err != nil {
		return nil, err
	}
	shape, err := broadcastShape(s1, y.shape)
	if err != nil {
		return nil, err
	}
	cx := expand(c, shape)
	xx := expand(x, shape)
	yx := expand(y, shape)
	out := &value{dt: x.dt, shape: shape}
	switch x.dt {
	case dtFloat:
		out.f = selectWhere(cx.b, xx.f, yx.f)
	case dtInt64:
		out.i = selectWhere(cx.b, xx.i, yx.i)
	case dtBool:
		out.b = selectWhere(cx.b, xx.b, yx.b)
	}
	return out, nil
}

func arith(op string, a, b *value) (*value, error) {
	if a.dt != b.dt {
		return nil, fmt.Errorf("%s of %s and %s", op, a.dt, b.dt)
	}
	shape, err := broadcastShape(a.shape, b.shape)
	if err != nil {
		return nil, err
	}
	switch a.dt {
	case dtFloat:
		out := newFloat(shape)
		switch op {
		case "Add":
			bindex(a.shape, b.shape, shape, func(o, ia, ib int) { out.f[o] = a.f[ia] + b.f[ib] })
		case "Sub":
			bindex(a.shape, b.shape, shape, func(o, ia, ib int) { out.f[o] = a.f[ia] - b.f[ib] })
		case "Mul":
			bindex(a.shape, b.shape, shape, func(o, ia, ib int) { out.f[o] = a.f[ia] * b.f[ib] })
		case "Div":
			bindex(a.shape, b.shape, shape, func(o, ia, ib int) { out.f[o] = a.f[ia] / b.f[ib] })
		case "Max":
			bindex(a.shape, b.shape, shape, func(o, ia, ib int) { out.f[o] = max(a.f[ia], b.f[ib]) })
		case "Min":
			bindex(a.shape, b.shape, shape, func(o, ia, ib int) { out.f[o] = min(a.f[ia], b.f[ib]) })
		case "Pow":
			bindex(a.shape, b.shape, shape, func(o, ia, ib int) {
				x, y := a.f[ia], b.f[ib]
				if y == 2 {
					out.f[o] = x * x
				} else {
					out.f[o] = float32(math.Pow(float64(x), float64(y)))
				}
			})
		}
		return out, nil
	case dtInt64:
		out := newInt(shape)
		var derr error
		bindex(a.shape, b.shape, shape, func(o, ia, ib int) {
			x, y := a.i[ia], b.i[ib]
			switch op {
			case "Add":
				out.i[o] = x + y
			case "Sub":
				out.i[o] = x - y
			case "Mul":
				out.i[o] = x * y
			case "Div":
				if y == 0 {
					derr = fmt.Errorf("integer division by zero")
					return
				}
				out.i[o] = x / y
			case "Pow":
				out.i[o] = int64(math.Pow(float64(x), float64(y)))
			case "Max":
				out.i[o] = max(x, y)
			case "Min":
				out.i[o] = min(x, y)
			}
		})
		return out, derr
	}
	return nil, fmt.Errorf("%s of %s", op, a.dt)
}

func unary(op string, v *value) (*value, error) {
	if v.dt != dtFloat {
		if (op == "Neg" || op == "Abs") && v.dt == dtInt64 {
			out := newInt(v.shape)
			for k, x := range v.i {
				if op == "Neg" || x < 0 {
					x = -x
				}
				out.i[k] = x
			}
			return out, nil
		}
		return nil, fmt.Errorf("%s of %s", op, v.dt)
	}
	out := newFloat(v.shape)
	for k, x := range v.f {
		var y float32
		switch op {
		case "Sqrt":
			y = float32(math.Sqrt(float64(x)))
		case "Erf":
			y = float32(math.Erf(float64(x)))
		case "Tanh":
			y = float32(math.Tanh(float64(x)))
		case "Exp":
			y = float32(math.Exp(float64(x)))
		case "Neg":
			y = -x
		case "Relu":
			y = max(x, 0)
		case "Sigmoid":
			y = float32(1 / (1 + math.Exp(-float64(x))))
		case "Reciprocal":
			y = 1 / x
		case "Abs":
			y = float32(math.Abs(float64(x)))
		case "Round":
			y = float32(math.RoundToEven(float64(x)))
		}
		out.f[k] = y
	}
	return out, nil
}

func geluErf(x float32) float32 {
	return float32(0.5 * float64(x) * (1 + math.Erf(float64(x)/math.Sqrt2)))
}

func geluTanh(x float32) float32 {
	xf := float64(x)
	return float32(0.5 * xf * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(xf+0.044715*xf*xf*xf))))
}

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

func cumsum(v *value, axis int, exclusive, reverse bool) (*value, error) {
	r := len(v.shape)
	if axis < 0 {
		axis += r
	}
	if axis < 0 || axis >= r {
		return nil, fmt.Errorf("cumsum axis %d out of range", axis)
	}
	outer, dim, inner := numel(v.shape[:axis]), v.shape[axis], numel(v.shape[axis+1:])
	out := &value{dt: v.dt, shape: v.shape}
	switch v.dt {
	case dtFloat:
		out.f = make([]float32, len(v.f))
	case dtInt64:
		out.i = make([]int64, len(v.i))
	default:
		return nil, fmt.Errorf("CumSum of %s", v.dt)
	}
	for o := 0; o < outer; o++ {
		for in := 0; in < inner; in++ {
			var sf float32
			var si int64
			for s := 0; s < dim; s++ {
				d := s
				if reverse {
					d = dim - 1 - s
				}
				at := (o*dim+d)*inner + in
				if v.dt == dtFloat {
					if exclusive {
						out.f[at] = sf
						sf += v.f[at]
					} else {
						sf += v.f[at]
						out.f[at] = sf
					}
				} else {
					if exclusive {
						out.i[at] = si
						si += v.i[at]
					} else {
						si += v.i[at]
						out.i[at] = si
					}
				}
			}
		}
	}
	return out, nil
}

func slice(g *graph, n *node, in []*value) (*value, error) {
	if err := need(in, 1); err != nil {
		return nil, err
	}
	v := in[0]
	r := len(v.shape)
	var starts, ends, axes, steps []int64
	if g.opset < 10 {
		starts, _ = n.attrInts("starts")
		ends, _ = n.attrInts("ends")
		axes, _ = n.attrInts("axes")
	} else {
		if err := need(in, 3); err != nil {
			return nil, err
		}
		starts, ends = in[1].ints(), in[2].ints()
		if len(in) > 3 && in[3] != nil {
			axes = in[3].ints()
		}
		if len(in) > 4 && in[4] != nil {
			steps = in[4].ints()
		}
	}
	if axes == nil {
		for k := range starts {
			axes = append(axes, int64(k))
		}
	}
	st := make([]int, r)
	step := make([]int, r)
	shape := append([]int{}, v.shape...)
	for k := range step {
		step[k] = 1
	}
	for j, a := range axes {
		ax := int(a)
		if ax < 0 {
			ax += r
		}
		d := int64(v.shape[ax])
		s, e, p := starts[j], ends[j], int64(1)
		if steps != nil {
			p = steps[j]
		}
		if p == 0 {
			return nil, fmt.Errorf("slice step 0")
		}
		if s < 0 {
			s += d
		}
		if e < 0 {
			e += d
		}
		if p > 0 {
			s, e = min(max(s, 0), d), min(max(e, 0), d)
		} else {
			s, e = min(max(s, -1), d-1), min(max(e, -1), d-1)
		}
		cnt := int64(0)
		if p > 0 && e > s {
			cnt = (e - s + p - 1) / p
		} else if p < 0 && s > e {
			cnt = (s - e - p - 1) / -p
		}
		st[ax], step[ax], shape[ax] = int(s), int(p), int(cnt)
	}
	src := strides(v.shape)
	out := &value{dt: v.dt, shape: shape}
	total := numel(shape)
	switch v.dt {
	case dtFloat:
		out.f = make([]float32, total)
	case dtInt64:
		out.i = make([]int64, total)
	case dtBool:
		out.b = make([]bool, total)
	}
	idx := make([]int, r)
	for o := 0; o < total; o++ {
		off := 0
		for k := 0; k < r; k++ {
			off += (st[k] + idx[k]*step[k]) * src[k]
		}
		switch v.dt {
		case dtFloat:
			out.f[o] = v.f[off]
		case dtInt64:
			out.i[o] = v.i[off]
		case dtBool:
			out.b[o] = v.b[off]
		}
		for k := r - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out, nil
}

func clip(g *graph, n *node, in []*value) (*value, error) {
	v := in[0]
	if v.dt != dtFloat {
		return nil, fmt.Errorf("Clip of %s", v.dt)
	}
	lo, hi := float32(math.Inf(-1)), float32(math.Inf(1))
	if g.opset < 11 {
		lo, hi = n.attrFloat("min", lo), n.attrFloat("max", hi)
	} else {
		if len(in) > 1 && in[1] != nil {
			f, _ := in[1].scalarFloat()
			lo = float32(f)
		}
		if len(in) > 2 && in[2] != nil {
			f, _ := in[2].scalarFloat()
			hi = float32(f)
		}
	}
	out := newFloat(v.shape)
	for k, x := range v.f {
		out.f[k] = min(max(x, lo), hi)
	}
	return out, nil
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

// selectWhere is Where's element rule: x[k] where cond[k], else y[k].
func selectWhere[T any](cond []bool, x, y []T) []T {
	out := make([]T, len(cond))
	for k, c := range cond {
		if c {
			out[k] = x[k]
		} else {
			out[k] = y[k]
		}
	}
	return out
}
