//go:build !purego

#include "textflag.h"
#include "avx2_tile_amd64.h"

// sgemmAVX512RowA: the 12×32 AVX-512F micro-kernel of gemm_amd64.s with A
// read in place, row-major (row r at a + r·lda floats), instead of from a
// packed panel. Same accumulators and the same fused multiply-add per
// element and step of p, so the results are identical to sgemmAVX512 on
// the packed copy of the same rows.
//
// Register use:
//	SI = a row 0, AX = a row 4, BX = a row 8 (each advances 4 bytes per step)
//	R9 = lda bytes, R10 = 3·lda bytes
//	DI = b (32 floats per step), CX = k
//	DX = c, R11 = c + 3 rows, R12 = c + 6 rows, R13 = c + 9 rows, R8 = ldc bytes
//	Z0..Z23 = accumulators, row r in Z(2r) (columns 0-15) and Z(2r+1) (16-31)
//	Z24, Z25 = the b row; Z26..Z31 = broadcast a values

#define RA_ROW(mem, bc, lo, hi) \
	VBROADCASTSS mem, bc; \
	VFMADD231PS Z24, bc, lo; \
	VFMADD231PS Z25, bc, hi

#define RA_STEP(bo) \
	VMOVUPS bo(DI), Z24; \
	VMOVUPS bo+64(DI), Z25; \
	RA_ROW((SI), Z26, Z0, Z1); \
	RA_ROW((SI)(R9*1), Z27, Z2, Z3); \
	RA_ROW((SI)(R9*2), Z28, Z4, Z5); \
	RA_ROW((SI)(R10*1), Z29, Z6, Z7); \
	RA_ROW((AX), Z30, Z8, Z9); \
	RA_ROW((AX)(R9*1), Z31, Z10, Z11); \
	RA_ROW((AX)(R9*2), Z26, Z12, Z13); \
	RA_ROW((AX)(R10*1), Z27, Z14, Z15); \
	RA_ROW((BX), Z28, Z16, Z17); \
	RA_ROW((BX)(R9*1), Z29, Z18, Z19); \
	RA_ROW((BX)(R9*2), Z30, Z20, Z21); \
	RA_ROW((BX)(R10*1), Z31, Z22, Z23)

#define RA_ADDROW(mem0, mem1, lo, hi) \
	VADDPS mem0, lo, lo; \
	VADDPS mem1, hi, hi

#define RA_STOREROW(mem0, mem1, lo, hi) \
	VMOVUPS lo, mem0; \
	VMOVUPS hi, mem1

// func sgemmAVX512RowA(a, b, c *float32, k, ldc, lda, accum int)
TEXT ·sgemmAVX512RowA(SB), NOSPLIT, $0-56
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ c+16(FP), DX
	MOVQ k+24(FP), CX
	MOVQ ldc+32(FP), R8
	SHLQ $2, R8
	LEAQ (R8)(R8*2), R10
	LEAQ (DX)(R10*1), R11
	LEAQ (R11)(R10*1), R12
	LEAQ (R12)(R10*1), R13
	MOVQ lda+40(FP), R9
	SHLQ $2, R9
	LEAQ (R9)(R9*2), R10
	LEAQ (SI)(R9*4), AX
	LEAQ (AX)(R9*4), BX

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
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	VPXORD Z20, Z20, Z20
	VPXORD Z21, Z21, Z21
	VPXORD Z22, Z22, Z22
	VPXORD Z23, Z23, Z23

	CMPQ CX, $2
	JLT  ra_tail

ra_loop2:
	RA_STEP(0)
	ADDQ $4, SI
	ADDQ $4, AX
	ADDQ $4, BX
	RA_STEP(128)
	ADDQ $4, SI
	ADDQ $4, AX
	ADDQ $4, BX
	ADDQ $256, DI
	SUBQ $2, CX
	CMPQ CX, $2
	JGE  ra_loop2

ra_tail:
	TESTQ CX, CX
	JZ    ra_epilogue
	RA_STEP(0)

ra_epilogue:
	MOVQ accum+48(FP), R9
	TESTQ R9, R9
	JZ    ra_store
	RA_ADDROW((DX), 64(DX), Z0, Z1)
	RA_ADDROW((DX)(R8*1), 64(DX)(R8*1), Z2, Z3)
	RA_ADDROW((DX)(R8*2), 64(DX)(R8*2), Z4, Z5)
	RA_ADDROW((R11), 64(R11), Z6, Z7)
	RA_ADDROW((R11)(R8*1), 64(R11)(R8*1), Z8, Z9)
	RA_ADDROW((R11)(R8*2), 64(R11)(R8*2), Z10, Z11)
	RA_ADDROW((R12), 64(R12), Z12, Z13)
	RA_ADDROW((R12)(R8*1), 64(R12)(R8*1), Z14, Z15)
	RA_ADDROW((R12)(R8*2), 64(R12)(R8*2), Z16, Z17)
	RA_ADDROW((R13), 64(R13), Z18, Z19)
	RA_ADDROW((R13)(R8*1), 64(R13)(R8*1), Z20, Z21)
	RA_ADDROW((R13)(R8*2), 64(R13)(R8*2), Z22, Z23)

ra_store:
	RA_STOREROW((DX), 64(DX), Z0, Z1)
	RA_STOREROW((DX)(R8*1), 64(DX)(R8*1), Z2, Z3)
	RA_STOREROW((DX)(R8*2), 64(DX)(R8*2), Z4, Z5)
	RA_STOREROW((R11), 64(R11), Z6, Z7)
	RA_STOREROW((R11)(R8*1), 64(R11)(R8*1), Z8, Z9)
	RA_STOREROW((R11)(R8*2), 64(R11)(R8*2), Z10, Z11)
	RA_STOREROW((R12), 64(R12), Z12, Z13)
	RA_STOREROW((R12)(R8*1), 64(R12)(R8*1), Z14, Z15)
	RA_STOREROW((R12)(R8*2), 64(R12)(R8*2), Z16, Z17)
	RA_STOREROW((R13), 64(R13), Z18, Z19)
	RA_STOREROW((R13)(R8*1), 64(R13)(R8*1), Z20, Z21)
	RA_STOREROW((R13)(R8*2), 64(R13)(R8*2), Z22, Z23)
	VZEROUPPER
	RET

// sgemmAVX2RowA: the 6×16 AVX2 micro-kernel of gemm_amd64.s with A read in
// place, row-major (row r at a + r·lda floats). Same accumulators and the
// same fused multiply-add per element and step of p as sgemmAVX2, so the
// results are identical to it on the packed copy of the same rows.
//
// Register use:
//	SI = a row 0, AX = a row 3 (each advances 4 bytes per step)
//	R9 = lda bytes
//	DI = b (16 floats per step), CX = k
//	DX = c, R11 = c + 3 rows, R8 = ldc bytes
//	Y0..Y11 = accumulators, row r in Y(2r) (columns 0-7) and Y(2r+1) (8-15)
//	Y12, Y13 = the b row; Y14, Y15 = broadcast a values

#define RA2_STEP(bo) \
	VMOVUPS bo(DI), Y12; \
	VMOVUPS bo+32(DI), Y13; \
	VBROADCASTSS (SI), Y14; \
	VFMADD231PS Y12, Y14, Y0; \
	VFMADD231PS Y13, Y14, Y1; \
	VBROADCASTSS (SI)(R9*1), Y15; \
	VFMADD231PS Y12, Y15, Y2; \
	VFMADD231PS Y13, Y15, Y3; \
	VBROADCASTSS (SI)(R9*2), Y14; \
	VFMADD231PS Y12, Y14, Y4; \
	VFMADD231PS Y13, Y14, Y5; \
	VBROADCASTSS (AX), Y15; \
	VFMADD231PS Y12, Y15, Y6; \
	VFMADD231PS Y13, Y15, Y7; \
	VBROADCASTSS (AX)(R9*1), Y14; \
	VFMADD231PS Y12, Y14, Y8; \
	VFMADD231PS Y13, Y14, Y9; \
	VBROADCASTSS (AX)(R9*2), Y15; \
	VFMADD231PS Y12, Y15, Y10; \
	VFMADD231PS Y13, Y15, Y11

// func sgemmAVX2RowA(a, b, c *float32, k, ldc, lda, accum int)
TEXT ·sgemmAVX2RowA(SB), NOSPLIT, $0-56
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ c+16(FP), DX
	MOVQ k+24(FP), CX
	MOVQ ldc+32(FP), R8
	SHLQ $2, R8
	LEAQ (R8)(R8*2), R11
	ADDQ DX, R11
	MOVQ lda+40(FP), R9
	SHLQ $2, R9
	LEAQ (R9)(R9*2), AX
	ADDQ SI, AX

	AVX2_ZERO12

	CMPQ CX, $2
	JLT  ra2_tail

ra2_loop2:
	RA2_STEP(0)
	ADDQ $4, SI
	ADDQ $4, AX
	RA2_STEP(64)
	ADDQ $4, SI
	ADDQ $4, AX
	ADDQ $128, DI
	SUBQ $2, CX
	CMPQ CX, $2
	JGE  ra2_loop2

ra2_tail:
	TESTQ CX, CX
	JZ    ra2_epilogue
	RA2_STEP(0)

ra2_epilogue:
	MOVQ accum+48(FP), R10
	TESTQ R10, R10
	JZ    ra2_store
	AVX2_ACCUM12

ra2_store:
	AVX2_STORE12
	VZEROUPPER
	RET
