//go:build !purego

#include "textflag.h"

// The Go assembler has no by-element FMLA and no vector FADD, so both are
// encoded here from the Arm ARM:
//	FMLA Vd.4S, Vn.4S, Vm.S[i]:  0x4F801000 | L<<21 | Vm<<16 | H<<11 | Vn<<5 | Vd,  i = H:L
//	FADD Vd.4S, Vn.4S, Vm.4S:    0x4E20D400 | Vm<<16 | Vn<<5 | Vd
#define FMLA_ELEM(vd, vn, vm, i) WORD $(0x4F801000 | (((i)&1)<<21) | ((vm)<<16) | (((i)>>1)<<11) | ((vn)<<5) | (vd))
#define FADD_4S(vd, vn, vm) WORD $(0x4E20D400 | ((vm)<<16) | ((vn)<<5) | (vd))

// Register use:
//	R0 = a (8 floats per step), R1 = b (8 floats per step), R2 = c,
//	R3 = k, R4 = ldc in bytes, R5 = bias, R6 = accum, R7 = row pointer
//	V0..V15 = accumulators, row r in V(2r) (columns 0-3) and V(2r+1) (4-7)
//	V16, V17 = b row; V18, V19 = a column (rows 0-3, 4-7); V20..V23 the same
//	for the second step of an unrolled pair.

// STEP8 multiplies b row (vb0, vb1) by the a column (va0, va1).
#define STEP8(vb0, vb1, va0, va1) \
	FMLA_ELEM(0, vb0, va0, 0); \
	FMLA_ELEM(1, vb1, va0, 0); \
	FMLA_ELEM(2, vb0, va0, 1); \
	FMLA_ELEM(3, vb1, va0, 1); \
	FMLA_ELEM(4, vb0, va0, 2); \
	FMLA_ELEM(5, vb1, va0, 2); \
	FMLA_ELEM(6, vb0, va0, 3); \
	FMLA_ELEM(7, vb1, va0, 3); \
	FMLA_ELEM(8, vb0, va1, 0); \
	FMLA_ELEM(9, vb1, va1, 0); \
	FMLA_ELEM(10, vb0, va1, 1); \
	FMLA_ELEM(11, vb1, va1, 1); \
	FMLA_ELEM(12, vb0, va1, 2); \
	FMLA_ELEM(13, vb1, va1, 2); \
	FMLA_ELEM(14, vb0, va1, 3); \
	FMLA_ELEM(15, vb1, va1, 3)

// ADDROW adds the 8 floats at R7 to accumulators lo, hi and advances R7.
#define ADDROW(lo, hi) \
	VLD1 (R7), [V16.S4, V17.S4]; \
	FADD_4S(lo, lo, 16); \
	FADD_4S(hi, hi, 17); \
	ADD R4, R7

// func sgemmNEON(a, b, c *float32, k, ldc int, bias *float32, accum int)
TEXT ·sgemmNEON(SB), NOSPLIT, $0-56
	MOVD a+0(FP), R0
	MOVD b+8(FP), R1
	MOVD c+16(FP), R2
	MOVD k+24(FP), R3
	MOVD ldc+32(FP), R4
	LSL  $2, R4
	MOVD bias+40(FP), R5
	MOVD accum+48(FP), R6

	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	VEOR V8.B16, V8.B16, V8.B16
	VEOR V9.B16, V9.B16, V9.B16
	VEOR V10.B16, V10.B16, V10.B16
	VEOR V11.B16, V11.B16, V11.B16
	VEOR V12.B16, V12.B16, V12.B16
	VEOR V13.B16, V13.B16, V13.B16
	VEOR V14.B16, V14.B16, V14.B16
	VEOR V15.B16, V15.B16, V15.B16

	CMP $2, R3
	BLT neon_tail

neon_loop2:
	VLD1.P 32(R1), [V16.S4, V17.S4]
	VLD1.P 32(R0), [V18.S4, V19.S4]
	VLD1.P 32(R1), [V20.S4, V21.S4]
	VLD1.P 32(R0), [V22.S4, V23.S4]
	STEP8(16, 17, 18, 19)
	STEP8(20, 21, 22, 23)
	SUB $2, R3
	CMP $2, R3
	BGE neon_loop2

neon_tail:
	CBZ R3, neon_epilogue
	VLD1.P 32(R1), [V16.S4, V17.S4]
	VLD1.P 32(R0), [V18.S4, V19.S4]
	STEP8(16, 17, 18, 19)

neon_epilogue:
	CBZ R5, neon_nobias
	VLD1 (R5), [V16.S4, V17.S4]
	FADD_4S(0, 0, 16)
	FADD_4S(1, 1, 17)
	FADD_4S(2, 2, 16)
	FADD_4S(3, 3, 17)
	FADD_4S(4, 4, 16)
	FADD_4S(5, 5, 17)
	FADD_4S(6, 6, 16)
	FADD_4S(7, 7, 17)
	FADD_4S(8, 8, 16)
	FADD_4S(9, 9, 17)
	FADD_4S(10, 10, 16)
	FADD_4S(11, 11, 17)
	FADD_4S(12, 12, 16)
	FADD_4S(13, 13, 17)
	FADD_4S(14, 14, 16)
	FADD_4S(15, 15, 17)

neon_nobias:
	CBZ  R6, neon_store
	MOVD R2, R7
	ADDROW(0, 1)
	ADDROW(2, 3)
	ADDROW(4, 5)
	ADDROW(6, 7)
	ADDROW(8, 9)
	ADDROW(10, 11)
	ADDROW(12, 13)
	ADDROW(14, 15)

neon_store:
	MOVD R2, R7
	VST1 [V0.S4, V1.S4], (R7)
	ADD  R4, R7
	VST1 [V2.S4, V3.S4], (R7)
	ADD  R4, R7
	VST1 [V4.S4, V5.S4], (R7)
	ADD  R4, R7
	VST1 [V6.S4, V7.S4], (R7)
	ADD  R4, R7
	VST1 [V8.S4, V9.S4], (R7)
	ADD  R4, R7
	VST1 [V10.S4, V11.S4], (R7)
	ADD  R4, R7
	VST1 [V12.S4, V13.S4], (R7)
	ADD  R4, R7
	VST1 [V14.S4, V15.S4], (R7)
	RET
