package bert

import (
	"fmt"
	"runtime"

	"github.com/obscura-ai/obscura/internal/cpu"
	"github.com/obscura-ai/obscura/quant"
	"github.com/obscura-ai/obscura/tensor"
	"github.com/obscura-ai/obscura/weights/onnx"
)

// Batch is a batch of token sequences, row-major [Size][SeqLen], as the ONNX
// inputs input_ids / attention_mask / token_type_ids. Mask and TypeIDs may be
// nil (all ones / all zeros).
type Batch struct {
	IDs     []int64
	Mask    []int64
	TypeIDs []int64
	Size    int
	SeqLen  int
}

// Options selects how a model runs.
type Options struct {
	// Executor is "auto" (or ""): the fused plan when the graph is
	// recognised, else the graph executor; "graph"; or "fused" (an error
	// when the graph is not recognised).
	Executor string
	// Int8 runs the encoder's weight matmuls (Q/K/V, attention output,
	// feed-forward) in INT8 through package quant: per-output-channel int8
	// weights packed at load, per-token int8 activations at run time. The
	// embeddings, LayerNorms, softmax and the classifier stay fp32, and
	// the attention products too unless Attention picks bfloat16 (by
	// default where the processor has AVX-512 BF16). It needs the fused plan: Load fails when the graph is not
	// recognised or Executor is "graph".
	//
	// A graph that is already quantized (an INT8 export: MatMulInteger by
	// int8 weight initializers, as quant.QuantizeONNX writes and obscura
	// bundle --int8 ships) runs in INT8 whatever Int8 says: the fused plan
	// packs the export's own int8 weights and scales as they are (see
	// dequantizedGraph), and Int8 only adds the encoder matmuls the export
	// left fp32. On the graph executor such a graph runs the export's own
	// algebra (DynamicQuantizeLinear, MatMulInteger), as ONNX Runtime does.
	Int8 bool
	// Kernel optionally overrides the INT8 kernel ("" = best).
	Kernel string
	// Attention selects the fused plan's attention arithmetic: "" or
	// "auto" multiplies in bfloat16 with fp32 sums (tensor.AttentionBF16)
	// when the model runs in INT8 and the processor has AVX-512 BF16, and
	// in fp32 otherwise; "fp32" always in fp32 (tensor.Attention); "bf16"
	// in bfloat16 also for an fp32 model (an error where the processor
	// lacks AVX-512 BF16). The graph executor always runs fp32.
	Attention string
	// Threads is advisory today: GEMMs and attention run on package
	// tensor's worker pool, which sizes itself to GOMAXPROCS (set that to
	// bound a process's threads). 0 = GOMAXPROCS.
	Threads int
}

// Model is a loaded token classifier. It is safe for concurrent use.
type Model struct {
	g         *graph // nil when the fused plan runs
	plan      *plan  // nil when running on the graph executor
	quant     string // "fp32" or "int8"
	numLabels int
	vocab     int
	maxPos    int
}

// Load imports the ONNX graph at onnxPath and prepares it for inference.
func Load(onnxPath string, opts Options) (*Model, error) {
	om, err := onnx.Load(onnxPath)
	if err != nil {
		return nil, fmt.Errorf("bert: %w", err)
	}
	return FromONNX(om, opts)
}

// FromONNX prepares an already parsed ONNX model (for example the one
// weights.Load read to check the bundle) for inference, so that the file is
// not read and decoded twice. The caller must not use om afterwards: its
// initializers are consumed.
func FromONNX(om *onnx.Model, opts Options) (*Model, error) {
	switch opts.Attention {
	case "", "auto", "fp32":
	case "bf16":
		if !tensor.HasBF16Attention() {
			return nil, fmt.Errorf("bert: bf16 attention needs AVX-512 BF16, which this processor lacks")
		}
	default:
		return nil, fmt.Errorf("bert: unknown attention %q (want auto, fp32 or bf16)", opts.Attention)
	}
	if opts.Int8 && opts.Executor == "graph" {
		return nil, fmt.Errorf("bert: Options.Int8 needs the fused plan; the graph executor runs fp32 (an INT8 export runs its own quantized ops there without Options.Int8)")
	}
	// An INT8 export's int8 weights are read from the file before
	// importGraph consumes its initializers.
	int8Export := hasMatMulInteger(om)
	var qms []quant.QuantizedMatMul
	var qerr error
	if int8Export && opts.Executor != "graph" {
		if qms, qerr = quant.FindQuantizedMatMuls(om); qerr != nil {
			qerr = fmt.Errorf("bert: fused plan: INT8 export: %w", qerr)
		}
	}
	g, err := importGraph(om)
	if err != nil {
		return nil, err
	}
	om = nil
	runtime.GC() // the file's protobuf copy is garbage now; reuse its memory
	if err := checkIO(g); err != nil {
		return nil, err
	}
	m := &Model{g: g, quant: "fp32"}
	if int8Export {
		m.quant = "int8"
	}
	switch opts.Executor {
	case "", "auto", "fused":
		fg, perr := g, qerr
		if perr == nil && int8Export {
			fg, perr = g.dequantizedGraph(qms)
		}
		qms = nil
		var p *plan
		if perr == nil {
			p, perr = recognise(fg, opts)
		}
		if perr == nil {
			m.plan, m.g = p, fg
		} else if opts.Executor == "fused" || opts.Int8 {
			return nil, perr
		}
	case "graph":
	default:
		return nil, fmt.Errorf("bert: unknown executor %q (want auto, graph or fused)", opts.Executor)
	}
	if err := m.describe(); err != nil {
		return nil, err
	}
	if m.plan != nil {
		m.g, g = nil, nil // the plan holds what it needs; let the graph's copies go
		if err := m.plan.prepack(opts); err != nil {
			return nil, err
		}
		m.quant = m.plan.quantization()
		switch opts.Attention {
		case "bf16":
			m.plan.bf16 = true
		case "", "auto":
			m.plan.bf16 = m.quant == "int8" && tensor.HasBF16Attention()
		}
	}
	return m, nil
}

// AutoAttention is the attention arithmetic that Options.Attention ""
// gives an INT8 model with features f: "bf16" where the processor
// multiplies bfloat16 in hardware (tensor.HasBF16AttentionFor), else "fp32".
// An fp32 model keeps fp32.
func AutoAttention(f cpu.Features) string {
	if tensor.HasBF16AttentionFor(f) {
		return "bf16"
	}
	return "fp32"
}

// Attention names the attention arithmetic the model runs: "bf16"
// (bfloat16 products, fp32 sums; see Options.Attention) or "fp32".
func (m *Model) Attention() string {
	if m.plan != nil && m.plan.bf16 {
		return "bf16"
	}
	return "fp32"
}

// Graph input and output names of HF/optimum token-classification exports.
const (
	inIDs     = "input_ids"
	inMask    = "attention_mask"
	inTypeIDs = "token_type_ids"
)

func checkIO(g *graph) error {
	if len(g.outputs) != 1 {
		return fmt.Errorf("bert: graph has %d outputs; want one (logits)", len(g.outputs))
	}
	for _, in := range g.inputs {
		switch in {
		case inIDs, inMask, inTypeIDs:
		default:
			return fmt.Errorf("bert: unexpected graph input %q (want input_ids, attention_mask, token_type_ids)", in)
		}
	}
	hasIDs := false
	for _, in := range g.inputs {
		hasIDs = hasIDs || in == inIDs
	}
	if !hasIDs {
		return fmt.Errorf("bert: graph has no input_ids input")
	}
	return nil
}

// describe fills the model's sizes: labels from a probe run of the graph,
// vocabulary and positions from the embedding tables the ids index.
func (m *Model) describe() error {
	word, pos, posIdx := embeddingTables(m.g)
	if word == nil {
		return fmt.Errorf("bert: no embedding table gathered by input_ids")
	}
	m.vocab = word.shape[0]
	if pos != nil {
		// Read the position scheme as the fused plan does (RoBERTa's ids
		// start after the padding id); fall back to the table's rows.
		m.maxPos = pos.shape[0]
		probe := &plan{hidden: word.shape[1], posRows: pos.shape[0]}
		if err := (matcher{g: m.g}).positions(probe, posIdx); err == nil {
			m.maxPos = probe.maxPositions()
		}
	}
	if m.plan != nil {
		m.numLabels = m.plan.labels
		m.maxPos = m.plan.maxPositions()
		return nil
	}
	// One 1×2 probe run tells the label count.
	out, err := m.runGraph(Batch{IDs: []int64{0, 0}, Mask: []int64{1, 1}, Size: 1, SeqLen: 2})
	if err != nil {
		return fmt.Errorf("bert: probe run: %w", err)
	}
	m.numLabels = len(out) / 2
	return nil
}

// NumLabels is the size of the logits' last axis.
func (m *Model) NumLabels() int { return m.numLabels }

// VocabSize is the number of rows of the word embedding.
func (m *Model) VocabSize() int { return m.vocab }

// MaxPositions is the longest sequence the position embedding covers.
func (m *Model) MaxPositions() int { return m.maxPos }

// Quantization is "int8" when the model's weight matmuls run in INT8
// (Options.Int8, or an INT8 export), else "fp32".
func (m *Model) Quantization() string { return m.quant }

// Executor names the path Run takes: "fused" or "graph".
func (m *Model) Executor() string {
	if m.plan != nil {
		return "fused"
	}
	return "graph"
}

func (b Batch) check() error {
	if b.Size <= 0 || b.SeqLen <= 0 {
		return fmt.Errorf("bert: empty batch (%d×%d)", b.Size, b.SeqLen)
	}
	n := b.Size * b.SeqLen
	if len(b.IDs) != n {
		return fmt.Errorf("bert: %d input ids for a %d×%d batch", len(b.IDs), b.Size, b.SeqLen)
	}
	if b.Mask != nil && len(b.Mask) != n {
		return fmt.Errorf("bert: %d mask values for a %d×%d batch", len(b.Mask), b.Size, b.SeqLen)
	}
	if b.TypeIDs != nil && len(b.TypeIDs) != n {
		return fmt.Errorf("bert: %d token type ids for a %d×%d batch", len(b.TypeIDs), b.Size, b.SeqLen)
	}
	return nil
}

// Run returns the logits, row-major [Size][SeqLen][NumLabels]. On the fused
// path, positions after a row's last attended token (trailing padding) get
// zero logits instead of the meaningless values the graph computes there.
func (m *Model) Run(b Batch) ([]float32, error) {
	if err := b.check(); err != nil {
		return nil, err
	}
	for _, id := range b.IDs {
		if id < 0 || id >= int64(m.vocab) {
			return nil, fmt.Errorf("bert: token id %d outside the vocabulary [0,%d)", id, m.vocab)
		}
	}
	if m.maxPos > 0 && b.SeqLen > m.maxPos {
		return nil, fmt.Errorf("bert: sequence length %d exceeds the model's %d positions", b.SeqLen, m.maxPos)
	}
	if m.plan != nil {
		out := make([]float32, b.Size*b.SeqLen*m.numLabels)
		if err := m.plan.run(b, out); err != nil {
			return nil, err
		}
		return out, nil
	}
	return m.runGraph(b)
}

func (m *Model) runGraph(b Batch) ([]float32, error) {
	shape := []int{b.Size, b.SeqLen}
	n := b.Size * b.SeqLen
	feeds := map[string]*value{}
	for _, in := range m.g.inputs {
		v := newInt(shape)
		switch in {
		case inIDs:
			copy(v.i, b.IDs)
		case inMask:
			if b.Mask != nil {
				copy(v.i, b.Mask)
			} else {
				for k := 0; k < n; k++ {
					v.i[k] = 1
				}
			}
		case inTypeIDs:
			if b.TypeIDs != nil {
				copy(v.i, b.TypeIDs)
			}
		}
		feeds[in] = v
	}
	outs, err := m.g.run(feeds)
	if err != nil {
		return nil, err
	}
	lg := outs[m.g.outputs[0]]
	if lg.dt != dtFloat || len(lg.shape) != 3 || lg.shape[0] != b.Size || lg.shape[1] != b.SeqLen {
		return nil, fmt.Errorf("bert: graph output has shape %v (%s); want [%d %d labels] float32", lg.shape, lg.dt, b.Size, b.SeqLen)
	}
	return lg.f, nil
}

// embeddingTables finds the 2-D float initializers that Gather nodes index
// with input_ids (word) and with a position index computed from the input
// shape or ids (position), and the name of that position index.
func embeddingTables(g *graph) (word, pos *value, posIdx string) {
	for _, n := range g.nodes {
		if n.op != "Gather" || len(n.in) < 2 {
			continue
		}
		t, ok := g.consts[n.in[0]]
		if !ok || t.dt != dtFloat || len(t.shape) != 2 {
			continue
		}
		if n.in[1] == inIDs {
			word = t
		}
	}
	for _, n := range g.nodes {
		if n.op != "Gather" || len(n.in) < 2 || n.in[1] == inIDs || n.in[1] == inTypeIDs {
			continue
		}
		t, ok := g.consts[n.in[0]]
		if ok && t.dt == dtFloat && len(t.shape) == 2 && word != nil && t != word && t.shape[1] == word.shape[1] {
			return word, t, n.in[1]
		}
	}
	return word, nil, ""
}
