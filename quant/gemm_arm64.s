//go:build !purego

#include "textflag.h"

// The Go assembler lacks SDOT, SMMLA, SMULL/SMLAL (vector) and SADALP, so
// these macros emit their encodings as WORDs (A64, Arm ARM "Advanced SIMD"
// encodings; each use carries the mnemonic in a comment). Arguments are
// register numbers.

// SDOT Vd.4S, Vn.16B, Vm.4B[i]: 0 1 0 01111 10 L M Rm 1110 H 0 Rn Rd.
#define I_SDOT_ELEM(d, n, m, i) WORD $(0x4F80E000 | (((i)&1)<<21) | (((m)>>4)<<20) | (((m)&15)<<16) | (((i)>>1)<<11) | ((n)<<5) | (d))
// SMMLA Vd.4S, Vn.16B, Vm.16B: 0 1 0 01110 100 Rm 1010 0 1 Rn Rd.
#define I_SMMLA(d, n, m) WORD $(0x4E80A400 | ((m)<<16) | ((n)<<5) | (d))
// SMULL Vd.8H, Vn.8B, Vm.8B and SMULL2 Vd.8H, Vn.16B, Vm.16B.
#define I_SMULL(d, n, m) WORD $(0x0E20C000 | ((m)<<16) | ((n)<<5) | (d))
#define I_SMULL2(d, n, m) WORD $(0x4E20C000 | ((m)<<16) | ((n)<<5) | (d))
// SMLAL Vd.8H, Vn.8B, Vm.8B and SMLAL2 Vd.8H, Vn.16B, Vm.16B.
#define I_SMLAL(d, n, m) WORD $(0x0E208000 | ((m)<<16) | ((n)<<5) | (d))
#define I_SMLAL2(d, n, m) WORD $(0x4E208000 | ((m)<<16) | ((n)<<5) | (d))
// SADALP Vd.4S, Vn.8H.
#define I_SADALP(d, n) WORD $(0x4E606800 | ((n)<<5) | (d))

// ---------------------------------------------------------------------------
// SDOT: 4×16 tiles. V0..V15 accumulate (row i, columns 4v..4v+3 in
// V(4i+v)); V16..V19 hold 16 k values of rows 0..3; V20..V23 one k-group
// (4 k values) of the 16-column weight panel. SDOT by element multiplies
// each column's 4 weights with the 4 activations of group g of a row.

// func gemmSDOT(a *byte, b *int8, c *int32, tiles, chunks int)
TEXT ·gemmSDOT(SB), NOSPLIT, $0-40
	MOVD a+0(FP), R0
	MOVD b+8(FP), R1
	MOVD c+16(FP), R2
	MOVD tiles+24(FP), R3
	MOVD chunks+32(FP), R4

tilesdot:
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
	MOVD R1, R5
	MOVD R4, R6

ksdot:
	VLD1.P 64(R0), [V16.B16, V17.B16, V18.B16, V19.B16]
	VLD1.P 64(R5), [V20.B16, V21.B16, V22.B16, V23.B16]
	I_SDOT_ELEM(0, 20, 16, 0) // SDOT V0.4S, V20.16B, V16.4B[0]
	I_SDOT_ELEM(1, 21, 16, 0) // SDOT V1.4S, V21.16B, V16.4B[0]
	I_SDOT_ELEM(2, 22, 16, 0) // SDOT V2.4S, V22.16B, V16.4B[0]
	I_SDOT_ELEM(3, 23, 16, 0) // SDOT V3.4S, V23.16B, V16.4B[0]
	I_SDOT_ELEM(4, 20, 17, 0) // SDOT V4.4S, V20.16B, V17.4B[0]
	I_SDOT_ELEM(5, 21, 17, 0) // SDOT V5.4S, V21.16B, V17.4B[0]
	I_SDOT_ELEM(6, 22, 17, 0) // SDOT V6.4S, V22.16B, V17.4B[0]
	I_SDOT_ELEM(7, 23, 17, 0) // SDOT V7.4S, V23.16B, V17.4B[0]
	I_SDOT_ELEM(8, 20, 18, 0) // SDOT V8.4S, V20.16B, V18.4B[0]
	I_SDOT_ELEM(9, 21, 18, 0) // SDOT V9.4S, V21.16B, V18.4B[0]
	I_SDOT_ELEM(10, 22, 18, 0) // SDOT V10.4S, V22.16B, V18.4B[0]
	I_SDOT_ELEM(11, 23, 18, 0) // SDOT V11.4S, V23.16B, V18.4B[0]
	I_SDOT_ELEM(12, 20, 19, 0) // SDOT V12.4S, V20.16B, V19.4B[0]
	I_SDOT_ELEM(13, 21, 19, 0) // SDOT V13.4S, V21.16B, V19.4B[0]
	I_SDOT_ELEM(14, 22, 19, 0) // SDOT V14.4S, V22.16B, V19.4B[0]
	I_SDOT_ELEM(15, 23, 19, 0) // SDOT V15.4S, V23.16B, V19.4B[0]
	VLD1.P 64(R5), [V20.B16, V21.B16, V22.B16, V23.B16]
	I_SDOT_ELEM(0, 20, 16, 1) // SDOT V0.4S, V20.16B, V16.4B[1]
	I_SDOT_ELEM(1, 21, 16, 1) // SDOT V1.4S, V21.16B, V16.4B[1]
	I_SDOT_ELEM(2, 22, 16, 1) // SDOT V2.4S, V22.16B, V16.4B[1]
	I_SDOT_ELEM(3, 23, 16, 1) // SDOT V3.4S, V23.16B, V16.4B[1]
	I_SDOT_ELEM(4, 20, 17, 1) // SDOT V4.4S, V20.16B, V17.4B[1]
	I_SDOT_ELEM(5, 21, 17, 1) // SDOT V5.4S, V21.16B, V17.4B[1]
	I_SDOT_ELEM(6, 22, 17, 1) // SDOT V6.4S, V22.16B, V17.4B[1]
	I_SDOT_ELEM(7, 23, 17, 1) // SDOT V7.4S, V23.16B, V17.4B[1]
	I_SDOT_ELEM(8, 20, 18, 1) // SDOT V8.4S, V20.16B, V18.4B[1]
	I_SDOT_ELEM(9, 21, 18, 1) // SDOT V9.4S, V21.16B, V18.4B[1]
	I_SDOT_ELEM(10, 22, 18, 1) // SDOT V10.4S, V22.16B, V18.4B[1]
	I_SDOT_ELEM(11, 23, 18, 1) // SDOT V11.4S, V23.16B, V18.4B[1]
	I_SDOT_ELEM(12, 20, 19, 1) // SDOT V12.4S, V20.16B, V19.4B[1]
	I_SDOT_ELEM(13, 21, 19, 1) // SDOT V13.4S, V21.16B, V19.4B[1]
	I_SDOT_ELEM(14, 22, 19, 1) // SDOT V14.4S, V22.16B, V19.4B[1]
	I_SDOT_ELEM(15, 23, 19, 1) // SDOT V15.4S, V23.16B, V19.4B[1]
	VLD1.P 64(R5), [V20.B16, V21.B16, V22.B16, V23.B16]
	I_SDOT_ELEM(0, 20, 16, 2) // SDOT V0.4S, V20.16B, V16.4B[2]
	I_SDOT_ELEM(1, 21, 16, 2) // SDOT V1.4S, V21.16B, V16.4B[2]
	I_SDOT_ELEM(2, 22, 16, 2) // SDOT V2.4S, V22.16B, V16.4B[2]
	I_SDOT_ELEM(3, 23, 16, 2) // SDOT V3.4S, V23.16B, V16.4B[2]
	I_SDOT_ELEM(4, 20, 17, 2) // SDOT V4.4S, V20.16B, V17.4B[2]
	I_SDOT_ELEM(5, 21, 17, 2) // SDOT V5.4S, V21.16B, V17.4B[2]
	I_SDOT_ELEM(6, 22, 17, 2) // SDOT V6.4S, V22.16B, V17.4B[2]
	I_SDOT_ELEM(7, 23, 17, 2) // SDOT V7.4S, V23.16B, V17.4B[2]
	I_SDOT_ELEM(8, 20, 18, 2) // SDOT V8.4S, V20.16B, V18.4B[2]
	I_SDOT_ELEM(9, 21, 18, 2) // SDOT V9.4S, V21.16B, V18.4B[2]
	I_SDOT_ELEM(10, 22, 18, 2) // SDOT V10.4S, V22.16B, V18.4B[2]
	I_SDOT_ELEM(11, 23, 18, 2) // SDOT V11.4S, V23.16B, V18.4B[2]
	I_SDOT_ELEM(12, 20, 19, 2) // SDOT V12.4S, V20.16B, V19.4B[2]
	I_SDOT_ELEM(13, 21, 19, 2) // SDOT V13.4S, V21.16B, V19.4B[2]
	I_SDOT_ELEM(14, 22, 19, 2) // SDOT V14.4S, V22.16B, V19.4B[2]
	I_SDOT_ELEM(15, 23, 19, 2) // SDOT V15.4S, V23.16B, V19.4B[2]
	VLD1.P 64(R5), [V20.B16, V21.B16, V22.B16, V23.B16]
	I_SDOT_ELEM(0, 20, 16, 3) // SDOT V0.4S, V20.16B, V16.4B[3]
	I_SDOT_ELEM(1, 21, 16, 3) // SDOT V1.4S, V21.16B, V16.4B[3]
	I_SDOT_ELEM(2, 22, 16, 3) // SDOT V2.4S, V22.16B, V16.4B[3]
	I_SDOT_ELEM(3, 23, 16, 3) // SDOT V3.4S, V23.16B, V16.4B[3]
	I_SDOT_ELEM(4, 20, 17, 3) // SDOT V4.4S, V20.16B, V17.4B[3]
	I_SDOT_ELEM(5, 21, 17, 3) // SDOT V5.4S, V21.16B, V17.4B[3]
	I_SDOT_ELEM(6, 22, 17, 3) // SDOT V6.4S, V22.16B, V17.4B[3]
	I_SDOT_ELEM(7, 23, 17, 3) // SDOT V7.4S, V23.16B, V17.4B[3]
	I_SDOT_ELEM(8, 20, 18, 3) // SDOT V8.4S, V20.16B, V18.4B[3]
	I_SDOT_ELEM(9, 21, 18, 3) // SDOT V9.4S, V21.16B, V18.4B[3]
	I_SDOT_ELEM(10, 22, 18, 3) // SDOT V10.4S, V22.16B, V18.4B[3]
	I_SDOT_ELEM(11, 23, 18, 3) // SDOT V11.4S, V23.16B, V18.4B[3]
	I_SDOT_ELEM(12, 20, 19, 3) // SDOT V12.4S, V20.16B, V19.4B[3]
	I_SDOT_ELEM(13, 21, 19, 3) // SDOT V13.4S, V21.16B, V19.4B[3]
	I_SDOT_ELEM(14, 22, 19, 3) // SDOT V14.4S, V22.16B, V19.4B[3]
	I_SDOT_ELEM(15, 23, 19, 3) // SDOT V15.4S, V23.16B, V19.4B[3]
	SUBS $1, R6, R6
	BNE  ksdot
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R2)
	VST1.P [V4.S4, V5.S4, V6.S4, V7.S4], 64(R2)
	VST1.P [V8.S4, V9.S4, V10.S4, V11.S4], 64(R2)
	VST1.P [V12.S4, V13.S4, V14.S4, V15.S4], 64(R2)
	SUBS $1, R3, R3
	BNE  tilesdot
	RET

// ---------------------------------------------------------------------------
// SMMLA: 8×8 tiles. V(4p+q) accumulates the 2×2 block of rows 2p, 2p+1 and
// columns 2q, 2q+1 as [r0c0, r0c1, r1c0, r1c1]; V16..V19 hold row pairs
// (8 k values of each row), V20..V23 column pairs (8 k values of each
// column). At the end ZIP1/ZIP2 on 64-bit lanes turn blocks into rows.

// func gemmSMMLA(a *byte, b *int8, c *int32, tiles, chunks int)
TEXT ·gemmSMMLA(SB), NOSPLIT, $0-40
	MOVD a+0(FP), R0
	MOVD b+8(FP), R1
	MOVD c+16(FP), R2
	MOVD tiles+24(FP), R3
	MOVD chunks+32(FP), R4

tilemmla:
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
	MOVD R1, R5
	MOVD R4, R6

kmmla:
	VLD1.P 64(R0), [V16.B16, V17.B16, V18.B16, V19.B16]
	VLD1.P 64(R5), [V20.B16, V21.B16, V22.B16, V23.B16]
	I_SMMLA(0, 16, 20) // SMMLA V0.4S, V16.16B, V20.16B
	I_SMMLA(1, 16, 21) // SMMLA V1.4S, V16.16B, V21.16B
	I_SMMLA(2, 16, 22) // SMMLA V2.4S, V16.16B, V22.16B
	I_SMMLA(3, 16, 23) // SMMLA V3.4S, V16.16B, V23.16B
	I_SMMLA(4, 17, 20) // SMMLA V4.4S, V17.16B, V20.16B
	I_SMMLA(5, 17, 21) // SMMLA V5.4S, V17.16B, V21.16B
	I_SMMLA(6, 17, 22) // SMMLA V6.4S, V17.16B, V22.16B
	I_SMMLA(7, 17, 23) // SMMLA V7.4S, V17.16B, V23.16B
	I_SMMLA(8, 18, 20) // SMMLA V8.4S, V18.16B, V20.16B
	I_SMMLA(9, 18, 21) // SMMLA V9.4S, V18.16B, V21.16B
	I_SMMLA(10, 18, 22) // SMMLA V10.4S, V18.16B, V22.16B
	I_SMMLA(11, 18, 23) // SMMLA V11.4S, V18.16B, V23.16B
	I_SMMLA(12, 19, 20) // SMMLA V12.4S, V19.16B, V20.16B
	I_SMMLA(13, 19, 21) // SMMLA V13.4S, V19.16B, V21.16B
	I_SMMLA(14, 19, 22) // SMMLA V14.4S, V19.16B, V22.16B
	I_SMMLA(15, 19, 23) // SMMLA V15.4S, V19.16B, V23.16B
	SUBS $1, R6, R6
	BNE  kmmla
	VZIP1 V1.D2, V0.D2, V24.D2
	VZIP1 V3.D2, V2.D2, V25.D2
	VZIP2 V1.D2, V0.D2, V26.D2
	VZIP2 V3.D2, V2.D2, V27.D2
	VST1.P [V24.S4, V25.S4, V26.S4, V27.S4], 64(R2)
	VZIP1 V5.D2, V4.D2, V24.D2
	VZIP1 V7.D2, V6.D2, V25.D2
	VZIP2 V5.D2, V4.D2, V26.D2
	VZIP2 V7.D2, V6.D2, V27.D2
	VST1.P [V24.S4, V25.S4, V26.S4, V27.S4], 64(R2)
	VZIP1 V9.D2, V8.D2, V24.D2
	VZIP1 V11.D2, V10.D2, V25.D2
	VZIP2 V9.D2, V8.D2, V26.D2
	VZIP2 V11.D2, V10.D2, V27.D2
	VST1.P [V24.S4, V25.S4, V26.S4, V27.S4], 64(R2)
	VZIP1 V13.D2, V12.D2, V24.D2
	VZIP1 V15.D2, V14.D2, V25.D2
	VZIP2 V13.D2, V12.D2, V26.D2
	VZIP2 V15.D2, V14.D2, V27.D2
	VST1.P [V24.S4, V25.S4, V26.S4, V27.S4], 64(R2)
	SUBS $1, R3, R3
	BNE  tilemmla
	RET

// ---------------------------------------------------------------------------
// NEON: 4×8 tiles without dot-product instructions. V(4i+h) accumulates
// row i, columns 2h and 2h+1, as two int32 partial sums per column;
// V16/V17 hold 8 k values of rows 0..3; V20/V21 weight k-group 0 (columns
// 0-3, 4-7), V22/V23 k-group 1; V24/V25 a row's two 4-byte groups
// replicated; V26..V29 int16 products. SMULL then SMLAL put two products
// into each int16 lane (|sum| ≤ 2·128·127 = 32,512: exact), SADALP adds
// lane pairs into the int32 accumulators, ADDP folds them at the end.

// func gemmNEON(a *byte, b *int8, c *int32, tiles, chunks int)
TEXT ·gemmNEON(SB), NOSPLIT, $0-40
	MOVD a+0(FP), R0
	MOVD b+8(FP), R1
	MOVD c+16(FP), R2
	MOVD tiles+24(FP), R3
	MOVD chunks+32(FP), R4

tileneon:
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
	MOVD R1, R5
	MOVD R4, R6

kneon:
	VLD1.P 32(R0), [V16.B16, V17.B16]
	VLD1.P 64(R5), [V20.B16, V21.B16, V22.B16, V23.B16]
	VDUP V16.S[0], V24.S4
	VDUP V16.S[1], V25.S4
	I_SMULL(26, 20, 24) // SMULL V26.8H, V20.8B, V24.8B
	I_SMLAL(26, 22, 25) // SMLAL V26.8H, V22.8B, V25.8B
	I_SMULL2(27, 20, 24) // SMULL2 V27.8H, V20.16B, V24.16B
	I_SMLAL2(27, 22, 25) // SMLAL2 V27.8H, V22.16B, V25.16B
	I_SMULL(28, 21, 24) // SMULL V28.8H, V21.8B, V24.8B
	I_SMLAL(28, 23, 25) // SMLAL V28.8H, V23.8B, V25.8B
	I_SMULL2(29, 21, 24) // SMULL2 V29.8H, V21.16B, V24.16B
	I_SMLAL2(29, 23, 25) // SMLAL2 V29.8H, V23.16B, V25.16B
	I_SADALP(0, 26) // SADALP V0.4S, V26.8H
	I_SADALP(1, 27) // SADALP V1.4S, V27.8H
	I_SADALP(2, 28) // SADALP V2.4S, V28.8H
	I_SADALP(3, 29) // SADALP V3.4S, V29.8H
	VDUP V16.S[2], V24.S4
	VDUP V16.S[3], V25.S4
	I_SMULL(26, 20, 24) // SMULL V26.8H, V20.8B, V24.8B
	I_SMLAL(26, 22, 25) // SMLAL V26.8H, V22.8B, V25.8B
	I_SMULL2(27, 20, 24) // SMULL2 V27.8H, V20.16B, V24.16B
	I_SMLAL2(27, 22, 25) // SMLAL2 V27.8H, V22.16B, V25.16B
	I_SMULL(28, 21, 24) // SMULL V28.8H, V21.8B, V24.8B
	I_SMLAL(28, 23, 25) // SMLAL V28.8H, V23.8B, V25.8B
	I_SMULL2(29, 21, 24) // SMULL2 V29.8H, V21.16B, V24.16B
	I_SMLAL2(29, 23, 25) // SMLAL2 V29.8H, V23.16B, V25.16B
	I_SADALP(4, 26) // SADALP V4.4S, V26.8H
	I_SADALP(5, 27) // SADALP V5.4S, V27.8H
	I_SADALP(6, 28) // SADALP V6.4S, V28.8H
	I_SADALP(7, 29) // SADALP V7.4S, V29.8H
	VDUP V17.S[0], V24.S4
	VDUP V17.S[1], V25.S4
	I_SMULL(26, 20, 24) // SMULL V26.8H, V20.8B, V24.8B
	I_SMLAL(26, 22, 25) // SMLAL V26.8H, V22.8B, V25.8B
	I_SMULL2(27, 20, 24) // SMULL2 V27.8H, V20.16B, V24.16B
	I_SMLAL2(27, 22, 25) // SMLAL2 V27.8H, V22.16B, V25.16B
	I_SMULL(28, 21, 24) // SMULL V28.8H, V21.8B, V24.8B
	I_SMLAL(28, 23, 25) // SMLAL V28.8H, V23.8B, V25.8B
	I_SMULL2(29, 21, 24) // SMULL2 V29.8H, V21.16B, V24.16B
	I_SMLAL2(29, 23, 25) // SMLAL2 V29.8H, V23.16B, V25.16B
	I_SADALP(8, 26) // SADALP V8.4S, V26.8H
	I_SADALP(9, 27) // SADALP V9.4S, V27.8H
	I_SADALP(10, 28) // SADALP V10.4S, V28.8H
	I_SADALP(11, 29) // SADALP V11.4S, V29.8H
	VDUP V17.S[2], V24.S4
	VDUP V17.S[3], V25.S4
	I_SMULL(26, 20, 24) // SMULL V26.8H, V20.8B, V24.8B
	I_SMLAL(26, 22, 25) // SMLAL V26.8H, V22.8B, V25.8B
	I_SMULL2(27, 20, 24) // SMULL2 V27.8H, V20.16B, V24.16B
	I_SMLAL2(27, 22, 25) // SMLAL2 V27.8H, V22.16B, V25.16B
	I_SMULL(28, 21, 24) // SMULL V28.8H, V21.8B, V24.8B
	I_SMLAL(28, 23, 25) // SMLAL V28.8H, V23.8B, V25.8B
	I_SMULL2(29, 21, 24) // SMULL2 V29.8H, V21.16B, V24.16B
	I_SMLAL2(29, 23, 25) // SMLAL2 V29.8H, V23.16B, V25.16B
	I_SADALP(12, 26) // SADALP V12.4S, V26.8H
	I_SADALP(13, 27) // SADALP V13.4S, V27.8H
	I_SADALP(14, 28) // SADALP V14.4S, V28.8H
	I_SADALP(15, 29) // SADALP V15.4S, V29.8H
	SUBS $1, R6, R6
	BNE  kneon
	VADDP V1.S4, V0.S4, V24.S4
	VADDP V3.S4, V2.S4, V25.S4
	VST1.P [V24.S4, V25.S4], 32(R2)
	VADDP V5.S4, V4.S4, V24.S4
	VADDP V7.S4, V6.S4, V25.S4
	VST1.P [V24.S4, V25.S4], 32(R2)
	VADDP V9.S4, V8.S4, V24.S4
	VADDP V11.S4, V10.S4, V25.S4
	VST1.P [V24.S4, V25.S4], 32(R2)
	VADDP V13.S4, V12.S4, V24.S4
	VADDP V15.S4, V14.S4, V25.S4
	VST1.P [V24.S4, V25.S4], 32(R2)
	SUBS $1, R3, R3
	BNE  tileneon
	RET

// ---------------------------------------------------------------------------
// Row quantization and the dequantize+bias epilogue (NEON), used by all
// three arm64 kernels. The float vector instructions are WORD-encoded too.

// SCVTF Vd.4S, Vn.4S
#define I_SCVTF(d, n) WORD $(0x4E21D800 | ((n)<<5) | (d))
// FMUL Vd.4S, Vn.4S, Vm.4S
#define I_FMUL(d, n, m) WORD $(0x6E20DC00 | ((m)<<16) | ((n)<<5) | (d))
// FADD Vd.4S, Vn.4S, Vm.4S
#define I_FADD(d, n, m) WORD $(0x4E20D400 | ((m)<<16) | ((n)<<5) | (d))
// FABS Vd.4S, Vn.4S
#define I_FABS(d, n) WORD $(0x4EA0F800 | ((n)<<5) | (d))
// FMAX Vd.4S, Vn.4S, Vm.4S (NaN in, NaN out)
#define I_FMAX(d, n, m) WORD $(0x4E20F400 | ((m)<<16) | ((n)<<5) | (d))
// FCVTNS Vd.4S, Vn.4S (round to nearest, ties to even)
#define I_FCVTNS(d, n) WORD $(0x4E21A800 | ((n)<<5) | (d))
// SQXTN Vd.4H, Vn.4S and SQXTN2 Vd.8H, Vn.4S (signed saturating narrow)
#define I_SQXTN_H(d, n) WORD $(0x0E614800 | ((n)<<5) | (d))
#define I_SQXTN2_H(d, n) WORD $(0x4E614800 | ((n)<<5) | (d))
// SQXTN Vd.8B, Vn.8H and SQXTN2 Vd.16B, Vn.8H
#define I_SQXTN_B(d, n) WORD $(0x0E214800 | ((n)<<5) | (d))
#define I_SQXTN2_B(d, n) WORD $(0x4E214800 | ((n)<<5) | (d))

// func absMaxNEON(x *float32, blocks int, out *[4]float32)
// For blocks blocks of 4 floats: out = lane-wise max |x| (NaN if any NaN).
TEXT ·absMaxNEON(SB), NOSPLIT, $0-24
	MOVD x+0(FP), R0
	MOVD blocks+8(FP), R1
	MOVD out+16(FP), R2
	VEOR V0.B16, V0.B16, V0.B16

absmaxneon:
	VLD1.P 16(R0), [V1.S4]
	I_FABS(1, 1) // FABS V1.4S, V1.4S
	I_FMAX(0, 0, 1) // FMAX V0.4S, V0.4S, V1.4S
	SUBS $1, R1, R1
	BNE  absmaxneon
	VST1 [V0.S4], (R2)
	RET

// func roundNEON(x *float32, blocks int, inv float32, dst *int8)
// For blocks blocks of 16 floats: dst[i] = int8(round_even(x[i]·inv)) with
// signed saturation.
TEXT ·roundNEON(SB), NOSPLIT, $0-32
	MOVD  x+0(FP), R0
	MOVD  blocks+8(FP), R1
	FMOVS inv+16(FP), F0
	MOVD  dst+24(FP), R2
	VDUP  V0.S[0], V0.S4

roundneon:
	VLD1.P 64(R0), [V1.S4, V2.S4, V3.S4, V4.S4]
	I_FMUL(1, 1, 0) // FMUL V1.4S, V1.4S, V0.4S
	I_FMUL(2, 2, 0) // FMUL V2.4S, V2.4S, V0.4S
	I_FMUL(3, 3, 0) // FMUL V3.4S, V3.4S, V0.4S
	I_FMUL(4, 4, 0) // FMUL V4.4S, V4.4S, V0.4S
	I_FCVTNS(1, 1) // FCVTNS V1.4S, V1.4S
	I_FCVTNS(2, 2) // FCVTNS V2.4S, V2.4S
	I_FCVTNS(3, 3) // FCVTNS V3.4S, V3.4S
	I_FCVTNS(4, 4) // FCVTNS V4.4S, V4.4S
	I_SQXTN_H(1, 1) // SQXTN V1.4H, V1.4S
	I_SQXTN2_H(1, 2) // SQXTN2 V1.8H, V2.4S
	I_SQXTN_H(3, 3) // SQXTN V3.4H, V3.4S
	I_SQXTN2_H(3, 4) // SQXTN2 V3.8H, V4.4S
	I_SQXTN_B(1, 1) // SQXTN V1.8B, V1.8H
	I_SQXTN2_B(1, 3) // SQXTN2 V1.16B, V3.8H
	VST1.P [V1.B16], 16(R2)
	SUBS $1, R1, R1
	BNE  roundneon
	RET

// func dequantNEON(out *float32, outStride int, acc *int32, accStride int, rows, groups int, corr *int32, scales *float32, bias *float32, sx *float32)
// For rows rows and groups groups of 4 columns:
// out[r][j] = float32(float32(float32(acc[r][j]−corr[j])·sx[r])·scales[j]) + bias[j],
// the same IEEE operations in the same order as dequantRow (no FMA).
TEXT ·dequantNEON(SB), NOSPLIT, $0-80
	MOVD out+0(FP), R0
	MOVD outStride+8(FP), R1
	LSL  $2, R1, R1
	MOVD acc+16(FP), R2
	MOVD accStride+24(FP), R3
	LSL  $2, R3, R3
	MOVD rows+32(FP), R4
	MOVD groups+40(FP), R5
	MOVD corr+48(FP), R6
	MOVD scales+56(FP), R7
	MOVD bias+64(FP), R8
	MOVD sx+72(FP), R9

dqrowneon:
	VLD1R.P 4(R9), [V0.S4]
	MOVD    R0, R10
	MOVD    R2, R11
	MOVD    R6, R12
	MOVD    R7, R13
	MOVD    R8, R14
	MOVD    R5, R15

dqgroupneon:
	VLD1.P 16(R11), [V1.S4]
	VLD1.P 16(R12), [V2.S4]
	VSUB   V2.S4, V1.S4, V1.S4
	I_SCVTF(1, 1) // SCVTF V1.4S, V1.4S
	I_FMUL(1, 1, 0) // FMUL V1.4S, V1.4S, V0.4S
	VLD1.P 16(R13), [V3.S4]
	I_FMUL(1, 1, 3) // FMUL V1.4S, V1.4S, V3.4S
	VLD1.P 16(R14), [V4.S4]
	I_FADD(1, 1, 4) // FADD V1.4S, V1.4S, V4.4S
	VST1.P [V1.S4], 16(R10)
	SUBS $1, R15, R15
	BNE  dqgroupneon
	ADD  R1, R0, R0
	ADD  R3, R2, R2
	SUBS $1, R4, R4
	BNE  dqrowneon
	RET
