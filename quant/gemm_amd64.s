//go:build !purego

#include "textflag.h"

// Register use is described at each kernel; a, b, c, tiles, kgroups are the
// Go arguments (see kernels_amd64.go for the loops each kernel computes).

// ---------------------------------------------------------------------------
// AVX-512 VNNI: 8×32 tiles. Z0..Z15 accumulate (row i: Z(2i) columns 0-15,
// Z(2i+1) columns 16-31); Z16/Z17 hold one k-group of the weight panel;
// Z18..Z25 hold the broadcast activation bytes of each row.

// ROW512 broadcasts the 4 (unsigned) activation bytes of one row at off(SI)
// and multiplies them into the row's two accumulators.
#define ROW512(off, bc, acc0, acc1) \
	VPBROADCASTD off(SI), bc; \
	VPDPBUSD     Z16, bc, acc0; \
	VPDPBUSD     Z17, bc, acc1

// ZERO512 clears the 16 accumulators of an 8×32 tile.
#define ZERO512 \
	VPXORD Z0, Z0, Z0; \
	VPXORD Z1, Z1, Z1; \
	VPXORD Z2, Z2, Z2; \
	VPXORD Z3, Z3, Z3; \
	VPXORD Z4, Z4, Z4; \
	VPXORD Z5, Z5, Z5; \
	VPXORD Z6, Z6, Z6; \
	VPXORD Z7, Z7, Z7; \
	VPXORD Z8, Z8, Z8; \
	VPXORD Z9, Z9, Z9; \
	VPXORD Z10, Z10, Z10; \
	VPXORD Z11, Z11, Z11; \
	VPXORD Z12, Z12, Z12; \
	VPXORD Z13, Z13, Z13; \
	VPXORD Z14, Z14, Z14; \
	VPXORD Z15, Z15, Z15

// KSTEP512 multiplies one k-group (4 k values) of the 8-row activation
// tile at SI by the 32-column weight panel at R8 into Z0..Z15 and steps
// both pointers to the next k-group.
#define KSTEP512 \
	VMOVDQU32 (R8), Z16; \
	VMOVDQU32 64(R8), Z17; \
	ROW512(0, Z18, Z0, Z1); \
	ROW512(4, Z19, Z2, Z3); \
	ROW512(8, Z20, Z4, Z5); \
	ROW512(12, Z21, Z6, Z7); \
	ROW512(16, Z22, Z8, Z9); \
	ROW512(20, Z23, Z10, Z11); \
	ROW512(24, Z24, Z12, Z13); \
	ROW512(28, Z25, Z14, Z15); \
	ADDQ $32, SI; \
	ADDQ $128, R8

// func gemmAVX512VNNI(a *byte, b *int8, c *int32, tiles, kgroups int, next *int8)
// R10 = next: when not nil, the first tile's k-loop also prefetches the
// panel there (the same 128 bytes ahead per k-group as it reads of its
// own), so that the next panel this worker takes is on its way from memory
// while the other tiles compute.
TEXT ·gemmAVX512VNNI(SB), NOSPLIT, $0-48
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ c+16(FP), DX
	MOVQ tiles+24(FP), CX
	MOVQ kgroups+32(FP), BX
	MOVQ next+40(FP), R10

tile512:
	ZERO512
	MOVQ DI, R8
	MOVQ BX, R9
	TESTQ R10, R10
	JNZ   k512pf

k512:
	KSTEP512
	DECQ R9
	JNZ  k512

store512:
	VMOVDQU32 Z0, 0(DX)
	VMOVDQU32 Z1, 64(DX)
	VMOVDQU32 Z2, 128(DX)
	VMOVDQU32 Z3, 192(DX)
	VMOVDQU32 Z4, 256(DX)
	VMOVDQU32 Z5, 320(DX)
	VMOVDQU32 Z6, 384(DX)
	VMOVDQU32 Z7, 448(DX)
	VMOVDQU32 Z8, 512(DX)
	VMOVDQU32 Z9, 576(DX)
	VMOVDQU32 Z10, 640(DX)
	VMOVDQU32 Z11, 704(DX)
	VMOVDQU32 Z12, 768(DX)
	VMOVDQU32 Z13, 832(DX)
	VMOVDQU32 Z14, 896(DX)
	VMOVDQU32 Z15, 960(DX)
	ADDQ $1024, DX
	DECQ CX
	JNZ  tile512
	VZEROUPPER
	RET

k512pf: // k512 with the prefetch of the next panel (first tile only)
	PREFETCHT1 (R10)
	PREFETCHT1 64(R10)
	KSTEP512
	ADDQ $128, R10
	DECQ R9
	JNZ  k512pf
	XORQ R10, R10
	JMP  store512

// DEQ512 finishes one row of a tile in registers: acc0/acc1 (columns
// 0-15/16-31) become float32(float32(float32(acc − corr)·sx)·scales) +
// bias, dequantRow's operations in its order (no FMA), with corr, scales
// and bias in Z26..Z31 and sx[r] broadcast into Z16.
#define DEQ512(acc0, acc1) \
	VBROADCASTSS (R12), Z16; \
	VPSUBD       Z26, acc0, acc0; \
	VPSUBD       Z27, acc1, acc1; \
	VCVTDQ2PS    acc0, acc0; \
	VCVTDQ2PS    acc1, acc1; \
	VMULPS       Z16, acc0, acc0; \
	VMULPS       Z16, acc1, acc1; \
	VMULPS       Z28, acc0, acc0; \
	VMULPS       Z29, acc1, acc1; \
	VADDPS       Z30, acc0, acc0; \
	VADDPS       Z31, acc1, acc1; \
	ADDQ         $4, R12

// STORE512 writes one finished row to AX and moves AX to the next row.
#define STORE512(acc0, acc1) \
	VMOVUPS acc0, (AX); \
	VMOVUPS acc1, 64(AX); \
	ADDQ    R11, AX

// ADDSTORE512 adds one finished row v into the row at AX (out + v, the
// operand order of dequantAddAVX512) and moves AX on.
#define ADDSTORE512(acc0, acc1) \
	VADDPS  (AX), acc0, acc0; \
	VADDPS  64(AX), acc1, acc1; \
	VMOVUPS acc0, (AX); \
	VMOVUPS acc1, 64(AX); \
	ADDQ    R11, AX

// func gemmDeqAVX512VNNI(a *byte, b *int8, tiles, kgroups int, next *int8, out *float32, outStride int, corr *int32, scales, bias, sx *float32, add int)
// gemmAVX512VNNI with the epilogue in registers: each finished 8×32 tile
// is dequantized (DEQ512) and stored as float32 to out, rows outStride
// elements apart (added into out when add ≠ 0), instead of going to an
// int32 tile. Z26..Z31 hold the panel's corr, scales and bias; R12 walks
// sx, one scale per row; DX is the tile's first output row.
TEXT ·gemmDeqAVX512VNNI(SB), NOSPLIT, $0-96
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ tiles+16(FP), CX
	MOVQ kgroups+24(FP), BX
	MOVQ next+32(FP), R10
	MOVQ out+40(FP), DX
	MOVQ outStride+48(FP), R11
	SHLQ $2, R11
	MOVQ corr+56(FP), AX
	VMOVDQU32 (AX), Z26
	VMOVDQU32 64(AX), Z27
	MOVQ scales+64(FP), AX
	VMOVUPS (AX), Z28
	VMOVUPS 64(AX), Z29
	MOVQ bias+72(FP), AX
	VMOVUPS (AX), Z30
	VMOVUPS 64(AX), Z31
	MOVQ sx+80(FP), R12
	MOVQ add+88(FP), R13

dtile512:
	ZERO512
	MOVQ DI, R8
	MOVQ BX, R9
	TESTQ R10, R10
	JNZ   dk512pf

dk512:
	KSTEP512
	DECQ R9
	JNZ  dk512

dstore512:
	DEQ512(Z0, Z1)
	DEQ512(Z2, Z3)
	DEQ512(Z4, Z5)
	DEQ512(Z6, Z7)
	DEQ512(Z8, Z9)
	DEQ512(Z10, Z11)
	DEQ512(Z12, Z13)
	DEQ512(Z14, Z15)
	MOVQ  DX, AX
	TESTQ R13, R13
	JNZ   dadd512
	STORE512(Z0, Z1)
	STORE512(Z2, Z3)
	STORE512(Z4, Z5)
	STORE512(Z6, Z7)
	STORE512(Z8, Z9)
	STORE512(Z10, Z11)
	STORE512(Z12, Z13)
	STORE512(Z14, Z15)
	JMP   dnext512

dadd512:
	ADDSTORE512(Z0, Z1)
	ADDSTORE512(Z2, Z3)
	ADDSTORE512(Z4, Z5)
	ADDSTORE512(Z6, Z7)
	ADDSTORE512(Z8, Z9)
	ADDSTORE512(Z10, Z11)
	ADDSTORE512(Z12, Z13)
	ADDSTORE512(Z14, Z15)

dnext512:
	MOVQ AX, DX
	DECQ CX
	JNZ  dtile512
	VZEROUPPER
	RET

dk512pf: // dk512 with the prefetch of the next panel (first tile only)
	PREFETCHT1 (R10)
	PREFETCHT1 64(R10)
	KSTEP512
	ADDQ $128, R10
	DECQ R9
	JNZ  dk512pf
	XORQ R10, R10
	JMP  dstore512

// ---------------------------------------------------------------------------
// AVX-VNNI: 6×16 tiles. Y0..Y11 accumulate (row i: Y(2i) columns 0-7,
// Y(2i+1) columns 8-15); Y12/Y13 hold one k-group of the weight panel;
// Y14/Y15 alternate as the broadcast activation bytes.

// VPDPBUSD_VEX(d, v, m) emits the VEX.256.66.0F38.W0 50 /r form of
// VPDPBUSD ymm_d, ymm_v, ymm_m (Intel operand order: d += u8(v)·s8(m)),
// which Go's assembler lacks: C4, then R̄X̄B̄ with map 0F38 (00010), then
// W=0, v̄v̄v̄v̄, L=1, pp=01 (66), then opcode 50, then ModRM 11·d·m.
#define VPDPBUSD_VEX(d, v, m) \
	BYTE $0xC4; \
	BYTE $(0xE2 & ~(((d)>>3)<<7) & ~(((m)>>3)<<5)); \
	BYTE $((((15-(v))&15)<<3) | 5); \
	BYTE $0x50; \
	BYTE $(0xC0 | (((d)&7)<<3) | ((m)&7))

// func gemmAVXVNNI(a *byte, b *int8, c *int32, tiles, kgroups int)
TEXT ·gemmAVXVNNI(SB), NOSPLIT, $0-40
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ c+16(FP), DX
	MOVQ tiles+24(FP), CX
	MOVQ kgroups+32(FP), BX

tilevnni:
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	VPXOR Y4, Y4, Y4
	VPXOR Y5, Y5, Y5
	VPXOR Y6, Y6, Y6
	VPXOR Y7, Y7, Y7
	VPXOR Y8, Y8, Y8
	VPXOR Y9, Y9, Y9
	VPXOR Y10, Y10, Y10
	VPXOR Y11, Y11, Y11
	MOVQ DI, R8
	MOVQ BX, R9

kvnni:
	VMOVDQU (R8), Y12
	VMOVDQU 32(R8), Y13
	VPBROADCASTD 0(SI), Y14
	VPDPBUSD_VEX(0, 14, 12) // VPDPBUSD Y0, Y14, Y12 (Intel order, VEX)
	VPDPBUSD_VEX(1, 14, 13) // VPDPBUSD Y1, Y14, Y13 (Intel order, VEX)
	VPBROADCASTD 4(SI), Y15
	VPDPBUSD_VEX(2, 15, 12) // VPDPBUSD Y2, Y15, Y12 (Intel order, VEX)
	VPDPBUSD_VEX(3, 15, 13) // VPDPBUSD Y3, Y15, Y13 (Intel order, VEX)
	VPBROADCASTD 8(SI), Y14
	VPDPBUSD_VEX(4, 14, 12) // VPDPBUSD Y4, Y14, Y12 (Intel order, VEX)
	VPDPBUSD_VEX(5, 14, 13) // VPDPBUSD Y5, Y14, Y13 (Intel order, VEX)
	VPBROADCASTD 12(SI), Y15
	VPDPBUSD_VEX(6, 15, 12) // VPDPBUSD Y6, Y15, Y12 (Intel order, VEX)
	VPDPBUSD_VEX(7, 15, 13) // VPDPBUSD Y7, Y15, Y13 (Intel order, VEX)
	VPBROADCASTD 16(SI), Y14
	VPDPBUSD_VEX(8, 14, 12) // VPDPBUSD Y8, Y14, Y12 (Intel order, VEX)
	VPDPBUSD_VEX(9, 14, 13) // VPDPBUSD Y9, Y14, Y13 (Intel order, VEX)
	VPBROADCASTD 20(SI), Y15
	VPDPBUSD_VEX(10, 15, 12) // VPDPBUSD Y10, Y15, Y12 (Intel order, VEX)
	VPDPBUSD_VEX(11, 15, 13) // VPDPBUSD Y11, Y15, Y13 (Intel order, VEX)
	ADDQ $24, SI
	ADDQ $64, R8
	DECQ R9
	JNZ  kvnni
	VMOVDQU Y0, 0(DX)
	VMOVDQU Y1, 32(DX)
	VMOVDQU Y2, 64(DX)
	VMOVDQU Y3, 96(DX)
	VMOVDQU Y4, 128(DX)
	VMOVDQU Y5, 160(DX)
	VMOVDQU Y6, 192(DX)
	VMOVDQU Y7, 224(DX)
	VMOVDQU Y8, 256(DX)
	VMOVDQU Y9, 288(DX)
	VMOVDQU Y10, 320(DX)
	VMOVDQU Y11, 352(DX)
	ADDQ $384, DX
	DECQ CX
	JNZ  tilevnni
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// AVX2: 4×16 tiles. Y0..Y7 accumulate (row i: Y(2i) columns 0-7, Y(2i+1)
// columns 8-15); Y8/Y9 hold one k-group of weights and Y10/Y11 their
// absolute values; Y12 the broadcast activation bytes; Y13/Y14 products;
// Y15 sixteen int16 ones. The weights are stored biased, w+128 (u8).
//
// K goes in blocks of 4 k-groups, each taken by one of three paths, as the
// tile's info (avx2TileInfo) says:
//   - fast: VPMADDUBSW(w+128, a) straight on the biased weights. Its int16
//     pair sums are exact when |a0|+|a1| ≤ 128 for every pair of the block
//     (255·128 < 32768); the rows' 128·Σa is subtracted after the last block.
//   - fast16 (flag 2): the fast path where moreover each row's pairs of one
//     slot sum to ≤ 128 over the block's 4 k-groups: their int16 products
//     are added in int16 (≤ 255·128) and widened once per block.
//   - exact: the weights unbiased (XOR 0x80) and VPMADDUBSW(|w|, sign(a, w))
//     (pair sums ≤ 2·128·127), as before the fast path existed.
//   - mixed (flag 16 | bits): the exact step on the k-groups whose bit is
//     set (a pair over 128 in one of the rows), the fast one on the
//     others. Deciding per group of 4 k rather than per block of 16 leaves
//     about a third as much of a BERT LayerNorm output on the exact step.
// The fast path takes two of the three multiply-port instructions per 32
// products that the exact one takes (VPSIGNB shares those ports).

// ROW2 multiplies one row's 4 signed activation bytes at off(SI) into its
// two accumulators: VPSIGNB moves the weights' signs onto the activations,
// VPMADDUBSW multiplies by |w| with exact int16 pair sums (≤ 2·128·127),
// VPMADDWD by ones adds the pairs into int32.
#define ROW2(off, acc0, acc1) \
	VPBROADCASTD off(SI), Y12; \
	VPSIGNB      Y8, Y12, Y13; \
	VPMADDUBSW   Y13, Y10, Y13; \
	VPMADDWD     Y15, Y13, Y13; \
	VPADDD       Y13, acc0, acc0; \
	VPSIGNB      Y9, Y12, Y14; \
	VPMADDUBSW   Y14, Y11, Y14; \
	VPMADDWD     Y15, Y14, Y14; \
	VPADDD       Y14, acc1, acc1

// ROWB is ROW2 on the biased weights (Y8/Y9 = w+128): VPMADDUBSW(w+128, a).
#define ROWB(off, acc0, acc1) \
	VPBROADCASTD off(SI), Y12; \
	VPMADDUBSW   Y12, Y8, Y13; \
	VPMADDWD     Y15, Y13, Y13; \
	VPADDD       Y13, acc0, acc0; \
	VPMADDUBSW   Y12, Y9, Y14; \
	VPMADDWD     Y15, Y14, Y14; \
	VPADDD       Y14, acc1, acc1

// F16ROW adds one row's products with the half's biased weights (Y12)
// into its int16 sums.
#define F16ROW(off, acc16) \
	VPBROADCASTD off(SI), Y13; \
	VPMADDUBSW   Y13, Y12, Y14; \
	VPADDW       Y14, acc16, acc16

// GROUPB is one k-group of the fast step for the 4 rows (weights in
// Y8/Y9, biased); GROUPX one k-group of the exact step (unbiases Y8/Y9 and
// takes their absolute values into Y10/Y11 first).
#define GROUPB \
	ROWB(0, Y0, Y1); \
	ROWB(4, Y2, Y3); \
	ROWB(8, Y4, Y5); \
	ROWB(12, Y6, Y7)

#define GROUPX \
	VPXOR  bias80<>(SB), Y8, Y8; \
	VPXOR  bias80<>(SB), Y9, Y9; \
	VPABSB Y8, Y10; \
	VPABSB Y9, Y11; \
	ROW2(0, Y0, Y1); \
	ROW2(4, Y2, Y3); \
	ROW2(8, Y4, Y5); \
	ROW2(12, Y6, Y7)

DATA bias80<>+0(SB)/8, $0x8080808080808080
DATA bias80<>+8(SB)/8, $0x8080808080808080
DATA bias80<>+16(SB)/8, $0x8080808080808080
DATA bias80<>+24(SB)/8, $0x8080808080808080
GLOBL bias80<>(SB), RODATA|NOPTR, $32

// func gemmAVX2(a *byte, b *int8, c *int32, tiles, kgroups int, info *int32)
//
// Register use: SI = a (advances 16 bytes per k-group and runs on to the
// next tile), R8 = b (restarts per tile), R9 = k-groups left, BX = groups
// in this block, R10 = info (the tile's block flags, then its 4 row
// corrections; advances over both, so it runs on to the next tile's).
TEXT ·gemmAVX2(SB), NOSPLIT, $0-48
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ c+16(FP), DX
	MOVQ tiles+24(FP), CX
	MOVQ info+40(FP), R10
	VPCMPEQW Y15, Y15, Y15
	VPSRLW   $15, Y15, Y15

tileavx2:
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	VPXOR Y4, Y4, Y4
	VPXOR Y5, Y5, Y5
	VPXOR Y6, Y6, Y6
	VPXOR Y7, Y7, Y7
	MOVQ DI, R8
	MOVQ kgroups+32(FP), R9

blockavx2:
	MOVQ  $4, BX
	CMPQ  R9, $4
	CMOVQLT R9, BX
	SUBQ  BX, R9
	MOVL  (R10), AX
	ADDQ  $4, R10
	TESTL AX, AX
	JZ    exactavx2
	CMPL  AX, $2
	JEQ   fast16avx2
	CMPL  AX, $16
	JAE   mixedavx2

fastavx2:
	VMOVDQU (R8), Y8
	VMOVDQU 32(R8), Y9
	GROUPB
	ADDQ $16, SI
	ADDQ $64, R8
	DECQ BX
	JNZ  fastavx2
	JMP  nextavx2

exactavx2:
	VMOVDQU (R8), Y8
	VMOVDQU 32(R8), Y9
	GROUPX
	ADDQ $16, SI
	ADDQ $64, R8
	DECQ BX
	JNZ  exactavx2
	JMP  nextavx2

// A whole block of 4 k-groups of which some (bit g of AX set for group g;
// flag 16 | bits) have a pair over 128: those take the exact step, the
// others the fast one (their Σa is in the rows' corrections).
mixedavx2:
	MOVL AX, R11
	MOVQ $4, BX

mixgroup:
	VMOVDQU (R8), Y8
	VMOVDQU 32(R8), Y9
	TESTL   $1, R11
	JNZ     mixexact
	GROUPB
	JMP     mixnext

mixexact:
	GROUPX

mixnext:
	SHRL $1, R11
	ADDQ $16, SI
	ADDQ $64, R8
	DECQ BX
	JNZ  mixgroup
	JMP  nextavx2

// A block of 4 k-groups whose pair sums stay within 128 over the block
// (flag 2): the int16 products of the 4 groups are added in int16 (at
// most 255·128 in magnitude, exact) and widened once, one 8-column half
// at a time so that the int16 sums fit the registers (Y8..Y11 rows 0-3,
// Y12 the half's weights, Y13 the activations, Y14 the products).
fast16avx2:
	VPXOR Y8, Y8, Y8
	VPXOR Y9, Y9, Y9
	VPXOR Y10, Y10, Y10
	VPXOR Y11, Y11, Y11
	VMOVDQU 0(R8), Y12
	F16ROW(0, Y8)
	F16ROW(4, Y9)
	F16ROW(8, Y10)
	F16ROW(12, Y11)
	VMOVDQU 64(R8), Y12
	F16ROW(16, Y8)
	F16ROW(20, Y9)
	F16ROW(24, Y10)
	F16ROW(28, Y11)
	VMOVDQU 128(R8), Y12
	F16ROW(32, Y8)
	F16ROW(36, Y9)
	F16ROW(40, Y10)
	F16ROW(44, Y11)
	VMOVDQU 192(R8), Y12
	F16ROW(48, Y8)
	F16ROW(52, Y9)
	F16ROW(56, Y10)
	F16ROW(60, Y11)
	VPMADDWD Y15, Y8, Y8
	VPADDD   Y8, Y0, Y0
	VPMADDWD Y15, Y9, Y9
	VPADDD   Y9, Y2, Y2
	VPMADDWD Y15, Y10, Y10
	VPADDD   Y10, Y4, Y4
	VPMADDWD Y15, Y11, Y11
	VPADDD   Y11, Y6, Y6
	VPXOR Y8, Y8, Y8
	VPXOR Y9, Y9, Y9
	VPXOR Y10, Y10, Y10
	VPXOR Y11, Y11, Y11
	VMOVDQU 32(R8), Y12
	F16ROW(0, Y8)
	F16ROW(4, Y9)
	F16ROW(8, Y10)
	F16ROW(12, Y11)
	VMOVDQU 96(R8), Y12
	F16ROW(16, Y8)
	F16ROW(20, Y9)
	F16ROW(24, Y10)
	F16ROW(28, Y11)
	VMOVDQU 160(R8), Y12
	F16ROW(32, Y8)
	F16ROW(36, Y9)
	F16ROW(40, Y10)
	F16ROW(44, Y11)
	VMOVDQU 224(R8), Y12
	F16ROW(48, Y8)
	F16ROW(52, Y9)
	F16ROW(56, Y10)
	F16ROW(60, Y11)
	VPMADDWD Y15, Y8, Y8
	VPADDD   Y8, Y1, Y1
	VPMADDWD Y15, Y9, Y9
	VPADDD   Y9, Y3, Y3
	VPMADDWD Y15, Y10, Y10
	VPADDD   Y10, Y5, Y5
	VPMADDWD Y15, Y11, Y11
	VPADDD   Y11, Y7, Y7
	ADDQ $64, SI
	ADDQ $256, R8

nextavx2:
	TESTQ R9, R9
	JNZ   blockavx2

	// Subtract each row's correction (128·Σa over its fast blocks).
	VPBROADCASTD (R10), Y12
	VPSUBD       Y12, Y0, Y0
	VPSUBD       Y12, Y1, Y1
	VPBROADCASTD 4(R10), Y12
	VPSUBD       Y12, Y2, Y2
	VPSUBD       Y12, Y3, Y3
	VPBROADCASTD 8(R10), Y12
	VPSUBD       Y12, Y4, Y4
	VPSUBD       Y12, Y5, Y5
	VPBROADCASTD 12(R10), Y12
	VPSUBD       Y12, Y6, Y6
	VPSUBD       Y12, Y7, Y7
	ADDQ         $16, R10

	VMOVDQU Y0, 0(DX)
	VMOVDQU Y1, 32(DX)
	VMOVDQU Y2, 64(DX)
	VMOVDQU Y3, 96(DX)
	VMOVDQU Y4, 128(DX)
	VMOVDQU Y5, 160(DX)
	VMOVDQU Y6, 192(DX)
	VMOVDQU Y7, 224(DX)
	ADDQ $256, DX
	DECQ CX
	JNZ  tileavx2
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// Row quantization (AVX2), used by all three amd64 kernels.

// func absMaxAVX2(x *float32, blocks int, out *[16]float32)
// For blocks blocks of 8 floats: out[0:8] = lane-wise max |x|, out[8:16] =
// lane-wise OR of the unordered (NaN) masks.
TEXT ·absMaxAVX2(SB), NOSPLIT, $0-24
	MOVQ     x+0(FP), SI
	MOVQ     blocks+8(FP), CX
	MOVQ     out+16(FP), DI
	VPCMPEQD Y5, Y5, Y5
	VPSRLD   $1, Y5, Y5 // 0x7fffffff: clears the sign bit
	VXORPS   Y0, Y0, Y0
	VXORPS   Y1, Y1, Y1

absmaxloop:
	VMOVUPS (SI), Y2
	VANDPS  Y5, Y2, Y3
	VMAXPS  Y3, Y0, Y0
	VCMPPS  $3, Y2, Y2, Y4 // UNORD_Q: all ones where x is NaN
	VORPS   Y4, Y1, Y1
	ADDQ    $32, SI
	DECQ    CX
	JNZ     absmaxloop
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VZEROUPPER
	RET

// permQ undoes the lane interleaving of VPACKSSDW/VPACKSSWB on YMM.
DATA permQ<>+0(SB)/4, $0
DATA permQ<>+4(SB)/4, $4
DATA permQ<>+8(SB)/4, $1
DATA permQ<>+12(SB)/4, $5
DATA permQ<>+16(SB)/4, $2
DATA permQ<>+20(SB)/4, $6
DATA permQ<>+24(SB)/4, $3
DATA permQ<>+28(SB)/4, $7
GLOBL permQ<>(SB), RODATA|NOPTR, $32

// func roundAVX2(x *float32, blocks int, inv float32, dst *int8)
// For blocks blocks of 32 floats: dst[i] = int8(round_even(x[i]·inv)) with
// signed saturation.
TEXT ·roundAVX2(SB), NOSPLIT, $0-32
	MOVQ         x+0(FP), SI
	MOVQ         blocks+8(FP), CX
	VBROADCASTSS inv+16(FP), Y6
	MOVQ         dst+24(FP), DI
	VMOVDQU      permQ<>(SB), Y8

roundloop:
	VMULPS    (SI), Y6, Y0
	VMULPS    32(SI), Y6, Y1
	VMULPS    64(SI), Y6, Y2
	VMULPS    96(SI), Y6, Y3
	VCVTPS2DQ Y0, Y0
	VCVTPS2DQ Y1, Y1
	VCVTPS2DQ Y2, Y2
	VCVTPS2DQ Y3, Y3
	VPACKSSDW Y1, Y0, Y0 // per 128-bit lane: x0-3 x8-11 | x4-7 x12-15
	VPACKSSDW Y3, Y2, Y2
	VPACKSSWB Y2, Y0, Y0 // dwords: x0-3 x8-11 x16-19 x24-27 | x4-7 ...
	VPERMD    Y0, Y8, Y0 // back to x0 … x31
	VMOVDQU   Y0, (DI)
	ADDQ      $128, SI
	ADDQ      $32, DI
	DECQ      CX
	JNZ       roundloop
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// func peakAVX512VNNI(iters int)
// Throughput probe for the benchmarks: 12 independent VPDPBUSD zmm chains,
// no memory operands, iters times. 12 chains cover latency × pipes.
TEXT ·peakAVX512VNNI(SB), NOSPLIT, $0-8
	MOVQ   iters+0(FP), CX
	VPXORD Z20, Z20, Z20
	VPXORD Z21, Z21, Z21

peakloop:
	VPDPBUSD Z20, Z21, Z0
	VPDPBUSD Z20, Z21, Z1
	VPDPBUSD Z20, Z21, Z2
	VPDPBUSD Z20, Z21, Z3
	VPDPBUSD Z20, Z21, Z4
	VPDPBUSD Z20, Z21, Z5
	VPDPBUSD Z20, Z21, Z6
	VPDPBUSD Z20, Z21, Z7
	VPDPBUSD Z20, Z21, Z8
	VPDPBUSD Z20, Z21, Z9
	VPDPBUSD Z20, Z21, Z10
	VPDPBUSD Z20, Z21, Z11
	DECQ CX
	JNZ  peakloop
	VZEROUPPER
	RET

// PEAK2_EXACT and PEAK2_BIASED are one step of the avx2 kernel's exact and
// fast paths on 32 products, into accumulator acc (no memory traffic).
#define PEAK2_EXACT(acc, t) \
	VPSIGNB    Y8, Y12, t; \
	VPMADDUBSW t, Y10, t; \
	VPMADDWD   Y15, t, t; \
	VPADDD     t, acc, acc

#define PEAK2_BIASED(acc, t) \
	VPMADDUBSW Y12, Y8, t; \
	VPMADDWD   Y15, t, t; \
	VPADDD     t, acc, acc

// func peakAVX2Exact(iters int)
// iters×8 independent exact steps (VPSIGNB, VPMADDUBSW, VPMADDWD, VPADDD).
TEXT ·peakAVX2Exact(SB), NOSPLIT, $0-8
	MOVQ iters+0(FP), CX
	VPXOR Y8, Y8, Y8
	VPXOR Y10, Y10, Y10
	VPXOR Y12, Y12, Y12
	VPXOR Y15, Y15, Y15

peak2e:
	PEAK2_EXACT(Y0, Y9)
	PEAK2_EXACT(Y1, Y11)
	PEAK2_EXACT(Y2, Y13)
	PEAK2_EXACT(Y3, Y14)
	PEAK2_EXACT(Y4, Y9)
	PEAK2_EXACT(Y5, Y11)
	PEAK2_EXACT(Y6, Y13)
	PEAK2_EXACT(Y7, Y14)
	DECQ CX
	JNZ  peak2e
	VZEROUPPER
	RET

// func peakAVX2Biased(iters int)
// iters×8 independent fast-path steps (VPMADDUBSW, VPMADDWD, VPADDD).
TEXT ·peakAVX2Biased(SB), NOSPLIT, $0-8
	MOVQ iters+0(FP), CX
	VPXOR Y8, Y8, Y8
	VPXOR Y12, Y12, Y12
	VPXOR Y15, Y15, Y15

peak2b:
	PEAK2_BIASED(Y0, Y9)
	PEAK2_BIASED(Y1, Y11)
	PEAK2_BIASED(Y2, Y13)
	PEAK2_BIASED(Y3, Y14)
	PEAK2_BIASED(Y4, Y9)
	PEAK2_BIASED(Y5, Y11)
	PEAK2_BIASED(Y6, Y13)
	PEAK2_BIASED(Y7, Y14)
	DECQ CX
	JNZ  peak2b
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// The AVX2 epilogue. Register use:
//	DI = out, R8 = outStride bytes, SI = acc, R9 = accStride bytes,
//	CX = rows, R10 = groups, R11 = corr, R12 = scales, R13 = bias, R14 = sx,
//	DX = add, AX = column offset (bytes), BX = groups left in the row

// DQ_GROUP leaves in Y1 the 8 values at column offset AX (bytes) of the
// current row, float32(float32(float32(acc−corr)·sx)·scales) + bias, with
// the row's sx broadcast in Y0.
#define DQ_GROUP \
	VMOVDQU   (SI)(AX*1), Y1; \
	VPSUBD    (R11)(AX*1), Y1, Y1; \
	VCVTDQ2PS Y1, Y1; \
	VMULPS    Y0, Y1, Y1; \
	VMULPS    (R12)(AX*1), Y1, Y1; \
	VADDPS    (R13)(AX*1), Y1, Y1

// func dequantAVX2(out *float32, outStride int, acc *int32, accStride int, rows, groups int, corr *int32, scales *float32, bias *float32, sx *float32, add int)
// For rows rows and groups groups of 8 columns:
// v[r][j] = float32(float32(float32(acc[r][j]−corr[j])·sx[r])·scales[j]) + bias[j],
// the same IEEE operations in the same order as dequantRow (no FMA),
// stored to out[r][j], or with add ≠ 0 added to it (out[r][j] + v[r][j],
// dequantRowAdd's operations).
TEXT ·dequantAVX2(SB), NOSPLIT, $0-88
	MOVQ out+0(FP), DI
	MOVQ outStride+8(FP), R8
	SHLQ $2, R8
	MOVQ acc+16(FP), SI
	MOVQ accStride+24(FP), R9
	SHLQ $2, R9
	MOVQ rows+32(FP), CX
	MOVQ groups+40(FP), R10
	MOVQ corr+48(FP), R11
	MOVQ scales+56(FP), R12
	MOVQ bias+64(FP), R13
	MOVQ sx+72(FP), R14
	MOVQ add+80(FP), DX

dqrow:
	VBROADCASTSS (R14), Y0
	XORQ         AX, AX
	MOVQ         R10, BX
	TESTQ        DX, DX
	JNZ          dqagroup

dqgroup:
	DQ_GROUP
	VMOVUPS   Y1, (DI)(AX*1)
	ADDQ      $32, AX
	DECQ      BX
	JNZ       dqgroup
	JMP       dqnext

dqagroup:
	DQ_GROUP
	VADDPS    (DI)(AX*1), Y1, Y1
	VMOVUPS   Y1, (DI)(AX*1)
	ADDQ      $32, AX
	DECQ      BX
	JNZ       dqagroup

dqnext:
	ADDQ      R8, DI
	ADDQ      R9, SI
	ADDQ      $4, R14
	DECQ      CX
	JNZ       dqrow
	VZEROUPPER
	RET

// func roundPackAVX2(x *float32, blocks int, inv float32, dst *byte, stride int, flip uint32)
//
// roundAVX2's rounding, but each group of 4 results (one k-chunk of the
// activation layout) is XOR-ed with flip and stored at dst + j·stride for
// chunk j, straight into the packed tile instead of a row buffer.
TEXT ·roundPackAVX2(SB), NOSPLIT, $0-44
	MOVQ         x+0(FP), SI
	MOVQ         blocks+8(FP), CX
	VBROADCASTSS inv+16(FP), Y6
	MOVQ         dst+24(FP), DI
	MOVQ         stride+32(FP), R8
	MOVL         flip+40(FP), AX
	VMOVD        AX, X7
	VPBROADCASTD X7, Y7
	VMOVDQU      permQ<>(SB), Y8
	LEAQ         (R8)(R8*2), R9 // 3·stride
	LEAQ         (R8)(R8*4), R10 // 5·stride
	LEAQ         (R9)(R9*1), R11 // 6·stride
	LEAQ         (R11)(R8*1), R12 // 7·stride

rploop:
	VMULPS    (SI), Y6, Y0
	VMULPS    32(SI), Y6, Y1
	VMULPS    64(SI), Y6, Y2
	VMULPS    96(SI), Y6, Y3
	VCVTPS2DQ Y0, Y0
	VCVTPS2DQ Y1, Y1
	VCVTPS2DQ Y2, Y2
	VCVTPS2DQ Y3, Y3
	VPACKSSDW Y1, Y0, Y0
	VPACKSSDW Y3, Y2, Y2
	VPACKSSWB Y2, Y0, Y0
	VPERMD    Y0, Y8, Y0 // x0 … x31
	VPXOR     Y7, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VMOVD     X0, (DI)
	VPEXTRD   $1, X0, (DI)(R8*1)
	VPEXTRD   $2, X0, (DI)(R8*2)
	VPEXTRD   $3, X0, (DI)(R9*1)
	VMOVD     X1, (DI)(R8*4)
	VPEXTRD   $1, X1, (DI)(R10*1)
	VPEXTRD   $2, X1, (DI)(R11*1)
	VPEXTRD   $3, X1, (DI)(R12*1)
	ADDQ      $128, SI
	LEAQ      (DI)(R8*8), DI
	DECQ      CX
	JNZ       rploop
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// AVX-512 epilogue and row quantizer, used by the avx512vnni kernel.

// func dequantAddAVX512(out *float32, outStride int, acc *int32, accStride int, rows, cols int, corr *int32, scales *float32, bias *float32, sx *float32)
// For rows ≥ 1 rows and cols ≥ 1 columns:
// v[r][j] = float32(float32(float32(acc[r][j]−corr[j])·sx[r])·scales[j]) + bias[j],
// the same IEEE operations in the same order as dequantRow (no FMA), and
// out[r][j] = out[r][j] + v[r][j] (the residual form; the plain epilogue
// stays on dequantAVX2, which measured faster). Columns go in
// blocks of 32 (one kernel panel), two 16-lane halves under the lane masks
// K1 and K2, so nothing past cols is read or written; each block keeps its
// corr, scales and bias in Z1..Z3 and Z8..Z10 while it walks the rows, row
// by row, so that each output row is written once, contiguously.
TEXT ·dequantAddAVX512(SB), NOSPLIT, $0-80
	MOVQ out+0(FP), DI
	MOVQ outStride+8(FP), R8
	SHLQ $2, R8
	MOVQ acc+16(FP), SI
	MOVQ accStride+24(FP), R9
	SHLQ $2, R9
	MOVQ cols+40(FP), R10
	MOVQ corr+48(FP), R11
	MOVQ scales+56(FP), R12
	MOVQ bias+64(FP), R13
	MOVQ sx+72(FP), R14

dq5block:
	MOVL $0xFFFFFFFF, BX
	CMPQ R10, $32
	JGE  dq5mask
	MOVQ R10, CX
	MOVL $1, BX
	SHLL CX, BX
	DECL BX // (1 << cols) − 1

dq5mask:
	KMOVW       BX, K1
	SHRL        $16, BX
	KMOVW       BX, K2
	VMOVDQU32.Z (R11), K1, Z1 // corr, columns 0-15
	VMOVUPS.Z   (R12), K1, Z2 // scales
	VMOVUPS.Z   (R13), K1, Z3 // bias
	VMOVDQU32.Z 64(R11), K2, Z8 // the same for columns 16-31
	VMOVUPS.Z   64(R12), K2, Z9
	VMOVUPS.Z   64(R13), K2, Z10
	MOVQ        rows+32(FP), CX
	MOVQ        DI, AX
	MOVQ        SI, BX
	MOVQ        R14, DX

dq5addrow:
	VBROADCASTSS (DX), Z0
	VMOVDQU32.Z  (BX), K1, Z4
	VMOVDQU32.Z  64(BX), K2, Z5
	VPSUBD       Z1, Z4, Z4
	VPSUBD       Z8, Z5, Z5
	VCVTDQ2PS    Z4, Z4
	VCVTDQ2PS    Z5, Z5
	VMULPS       Z0, Z4, Z4
	VMULPS       Z0, Z5, Z5
	VMULPS       Z2, Z4, Z4
	VMULPS       Z9, Z5, Z5
	VADDPS       Z3, Z4, Z4
	VADDPS       Z10, Z5, Z5
	VMOVUPS.Z    (AX), K1, Z6
	VMOVUPS.Z    64(AX), K2, Z7
	VADDPS       Z6, Z4, Z4 // out + v
	VADDPS       Z7, Z5, Z5
	VMOVUPS      Z4, K1, (AX)
	VMOVUPS      Z5, K2, 64(AX)
	ADDQ         R8, AX
	ADDQ         R9, BX
	ADDQ         $4, DX
	DECQ         CX
	JNZ          dq5addrow

dq5next:
	ADDQ $128, DI
	ADDQ $128, SI
	ADDQ $128, R11
	ADDQ $128, R12
	ADDQ $128, R13
	SUBQ $32, R10
	JG   dq5block
	VZEROUPPER
	RET

// func absMaxAVX512(x *float32, n int) (amax float32, nan bool)
// For n ≥ 1 floats: amax = max |x[i]| and nan = whether some x[i] is NaN
// (the max itself may then be anything). Blocks of 16 floats, the last
// partial block under a lane mask (masked-off lanes read as 0).
TEXT ·absMaxAVX512(SB), NOSPLIT, $0-21
	MOVQ     x+0(FP), SI
	MOVQ     n+8(FP), CX
	MOVL     $0x7FFFFFFF, AX
	VPBROADCASTD AX, Z5 // clears the sign bit
	VPXORD   Z0, Z0, Z0
	VPXORD   Z1, Z1, Z1
	KXORW    K3, K3, K3 // OR of the NaN masks
	CMPQ     CX, $32
	JLT      am5one

am5two:
	VMOVUPS  (SI), Z2
	VMOVUPS  64(SI), Z3
	VCMPPS   $3, Z2, Z2, K1 // UNORD_Q: NaN lanes
	VCMPPS   $3, Z3, Z3, K2
	KORW     K1, K3, K3
	KORW     K2, K3, K3
	VPANDD   Z5, Z2, Z2
	VPANDD   Z5, Z3, Z3
	VMAXPS   Z2, Z0, Z0
	VMAXPS   Z3, Z1, Z1
	ADDQ     $128, SI
	SUBQ     $32, CX
	CMPQ     CX, $32
	JGE      am5two

am5one:
	CMPQ     CX, $16
	JLT      am5tail
	VMOVUPS  (SI), Z2
	VCMPPS   $3, Z2, Z2, K1
	KORW     K1, K3, K3
	VPANDD   Z5, Z2, Z2
	VMAXPS   Z2, Z0, Z0
	ADDQ     $64, SI
	SUBQ     $16, CX

am5tail:
	TESTQ    CX, CX
	JZ       am5reduce
	MOVL     $1, BX
	SHLL     CX, BX
	DECL     BX
	KMOVW    BX, K1
	VMOVUPS.Z (SI), K1, Z2
	VCMPPS   $3, Z2, Z2, K2
	KORW     K2, K3, K3
	VPANDD   Z5, Z2, Z2
	VMAXPS   Z2, Z1, Z1

am5reduce:
	VMAXPS        Z1, Z0, Z0
	VEXTRACTF64X4 $1, Z0, Y1
	VMAXPS        Y1, Y0, Y0
	VEXTRACTF128  $1, Y0, X1
	VMAXPS        X1, X0, X0
	VPSHUFD       $0x4E, X0, X1
	VMAXPS        X1, X0, X0
	VPSHUFD       $0xB1, X0, X1
	VMAXPS        X1, X0, X0
	VMOVSS        X0, amax+16(FP)
	KMOVW         K3, AX
	TESTL         AX, AX
	SETNE         nan+20(FP)
	VZEROUPPER
	RET

// func roundPackAVX512(x *float32, blocks int, inv float32, dst *byte, stride int, flip uint32)
// For blocks blocks of 16 floats: q = int8(round_even(x[i]·inv)) with
// signed saturation (VPMOVSDB), each 4-value k-chunk j XOR-ed with flip and
// stored at dst + j·stride, as roundPackAVX2.
TEXT ·roundPackAVX512(SB), NOSPLIT, $0-44
	MOVQ         x+0(FP), SI
	MOVQ         blocks+8(FP), CX
	VBROADCASTSS inv+16(FP), Z6
	MOVQ         dst+24(FP), DI
	MOVQ         stride+32(FP), R8
	MOVL         flip+40(FP), AX
	VMOVD        AX, X7
	VPBROADCASTD X7, X7
	LEAQ         (R8)(R8*2), R9 // 3·stride

rp5loop:
	VMULPS    (SI), Z6, Z0
	VCVTPS2DQ Z0, Z0
	VPMOVSDB  Z0, X0
	VPXOR     X7, X0, X0
	VMOVD     X0, (DI)
	VPEXTRD   $1, X0, (DI)(R8*1)
	VPEXTRD   $2, X0, (DI)(R8*2)
	VPEXTRD   $3, X0, (DI)(R9*1)
	ADDQ      $64, SI
	LEAQ      (DI)(R8*4), DI
	DECQ      CX
	JNZ       rp5loop
	VZEROUPPER
	RET

// func prefetchT0(p *int8, lines int)
// PREFETCHT0 of lines ≥ 1 cache lines of 64 bytes from p on.
TEXT ·prefetchT0(SB), NOSPLIT, $0-16
	MOVQ p+0(FP), SI
	MOVQ lines+8(FP), CX

pfloop:
	PREFETCHT0 (SI)
	ADDQ       $64, SI
	DECQ       CX
	JNZ        pfloop
	RET

// ---------------------------------------------------------------------------
// Whole-tile quantizer for avx512vnni (mr = 8, ca = 4). After rounding 16
// k values of each of the 8 rows, the rows' bytes (row r: dwords j = 0..3,
// one per 4-value k-chunk) sit in two registers, rows 0-3 and rows 4-7 one
// per 128-bit lane; VPERMT2D with the tables below moves dword (r, j) to
// position j·8 + r, the packed layout of chunks 0-1 and 2-3: 128
// contiguous bytes, two stores instead of 32 scattered ones.

DATA tileIdx01<>+0(SB)/4, $0
DATA tileIdx01<>+4(SB)/4, $4
DATA tileIdx01<>+8(SB)/4, $8
DATA tileIdx01<>+12(SB)/4, $12
DATA tileIdx01<>+16(SB)/4, $16
DATA tileIdx01<>+20(SB)/4, $20
DATA tileIdx01<>+24(SB)/4, $24
DATA tileIdx01<>+28(SB)/4, $28
DATA tileIdx01<>+32(SB)/4, $1
DATA tileIdx01<>+36(SB)/4, $5
DATA tileIdx01<>+40(SB)/4, $9
DATA tileIdx01<>+44(SB)/4, $13
DATA tileIdx01<>+48(SB)/4, $17
DATA tileIdx01<>+52(SB)/4, $21
DATA tileIdx01<>+56(SB)/4, $25
DATA tileIdx01<>+60(SB)/4, $29
GLOBL tileIdx01<>(SB), RODATA|NOPTR, $64

DATA tileIdx23<>+0(SB)/4, $2
DATA tileIdx23<>+4(SB)/4, $6
DATA tileIdx23<>+8(SB)/4, $10
DATA tileIdx23<>+12(SB)/4, $14
DATA tileIdx23<>+16(SB)/4, $18
DATA tileIdx23<>+20(SB)/4, $22
DATA tileIdx23<>+24(SB)/4, $26
DATA tileIdx23<>+28(SB)/4, $30
DATA tileIdx23<>+32(SB)/4, $3
DATA tileIdx23<>+36(SB)/4, $7
DATA tileIdx23<>+40(SB)/4, $11
DATA tileIdx23<>+44(SB)/4, $15
DATA tileIdx23<>+48(SB)/4, $19
DATA tileIdx23<>+52(SB)/4, $23
DATA tileIdx23<>+56(SB)/4, $27
DATA tileIdx23<>+60(SB)/4, $31
GLOBL tileIdx23<>(SB), RODATA|NOPTR, $64

// func roundPackTileAVX512(x *float32, ldx, blocks int, inv *[8]float32, dst *byte, flip uint32)
// For 8 rows (row i at x + i·ldx floats) and blocks blocks of 16 values:
// q = int8(round_even(x[i][k]·inv[i])) with signed saturation, XOR-ed with
// flip, in the packed tile layout: the 128 bytes of block b at dst + b·128,
// value k = 16b + 4j + u of row i at byte j·32 + i·4 + u.
TEXT ·roundPackTileAVX512(SB), NOSPLIT, $0-44
	MOVQ         x+0(FP), SI
	MOVQ         ldx+8(FP), R8
	SHLQ         $2, R8
	MOVQ         blocks+16(FP), CX
	MOVQ         inv+24(FP), AX
	MOVQ         dst+32(FP), DI
	VBROADCASTSS 0(AX), Z8
	VBROADCASTSS 4(AX), Z9
	VBROADCASTSS 8(AX), Z10
	VBROADCASTSS 12(AX), Z11
	VBROADCASTSS 16(AX), Z12
	VBROADCASTSS 20(AX), Z13
	VBROADCASTSS 24(AX), Z14
	VBROADCASTSS 28(AX), Z15
	MOVL         flip+40(FP), AX
	VPBROADCASTD AX, Z21
	VMOVDQU32    tileIdx01<>(SB), Z16
	VMOVDQU32    tileIdx23<>(SB), Z20
	LEAQ         (R8)(R8*2), R9  // 3 rows
	LEAQ         (R8)(R8*4), R10 // 5 rows
	LEAQ         (R9)(R9*1), R11 // 6 rows
	LEAQ         (R11)(R8*1), R12 // 7 rows

rpt5loop:
	VMULPS       (SI), Z8, Z0
	VMULPS       (SI)(R8*1), Z9, Z1
	VMULPS       (SI)(R8*2), Z10, Z2
	VMULPS       (SI)(R9*1), Z11, Z3
	VMULPS       (SI)(R8*4), Z12, Z4
	VMULPS       (SI)(R10*1), Z13, Z5
	VMULPS       (SI)(R11*1), Z14, Z6
	VMULPS       (SI)(R12*1), Z15, Z7
	VCVTPS2DQ    Z0, Z0
	VCVTPS2DQ    Z1, Z1
	VCVTPS2DQ    Z2, Z2
	VCVTPS2DQ    Z3, Z3
	VCVTPS2DQ    Z4, Z4
	VCVTPS2DQ    Z5, Z5
	VCVTPS2DQ    Z6, Z6
	VCVTPS2DQ    Z7, Z7
	VPMOVSDB     Z0, X0
	VPMOVSDB     Z1, X1
	VPMOVSDB     Z2, X2
	VPMOVSDB     Z3, X3
	VPMOVSDB     Z4, X4
	VPMOVSDB     Z5, X5
	VPMOVSDB     Z6, X6
	VPMOVSDB     Z7, X7
	VINSERTI32X4 $1, X1, Z0, Z0
	VINSERTI32X4 $2, X2, Z0, Z0
	VINSERTI32X4 $3, X3, Z0, Z0 // rows 0-3, one per lane
	VINSERTI32X4 $1, X5, Z4, Z4
	VINSERTI32X4 $2, X6, Z4, Z4
	VINSERTI32X4 $3, X7, Z4, Z4 // rows 4-7
	VMOVDQA64    Z0, Z17
	VPERMT2D     Z4, Z16, Z0  // chunks 0-1 of the 8 rows
	VPERMT2D     Z4, Z20, Z17 // chunks 2-3
	VPXORD       Z21, Z0, Z0
	VPXORD       Z21, Z17, Z17
	VMOVDQU32    Z0, (DI)
	VMOVDQU32    Z17, 64(DI)
	ADDQ         $64, SI
	ADDQ         $128, DI
	DECQ         CX
	JNZ          rpt5loop
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// AMX (Sapphire Rapids and later): 16×32 tiles computed in tile registers.
// The Go assembler knows no AMX instruction, so each is written as BYTE
// directives with its mnemonic (GNU as, AT&T operand order) beside it;
// TestAMXEncodings checks every line against GNU objdump's bytes.
// Tiles: TMM0-TMM3 accumulate (rows 0-15 | 16-31 of a row-tile pair ×
// columns 0-15 | 16-31 of the panel), TMM4/TMM5 the activation tiles of the
// two row-tiles (16 rows × 64 k bytes, stride 64), TMM6/TMM7 the weight
// panel's two 16-column halves (16 k-groups × 64 bytes, stride 128). All
// are 16 rows of 64 bytes (amxTileConfig).

// func gemmDeqAMX(a *byte, b *int8, tiles, kblocks int, cfg *[64]byte, scratch *int32, out *float32, outStride int, corr *int32, scales, bias, sx *float32, add int)
// a: tiles row-tiles of 16 rows, each kblocks blocks of 16×64 bytes; b: one
// 32-column panel, kblocks blocks of 16 k-groups × 128 bytes. Each finished
// row-tile pair (or last single row-tile) goes from the tiles to scratch
// (int32, 128-byte rows). With out ≠ nil scratch is one 32×32 block, still
// in L1, dequantized from there row by row (DEQ512) into out, rows
// outStride floats apart (added into out when add ≠ 0); with out = nil
// scratch is the whole (tiles·16)×32 int32 result, each block stored after
// the last, and corr, scales, bias and sx are not read. Z26..Z31 hold the
// panel's corr, scales and bias; R12 walks sx; AX is the next output row;
// R13 = 128, the weight and scratch stride; R11 = 64, the activation
// stride, while tiles compute, and the output stride in bytes while rows
// are dequantized.
TEXT ·gemmDeqAMX(SB), NOSPLIT, $0-104
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ tiles+16(FP), CX
	MOVQ cfg+32(FP), AX
	BYTE $0xc4; BYTE $0xe2; BYTE $0x78; BYTE $0x49; BYTE $0x00 // ldtilecfg (%rax)
	MOVQ scratch+40(FP), DX
	MOVQ $128, R13
	MOVQ out+48(FP), AX
	TESTQ AX, AX
	JZ    dAmxPair
	MOVQ corr+64(FP), AX
	VMOVDQU32 (AX), Z26
	VMOVDQU32 64(AX), Z27
	MOVQ scales+72(FP), AX
	VMOVUPS (AX), Z28
	VMOVUPS 64(AX), Z29
	MOVQ bias+80(FP), AX
	VMOVUPS (AX), Z30
	VMOVUPS 64(AX), Z31
	MOVQ sx+88(FP), R12
	MOVQ out+48(FP), AX

dAmxPair:
	CMPQ CX, $2
	JLT  dAmxSingle
	BYTE $0xc4; BYTE $0xe2; BYTE $0x7b; BYTE $0x49; BYTE $0xc0 // tilezero %tmm0
	BYTE $0xc4; BYTE $0xe2; BYTE $0x7b; BYTE $0x49; BYTE $0xc8 // tilezero %tmm1
	BYTE $0xc4; BYTE $0xe2; BYTE $0x7b; BYTE $0x49; BYTE $0xd0 // tilezero %tmm2
	BYTE $0xc4; BYTE $0xe2; BYTE $0x7b; BYTE $0x49; BYTE $0xd8 // tilezero %tmm3
	MOVQ $64, R11
	MOVQ kblocks+24(FP), BX
	MOVQ SI, R8
	MOVQ BX, R9
	SHLQ $10, R9
	ADDQ SI, R9
	MOVQ DI, R10

dAmxKPair:
	BYTE $0xc4; BYTE $0x82; BYTE $0x7b; BYTE $0x4b; BYTE $0x24; BYTE $0x18 // tileloadd (%r8,%r11,1),%tmm4
	BYTE $0xc4; BYTE $0x82; BYTE $0x7b; BYTE $0x4b; BYTE $0x34; BYTE $0x2a // tileloadd (%r10,%r13,1),%tmm6
	BYTE $0xc4; BYTE $0x82; BYTE $0x7b; BYTE $0x4b; BYTE $0x7c; BYTE $0x2a; BYTE $0x40 // tileloadd 0x40(%r10,%r13,1),%tmm7
	BYTE $0xc4; BYTE $0xe2; BYTE $0x49; BYTE $0x5e; BYTE $0xc4 // tdpbusd %tmm6,%tmm4,%tmm0
	BYTE $0xc4; BYTE $0x82; BYTE $0x7b; BYTE $0x4b; BYTE $0x2c; BYTE $0x19 // tileloadd (%r9,%r11,1),%tmm5
	BYTE $0xc4; BYTE $0xe2; BYTE $0x41; BYTE $0x5e; BYTE $0xcc // tdpbusd %tmm7,%tmm4,%tmm1
	BYTE $0xc4; BYTE $0xe2; BYTE $0x49; BYTE $0x5e; BYTE $0xd5 // tdpbusd %tmm6,%tmm5,%tmm2
	BYTE $0xc4; BYTE $0xe2; BYTE $0x41; BYTE $0x5e; BYTE $0xdd // tdpbusd %tmm7,%tmm5,%tmm3
	ADDQ $1024, R8
	ADDQ $1024, R9
	ADDQ $2048, R10
	DECQ BX
	JNZ  dAmxKPair
	MOVQ R9, SI
	BYTE $0xc4; BYTE $0xa2; BYTE $0x7a; BYTE $0x4b; BYTE $0x04; BYTE $0x2a // tilestored %tmm0,(%rdx,%r13,1)
	BYTE $0xc4; BYTE $0xa2; BYTE $0x7a; BYTE $0x4b; BYTE $0x4c; BYTE $0x2a; BYTE $0x40 // tilestored %tmm1,0x40(%rdx,%r13,1)
	BYTE $0xc4; BYTE $0xa2; BYTE $0x7a; BYTE $0x4b; BYTE $0x94; BYTE $0x2a; BYTE $0x00; BYTE $0x08; BYTE $0x00; BYTE $0x00 // tilestored %tmm2,0x800(%rdx,%r13,1)
	BYTE $0xc4; BYTE $0xa2; BYTE $0x7a; BYTE $0x4b; BYTE $0x9c; BYTE $0x2a; BYTE $0x40; BYTE $0x08; BYTE $0x00; BYTE $0x00 // tilestored %tmm3,0x840(%rdx,%r13,1)
	MOVQ $32, R9
	SUBQ $2, CX
	JMP  dAmxDeq

dAmxSingle:
	TESTQ CX, CX
	JZ    dAmxDone
	BYTE $0xc4; BYTE $0xe2; BYTE $0x7b; BYTE $0x49; BYTE $0xc0 // tilezero %tmm0
	BYTE $0xc4; BYTE $0xe2; BYTE $0x7b; BYTE $0x49; BYTE $0xc8 // tilezero %tmm1
	MOVQ $64, R11
	MOVQ kblocks+24(FP), BX
	MOVQ SI, R8
	MOVQ DI, R10

dAmxKSingle:
	BYTE $0xc4; BYTE $0x82; BYTE $0x7b; BYTE $0x4b; BYTE $0x24; BYTE $0x18 // tileloadd (%r8,%r11,1),%tmm4
	BYTE $0xc4; BYTE $0x82; BYTE $0x7b; BYTE $0x4b; BYTE $0x34; BYTE $0x2a // tileloadd (%r10,%r13,1),%tmm6
	BYTE $0xc4; BYTE $0x82; BYTE $0x7b; BYTE $0x4b; BYTE $0x7c; BYTE $0x2a; BYTE $0x40 // tileloadd 0x40(%r10,%r13,1),%tmm7
	BYTE $0xc4; BYTE $0xe2; BYTE $0x49; BYTE $0x5e; BYTE $0xc4 // tdpbusd %tmm6,%tmm4,%tmm0
	BYTE $0xc4; BYTE $0xe2; BYTE $0x41; BYTE $0x5e; BYTE $0xcc // tdpbusd %tmm7,%tmm4,%tmm1
	ADDQ $1024, R8
	ADDQ $2048, R10
	DECQ BX
	JNZ  dAmxKSingle
	BYTE $0xc4; BYTE $0xa2; BYTE $0x7a; BYTE $0x4b; BYTE $0x04; BYTE $0x2a // tilestored %tmm0,(%rdx,%r13,1)
	BYTE $0xc4; BYTE $0xa2; BYTE $0x7a; BYTE $0x4b; BYTE $0x4c; BYTE $0x2a; BYTE $0x40 // tilestored %tmm1,0x40(%rdx,%r13,1)
	MOVQ $16, R9
	XORQ CX, CX

dAmxDeq: // R9 rows of scratch (DX) into out (AX), or on to the next block
	TESTQ AX, AX
	JNZ   dAmxDeqRows
	SHLQ  $7, R9
	ADDQ  R9, DX
	JMP   dAmxPair

dAmxDeqRows:
	MOVQ outStride+56(FP), R11
	SHLQ $2, R11
	MOVQ DX, R8
	CMPQ add+96(FP), $0
	JNE  dAmxAddRows

dAmxRows:
	VMOVDQU32 (R8), Z0
	VMOVDQU32 64(R8), Z1
	DEQ512(Z0, Z1)
	STORE512(Z0, Z1)
	ADDQ $128, R8
	DECQ R9
	JNZ  dAmxRows
	JMP  dAmxPair

dAmxAddRows:
	VMOVDQU32 (R8), Z0
	VMOVDQU32 64(R8), Z1
	DEQ512(Z0, Z1)
	ADDSTORE512(Z0, Z1)
	ADDQ $128, R8
	DECQ R9
	JNZ  dAmxAddRows
	JMP  dAmxPair

dAmxDone:
	BYTE $0xc4; BYTE $0xe2; BYTE $0x78; BYTE $0x49; BYTE $0xc0 // tilerelease
	VZEROUPPER
	RET

// func roundPack64AVX512(x *float32, chunks int, inv float32, dst *byte, stride int, flip uint32)
// For chunks chunks of 64 floats: q = int8(round_even(x[i]·inv)) with
// signed saturation (VPMOVSDB), XOR-ed with flip, the chunk's 64 bytes
// stored at dst + j·stride: the amx activation layout.
TEXT ·roundPack64AVX512(SB), NOSPLIT, $0-44
	MOVQ         x+0(FP), SI
	MOVQ         chunks+8(FP), CX
	VBROADCASTSS inv+16(FP), Z6
	MOVQ         dst+24(FP), DI
	MOVQ         stride+32(FP), R8
	MOVL         flip+40(FP), AX
	VMOVD        AX, X7
	VPBROADCASTD X7, X7

rp64loop:
	VMULPS    (SI), Z6, Z0
	VMULPS    64(SI), Z6, Z1
	VMULPS    128(SI), Z6, Z2
	VMULPS    192(SI), Z6, Z3
	VCVTPS2DQ Z0, Z0
	VCVTPS2DQ Z1, Z1
	VCVTPS2DQ Z2, Z2
	VCVTPS2DQ Z3, Z3
	VPMOVSDB  Z0, X0
	VPMOVSDB  Z1, X1
	VPMOVSDB  Z2, X2
	VPMOVSDB  Z3, X3
	VPXOR     X7, X0, X0
	VPXOR     X7, X1, X1
	VPXOR     X7, X2, X2
	VPXOR     X7, X3, X3
	VMOVDQU   X0, (DI)
	VMOVDQU   X1, 16(DI)
	VMOVDQU   X2, 32(DI)
	VMOVDQU   X3, 48(DI)
	ADDQ      $256, SI
	ADDQ      R8, DI
	DECQ      CX
	JNZ       rp64loop
	VZEROUPPER
	RET

// keepLanes[e], for the 2 bits of e (one per 128-bit lane), keeps a
// lane's bytes where its bit is clear and zeroes them where it is set.
DATA keepLanes<>+0(SB)/8, $-1
DATA keepLanes<>+8(SB)/8, $-1
DATA keepLanes<>+16(SB)/8, $-1
DATA keepLanes<>+24(SB)/8, $-1
DATA keepLanes<>+32(SB)/8, $0
DATA keepLanes<>+40(SB)/8, $0
DATA keepLanes<>+48(SB)/8, $-1
DATA keepLanes<>+56(SB)/8, $-1
DATA keepLanes<>+64(SB)/8, $-1
DATA keepLanes<>+72(SB)/8, $-1
DATA keepLanes<>+80(SB)/8, $0
DATA keepLanes<>+88(SB)/8, $0
DATA keepLanes<>+96(SB)/8, $0
DATA keepLanes<>+104(SB)/8, $0
DATA keepLanes<>+112(SB)/8, $0
DATA keepLanes<>+120(SB)/8, $0
GLOBL keepLanes<>(SB), RODATA|NOPTR, $128

// func tileInfoAVX2(tile *byte, blocks int, flags *int32, lanes *[8]int32)
//
// The whole k-blocks of avx2TileInfo: for each of blocks blocks of 64
// bytes (4 k-groups of a 4-row tile), flags[b] = 1 when every byte pair
// has |a0|+|a1| ≤ 128, 2 when moreover each row's pairs in the same slot
// (k ≡ 0, 1 or k ≡ 2, 3 mod 4) sum to ≤ 128 over the 4 groups, else 0; lanes gets, over the flagged blocks,
// Σa per dword lane (lane l: row l%4 of the groups in that half).
// Y15 = bytes of 1, Y14 = int16 ones, Y13 = int16 128, Y12 = the lane sums.
// A block with a pair over 128 gets 0 when every one of its 4 k-groups
// has one, else 16 | bits, bit g set for each group g that has one; the
// other groups' Σa go to lanes.
TEXT ·tileInfoAVX2(SB), NOSPLIT, $0-32
	MOVQ tile+0(FP), SI
	MOVQ blocks+8(FP), CX
	MOVQ flags+16(FP), DI
	MOVQ lanes+24(FP), DX
	VPCMPEQW Y14, Y14, Y14
	VPSRLW   $15, Y14, Y14 // int16 1
	VPACKUSWB Y14, Y14, Y15 // bytes of 1
	VPSLLW   $7, Y14, Y13 // int16 128
	VPXOR    Y12, Y12, Y12

tiloop:
	VMOVDQU    (SI), Y0
	VMOVDQU    32(SI), Y1
	VPABSB     Y0, Y2
	VPABSB     Y1, Y3
	VPMADDUBSW Y15, Y2, Y2 // |a0|+|a1| per pair (u8 |a| · 1)
	VPMADDUBSW Y15, Y3, Y3
	VPADDW     Y3, Y2, Y4 // per (row, pair slot): groups 0+2 | 1+3
	VEXTRACTI128 $1, Y4, X5
	VPADDW     X5, X4, X4 // … over all 4 groups
	VPCMPGTW   Y13, Y2, Y2 // > 128
	VPCMPGTW   Y13, Y3, Y3
	VPOR       Y3, Y2, Y6
	XORL       AX, AX
	VPTEST     Y6, Y6
	JNZ        timixed
	MOVL       $1, AX
	VPCMPGTW   X13, X4, X4
	VPTEST     X4, X4
	JNZ        tisum
	MOVL       $2, AX

tisum:
	VPMADDUBSW Y0, Y15, Y0 // a0+a1 per pair (1 · s8 a)
	VPMADDUBSW Y1, Y15, Y1
	VPMADDWD   Y14, Y0, Y0 // Σ of 4 per dword
	VPMADDWD   Y14, Y1, Y1
	VPADDD     Y0, Y12, Y12
	VPADDD     Y1, Y12, Y12

tiflag:
	MOVL AX, (DI)
	ADDQ $64, SI
	ADDQ $4, DI
	DECQ CX
	JNZ  tiloop
	VMOVDQU Y12, (DX)
	VZEROUPPER
	RET

	// Some pair is over 128: AX gets bit g for each k-group g (16
	// bytes, a 128-bit lane of Y0 or Y1) that holds one. All four:
	// flag 0. Otherwise flag 16 | bits, and the other groups' Σa join
	// the lane sums (the exact groups' lanes zeroed by keepLanes).
timixed:
	VPMOVMSKB Y2, R8 // groups 0 (bits 0-15) and 1 (16-31)
	VPMOVMSKB Y3, R9 // groups 2 and 3
	TESTL     $0xffff, R8
	JZ        2(PC)
	ORL       $1, AX
	SHRL      $16, R8
	JZ        2(PC)
	ORL       $2, AX
	TESTL     $0xffff, R9
	JZ        2(PC)
	ORL       $4, AX
	SHRL      $16, R9
	JZ        2(PC)
	ORL       $8, AX
	CMPL      AX, $15
	JNE       timask
	XORL      AX, AX
	JMP       tiflag

timask:
	LEAQ      keepLanes<>(SB), R12
	MOVL      AX, R11
	ANDL      $3, R11
	SHLL      $5, R11
	VPAND     (R12)(R11*1), Y0, Y0
	MOVL      AX, R11
	SHRL      $2, R11
	SHLL      $5, R11
	VPAND     (R12)(R11*1), Y1, Y1
	ORL       $16, AX
	JMP       tisum
