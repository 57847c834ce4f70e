//go:build !purego

#include "textflag.h"

// NEON element-wise kernels (4 lanes). The Go assembler lacks the vector
// floating-point instructions, so each is a WORD built from the Arm ARM
// encoding (all .4S / .16B forms; d, n, m are register numbers):
#define FADD4(d, n, m) WORD $(0x4E20D400 | ((m)<<16) | ((n)<<5) | (d))   // FADD  Vd.4S, Vn.4S, Vm.4S
#define FSUB4(d, n, m) WORD $(0x4EA0D400 | ((m)<<16) | ((n)<<5) | (d))   // FSUB  Vd = Vn − Vm
#define FMUL4(d, n, m) WORD $(0x6E20DC00 | ((m)<<16) | ((n)<<5) | (d))   // FMUL
#define FDIV4(d, n, m) WORD $(0x6E20FC00 | ((m)<<16) | ((n)<<5) | (d))   // FDIV  Vd = Vn / Vm
#define FMAX4(d, n, m) WORD $(0x4E20F400 | ((m)<<16) | ((n)<<5) | (d))   // FMAX
#define FMLA4(d, n, m) WORD $(0x4E20CC00 | ((m)<<16) | ((n)<<5) | (d))   // FMLA  Vd += Vn·Vm
#define FMLS4(d, n, m) WORD $(0x4EA0CC00 | ((m)<<16) | ((n)<<5) | (d))   // FMLS  Vd −= Vn·Vm
#define FCMGT4(d, n, m) WORD $(0x6EA0E400 | ((m)<<16) | ((n)<<5) | (d))  // FCMGT Vd = Vn > Vm
#define FADDP4(d, n, m) WORD $(0x6E20D400 | ((m)<<16) | ((n)<<5) | (d))  // FADDP
#define ADD4(d, n, m) WORD $(0x4EA08400 | ((m)<<16) | ((n)<<5) | (d))    // ADD   Vd.4S (integer)
#define BIC16(d, n, m) WORD $(0x4E601C00 | ((m)<<16) | ((n)<<5) | (d))   // BIC   Vd = Vn & ~Vm
#define BSL16(d, n, m) WORD $(0x6E601C00 | ((m)<<16) | ((n)<<5) | (d))   // BSL   Vd = Vd ? Vn : Vm
#define MOV16(d, n) WORD $(0x4EA01C00 | ((n)<<16) | ((n)<<5) | (d))      // MOV   Vd.16B, Vn.16B (ORR)
#define FRINTN4(d, n) WORD $(0x4E218800 | ((n)<<5) | (d))                // FRINTN (to nearest, even)
#define FCVTZS4(d, n) WORD $(0x4EA1B800 | ((n)<<5) | (d))                // FCVTZS
#define SHL23(d, n) WORD $(0x4F375400 | ((n)<<5) | (d))                  // SHL   Vd.4S, Vn.4S, #23
#define FABS4(d, n) WORD $(0x4EA0F800 | ((n)<<5) | (d))                  // FABS
#define FNEG4(d, n) WORD $(0x6EA0F800 | ((n)<<5) | (d))                  // FNEG
#define CMLTZ4(d, n) WORD $(0x4EA0A800 | ((n)<<5) | (d))                 // CMLT  Vd.4S, Vn.4S, #0

// Constant registers, loaded by LOADCONSTS (bit patterns as in
// ops_amd64.s): V8 = −87, V9 = log2e, V10 = ln2hi, V11 = ln2lo,
// V12..V17 = 1/7!..1/2!, V18 = 1, V19 = 1/√2, V20 = p, V21..V25 = a5..a1,
// V26 = 2, V27 = 0.5, V28 = 0.044715, V29 = √(2/π), V30 = −2.
#define CONST(bits, v) \
	MOVW $bits, R9; \
	VDUP R9, v.S4

#define LOADCONSTS \
	CONST(0xc2ae0000, V8); \
	CONST(0x3fb8aa3b, V9); \
	CONST(0x3f318000, V10); \
	CONST(0xb95e8083, V11); \
	CONST(0x39500d01, V12); \
	CONST(0x3ab60b61, V13); \
	CONST(0x3c088889, V14); \
	CONST(0x3d2aaaab, V15); \
	CONST(0x3e2aaaab, V16); \
	CONST(0x3f000000, V17); \
	CONST(0x3f800000, V18); \
	CONST(0x3f3504f3, V19); \
	CONST(0x3ea7ba05, V20); \
	CONST(0x3f87dc22, V21); \
	CONST(0xbfba00e3, V22); \
	CONST(0x3fb5f0e3, V23); \
	CONST(0xbe91a98e, V24); \
	CONST(0x3e827906, V25); \
	CONST(0x40000000, V26); \
	CONST(0x3f000000, V27); \
	CONST(0x3d372713, V28); \
	CONST(0x3f4c422a, V29); \
	CONST(0xc0000000, V30)

// EXPNEG sets Vo = e**Vx for Vx ≤ 0 (below −87: 0; NaN stays NaN) with
// scratch Vn, Vr, Vp; Vx is kept. As in ops_amd64.s: n = round(x·log2e),
// r = x − n·ln2 (two parts), degree-7 Taylor polynomial, 2**n added to
// the exponent field.
#define EXPNEG(x, o, n, r, p) \
	FMAX4(r, x, 8); \
	FMUL4(n, r, 9); \
	FRINTN4(n, n); \
	FMLS4(r, n, 10); \
	FMLS4(r, n, 11); \
	MOV16(p, 13); \
	FMLA4(p, r, 12); \
	MOV16(o, 14); \
	FMLA4(o, p, r); \
	MOV16(p, 15); \
	FMLA4(p, o, r); \
	MOV16(o, 16); \
	FMLA4(o, p, r); \
	MOV16(p, 17); \
	FMLA4(p, o, r); \
	MOV16(o, 18); \
	FMLA4(o, p, r); \
	MOV16(p, 18); \
	FMLA4(p, o, r); \
	FCVTZS4(n, n); \
	SHL23(n, n); \
	ADD4(o, p, n); \
	FCMGT4(n, 8, x); \
	BIC16(o, o, n)

// func expSubSumNEON(x *float32, n int, sub float32) float32
TEXT ·expSubSumNEON(SB), NOSPLIT, $0-28
	MOVD  x+0(FP), R0
	MOVD  n+8(FP), R1
	FMOVS sub+16(FP), F7
	VDUP  V7.S[0], V7.S4
	LOADCONSTS
	VEOR  V6.B16, V6.B16, V6.B16
	CBZ   R1, expsum_done

expsum_loop:
	VLD1  (R0), [V0.S4]
	FSUB4(0, 0, 7)
	EXPNEG(0, 1, 2, 3, 4)
	VST1.P [V1.S4], 16(R0)
	FADD4(6, 6, 1)
	SUB   $4, R1
	CBNZ  R1, expsum_loop

expsum_done:
	FADDP4(6, 6, 6)
	FADDP4(6, 6, 6)
	FMOVS F6, ret+24(FP)
	RET

// func geluErfNEON(dst, src *float32, n int)
TEXT ·geluErfNEON(SB), NOSPLIT, $0-24
	MOVD dst+0(FP), R0
	MOVD src+8(FP), R1
	MOVD n+16(FP), R2
	LOADCONSTS
	CBZ  R2, gelu_done

gelu_loop:
	VLD1.P 16(R1), [V0.S4]           // x
	FABS4(1, 0)
	FMUL4(1, 1, 19)                  // z = |x|/√2
	MOV16(2, 18)
	FMLA4(2, 1, 20)                  // 1 + p·z
	FDIV4(2, 18, 2)                  // t
	MOV16(3, 22)
	FMLA4(3, 21, 2)                  // a4 + a5·t
	MOV16(4, 23)
	FMLA4(4, 3, 2)
	MOV16(3, 24)
	FMLA4(3, 4, 2)
	MOV16(4, 25)
	FMLA4(4, 3, 2)
	FMUL4(3, 4, 2)                   // P = t·(a1 + …)
	FMUL4(4, 1, 1)
	FNEG4(4, 4)                      // −z²
	EXPNEG(4, 5, 6, 7, 31)
	FMUL4(3, 3, 5)                   // Q = erfc(z)
	FSUB4(6, 26, 3)                  // 2 − Q
	CMLTZ4(7, 0)                     // x < 0
	BSL16(7, 3, 6)                   // 1 + erf(x/√2)
	FMUL4(0, 0, 27)
	FMUL4(0, 0, 7)
	VST1.P [V0.S4], 16(R0)
	SUB  $4, R2
	CBNZ R2, gelu_loop

gelu_done:
	RET

// func geluTanhNEON(dst, src *float32, n int)
TEXT ·geluTanhNEON(SB), NOSPLIT, $0-24
	MOVD dst+0(FP), R0
	MOVD src+8(FP), R1
	MOVD n+16(FP), R2
	LOADCONSTS
	CBZ  R2, gelut_done

gelut_loop:
	VLD1.P 16(R1), [V0.S4]           // x
	FMUL4(1, 0, 0)                   // x²
	MOV16(2, 18)
	FMLA4(2, 1, 28)                  // 1 + 0.044715·x²
	FMUL4(2, 2, 0)
	FMUL4(2, 2, 29)                  // u
	FABS4(2, 2)
	FMUL4(2, 2, 30)                  // −2|u|
	EXPNEG(2, 3, 4, 5, 6)            // e
	FADD4(4, 3, 18)                  // 1 + e
	CMLTZ4(5, 0)
	BSL16(5, 3, 18)                  // e where x < 0, else 1
	FDIV4(5, 5, 4)
	FMUL4(0, 0, 5)
	VST1.P [V0.S4], 16(R0)
	SUB  $4, R2
	CBNZ R2, gelut_loop

gelut_done:
	RET

#define FMAXV4(d, n) WORD $(0x6E30F800 | ((n)<<5) | (d))                 // FMAXV Sd, Vn.4S

// func scaleMaskMaxNEON(x, mask *float32, n int, scale float32) float32
TEXT ·scaleMaskMaxNEON(SB), NOSPLIT, $0-36
	MOVD  x+0(FP), R0
	MOVD  mask+8(FP), R1
	MOVD  n+16(FP), R2
	FMOVS scale+24(FP), F7
	VDUP  V7.S[0], V7.S4
	MOVW  $0xff800000, R9            // −Inf
	VDUP  R9, V6.S4
	CBZ   R1, smm_nomask

smm_mask:
	VLD1   (R0), [V0.S4]
	VLD1.P 16(R1), [V1.S4]
	FMUL4(0, 0, 7)
	FADD4(0, 0, 1)
	VST1.P [V0.S4], 16(R0)
	FMAX4(6, 6, 0)
	SUB    $4, R2
	CBNZ   R2, smm_mask
	B      smm_done

smm_nomask:
	VLD1   (R0), [V0.S4]
	FMUL4(0, 0, 7)
	VST1.P [V0.S4], 16(R0)
	FMAX4(6, 6, 0)
	SUB    $4, R2
	CBNZ   R2, smm_nomask

smm_done:
	FMAXV4(6, 6)
	FMOVS F6, ret+32(FP)
	RET

// func scaleNEON(x *float32, n int, s float32)
TEXT ·scaleNEON(SB), NOSPLIT, $0-20
	MOVD  x+0(FP), R0
	MOVD  n+8(FP), R2
	FMOVS s+16(FP), F7
	VDUP  V7.S[0], V7.S4

scale_loop:
	VLD1   (R0), [V0.S4]
	FMUL4(0, 0, 7)
	VST1.P [V0.S4], 16(R0)
	SUB    $4, R2
	CBNZ   R2, scale_loop
	RET

// func sumNEON(x *float32, n int) float32
TEXT ·sumNEON(SB), NOSPLIT, $0-20
	MOVD x+0(FP), R0
	MOVD n+8(FP), R2
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16

sum_loop:
	VLD1.P 32(R0), [V2.S4, V3.S4]
	FADD4(0, 0, 2)
	FADD4(1, 1, 3)
	SUB    $8, R2
	CBNZ   R2, sum_loop
	FADD4(0, 0, 1)
	FADDP4(0, 0, 0)
	FADDP4(0, 0, 0)
	FMOVS F0, ret+16(FP)
	RET

// func devSumsNEON(x *float32, n int, m0 float32) (s1, s2 float32)
TEXT ·devSumsNEON(SB), NOSPLIT, $0-32
	MOVD  x+0(FP), R0
	MOVD  n+8(FP), R2
	FMOVS m0+16(FP), F7
	VDUP  V7.S[0], V7.S4
	VEOR  V2.B16, V2.B16, V2.B16
	VEOR  V3.B16, V3.B16, V3.B16

dev_loop:
	VLD1.P 16(R0), [V0.S4]
	FSUB4(0, 0, 7)                   // d = x − m0
	FADD4(2, 2, 0)
	FMLA4(3, 0, 0)
	SUB    $4, R2
	CBNZ   R2, dev_loop
	FADDP4(2, 2, 2)
	FADDP4(2, 2, 2)
	FADDP4(3, 3, 3)
	FADDP4(3, 3, 3)
	FMOVS F2, s1+24(FP)
	FMOVS F3, s2+28(FP)
	RET

// func normNEON(dst, src, gamma, beta *float32, n int, m0, delta, inv float32)
TEXT ·normNEON(SB), NOSPLIT, $0-52
	MOVD  dst+0(FP), R0
	MOVD  src+8(FP), R1
	MOVD  gamma+16(FP), R2
	MOVD  beta+24(FP), R3
	MOVD  n+32(FP), R4
	FMOVS m0+40(FP), F5
	VDUP  V5.S[0], V5.S4
	FMOVS delta+44(FP), F6
	VDUP  V6.S[0], V6.S4
	FMOVS inv+48(FP), F7
	VDUP  V7.S[0], V7.S4
	CBZ   R3, norm_nobeta

norm_loop:
	VLD1.P 16(R1), [V0.S4]
	VLD1.P 16(R2), [V1.S4]
	VLD1.P 16(R3), [V2.S4]
	FSUB4(0, 0, 5)                   // x − m0
	FSUB4(0, 0, 6)                   // x − mean
	FMUL4(0, 0, 7)                   // · 1/σ
	FMLA4(2, 0, 1)                   // β + · γ
	VST1.P [V2.S4], 16(R0)
	SUB    $4, R4
	CBNZ   R4, norm_loop
	RET

norm_nobeta:
	VLD1.P 16(R1), [V0.S4]
	VLD1.P 16(R2), [V1.S4]
	FSUB4(0, 0, 5)
	FSUB4(0, 0, 6)
	FMUL4(0, 0, 7)
	FMUL4(0, 0, 1)
	VST1.P [V0.S4], 16(R0)
	SUB    $4, R4
	CBNZ   R4, norm_nobeta
	RET
