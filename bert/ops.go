package bert

import (
	"fmt"
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
