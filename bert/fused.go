package bert

import (
	"fmt"
	"runtime"

	"github.com/obscura-ai/obscura/quant"
	"github.com/obscura-ai/obscura/tensor"
)

// The fused plan: its types, recognise, which builds a plan from a graph
// with the matcher (match.go, where the recognition rules are described),
// and prepack.

// posMode says how position ids are computed.
type posMode uint8

const (
	posAbsolute posMode = iota + 1 // position = offset + index
	posPadding                     // RoBERTa: cumsum(id != pad)·(id != pad) + offset
)

// linear is a dense layer y = x·W + b with W [k×n] row-major as ONNX MatMul
// stores it.
type linear struct {
	w    []float32
	b    []float32
	k, n int
	pb   *tensor.PackedB // w prepacked at load for tensor's GEMM kernel
	q    *quant.Matrix   // when set (Options.Int8, or an INT8 export), the INT8 weights used instead of pb
	// wq, for an INT8 export, are the int8 weights that w dequantizes;
	// prepack packs them as they are.
	wq *qweights
}

func (l *linear) pack() { l.pb = tensor.PackB(l.w, l.k, l.n) }

type lnorm struct {
	g, b []float32
	eps  float32
}

type geluKind uint8

const (
	geluErfForm geluKind = iota + 1
	geluTanhForm
)

type layer struct {
	qkv   linear    // Q, K and V projections side by side: W [H×3H]
	src   [3]linear // Q, K, V as the graph holds them (for Inspect; dropped by prepack)
	o     linear
	ln1   lnorm
	fc1   linear
	fc2   linear
	ln2   lnorm
	gelu  geluKind
	scale float32 // multiplies Q·Kᵀ
}

type plan struct {
	hidden, heads, headDim, inter, labels int

	word, pos, typ []float32 // typ nil when the model has no token types
	posRows        int
	posMode        posMode
	posOffset      int64
	padID          int64
	embLN          lnorm
	maskNeg        float32 // additive mask value for attention_mask 0
	layers         []layer
	cls            linear
	bf16           bool // attention in bfloat16 (tensor.AttentionBF16)

	pool workspacePool
}

func (p *plan) maxPositions() int {
	n := p.posRows - int(p.posOffset)
	if p.posMode == posPadding {
		n-- // the padding id's own row is never a real position
	}
	return max(n, 0)
}

func recognise(g *graph, opts Options) (*plan, error) {
	m := matcher{g: g}
	p := &plan{}
	// Word embedding: the Gather of a 2-D table by input_ids.
	var wordG *node
	for _, n := range m.users(inIDs) {
		if n.op == "Gather" && n.in[1] == inIDs {
			if t, ok := m.constFloat(n.in[0]); ok && len(t.shape) == 2 {
				wordG = n
			}
		}
	}
	if wordG == nil {
		return nil, fmt.Errorf("bert: fused plan: no word-embedding Gather indexed by input_ids")
	}
	word := g.consts[wordG.in[0]]
	p.word, p.hidden = word.f, word.shape[1]
	h := p.hidden
	// Embedding sum: Adds of further table lookups until the LayerNorm.
	cur := wordG.out[0]
	var posIdx string
	for {
		u := m.users(cur)
		if len(u) != 1 || u[0].op != "Add" {
			break
		}
		add := u[0]
		src, ok := g.producer[other(add, cur)]
		if !ok || src.op != "Gather" {
			break
		}
		t, ok := m.constFloat(src.in[0])
		if !ok || len(t.shape) != 2 || t.shape[1] != h {
			return nil, fmt.Errorf("bert: fused plan: %s is not an embedding lookup", src.describe())
		}
		switch {
		case src.in[1] == inTypeIDs:
			p.typ = t.f
		case p.pos == nil:
			p.pos, p.posRows, posIdx = t.f, t.shape[0], src.in[1]
		default:
			return nil, fmt.Errorf("bert: fused plan: %s is a third embedding table", src.describe())
		}
		cur = add.out[0]
	}
	if p.pos == nil {
		return nil, fmt.Errorf("bert: fused plan: no position embedding")
	}
	if err := m.positions(p, posIdx); err != nil {
		return nil, err
	}
	ln, x, err := m.layerNormAt(cur, h)
	if err != nil {
		return nil, err
	}
	p.embLN = ln
	// Encoder layers, then the classifier.
	for {
		var mms []*node
		for _, u := range m.users(x) {
			if u.op == "MatMul" && u.in[0] == x {
				mms = append(mms, u)
			}
		}
		if len(mms) == 1 {
			cls, out, err := m.linearAt(mms[0], x, h)
			if err != nil {
				return nil, err
			}
			if len(g.outputs) != 1 || out != g.outputs[0] {
				return nil, fmt.Errorf("bert: fused plan: classifier output %q is not the graph output", out)
			}
			p.cls, p.labels = cls, cls.n
			break
		}
		if len(mms) != 3 {
			return nil, fmt.Errorf("bert: fused plan: hidden state %q feeds %d MatMuls; want 3 (Q, K, V) or 1 (classifier)", x, len(mms))
		}
		l, next, err := m.encoderLayer(p, x, mms)
		if err != nil {
			return nil, err
		}
		p.layers = append(p.layers, l)
		x = next
	}
	if len(p.layers) == 0 {
		return nil, fmt.Errorf("bert: fused plan: no encoder layers")
	}
	if err := p.verify(g); err != nil {
		return nil, err
	}
	return p, nil
}

// prepack converts the verified plan's weights to their run-time form, one
// matrix at a time: tensor.PackedB, or quant.Matrix for the encoder layers
// with opts.Int8 (per-output-channel int8 weights, per-token activations;
// embeddings, LayerNorms, attention, softmax and the classifier are not
// INT8), and for every matmul an INT8 export quantized (its own int8
// weights and scales, packed as they are, the classifier included when the
// export quantized it). Each fp32 original is dropped as soon as its
// packed copy exists, and the collector runs between layers, so that
// loading a large model does not hold two full copies of its weights (the
// caller must have dropped the graph first).
func (p *plan) prepack(opts Options) error {
	qopt := quant.Options{Kernel: opts.Kernel}
	pack := func(ln *linear, int8 bool) error {
		switch {
		case ln.wq != nil:
			q, err := quant.PackQuantizedWith(ln.wq.q, ln.wq.scales, ln.k, ln.n, qopt)
			if err != nil {
				return fmt.Errorf("bert: int8: %w", err)
			}
			ln.q, ln.wq = q, nil
		case int8:
			q, err := quant.PackWeightsWith(ln.w, ln.k, ln.n, qopt)
			if err != nil {
				return fmt.Errorf("bert: int8: %w", err)
			}
			ln.q = q
		default:
			ln.pack()
		}
		ln.w = nil
		return nil
	}
	if err := pack(&p.cls, false); err != nil {
		return err
	}
	for li := range p.layers {
		l := &p.layers[li]
		l.src = [3]linear{}
		for _, ln := range []*linear{&l.qkv, &l.o, &l.fc1, &l.fc2} {
			if err := pack(ln, opts.Int8); err != nil {
				return err
			}
		}
		runtime.GC()
	}
	return nil
}

// quantization is "int8" when any of the plan's weight matmuls runs in
// INT8, else "fp32".
func (p *plan) quantization() string {
	if p.cls.q != nil {
		return "int8"
	}
	for li := range p.layers {
		l := &p.layers[li]
		for _, ln := range []*linear{&l.qkv, &l.o, &l.fc1, &l.fc2} {
			if ln.q != nil {
				return "int8"
			}
		}
	}
	return "fp32"
}

// positionIDs writes the position ids of one row of token ids.
func (p *plan) positionIDs(dst, ids []int64) {
	if p.posMode == posAbsolute {
		for k := range dst {
			dst[k] = p.posOffset + int64(k)
		}
		return
	}
	var c int64
	for k, id := range ids {
		if id != p.padID {
			c++
			dst[k] = c + p.posOffset
		} else {
			dst[k] = p.posOffset
		}
	}
}
