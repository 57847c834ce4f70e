package train

import (
	"fmt"

	"github.com/obscura-ai/obscura/bert"
)

// Arch is the shape of an encoder the trainer runs: what bert.Inspect
// recognised, without the weights.
type Arch struct {
	Hidden, Heads, Inter, Labels, Layers int
	Vocab, PosRows, TypeRows             int // TypeRows 0: no token types
	PaddingPositions                     bool
	PosOffset, PadID                     int64
	Eps                                  []float64 // LayerNorm epsilons: embeddings, then LN1, LN2 of each layer
	GELUTanh                             []bool    // per layer
	Scale                                []float64 // per layer, multiplies Q·Kᵀ
}

// MaxPositions is the longest sequence the position table allows.
func (a Arch) MaxPositions() int {
	n := a.PosRows - int(a.PosOffset)
	if a.PaddingPositions {
		n-- // the padding id's own row is never a real position
	}
	return max(n, 0)
}

// span is one parameter tensor's place in the flat buffers.
type span struct{ off, n int }

// layerSpans are one encoder layer's parameters. qkv holds Q, K, V side
// by side: W [H×3H], bias [3H].
type layerSpans struct {
	qkvW, qkvB, oW, oB, ln1G, ln1B, fc1W, fc1B, fc2W, fc2B, ln2G, ln2B span
}

// Params are the trainable values of a model in one flat buffer (so that
// the optimizer, clipping and checkpoints see one vector), with each
// tensor's place in it. Tensors that the source graph ties (one
// initializer used twice) share one place, so their gradients add up.
type Params[F Float] struct {
	Arch Arch
	Data []F

	word, pos, typ, embG, embB span
	layers                     []layerSpans
	clsW, clsB                 span
	// decay marks the spans that take weight decay (matrices and
	// embeddings; not biases or LayerNorm parameters).
	decay []span
}

func (p *Params[F]) at(s span) []F { return p.Data[s.off : s.off+s.n] }

// paramSlot assigns places in the flat buffer, reusing a place for a tied
// initializer name.
type paramSlot struct {
	n     int
	named map[string]span
}

func (ps *paramSlot) take(name string, n int) span {
	if name != "" {
		if s, ok := ps.named[name]; ok && s.n == n {
			return s
		}
	}
	s := span{ps.n, n}
	ps.n += n
	if name != "" {
		ps.named[name] = s
	}
	return s
}

// FromEncoder copies an inspected encoder into trainer parameters, keeping
// its head (labels 0 or the encoder's count) or making a new one of labels
// outputs drawn from N(0, 0.02²) with seed; see FromEncoderHead to keep
// some of the old head's columns.
func FromEncoder[F Float](e *bert.Encoder, labels int, seed uint64) (*Params[F], error) {
	if labels <= 0 || labels == e.Labels {
		return FromEncoderHead[F](e, nil, seed)
	}
	from := make([]int, labels)
	for i := range from {
		from[i] = -1
	}
	return FromEncoderHead[F](e, from, seed)
}

// FromEncoderHead is FromEncoder with an explicit head: nil keeps the
// encoder's head; otherwise the new head has len(from) outputs, output i
// copied from the old head's column from[i] (its weights and bias) or,
// where from[i] is -1, drawn fresh. The encoder itself is always kept.
func FromEncoderHead[F Float](e *bert.Encoder, from []int, seed uint64) (*Params[F], error) {
	labels := len(from)
	if e.Hidden%e.Heads != 0 {
		return nil, fmt.Errorf("train: %d heads do not divide hidden size %d", e.Heads, e.Hidden)
	}
	h := e.Hidden
	a := Arch{
		Hidden: h, Heads: e.Heads, Inter: e.Inter, Labels: e.Labels, Layers: len(e.Layers),
		Vocab: e.Word.Shape[0], PosRows: e.Pos.Shape[0],
		PaddingPositions: e.PaddingPositions, PosOffset: e.PosOffset, PadID: e.PadID,
		Eps: []float64{float64(e.EmbLN.Eps)},
	}
	if e.Type.Data != nil {
		a.TypeRows = e.Type.Shape[0]
	}
	newHead := from != nil
	if newHead {
		a.Labels = labels
	}
	ps := &paramSlot{named: map[string]span{}}
	p := &Params[F]{}
	type copyJob struct {
		s   span
		src []float32
	}
	var jobs []copyJob
	take := func(t bert.Tensor, decay bool) span {
		s := ps.take(t.Name, len(t.Data))
		jobs = append(jobs, copyJob{s, t.Data})
		if decay {
			p.decay = append(p.decay, s)
		}
		return s
	}
	p.word = take(e.Word, true)
	p.pos = take(e.Pos, true)
	if a.TypeRows > 0 {
		p.typ = take(e.Type, true)
	}
	p.embG, p.embB = take(e.EmbLN.G, false), take(e.EmbLN.B, false)
	for _, l := range e.Layers {
		var ls layerSpans
		// Q, K, V are packed side by side: a fresh span, filled below.
		ls.qkvW = ps.take("", 3*h*h)
		ls.qkvB = ps.take("", 3*h)
		p.decay = append(p.decay, ls.qkvW)
		ls.oW, ls.oB = take(l.O.W, true), take(l.O.B, false)
		ls.ln1G, ls.ln1B = take(l.LN1.G, false), take(l.LN1.B, false)
		ls.fc1W, ls.fc1B = take(l.FC1.W, true), take(l.FC1.B, false)
		ls.fc2W, ls.fc2B = take(l.FC2.W, true), take(l.FC2.B, false)
		ls.ln2G, ls.ln2B = take(l.LN2.G, false), take(l.LN2.B, false)
		p.layers = append(p.layers, ls)
		a.Eps = append(a.Eps, float64(l.LN1.Eps), float64(l.LN2.Eps))
		a.GELUTanh = append(a.GELUTanh, l.GELUTanh)
		a.Scale = append(a.Scale, float64(l.Scale))
	}
	if newHead {
		p.clsW, p.clsB = ps.take("", h*labels), ps.take("", labels)
		p.decay = append(p.decay, p.clsW)
	} else {
		p.clsW, p.clsB = take(e.Classifier.W, true), take(e.Classifier.B, false)
	}
	p.Arch = a
	p.Data = make([]F, ps.n)
	for _, j := range jobs {
		dst := p.at(j.s)
		for i, v := range j.src {
			dst[i] = F(v)
		}
	}
	for li, l := range e.Layers {
		ls := p.layers[li]
		w, b := p.at(ls.qkvW), p.at(ls.qkvB)
		for part, lin := range []bert.Linear{l.Q, l.K, l.V} {
			for r := 0; r < h; r++ {
				for c := 0; c < h; c++ {
					w[r*3*h+part*h+c] = F(lin.W.Data[r*h+c])
				}
			}
			for c := 0; c < h; c++ {
				b[part*h+c] = F(lin.B.Data[c])
			}
		}
	}
	if newHead {
		rng := newRNG(seed, streamHead, 0)
		w, b := p.at(p.clsW), p.at(p.clsB)
		for i := range w {
			w[i] = F(0.02 * rng.NormFloat64())
		}
		ow, ob := e.Classifier.W.Data, e.Classifier.B.Data
		for j, old := range from {
			if old < 0 {
				continue
			}
			if old >= e.Labels {
				return nil, fmt.Errorf("train: head column %d of %d", old, e.Labels)
			}
			for r := 0; r < h; r++ {
				w[r*labels+j] = F(ow[r*e.Labels+old])
			}
			b[j] = F(ob[old])
		}
	}
	return p, nil
}

// ToEncoder writes the parameters back into e's tensors (which it
// replaces; Q, K and V are split again). A new head replaces e's
// classifier, whose tensors keep their initializer names.
func (p *Params[F]) ToEncoder(e *bert.Encoder) {
	h := p.Arch.Hidden
	conv := func(t *bert.Tensor, s span, shape ...int) {
		src := p.at(s)
		t.Data = make([]float32, len(src))
		for i, v := range src {
			t.Data[i] = float32(v)
		}
		if shape != nil {
			t.Shape = shape
		}
	}
	conv(&e.Word, p.word)
	conv(&e.Pos, p.pos)
	if p.Arch.TypeRows > 0 {
		conv(&e.Type, p.typ)
	}
	conv(&e.EmbLN.G, p.embG)
	conv(&e.EmbLN.B, p.embB)
	for li := range e.Layers {
		l, ls := &e.Layers[li], p.layers[li]
		w, b := p.at(ls.qkvW), p.at(ls.qkvB)
		for part, lin := range []*bert.Linear{&l.Q, &l.K, &l.V} {
			lin.W.Data = make([]float32, h*h)
			lin.B.Data = make([]float32, h)
			for r := 0; r < h; r++ {
				for c := 0; c < h; c++ {
					lin.W.Data[r*h+c] = float32(w[r*3*h+part*h+c])
				}
			}
			for c := 0; c < h; c++ {
				lin.B.Data[c] = float32(b[part*h+c])
			}
		}
		conv(&l.O.W, ls.oW)
		conv(&l.O.B, ls.oB)
		conv(&l.LN1.G, ls.ln1G)
		conv(&l.LN1.B, ls.ln1B)
		conv(&l.FC1.W, ls.fc1W)
		conv(&l.FC1.B, ls.fc1B)
		conv(&l.FC2.W, ls.fc2W)
		conv(&l.FC2.B, ls.fc2B)
		conv(&l.LN2.G, ls.ln2G)
		conv(&l.LN2.B, ls.ln2B)
	}
	conv(&e.Classifier.W, p.clsW, h, p.Arch.Labels)
	conv(&e.Classifier.B, p.clsB, p.Arch.Labels)
	e.Labels = p.Arch.Labels
}

// Grads returns a zeroed gradient buffer shaped like p.
func (p *Params[F]) Grads() []F { return make([]F, len(p.Data)) }
