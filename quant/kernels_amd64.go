//go:build !purego

package quant

import (
	"math"

	"github.com/obscura-ai/obscura/internal/cpu"
)

// archKernels are the amd64 kernels, best first.
var archKernels = []*kernel{
	{
		// AMX: the activation layout is AMX's A tile (16 rows of 64 k
		// bytes, ca = 64), the weights the avx512vnni panels (32 columns,
		// k-groups of 4), which are two B tiles side by side. The
		// epilogue and the row quantizer are avx512vnni's.
		name: KernelAMX, mr: 16, nr: 32, ca: 64, cb: 4, kAlign: 64, shiftA: true,
		needs: func(f cpu.Features) bool {
			return f.AMXInt8 && f.AVX2 && f.AVX512F && f.AVX512BW && f.AVX512VNNI
		},
		quantRow:   quantizeRowAVX512,
		quantPack:  quantizePackAMX,
		dequant:    dequantTileAVX2,
		dequantAdd: dequantTileAddAVX512,
		micro: func(a []byte, b []int8, c []int32, tiles, kp int) {
			if kp <= 0 || kp%64 != 0 {
				panic("quant: amx: K must be padded to a multiple of 64")
			}
			_, _, _ = a[tiles*16*kp-1], b[32*kp-1], c[tiles*16*32-1]
			gemmDeqAMX(&a[0], &b[0], tiles, kp/64, &amxTileConfig, &c[0], nil, 0, nil, nil, nil, nil, 0)
		},
		microDeq: microDeqAMX,
	},
	{
		name: KernelAVX512VNNI, mr: 8, nr: 32, ca: 4, cb: 4, kAlign: 4, shiftA: true,
		needs:     func(f cpu.Features) bool { return f.AVX2 && f.AVX512F && f.AVX512BW && f.AVX512VNNI },
		quantRow:  quantizeRowAVX512,
		quantPack: quantizePackAVX512,
		// The 16-lane epilogue stores no faster than the 8-lane one
		// (dequantizing 128×1536: 25 µs against 21 µs on Zen 5, where
		// the store-only stream is bound by the L2 and the wider stores
		// lose), so only the residual form, which reads its output
		// anyway, uses it.
		dequant:    dequantTileAVX2,
		dequantAdd: dequantTileAddAVX512,
		micro: func(a []byte, b []int8, c []int32, tiles, kp int) {
			gemmAVX512VNNI(&a[0], &b[0], &c[0], tiles, kp/4, nil)
		},
		microNext: func(a []byte, b, next []int8, c []int32, tiles, kp int) {
			_ = next[len(b)-1]
			gemmAVX512VNNI(&a[0], &b[0], &c[0], tiles, kp/4, &next[0])
		},
		microDeq:  microDeqAVX512VNNI,
		prefetch:  func(b []int8) { prefetchT0(&b[0], (len(b)+63)/64) },
		quantTile: quantizeTileAVX512,
	},
	{
		name: KernelAVXVNNI, mr: 6, nr: 16, ca: 4, cb: 4, kAlign: 4, shiftA: true,
		needs:      func(f cpu.Features) bool { return f.AVX2 && f.AVXVNNI },
		quantRow:   quantizeRowAVX2,
		quantPack:  quantizePackAVX2,
		dequant:    dequantTileAVX2,
		dequantAdd: dequantTileAddAVX2,
		micro: func(a []byte, b []int8, c []int32, tiles, kp int) {
			gemmAVXVNNI(&a[0], &b[0], &c[0], tiles, kp/4)
		},
	},
	{
		name: KernelAVX2, mr: 4, nr: 16, ca: 4, cb: 4, kAlign: 4, biasB: true,
		needs:      func(f cpu.Features) bool { return f.AVX2 },
		quantRow:   quantizeRowAVX2,
		quantPack:  quantizePackAVX2,
		dequant:    dequantTileAVX2,
		dequantAdd: dequantTileAddAVX2,
		infoLen:    avx2InfoLen,
		tileInfo:   avx2TileInfo,
		microInfo:  microAVX2,
		micro: func(a []byte, b []int8, c []int32, tiles, kp int) {
			n := avx2InfoLen(kp)
			info := make([]int32, tiles*n)
			for t := 0; t < tiles; t++ {
				avx2TileInfo(a[t*4*kp:(t+1)*4*kp], kp, info[t*n:(t+1)*n])
			}
			microAVX2(a, info, b, c, tiles, kp)
		},
	},
}

// avx2Block is the avx2 kernel's k-block, in k-groups of 4: each block of a
// row-tile takes the fast or the exact path as a whole.
const avx2Block = 4

// avx2InfoLen is the avx2 kernel's info per row-tile: one flag per k-block,
// then the 4 rows' corrections.
func avx2InfoLen(kp int) int { return (kp/4+avx2Block-1)/avx2Block + 4 }

// avx2TileInfo derives the avx2 kernel's info from one packed row-tile
// (4 rows, k-groups of 4 bytes per row, signed): a block's flag is 1 when
// every pair (k, k+1), k even, of every row has |a[k]|+|a[k+1]| ≤ 128, so
// that VPMADDUBSW on the biased weights (w+128 ≤ 255) cannot saturate
// (255·128 < 32768), and 2 when moreover, in a whole block, each row's
// pairs of the same slot (k mod 4 in {0, 1}, or in {2, 3}) sum to ≤ 128
// over its 4 k-groups, so that their products can be added in int16
// before widening. A whole block with a pair over 128 is 0 when each of
// its 4 k-groups has one, else 16 | bits, bit g set for each k-group g
// that has one (those take the exact step, the others the fast one); a
// partial last block is 0 or 1. Row i's correction is 128·Σ a[i][k] over
// the k that take the fast step, which the kernel subtracts at the end.
func avx2TileInfo(tile []byte, kp int, info []int32) {
	const mr = 4
	groups := kp / 4
	blocks := (groups + avx2Block - 1) / avx2Block
	_ = tile[groups*mr*4-1]
	info = info[:blocks+mr]
	var corr [mr]int32
	full := groups / avx2Block
	if full > 0 {
		var lanes [8]int32
		tileInfoAVX2(&tile[0], full, &info[0], &lanes)
		for i := range corr {
			corr[i] = 128 * (lanes[i] + lanes[i+4])
		}
	}
	if full < blocks { // the last, partial block
		chunk := tile[full*avx2Block*mr*4 : groups*mr*4]
		fast := int32(1)
		var sums [mr]int32
		for o := 0; o < len(chunk); o += 2 {
			a0, a1 := int32(int8(chunk[o])), int32(int8(chunk[o+1]))
			if abs32(a0)+abs32(a1) > 128 {
				fast = 0
				break
			}
			sums[o/4%mr] += a0 + a1
		}
		info[full] = fast
		if fast == 1 {
			for i := range corr {
				corr[i] += 128 * sums[i]
			}
		}
	}
	copy(info[blocks:], corr[:])
}

// tileInfoAVX2 computes avx2TileInfo's flags (0, 1 or 2) for blocks ≥ 1 whole k-blocks
// (64 bytes each) of a packed tile, and the flagged blocks' Σa per dword
// lane: row i's sum is lanes[i] + lanes[i+4].
//
//go:noescape
func tileInfoAVX2(tile *byte, blocks int, flags *int32, lanes *[8]int32)

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}

// microAVX2 is the avx2 micro-kernel on precomputed tile info.
func microAVX2(a []byte, info []int32, b []int8, c []int32, tiles, kp int) {
	if tiles <= 0 {
		return
	}
	_, _, _ = a[tiles*4*kp-1], b[16*kp-1], c[tiles*4*16-1]
	_ = info[tiles*avx2InfoLen(kp)-1]
	gemmAVX2(&a[0], &b[0], &c[0], tiles, kp/4, &info[0])
}

// amxTileConfig is the LDTILECFG operand of gemmDeqAMX: palette 1, and TMM0
// to TMM7 all 16 rows of 64 bytes (accumulators 16×16 int32, activation
// tiles 16 rows × 64 k values, weight tiles 16 k-groups × 16 columns × 4).
var amxTileConfig = func() (c [64]byte) {
	c[0] = 1 // palette
	for t := 0; t < 8; t++ {
		c[16+2*t] = 64 // bytes per row (uint16, little endian)
		c[48+t] = 16   // rows
	}
	return c
}()

// gemmDeqAMX computes, for each of tiles row-tiles of 16 rows, the 16×32
// int32 block c[i][j] = Σ_k a[i][k]·b[k][j] over kblocks blocks of 64 k
// values, with a unsigned (xq+128) and b signed, using TDPBUSD on tile
// registers configured by cfg (amxTileConfig). a holds, per row-tile and
// k-block, 16 rows of 64 bytes; b is one 32-column panel in the
// avx512vnni layout (per k-group of 4, 32 columns × 4 bytes), read as two
// 16-column tiles with a 128-byte stride. Row-tiles go in pairs (four
// accumulator tiles), an odd last one alone. With out = nil the result goes
// to scratch, row-major with 32 int32 per row (the micro-kernel); otherwise
// each finished pair is stored to scratch (one 32×32 block) and
// dequantized from there, row r to out + r·outStride floats, as
// gemmDeqAVX512VNNI computes it (DEQ512), or added into out when add ≠ 0.
// It releases the tiles (TILERELEASE) before it returns, so no tile state
// outlives the call.
//
//go:noescape
func gemmDeqAMX(a *byte, b *int8, tiles, kblocks int, cfg *[64]byte, scratch *int32, out *float32, outStride int, corr *int32, scales, bias, sx *float32, add int)

// microDeqAMX is the microDeq of amx: gemmDeqAMX with its operands
// bounds-checked and a scratch block on the stack. next is not used: the
// tile loads of a 128-row block reuse the panel four times, so it is in
// cache after the first pair.
func microDeqAMX(a []byte, b, next []int8, tiles, kp int, out []float32, outStride int, corr []int32, scales, bias, sx []float32, add bool) {
	const mr, nr = 16, 32
	if tiles <= 0 {
		return
	}
	if kp <= 0 || kp%64 != 0 {
		panic("quant: amx: K must be padded to a multiple of 64")
	}
	_ = a[tiles*mr*kp-1]
	_ = b[nr*kp-1]
	_ = out[(tiles*mr-1)*outStride+nr-1]
	_, _, _, _ = corr[nr-1], scales[nr-1], bias[nr-1], sx[tiles*mr-1]
	mode := 0
	if add {
		mode = 1
	}
	var scratch [2 * mr * nr]int32
	gemmDeqAMX(&a[0], &b[0], tiles, kp/64, &amxTileConfig, &scratch[0], &out[0], outStride, &corr[0], &scales[0], &bias[0], &sx[0], mode)
}

// gemmAVX512VNNI computes, for each of tiles row-tiles of 8 rows, the 8×32
// int32 block c[i][j] = Σ_g Σ_{u<4} a[g][i][u]·b[g][j][u] over kgroups
// groups g of 4 k values, with a unsigned (xq+128) and b signed, using
// VPDPBUSD on ZMM registers. a advances by 8·4 bytes per group and runs on to
// the next tile; b (one 32-column panel) restarts for each tile; c is
// row-major with 32 int32 per row, overwritten. When next is not nil, the
// first tile also prefetches the panel of the same size at next, 128 bytes
// per k-group, with PREFETCHT1: into L2, so that it does not evict from L1
// the panel still being multiplied (with K = 768 the two panels fill
// 48 KB; on AMD Zen 4, 2026-12-06, PREFETCHT0 there cost 4-5 % of a
// weight-cold 128-row GEMM, 409-423 against 437-445 GOPS on one core, in
// a throwaway benchmark cycling 12 packed matrices).
//
//go:noescape
func gemmAVX512VNNI(a *byte, b *int8, c *int32, tiles, kgroups int, next *int8)

// gemmDeqAVX512VNNI is gemmAVX512VNNI with the epilogue in registers:
// instead of the int32 tile, row r of the result (tile t, row i: r =
// 8t + i) is stored to out + r·outStride floats as
// float32(float32(float32(c[r][j] − corr[j])·sx[r])·scales[j]) + bias[j],
// dequantRow's operations in its order (no FMA), or added into the float32
// there (out + v) when add ≠ 0. corr, scales and bias hold 32 values, sx
// one per row.
//
//go:noescape
func gemmDeqAVX512VNNI(a *byte, b *int8, tiles, kgroups int, next *int8, out *float32, outStride int, corr *int32, scales, bias, sx *float32, add int)

// microDeqAVX512VNNI is the microDeq of avx512vnni: gemmDeqAVX512VNNI
// with its operands bounds-checked.
func microDeqAVX512VNNI(a []byte, b, next []int8, tiles, kp int, out []float32, outStride int, corr []int32, scales, bias, sx []float32, add bool) {
	const mr, nr = 8, 32
	if tiles <= 0 {
		return
	}
	_ = a[tiles*mr*kp-1]
	_ = b[nr*kp-1]
	_ = out[(tiles*mr-1)*outStride+nr-1]
	_, _, _, _ = corr[nr-1], scales[nr-1], bias[nr-1], sx[tiles*mr-1]
	var pn *int8
	if next != nil {
		_ = next[nr*kp-1]
		pn = &next[0]
	}
	mode := 0
	if add {
		mode = 1
	}
	gemmDeqAVX512VNNI(&a[0], &b[0], tiles, kp/4, pn, &out[0], outStride, &corr[0], &scales[0], &bias[0], &sx[0], mode)
}

// gemmAVXVNNI is gemmAVX512VNNI for 6×16 tiles on YMM registers with the
// VEX-encoded VPDPBUSD of AVX-VNNI (hand-encoded: the Go assembler only
// knows the EVEX form). c rows hold 16 int32.
//
//go:noescape
func gemmAVXVNNI(a *byte, b *int8, c *int32, tiles, kgroups int)

// gemmAVX2 computes 4×16 tiles c[i][j] = Σ_g Σ_{u<4} a[g][i][u]·b[g][j][u]
// with a signed (a ∈ [−127, 127]) and b stored biased (b+128, as u8),
// k-block by k-block as info says (avx2TileInfo, one run of
// avx2InfoLen(kp) int32 per tile): a flagged block multiplies the biased
// weights directly, VPMADDUBSW(b+128, a), whose pair sums the flag
// guarantees exact (flag 2: and their sums over the block's 4 k-groups,
// added in int16 before widening); any other block unbiases them and uses
// VPMADDUBSW(|b|, sign(a, b)), exact for any a and b. VPMADDWD by ones
// widens the pair sums to int32, VPADDD accumulates, and each row's
// correction (128·Σa over its flagged blocks) is subtracted at the end. c
// rows hold 16 int32.
//
//go:noescape
func gemmAVX2(a *byte, b *int8, c *int32, tiles, kgroups int, info *int32)

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
	inv, sx, ok := rowScaleAVX2(x)
	if !ok {
		clear(dst)
		return sx
	}
	done := n / 32 * 32
	if done > 0 {
		roundAVX2(&x[0], done/32, inv, &dst[0])
	}
	roundRow(dst[done:], x[done:], inv)
	return sx
}

// roundPackAVX2 is roundAVX2 for blocks·32 floats writing each 4-value
// k-chunk j, XOR-ed with flip, to dst + j·stride: the row's bytes in the
// packed activation layout (ca = 4).
//
//go:noescape
func roundPackAVX2(x *float32, blocks int, inv float32, dst *byte, stride int, flip uint32)

// quantizePackAVX2 is quantizeRowAVX2 writing straight into the packed
// layout of a ca = 4 kernel: chunk j of the row (4 values, K zero-padded
// to kp) goes to dst[j·stride:], each byte XOR-ed with zero. The bytes and
// the scale are those of quantizeRow followed by interleave.
func quantizePackAVX2(dst []byte, stride int, x []float32, kp int, zero byte) float32 {
	return quantizePackWith(dst, stride, x, kp, zero, 32, rowScaleAVX2, roundPackAVX2)
}

// quantizePackWith is the body of the vector quantizePack functions: the
// row scale from rowScale, whole blocks of block (≤ 32) values rounded
// into place by roundPack, the rest and the K padding by roundRow and
// interleave.
func quantizePackWith(dst []byte, stride int, x []float32, kp int, zero byte, block int,
	rowScale func([]float32) (inv, sx float32, ok bool),
	roundPack func(x *float32, blocks int, inv float32, dst *byte, stride int, flip uint32)) float32 {
	n := len(x)
	_ = dst[(kp/4-1)*stride+3]
	inv, sx, ok := rowScale(x)
	if !ok { // all-zero or non-finite row: zero values, as quantizeRow
		for j := 0; j < kp/4; j++ {
			d := dst[j*stride : j*stride+4 : j*stride+4]
			d[0], d[1], d[2], d[3] = zero, zero, zero, zero
		}
		return sx
	}
	var tail [36]int8 // the last n%block values and the K padding (kp−n < 4)
	done := n / block * block
	if done > 0 {
		roundPack(&x[0], done/block, inv, &dst[0], stride, uint32(zero)*0x01010101)
	}
	roundRow(tail[:n-done], x[done:], inv)
	if kp > done {
		interleave(dst[done/4*stride:], tail[:kp-done], 4, stride, zero)
	}
	return sx
}

// rowScaleAVX2 returns 127/max|x| and the row scale max|x|/127, with ok
// false (scale as quantizeRow returns it) for an all-zero or non-finite row.
func rowScaleAVX2(x []float32) (inv, sx float32, ok bool) {
	n := len(x)
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
	if !ok || !finite || math.IsInf(float64(amax), 1) || tooSmall(amax) {
		return 0, scaleOf(amax, ok && finite && !math.IsInf(float64(amax), 1)), false
	}
	return 127 / amax, amax / 127, true
}

// peakAVX512VNNI issues iters×12 independent VPDPBUSD zmm instructions; the
// benchmarks use it to measure this machine's peak int8 throughput.
//
//go:noescape
func peakAVX512VNNI(iters int)

// peakAVX2Exact and peakAVX2Biased issue iters×8 independent steps of the
// avx2 kernel's exact path (VPSIGNB, VPMADDUBSW, VPMADDWD, VPADDD) and of
// its fast path (the same without VPSIGNB), 32 products each, with no
// memory traffic: BenchmarkGEMMPeak compares them.
//
//go:noescape
func peakAVX2Exact(iters int)

//go:noescape
func peakAVX2Biased(iters int)

// dequantAVX2 is dequantRow for rows rows and groups·8 columns, or with
// add ≠ 0 dequantRowAdd; rows are outStride (out) and accStride (acc)
// elements apart, sx holds one scale per row.
//
//go:noescape
func dequantAVX2(out *float32, outStride int, acc *int32, accStride int, rows, groups int, corr *int32, scales *float32, bias *float32, sx *float32, add int)

// dequantTileAVX2 is dequantTile with the 8-column groups in assembly and
// the remaining columns in Go; results are identical.
func dequantTileAVX2(out []float32, outStride int, acc []int32, accStride, rows int, corr []int32, scales, bias, sx []float32) {
	dequantTilesAVX2(out, outStride, acc, accStride, rows, corr, scales, bias, sx, false)
}

// dequantTileAddAVX2 is dequantTileAdd with the 8-column groups in
// assembly and the remaining columns in Go; results are identical.
func dequantTileAddAVX2(out []float32, outStride int, acc []int32, accStride, rows int, corr []int32, scales, bias, sx []float32) {
	dequantTilesAVX2(out, outStride, acc, accStride, rows, corr, scales, bias, sx, true)
}

func dequantTilesAVX2(out []float32, outStride int, acc []int32, accStride, rows int, corr []int32, scales, bias, sx []float32, add bool) {
	cols := len(scales)
	g := cols / 8
	mode, tail := 0, dequantRow
	if add {
		mode, tail = 1, dequantRowAdd
	}
	if g > 0 && rows > 0 {
		_ = out[(rows-1)*outStride+cols-1]
		_ = acc[(rows-1)*accStride+cols-1]
		_, _, _ = corr[cols-1], bias[cols-1], sx[rows-1]
		dequantAVX2(&out[0], outStride, &acc[0], accStride, rows, g, &corr[0], &scales[0], &bias[0], &sx[0], mode)
	}
	if g*8 < cols {
		for r := 0; r < rows; r++ {
			tail(out[r*outStride+g*8:r*outStride+cols], acc[r*accStride+g*8:], corr[g*8:], scales[g*8:], bias[g*8:], sx[r])
		}
	}
}

// dequantAddAVX512 is dequantRow adding into out, out[r][j] = out[r][j] +
// v[r][j], for rows ≥ 1 rows and cols ≥ 1 columns over 16 lanes (the last
// partial chunk of 16 under a lane mask); rows are outStride (out) and
// accStride (acc) elements apart, sx holds one scale per row.
//
//go:noescape
func dequantAddAVX512(out *float32, outStride int, acc *int32, accStride int, rows, cols int, corr *int32, scales *float32, bias *float32, sx *float32)

// dequantTileAddAVX512 is dequantTileAdd in assembly; results are
// identical.
func dequantTileAddAVX512(out []float32, outStride int, acc []int32, accStride, rows int, corr []int32, scales, bias, sx []float32) {
	cols := len(scales)
	if cols == 0 || rows <= 0 {
		return
	}
	_ = out[(rows-1)*outStride+cols-1]
	_ = acc[(rows-1)*accStride+cols-1]
	_, _, _ = corr[cols-1], bias[cols-1], sx[rows-1]
	dequantAddAVX512(&out[0], outStride, &acc[0], accStride, rows, cols, &corr[0], &scales[0], &bias[0], &sx[0])
}

// absMaxAVX512 returns max |x[i]| over n ≥ 1 floats and whether any x[i]
// is NaN (amax is then meaningless).
//
//go:noescape
func absMaxAVX512(x *float32, n int) (amax float32, nan bool)

// roundPackAVX512 is roundPackAVX2 for blocks·16 floats: each 4-value
// k-chunk j of int8(round_even(x[i]·inv)) (signed saturation), XOR-ed with
// flip, goes to dst + j·stride.
//
//go:noescape
func roundPackAVX512(x *float32, blocks int, inv float32, dst *byte, stride int, flip uint32)

// rowScaleAVX512 is rowScaleAVX2 with the absolute max over 16 lanes.
func rowScaleAVX512(x []float32) (inv, sx float32, ok bool) {
	amax, nan := absMaxAVX512(&x[0], len(x))
	finite := !nan && !math.IsInf(float64(amax), 1)
	if !finite || tooSmall(amax) {
		return 0, scaleOf(amax, finite), false
	}
	return 127 / amax, amax / 127, true
}

// quantizeRowAVX512 is quantizeRow with the absolute max over 16 lanes
// and the rounding of roundAVX2; results are identical.
func quantizeRowAVX512(dst []int8, x []float32) float32 {
	n := len(x)
	dst = dst[:n]
	if n == 0 {
		return 0
	}
	inv, sx, ok := rowScaleAVX512(x)
	if !ok {
		clear(dst)
		return sx
	}
	done := n / 32 * 32
	if done > 0 {
		roundAVX2(&x[0], done/32, inv, &dst[0])
	}
	roundRow(dst[done:], x[done:], inv)
	return sx
}

// quantizePackAVX512 is quantizePackAVX2 over 16 lanes: the row's scale
// and its bytes in the packed ca = 4 layout (chunk j at dst[j·stride:],
// XOR-ed with zero, K zero-padded to kp), identical to quantizeRow
// followed by interleave.
func quantizePackAVX512(dst []byte, stride int, x []float32, kp int, zero byte) float32 {
	return quantizePackWith(dst, stride, x, kp, zero, 16, rowScaleAVX512, roundPackAVX512)
}

// roundPack64AVX512 rounds chunks·64 floats of x (scaled by inv) to int8
// as roundAVX2 does, XOR-ed with flip, chunk j's 64 bytes at dst +
// j·stride.
//
//go:noescape
func roundPack64AVX512(x *float32, chunks int, inv float32, dst *byte, stride int, flip uint32)

// quantizePackAMX is the quantPack of amx (ca = 64): the row's scale and its
// bytes in the amx activation layout (chunk j of 64 bytes at
// dst[j·stride:], XOR-ed with zero, K zero-padded to kp), identical to
// quantizeRow followed by interleave.
func quantizePackAMX(dst []byte, stride int, x []float32, kp int, zero byte) float32 {
	const ca = 64
	n := len(x)
	chunks := kp / ca
	_ = dst[(chunks-1)*stride+ca-1]
	inv, sx, ok := rowScaleAVX512(x)
	if !ok { // all-zero or non-finite row: zero values, as quantizeRow
		for j := 0; j < chunks; j++ {
			d := dst[j*stride : j*stride+ca]
			for i := range d {
				d[i] = zero
			}
		}
		return sx
	}
	full := n / ca
	if full > 0 {
		roundPack64AVX512(&x[0], full, inv, &dst[0], stride, uint32(zero)*0x01010101)
	}
	if full < chunks { // the last n%64 values and the K padding
		var tail [ca]int8
		roundRow(tail[:n-full*ca], x[full*ca:], inv)
		interleave(dst[full*stride:], tail[:], ca, stride, zero)
	}
	return sx
}

// prefetchT0 issues PREFETCHT0 for lines ≥ 1 cache lines from p on.
//
//go:noescape
func prefetchT0(p *int8, lines int)

// roundPackTileAVX512 rounds blocks·16 values of each of 8 rows (row i at
// x + i·ldx floats, scaled by inv[i]) into the packed avx512vnni tile at
// dst: 128 bytes per block, value 16b + 4j + u of row i at byte
// b·128 + j·32 + i·4 + u, XOR-ed with flip.
//
//go:noescape
func roundPackTileAVX512(x *float32, ldx, blocks int, inv *[8]float32, dst *byte, flip uint32)

// quantizeTileAVX512 is quantTile for avx512vnni (mr = 8, ca = 4): the 8
// rows of x (row i at x[i·k:]) are quantized into the packed tile at dst
// with their scales in sx[0:8], the bytes and scales of quantizePackAVX512
// on each row. A tile with an all-zero, tiny or non-finite row goes row by
// row.
func quantizeTileAVX512(dst []byte, x []float32, k, kp int, zero byte, sx []float32) {
	const mr, stride = 8, 32
	_ = x[mr*k-1]
	_ = dst[(kp/4-1)*stride+mr*4-1]
	_ = sx[mr-1]
	var inv [mr]float32
	for i := 0; i < mr; i++ {
		iv, s, ok := rowScaleAVX512(x[i*k : (i+1)*k])
		if !ok {
			for r := 0; r < mr; r++ {
				sx[r] = quantizePackAVX512(dst[r*4:], stride, x[r*k:(r+1)*k], kp, zero)
			}
			return
		}
		inv[i], sx[i] = iv, s
	}
	blocks := k / 16
	if blocks > 0 {
		roundPackTileAVX512(&x[0], k, blocks, &inv, &dst[0], uint32(zero)*0x01010101)
	}
	done := blocks * 16
	if kp > done {
		var tail [20]int8 // the last k%16 values and the K padding (kp−k < 4)
		for i := 0; i < mr; i++ {
			clear(tail[:])
			roundRow(tail[:k-done], x[i*k+done:(i+1)*k], inv[i])
			interleave(dst[done/4*stride+i*4:], tail[:kp-done], 4, stride, zero)
		}
	}
}
