package bert

import (
	"fmt"
	"math"
)

// The graph executor's shape and indexing ops: Gather, Concat, Reshape,
// Transpose, Cast, Range, Slice, CumSum.

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
