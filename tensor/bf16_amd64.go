//go:build !purego

package tensor

import (
	"sync"

	"github.com/obscura-ai/obscura/internal/cpu"
)

// bf16Micro8x32 is bf16Ops.micro8x32 with VDPBF16PS (AVX-512 BF16).
//
//go:noescape
func bf16Micro8x32(a *uint32, lda int, b *uint32, c *float32, ldc, kp, acc int)

// bf16RowsAVX512 is bf16Ops.rows with VCVTNE2PS2BF16.
//
//go:noescape
func bf16RowsAVX512(dst *uint16, ldd int, src *float32, lds, rows, cols int)

// bf16PackVAVX512 is bf16Ops.packV with VCVTNE2PS2BF16 and VPERMT2W
// (AVX-512BW).
//
//go:noescape
func bf16PackVAVX512(dst *uint32, src *float32, lds, rows, w int)

// bf16OpsFor is the dispatch point for the bfloat16 attention kernels:
// AVX-512 BF16 (with F, BW and VL, and the AVX-512 element-wise set) when the features have it, else Go.
func bf16OpsFor(f cpu.Features) bf16Ops {
	if f.AVX512F && f.AVX512BW && f.AVX512VL && f.AVX512BF16 && f.AVX2 && f.FMA {
		return bf16Ops{name: "avx512bf16", micro8x32: bf16Micro8x32, rows: bf16RowsAVX512,
			packV: bf16PackVAVX512, transpose16: transpose16AVX512, softmax: softmaxRowsAVX512}
	}
	return bf16Generic
}

var detectedBF16Ops = sync.OnceValue(func() bf16Ops { return bf16OpsFor(detected()) })
