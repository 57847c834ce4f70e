package bert

import (
	"fmt"
	"math"
)

// The graph executor's element-wise ops with ONNX broadcasting:
// comparisons, logic, Where, arithmetic, unary functions, GELU, Clip.

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
