package bert

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/obscura-ai/obscura/quant"
	"github.com/obscura-ai/obscura/tensor"
)

// workspace holds one Run's scratch buffers. Buffers grow to the largest
// batch seen and are reused: a warm Run allocates nothing but its result.
type workspace struct {
	x, tmp, qkv, ctx, ff, logits []float32
	addMask                      []float32        // [Size·SeqLen] additive key mask
	posIDs                       []int64          // [SeqLen]
	rowStart, rowLen             []int            // per batch row: first packed token, tokens kept
	qws                          *quant.Workspace // INT8 matmul scratch, made on first use
}

// workspacePool is a free list of workspaces. Unlike a sync.Pool it is not
// emptied by garbage collection, so a long-lived model keeps its (large,
// at 512 tokens several MB) buffers between calls; it holds at most
// maxIdleWorkspaces, enough for the concurrent callers a server has.
type workspacePool struct {
	mu   sync.Mutex
	free []*workspace
}

// maxIdleWorkspaces bounds the idle workspaces a plan keeps.
var maxIdleWorkspaces = 2 * runtime.GOMAXPROCS(0)

func (wp *workspacePool) get() *workspace {
	wp.mu.Lock()
	defer wp.mu.Unlock()
	if n := len(wp.free); n > 0 {
		w := wp.free[n-1]
		wp.free = wp.free[:n-1]
		return w
	}
	return &workspace{}
}

func (wp *workspacePool) put(w *workspace) {
	wp.mu.Lock()
	defer wp.mu.Unlock()
	if len(wp.free) < maxIdleWorkspaces {
		wp.free = append(wp.free, w)
	}
}

func grow(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

// run computes logits for b into out ([Size][SeqLen][labels], zeroed here
// for positions it skips).
func (p *plan) run(b Batch, out []float32) error {
	ws := p.pool.get()
	defer p.pool.put(ws)
	S := b.SeqLen
	h := p.hidden
	// Keep each row up to its last attended token: trailing padding cannot
	// influence the attended positions (it is masked as a key, and BERT's
	// positions do not depend on it), so it is not computed.
	if cap(ws.rowStart) < b.Size {
		ws.rowStart, ws.rowLen = make([]int, b.Size), make([]int, b.Size)
	}
	ws.rowStart, ws.rowLen = ws.rowStart[:b.Size], ws.rowLen[:b.Size]
	T := 0
	for r := 0; r < b.Size; r++ {
		n := S
		if b.Mask != nil {
			for n > 0 && b.Mask[r*S+n-1] == 0 {
				n--
			}
		}
		ws.rowStart[r], ws.rowLen[r] = T, n
		T += n
	}
	clear(out)
	if T == 0 {
		return nil
	}
	ws.x = grow(ws.x, T*h)
	ws.tmp = grow(ws.tmp, T*h)
	ws.ctx = grow(ws.ctx, T*h)
	ws.qkv = grow(ws.qkv, T*3*h)
	ws.ff = grow(ws.ff, T*p.inter)
	ws.logits = grow(ws.logits, T*p.labels)
	ws.addMask = grow(ws.addMask, b.Size*S)
	if cap(ws.posIDs) < S {
		ws.posIDs = make([]int64, S)
	}
	ws.posIDs = ws.posIDs[:S]
	for k := range ws.addMask {
		switch {
		case b.Mask == nil || b.Mask[k] == 1:
			ws.addMask[k] = 0 // also when maskNeg is -Inf, where (1-1)·maskNeg is NaN
		default:
			ws.addMask[k] = float32(1-b.Mask[k]) * p.maskNeg
		}
	}
	if err := p.embed(ws, b); err != nil {
		return err
	}
	for li := range p.layers {
		p.layer(ws, &p.layers[li], T, S)
	}
	p.gemm(ws, ws.logits, ws.x, &p.cls, T)
	for r := 0; r < b.Size; r++ {
		n := ws.rowLen[r]
		copy(out[r*S*p.labels:(r*S+n)*p.labels], ws.logits[ws.rowStart[r]*p.labels:(ws.rowStart[r]+n)*p.labels])
	}
	return nil
}

func (p *plan) embed(ws *workspace, b Batch) error {
	h, S := p.hidden, b.SeqLen
	for r := 0; r < b.Size; r++ {
		ids := b.IDs[r*S : (r+1)*S]
		p.positionIDs(ws.posIDs, ids)
		for t := 0; t < ws.rowLen[r]; t++ {
			dst := ws.tmp[(ws.rowStart[r]+t)*h : (ws.rowStart[r]+t+1)*h]
			pid := ws.posIDs[t]
			if pid < 0 || int(pid) >= p.posRows {
				return fmt.Errorf("bert: position %d outside the position table", pid)
			}
			w := p.word[int(ids[t])*h : (int(ids[t])+1)*h]
			ps := p.pos[int(pid)*h : (int(pid)+1)*h]
			tensor.Add(dst, w, ps)
			if p.typ != nil {
				tid := 0
				if b.TypeIDs != nil {
					tid = int(b.TypeIDs[r*S+t])
				}
				if tid < 0 || (tid+1)*h > len(p.typ) {
					return fmt.Errorf("bert: token type %d outside the type table", tid)
				}
				tensor.Add(dst, dst, p.typ[tid*h:(tid+1)*h])
			}
		}
	}
	T := len(ws.x) / h
	tensor.LayerNorm(ws.x, ws.tmp[:T*h], T, h, p.embLN.g, p.embLN.b, p.embLN.eps)
	return nil
}

// gemm computes c = a·W + bias for the m rows of a with the prepacked
// weight; package tensor spreads the work over its worker pool.
func (p *plan) gemm(ws *workspace, c, a []float32, l *linear, m int) {
	if l.q != nil {
		l.q.MatMul(c[:m*l.n], a[:m*l.k], m, l.b, ws.quantWorkspace())
		return
	}
	if l.pb == nil { // before prepack: the load-time verification run
		tensor.MatMulBias(c[:m*l.n], a[:m*l.k], l.w, l.b, m, l.k, l.n)
		return
	}
	tensor.MatMulPacked(c[:m*l.n], a[:m*l.k], m, l.pb, l.b)
}

// quantWorkspace returns the workspace's INT8 matmul scratch, made on
// first use.
func (ws *workspace) quantWorkspace() *quant.Workspace {
	if ws.qws == nil {
		ws.qws = quant.NewWorkspace()
	}
	return ws.qws
}

func (p *plan) layer(ws *workspace, l *layer, T, S int) {
	p.gemm(ws, ws.qkv, ws.x, &l.qkv, T)
	p.attention(ws, l, S)
	p.residualNorm(ws, ws.ctx, &l.o, &l.ln1, T)
	ff := ws.ff[:T*p.inter]
	if l.fc1.q != nil && l.gelu == geluErfForm {
		// The INT8 GEMM runs the activation in the same pool job as
		// the multiply, with the bits of the separate pass below.
		l.fc1.q.MatMulAct(ff, ws.x[:T*l.fc1.k], T, l.fc1.b, quant.ActGELU, ws.quantWorkspace())
	} else {
		p.gemm(ws, ws.ff, ws.x, &l.fc1, T)
		if l.gelu == geluTanhForm {
			tensor.GELUTanh(ff, ff)
		} else {
			tensor.GELU(ff, ff)
		}
	}
	p.residualNorm(ws, ws.ff, &l.fc2, &l.ln2, T)
}

// residualNorm sets x = LayerNorm(x + a·W + b) for the T rows of ws.x. With
// packed weights the residual is added in the GEMM's epilogue
// (tensor.MatMulPackedAdd, quant's MatMulAdd) and the norm runs in place;
// before prepacking the product goes to ws.tmp and AddLayerNorm adds it.
func (p *plan) residualNorm(ws *workspace, a []float32, l *linear, ln *lnorm, T int) {
	h := p.hidden
	x := ws.x[:T*h]
	switch {
	case l.q != nil:
		l.q.MatMulAdd(x, a[:T*l.k], T, l.b, ws.quantWorkspace())
		tensor.LayerNorm(x, x, T, h, ln.g, ln.b, ln.eps)
		return
	case l.pb != nil:
		tensor.MatMulPackedAdd(x, a[:T*l.k], T, l.pb, l.b)
		tensor.LayerNorm(x, x, T, h, ln.g, ln.b, ln.eps)
		return
	}
	p.gemm(ws, ws.tmp, a, l, T)
	tensor.AddLayerNorm(x, ws.tmp[:T*h], x, T, h, ln.g, ln.b, ln.eps)
}

// attention computes every row's multi-head softmax(Q·Kᵀ·scale + mask)·V
// into ws.ctx, reading Q, K and V in place from ws.qkv (row stride 3H);
// tensor.Attention spreads each row's heads over the worker pool and keeps
// each block of scores in cache between the two products.
func (p *plan) attention(ws *workspace, l *layer, S int) {
	h, d := p.hidden, p.headDim
	for r, n := range ws.rowLen {
		if n == 0 {
			continue
		}
		base := ws.rowStart[r]
		qkv := ws.qkv[base*3*h : (base+n)*3*h]
		attn := tensor.Attention
		if p.bf16 {
			attn = tensor.AttentionBF16
		}
		attn(ws.ctx[base*h:(base+n)*h], h, qkv, qkv[h:], qkv[2*h:], 3*h, n, p.heads, d, l.scale, ws.addMask[r*S:r*S+n])
	}
}

// verifyTol bounds the fused plan's disagreement with the graph executor on
// the load-time probe batch; a larger gap means the structure was misread.
const verifyTol = 1e-3

// verify runs the plan and the graph executor on a probe batch and rejects
// the plan if their logits at attended positions disagree.
func (p *plan) verify(g *graph) error {
	m := matcher{g: g}
	feeds := m.probeFeeds(max(p.padID, 0))
	ids, mask := feeds[inIDs], feeds[inMask]
	for k := range ids.i {
		ids.i[k] = int64((k*131 + 7) % (len(p.word) / p.hidden))
		if p.posMode == posPadding && ids.i[k] == p.padID {
			ids.i[k]++
		}
		if mask.i[k] == 0 && p.posMode == posPadding {
			ids.i[k] = p.padID
		}
	}
	res, err := g.run(feeds)
	if err != nil {
		return fmt.Errorf("bert: fused plan: probe run of the graph: %w", err)
	}
	want := res[g.outputs[0]]
	rows, cols := ids.shape[0], ids.shape[1]
	b := Batch{IDs: ids.i, Mask: mask.i, Size: rows, SeqLen: cols}
	if p.typ != nil {
		b.TypeIDs = make([]int64, rows*cols)
	}
	got := make([]float32, rows*cols*p.labels)
	if err := p.run(b, got); err != nil {
		return fmt.Errorf("bert: fused plan: probe run: %w", err)
	}
	if len(want.f) != len(got) {
		return fmt.Errorf("bert: fused plan: graph output has %d values, plan %d", len(want.f), len(got))
	}
	for k := range got {
		if mask.i[k/p.labels] == 0 {
			continue
		}
		if d := math.Abs(float64(got[k] - want.f[k])); !(d <= verifyTol) {
			return fmt.Errorf("bert: fused plan: disagrees with the graph executor by %.3g on a probe batch; structure not recognised", d)
		}
	}
	return nil
}
