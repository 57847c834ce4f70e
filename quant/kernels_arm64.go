//go:build !purego

package quant

import "github.com/obscura-ai/obscura/internal/cpu"

// archKernels are the arm64 kernels, best first. NEON (ASIMD) is part of
// the arm64 baseline, so the neon kernel always applies.
var archKernels = []*kernel{
	{
		name: KernelSMMLA, mr: 8, nr: 8, ca: 8, cb: 8, kAlign: 8,
		needs: func(f cpu.Features) bool { return f.I8MM },
		micro: func(a []byte, b []int8, c []int32, tiles, kp int) {
			gemmSMMLA(&a[0], &b[0], &c[0], tiles, kp/8)
		},
	},
	{
		name: KernelSDOT, mr: 4, nr: 16, ca: 16, cb: 4, kAlign: 16,
		needs: func(f cpu.Features) bool { return f.DotProd },
		micro: func(a []byte, b []int8, c []int32, tiles, kp int) {
			gemmSDOT(&a[0], &b[0], &c[0], tiles, kp/16)
		},
	},
	{
		name: KernelNEON, mr: 4, nr: 8, ca: 8, cb: 4, kAlign: 8,
		needs: func(f cpu.Features) bool { return true },
		micro: func(a []byte, b []int8, c []int32, tiles, kp int) {
			gemmNEON(&a[0], &b[0], &c[0], tiles, kp/8)
		},
	},
}

// gemmSMMLA computes, for each of tiles row-tiles of 8 rows, the 8×8 int32
// block c[i][j] = Σ_ch Σ_{u<8} a[ch][i][u]·b[ch][j][u] over chunks chunks
// of 8 k values, a and b signed, with SMMLA (I8MM): each instruction
// multiplies a 2×8 row pair by an 8×2 column pair. a runs on to the next
// tile; b (one 8-column panel) restarts per tile; c is row-major, 8 int32
// per row, overwritten.
//
//go:noescape
func gemmSMMLA(a *byte, b *int8, c *int32, tiles, chunks int)

// gemmSDOT computes 4×16 tiles c[i][j] = Σ_ch Σ_{u<16} a[ch][i][u]·w[k][j]
// over chunks of 16 k values (4 k-groups of the panel, whose column j holds
// 4 consecutive k values), with SDOT by element (dotprod). c rows hold 16
// int32.
//
//go:noescape
func gemmSDOT(a *byte, b *int8, c *int32, tiles, chunks int)

// gemmNEON computes 4×8 tiles over chunks of 8 k values (two 4-value
// k-groups of the panel) with baseline NEON: SMULL/SMLAL into int16 (two
// products per lane, exact for activations in [−127, 127]) and SADALP into
// int32. c rows hold 8 int32.
//
//go:noescape
func gemmNEON(a *byte, b *int8, c *int32, tiles, chunks int)
