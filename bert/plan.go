package bert

import (
	"fmt"
	"math"
	"sync"

	"github.com/obscura-ai/obscura/tensor"
)

// workspace holds one Run's scratch buffers. Buffers grow to the largest
// batch seen and are reused: a warm Run allocates nothing but its result.
type workspace struct {
	x, tmp, qkv, ctx, ff, logits []float32
	addMask                      []float32     // [Size·SeqLen] additive key mask
	posIDs                       []int64       // [SeqLen]
	rowStart, rowLen             []int         // per batch row: first packed token, tokens kept
	heads                        []headScratch // one per worker
}

// headScratch is one attention worker's buffers: a head's Q, Kᵀ, V, the
// scores, and the head's context.
type headScratch struct {
	q, kt, v, s, c []float32
}

type workspacePool struct{ p sync.Pool }

func (wp *workspacePool) get() *workspace {
	if w, ok := wp.p.Get().(*workspace); ok {
		return w
	}
	return &workspace{}
}

func (wp *workspacePool) put(w *workspace) { wp.p.Put(w) }

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
		if b.Mask == nil {
			ws.addMask[k] = 0
		} else {
			ws.addMask[k] = float32(1-b.Mask[k]) * p.maskNeg
		}
	}
	if err := p.embed(ws, b); err != nil {
		return err
	}
	for li := range p.layers {
		p.layer(ws, &p.layers[li], T, S)
	}
	p.gemm(ws.logits, ws.x, &p.cls, T)
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
			for k := range dst {
				dst[k] = w[k] + ps[k]
			}
			if p.typ != nil {
				tid := 0
				if b.TypeIDs != nil {
					tid = int(b.TypeIDs[r*S+t])
				}
				if tid < 0 || (tid+1)*h > len(p.typ) {
					return fmt.Errorf("bert: token type %d outside the type table", tid)
				}
				ty := p.typ[tid*h : (tid+1)*h]
				for k := range dst {
					dst[k] += ty[k]
				}
			}
			layerNormRow(ws.x[(ws.rowStart[r]+t)*h:(ws.rowStart[r]+t+1)*h], dst, p.embLN.g, p.embLN.b, p.embLN.eps)
		}
	}
	return nil
}

// gemm computes c = a·W + bias for the m rows of a, splitting the rows
// across the plan's threads.
func (p *plan) gemm(c, a []float32, l *linear, m int) {
	k, n := l.k, l.n
	parallelRows(m, p.threads, func(r0, r1 int) {
		cs := c[r0*n : r1*n]
		tensor.MatMul(cs, a[r0*k:r1*k], l.w, r1-r0, k, n)
		for r := 0; r < r1-r0; r++ {
			row := cs[r*n : (r+1)*n]
			for j, bv := range l.b {
				row[j] += bv
			}
		}
	})
}

// minRowsPerWorker keeps tiny matmuls on one goroutine.
const minRowsPerWorker = 8

// parallelRows splits [0,m) into at most threads contiguous chunks and runs
// f on each, waiting for all.
func parallelRows(m, threads int, f func(r0, r1 int)) {
	workers := min(threads, max(m/minRowsPerWorker, 1))
	if workers <= 1 {
		f(0, m)
		return
	}
	var wg sync.WaitGroup
	chunk := (m + workers - 1) / workers
	for r0 := 0; r0 < m; r0 += chunk {
		r1 := min(r0+chunk, m)
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(r0, r1)
		}()
	}
	wg.Wait()
}

func (p *plan) layer(ws *workspace, l *layer, T, S int) {
	h := p.hidden
	p.gemm(ws.qkv, ws.x, &l.qkv, T)
	p.attention(ws, l, S)
	p.gemm(ws.tmp, ws.ctx, &l.o, T)
	for k := range ws.tmp[:T*h] {
		ws.tmp[k] += ws.x[k]
	}
	parallelRows(T, p.threads, func(r0, r1 int) {
		for t := r0; t < r1; t++ {
			layerNormRow(ws.x[t*h:(t+1)*h], ws.tmp[t*h:(t+1)*h], l.ln1.g, l.ln1.b, l.ln1.eps)
		}
	})
	p.gemm(ws.ff, ws.x, &l.fc1, T)
	ff := ws.ff[:T*p.inter]
	parallelRows(T, p.threads, func(r0, r1 int) {
		seg := ff[r0*p.inter : r1*p.inter]
		if l.gelu == geluTanhForm {
			for k, v := range seg {
				seg[k] = geluTanh(v)
			}
		} else {
			for k, v := range seg {
				seg[k] = geluErf(v)
			}
		}
	})
	p.gemm(ws.tmp, ws.ff, &l.fc2, T)
	for k := range ws.tmp[:T*h] {
		ws.tmp[k] += ws.x[k]
	}
	parallelRows(T, p.threads, func(r0, r1 int) {
		for t := r0; t < r1; t++ {
			layerNormRow(ws.x[t*h:(t+1)*h], ws.tmp[t*h:(t+1)*h], l.ln2.g, l.ln2.b, l.ln2.eps)
		}
	})
}

// attention computes every (row, head) pair's softmax(Q·Kᵀ·scale + mask)·V
// into ws.ctx, spreading the pairs over the plan's threads.
func (p *plan) attention(ws *workspace, l *layer, S int) {
	rows := len(ws.rowLen)
	jobs := rows * p.heads
	workers := min(p.threads, jobs)
	for len(ws.heads) < workers {
		ws.heads = append(ws.heads, headScratch{})
	}
	maxLen := 0
	for _, n := range ws.rowLen {
		maxLen = max(maxLen, n)
	}
	d := p.headDim
	for w := 0; w < workers; w++ {
		hs := &ws.heads[w]
		hs.q = grow(hs.q, maxLen*d)
		hs.kt = grow(hs.kt, d*maxLen)
		hs.v = grow(hs.v, maxLen*d)
		hs.s = grow(hs.s, maxLen*maxLen)
		hs.c = grow(hs.c, maxLen*d)
	}
	var next int
	var mu sync.Mutex
	take := func() int {
		mu.Lock()
		defer mu.Unlock()
		j := next
		next++
		return j
	}
	work := func(hs *headScratch) {
		for j := take(); j < jobs; j = take() {
			p.head(ws, l, hs, j/p.heads, j%p.heads, S)
		}
	}
	if workers <= 1 {
		work(&ws.heads[0])
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(hs *headScratch) {
			defer wg.Done()
			work(hs)
		}(&ws.heads[w])
	}
	wg.Wait()
}

func (p *plan) head(ws *workspace, l *layer, hs *headScratch, r, hd, S int) {
	n := ws.rowLen[r]
	if n == 0 {
		return
	}
	h, d := p.hidden, p.headDim
	base := ws.rowStart[r]
	q, kt, v, s, c := hs.q[:n*d], hs.kt[:d*n], hs.v[:n*d], hs.s[:n*n], hs.c[:n*d]
	for t := 0; t < n; t++ {
		row := ws.qkv[(base+t)*3*h:]
		copy(q[t*d:(t+1)*d], row[hd*d:(hd+1)*d])
		copy(v[t*d:(t+1)*d], row[2*h+hd*d:2*h+(hd+1)*d])
		kr := row[h+hd*d : h+(hd+1)*d]
		for j, x := range kr {
			kt[j*n+t] = x
		}
	}
	tensor.MatMul(s, q, kt, n, d, n)
	mask := ws.addMask[r*S : r*S+n]
	for t := 0; t < n; t++ {
		sr := s[t*n : (t+1)*n]
		for j := range sr {
			sr[j] = sr[j]*l.scale + mask[j]
		}
		softmaxRow(sr, sr)
	}
	tensor.MatMul(c, s, v, n, n, d)
	for t := 0; t < n; t++ {
		copy(ws.ctx[(base+t)*h+hd*d:(base+t)*h+(hd+1)*d], c[t*d:(t+1)*d])
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
	if p.threads == 0 {
		p.threads = 1
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
