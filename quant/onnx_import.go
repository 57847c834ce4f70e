package quant

import (
	"fmt"

	"github.com/gomlx/compute-onnx/support/protos"
	"github.com/obscura-ai/obscura/weights/onnx"
)

// QuantizedMatMul is one weight matmul of a quantized ONNX graph, recovered
// so that the runtime can replace the whole subgraph (activation
// quantization, MatMulInteger, Cast, scale Muls) with one
// PackQuantized(Weights, Scales, K, N).MatMul from Input to Output. The
// runtime quantizes the activations its own way (per row, symmetric); the
// graph's own activation quantization (per tensor for ONNX Runtime's form)
// is dropped, which only removes quantization noise.
type QuantizedMatMul struct {
	Input  string // the float activation the subgraph quantizes
	Output string // the float result (before any bias Add)
	K, N   int
	// Weights are row-major K×N int8 with the zero point removed.
	Weights []int8
	// Scales are per output column (a per-tensor scale is repeated).
	Scales []float32
	// Nodes are the nodes of the subgraph, from the activation quantization
	// (when no other consumer shares it) to the node producing Output.
	Nodes []*protos.NodeProto
}

// FindQuantizedMatMuls recognises the two quantized forms that
// QuantizeONNXWith writes and that ONNX Runtime's quantize_dynamic writes:
//
//	DynamicQuantizeLinear → MatMulInteger(a, B, a_zp, B_zp) → Cast →
//	Mul(·, Mul(a_scale, B_scale))   (either operand order)
//
// and the PerRow form (… Round → Clip → Cast(INT8) → MatMulInteger(a, B) →
// Cast → Mul(row scale) → Mul(B_scale)). B must be an INT8 initializer, or
// UINT8 whose values minus the zero point fit in int8; B_scale and B_zp
// are scalars or per-column vectors. A MatMulInteger that fits neither form
// is an error, so a graph is never half understood.
func FindQuantizedMatMuls(m *onnx.Model) ([]QuantizedMatMul, error) {
	g := m.Proto.Graph
	producer := map[string]*protos.NodeProto{}
	consumers := map[string][]*protos.NodeProto{}
	for _, n := range g.Node {
		for _, o := range n.Output {
			producer[o] = n
		}
		for _, in := range n.Input {
			consumers[in] = append(consumers[in], n)
		}
	}
	only := func(name, op string) *protos.NodeProto {
		c := consumers[name]
		if len(c) != 1 || c[0].OpType != op {
			return nil
		}
		return c[0]
	}
	other := func(n *protos.NodeProto, name string) string {
		if len(n.Input) != 2 {
			return ""
		}
		if n.Input[0] == name {
			return n.Input[1]
		}
		if n.Input[1] == name {
			return n.Input[0]
		}
		return ""
	}

	var out []QuantizedMatMul
	for _, mm := range g.Node {
		if mm.OpType != "MatMulInteger" {
			continue
		}
		fail := func(format string, a ...any) error {
			return fmt.Errorf("quant: MatMulInteger %q: %s", mm.Name, fmt.Sprintf(format, a...))
		}
		if len(mm.Input) < 2 {
			return nil, fail("needs two inputs")
		}
		b, ok := m.Inits[mm.Input[1]]
		if !ok || len(b.Dims) != 2 {
			return nil, fail("B is not a 2-D initializer")
		}
		k, n := int(b.Dims[0]), int(b.Dims[1])
		var bzp *protos.TensorProto
		if len(mm.Input) > 3 && mm.Input[3] != "" {
			if bzp, ok = m.Inits[mm.Input[3]]; !ok {
				return nil, fail("B zero point is not an initializer")
			}
		}
		q, err := int8Weights(m, b, bzp, k, n)
		if err != nil {
			return nil, fail("%v", err)
		}
		cast := only(mm.Output[0], "Cast")
		if cast == nil {
			return nil, fail("result is not only cast to float")
		}
		mul1 := only(cast.Output[0], "Mul")
		if mul1 == nil {
			return nil, fail("cast result is not only scaled")
		}
		r := QuantizedMatMul{K: k, N: n, Weights: q}
		aq := producer[mm.Input[0]]
		if aq == nil {
			return nil, fail("activation has no producer")
		}
		var scaleName string
		nodes := []*protos.NodeProto{}
		switch aq.OpType {
		case "DynamicQuantizeLinear":
			// y = Mul(cast, Mul(a_scale, B_scale))
			s := producer[other(mul1, cast.Output[0])]
			if s == nil || s.OpType != "Mul" {
				return nil, fail("no Mul(a_scale, B_scale)")
			}
			scaleName = other(s, aq.Output[1])
			if scaleName == "" {
				return nil, fail("scale Mul does not use the activation scale")
			}
			r.Input, r.Output = aq.Input[0], mul1.Output[0]
			if len(consumers[aq.Output[0]]) == 1 {
				nodes = append(nodes, aq)
			}
			nodes = append(nodes, mm, cast, s, mul1)
		case "Cast":
			// PerRow: Mul(x, inv) → Round → Clip → Cast(INT8).
			clip := producer[aq.Input[0]]
			var round, scaled *protos.NodeProto
			if clip != nil && clip.OpType == "Clip" {
				round = producer[clip.Input[0]]
			}
			if round != nil && round.OpType == "Round" {
				scaled = producer[round.Input[0]]
			}
			if scaled == nil || scaled.OpType != "Mul" {
				return nil, fail("activation is not quantized by Mul → Round → Clip → Cast")
			}
			mul2 := only(mul1.Output[0], "Mul")
			if mul2 == nil {
				return nil, fail("no column-scale Mul after the row-scale Mul")
			}
			scaleName = other(mul2, mul1.Output[0])
			r.Input, r.Output = scaled.Input[0], mul2.Output[0]
			nodes = append(nodes, mm, cast, mul1, mul2)
		default:
			return nil, fail("activation comes from %s", aq.OpType)
		}
		st, ok := m.Inits[scaleName]
		if !ok {
			return nil, fail("B scale is not an initializer")
		}
		sv, err := m.Float32s(st)
		if err != nil {
			return nil, fail("%v", err)
		}
		switch len(sv) {
		case 1:
			r.Scales = make([]float32, n)
			for i := range r.Scales {
				r.Scales[i] = sv[0]
			}
		case n:
			r.Scales = sv
		default:
			return nil, fail("%d B scales for %d columns", len(sv), n)
		}
		r.Nodes = nodes
		out = append(out, r)
	}
	return out, nil
}

// int8Weights returns B − zero point as int8, row-major K×N.
func int8Weights(m *onnx.Model, b, zp *protos.TensorProto, k, n int) ([]int8, error) {
	var zps []int32
	if zp != nil {
		raw, err := m.RawData(zp)
		if err != nil {
			return nil, err
		}
		if len(zp.Int32Data) > 0 {
			zps = zp.Int32Data
		} else {
			for _, v := range raw {
				if zp.DataType == int32(protos.TensorProto_INT8) {
					zps = append(zps, int32(int8(v)))
				} else {
					zps = append(zps, int32(v))
				}
			}
		}
		if zp.DataType != b.DataType {
			return nil, fmt.Errorf("B and its zero point differ in type")
		}
		if len(zps) != 1 && len(zps) != n {
			return nil, fmt.Errorf("%d B zero points for %d columns", len(zps), n)
		}
	}
	zpOf := func(j int) int32 {
		switch len(zps) {
		case 0:
			return 0
		case 1:
			return zps[0]
		}
		return zps[j]
	}
	q := make([]int8, k*n)
	switch b.DataType {
	case int32(protos.TensorProto_INT8):
		v, err := ReadInt8(m, b)
		if err != nil {
			return nil, err
		}
		for i, x := range v {
			d := int32(x) - zpOf(i%n)
			if d < -128 || d > 127 {
				return nil, fmt.Errorf("B minus zero point leaves int8")
			}
			q[i] = int8(d)
		}
	case int32(protos.TensorProto_UINT8):
		raw, err := m.RawData(b)
		if err != nil {
			return nil, err
		}
		vals := raw
		if len(b.Int32Data) > 0 {
			vals = make([]byte, len(b.Int32Data))
			for i, x := range b.Int32Data {
				vals[i] = byte(x)
			}
		}
		if len(vals) != k*n {
			return nil, fmt.Errorf("%d B values for %d×%d", len(vals), k, n)
		}
		for i, x := range vals {
			d := int32(x) - zpOf(i%n)
			if d < -128 || d > 127 {
				return nil, fmt.Errorf("uint8 B minus zero point leaves int8")
			}
			q[i] = int8(d)
		}
	default:
		return nil, fmt.Errorf("B has type %d, want INT8 or UINT8", b.DataType)
	}
	return q, nil
}
