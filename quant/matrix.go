package quant

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"sync/atomic"
	"unsafe"

	"github.com/obscura-ai/obscura/internal/cpu"
	"github.com/obscura-ai/obscura/tensor"
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
	corr   []int32   // 128·colsum per column for shifted kernels, else zeros
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
	flip := kern.weightFlip()
	for p := 0; p < k; p++ {
		for j := 0; j < n; j++ {
			m.b[kern.bIndex(p, j, kp)] = q[p*n+j] ^ flip
		}
	}
	m.corr = make([]int32, n)
	if kern.shiftA {
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
	flip := m.kern.weightFlip()
	for p := 0; p < m.k; p++ {
		for j := 0; j < m.n; j++ {
			q[p*m.n+j] = m.b[m.kern.bIndex(p, j, m.kp)] ^ flip
		}
	}
	return q
}

// Act is the activation applied in the epilogue.
type Act int

const (
	ActNone Act = iota // dst = acc·scale + bias
	ActGELU            // dst = GELU(acc·scale + bias): bit-identical to MatMul followed by tensor.GELU on the whole output
)

// MatMul computes dst[rows×N] = dequant(quant(x)·Wq) + bias for row-major
// x (rows×K): each row of x is quantized with its own scale, multiplied in
// int32 and dequantized with the row and column scales. bias (length N) may
// be nil. ws may be nil (a temporary one is made); reuse one to avoid
// allocation.
func (m *Matrix) MatMul(dst, x []float32, rows int, bias []float32, ws *Workspace) {
	m.MatMulAct(dst, x, rows, bias, ActNone, ws)
}

// MatMulAct is MatMul with an activation fused into the epilogue. With
// ActGELU, dst holds exactly what MatMul followed by tensor.GELU(dst, dst)
// on the rows×N output would hold.
func (m *Matrix) MatMulAct(dst, x []float32, rows int, bias []float32, act Act, ws *Workspace) {
	m.matMul(dst, x, rows, bias, act, false, ws)
}

// MatMulAdd is MatMul adding into dst, the residual epilogue:
// dst[i] = dst[i] + v[i], where v is exactly what MatMul would have
// written (one float32 add per element, so the bits equal MatMul into a
// temporary followed by tensor.Add, or the add inside
// tensor.AddLayerNorm, in either operand order).
func (m *Matrix) MatMulAdd(dst, x []float32, rows int, bias []float32, ws *Workspace) {
	m.matMul(dst, x, rows, bias, ActNone, true, ws)
}

func (m *Matrix) matMul(dst, x []float32, rows int, bias []float32, act Act, add bool, ws *Workspace) {
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
	blockTiles := max(1, rowBlock/kern.mr)
	ws.prepare(tiles*kern.mr, m.kp, m.n)
	ws.prepareInfo(kern, tiles, m.kp)
	j := &ws.job
	*j = job{m: m, x: x, dst: dst, bias: bias, act: act, add: add, rows: rows, tiles: tiles,
		blockTiles: blockTiles, blocks: (tiles + blockTiles - 1) / blockTiles,
		panels: (m.n + kern.nr - 1) / kern.nr}
	// One pool job runs both steps: the first tiles items quantize the
	// activations, one row-tile each, and the rest multiply, one (row
	// block, panel) pair each. Items are claimed in order, so every
	// quantize item is taken before any multiply item, and a multiply item
	// only waits (see work) for tiles that other goroutines are finishing;
	// a separate join between the steps would cost a wake-up per MatMul.
	if act == ActGELU {
		j.geluItems = (rows*m.n + geluChunk - 1) / geluChunk
	}
	ws.run(tiles+j.blocks*j.panels+j.geluItems, blockTiles*kern.mr*kern.nr)
	j.m, j.x, j.dst, j.bias = nil, nil, nil, nil
}

// run executes a job's items on up to GOMAXPROCS goroutines (the caller's
// included), each taking the next item from an atomic counter. The
// goroutines are package tensor's worker pool: each of the workers slots is
// one pool item that drains the counter with its own scratch, so a slot
// that finds no idle helper simply finds no items left.
func (ws *Workspace) run(items, tileLen int) {
	workers := min(runtime.GOMAXPROCS(0), items)
	ws.job.workers = workers
	ws.ensureWorkers(workers, tileLen, ws.job.m.kp)
	ws.next.Store(0)
	ws.quantized.Store(0)
	ws.multiplied.Store(0)
	if workers <= 1 {
		ws.work(0)
		return
	}
	if ws.slots == nil {
		ws.slots = ws.runSlots // one allocation per Workspace, not per call
	}
	tensor.ParallelGrain(workers, 1, ws.slots)
}

// runSlots runs worker slots [lo, hi) of the current job.
func (ws *Workspace) runSlots(lo, hi int) {
	for w := lo; w < hi; w++ {
		ws.work(w)
	}
}

// rowBlock is the number of activation rows one work item multiplies with
// one weight panel (rounded down to whole micro-tiles): large enough to
// amortise the panel, small enough to keep the rows in L2.
const rowBlock = 128

// Workspace holds MatMul's scratch: the packed activations, their scales and
// one int32 tile per worker. Use one Workspace per goroutine.
type Workspace struct {
	a       []byte    // packed activations
	info    []int32   // the kernel's tileInfo of each packed row-tile
	sx      []float32 // activation row scales
	zeros   []float32 // the bias when there is none
	scratch []scratch // one per worker
	job     job
	next    atomic.Int64 // next unclaimed item
	// quantized counts finished quantize items; multiply items start
	// once it reaches the job's tile count.
	quantized atomic.Int64
	// multiplied counts finished multiply items; ActGELU items start
	// once it reaches blocks·panels.
	multiplied atomic.Int64
	slots      func(lo, hi int) // ws.runSlots, bound once
}

// scratch is one worker's private buffers.
type scratch struct {
	tile []int32   // int32 output block of the micro-kernel
	f    []float32 // the block dequantized, rows nr apart (GELU, residual fallback)
	q    []int8    // one quantized row
}

// NewWorkspace returns an empty workspace; it grows on first use.
func NewWorkspace() *Workspace { return &Workspace{} }

type job struct {
	m                          *Matrix
	x, dst, bias               []float32
	act                        Act
	add                        bool // MatMulAdd: add into dst
	rows, tiles                int
	geluItems                  int // ActGELU: chunks of geluChunk outputs, after the multiplies
	workers                    int // goroutines draining the items
	blockTiles, blocks, panels int
}

func (ws *Workspace) prepare(rowsPad, kp, n int) {
	if len(ws.zeros) < n {
		ws.zeros = make([]float32, n)
	}
	if cap(ws.a) < rowsPad*kp {
		ws.a = make([]byte, rowsPad*kp)
	}
	ws.a = ws.a[:rowsPad*kp]
	if cap(ws.sx) < rowsPad {
		ws.sx = make([]float32, rowsPad)
	}
	ws.sx = ws.sx[:rowsPad]
}

// prepareInfo sizes ws.info for tiles row-tiles of kern at kp.
func (ws *Workspace) prepareInfo(kern *kernel, tiles, kp int) {
	if kern.infoLen == nil {
		return
	}
	n := tiles * kern.infoLen(kp)
	if cap(ws.info) < n {
		ws.info = make([]int32, n)
	}
	ws.info = ws.info[:n]
}

func (ws *Workspace) ensureWorkers(n, tileLen, kp int) {
	for len(ws.scratch) < n {
		ws.scratch = append(ws.scratch, scratch{})
	}
	for i := 0; i < n; i++ {
		s := &ws.scratch[i]
		if cap(s.tile) < tileLen {
			s.tile = make([]int32, tileLen)
		}
		s.tile = s.tile[:tileLen]
		if cap(s.f) < tileLen {
			s.f = make([]float32, tileLen)
		}
		s.f = s.f[:tileLen]
		if cap(s.q) < kp {
			s.q = make([]int8, kp)
		}
		s.q = s.q[:kp]
	}
}

// quantizeTile quantizes the rows of row-tile t of x into ws.a in the
// kernel's activation layout, zero-padding K and rows past the end, and
// stores the row scales in ws.sx (and, for a kernel with tileInfo, the
// tile's info in ws.info). q is the worker's one-row scratch.
func (ws *Workspace) quantizeTile(t int, q []int8) {
	ws.packTile(t, q)
	if kern := ws.job.m.kern; kern.tileInfo != nil {
		n, chunk := kern.infoLen(ws.job.m.kp), kern.mr*ws.job.m.kp
		kern.tileInfo(ws.a[t*chunk:(t+1)*chunk], ws.job.m.kp, ws.info[t*n:(t+1)*n])
	}
}

// packTile quantizes row-tile t into its packed place in ws.a.
func (ws *Workspace) packTile(t int, q []int8) {
	j := &ws.job
	m, kern := j.m, j.m.kern
	k, kp, ca, mr := m.k, m.kp, kern.ca, kern.mr
	var zero byte
	if kern.shiftA {
		zero = 128 // xq+128 is xq with its top bit flipped
	}
	quant := quantizeRow
	if kern.quantRow != nil {
		quant = kern.quantRow
	}
	chunks := kp / ca
	base := t * chunks * mr * ca
	if kern.quantTile != nil && (t+1)*mr <= j.rows {
		kern.quantTile(ws.a[base:base+chunks*mr*ca], j.x[t*mr*k:(t+1)*mr*k], k, kp, zero, ws.sx[t*mr:(t+1)*mr])
		return
	}
	for i := 0; i < mr; i++ {
		r := t*mr + i
		if r < j.rows && kern.quantPack != nil {
			ws.sx[r] = kern.quantPack(ws.a[base+i*ca:], mr*ca, j.x[r*k:(r+1)*k], kp, zero)
			continue
		}
		if r < j.rows {
			ws.sx[r] = quant(q[:k], j.x[r*k:(r+1)*k])
			clear(q[k:])
		} else {
			ws.sx[r] = 0
			clear(q)
		}
		interleave(ws.a[base+i*ca:], q[:chunks*ca], ca, mr*ca, zero)
	}
}

// interleave copies the k-chunks of ca bytes of one quantized row into the
// packed layout, chunk c at dst[c·stride:], XOR-ing every byte with zero
// (128 flips int8 into the shifted u8 form). Chunks of 4, 8, 16 and 64
// bytes, which every kernel uses, move as whole words.
func interleave(dst []byte, q []int8, ca, stride int, zero byte) {
	chunks := len(q) / ca
	if chunks == 0 {
		return
	}
	_ = dst[(chunks-1)*stride+ca-1]
	src := unsafe.Slice((*byte)(unsafe.Pointer(&q[0])), len(q))
	z := uint64(zero) * 0x0101010101010101
	switch ca {
	case 4:
		for c := 0; c < chunks; c++ {
			v := binary.LittleEndian.Uint32(src[c*4:])
			binary.LittleEndian.PutUint32(dst[c*stride:], v^uint32(z))
		}
	case 8:
		for c := 0; c < chunks; c++ {
			v := binary.LittleEndian.Uint64(src[c*8:])
			binary.LittleEndian.PutUint64(dst[c*stride:], v^z)
		}
	case 16:
		for c := 0; c < chunks; c++ {
			lo := binary.LittleEndian.Uint64(src[c*16:])
			hi := binary.LittleEndian.Uint64(src[c*16+8:])
			d := dst[c*stride : c*stride+16]
			binary.LittleEndian.PutUint64(d, lo^z)
			binary.LittleEndian.PutUint64(d[8:], hi^z)
		}
	case 64:
		for c := 0; c < chunks; c++ {
			d := dst[c*stride : c*stride+64]
			for w := 0; w < 64; w += 8 {
				binary.LittleEndian.PutUint64(d[w:], binary.LittleEndian.Uint64(src[c*64+w:])^z)
			}
		}
	default:
		for c := 0; c < chunks; c++ {
			d := dst[c*stride : c*stride+ca]
			for u := range d {
				d[u] = src[c*ca+u] ^ zero
			}
		}
	}
}

// work runs the job's items until none are left. The first j.tiles items
// quantize one row-tile each; every later item is a (row block, panel)
// pair: the micro-kernel fills the worker's int32 tile, then the epilogue
// dequantizes it into dst. A kernel with microDeq finishes the whole row
// tiles of a whole panel in registers instead, straight into dst; only a
// last partial row tile, or a partial last panel, goes through the tile.
func (ws *Workspace) work(w int) {
	j := &ws.job
	tiles := int64(j.tiles)
	m, kern := j.m, j.m.kern
	tile := ws.scratch[w].tile
	mul := tiles + int64(j.blocks*j.panels)
	items := mul + int64(j.geluItems)
	chunkA := kern.mr * m.kp // bytes per row-tile
	panelB := kern.nr * m.kp
	ready := false
	if kern.prefetch != nil && w < j.panels {
		// The first panel this worker will likely multiply, while the
		// activations are quantized.
		kern.prefetch(m.b[w*panelB : (w+1)*panelB])
	}
	for {
		it := ws.next.Add(1) - 1
		if it >= items {
			return
		}
		if it < tiles {
			ws.quantizeTile(int(it), ws.scratch[w].q)
			ws.quantized.Add(1)
			continue
		}
		if it >= mul {
			ws.geluItem(int(it - mul))
			continue
		}
		// Every tile is claimed by now; wait for those that other
		// goroutines still hold (at most one each, microseconds).
		for !ready {
			if ws.quantized.Load() >= tiles {
				ready = true
				break
			}
			runtime.Gosched()
		}
		it -= tiles
		blk, p := int(it)/j.panels, int(it)%j.panels
		t0 := blk * j.blockTiles
		nt := min(j.blockTiles, j.tiles-t0)
		var next []int8
		if q := p + j.workers; kern.microNext != nil && q < j.panels {
			// This worker's next item is likely the panel workers
			// further on (items are claimed in turn).
			next = m.b[q*panelB : (q+1)*panelB]
		}
		bp := m.b[p*panelB : (p+1)*panelB]
		c0 := p * kern.nr
		c1 := min(c0+kern.nr, m.n)
		scales, corr := m.scales[c0:c1], m.corr[c0:c1]
		bias := ws.zeros[c0:c1]
		if j.bias != nil {
			bias = j.bias[c0:c1]
		}
		if kern.microDeq != nil && c1-c0 == kern.nr {
			// Whole row-tiles of a whole panel finish in registers,
			// straight into dst; a last partial tile takes the int32
			// tile and the epilogue below.
			if full := min(nt, (j.rows-t0*kern.mr)/kern.mr); full > 0 {
				r0 := t0 * kern.mr
				kern.microDeq(ws.a[t0*chunkA:(t0+full)*chunkA], bp, next, full, m.kp,
					j.dst[r0*m.n+c0:], m.n, corr, scales, bias, ws.sx[r0:r0+full*kern.mr], j.add)
				t0, nt, next = t0+full, nt-full, nil
			}
		}
		if nt == 0 {
			ws.multiplied.Add(1)
			continue
		}
		c := tile[:nt*kern.mr*kern.nr]
		switch {
		case kern.microInfo != nil:
			n := kern.infoLen(m.kp)
			kern.microInfo(ws.a[t0*chunkA:(t0+nt)*chunkA], ws.info[t0*n:(t0+nt)*n], bp, c, nt, m.kp)
		case next != nil:
			kern.microNext(ws.a[t0*chunkA:(t0+nt)*chunkA], bp, next, c, nt, m.kp)
		default:
			kern.micro(ws.a[t0*chunkA:(t0+nt)*chunkA], bp, c, nt, m.kp)
		}
		r0 := t0 * kern.mr
		r1 := min(r0+nt*kern.mr, j.rows)
		deq := dequantTile
		if kern.dequant != nil {
			deq = kern.dequant
		}
		out, nrows, sx := j.dst[r0*m.n+c0:], r1-r0, ws.sx[r0:r1]
		switch {
		case j.add && kern.dequantAdd != nil:
			kern.dequantAdd(out, m.n, c, kern.nr, nrows, corr, scales, bias, sx)
		case j.add:
			f := ws.scratch[w].f[:nrows*kern.nr]
			deq(f, kern.nr, c, kern.nr, nrows, corr, scales, bias, sx)
			for r := 0; r < nrows; r++ {
				o, v := out[r*m.n:r*m.n+c1-c0], f[r*kern.nr:]
				for i := range o {
					o[i] += v[i]
				}
			}
		default:
			deq(out, m.n, c, kern.nr, nrows, corr, scales, bias, sx)
		}
		ws.multiplied.Add(1)
	}
}

// geluChunk is the number of outputs one ActGELU item covers: a multiple
// of 8, so that every item but the last runs tensor's vector GELU on all
// its elements and the last leaves the same scalar tail as tensor.GELU on
// the whole output.
const geluChunk = 8192

// geluItem applies GELU in place to chunk g of the job's output, once
// every multiply item has finished.
func (ws *Workspace) geluItem(g int) {
	j := &ws.job
	for ws.multiplied.Load() < int64(j.blocks*j.panels) {
		runtime.Gosched() // the last multiply items, microseconds
	}
	total := j.rows * j.m.n
	out := j.dst[g*geluChunk : min((g+1)*geluChunk, total)]
	tensor.GELUSerial(out, out)
}

// dequantTile runs dequantRow over rows rows of a tile: row r of out starts
// at r·outStride, of acc at r·accStride; the tile has len(scales) columns.
func dequantTile(out []float32, outStride int, acc []int32, accStride, rows int, corr []int32, scales, bias, sx []float32) {
	cols := len(scales)
	for r := 0; r < rows; r++ {
		dequantRow(out[r*outStride:r*outStride+cols], acc[r*accStride:], corr, scales, bias, sx[r])
	}
}

// dequantRow is the epilogue of one row: out[i] = ((acc[i] − corr[i])·sx)
// ·scales[i] + bias[i], with corr the VPDPBUSD shift correction (zero for
// the other kernels). The order of the float32 operations is fixed (the
// conversions forbid fusing into an FMA) so that every architecture, and
// the PerRow ONNX export run by ONNX Runtime, produce the same bits.
func dequantRow(out []float32, acc, corr []int32, scales, bias []float32, sx float32) {
	n := len(out)
	acc, corr, scales, bias = acc[:n], corr[:n], scales[:n], bias[:n]
	for i := range out {
		out[i] = float32(float32(float32(acc[i]-corr[i])*sx)*scales[i]) + bias[i]
	}
}

// dequantTileAdd is dequantTile adding into out: out[r][j] = out[r][j] +
// v[r][j], with v exactly what dequantTile would store.
func dequantTileAdd(out []float32, outStride int, acc []int32, accStride, rows int, corr []int32, scales, bias, sx []float32) {
	cols := len(scales)
	for r := 0; r < rows; r++ {
		dequantRowAdd(out[r*outStride:r*outStride+cols], acc[r*accStride:], corr, scales, bias, sx[r])
	}
}

// dequantRowAdd is dequantRow adding into out (one float32 add of the
// dequantized value).
func dequantRowAdd(out []float32, acc, corr []int32, scales, bias []float32, sx float32) {
	n := len(out)
	acc, corr, scales, bias = acc[:n], corr[:n], scales[:n], bias[:n]
	for i := range out {
		v := float32(float32(float32(acc[i]-corr[i])*sx)*scales[i]) + bias[i]
		out[i] += v
	}
}
