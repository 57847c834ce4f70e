package quant

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/obscura-ai/obscura/internal/cpu"
)

// Options controls packing.
type Options struct {
	// Kernel forces a kernel by name (one of Kernels()); empty picks
	// KernelFor(cpu.Detect()). Meant for tests, benchmarks and --kernel.
	Kernel string
}

// Matrix is an int8 weight matrix (K×N, ONNX MatMul's B) with per-column
// scales, packed for one kernel. It is immutable and safe for concurrent use.
type Matrix struct {
	k, n   int
	kp     int // K padded to the kernel's alignment
	kern   *kernel
	b      []int8    // packed panels, zero-padded in K and N
	scales []float32 // per output column
	corr   []int32   // 128·colsum per column for shifted kernels, else nil
}

// PackWeights quantizes fp32 row-major K×N weights per output channel and
// packs them for the best kernel of this machine. It panics on a bad shape.
func PackWeights(w []float32, k, n int) *Matrix {
	m, err := PackWeightsWith(w, k, n, Options{})
	if err != nil {
		panic(err)
	}
	return m
}

// PackWeightsWith is PackWeights with options (a forced kernel).
func PackWeightsWith(w []float32, k, n int, opt Options) (*Matrix, error) {
	if k <= 0 || n <= 0 || k > MaxK || len(w) < k*n {
		return nil, fmt.Errorf("quant: bad weight shape %d×%d (len %d)", k, n, len(w))
	}
	q, s := QuantizeWeights(w, k, n)
	return PackQuantizedWith(q, s, k, n, opt)
}

// PackQuantized packs already-quantized int8 weights (row-major K×N, values
// in [−128, 127], zero point 0) with their per-column scales, e.g. from a
// quantized ONNX graph, for the best kernel of this machine. It panics on a
// bad shape.
func PackQuantized(q []int8, scales []float32, k, n int) *Matrix {
	m, err := PackQuantizedWith(q, scales, k, n, Options{})
	if err != nil {
		panic(err)
	}
	return m
}

// PackQuantizedWith is PackQuantized with options.
func PackQuantizedWith(q []int8, scales []float32, k, n int, opt Options) (*Matrix, error) {
	if k <= 0 || n <= 0 || k > MaxK || len(q) < k*n || len(scales) < n {
		return nil, fmt.Errorf("quant: bad quantized shape %d×%d (len %d, %d scales)", k, n, len(q), len(scales))
	}
	f := cpu.Detect()
	kern := choose(f)
	if opt.Kernel != "" {
		var err error
		if kern, err = kernelByName(opt.Kernel, f); err != nil {
			return nil, err
		}
	}
	return pack(kern, q, scales, k, n), nil
}

func pack(kern *kernel, q []int8, scales []float32, k, n int) *Matrix {
	kp := kern.kpFor(k)
	panels := (n + kern.nr - 1) / kern.nr
	m := &Matrix{k: k, n: n, kp: kp, kern: kern,
		b:      make([]int8, panels*kern.nr*kp),
		scales: append([]float32(nil), scales[:n]...),
	}
	for p := 0; p < k; p++ {
		for j := 0; j < n; j++ {
			m.b[kern.bIndex(p, j, kp)] = q[p*n+j]
		}
	}
	if kern.shiftA {
		m.corr = make([]int32, n)
		for p := 0; p < k; p++ {
			for j := 0; j < n; j++ {
				m.corr[j] += 128 * int32(q[p*n+j])
			}
		}
	}
	return m
}

// K is the inner dimension (rows of the weight matrix).
func (m *Matrix) K() int { return m.k }

// N is the output dimension (columns of the weight matrix).
func (m *Matrix) N() int { return m.n }

// Kernel names the kernel the matrix is packed for.
func (m *Matrix) Kernel() string { return m.kern.name }

// Scales returns a copy of the per-column weight scales.
func (m *Matrix) Scales() []float32 { return append([]float32(nil), m.scales...) }

// Int8 returns a copy of the quantized weights, row-major K×N.
func (m *Matrix) Int8() []int8 {
	q := make([]int8, m.k*m.n)
	for p := 0; p < m.k; p++ {
		for j := 0; j < m.n; j++ {
			q[p*m.n+j] = m.b[m.kern.bIndex(p, j, m.kp)]
		}
	}
	return q
}

// Act is the activation applied in the epilogue.
type Act int

const (
	ActNone Act = iota // dst = acc·scale + bias
	ActGELU            // dst = GELU(acc·scale + bias), the erf form
)

// MatMul computes dst[rows×N] = dequant(quant(x)·Wq) + bias for row-major
// x (rows×K): each row of x is quantized with its own scale, multiplied in
// int32 and dequantized with the row and column scales. bias (length N) may
// be nil. ws may be nil (a temporary one is made); reuse one to avoid
// allocation.
func (m *Matrix) MatMul(dst, x []float32, rows int, bias []float32, ws *Workspace) {
	m.MatMulAct(dst, x, rows, bias, ActNone, ws)
}

// MatMulAct is MatMul with an activation fused into the epilogue.
func (m *Matrix) MatMulAct(dst, x []float32, rows int, bias []float32, act Act, ws *Workspace) {
	if rows <= 0 {
		return
	}
	if len(x) < rows*m.k || len(dst) < rows*m.n || (bias != nil && len(bias) < m.n) {
		panic(fmt.Sprintf("quant: MatMul: short buffers for %d×%d·%d×%d", rows, m.k, m.k, m.n))
	}
	if ws == nil {
		ws = NewWorkspace()
	}
	kern := m.kern
	tiles := (rows + kern.mr - 1) / kern.mr
	ws.prepare(tiles*kern.mr, m.kp, m.k)
	ws.quantize(kern, x, rows, m.k, m.kp)

	blockTiles := max(1, rowBlock/kern.mr)
	j := &ws.job
	*j = job{m: m, dst: dst, bias: bias, act: act, rows: rows, tiles: tiles,
		blockTiles: blockTiles, blocks: (tiles + blockTiles - 1) / blockTiles,
		panels: (m.n + kern.nr - 1) / kern.nr}
	items := j.blocks * j.panels
	workers := min(runtime.GOMAXPROCS(0), items)
	ws.ensureWorkers(workers, blockTiles*kern.mr*kern.nr)
	ws.next.Store(0)
	if workers > 1 {
		ws.wg.Add(workers - 1)
		for w := 1; w < workers; w++ {
			go ws.work(w, true)
		}
	}
	ws.work(0, false)
	ws.wg.Wait()
	j.m, j.dst, j.bias = nil, nil, nil
}

// rowBlock is the number of activation rows one work item multiplies with
// one weight panel (rounded down to whole micro-tiles): large enough to
// amortise the panel, small enough to keep the rows in L2.
const rowBlock = 128

// Workspace holds MatMul's scratch: the packed activations, their scales and
// one int32 tile per worker. Use one Workspace per goroutine.
type Workspace struct {
	a     []byte
	q     []int8 // one quantized row
	sx    []float32
	tiles [][]int32
	job   job
	next  atomic.Int64
	wg    sync.WaitGroup
}

// NewWorkspace returns an empty workspace; it grows on first use.
func NewWorkspace() *Workspace { return &Workspace{} }

type job struct {
	m                          *Matrix
	dst, bias                  []float32
	act                        Act
	rows, tiles                int
	blockTiles, blocks, panels int
}

func (ws *Workspace) prepare(rowsPad, kp, k int) {
	if cap(ws.a) < rowsPad*kp {
		ws.a = make([]byte, rowsPad*kp)
	}
	ws.a = ws.a[:rowsPad*kp]
	if cap(ws.sx) < rowsPad {
		ws.sx = make([]float32, rowsPad)
	}
	ws.sx = ws.sx[:rowsPad]
	if cap(ws.q) < kp {
		ws.q = make([]int8, kp)
	}
	ws.q = ws.q[:kp]
}

func (ws *Workspace) ensureWorkers(n, tileLen int) {
	for len(ws.tiles) < n {
		ws.tiles = append(ws.tiles, nil)
	}
	for i := 0; i < n; i++ {
		if cap(ws.tiles[i]) < tileLen {
			ws.tiles[i] = make([]int32, tileLen)
		}
		ws.tiles[i] = ws.tiles[i][:tileLen]
	}
}

// quantize quantizes the rows of x into ws.a in kern's activation layout,
// zero-padding K and the last row-tile, and stores the row scales in ws.sx.
func (ws *Workspace) quantize(kern *kernel, x []float32, rows, k, kp int) {
	var zero byte
	if kern.shiftA {
		zero = 128
	}
	q := ws.q
	rowsPad := len(ws.sx)
	chunks := kp / kern.ca
	for r := 0; r < rowsPad; r++ {
		if r < rows {
			ws.sx[r] = quantizeRow(q[:k], x[r*k:(r+1)*k])
			clear(q[k:])
		} else {
			ws.sx[r] = 0
			clear(q)
		}
		t, i := r/kern.mr, r%kern.mr
		for c := 0; c < chunks; c++ {
			off := ((t*chunks+c)*kern.mr + i) * kern.ca
			dst := ws.a[off : off+kern.ca]
			src := q[c*kern.ca : (c+1)*kern.ca]
			for u, v := range src {
				dst[u] = byte(v) ^ (zero) // +128 mod 256 when shifted
			}
		}
	}
}

// work runs items until none are left: item → (row block, panel); the
// micro-kernel fills the worker's int32 tile, then the epilogue dequantizes
// it into dst.
func (ws *Workspace) work(w int, done bool) {
	if done {
		defer ws.wg.Done()
	}
	j := &ws.job
	m, kern := j.m, j.m.kern
	tile := ws.tiles[w]
	items := int64(j.blocks * j.panels)
	chunkA := kern.mr * m.kp // bytes per row-tile
	panelB := kern.nr * m.kp
	for {
		it := ws.next.Add(1) - 1
		if it >= items {
			return
		}
		blk, p := int(it)/j.panels, int(it)%j.panels
		t0 := blk * j.blockTiles
		nt := min(j.blockTiles, j.tiles-t0)
		c := tile[:nt*kern.mr*kern.nr]
		kern.micro(ws.a[t0*chunkA:(t0+nt)*chunkA], m.b[p*panelB:(p+1)*panelB], c, nt, m.kp)
		r0 := t0 * kern.mr
		r1 := min(r0+nt*kern.mr, j.rows)
		c0 := p * kern.nr
		c1 := min(c0+kern.nr, m.n)
		scales := m.scales[c0:c1]
		for r := r0; r < r1; r++ {
			sx := ws.sx[r]
			acc := c[(r-r0)*kern.nr : (r-r0)*kern.nr+(c1-c0)]
			out := j.dst[r*m.n+c0 : r*m.n+c1]
			for jj, a := range acc {
				if m.corr != nil {
					a -= m.corr[c0+jj]
				}
				v := float32(a) * (sx * scales[jj])
				if j.bias != nil {
					v += j.bias[c0+jj]
				}
				if j.act == ActGELU {
					v = gelu(v)
				}
				out[jj] = v
			}
		}
	}
}
