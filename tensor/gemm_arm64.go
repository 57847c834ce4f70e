//go:build !purego

package tensor

import "github.com/obscura-ai/obscura/internal/cpu"

// sgemmNEON is the NEON micro-kernel: an 8×8 tile of C in sixteen 128-bit
// accumulators. For p < k it loads b[p*8 : p*8+8] and a[p*8 : p*8+8] into
// two registers each and fuses, with by-element FMLA,
//
//	acc[r][j] += a[p*8+r] · b[p*8+j]
//
// then adds bias[j] (bias != nil), adds c[r*ldc+j] (accum != 0) and stores
// acc to c[r*ldc+j]. k ≥ 1; the driver guarantees every range above.
//
//go:noescape
func sgemmNEON(a, b, c *float32, k, ldc int, bias *float32, accum int)

// haveAsm reports whether this build has assembly kernels.
const haveAsm = true

// sgemmNEONRowA is sgemmNEON (no bias) with A read in place from
// row-major memory, row r at a + r·lda floats, instead of from a packed
// panel: attention multiplies the probabilities by V without packing them.
// It reads a[r*lda+p] for r < 8, p < k.
//
//go:noescape
func sgemmNEONRowA(a, b, c *float32, k, ldc, lda, accum int)

var neonKernel = &Kernel{name: "neon", mr: 8, nr: 8, kc: 256, mc: 128, micro: sgemmNEON, microRowA: sgemmNEONRowA}

// archKernels lists the arm64 kernels, best first. Advanced SIMD is
// architectural on arm64 (Go requires it), so NEON is always usable; the
// feature is still checked so a masked-off feature set picks the Go kernel.
func archKernels(f cpu.Features) []*Kernel {
	if f.ASIMD {
		return []*Kernel{neonKernel, genericKernel}
	}
	return []*Kernel{genericKernel}
}
