package weights

import (
	"fmt"

	"github.com/obscura-ai/obscura/weights/onnx"
)

// passThrough are ops that carry the token ids (or an embedding table)
// through unchanged in value: following them finds the Gather that looks up
// input_ids, and the initializer it reads.
var passThrough = map[string]bool{"Cast": true, "Identity": true, "DequantizeLinear": true}

// EmbeddingRows returns the number of rows of the word-embedding table: the
// initializer that feeds the first Gather whose indices come from the graph
// input input_ids (possibly through Cast/Identity), found through
// Identity/DequantizeLinear when the table is shared or quantized.
func EmbeddingRows(m *onnx.Model) (int, string, error) {
	g := m.Proto.Graph
	// producer maps a tensor name to the node that makes it.
	producerOp := map[string]int{}
	for i, n := range g.Node {
		for _, o := range n.Output {
			producerOp[o] = i
		}
	}
	fromIDs := map[string]bool{"input_ids": true}
	for _, n := range g.Node {
		if passThrough[n.OpType] && len(n.Input) > 0 && fromIDs[n.Input[0]] {
			for _, o := range n.Output {
				fromIDs[o] = true
			}
		}
		if n.OpType != "Gather" || len(n.Input) < 2 || !fromIDs[n.Input[1]] {
			continue
		}
		name := n.Input[0]
		for range 8 { // follow at most a short chain of pass-through ops
			if _, ok := m.Inits[name]; ok {
				break
			}
			i, ok := producerOp[name]
			if !ok || !passThrough[g.Node[i].OpType] || len(g.Node[i].Input) == 0 {
				break
			}
			name = g.Node[i].Input[0]
		}
		dims, ok := m.Shape(name)
		if !ok || len(dims) != 2 {
			return 0, "", fmt.Errorf("weights: the Gather on input_ids reads %q, which is not a 2-D initializer", name)
		}
		return int(dims[0]), name, nil
	}
	return 0, "", fmt.Errorf("weights: no Gather on input_ids in the ONNX graph: cannot find the word-embedding table")
}

// graphInputs lists the names of the graph's real inputs (not initializers).
func graphInputs(m *onnx.Model) []string {
	var out []string
	for _, in := range m.Proto.Graph.Input {
		if _, isInit := m.Inits[in.Name]; !isInit {
			out = append(out, in.Name)
		}
	}
	return out
}

// logitsLabels returns the static size of the last axis of the graph output
// "logits", or 0 when it is dynamic or absent.
func logitsLabels(m *onnx.Model) int {
	for _, o := range m.Proto.Graph.Output {
		if o.Name != "logits" {
			continue
		}
		tt := o.GetType().GetTensorType()
		if tt == nil || tt.Shape == nil || len(tt.Shape.Dim) == 0 {
			return 0
		}
		return int(tt.Shape.Dim[len(tt.Shape.Dim)-1].GetDimValue())
	}
	return 0
}
