//go:build !purego

#include "textflag.h"

// LOADROW loads the next row of src into ZR under K1, leaving for
// tr16_loaded after the last of the rows.
#define LOADROW(ZR) \
	VMOVUPS.Z (SI), K1, ZR; \
	DECQ R10; \
	JZ   tr16_loaded; \
	ADDQ R9, SI

// STOREROW stores ZR as the next row of dst, leaving for tr16_done after
// the last of the cols rows.
#define STOREROW(ZR) \
	VMOVUPS ZR, (DI); \
	DECQ CX; \
	JZ   tr16_done; \
	ADDQ R8, DI

// func transpose16AVX512(dst *float32, ldd int, src *float32, lds, rows, cols int)
//
// dst[p*ldd + c] = src[c*lds + p] for p < cols, c < 16, with the rows
// c ≥ rows read as zeros (1 ≤ rows, cols ≤ 16): one 16×16 block of a
// transposed B panel. Rows of src are loaded under the column mask K1 into
// Z0..Z15 and transposed in four shuffle stages (interleave 32-bit pairs,
// then 64-bit pairs within 128-bit lanes, then 128-bit lanes twice), so
// that row p of the transpose ends in Zp; only rows p < cols are stored.
TEXT ·transpose16AVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R8
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R9
	MOVQ rows+32(FP), R10
	MOVQ cols+40(FP), CX
	SHLQ $2, R8
	SHLQ $2, R9
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K1

	// Rows c ≥ rows stay zero.
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
	LOADROW(Z0)
	LOADROW(Z1)
	LOADROW(Z2)
	LOADROW(Z3)
	LOADROW(Z4)
	LOADROW(Z5)
	LOADROW(Z6)
	LOADROW(Z7)
	LOADROW(Z8)
	LOADROW(Z9)
	LOADROW(Z10)
	LOADROW(Z11)
	LOADROW(Z12)
	LOADROW(Z13)
	LOADROW(Z14)
	VMOVUPS.Z (SI), K1, Z15

tr16_loaded:
	// stage 1: t[2i], t[2i+1] = unpacklo/hi(row 2i, row 2i+1) in Z16..Z31
	VUNPCKLPS Z1, Z0, Z16
	VUNPCKHPS Z1, Z0, Z17
	VUNPCKLPS Z3, Z2, Z18
	VUNPCKHPS Z3, Z2, Z19
	VUNPCKLPS Z5, Z4, Z20
	VUNPCKHPS Z5, Z4, Z21
	VUNPCKLPS Z7, Z6, Z22
	VUNPCKHPS Z7, Z6, Z23
	VUNPCKLPS Z9, Z8, Z24
	VUNPCKHPS Z9, Z8, Z25
	VUNPCKLPS Z11, Z10, Z26
	VUNPCKHPS Z11, Z10, Z27
	VUNPCKLPS Z13, Z12, Z28
	VUNPCKHPS Z13, Z12, Z29
	VUNPCKLPS Z15, Z14, Z30
	VUNPCKHPS Z15, Z14, Z31
	// stage 2: r[4g+k] holds column 4L+k of rows 4g..4g+3 in lane L
	VSHUFPS $0x44, Z18, Z16, Z0
	VSHUFPS $0xEE, Z18, Z16, Z1
	VSHUFPS $0x44, Z19, Z17, Z2
	VSHUFPS $0xEE, Z19, Z17, Z3
	VSHUFPS $0x44, Z22, Z20, Z4
	VSHUFPS $0xEE, Z22, Z20, Z5
	VSHUFPS $0x44, Z23, Z21, Z6
	VSHUFPS $0xEE, Z23, Z21, Z7
	VSHUFPS $0x44, Z26, Z24, Z8
	VSHUFPS $0xEE, Z26, Z24, Z9
	VSHUFPS $0x44, Z27, Z25, Z10
	VSHUFPS $0xEE, Z27, Z25, Z11
	VSHUFPS $0x44, Z30, Z28, Z12
	VSHUFPS $0xEE, Z30, Z28, Z13
	VSHUFPS $0x44, Z31, Z29, Z14
	VSHUFPS $0xEE, Z31, Z29, Z15
	// stage 3: even and odd lanes of r[k], r[4+k] and of r[8+k], r[12+k]
	VSHUFF32X4 $0x88, Z4, Z0, Z16
	VSHUFF32X4 $0xDD, Z4, Z0, Z20
	VSHUFF32X4 $0x88, Z12, Z8, Z24
	VSHUFF32X4 $0xDD, Z12, Z8, Z28
	VSHUFF32X4 $0x88, Z5, Z1, Z17
	VSHUFF32X4 $0xDD, Z5, Z1, Z21
	VSHUFF32X4 $0x88, Z13, Z9, Z25
	VSHUFF32X4 $0xDD, Z13, Z9, Z29
	VSHUFF32X4 $0x88, Z6, Z2, Z18
	VSHUFF32X4 $0xDD, Z6, Z2, Z22
	VSHUFF32X4 $0x88, Z14, Z10, Z26
	VSHUFF32X4 $0xDD, Z14, Z10, Z30
	VSHUFF32X4 $0x88, Z7, Z3, Z19
	VSHUFF32X4 $0xDD, Z7, Z3, Z23
	VSHUFF32X4 $0x88, Z15, Z11, Z27
	VSHUFF32X4 $0xDD, Z15, Z11, Z31
	// stage 4: row p = 4L+k of the transpose into Zp
	VSHUFF32X4 $0x88, Z24, Z16, Z0
	VSHUFF32X4 $0xDD, Z24, Z16, Z8
	VSHUFF32X4 $0x88, Z28, Z20, Z4
	VSHUFF32X4 $0xDD, Z28, Z20, Z12
	VSHUFF32X4 $0x88, Z25, Z17, Z1
	VSHUFF32X4 $0xDD, Z25, Z17, Z9
	VSHUFF32X4 $0x88, Z29, Z21, Z5
	VSHUFF32X4 $0xDD, Z29, Z21, Z13
	VSHUFF32X4 $0x88, Z26, Z18, Z2
	VSHUFF32X4 $0xDD, Z26, Z18, Z10
	VSHUFF32X4 $0x88, Z30, Z22, Z6
	VSHUFF32X4 $0xDD, Z30, Z22, Z14
	VSHUFF32X4 $0x88, Z27, Z19, Z3
	VSHUFF32X4 $0xDD, Z27, Z19, Z11
	VSHUFF32X4 $0x88, Z31, Z23, Z7
	VSHUFF32X4 $0xDD, Z31, Z23, Z15
	STOREROW(Z0)
	STOREROW(Z1)
	STOREROW(Z2)
	STOREROW(Z3)
	STOREROW(Z4)
	STOREROW(Z5)
	STOREROW(Z6)
	STOREROW(Z7)
	STOREROW(Z8)
	STOREROW(Z9)
	STOREROW(Z10)
	STOREROW(Z11)
	STOREROW(Z12)
	STOREROW(Z13)
	STOREROW(Z14)
	VMOVUPS Z15, (DI)

tr16_done:
	VZEROUPPER
	RET

// func packRows32AVX512(dst, src *float32, lds, rows, w int)
//
// dst[p*32 + c] = src[p*lds + c] for c < w and 0 for w ≤ c < 32, p < rows
// (1 ≤ w ≤ 32, rows ≥ 0): one 32-column panel of B copied from row-major
// rows. The columns are loaded under K1 (lanes c < min(w, 16)) and K2
// (lanes 16 + c < w) with zeroing, and both halves of the row are stored.
TEXT ·packRows32AVX512(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ lds+16(FP), R8
	MOVQ rows+24(FP), R9
	MOVQ w+32(FP), CX
	SHLQ $2, R8
	MOVQ $0xffffffff, AX
	MOVQ $1, DX
	SHLQ CX, DX
	DECQ DX                       // w low bits set (w ≤ 32)
	ANDQ AX, DX
	KMOVW DX, K1
	SHRQ $16, DX
	KMOVW DX, K2
	TESTQ R9, R9
	JZ    pr32_done

pr32_loop:
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z 64(SI), K2, Z1
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	ADDQ R8, SI
	ADDQ $128, DI
	DECQ R9
	JNZ  pr32_loop

pr32_done:
	VZEROUPPER
	RET
