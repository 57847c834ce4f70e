package train

import (
	"math"
	"sort"
)

// AdamW holds the optimizer state: torch.optim.AdamW's update, with
// decoupled weight decay applied only to the spans that take it (matrices
// and embeddings; biases and LayerNorm parameters are not decayed).
type AdamW struct {
	Beta1, Beta2, Eps, WeightDecay float64
	Step                           int       // updates done
	M, V                           []float32 // first and second moments, laid out like the parameters
	segs                           []segment
}

// segment is a run of the parameter buffer with one decay setting;
// frozen runs are not updated at all.
type segment struct {
	off, n int
	decay  bool
	frozen bool
}

// NewAdamW makes the optimizer state for p with torch's defaults for β and
// ε and the given weight decay.
func NewAdamW[F Float](p *Params[F], weightDecay float64) *AdamW {
	o := &AdamW{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: weightDecay,
		M: make([]float32, len(p.Data)), V: make([]float32, len(p.Data))}
	dec := append([]span(nil), p.decay...)
	sort.Slice(dec, func(i, j int) bool { return dec[i].off < dec[j].off })
	at := 0
	for _, s := range dec {
		if s.off < at { // a tied span listed twice
			continue
		}
		if s.off > at {
			o.segs = append(o.segs, segment{off: at, n: s.off - at})
		}
		o.segs = append(o.segs, segment{off: s.off, n: s.n, decay: true})
		at = s.off + s.n
	}
	if at < len(p.Data) {
		o.segs = append(o.segs, segment{off: at, n: len(p.Data) - at})
	}
	return o
}

// FreezeBelow stops updates of the embeddings and of the encoder layers
// below layer (0 freezes nothing; p.Arch.Layers leaves only the head), so
// that only the top layers and the head train (what DP-SGD recommends).
// The same layer must be given to Net.FreezeBelow, which then skips the
// frozen part of the backward pass.
func (o *AdamW) FreezeBelow(p *Params[float32], layer int) {
	if layer <= 0 {
		return
	}
	end := p.clsW.off // the head always trains
	if layer < len(p.layers) {
		end = p.layers[layer].qkvW.off
	}
	var segs []segment
	for _, sg := range o.segs {
		switch {
		case sg.off+sg.n <= end:
			sg.frozen = true
			segs = append(segs, sg)
		case sg.off < end:
			segs = append(segs, segment{sg.off, end - sg.off, sg.decay, true}, segment{end, sg.off + sg.n - end, sg.decay, false})
		default:
			segs = append(segs, sg)
		}
	}
	o.segs = segs
}

// Update applies one AdamW step with learning rate lr to w given the
// gradient g.
func (o *AdamW) Update(w, g []float32, lr float64) {
	o.Step++
	b1, b2 := o.Beta1, o.Beta2
	bc1 := 1 - math.Pow(b1, float64(o.Step))
	bc2 := 1 - math.Pow(b2, float64(o.Step))
	step := lr / bc1
	sq2 := math.Sqrt(bc2)
	const blk = 1 << 14
	for _, sg := range o.segs {
		if sg.frozen {
			continue
		}
		decay := float32(1)
		if sg.decay {
			decay = float32(1 - lr*o.WeightDecay)
		}
		parallel((sg.n+blk-1)/blk, func(lo, hi int) {
			for i := sg.off + lo*blk; i < sg.off+min(hi*blk, sg.n); i++ {
				gi := g[i]
				m := float32(b1)*o.M[i] + float32(1-b1)*gi
				v := float32(b2)*o.V[i] + float32(1-b2)*gi*gi
				o.M[i], o.V[i] = m, v
				den := float32(math.Sqrt(float64(v)))/float32(sq2) + float32(o.Eps)
				w[i] = w[i]*decay - float32(step)*m/den
			}
		})
	}
}

// Schedule is a linear warm-up from 0 to Peak over Warmup steps, then a
// linear decay to 0 at Total (Hugging Face's linear schedule).
type Schedule struct {
	Peak          float64
	Warmup, Total int
}

// LR is the learning rate of the update after step updates.
func (s Schedule) LR(step int) float64 {
	if step < s.Warmup {
		return s.Peak * float64(step) / float64(max(1, s.Warmup))
	}
	return s.Peak * math.Max(0, float64(s.Total-step)/float64(max(1, s.Total-s.Warmup)))
}

// ClipNorm scales g so that its L2 norm is at most maxNorm (torch's
// clip_grad_norm_: by maxNorm/(norm+1e-6) when that is below 1) and returns
// the norm before clipping. maxNorm ≤ 0 only measures. The sum runs over
// fixed blocks in order, so the result does not depend on scheduling.
func ClipNorm(g []float32, maxNorm float64) float64 {
	const blk = 1 << 14
	nb := (len(g) + blk - 1) / blk
	part := make([]float64, nb)
	parallel(nb, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			var s float64
			for _, v := range g[b*blk : min((b+1)*blk, len(g))] {
				s += float64(v) * float64(v)
			}
			part[b] = s
		}
	})
	var sum float64
	for _, s := range part {
		sum += s
	}
	norm := math.Sqrt(sum)
	if maxNorm > 0 {
		if c := maxNorm / (norm + 1e-6); c < 1 {
			cf := float32(c)
			parallel(nb, func(lo, hi int) {
				for i := lo * blk; i < min(hi*blk, len(g)); i++ {
					g[i] *= cf
				}
			})
		}
	}
	return norm
}
