//go:build !purego

package quant

import (
	"math"

	"github.com/obscura-ai/obscura/internal/cpu"
)

// archKernels are the arm64 kernels, best first. NEON (ASIMD) is part of
// the arm64 baseline, so the neon kernel always applies.
var archKernels = []*kernel{
	{
		name: KernelSMMLA, quantRow: quantizeRowNEON, dequant: dequantTileNEON, mr: 8, nr: 8, ca: 8, cb: 8, kAlign: 8,
		needs: func(f cpu.Features) bool { return f.I8MM },
		micro: func(a []byte, b []int8, c []int32, tiles, kp int) {
			gemmSMMLA(&a[0], &b[0], &c[0], tiles, kp/8)
		},
	},
	{
		name: KernelSDOT, quantRow: quantizeRowNEON, dequant: dequantTileNEON, mr: 4, nr: 16, ca: 16, cb: 4, kAlign: 16,
		needs: func(f cpu.Features) bool { return f.DotProd },
		micro: func(a []byte, b []int8, c []int32, tiles, kp int) {
			gemmSDOT(&a[0], &b[0], &c[0], tiles, kp/16)
		},
	},
	{
		name: KernelNEON, quantRow: quantizeRowNEON, dequant: dequantTileNEON, mr: 4, nr: 8, ca: 8, cb: 4, kAlign: 8,
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

// absMaxNEON writes the lane-wise max |x| over blocks·4 floats to out (NaN
// where a NaN was seen).
//
//go:noescape
func absMaxNEON(x *float32, blocks int, out *[4]float32)

// roundNEON writes dst[i] = int8(round_even(x[i]·inv)) (signed saturation)
// for blocks·16 floats.
//
//go:noescape
func roundNEON(x *float32, blocks int, inv float32, dst *int8)

// dequantNEON is dequantRow for rows rows and groups·4 columns; rows are
// outStride (out) and accStride (acc) elements apart, sx holds one scale
// per row.
//
//go:noescape
func dequantNEON(out *float32, outStride int, acc *int32, accStride int, rows, groups int, corr *int32, scales *float32, bias *float32, sx *float32)

// quantizeRowNEON is quantizeRow with both passes vectorised; short tails
// use the Go code. Results are identical.
func quantizeRowNEON(dst []int8, x []float32) float32 {
	n := len(x)
	dst = dst[:n]
	var amax float32
	if b := n / 4; b > 0 {
		var lanes [4]float32
		absMaxNEON(&x[0], b, &lanes)
		for _, v := range lanes {
			amax = max(amax, v) // max propagates NaN
		}
	}
	tail, _ := absMax(x[n/4*4:])
	amax = max(amax, tail)
	ok := amax == amax && !math.IsInf(float64(amax), 1)
	if !ok || tooSmall(amax) {
		clear(dst)
		return scaleOf(amax, ok)
	}
	inv := 127 / amax
	done := n / 16 * 16
	if done > 0 {
		roundNEON(&x[0], done/16, inv, &dst[0])
	}
	roundRow(dst[done:], x[done:], inv)
	return amax / 127
}

// dequantTileNEON is dequantTile with 4-column groups in assembly and the
// remaining columns in Go; results are identical.
func dequantTileNEON(out []float32, outStride int, acc []int32, accStride, rows int, corr []int32, scales, bias, sx []float32) {
	cols := len(scales)
	g := cols / 4
	if g > 0 && rows > 0 {
		_ = out[(rows-1)*outStride+cols-1]
		_ = acc[(rows-1)*accStride+cols-1]
		_, _, _ = corr[cols-1], bias[cols-1], sx[rows-1]
		dequantNEON(&out[0], outStride, &acc[0], accStride, rows, g, &corr[0], &scales[0], &bias[0], &sx[0])
	}
	if g*4 < cols {
		for r := 0; r < rows; r++ {
			dequantRow(out[r*outStride+g*4:r*outStride+cols], acc[r*accStride+g*4:], corr[g*4:], scales[g*4:], bias[g*4:], sx[r])
		}
	}
}
