//go:build !purego

#include "textflag.h"
#include "bf16_amd64.h"

// Word indices for VPERMT2W that interleave two rows of 32 bfloat16
// values (table 1 = row 2p, table 2 = row 2p+1) into the pairs of
// lanes 0-15 (bf16pairLo) and 16-31 (bf16pairHi).
DATA bf16pairLo<>+0(SB)/4, $0x00200000
DATA bf16pairLo<>+4(SB)/4, $0x00210001
DATA bf16pairLo<>+8(SB)/4, $0x00220002
DATA bf16pairLo<>+12(SB)/4, $0x00230003
DATA bf16pairLo<>+16(SB)/4, $0x00240004
DATA bf16pairLo<>+20(SB)/4, $0x00250005
DATA bf16pairLo<>+24(SB)/4, $0x00260006
DATA bf16pairLo<>+28(SB)/4, $0x00270007
DATA bf16pairLo<>+32(SB)/4, $0x00280008
DATA bf16pairLo<>+36(SB)/4, $0x00290009
DATA bf16pairLo<>+40(SB)/4, $0x002a000a
DATA bf16pairLo<>+44(SB)/4, $0x002b000b
DATA bf16pairLo<>+48(SB)/4, $0x002c000c
DATA bf16pairLo<>+52(SB)/4, $0x002d000d
DATA bf16pairLo<>+56(SB)/4, $0x002e000e
DATA bf16pairLo<>+60(SB)/4, $0x002f000f
GLOBL bf16pairLo<>(SB), RODATA|NOPTR, $64

DATA bf16pairHi<>+0(SB)/4, $0x00300010
DATA bf16pairHi<>+4(SB)/4, $0x00310011
DATA bf16pairHi<>+8(SB)/4, $0x00320012
DATA bf16pairHi<>+12(SB)/4, $0x00330013
DATA bf16pairHi<>+16(SB)/4, $0x00340014
DATA bf16pairHi<>+20(SB)/4, $0x00350015
DATA bf16pairHi<>+24(SB)/4, $0x00360016
DATA bf16pairHi<>+28(SB)/4, $0x00370017
DATA bf16pairHi<>+32(SB)/4, $0x00380018
DATA bf16pairHi<>+36(SB)/4, $0x00390019
DATA bf16pairHi<>+40(SB)/4, $0x003a001a
DATA bf16pairHi<>+44(SB)/4, $0x003b001b
DATA bf16pairHi<>+48(SB)/4, $0x003c001c
DATA bf16pairHi<>+52(SB)/4, $0x003d001d
DATA bf16pairHi<>+56(SB)/4, $0x003e001e
DATA bf16pairHi<>+60(SB)/4, $0x003f001f
GLOBL bf16pairHi<>(SB), RODATA|NOPTR, $64

// func bf16Micro8x32(a *uint32, lda int, b *uint32, c *float32, ldc, kp, acc int)
//
// The 8×32 fp32 tile at c (row stride ldc floats) gets, for r < 8, j < 32,
//
//	Σ_{p<kp} a[r·lda+p]·b[p·32+j]
//
// where each uint32 is a pair of bfloat16 values (low word first) and a
// product of pairs is their dot product (VDPBF16PS), plus c's own value
// when acc ≠ 0. Rows r of A are read in place, lda pairs apart; b is a
// packed panel of 32 pair lanes per step. kp ≥ 1. Accumulators: row r in
// Z(2r) (lanes 0-15) and Z(2r+1) (16-31); the panel step in Z16, Z17; the
// eight broadcast pairs in Z18-Z25.
TEXT ·bf16Micro8x32(SB), NOSPLIT, $0-56
	MOVQ a+0(FP), AX
	MOVQ lda+8(FP), R10
	MOVQ b+16(FP), BX
	MOVQ c+24(FP), DI
	MOVQ ldc+32(FP), R8
	MOVQ kp+40(FP), CX
	SHLQ $2, R10
	SHLQ $2, R8
	LEAQ (R10)(R10*2), R11
	LEAQ (AX)(R10*4), R12
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15

bf16m_loop:
	VMOVUPS      (BX), Z16
	VMOVUPS      64(BX), Z17
	VPBROADCASTD (AX), Z18
	VPBROADCASTD (AX)(R10*1), Z19
	VPBROADCASTD (AX)(R10*2), Z20
	VPBROADCASTD (AX)(R11*1), Z21
	VPBROADCASTD (R12), Z22
	VPBROADCASTD (R12)(R10*1), Z23
	VPBROADCASTD (R12)(R10*2), Z24
	VPBROADCASTD (R12)(R11*1), Z25
	VDPBF16PS(0, 18, 16)
	VDPBF16PS(1, 18, 17)
	VDPBF16PS(2, 19, 16)
	VDPBF16PS(3, 19, 17)
	VDPBF16PS(4, 20, 16)
	VDPBF16PS(5, 20, 17)
	VDPBF16PS(6, 21, 16)
	VDPBF16PS(7, 21, 17)
	VDPBF16PS(8, 22, 16)
	VDPBF16PS(9, 22, 17)
	VDPBF16PS(10, 23, 16)
	VDPBF16PS(11, 23, 17)
	VDPBF16PS(12, 24, 16)
	VDPBF16PS(13, 24, 17)
	VDPBF16PS(14, 25, 16)
	VDPBF16PS(15, 25, 17)
	ADDQ $4, AX
	ADDQ $4, R12
	ADDQ $128, BX
	DECQ CX
	JNZ  bf16m_loop

	MOVQ acc+48(FP), DX
	LEAQ (R8)(R8*2), R11
	LEAQ (DI)(R8*4), R12
	TESTQ DX, DX
	JZ   bf16m_store
	VADDPS (DI), Z0, Z0
	VADDPS 64(DI), Z1, Z1
	VADDPS (DI)(R8*1), Z2, Z2
	VADDPS 64(DI)(R8*1), Z3, Z3
	VADDPS (DI)(R8*2), Z4, Z4
	VADDPS 64(DI)(R8*2), Z5, Z5
	VADDPS (DI)(R11*1), Z6, Z6
	VADDPS 64(DI)(R11*1), Z7, Z7
	VADDPS (R12), Z8, Z8
	VADDPS 64(R12), Z9, Z9
	VADDPS (R12)(R8*1), Z10, Z10
	VADDPS 64(R12)(R8*1), Z11, Z11
	VADDPS (R12)(R8*2), Z12, Z12
	VADDPS 64(R12)(R8*2), Z13, Z13
	VADDPS (R12)(R11*1), Z14, Z14
	VADDPS 64(R12)(R11*1), Z15, Z15

bf16m_store:
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, (DI)(R8*1)
	VMOVUPS Z3, 64(DI)(R8*1)
	VMOVUPS Z4, (DI)(R8*2)
	VMOVUPS Z5, 64(DI)(R8*2)
	VMOVUPS Z6, (DI)(R11*1)
	VMOVUPS Z7, 64(DI)(R11*1)
	VMOVUPS Z8, (R12)
	VMOVUPS Z9, 64(R12)
	VMOVUPS Z10, (R12)(R8*1)
	VMOVUPS Z11, 64(R12)(R8*1)
	VMOVUPS Z12, (R12)(R8*2)
	VMOVUPS Z13, 64(R12)(R8*2)
	VMOVUPS Z14, (R12)(R11*1)
	VMOVUPS Z15, 64(R12)(R11*1)
	VZEROUPPER
	RET

// func bf16RowsAVX512(dst *uint16, ldd int, src *float32, lds, rows, cols int)
//
// dst[r·ldd + j] = bfloat16(src[r·lds + j]) for r < rows, j < cols, and
// dst[r·ldd + cols] = 0 when cols is odd, so that every row ends on a
// whole pair; rounded to nearest even, denormals to zero (VCVTNE2PS2BF16).
// cols ≥ 1. It reads only src[r·lds : r·lds+cols] and writes only the
// rows' cols words (one more when cols is odd).
TEXT ·bf16RowsAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R8
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R9
	MOVQ rows+32(FP), DX
	MOVQ cols+40(FP), R10
	SHLQ $1, R8
	SHLQ $2, R9
	// The last, partial block of a row: t = cols & 31 floats under K1
	// (lanes 0-15) and K2 (16-31), stored as (t+1) &^ 1 words under K3.
	MOVQ R10, R11
	ANDQ $31, R11
	MOVQ R11, CX
	MOVL $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVW AX, K1
	SHRQ $16, AX
	KMOVW AX, K2
	INCQ CX
	ANDQ $-2, CX
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVD AX, K3

bf16r_row:
	MOVQ SI, AX
	MOVQ DI, BX
	MOVQ R10, CX
	SHRQ $5, CX
	JZ   bf16r_tail

bf16r_block:
	VMOVUPS (AX), Z0
	VMOVUPS 64(AX), Z1
	VCVTNE2PS2BF16(2, 1, 0)
	VMOVDQU16 Z2, (BX)
	ADDQ $128, AX
	ADDQ $64, BX
	DECQ CX
	JNZ  bf16r_block

bf16r_tail:
	TESTQ R11, R11
	JZ   bf16r_next
	VMOVUPS.Z (AX), K1, Z0
	VMOVUPS.Z 64(AX), K2, Z1
	VCVTNE2PS2BF16(2, 1, 0)
	VMOVDQU16 Z2, K3, (BX)

bf16r_next:
	ADDQ R9, SI
	ADDQ R8, DI
	DECQ DX
	JNZ  bf16r_row
	VZEROUPPER
	RET

// func bf16PackVAVX512(dst *uint32, src *float32, lds, rows, w int)
//
// One 32-lane B panel of bfloat16 pairs from row-major floats: for
// p < ⌈rows/2⌉ and c < 32, dst[p·32 + c] holds bfloat16(src[2p·lds + c])
// in its low word and bfloat16(src[(2p+1)·lds + c]) in its high word, with
// zeros for c ≥ w and for the row 2p+1 = rows when rows is odd
// (1 ≤ w ≤ 32, rows ≥ 1). It reads only src[r·lds : r·lds+w] for
// r < rows.
TEXT ·bf16PackVAVX512(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ lds+16(FP), R9
	MOVQ rows+24(FP), DX
	MOVQ w+32(FP), CX
	SHLQ $2, R9
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVW AX, K1
	SHRQ $16, AX
	KMOVW AX, K2
	VMOVDQU64 bf16pairLo<>(SB), Z30
	VMOVDQU64 bf16pairHi<>(SB), Z31

bf16v_pair:
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z 64(SI), K2, Z1
	VPXORD    Z2, Z2, Z2
	VPXORD    Z3, Z3, Z3
	CMPQ      DX, $1
	JEQ       bf16v_conv
	VMOVUPS.Z (SI)(R9*1), K1, Z2
	VMOVUPS.Z 64(SI)(R9*1), K2, Z3

bf16v_conv:
	VCVTNE2PS2BF16(4, 1, 0)
	VCVTNE2PS2BF16(5, 3, 2)
	VMOVDQA64 Z4, Z6
	VPERMT2W  Z5, Z30, Z6
	VPERMT2W  Z5, Z31, Z4
	VMOVDQU32 Z6, (DI)
	VMOVDQU32 Z4, 64(DI)
	ADDQ      $128, DI
	LEAQ      (SI)(R9*2), SI
	SUBQ      $2, DX
	JGT       bf16v_pair
	VZEROUPPER
	RET
