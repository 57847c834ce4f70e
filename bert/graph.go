package bert

import (
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/gomlx/compute-onnx/support/protos"
	"github.com/obscura-ai/obscura/weights/onnx"
)

// node is one ONNX node with its attributes indexed by name. Optional inputs
// that the model leaves out are "".
type node struct {
	idx   int
	op    string
	name  string
	in    []string
	out   []string
	attrs map[string]*protos.AttributeProto
}

// describe names a node for error messages: its op type, its name when it has
// one, and its index in the graph.
func (n *node) describe() string {
	if n.name != "" {
		return fmt.Sprintf("node %d %q (op %s)", n.idx, n.name, n.op)
	}
	return fmt.Sprintf("node %d (op %s)", n.idx, n.op)
}

func (n *node) attrInt(name string, def int64) int64 {
	if a, ok := n.attrs[name]; ok {
		return a.I
	}
	return def
}

func (n *node) attrFloat(name string, def float32) float32 {
	if a, ok := n.attrs[name]; ok {
		return a.F
	}
	return def
}

func (n *node) attrInts(name string) ([]int64, bool) {
	a, ok := n.attrs[name]
	if !ok {
		return nil, false
	}
	return a.Ints, true
}

// graph is an imported ONNX graph: nodes in topological order, constant
// tensors (initializers and Constant nodes' values), and which nodes are
// static: their outputs depend only on constants and on the input shapes
// (the Shape/Gather/Concat/Range … subgraphs), so they are evaluated once per
// input shape and cached.
type graph struct {
	nodes     []*node
	consts    map[string]*value
	inputs    []string
	outputs   []string
	opset     int64
	producer  map[string]*node
	consumers map[string][]*node
	static    []bool
	// quantized maps the float weight constants that dequantizedGraph made
	// for an INT8 export's matmuls to the int8 weights they stand for.
	quantized map[string]*qweights

	mu    sync.Mutex
	folds map[string]map[string]*value // input-shape key → static node outputs
}

// gcEvery is how many initializer bytes importGraph converts between
// collections.
const gcEvery = 64 << 20

// maxFoldEntries bounds the per-shape cache of folded shape subgraphs.
const maxFoldEntries = 256

func importGraph(m *onnx.Model) (*graph, error) {
	gp := m.Proto.Graph
	g := &graph{
		consts:    map[string]*value{},
		opset:     m.Opset(),
		producer:  map[string]*node{},
		consumers: map[string][]*node{},
		folds:     map[string]map[string]*value{},
	}
	if g.opset < 11 {
		return nil, fmt.Errorf("bert: model declares opset %d; opsets 11 and later are supported", g.opset)
	}
	// Converting initializers doubles their memory until the protobuf's raw
	// copies are collected; collecting every gcEvery converted bytes (and
	// first, for the file buffer onnx.Load read) keeps a large model's load
	// from holding the file, the protobuf and the floats all at once.
	runtime.GC()
	converted := 0
	for _, t := range gp.Initializer {
		v, err := tensorValue(m, t)
		if err != nil {
			return nil, fmt.Errorf("bert: initializer: %w", err)
		}
		g.consts[t.Name] = v
		if n := len(t.RawData); n > 0 {
			t.RawData = nil // converted; the model is ours
			if converted += n; converted >= gcEvery {
				runtime.GC()
				converted = 0
			}
		}
	}
	for _, in := range gp.Input {
		if _, ok := g.consts[in.Name]; !ok {
			g.inputs = append(g.inputs, in.Name)
		}
	}
	for _, o := range gp.Output {
		g.outputs = append(g.outputs, o.Name)
	}
	for k, np := range gp.Node {
		n := &node{idx: k, op: np.OpType, name: np.Name, in: np.Input, out: np.Output, attrs: map[string]*protos.AttributeProto{}}
		if np.Domain != "" && np.Domain != "ai.onnx" {
			return nil, fmt.Errorf("bert: %s: unsupported op domain %q", n.describe(), np.Domain)
		}
		for _, a := range np.Attribute {
			n.attrs[a.Name] = a
		}
		if !supportedOps[n.op] {
			return nil, fmt.Errorf("bert: %s: unsupported op type %s", n.describe(), n.op)
		}
		if n.op == "Constant" {
			v, err := constantValue(m, n)
			if err != nil {
				return nil, err
			}
			if len(n.out) != 1 {
				return nil, fmt.Errorf("bert: %s: want one output", n.describe())
			}
			g.consts[n.out[0]] = v
			continue // folded at import
		}
		if n.op == "Identity" && len(n.in) == 1 && len(n.out) == 1 {
			if v, ok := g.consts[n.in[0]]; ok {
				g.consts[n.out[0]] = v // an alias of a constant is that constant
				continue
			}
		}
		for _, o := range n.out {
			g.producer[o] = n
		}
		for _, in := range n.in {
			if in != "" {
				g.consumers[in] = append(g.consumers[in], n)
			}
		}
		g.nodes = append(g.nodes, n)
	}
	// Check every input is defined before use (ONNX requires topological order).
	defined := map[string]bool{}
	for name := range g.consts {
		defined[name] = true
	}
	for _, name := range g.inputs {
		defined[name] = true
	}
	for _, n := range g.nodes {
		for _, in := range n.in {
			if in != "" && !defined[in] {
				return nil, fmt.Errorf("bert: %s: input %q is not defined before use", n.describe(), in)
			}
		}
		for _, o := range n.out {
			defined[o] = true
		}
	}
	for _, o := range g.outputs {
		if !defined[o] {
			return nil, fmt.Errorf("bert: graph output %q is never produced", o)
		}
	}
	g.markStatic()
	return g, nil
}

func constantValue(m *onnx.Model, n *node) (*value, error) {
	if a, ok := n.attrs["value"]; ok && a.T != nil {
		v, err := tensorValue(m, a.T)
		if err != nil {
			return nil, fmt.Errorf("bert: %s: %w", n.describe(), err)
		}
		return v, nil
	}
	if a, ok := n.attrs["value_float"]; ok {
		return &value{dt: dtFloat, shape: []int{}, f: []float32{a.F}}, nil
	}
	if a, ok := n.attrs["value_floats"]; ok {
		return &value{dt: dtFloat, shape: []int{len(a.Floats)}, f: append([]float32(nil), a.Floats...)}, nil
	}
	if a, ok := n.attrs["value_int"]; ok {
		return &value{dt: dtInt64, shape: []int{}, i: []int64{a.I}}, nil
	}
	if a, ok := n.attrs["value_ints"]; ok {
		return &value{dt: dtInt64, shape: []int{len(a.Ints)}, i: append([]int64(nil), a.Ints...)}, nil
	}
	return nil, fmt.Errorf("bert: %s: unsupported constant form", n.describe())
}

// markStatic flags nodes whose outputs are fixed once the input shapes are:
// Shape of anything, and any node whose inputs are all constants or static.
func (g *graph) markStatic() {
	g.static = make([]bool, len(g.nodes))
	isStatic := map[string]bool{}
	for name := range g.consts {
		isStatic[name] = true
	}
	for k, n := range g.nodes {
		s := n.op == "Shape"
		if !s {
			s = true
			for _, in := range n.in {
				if in != "" && !isStatic[in] {
					s = false
					break
				}
			}
		}
		if s {
			g.static[k] = true
			for _, o := range n.out {
				isStatic[o] = true
			}
		}
	}
}

// isConst reports whether name is an initializer or a Constant output.
func (g *graph) isConst(name string) bool {
	_, ok := g.consts[name]
	return ok
}

// shapeKey identifies the input shapes a folded cache entry belongs to, in
// the graph's input order (map order would make equal shapes miss).
func (g *graph) shapeKey(feeds map[string]*value) string {
	var b strings.Builder
	for _, name := range g.inputs {
		fmt.Fprintf(&b, "%s:%v;", name, feeds[name].shape)
	}
	return b.String()
}

// run evaluates the graph on feeds (the graph inputs) and returns the graph
// outputs. Static subgraphs are folded once per input shape and cached.
func (g *graph) run(feeds map[string]*value) (map[string]*value, error) {
	for _, name := range g.inputs {
		if _, ok := feeds[name]; !ok {
			return nil, fmt.Errorf("bert: graph input %q not provided", name)
		}
	}
	key := g.shapeKey(feeds)
	g.mu.Lock()
	folded := g.folds[key]
	g.mu.Unlock()
	vals, err := g.eval(feeds, g.outputs, folded)
	if err != nil {
		return nil, err
	}
	if folded == nil {
		f := map[string]*value{}
		for k, n := range g.nodes {
			if g.static[k] {
				for _, o := range n.out {
					if v, ok := vals.static[o]; ok {
						f[o] = v
					}
				}
			}
		}
		g.mu.Lock()
		if len(g.folds) >= maxFoldEntries {
			clear(g.folds)
		}
		g.folds[key] = f
		g.mu.Unlock()
	}
	return vals.out, nil
}

type evalResult struct {
	out    map[string]*value
	static map[string]*value
}

// eval computes the values named in want from feeds, which may name graph
// inputs or any intermediate values. Only the nodes that want depends on are
// run; folded, if not nil, supplies precomputed static values.
func (g *graph) eval(feeds map[string]*value, want []string, folded map[string]*value) (evalResult, error) {
	need := map[string]bool{}
	var mark func(name string)
	mark = func(name string) {
		if need[name] {
			return
		}
		need[name] = true
		if _, ok := feeds[name]; ok {
			return
		}
		if _, ok := folded[name]; ok {
			return
		}
		if n, ok := g.producer[name]; ok {
			for _, in := range n.in {
				if in != "" {
					mark(in)
				}
			}
		}
	}
	for _, w := range want {
		mark(w)
	}
	// Remaining uses of each value, so intermediates are dropped after their last use.
	uses := map[string]int{}
	run := make([]bool, len(g.nodes))
	for k, n := range g.nodes {
		needed := false
		for _, o := range n.out {
			if need[o] {
				if _, fed := feeds[o]; !fed {
					if _, f := folded[o]; !f {
						needed = true
					}
				}
			}
		}
		if !needed {
			continue
		}
		run[k] = true
		for _, in := range n.in {
			uses[in]++
		}
	}
	keep := map[string]bool{}
	for _, w := range want {
		keep[w] = true
	}
	env := map[string]*value{}
	for k, v := range feeds {
		env[k] = v
	}
	res := evalResult{out: map[string]*value{}, static: map[string]*value{}}
	lookup := func(name string) *value {
		if v, ok := env[name]; ok {
			return v
		}
		if v, ok := folded[name]; ok {
			return v
		}
		return g.consts[name]
	}
	ins := make([]*value, 0, 8)
	for k, n := range g.nodes {
		if !run[k] {
			continue
		}
		ins = ins[:0]
		for _, in := range n.in {
			if in == "" {
				ins = append(ins, nil)
				continue
			}
			v := lookup(in)
			if v == nil {
				return res, fmt.Errorf("bert: %s: input %q has no value", n.describe(), in)
			}
			ins = append(ins, v)
		}
		outs, err := g.runNode(n, ins)
		if err != nil {
			return res, err
		}
		for j, o := range n.out {
			if j < len(outs) && o != "" {
				env[o] = outs[j]
				if g.static[k] {
					res.static[o] = outs[j]
				}
			}
		}
		for _, in := range n.in {
			uses[in]--
			if uses[in] == 0 && !keep[in] {
				if _, fed := feeds[in]; !fed {
					delete(env, in)
				}
			}
		}
	}
	for _, w := range want {
		v := lookup(w)
		if v == nil {
			return res, fmt.Errorf("bert: value %q was not computed", w)
		}
		res.out[w] = v
	}
	return res, nil
}
