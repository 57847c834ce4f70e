package quant

import (
	"fmt"
	"math"

	"github.com/gomlx/compute-onnx/support/protos"
	"github.com/obscura-ai/obscura/weights/onnx"
	"google.golang.org/protobuf/proto"
)

// QuantizeONNX rewrites an fp32 graph into ONNX Runtime's dynamic
// quantization form, loadable by any ONNX consumer. Every MatMul whose B is
// a 2-D float initializer (K×N) becomes
//
//	xq, xs, xz = DynamicQuantizeLinear(A)            // u8, per tensor
//	yi = MatMulInteger(xq, Bq, xz, Bz)               // Bq int8 K×N, Bz int8 zeros [N]
//	y  = Mul(Cast(yi, FLOAT), Mul(xs, Bs))           // Bs [N], per column
//
// with Bq and Bs from QuantizeWeights (per-output-channel symmetric, the
// same weights our runtime packs). One DynamicQuantizeLinear serves all
// MatMuls that share an input (Q, K and V). The bias Add that follows, the
// embeddings, LayerNorm, softmax and the attention MatMuls (whose B is not an
// initializer) stay fp32. Float B initializers that nothing else uses are
// dropped; external data of the remaining ones is inlined, so the result is
// self-contained. The input model is not modified.
func QuantizeONNX(m *onnx.Model) (*protos.ModelProto, error) {
	return QuantizeONNXWith(m, ExportOptions{})
}

// ExportOptions selects the form QuantizeONNXWith writes.
type ExportOptions struct {
	// PerRow writes, instead of ONNX Runtime's per-tensor u8 form, this
	// package's own algebra with standard ONNX ops: per-row symmetric int8
	// activations (ReduceMax(Abs) over the last axis, Mul by 127/max, Round
	// (ties to even), Clip to ±127, Cast to INT8), MatMulInteger s8×s8 with
	// no zero points, then Cast, Mul by the row scale, Mul by the column
	// scale. It
	// computes exactly what Matrix.MatMul computes, and is more accurate
	// than the per-tensor form on rows of very different ranges.
	PerRow bool
	// Keep, when set, leaves the MatMul nodes it returns true for in fp32.
	Keep func(node *protos.NodeProto) bool
}

// rowEps keeps a zero row's scale finite in the PerRow form (its outputs
// are then exactly zero, as in MatMul).
const rowEps = 1e-30

// QuantizeONNXWith is QuantizeONNX with options.
func QuantizeONNXWith(m *onnx.Model, opt ExportOptions) (*protos.ModelProto, error) {
	out := proto.Clone(m.Proto).(*protos.ModelProto)
	g := out.Graph
	inits := map[string]*protos.TensorProto{}
	for _, t := range g.Initializer {
		inits[t.Name] = t
	}
	uses := map[string]int{}
	for _, n := range g.Node {
		for _, in := range n.Input {
			uses[in]++
		}
	}
	for _, o := range g.Output {
		uses[o.Name]++
	}

	names := map[string]bool{}
	for _, n := range g.Node {
		for _, o := range n.Output {
			names[o] = true
		}
	}
	for name := range inits {
		names[name] = true
	}
	fresh := func(base string) string {
		s := base
		for i := 1; names[s]; i++ {
			s = fmt.Sprintf("%s_%d", base, i)
		}
		names[s] = true
		return s
	}

	type dq struct{ q, scale, zero string }
	type rowConsts struct{ c127, m127, eps string }
	var consts *rowConsts
	quantized := map[string]dq{} // activation name → its DynamicQuantizeLinear outputs
	var nodes []*protos.NodeProto
	var newInits []*protos.TensorProto
	replaced := 0
	for _, n := range g.Node {
		if n.OpType != "MatMul" || (n.Domain != "" && n.Domain != "ai.onnx") || len(n.Input) != 2 {
			nodes = append(nodes, n)
			continue
		}
		b, ok := inits[n.Input[1]]
		if !ok || len(b.Dims) != 2 || b.DataType != int32(protos.TensorProto_FLOAT) || (opt.Keep != nil && opt.Keep(n)) {
			nodes = append(nodes, n)
			continue
		}
		k, nn := int(b.Dims[0]), int(b.Dims[1])
		w, err := m.Float32s(b)
		if err != nil {
			return nil, fmt.Errorf("quant: MatMul %q: %w", n.Name, err)
		}
		q, scales := QuantizeWeights(w, k, nn)

		a := n.Input[0]
		d, ok := quantized[a]
		if !ok && !opt.PerRow {
			d = dq{fresh(a + "_quantized"), fresh(a + "_scale"), fresh(a + "_zero_point")}
			quantized[a] = d
			nodes = append(nodes, &protos.NodeProto{
				OpType: "DynamicQuantizeLinear", Name: fresh(a + "_DynamicQuantizeLinear"),
				Input: []string{a}, Output: []string{d.q, d.scale, d.zero},
			})
		}
		if !ok && opt.PerRow {
			if consts == nil {
				consts = &rowConsts{fresh("quant_127"), fresh("quant_minus127"), fresh("quant_eps")}
				newInits = append(newInits,
					&protos.TensorProto{Name: consts.c127, DataType: int32(protos.TensorProto_FLOAT), FloatData: []float32{127}},
					&protos.TensorProto{Name: consts.m127, DataType: int32(protos.TensorProto_FLOAT), FloatData: []float32{-127}},
					&protos.TensorProto{Name: consts.eps, DataType: int32(protos.TensorProto_FLOAT), FloatData: []float32{rowEps}})
			}
			d = dq{q: fresh(a + "_quantized"), scale: fresh(a + "_scale")}
			quantized[a] = d
			abs, amax, safe, inv, scaled, rounded, clipped := fresh(a+"_abs"), fresh(a+"_absmax"), fresh(a+"_absmax_safe"),
				fresh(a+"_inv_scale"), fresh(a+"_scaled"), fresh(a+"_rounded"), fresh(a+"_clipped")
			reduce := &protos.NodeProto{OpType: "ReduceMax", Name: fresh(a + "_ReduceMax"), Input: []string{abs}, Output: []string{amax},
				Attribute: []*protos.AttributeProto{{Name: "keepdims", Type: protos.AttributeProto_INT, I: 1}}}
			if m.Opset() >= 18 {
				axes := fresh(a + "_axes")
				newInits = append(newInits, &protos.TensorProto{Name: axes, Dims: []int64{1}, DataType: int32(protos.TensorProto_INT64), Int64Data: []int64{-1}})
				reduce.Input = append(reduce.Input, axes)
			} else {
				reduce.Attribute = append(reduce.Attribute, &protos.AttributeProto{Name: "axes", Type: protos.AttributeProto_INTS, Ints: []int64{-1}})
			}
			nodes = append(nodes,
				&protos.NodeProto{OpType: "Abs", Name: fresh(a + "_Abs"), Input: []string{a}, Output: []string{abs}},
				reduce,
				&protos.NodeProto{OpType: "Max", Name: fresh(a + "_Max"), Input: []string{amax, consts.eps}, Output: []string{safe}},
				&protos.NodeProto{OpType: "Div", Name: fresh(a + "_Div_scale"), Input: []string{safe, consts.c127}, Output: []string{d.scale}},
				&protos.NodeProto{OpType: "Div", Name: fresh(a + "_Div_inv"), Input: []string{consts.c127, safe}, Output: []string{inv}},
				&protos.NodeProto{OpType: "Mul", Name: fresh(a + "_Mul"), Input: []string{a, inv}, Output: []string{scaled}},
				&protos.NodeProto{OpType: "Round", Name: fresh(a + "_Round"), Input: []string{scaled}, Output: []string{rounded}},
				&protos.NodeProto{OpType: "Clip", Name: fresh(a + "_Clip"), Input: []string{rounded, consts.m127, consts.c127}, Output: []string{clipped}},
				&protos.NodeProto{OpType: "Cast", Name: fresh(a + "_Cast"), Input: []string{clipped}, Output: []string{d.q},
					Attribute: []*protos.AttributeProto{{Name: "to", Type: protos.AttributeProto_INT, I: int64(protos.TensorProto_INT8)}}},
			)
		}
		y := n.Output[0]
		bq, bs := fresh(b.Name+"_quantized"), fresh(b.Name+"_scale")
		raw := make([]byte, len(q))
		for i, v := range q {
			raw[i] = byte(v)
		}
		newInits = append(newInits,
			&protos.TensorProto{Name: bq, Dims: []int64{int64(k), int64(nn)}, DataType: int32(protos.TensorProto_INT8), RawData: raw},
			&protos.TensorProto{Name: bs, Dims: []int64{int64(nn)}, DataType: int32(protos.TensorProto_FLOAT), FloatData: scales},
		)
		mmInputs := []string{d.q, bq}
		if !opt.PerRow {
			bz := fresh(b.Name + "_zero_point")
			newInits = append(newInits, &protos.TensorProto{Name: bz, Dims: []int64{int64(nn)}, DataType: int32(protos.TensorProto_INT8), RawData: make([]byte, nn)})
			mmInputs = append(mmInputs, d.zero, bz)
		}
		yi, yf, s := fresh(y+"_MatMulInteger"), fresh(y+"_cast"), fresh(y+"_scale")
		nodes = append(nodes,
			&protos.NodeProto{OpType: "MatMulInteger", Name: fresh(n.Name + "_MatMulInteger"),
				Input: mmInputs, Output: []string{yi}},
			&protos.NodeProto{OpType: "Cast", Name: fresh(n.Name + "_Cast"), Input: []string{yi}, Output: []string{yf},
				Attribute: []*protos.AttributeProto{{Name: "to", Type: protos.AttributeProto_INT, I: int64(protos.TensorProto_FLOAT)}}})
		if opt.PerRow {
			// (acc·sx)·sw, the order of MatMul's epilogue. Two Muls also keep
			// ONNX Runtime's MatMulIntegerToFloat fusion away: it matches
			// Cast → Mul(Mul(a_scale, b_scale)) and assumes a scalar a_scale,
			// which silently breaks per-row scales.
			nodes = append(nodes,
				&protos.NodeProto{OpType: "Mul", Name: fresh(n.Name + "_row_scale_Mul"), Input: []string{yf, d.scale}, Output: []string{s}},
				&protos.NodeProto{OpType: "Mul", Name: fresh(n.Name + "_col_scale_Mul"), Input: []string{s, bs}, Output: []string{y}})
		} else {
			nodes = append(nodes,
				&protos.NodeProto{OpType: "Mul", Name: fresh(n.Name + "_scales_Mul"), Input: []string{d.scale, bs}, Output: []string{s}},
				&protos.NodeProto{OpType: "Mul", Name: fresh(n.Name + "_output_Mul"), Input: []string{yf, s}, Output: []string{y}})
		}
		uses[b.Name]--
		replaced++
	}
	if replaced == 0 {
		return nil, fmt.Errorf("quant: no MatMul with a float initializer to quantize")
	}
	g.Node = nodes
	if err := keepUsedInitializers(m, g, uses, newInits); err != nil {
		return nil, err
	}
	return out, nil
}

// keepUsedInitializers drops the initializers no node uses any more
// (uses ≤ 0, not a graph input), inlines the external data of the rest,
// and appends newInits.
func keepUsedInitializers(m *onnx.Model, g *protos.GraphProto, uses map[string]int, newInits []*protos.TensorProto) error {
	var keep []*protos.TensorProto
	for _, t := range g.Initializer {
		if uses[t.Name] <= 0 && !isGraphInput(g, t.Name) {
			continue
		}
		if err := m.Inline(t); err != nil {
			return fmt.Errorf("quant: %w", err)
		}
		keep = append(keep, t)
	}
	g.Initializer = append(keep, newInits...)
	return nil
}

func isGraphInput(g *protos.GraphProto, name string) bool {
	for _, in := range g.Input {
		if in.Name == name {
			return true
		}
	}
	return false
}

// ReadInt8 returns the values of an INT8 tensor (raw or int32_data, inline
// or external), e.g. the B of a MatMulInteger, for PackQuantized.
func ReadInt8(m *onnx.Model, t *protos.TensorProto) ([]int8, error) {
	if t.DataType != int32(protos.TensorProto_INT8) {
		return nil, fmt.Errorf("tensor %q: data type %d is not INT8", t.Name, t.DataType)
	}
	n := onnx.NumElements(t.Dims)
	if len(t.Int32Data) > 0 {
		if len(t.Int32Data) != n {
			return nil, fmt.Errorf("tensor %q: %d values for %d elements", t.Name, len(t.Int32Data), n)
		}
		out := make([]int8, n)
		for i, v := range t.Int32Data {
			if v < math.MinInt8 || v > math.MaxInt8 {
				return nil, fmt.Errorf("tensor %q: value out of int8 range", t.Name)
			}
			out[i] = int8(v)
		}
		return out, nil
	}
	raw, err := m.RawData(t)
	if err != nil {
		return nil, err
	}
	if len(raw) != n {
		return nil, fmt.Errorf("tensor %q: %d bytes for %d int8 elements", t.Name, len(raw), n)
	}
	out := make([]int8, n)
	for i, v := range raw {
		out[i] = int8(v)
	}
	return out, nil
}
