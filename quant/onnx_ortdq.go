package quant

import (
	"fmt"
	"math"

	"github.com/gomlx/compute-onnx/support/protos"
	"github.com/obscura-ai/obscura/weights/onnx"
	"google.golang.org/protobuf/proto"
)

// ortWeightQMax is the largest magnitude of a symmetric int8 weight in
// ONNX Runtime's quantize_dynamic (its symmetric int8 range is [-127, 127],
// so the zero point is exactly 0).
const ortWeightQMax = 127

// QuantizeONNXDynamic rewrites an fp32 graph into the form ONNX Runtime's
// own quantize_dynamic writes with its default options (weight type QInt8,
// per_channel and reduce_range off, symmetric weights, uint8 activations,
// MatMulConstBOnly): every MatMul whose B is a 2-D float initializer (K×N)
// becomes
//
//	xq, xs, xz = DynamicQuantizeLinear(A)          // u8, per tensor
//	yi = MatMulInteger(xq, Bq, xz, Bz)             // Bq int8 K×N, Bz int8 scalar 0
//	y  = Mul(Cast(yi, FLOAT), Mul(xs, Bs))         // Bs float scalar
//
// and the bias Add that follows stays as it was. Bq and Bs are per tensor:
// Bs = max|B| / 127 and Bq = clip(roundEven(B / Bs), −127, 127) (a zero
// matrix gets scale 1). One DynamicQuantizeLinear serves every MatMul that
// shares an input (Q, K and V), as quantize_dynamic's cache of quantized
// values does. MatMuls whose B is computed (the attention products), the
// embeddings, LayerNorm and softmax stay fp32. (quantize_dynamic also
// stores a Gather's float initializer as int8 by default; this writer
// leaves the embedding Gather in fp32: it changes the file's size, not the
// work of an inference.)
//
// It differs from QuantizeONNX only in the weights: one scale for the
// whole matrix instead of one per output column. The result is
// self-contained (external data inlined); the input is not modified.
func QuantizeONNXDynamic(m *onnx.Model) (*protos.ModelProto, error) {
	out := proto.Clone(m.Proto).(*protos.ModelProto)
	g := out.Graph
	inits := map[string]*protos.TensorProto{}
	for _, t := range g.Initializer {
		inits[t.Name] = t
	}
	uses := map[string]int{}
	names := map[string]bool{}
	for _, n := range g.Node {
		for _, in := range n.Input {
			uses[in]++
		}
		for _, o := range n.Output {
			names[o] = true
		}
	}
	for _, o := range g.Output {
		uses[o.Name]++
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
	quantized := map[string]dq{}
	var nodes []*protos.NodeProto
	var newInits []*protos.TensorProto
	replaced := 0
	for _, n := range g.Node {
		if n.OpType != "MatMul" || (n.Domain != "" && n.Domain != "ai.onnx") || len(n.Input) != 2 {
			nodes = append(nodes, n)
			continue
		}
		b, ok := inits[n.Input[1]]
		if !ok || len(b.Dims) != 2 || b.DataType != int32(protos.TensorProto_FLOAT) {
			nodes = append(nodes, n)
			continue
		}
		w, err := m.Float32s(b)
		if err != nil {
			return nil, fmt.Errorf("quant: MatMul %q: %w", n.Name, err)
		}
		q, scale := QuantizeWeightsPerTensor(w)

		a := n.Input[0]
		d, ok := quantized[a]
		if !ok {
			d = dq{fresh(a + "_quantized"), fresh(a + "_scale"), fresh(a + "_zero_point")}
			quantized[a] = d
			nodes = append(nodes, &protos.NodeProto{
				OpType: "DynamicQuantizeLinear", Name: fresh(a + "_DynamicQuantizeLinear"),
				Input: []string{a}, Output: []string{d.q, d.scale, d.zero},
			})
		}
		raw := make([]byte, len(q))
		for i, v := range q {
			raw[i] = byte(v)
		}
		bq, bs, bz := fresh(b.Name+"_quantized"), fresh(b.Name+"_scale"), fresh(b.Name+"_zero_point")
		newInits = append(newInits,
			&protos.TensorProto{Name: bq, Dims: b.Dims, DataType: int32(protos.TensorProto_INT8), RawData: raw},
			&protos.TensorProto{Name: bs, DataType: int32(protos.TensorProto_FLOAT), FloatData: []float32{scale}},
			&protos.TensorProto{Name: bz, DataType: int32(protos.TensorProto_INT8), RawData: []byte{0}},
		)
		y := n.Output[0]
		yi, yf, s := fresh(y+"_output_quantized"), fresh(y+"_output_quantized_cast_output"), fresh(y+"_scales_mul")
		nodes = append(nodes,
			&protos.NodeProto{OpType: "MatMulInteger", Name: fresh(n.Name + "_quant"),
				Input: []string{d.q, bq, d.zero, bz}, Output: []string{yi}},
			&protos.NodeProto{OpType: "Cast", Name: fresh(n.Name + "_cast"), Input: []string{yi}, Output: []string{yf},
				Attribute: []*protos.AttributeProto{{Name: "to", Type: protos.AttributeProto_INT, I: int64(protos.TensorProto_FLOAT)}}},
			&protos.NodeProto{OpType: "Mul", Name: fresh(n.Name + "_scales_mul"), Input: []string{d.scale, bs}, Output: []string{s}},
			&protos.NodeProto{OpType: "Mul", Name: fresh(n.Name + "_output_scale_mul"), Input: []string{yf, s}, Output: []string{y}},
		)
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

// QuantizeWeightsPerTensor quantizes a weight matrix with one symmetric
// scale, as ONNX Runtime's quantize_dynamic does by default: scale =
// max|w| / 127 (1 for an all-zero w) and q = clip(roundEven(w / scale),
// −127, 127), so that w ≈ q·scale with zero point 0.
func QuantizeWeightsPerTensor(w []float32) ([]int8, float32) {
	var amax float32
	for _, v := range w {
		amax = max(amax, float32(math.Abs(float64(v))))
	}
	scale := amax / ortWeightQMax
	if scale == 0 {
		scale = 1
	}
	q := make([]int8, len(w))
	for i, v := range w {
		r := math.RoundToEven(float64(v / scale))
		q[i] = int8(max(-ortWeightQMax, min(ortWeightQMax, r)))
	}
	return q, scale
}
