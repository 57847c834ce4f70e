//go:build !purego

#include "textflag.h"

// sgemmNEONRowA: the 8×8 NEON micro-kernel of gemm_arm64.s with A read in
// place, row-major (row r at a + r·lda floats), instead of from a packed
// panel. Each row's next four values are loaded as one vector and used
// lane by lane with by-element FMLA, so every accumulator sees the same
// fused multiply-adds in the same order as sgemmNEON on the packed copy.
//
// FMLA by element and vector FADD are encoded by hand, as in gemm_arm64.s:
//	FMLA Vd.4S, Vn.4S, Vm.S[i]:  0x4F801000 | L<<21 | Vm<<16 | H<<11 | Vn<<5 | Vd,  i = H:L
//	FADD Vd.4S, Vn.4S, Vm.4S:    0x4E20D400 | Vm<<16 | Vn<<5 | Vd
#define RFMLA(vd, vn, vm, i) WORD $(0x4F801000 | (((i)&1)<<21) | ((vm)<<16) | (((i)>>1)<<11) | ((vn)<<5) | (vd))
#define RFADD(vd, vn, vm) WORD $(0x4E20D400 | ((vm)<<16) | ((vn)<<5) | (vd))

// Register use:
//	R10..R17 = rows 0-7 of a, R1 = b (8 floats per step), R2 = c,
//	R3 = k, R4 = ldc in bytes, R5 = lda in bytes, R6 = accum, R7 = row pointer
//	V0..V15 = accumulators, row r in V(2r) (columns 0-3) and V(2r+1) (4-7)
//	V16, V17 = b row; V18..V25 = four consecutive values of rows 0-7

// RSTEP multiplies the b row at R1 by lane i of V18..V25 and advances R1.
#define RSTEP(i) \
	VLD1.P 32(R1), [V16.S4, V17.S4]; \
	RFMLA(0, 16, 18, i); \
	RFMLA(1, 17, 18, i); \
	RFMLA(2, 16, 19, i); \
	RFMLA(3, 17, 19, i); \
	RFMLA(4, 16, 20, i); \
	RFMLA(5, 17, 20, i); \
	RFMLA(6, 16, 21, i); \
	RFMLA(7, 17, 21, i); \
	RFMLA(8, 16, 22, i); \
	RFMLA(9, 17, 22, i); \
	RFMLA(10, 16, 23, i); \
	RFMLA(11, 17, 23, i); \
	RFMLA(12, 16, 24, i); \
	RFMLA(13, 17, 24, i); \
	RFMLA(14, 16, 25, i); \
	RFMLA(15, 17, 25, i)

#define RADDROW(lo, hi) \
	VLD1 (R7), [V16.S4, V17.S4]; \
	RFADD(lo, lo, 16); \
	RFADD(hi, hi, 17); \
	ADD R4, R7

// func sgemmNEONRowA(a, b, c *float32, k, ldc, lda, accum int)
TEXT ·sgemmNEONRowA(SB), NOSPLIT, $0-56
	MOVD a+0(FP), R10
	MOVD b+8(FP), R1
	MOVD c+16(FP), R2
	MOVD k+24(FP), R3
	MOVD ldc+32(FP), R4
	LSL  $2, R4
	MOVD lda+40(FP), R5
	LSL  $2, R5
	MOVD accum+48(FP), R6
	ADD  R5, R10, R11
	ADD  R5, R11, R12
	ADD  R5, R12, R13
	ADD  R5, R13, R14
	ADD  R5, R14, R15
	ADD  R5, R15, R16
	ADD  R5, R16, R17

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

	CMP $4, R3
	BLT rowa_tail

rowa_loop4:
	VLD1.P 16(R10), [V18.S4]
	VLD1.P 16(R11), [V19.S4]
	VLD1.P 16(R12), [V20.S4]
	VLD1.P 16(R13), [V21.S4]
	VLD1.P 16(R14), [V22.S4]
	VLD1.P 16(R15), [V23.S4]
	VLD1.P 16(R16), [V24.S4]
	VLD1.P 16(R17), [V25.S4]
	RSTEP(0)
	RSTEP(1)
	RSTEP(2)
	RSTEP(3)
	SUB $4, R3
	CMP $4, R3
	BGE rowa_loop4

rowa_tail:
	CBZ   R3, rowa_epilogue
	FMOVS (R10), F18
	FMOVS (R11), F19
	FMOVS (R12), F20
	FMOVS (R13), F21
	FMOVS (R14), F22
	FMOVS (R15), F23
	FMOVS (R16), F24
	FMOVS (R17), F25
	ADD   $4, R10
	ADD   $4, R11
	ADD   $4, R12
	ADD   $4, R13
	ADD   $4, R14
	ADD   $4, R15
	ADD   $4, R16
	ADD   $4, R17
	RSTEP(0)
	SUB   $1, R3
	B     rowa_tail

rowa_epilogue:
	CBZ  R6, rowa_store
	MOVD R2, R7
	RADDROW(0, 1)
	RADDROW(2, 3)
	RADDROW(4, 5)
	RADDROW(6, 7)
	RADDROW(8, 9)
	RADDROW(10, 11)
	RADDROW(12, 13)
	RADDROW(14, 15)

rowa_store:
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
