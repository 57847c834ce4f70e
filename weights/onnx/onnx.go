package onnx

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gomlx/compute-onnx/support/protos"
	"google.golang.org/protobuf/proto"
)

// Model is a parsed ONNX model and the directory its external data lives in.
type Model struct {
	Proto *protos.ModelProto
	Dir   string
	Path  string
	Inits map[string]*protos.TensorProto
}

// Load parses the ONNX file at path.
func Load(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("onnx: read %s: %w", filepath.Base(path), err)
	}
	m, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("onnx: %s: %w", filepath.Base(path), err)
	}
	m.Path = path
	m.Dir = filepath.Dir(path)
	return m, nil
}

// Parse decodes an ONNX model from bytes. External data, if any, is resolved
// relative to Model.Dir, which the caller sets.
func Parse(b []byte) (*Model, error) {
	mp := &protos.ModelProto{}
	if err := proto.Unmarshal(b, mp); err != nil {
		return nil, fmt.Errorf("decode protobuf: %w", err)
	}
	if mp.Graph == nil {
		return nil, fmt.Errorf("model has no graph")
	}
	m := &Model{Proto: mp, Inits: map[string]*protos.TensorProto{}}
	for _, t := range mp.Graph.Initializer {
		m.Inits[t.Name] = t
	}
	return m, nil
}

// Opset returns the default-domain opset version the model declares.
func (m *Model) Opset() int64 {
	for _, o := range m.Proto.OpsetImport {
		if o.Domain == "" || o.Domain == "ai.onnx" {
			return o.Version
		}
	}
	return 0
}

// Shape returns the dimensions of an initializer.
func (m *Model) Shape(name string) ([]int64, bool) {
	t, ok := m.Inits[name]
	if !ok {
		return nil, false
	}
	return t.Dims, true
}

// NumElements is the product of dims (1 for a scalar).
func NumElements(dims []int64) int {
	n := 1
	for _, d := range dims {
		n *= int(d)
	}
	return n
}

// RawData returns the little-endian bytes of a tensor, reading external data
// from disk when the tensor points there.
func (m *Model) RawData(t *protos.TensorProto) ([]byte, error) {
	if t.DataLocation != protos.TensorProto_EXTERNAL {
		return t.RawData, nil
	}
	var loc string
	var off, length int64 = 0, -1
	for _, kv := range t.ExternalData {
		switch kv.Key {
		case "location":
			loc = kv.Value
		case "offset":
			v, err := strconv.ParseInt(kv.Value, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("tensor %q: bad external offset", t.Name)
			}
			off = v
		case "length":
			v, err := strconv.ParseInt(kv.Value, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("tensor %q: bad external length", t.Name)
			}
			length = v
		}
	}
	if loc == "" || filepath.IsAbs(loc) || strings.Contains(filepath.ToSlash(loc), "../") {
		return nil, fmt.Errorf("tensor %q: external data location %q must be a relative path inside the model directory", t.Name, loc)
	}
	f, err := os.Open(filepath.Join(m.Dir, loc))
	if err != nil {
		return nil, fmt.Errorf("tensor %q: open external data: %w", t.Name, err)
	}
	defer f.Close()
	if length < 0 {
		st, err := f.Stat()
		if err != nil {
			return nil, err
		}
		length = st.Size() - off
	}
	buf := make([]byte, length)
	if _, err := f.ReadAt(buf, off); err != nil {
		return nil, fmt.Errorf("tensor %q: read external data %s at %d+%d: %w", t.Name, loc, off, length, err)
	}
	return buf, nil
}

// Inline reads a tensor's external data into its RawData, so that the
// model can be written as one self-contained file; an inline tensor is left
// as it is.
func (m *Model) Inline(t *protos.TensorProto) error {
	if t.DataLocation != protos.TensorProto_EXTERNAL {
		return nil
	}
	raw, err := m.RawData(t)
	if err != nil {
		return err
	}
	t.RawData, t.ExternalData, t.DataLocation = raw, nil, protos.TensorProto_DEFAULT
	return nil
}

// Float32s returns the values of a FLOAT tensor.
func (m *Model) Float32s(t *protos.TensorProto) ([]float32, error) {
	if t.DataType != int32(protos.TensorProto_FLOAT) {
		return nil, fmt.Errorf("tensor %q: data type %d is not FLOAT", t.Name, t.DataType)
	}
	n := NumElements(t.Dims)
	if len(t.FloatData) > 0 {
		if len(t.FloatData) != n {
			return nil, fmt.Errorf("tensor %q: %d float values for %d elements", t.Name, len(t.FloatData), n)
		}
		return append([]float32(nil), t.FloatData...), nil
	}
	raw, err := m.RawData(t)
	if err != nil {
		return nil, err
	}
	if len(raw) != 4*n {
		return nil, fmt.Errorf("tensor %q: %d bytes for %d float32 elements", t.Name, len(raw), n)
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return out, nil
}

// Int64s returns the values of an INT64 tensor (INT32 is widened).
func (m *Model) Int64s(t *protos.TensorProto) ([]int64, error) {
	n := NumElements(t.Dims)
	switch t.DataType {
	case int32(protos.TensorProto_INT64):
		if len(t.Int64Data) > 0 {
			return append([]int64(nil), t.Int64Data...), nil
		}
		raw, err := m.RawData(t)
		if err != nil {
			return nil, err
		}
		if len(raw) != 8*n {
			return nil, fmt.Errorf("tensor %q: %d bytes for %d int64 elements", t.Name, len(raw), n)
		}
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(binary.LittleEndian.Uint64(raw[8*i:]))
		}
		return out, nil
	case int32(protos.TensorProto_INT32):
		if len(t.Int32Data) > 0 {
			out := make([]int64, len(t.Int32Data))
			for i, v := range t.Int32Data {
				out[i] = int64(v)
			}
			return out, nil
		}
		raw, err := m.RawData(t)
		if err != nil {
			return nil, err
		}
		if len(raw) != 4*n {
			return nil, fmt.Errorf("tensor %q: %d bytes for %d int32 elements", t.Name, len(raw), n)
		}
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(int32(binary.LittleEndian.Uint32(raw[4*i:])))
		}
		return out, nil
	}
	return nil, fmt.Errorf("tensor %q: data type %d is not an integer type", t.Name, t.DataType)
}
