//go:build !purego

package tensor

import "github.com/obscura-ai/obscura/internal/cpu"

// sgemmAVX2 is the AVX2+FMA micro-kernel: a 6×16 tile of C in twelve YMM
// accumulators. For p < k it loads b[p*16 : p*16+16] into two registers,
// broadcasts each a[p*6+r] (r < 6) and fuses the multiply-adds
//
//	acc[r][j] += a[p*6+r] · b[p*16+j]
//
// then adds bias[j] (bias != nil), adds c[r*ldc+j] (accum != 0) and stores
// acc to c[r*ldc+j]. k ≥ 1; a, b, c, bias are read/written exactly in the
// ranges above (the driver guarantees them).
//
//go:noescape
func sgemmAVX2(a, b, c *float32, k, ldc int, bias *float32, accum int)

// sgemmAVX512 is the AVX-512F micro-kernel: a 12×32 tile of C in 24 ZMM
// accumulators, computing the same loop as sgemmAVX2 with mr = 12 and
// nr = 32 (two ZMM loads of b and twelve broadcasts of a per step of p).
//
//go:noescape
func sgemmAVX512(a, b, c *float32, k, ldc int, bias *float32, accum int)

// haveAsm reports whether this build has assembly kernels.
const haveAsm = true

// sgemmAVX512Half is sgemmAVX512 for the first 6 rows only: the driver
// uses it for edge blocks of at most 6 rows (short sentences), reading the
// same packed panels (a advances 12 floats per step of p) and writing rows
// 0-5 of c.
//
//go:noescape
func sgemmAVX512Half(a, b, c *float32, k, ldc int, bias *float32, accum int)

// sgemmAVX512RowA is sgemmAVX512 (no bias) with A read in place from
// row-major memory, row r at a + r·lda floats, instead of from a packed
// panel: attention multiplies the probabilities by V without packing them.
// It reads a[r*lda+p] for r < 12, p < k.
//
//go:noescape
func sgemmAVX512RowA(a, b, c *float32, k, ldc, lda, accum int)

// sgemmAVX2RowA is sgemmAVX2 (no bias) with A read in place, row r at
// a + r·lda floats, as sgemmAVX512RowA is for its kernel. It reads
// a[r*lda+p] for r < 6, p < k.
//
//go:noescape
func sgemmAVX2RowA(a, b, c *float32, k, ldc, lda, accum int)

var (
	avx2Kernel   = &Kernel{name: "avx2", mr: 6, nr: 16, kc: 256, mc: 144, micro: sgemmAVX2, microRowA: sgemmAVX2RowA}
	avx512Kernel = &Kernel{name: "avx512", mr: 12, nr: 32, kc: 256, mc: 144, micro: sgemmAVX512, microHalf: sgemmAVX512Half, microRowA: sgemmAVX512RowA}
)

// archKernels lists the amd64 kernels the features allow, best first.
// AVX-512F implies AVX2 and FMA on every shipping processor, but both
// are checked so that a masked-off feature set never picks it.
func archKernels(f cpu.Features) []*Kernel {
	var ks []*Kernel
	if f.AVX512F && f.AVX2 && f.FMA {
		ks = append(ks, avx512Kernel)
	}
	if f.AVX2 && f.FMA {
		ks = append(ks, avx2Kernel)
	}
	return append(ks, genericKernel)
}
