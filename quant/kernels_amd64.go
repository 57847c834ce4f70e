//go:build !purego

package quant

import (
	"math"

	"github.com/obscura-ai/obscura/internal/cpu"
)

// archKernels are the amd64 kernels, best first.
var archKernels = []*kernel{
	{
		name: KernelAVX512VNNI, mr: 8, nr: 32, ca: 4, cb: 4, kAlign: 4, shiftA: true,
		needs:    func(f cpu.Features) bool { return f.AVX2 && f.AVX512F && f.AVX512BW && f.AVX512VNNI },
		quantRow: quantizeRowAVX2,
		micro: func(a []byte, b []int8, c []int32, tiles, kp int) {
			gemmAVX512VNNI(&a[0], &b[0], &c[0], tiles, kp/4)
		},
	},
	{
		name: KernelAVXVNNI, mr: 6, nr: 16, ca: 4, cb: 4, kAlign: 4, shiftA: true,
		needs:    func(f cpu.Features) bool { return f.AVX2 && f.AVXVNNI },
		quantRow: quantizeRowAVX2,
		micro: func(a []byte, b []int8, c []int32, tiles, kp int) {
			gemmAVXVNNI(&a[0], &b[0], &c[0], tiles, kp/4)
		},
	},
	{
		name: KernelAVX2, mr: 4, nr: 16, ca: 4, cb: 4, kAlign: 4,
		needs:    func(f cpu.Features) bool { return f.AVX2 },
		quantRow: quantizeRowAVX2,
		micro: func(a []byte, b []int8, c []int32, tiles, kp int) {
			gemmAVX2(&a[0], &b[0], &c[0], tiles, kp/4)
		},
	},
}

// gemmAVX512VNNI computes, for each of tiles row-tiles of 8 rows, the 8×32
// int32 block c[i][j] = Σ_g Σ_{u<4} a[g][i][u]·b[g][j][u] over kgroups
// groups g of 4 k values, with a unsigned (xq+128) and b signed, using
// VPDPBUSD on ZMM registers. a advances by 8·4 bytes per group and runs on to
// the next tile; b (one 32-column panel) restarts for each tile; c is
// row-major with 32 int32 per row, overwritten.
//
//go:noescape
func gemmAVX512VNNI(a *byte, b *int8, c *int32, tiles, kgroups int)

// gemmAVXVNNI is gemmAVX512VNNI for 6×16 tiles on YMM registers with the
// VEX-encoded VPDPBUSD of AVX-VNNI (hand-encoded: the Go assembler only
// knows the EVEX form). c rows hold 16 int32.
//
//go:noescape
func gemmAVXVNNI(a *byte, b *int8, c *int32, tiles, kgroups int)

// gemmAVX2 computes 4×16 tiles c[i][j] = Σ_g Σ_{u<4} a[g][i][u]·b[g][j][u]
// with a and b signed (a ∈ [−127, 127]): per group VPMADDUBSW(|b|,
// sign(a, b)) gives exact int16 pair sums (≤ 2·128·127), VPMADDWD by ones
// widens them to int32 and VPADDD accumulates. c rows hold 16 int32.
//
//go:noescape
func gemmAVX2(a *byte, b *int8, c *int32, tiles, kgroups int)

// absMaxAVX2 writes, over blocks·8 floats of x, the lane-wise max |x| to
// out[0:8] and the lane-wise OR of NaN masks to out[8:16].
//
//go:noescape
func absMaxAVX2(x *float32, blocks int, out *[16]float32)

// roundAVX2 writes dst[i] = int8(round_even(x[i]·inv)) (signed saturation)
// for blocks·32 floats.
//
//go:noescape
func roundAVX2(x *float32, blocks int, inv float32, dst *int8)

// quantizeRowAVX2 is quantizeRow with its two passes vectorised; tails
// shorter than a block use the Go code. Results are identical.
func quantizeRowAVX2(dst []int8, x []float32) float32 {
	n := len(x)
	dst = dst[:n]
	var amax float32
	finite := true
	if b := n / 8; b > 0 {
		var lanes [16]float32
		absMaxAVX2(&x[0], b, &lanes)
		for i := 0; i < 8; i++ {
			amax = max(amax, lanes[i])
			if lanes[8+i] != 0 {
				finite = false
			}
		}
	}
	tail, ok := absMax(x[n/8*8:])
	amax = max(amax, tail)
	if !ok || !finite || math.IsInf(float64(amax), 1) || amax == 0 {
		clear(dst)
		return scaleOf(amax, ok && finite && !math.IsInf(float64(amax), 1))
	}
	inv := 127 / amax
	done := n / 32 * 32
	if done > 0 {
		roundAVX2(&x[0], done/32, inv, &dst[0])
	}
	roundRow(dst[done:], x[done:], inv)
	return amax / 127
}

// peakAVX512VNNI issues iters×12 independent VPDPBUSD zmm instructions; the
// benchmarks use it to measure this machine's peak int8 throughput.
//
//go:noescape
func peakAVX512VNNI(iters int)
