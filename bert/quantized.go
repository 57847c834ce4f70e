package bert

import (
	"fmt"
	"maps"

	"github.com/gomlx/compute-onnx/support/protos"
	"github.com/obscura-ai/obscura/quant"
	"github.com/obscura-ai/obscura/weights/onnx"
)

// An INT8 export (the graph quant.QuantizeONNX writes, which obscura bundle
// --int8 ships, its PerRow form, or ONNX Runtime's quantize_dynamic
// MatMuls) computes each weight matmul as activation quantization →
// MatMulInteger by an int8 weight initializer → Cast → scale Muls. The
// fused plan runs such a graph on its own int8 weights and scales, as they
// are: quant.FindQuantizedMatMuls recovers them from the ONNX file before
// the graph is imported, and dequantizedGraph turns each subgraph into one
// MatMul by the float matrix the int8 weights stand for (Wq[k,n]·scale[n]),
// so that the matcher reads the same structure as in an fp32 export and
// the load-time verification compares like with like. prepack then packs
// the original int8 weights with quant.PackQuantized; the float matrix only
// lives until then. Activations are quantized the runtime's way (per
// token, symmetric; see package quant), not the export's (per tensor u8
// for ONNX Runtime's form): the weights that run are the ones shipped, the
// activation rounding is the runtime's. Embedding tables quantized the way
// quantize_dynamic's default does (u8 Gathers, quant.QuantizeONNXDynamic)
// are not recognised: such a graph runs on the graph executor ("auto").

// qweights are the int8 weights (row-major K×N, zero point removed) and
// per-column scales of a weight matmul of an INT8 export.
type qweights struct {
	q      []int8
	scales []float32
}

// hasMatMulInteger reports whether the ONNX graph computes a matmul in
// INT8, that is whether it is an INT8 export.
func hasMatMulInteger(om *onnx.Model) bool {
	for _, n := range om.Proto.Graph.Node {
		if n.OpType == "MatMulInteger" {
			return true
		}
	}
	return false
}

// dequantizedGraph returns a copy of g in which each quantized matmul of qms
// (from its float input to its float output) is one MatMul by a new float
// constant holding Weights[k,n]·Scales[n], remembered in the copy's
// quantized map, and the nodes that only fed those subgraphs (the
// activation quantization) are gone. g itself is left as it is, for the
// graph executor to fall back on.
func (g *graph) dequantizedGraph(qms []quant.QuantizedMatMul) (*graph, error) {
	ng := &graph{
		consts:    maps.Clone(g.consts),
		inputs:    g.inputs,
		outputs:   g.outputs,
		opset:     g.opset,
		producer:  map[string]*node{},
		consumers: map[string][]*node{},
		folds:     map[string]map[string]*value{},
		quantized: map[string]*qweights{},
	}
	byOut := map[string]*quant.QuantizedMatMul{}
	for i := range qms {
		qm := &qms[i]
		if _, ok := g.producer[qm.Output]; !ok {
			return nil, fmt.Errorf("bert: fused plan: quantized matmul output %q has no producer", qm.Output)
		}
		if len(qm.Weights) != qm.K*qm.N || len(qm.Scales) != qm.N {
			return nil, fmt.Errorf("bert: fused plan: quantized matmul %q: %d weights and %d scales for %d×%d", qm.Output, len(qm.Weights), len(qm.Scales), qm.K, qm.N)
		}
		byOut[qm.Output] = qm
	}
	taken := func(name string) bool {
		_, c := ng.consts[name]
		_, p := g.producer[name]
		return c || p
	}
	nodes := make([]*node, 0, len(g.nodes))
	for _, n := range g.nodes {
		var qm *quant.QuantizedMatMul
		if len(n.out) == 1 {
			qm = byOut[n.out[0]]
		}
		if qm == nil {
			nodes = append(nodes, n)
			continue
		}
		name := qm.Output + "/dequantized_weight"
		for i := 1; taken(name); i++ {
			name = fmt.Sprintf("%s/dequantized_weight_%d", qm.Output, i)
		}
		w := newFloat([]int{qm.K, qm.N})
		for k := 0; k < qm.K; k++ {
			row, q := w.f[k*qm.N:(k+1)*qm.N], qm.Weights[k*qm.N:(k+1)*qm.N]
			for j := range row {
				row[j] = float32(q[j]) * qm.Scales[j]
			}
		}
		ng.consts[name] = w
		ng.quantized[name] = &qweights{q: qm.Weights, scales: qm.Scales}
		mm := &node{idx: n.idx, op: "MatMul", in: []string{qm.Input, name}, out: []string{qm.Output}, attrs: map[string]*protos.AttributeProto{}}
		for _, np := range qm.Nodes {
			if np.OpType == "MatMulInteger" {
				mm.name = np.Name
			}
		}
		nodes = append(nodes, mm)
		delete(byOut, qm.Output)
	}
	if len(byOut) > 0 {
		return nil, fmt.Errorf("bert: fused plan: %d quantized matmul outputs are not node outputs", len(byOut))
	}
	// Keep only the nodes the graph outputs depend on: the activation
	// quantization that fed the replaced subgraphs goes.
	live := map[string]bool{}
	for _, o := range g.outputs {
		live[o] = true
	}
	keep := make([]bool, len(nodes))
	for k := len(nodes) - 1; k >= 0; k-- {
		for _, o := range nodes[k].out {
			keep[k] = keep[k] || live[o]
		}
		if keep[k] {
			for _, in := range nodes[k].in {
				live[in] = true
			}
		}
	}
	for k, n := range nodes {
		if !keep[k] {
			continue
		}
		ng.nodes = append(ng.nodes, n)
		for _, o := range n.out {
			ng.producer[o] = n
		}
		for _, in := range n.in {
			if in != "" {
				ng.consumers[in] = append(ng.consumers[in], n)
			}
		}
	}
	for name := range ng.consts {
		if !live[name] {
			delete(ng.consts, name) // the int8 weights, zero points and scales of the replaced subgraphs
		}
	}
	ng.markStatic()
	return ng, nil
}
