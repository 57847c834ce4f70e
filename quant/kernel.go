package quant

import "github.com/obscura-ai/obscura/internal/cpu"

// kernel describes one integer GEMM micro-kernel and the packed layouts it
// reads. micro computes, for tiles row-tiles of mr rows and one panel of nr
// columns, the int32 sums Σ_k A[r,k]·B[k,c] over kp (padded) k values and
// overwrites c, a row-major (tiles·mr)×nr block. A is the packed activation
// block (its first byte is row-tile 0), B one packed weight panel.
type kernel struct {
	name   string
	mr, nr int  // micro-tile rows and columns
	ca, cb int  // k-chunk of the activation and weight layouts
	kAlign int  // kp is a multiple of this (lcm of ca, cb and the loop step)
	shiftA bool // activations stored as xq+128 (u8 operand of VPDPBUSD)
	needs  func(f cpu.Features) bool
	micro  func(a []byte, b []int8, c []int32, tiles, kp int)
	// microNext, when set, is micro that also prefetches next, the
	// weight panel the worker is expected to multiply after this one
	// (same length as b), for weights that are not in cache.
	microNext func(a []byte, b, next []int8, c []int32, tiles, kp int)
	// microDeq, when set, is microNext (next may be nil: no prefetch)
	// with the epilogue in registers, for tiles whole row-tiles and a
	// whole panel (nr columns): row r of the result goes to
	// out[r·outStride:], as dequantRow computes it from corr, scales,
	// bias and sx[r] (nr values each, sx one per row), or added into out
	// (one float32 add, as dequantRowAdd) when add is set. No int32 tile.
	microDeq func(a []byte, b, next []int8, tiles, kp int, out []float32, outStride int, corr []int32, scales, bias, sx []float32, add bool)
	// biasB: the packed weights hold w+128 (w XOR 0x80, read as u8).
	biasB bool
	// infoLen, tileInfo and microInfo, when set, come together: tileInfo
	// derives from one packed row-tile (mr·kp bytes) the infoLen(kp)
	// int32 that microInfo reads for it, and microInfo is micro with
	// those, one run of infoLen(kp) per tile, precomputed (micro itself
	// then derives them on every call).
	infoLen   func(kp int) int
	tileInfo  func(tile []byte, kp int, info []int32)
	microInfo func(a []byte, info []int32, b []int8, c []int32, tiles, kp int)
	// prefetch, when set, asks for b (a weight panel) to be brought into
	// the cache; each worker calls it for its first panel before it
	// starts quantizing.
	prefetch func(b []int8)
	// quantRow, when set, is a vectorised quantizeRow with identical
	// results; it runs only where needs holds.
	quantRow func(dst []int8, x []float32) float32
	// quantPack, when set, is quantRow followed by interleave in one
	// pass: the row's bytes go straight to the packed layout, chunk j (ca
	// bytes) at dst[j·stride:], XOR-ed with zero, K padded to kp with
	// zero bytes.
	quantPack func(dst []byte, stride int, x []float32, kp int, zero byte) float32
	// quantTile, when set, quantizes a whole tile of mr rows of x (row i
	// at x[i·k:]) into the packed tile at dst, scales into sx[0:mr]: the
	// bytes and scales of quantPack on each row.
	quantTile func(dst []byte, x []float32, k, kp int, zero byte, sx []float32)
	// dequant, when set, is a vectorised dequantTile with identical
	// results.
	dequant func(out []float32, outStride int, acc []int32, accStride, rows int, corr []int32, scales, bias, sx []float32)
	// dequantAdd, when set, is a vectorised dequantTileAdd with identical
	// results (the residual epilogue of MatMulAdd).
	dequantAdd func(out []float32, outStride int, acc []int32, accStride, rows int, corr []int32, scales, bias, sx []float32)
}

// Kernel names, best first within an architecture.
const (
	KernelAMX        = "amx"
	KernelAVX512VNNI = "avx512vnni"
	KernelAVXVNNI    = "avxvnni"
	KernelAVX2       = "avx2"
	KernelSMMLA      = "smmla"
	KernelSDOT       = "sdot"
	KernelNEON       = "neon"
	KernelGeneric    = "generic"
)

// genericKernel is the plain-Go fallback: the same packed layout as the x86
// dot-product kernels, computed in Go. It is compiled everywhere.
var genericKernel = &kernel{
	name: KernelGeneric, mr: 4, nr: 8, ca: 4, cb: 4, kAlign: 4,
	needs: func(cpu.Features) bool { return true },
	micro: microGeneric,
}

// weightFlip is what the packed weights are XOR-ed with: 0x80 for a biasB
// kernel (w+128 is w with its top bit flipped), else 0.
func (k *kernel) weightFlip() int8 {
	if k.biasB {
		return -128
	}
	return 0
}

// kpFor returns K rounded up to the kernel's alignment.
func (k *kernel) kpFor(kk int) int { return (kk + k.kAlign - 1) / k.kAlign * k.kAlign }

// aIndex is the byte offset of activation (r, k) in a block packed for k with
// kp padded columns: tiles of mr rows, k-chunks of ca, rows inside a chunk.
func (k *kernel) aIndex(r, kk, kp int) int {
	t, i := r/k.mr, r%k.mr
	c, u := kk/k.ca, kk%k.ca
	return ((t*(kp/k.ca)+c)*k.mr+i)*k.ca + u
}

// bIndex is the offset of weight (k, n) in weights packed for k: panels of
// nr columns, k-chunks of cb, the columns of a chunk after each other.
func (k *kernel) bIndex(kk, n, kp int) int {
	p, j := n/k.nr, n%k.nr
	c, u := kk/k.cb, kk%k.cb
	return p*kp*k.nr + (c*k.nr+j)*k.cb + u
}
