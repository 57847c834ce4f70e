package bert

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/gomlx/compute-onnx/support/protos"
	"github.com/obscura-ai/obscura/weights/onnx"
)

// dtype is the element type of a graph value. The executor computes in three
// types: float32 for activations, int64 for indices and shapes (INT32 inputs
// are widened), and bool for comparisons.
type dtype uint8

const (
	dtFloat dtype = iota + 1
	dtInt64
	dtBool
)

func (d dtype) String() string {
	switch d {
	case dtFloat:
		return "float32"
	case dtInt64:
		return "int64"
	case dtBool:
		return "bool"
	}
	return "invalid"
}

// value is one dense row-major tensor flowing through the graph executor.
// Exactly one of f, i, b holds the data, as dt says.
type value struct {
	dt    dtype
	shape []int
	f     []float32
	i     []int64
	b     []bool
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

func newFloat(shape []int) *value {
	return &value{dt: dtFloat, shape: shape, f: make([]float32, numel(shape))}
}

func newInt(shape []int) *value {
	return &value{dt: dtInt64, shape: shape, i: make([]int64, numel(shape))}
}

func newBool(shape []int) *value {
	return &value{dt: dtBool, shape: shape, b: make([]bool, numel(shape))}
}

func (v *value) len() int { return numel(v.shape) }

// ints returns the value's elements as int64s (float values are truncated).
func (v *value) ints() []int64 {
	switch v.dt {
	case dtInt64:
		return v.i
	case dtFloat:
		out := make([]int64, len(v.f))
		for k, x := range v.f {
			out[k] = int64(x)
		}
		return out
	case dtBool:
		out := make([]int64, len(v.b))
		for k, x := range v.b {
			if x {
				out[k] = 1
			}
		}
		return out
	}
	return nil
}

// scalarFloat returns the only element of a one-element value as float64.
func (v *value) scalarFloat() (float64, bool) {
	if v.len() != 1 {
		return 0, false
	}
	switch v.dt {
	case dtFloat:
		return float64(v.f[0]), true
	case dtInt64:
		return float64(v.i[0]), true
	}
	return 0, false
}

// withShape returns a view of v with another shape of equal size.
func (v *value) withShape(shape []int) *value {
	w := *v
	w.shape = shape
	return &w
}

// tensorValue converts an initializer or Constant attribute to a value.
func tensorValue(m *onnx.Model, t *protos.TensorProto) (*value, error) {
	shape := make([]int, len(t.Dims))
	for k, d := range t.Dims {
		shape[k] = int(d)
	}
	switch protos.TensorProto_DataType(t.DataType) {
	case protos.TensorProto_FLOAT:
		f, err := m.Float32s(t)
		if err != nil {
			return nil, err
		}
		return &value{dt: dtFloat, shape: shape, f: f}, nil
	case protos.TensorProto_INT64, protos.TensorProto_INT32:
		i, err := m.Int64s(t)
		if err != nil {
			return nil, err
		}
		return &value{dt: dtInt64, shape: shape, i: i}, nil
	case protos.TensorProto_DOUBLE:
		n := numel(shape)
		out := newFloat(shape)
		if len(t.DoubleData) == n {
			for k, x := range t.DoubleData {
				out.f[k] = float32(x)
			}
			return out, nil
		}
		raw, err := m.RawData(t)
		if err != nil {
			return nil, err
		}
		if len(raw) != 8*n {
			return nil, fmt.Errorf("tensor %q: %d bytes for %d float64 elements", t.Name, len(raw), n)
		}
		for k := range out.f {
			out.f[k] = float32(math.Float64frombits(binary.LittleEndian.Uint64(raw[8*k:])))
		}
		return out, nil
	case protos.TensorProto_INT8, protos.TensorProto_UINT8:
		n := numel(shape)
		out := newInt(shape)
		signed := protos.TensorProto_DataType(t.DataType) == protos.TensorProto_INT8
		if len(t.Int32Data) == n {
			for k, x := range t.Int32Data {
				out.i[k] = int64(x)
			}
			return out, nil
		}
		raw, err := m.RawData(t)
		if err != nil {
			return nil, err
		}
		if len(raw) != n {
			return nil, fmt.Errorf("tensor %q: %d bytes for %d 8-bit elements", t.Name, len(raw), n)
		}
		for k, x := range raw {
			if signed {
				out.i[k] = int64(int8(x))
			} else {
				out.i[k] = int64(x)
			}
		}
		return out, nil
	case protos.TensorProto_BOOL:
		n := numel(shape)
		out := newBool(shape)
		if len(t.Int32Data) == n {
			for k, x := range t.Int32Data {
				out.b[k] = x != 0
			}
			return out, nil
		}
		raw, err := m.RawData(t)
		if err != nil {
			return nil, err
		}
		if len(raw) != n {
			return nil, fmt.Errorf("tensor %q: %d bytes for %d bool elements", t.Name, len(raw), n)
		}
		for k := range out.b {
			out.b[k] = raw[k] != 0
		}
		return out, nil
	}
	return nil, fmt.Errorf("tensor %q: unsupported data type %d", t.Name, t.DataType)
}
