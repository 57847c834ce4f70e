package train

import (
	"fmt"
	"math"

	"github.com/obscura-ai/obscura/tensor"
)

// IgnoreLabel marks a token the loss skips (a non-first subword, a special
// token), as torch's cross-entropy ignore_index -100 does.
const IgnoreLabel = -100

// Batch is a mini-batch of sequences packed end to end: no padding is
// stored or computed. Sequence s is tokens [Starts[s], Starts[s]+Lens[s]);
// attention runs within each sequence only, which is what an attention
// mask over right padding computes for the real tokens.
type Batch struct {
	IDs    []int32 // [T] token ids
	Types  []int32 // [T] token type ids; nil means all 0
	Labels []int32 // [T] label ids or IgnoreLabel; nil for inference
	Starts []int
	Lens   []int
}

// Tokens is the number of tokens in the batch.
func (b *Batch) Tokens() int { return len(b.IDs) }

func (b *Batch) check(a Arch) error {
	t := len(b.IDs)
	if len(b.Starts) != len(b.Lens) {
		return fmt.Errorf("train: batch has %d starts and %d lengths", len(b.Starts), len(b.Lens))
	}
	next := 0
	for s, n := range b.Lens {
		if n <= 0 {
			return fmt.Errorf("train: batch sequence %d has length %d", s, n)
		}
		if b.Starts[s] != next {
			return fmt.Errorf("train: batch sequence %d does not follow the previous one", s)
		}
		next += n
		if n > a.MaxPositions() {
			return fmt.Errorf("train: batch sequence %d has %d tokens, more than the model's positions", s, n)
		}
	}
	if next != t {
		return fmt.Errorf("train: batch sequences cover %d of %d tokens", next, t)
	}
	for _, id := range b.IDs {
		if id < 0 || int(id) >= a.Vocab {
			return fmt.Errorf("train: token id %d outside the vocabulary of %d", id, a.Vocab)
		}
	}
	if b.Types != nil {
		if len(b.Types) != t {
			return fmt.Errorf("train: %d token types for %d tokens", len(b.Types), t)
		}
		for _, ty := range b.Types {
			if ty < 0 || int(ty) >= max(a.TypeRows, 1) {
				return fmt.Errorf("train: token type %d outside the model's %d types", ty, a.TypeRows)
			}
		}
	}
	if b.Labels != nil {
		if len(b.Labels) != t {
			return fmt.Errorf("train: %d labels for %d tokens", len(b.Labels), t)
		}
		for _, l := range b.Labels {
			if l != IgnoreLabel && (l < 0 || int(l) >= a.Labels) {
				return fmt.Errorf("train: label id %d outside the model's %d labels", l, a.Labels)
			}
		}
	}
	return nil
}

// Dropout are the dropout rates of a training step (0 turns a site off).
type Dropout struct {
	Hidden    float64 // after the embeddings, the attention output, the feed-forward output, before the head
	Attention float64 // on the attention probabilities
}

// layerCache holds one layer's activations for the backward pass.
type layerCache[F Float] struct {
	x                []F // layer input [T×H]
	qkv              []F // [T×3H]
	probs, probsKeep []F // softmax output per (sequence, head), and its dropout scale (nil: none)
	ctx              []F // [T×H]
	aKeep            []F // dropout scale on the attention output
	xhat1, rstd1, y1 []F
	f1, g            []F // fc1 output before and after GELU [T×I]
	fKeep            []F
	xhat2, rstd2     []F
}

// cache is the forward pass's record of one batch.
type cache[F Float] struct {
	t          int
	pairOff    []int // per (sequence, head): offset of its n×n block in probs
	pairs      int
	embXhat    []F
	embRstd    []F
	embKeep    []F
	layers     []layerCache[F]
	out        []F // last layer output [T×H]
	headKeep   []F
	headIn     []F // dropout(out), the classifier input
	logits     []F // [T×L]
	posIDs     []int
	heads, dim int
}

// Net runs the forward and backward passes of one Params. It keeps its
// scratch buffers between calls; one Net is not safe for concurrent use.
type Net[F Float] struct {
	P *Params[F]
	// FreezeBelow skips the backward pass below this encoder layer (and
	// the embeddings): their gradients stay zero. 0 computes them all.
	FreezeBelow int
	c           cache[F]
	// scratch for the backward pass
	d1, d2, d3, dI, dI2  []F
	dqkv, dprobs, tprobs []F
}

// NewNet wraps parameters for forward and backward passes.
func NewNet[F Float](p *Params[F]) *Net[F] { return &Net[F]{P: p} }

func growF[F Float](b []F, n int) []F {
	if cap(b) < n {
		return make([]F, n)
	}
	return b[:n]
}

// dropKey derives a dropout stream key for one site of one step.
func dropKey(key uint64, layer, site int) uint64 {
	return mix64(key ^ mix64(uint64(layer)<<8|uint64(site)+0x9e37))
}

// Forward computes the logits of b ([T×Labels], valid until the next
// call) with the given dropout, drawing its masks from key (the same key
// gives the same masks).
func (n *Net[F]) Forward(b *Batch, drop Dropout, key uint64) ([]F, error) {
	a := n.P.Arch
	if err := b.check(a); err != nil {
		return nil, err
	}
	p, c := n.P, &n.c
	T, H, I := b.Tokens(), a.Hidden, a.Inter
	c.t, c.heads, c.dim = T, a.Heads, H/a.Heads
	// Pair offsets for the attention probabilities.
	c.pairs = len(b.Lens) * a.Heads
	c.pairOff = growInt(c.pairOff, c.pairs+1)
	off := 0
	for s, ln := range b.Lens {
		for hd := 0; hd < a.Heads; hd++ {
			c.pairOff[s*a.Heads+hd] = off
			off += ln * ln
		}
	}
	c.pairOff[c.pairs] = off
	if len(c.layers) != a.Layers {
		c.layers = make([]layerCache[F], a.Layers)
	}
	// Embeddings.
	c.posIDs = growInt(c.posIDs, T)
	for s, ln := range b.Lens {
		st := b.Starts[s]
		cnt := int64(0)
		for k := 0; k < ln; k++ {
			if a.PaddingPositions {
				if int64(b.IDs[st+k]) != a.PadID {
					cnt++
					c.posIDs[st+k] = int(cnt + a.PosOffset)
				} else {
					c.posIDs[st+k] = int(a.PosOffset)
				}
			} else {
				c.posIDs[st+k] = int(a.PosOffset) + k
			}
		}
	}
	emb := growF(n.d1, T*H)
	n.d1 = emb
	word, pos := p.at(p.word), p.at(p.pos)
	var typ []F
	if a.TypeRows > 0 {
		typ = p.at(p.typ)
	}
	parallel(T, func(lo, hi int) {
		for t := lo; t < hi; t++ {
			e := emb[t*H : (t+1)*H]
			w := word[int(b.IDs[t])*H:]
			ps := pos[c.posIDs[t]*H:]
			for j := range e {
				e[j] = w[j] + ps[j]
			}
			if typ != nil {
				ty := 0
				if b.Types != nil {
					ty = int(b.Types[t])
				}
				tr := typ[ty*H:]
				for j := range e {
					e[j] += tr[j]
				}
			}
		}
	})
	l0 := &c.layers[0]
	l0.x = growF(l0.x, T*H)
	c.embXhat, c.embRstd = growF(c.embXhat, T*H), growF(c.embRstd, T)
	lnFwd(l0.x, c.embXhat, c.embRstd, emb, p.at(p.embG), p.at(p.embB), T, H, a.Eps[0])
	c.embKeep = dropout(c.embKeep, l0.x, T, H, drop.Hidden, dropKey(key, 0, 0))
	x := l0.x
	for li := 0; li < a.Layers; li++ {
		lc, ls := &c.layers[li], p.layers[li]
		if li > 0 {
			lc.x = growF(lc.x, T*H)
			copy(lc.x, x)
		}
		lc.qkv = growF(lc.qkv, T*3*H)
		linearFwd(lc.qkv, lc.x, p.at(ls.qkvW), p.at(ls.qkvB), T, H, 3*H)
		lc.probs = growF(lc.probs, off)
		lc.ctx = growF(lc.ctx, T*H)
		if drop.Attention > 0 {
			lc.probsKeep = growF(lc.probsKeep, off)
		} else {
			lc.probsKeep = nil
		}
		n.attnFwd(lc, b, a.Scale[li], drop.Attention, dropKey(key, li+1, 1))
		ao := growF(n.d2, T*H)
		n.d2 = ao
		linearFwd(ao, lc.ctx, p.at(ls.oW), p.at(ls.oB), T, H, H)
		lc.aKeep = dropout(lc.aKeep, ao, T, H, drop.Hidden, dropKey(key, li+1, 2))
		addTo(ao, lc.x)
		lc.xhat1, lc.rstd1, lc.y1 = growF(lc.xhat1, T*H), growF(lc.rstd1, T), growF(lc.y1, T*H)
		lnFwd(lc.y1, lc.xhat1, lc.rstd1, ao, p.at(ls.ln1G), p.at(ls.ln1B), T, H, a.Eps[1+2*li])
		lc.f1, lc.g = growF(lc.f1, T*I), growF(lc.g, T*I)
		linearFwd(lc.f1, lc.y1, p.at(ls.fc1W), p.at(ls.fc1B), T, H, I)
		geluFwd(lc.g, lc.f1, a.GELUTanh[li])
		f2 := growF(n.d3, T*H)
		n.d3 = f2
		linearFwd(f2, lc.g, p.at(ls.fc2W), p.at(ls.fc2B), T, I, H)
		lc.fKeep = dropout(lc.fKeep, f2, T, H, drop.Hidden, dropKey(key, li+1, 3))
		addTo(f2, lc.y1)
		lc.xhat2, lc.rstd2 = growF(lc.xhat2, T*H), growF(lc.rstd2, T)
		c.out = growF(c.out, T*H)
		lnFwd(c.out, lc.xhat2, lc.rstd2, f2, p.at(ls.ln2G), p.at(ls.ln2B), T, H, a.Eps[2+2*li])
		x = c.out
	}
	c.headIn = growF(c.headIn, T*H)
	copy(c.headIn, c.out)
	c.headKeep = dropout(c.headKeep, c.headIn, T, H, drop.Hidden, dropKey(key, a.Layers+1, 4))
	c.logits = growF(c.logits, T*a.Labels)
	linearFwd(c.logits, c.headIn, p.at(p.clsW), p.at(p.clsB), T, H, a.Labels)
	return c.logits, nil
}

func growInt(b []int, n int) []int {
	if cap(b) < n {
		return make([]int, n)
	}
	return b[:n]
}

func addTo[F Float](dst, src []F) {
	parallel(len(dst), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			dst[i] += src[i]
		}
	})
}

// attnFwd runs self-attention for every (sequence, head) pair: P =
// softmax(scale·Q Kᵀ) per row, P' = P with dropout, ctx = P' V.
func (n *Net[F]) attnFwd(lc *layerCache[F], b *Batch, scale, pDrop float64, key uint64) {
	c := &n.c
	H, heads, d := c.dim*c.heads, c.heads, c.dim
	ld := 3 * H
	parallel(c.pairs, func(lo, hi int) {
		var pd []F // the dropped probabilities, scratch of this chunk
		for pr := lo; pr < hi; pr++ {
			s, hd := pr/heads, pr%heads
			st, ln := b.Starts[s], b.Lens[s]
			P := lc.probs[c.pairOff[pr] : c.pairOff[pr]+ln*ln]
			q := lc.qkv[st*ld+hd*d:]
			k := lc.qkv[st*ld+H+hd*d:]
			v := lc.qkv[st*ld+2*H+hd*d:]
			gemm(P, ln, q, ld, k, ld, ln, d, ln, true, false)
			softmaxRows(P, ln, ln, scale)
			src := P
			if lc.probsKeep != nil {
				keep := lc.probsKeep[c.pairOff[pr] : c.pairOff[pr]+ln*ln]
				dropMask(keep, ln, ln, pDrop, mix64(key^uint64(pr)))
				pd = growF(pd, ln*ln)
				for i := range keep {
					pd[i] = keep[i] * P[i]
				}
				src = pd
			}
			gemm(lc.ctx[st*H+hd*d:], H, src, ln, v, ld, ln, ln, d, false, false)
		}
	})
}

// softmaxRows replaces each row of m [rows×cols] with softmax(scale·row):
// tensor's kernel in float32 (what inference runs), float64 accumulation
// otherwise.
func softmaxRows[F Float](m []F, rows, cols int, scale float64) {
	if m32, ok := any(m).([]float32); ok {
		tensor.SoftmaxMasked(m32, rows, cols, float32(scale), nil)
		return
	}
	for r := 0; r < rows; r++ {
		softmaxRow(m[r*cols:(r+1)*cols], scale)
	}
}

// softmaxRow replaces row with softmax(scale·row), accumulating in float64.
func softmaxRow[F Float](row []F, scale float64) {
	m := math.Inf(-1)
	for _, v := range row {
		m = math.Max(m, float64(v)*scale)
	}
	var sum float64
	for i, v := range row {
		e := math.Exp(float64(v)*scale - m)
		row[i] = F(e)
		sum += e
	}
	inv := 1 / sum
	for i := range row {
		row[i] = F(float64(row[i]) * inv)
	}
}

// dropout applies inverted dropout to x [rows×cols] in place and returns
// the scale it applied per element (0 or 1/(1-p)), or nil when p is 0.
func dropout[F Float](keep, x []F, rows, cols int, p float64, key uint64) []F {
	if p <= 0 {
		return nil
	}
	keep = growF(keep, rows*cols)
	dropMask(keep, rows, cols, p, key)
	parallel(len(x), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			x[i] *= keep[i]
		}
	})
	return keep
}

// dropMask fills keep [rows×cols] with 0 (probability p) or 1/(1-p), from
// a counter-based generator keyed by (key, row): the same key gives the
// same mask whatever the scheduling.
func dropMask[F Float](keep []F, rows, cols int, p float64, key uint64) {
	thr := uint64(p * 65536)
	scale := F(1 / (1 - p))
	for r := 0; r < rows; r++ {
		st := mix64(key ^ (uint64(r)+1)*0x9e3779b97f4a7c15)
		row := keep[r*cols : (r+1)*cols]
		var bits uint64
		for j := range row {
			if j%4 == 0 {
				st += 0x9e3779b97f4a7c15
				bits = mix64(st)
			}
			if bits&0xffff < thr {
				row[j] = 0
			} else {
				row[j] = scale
			}
			bits >>= 16
		}
	}
}

// mix64 is the splitmix64 finaliser.
func mix64(z uint64) uint64 {
	z ^= z >> 30
	z *= 0xbf58476d1ce4e5b9
	z ^= z >> 27
	z *= 0x94d049bb133111eb
	return z ^ z>>31
}

// Loss returns the mean cross-entropy of logits [T×L] over the tokens whose
// label is not IgnoreLabel, and writes its gradient into dlogits (nil:
// skipped). count is the number of labelled tokens (0 gives loss 0).
func Loss[F Float](dlogits, logits []F, labels []int32, L int) (loss float64, count int) {
	for _, l := range labels {
		if l != IgnoreLabel {
			count++
		}
	}
	if dlogits != nil {
		clear(dlogits)
	}
	if count == 0 {
		return 0, 0
	}
	inv := 1 / float64(count)
	for t, l := range labels {
		if l == IgnoreLabel {
			continue
		}
		row := logits[t*L : (t+1)*L]
		m := math.Inf(-1)
		for _, v := range row {
			m = math.Max(m, float64(v))
		}
		var sum float64
		for _, v := range row {
			sum += math.Exp(float64(v) - m)
		}
		lse := m + math.Log(sum)
		loss += lse - float64(row[l])
		if dlogits != nil {
			dr := dlogits[t*L : (t+1)*L]
			for j, v := range row {
				dr[j] = F(math.Exp(float64(v)-lse) * inv)
			}
			dr[l] -= F(inv)
		}
	}
	return loss * inv, count
}
