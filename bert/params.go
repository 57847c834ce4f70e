package bert

import (
	"fmt"
	"unsafe"

	"github.com/obscura-ai/obscura/weights/onnx"
)

// Tensor is one float tensor of a recognised encoder: its values, its shape
// and the name of the ONNX initializer it was read from ("" when the graph
// has no such tensor and the plan made one, as for a LayerNormalization
// without a bias).
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32
}

// Linear is a dense layer y = x·W + B, W [in×out] row-major as ONNX MatMul
// stores it.
type Linear struct{ W, B Tensor }

// Norm is a LayerNorm over the hidden axis: (x-μ)/√(σ²+Eps)·G + B.
type Norm struct {
	G, B Tensor
	Eps  float32
}

// EncoderLayer is one post-LayerNorm transformer layer.
type EncoderLayer struct {
	Q, K, V, O Linear
	LN1        Norm // after the attention residual
	FC1, FC2   Linear
	LN2        Norm    // after the feed-forward residual
	GELUTanh   bool    // the tanh approximation instead of the erf form
	Scale      float32 // multiplies Q·Kᵀ (1/√d for BERT)
}

// Encoder is the structure and the weights of a BERT-family token
// classifier as the fused plan recognises it: embeddings (word, position,
// optional token type) and their LayerNorm, encoder layers, and the
// classifier head. It is what a trainer needs to run and differentiate the
// model and to write trained weights back into the same graph.
type Encoder struct {
	Hidden, Heads, Inter, Labels int

	Word, Pos Tensor
	Type      Tensor // Data nil when the model takes no token_type_ids
	// Positions: PaddingPositions false means position = PosOffset + index
	// (BERT, DistilBERT); true means RoBERTa's padding-aware count, where
	// PadID's tokens take position PosOffset.
	PaddingPositions bool
	PosOffset, PadID int64
	EmbLN            Norm
	MaskNeg          float32 // additive attention-mask value for masked keys
	Layers           []EncoderLayer
	Classifier       Linear
}

// Inspect recognises the BERT-family structure of an ONNX token classifier
// and returns its tensors with their initializer names. The values are the
// model's own (om's initializers are consumed, as by FromONNX); a caller
// that changes them should copy first. A graph the fused plan does not
// recognise is an error.
func Inspect(om *onnx.Model) (*Encoder, error) {
	g, err := importGraph(om)
	if err != nil {
		return nil, err
	}
	if err := checkIO(g); err != nil {
		return nil, err
	}
	p, err := recognise(g, Options{})
	if err != nil {
		return nil, err
	}
	names := map[*float32]string{}
	for name, v := range g.consts {
		if v.dt == dtFloat && len(v.f) > 0 {
			if _, ok := om.Inits[name]; ok {
				names[unsafe.SliceData(v.f)] = name
			}
		}
	}
	tensor := func(data []float32, shape ...int) Tensor {
		t := Tensor{Shape: shape, Data: data}
		if len(data) > 0 {
			t.Name = names[unsafe.SliceData(data)]
		}
		return t
	}
	lin := func(l linear) Linear {
		return Linear{W: tensor(l.w, l.k, l.n), B: tensor(l.b, l.n)}
	}
	norm := func(n lnorm) Norm {
		return Norm{G: tensor(n.g, len(n.g)), B: tensor(n.b, len(n.b)), Eps: n.eps}
	}
	h := p.hidden
	e := &Encoder{
		Hidden: h, Heads: p.heads, Inter: p.inter, Labels: p.labels,
		Word:             tensor(p.word, len(p.word)/h, h),
		Pos:              tensor(p.pos, p.posRows, h),
		PaddingPositions: p.posMode == posPadding,
		PosOffset:        p.posOffset, PadID: p.padID,
		EmbLN:      norm(p.embLN),
		MaskNeg:    p.maskNeg,
		Classifier: lin(p.cls),
	}
	if p.typ != nil {
		e.Type = tensor(p.typ, len(p.typ)/h, h)
	}
	for _, l := range p.layers {
		e.Layers = append(e.Layers, EncoderLayer{
			Q: lin(l.src[0]), K: lin(l.src[1]), V: lin(l.src[2]), O: lin(l.o),
			LN1: norm(l.ln1), FC1: lin(l.fc1), FC2: lin(l.fc2), LN2: norm(l.ln2),
			GELUTanh: l.gelu == geluTanhForm, Scale: l.scale,
		})
	}
	for _, t := range e.Tensors() {
		if len(t.Data) > 0 && t.Name == "" && !isNormBias(e, t) {
			return nil, fmt.Errorf("bert: inspect: a weight of shape %v is not an initializer", t.Shape)
		}
	}
	return e, nil
}

// isNormBias reports whether t is a LayerNorm bias (which the plan makes
// when the graph has none).
func isNormBias(e *Encoder, t *Tensor) bool {
	if t == &e.EmbLN.B {
		return true
	}
	for i := range e.Layers {
		if t == &e.Layers[i].LN1.B || t == &e.Layers[i].LN2.B {
			return true
		}
	}
	return false
}

// Tensors lists pointers to every tensor of the encoder in a fixed order:
// embeddings, their LayerNorm, each layer (Q, K, V, O, LN1, FC1, FC2, LN2;
// weight before bias), then the classifier. Type is included only when
// the model has token types.
func (e *Encoder) Tensors() []*Tensor {
	ts := []*Tensor{&e.Word, &e.Pos}
	if e.Type.Data != nil {
		ts = append(ts, &e.Type)
	}
	ts = append(ts, &e.EmbLN.G, &e.EmbLN.B)
	for i := range e.Layers {
		l := &e.Layers[i]
		ts = append(ts, &l.Q.W, &l.Q.B, &l.K.W, &l.K.B, &l.V.W, &l.V.B, &l.O.W, &l.O.B,
			&l.LN1.G, &l.LN1.B, &l.FC1.W, &l.FC1.B, &l.FC2.W, &l.FC2.B, &l.LN2.G, &l.LN2.B)
	}
	return append(ts, &e.Classifier.W, &e.Classifier.B)
}
