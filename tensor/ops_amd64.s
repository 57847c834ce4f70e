//go:build !purego

#include "textflag.h"
#include "bf16_amd64.h"

// Vector elementary functions (AVX2 + FMA, 8 lanes). See ops_amd64.go for
// the loops they compute and ops.go for the scalar twins they must match.

// C8 defines a 32-byte constant: the float32 with bits v in all 8 lanes.
#define C8(name, v) \
	DATA name<>+0(SB)/4, $v; \
	DATA name<>+4(SB)/4, $v; \
	DATA name<>+8(SB)/4, $v; \
	DATA name<>+12(SB)/4, $v; \
	DATA name<>+16(SB)/4, $v; \
	DATA name<>+20(SB)/4, $v; \
	DATA name<>+24(SB)/4, $v; \
	DATA name<>+28(SB)/4, $v; \
	GLOBL name<>(SB), RODATA|NOPTR, $32

C8(vlog2e, 0x3fb8aa3b)  // log2(e)
C8(vln2hi, 0x3f318000)  // ln 2, high part (exact in 9 bits)
C8(vln2lo, 0xb95e8083)  // ln 2 − ln2hi
C8(vexplo, 0xc2ae0000)  // −87: below it exp(x) is taken as 0
C8(vc2, 0x3f000000)     // 1/2!
C8(vc3, 0x3e2aaaab)     // 1/3!
C8(vc4, 0x3d2aaaab)     // 1/4!
C8(vc5, 0x3c088889)     // 1/5!
C8(vc6, 0x3ab60b61)     // 1/6!
C8(vc7, 0x39500d01)     // 1/7!
C8(vone, 0x3f800000)    // 1
C8(vtwo, 0x40000000)    // 2
C8(vhalf, 0x3f000000)   // 0.5
C8(vabs, 0x7fffffff)    // |x| mask
C8(vsign, 0x80000000)   // sign bit
C8(vrsqrt2, 0x3f3504f3) // 1/√2
C8(verfp, 0x3ea7ba05)   // A&S 7.1.26 p
C8(va1, 0x3e827906)     // A&S 7.1.26 a1..a5
C8(va2, 0xbe91a98e)
C8(va3, 0x3fb5f0e3)
C8(va4, 0xbfba00e3)
C8(va5, 0x3f87dc22)
C8(vgk, 0x3d372713)     // 0.044715
C8(vgc, 0x3f4c422a)     // √(2/π)
C8(vm2, 0xc0000000)     // −2

// Degree-5 polynomial for e**r on |r| ≤ ln2/2 used by the AVX-512 softmax
// exponential (EXP512): 1 + r·(q1 + r·(q2 + r·(q3 + r·(q4 + r·q5)))), the
// minimax fit for relative error with the constant term held at 1 (so that
// e**0 is exactly 1). Fit error 0.77·2^-23; in float32 Horner, with the
// Cody-Waite reduction and VSCALEFPS, the largest relative error over a
// dense sweep of [−87, 0] is 1.37·2^-23 (2.0 ulp of the result).
C8(vq1, 0x3f7ffffb)
C8(vq2, 0x3efffee3)
C8(vq3, 0x3e2aad35)
C8(vq4, 0x3d2b9d2a)
C8(vq5, 0x3c07d41a)
C8(vninf, 0xff800000)   // −Inf

// EXPNEG sets O = e**X for X ≤ 0 (lanes below −87 give 0, NaN stays NaN),
// using N and R as scratch and Y13 = vexplo. X is not modified.
// x = n·ln2 + r with n = round(x·log2e), |r| ≤ ln2/2; e**r by its degree-7
// Taylor polynomial (truncation < 6e-9); 2**n added to the exponent field.
#define EXPNEG(X, O, N, R) \
	VMAXPS X, Y13, R; \
	VMULPS vlog2e<>(SB), R, N; \
	VROUNDPS $0, N, N; \
	VFNMADD231PS vln2hi<>(SB), N, R; \
	VFNMADD231PS vln2lo<>(SB), N, R; \
	VMOVUPS vc7<>(SB), O; \
	VFMADD213PS vc6<>(SB), R, O; \
	VFMADD213PS vc5<>(SB), R, O; \
	VFMADD213PS vc4<>(SB), R, O; \
	VFMADD213PS vc3<>(SB), R, O; \
	VFMADD213PS vc2<>(SB), R, O; \
	VFMADD213PS vone<>(SB), R, O; \
	VFMADD213PS vone<>(SB), R, O; \
	VCVTPS2DQ N, N; \
	VPSLLD $23, N, N; \
	VPADDD N, O, O; \
	VCMPPS $5, Y13, X, N; \
	VANDPS N, O, O

// func expSubSumAVX2(x *float32, n int, sub float32) float32
TEXT ·expSubSumAVX2(SB), NOSPLIT, $0-28
	MOVQ x+0(FP), DI
	MOVQ n+8(FP), CX
	VBROADCASTSS sub+16(FP), Y15
	VMOVUPS vexplo<>(SB), Y13
	VXORPS Y14, Y14, Y14
	TESTQ CX, CX
	JZ    expsum_done

expsum_loop:
	VMOVUPS (DI), Y0
	VSUBPS Y15, Y0, Y0
	EXPNEG(Y0, Y1, Y2, Y3)
	VMOVUPS Y1, (DI)
	VADDPS Y1, Y14, Y14
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ  expsum_loop

expsum_done:
	VEXTRACTF128 $1, Y14, X0
	VADDPS X0, X14, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET

// func geluErfAVX2(dst, src *float32, n int)
TEXT ·geluErfAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VMOVUPS vexplo<>(SB), Y13
	VMOVUPS vone<>(SB), Y12
	CMPQ  CX, $16
	JLT   gelu_tail

	// Two vectors at a time, interleaved (x in Y0 and Y6): the same
	// operations per element as gelu_loop, with the registers of one
	// vector reused as its value dies so that both fit.
gelu_loop2:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y6
	VANDPS vabs<>(SB), Y0, Y1
	VANDPS vabs<>(SB), Y6, Y7
	VMULPS vrsqrt2<>(SB), Y1, Y1
	VMULPS vrsqrt2<>(SB), Y7, Y7
	VMOVUPS verfp<>(SB), Y2
	VMOVUPS verfp<>(SB), Y8
	VFMADD213PS vone<>(SB), Y1, Y2
	VFMADD213PS vone<>(SB), Y7, Y8
	VDIVPS Y2, Y12, Y2
	VDIVPS Y8, Y12, Y8
	VMOVUPS va5<>(SB), Y3
	VMOVUPS va5<>(SB), Y9
	VFMADD213PS va4<>(SB), Y2, Y3
	VFMADD213PS va4<>(SB), Y8, Y9
	VFMADD213PS va3<>(SB), Y2, Y3
	VFMADD213PS va3<>(SB), Y8, Y9
	VFMADD213PS va2<>(SB), Y2, Y3
	VFMADD213PS va2<>(SB), Y8, Y9
	VFMADD213PS va1<>(SB), Y2, Y3
	VFMADD213PS va1<>(SB), Y8, Y9
	VMULPS Y2, Y3, Y3
	VMULPS Y8, Y9, Y9
	VMULPS Y1, Y1, Y4
	VMULPS Y7, Y7, Y10
	VXORPS vsign<>(SB), Y4, Y4
	VXORPS vsign<>(SB), Y10, Y10
	EXPNEG(Y4, Y5, Y1, Y2)
	EXPNEG(Y10, Y11, Y7, Y8)
	VMULPS Y5, Y3, Y3
	VMULPS Y11, Y9, Y9
	VMOVUPS vtwo<>(SB), Y4
	VMOVUPS vtwo<>(SB), Y10
	VSUBPS Y3, Y4, Y4
	VSUBPS Y9, Y10, Y10
	VBLENDVPS Y0, Y3, Y4, Y4
	VBLENDVPS Y6, Y9, Y10, Y10
	VMULPS vhalf<>(SB), Y0, Y0
	VMULPS vhalf<>(SB), Y6, Y6
	VMULPS Y4, Y0, Y0
	VMULPS Y10, Y6, Y6
	VMOVUPS Y0, (DI)
	VMOVUPS Y6, 32(DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	CMPQ CX, $16
	JGE  gelu_loop2

gelu_tail:
	TESTQ CX, CX
	JZ    gelu_done

gelu_loop:
	VMOVUPS (SI), Y0                // x
	VANDPS vabs<>(SB), Y0, Y1       // |x|
	VMULPS vrsqrt2<>(SB), Y1, Y1    // z = |x|/√2
	VMOVUPS verfp<>(SB), Y2
	VFMADD213PS vone<>(SB), Y1, Y2  // 1 + p·z
	VDIVPS Y2, Y12, Y2              // t = 1/(1 + p·z)
	VMOVUPS va5<>(SB), Y3
	VFMADD213PS va4<>(SB), Y2, Y3
	VFMADD213PS va3<>(SB), Y2, Y3
	VFMADD213PS va2<>(SB), Y2, Y3
	VFMADD213PS va1<>(SB), Y2, Y3
	VMULPS Y2, Y3, Y3               // P = t·(a1 + t·(… a5))
	VMULPS Y1, Y1, Y4
	VXORPS vsign<>(SB), Y4, Y4      // −z²
	EXPNEG(Y4, Y5, Y6, Y7)          // e**(−z²)
	VMULPS Y5, Y3, Y3               // Q = erfc(z) = 1 − erf(|x|/√2)
	VMOVUPS vtwo<>(SB), Y6
	VSUBPS Y3, Y6, Y6               // 2 − Q = 1 + erf(|x|/√2)
	VBLENDVPS Y0, Y3, Y6, Y6        // 1 + erf(x/√2): Q where x < 0
	VMULPS vhalf<>(SB), Y0, Y0
	VMULPS Y6, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ  gelu_loop

gelu_done:
	VZEROUPPER
	RET

// func geluTanhAVX2(dst, src *float32, n int)
TEXT ·geluTanhAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VMOVUPS vexplo<>(SB), Y13
	VMOVUPS vone<>(SB), Y12
	TESTQ CX, CX
	JZ    gelut_done

gelut_loop:
	VMOVUPS (SI), Y0                // x
	VMULPS Y0, Y0, Y1               // x²
	VMOVUPS vgk<>(SB), Y2
	VFMADD213PS vone<>(SB), Y1, Y2  // 1 + 0.044715·x²
	VMULPS Y0, Y2, Y2
	VMULPS vgc<>(SB), Y2, Y2        // u = √(2/π)·(x + 0.044715·x³)
	VANDPS vabs<>(SB), Y2, Y2
	VMULPS vm2<>(SB), Y2, Y2        // −2|u|
	EXPNEG(Y2, Y3, Y4, Y5)          // e = e**(−2|u|)
	VADDPS Y12, Y3, Y4              // 1 + e
	VBLENDVPS Y0, Y3, Y12, Y5       // e where x < 0, else 1
	VDIVPS Y4, Y5, Y5               // sigmoid(2u)
	VMULPS Y5, Y0, Y0               // x·sigmoid(2u) = 0.5·x·(1 + tanh u)
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ  gelut_loop

gelut_done:
	VZEROUPPER
	RET

// HMAXPS reduces Y0 to its largest lane in X0 (Y1 scratch).
#define HMAXPS \
	VEXTRACTF128 $1, Y0, X1; \
	VMAXPS X1, X0, X0; \
	VPERMILPS $0x4E, X0, X1; \
	VMAXPS X1, X0, X0; \
	VPERMILPS $0xB1, X0, X1; \
	VMAXPS X1, X0, X0

// HSUMPS reduces Y(r) to the sum of its lanes in X(r) (Y1 scratch; r ≠ 1).
#define HSUMPS(Yr, Xr) \
	VEXTRACTF128 $1, Yr, X1; \
	VADDPS X1, Xr, Xr; \
	VHADDPS Xr, Xr, Xr; \
	VHADDPS Xr, Xr, Xr

// func scaleMaskMaxAVX2(x, mask *float32, n int, scale float32) float32
TEXT ·scaleMaskMaxAVX2(SB), NOSPLIT, $0-36
	MOVQ x+0(FP), DI
	MOVQ mask+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS scale+24(FP), Y15
	MOVL $0xff800000, AX            // −Inf
	VMOVD AX, X0
	VBROADCASTSS X0, Y0
	TESTQ SI, SI
	JZ    smm_nomask

smm_mask:
	VMULPS (DI), Y15, Y2
	VADDPS (SI), Y2, Y2
	VMOVUPS Y2, (DI)
	VMAXPS Y2, Y0, Y0
	ADDQ $32, DI
	ADDQ $32, SI
	SUBQ $8, CX
	JNZ  smm_mask
	JMP  smm_done

smm_nomask:
	VMULPS (DI), Y15, Y2
	VMOVUPS Y2, (DI)
	VMAXPS Y2, Y0, Y0
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ  smm_nomask

smm_done:
	HMAXPS
	VZEROUPPER
	MOVSS X0, ret+32(FP)
	RET

// func scaleAVX2(x *float32, n int, s float32)
TEXT ·scaleAVX2(SB), NOSPLIT, $0-20
	MOVQ x+0(FP), DI
	MOVQ n+8(FP), CX
	VBROADCASTSS s+16(FP), Y15

scale_loop:
	VMULPS (DI), Y15, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ  scale_loop
	VZEROUPPER
	RET

// func addAVX2(dst, a, b *float32, n int)
TEXT ·addAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX

add_loop:
	VMOVUPS (SI), Y0
	VADDPS  (DX), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ  add_loop
	VZEROUPPER
	RET

// func sumAVX2(x *float32, n int) float32
TEXT ·sumAVX2(SB), NOSPLIT, $0-20
	MOVQ x+0(FP), DI
	MOVQ n+8(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y2, Y2, Y2

sum_loop:
	VADDPS (DI), Y0, Y0
	ADDQ $32, DI
	SUBQ $8, CX
	JZ   sum_done
	VADDPS (DI), Y2, Y2
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ  sum_loop

sum_done:
	VADDPS Y2, Y0, Y0
	HSUMPS(Y0, X0)
	VZEROUPPER
	MOVSS X0, ret+16(FP)
	RET

// func devSumsAVX2(x *float32, n int, m0 float32) (s1, s2 float32)
TEXT ·devSumsAVX2(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), DI
	MOVQ n+8(FP), CX
	VBROADCASTSS m0+16(FP), Y15
	VXORPS Y2, Y2, Y2               // Σ d
	VXORPS Y3, Y3, Y3               // Σ d²

dev_loop:
	VMOVUPS (DI), Y0
	VSUBPS Y15, Y0, Y0              // d = x − m0
	VADDPS Y0, Y2, Y2
	VFMADD231PS Y0, Y0, Y3
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ  dev_loop
	HSUMPS(Y2, X2)
	HSUMPS(Y3, X3)
	VZEROUPPER
	MOVSS X2, s1+24(FP)
	MOVSS X3, s2+28(FP)
	RET

// func normAVX2(dst, src, gamma, beta *float32, n int, m0, delta, inv float32)
TEXT ·normAVX2(SB), NOSPLIT, $0-52
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ gamma+16(FP), DX
	MOVQ beta+24(FP), R8
	MOVQ n+32(FP), CX
	VBROADCASTSS m0+40(FP), Y13
	VBROADCASTSS delta+44(FP), Y14
	VBROADCASTSS inv+48(FP), Y15
	TESTQ R8, R8
	JZ    norm_nobeta

norm_loop:
	VMOVUPS (SI), Y0
	VSUBPS Y13, Y0, Y0              // x − m0
	VSUBPS Y14, Y0, Y0              // x − mean
	VMULPS Y15, Y0, Y0              // · 1/σ
	VMOVUPS (R8), Y1
	VFMADD231PS (DX), Y0, Y1        // · γ + β
	VMOVUPS Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, DX
	ADDQ $32, R8
	SUBQ $8, CX
	JNZ  norm_loop
	VZEROUPPER
	RET

norm_nobeta:
	VMOVUPS (SI), Y0
	VSUBPS Y13, Y0, Y0
	VSUBPS Y14, Y0, Y0
	VMULPS Y15, Y0, Y0
	VMULPS (DX), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, DX
	SUBQ $8, CX
	JNZ  norm_nobeta
	VZEROUPPER
	RET

// EXP512 sets P = e**X for X ≤ 0 in the lanes of mask K (zero in the
// others; the caller sets K to X ≥ −87, or NaN, so that NaN stays NaN and
// lanes below −87 give 0), with N scratch; X is overwritten with the
// reduced argument. x = n·ln2 + r with n = round(x·log2e), |r| ≤ ln2/2
// (Cody-Waite, ln2 in two parts), e**r by the degree-5 polynomial above,
// and 2**n applied by VSCALEFPS, which needs no exponent arithmetic and
// cannot wrap. Constants: Z16 log2e, Z17 ln2hi, Z18 ln2lo, Z19..Z23 q5..q1,
// Z24 1.
#define EXP512(X, N, P, K) \
	VMULPS Z16, X, N; \
	VRNDSCALEPS $0, N, N; \
	VFNMADD231PS Z17, N, X; \
	VFNMADD231PS Z18, N, X; \
	VMOVAPS Z19, P; \
	VFMADD213PS Z20, X, P; \
	VFMADD213PS Z21, X, P; \
	VFMADD213PS Z22, X, P; \
	VFMADD213PS Z23, X, P; \
	VFMADD213PS Z24, X, P; \
	VSCALEFPS.Z N, P, K, P

// EXP512CONST loads EXP512's constants and Z13 = −87.
#define EXP512CONST \
	VBROADCASTSS vexplo<>(SB), Z13; \
	VBROADCASTSS vlog2e<>(SB), Z16; \
	VBROADCASTSS vln2hi<>(SB), Z17; \
	VBROADCASTSS vln2lo<>(SB), Z18; \
	VBROADCASTSS vq5<>(SB), Z19; \
	VBROADCASTSS vq4<>(SB), Z20; \
	VBROADCASTSS vq3<>(SB), Z21; \
	VBROADCASTSS vq2<>(SB), Z22; \
	VBROADCASTSS vq1<>(SB), Z23; \
	VBROADCASTSS vone<>(SB), Z24

// func expSubSumAVX512(x *float32, n int, sub float32) float32
//
// EXP512 over 16 lanes; a last group of 8 runs under the lane mask K2.
// Z14 = the 16-lane sum, Z15 = sub.
TEXT ·expSubSumAVX512(SB), NOSPLIT, $0-28
	MOVQ x+0(FP), DI
	MOVQ n+8(FP), CX
	VBROADCASTSS sub+16(FP), Z15
	EXP512CONST
	VPXORD Z14, Z14, Z14
	MOVQ $0xffff, AX
	KMOVW AX, K2

expsum512_loop:
	CMPQ CX, $16
	JGE  expsum512_body
	TESTQ CX, CX
	JZ   expsum512_done
	MOVQ $0xff, AX // the last 8
	KMOVW AX, K2
	MOVQ $16, CX

expsum512_body:
	VMOVUPS.Z (DI), K2, Z0
	VSUBPS Z15, Z0, Z0
	VCMPPS $5, Z13, Z0, K2, K1    // x ≥ −87 or NaN, within K2
	EXP512(Z0, Z2, Z1, K1)
	VMOVUPS Z1, K2, (DI)
	VADDPS Z1, Z14, Z14
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  expsum512_loop

expsum512_done:
	VEXTRACTF64X4 $1, Z14, Y0
	VADDPS Y0, Y14, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET

// func softmaxRowsAVX512(x, mask *float32, rows, n, ld int, scale float32)
//
// The rows are taken in chunks of up to 16, pass by pass over the chunk,
// so that the rows' dependency chains (the running maximum and sum, their
// horizontal reductions, the division) are independent neighbours that
// overlap, rather than a long chain per row. Per row (at x + r·ld floats):
// pass 1 stores y = x·scale (+ mask) and keeps the largest y in Z0/Z1
// (−Inf start; even and odd vectors, the partial last vector of n & 15
// lanes under K3 into Z1), reduced into max[i] on the stack; pass 2 stores
// e = EXP512(y − max) and sums it in Z14/Z26 (even and odd vectors, the
// last one into Z26), reduced into inv[i] = 1/Σ e (one VDIVSS) on the
// stack; pass 3 multiplies by inv[i]. Every row runs the same steps, so
// its bits do not depend on the chunking. Registers: DI chunk, BX row, SI
// mask, R8 ld in bytes, R9 rows left, R10 row in chunk, R13 chunk rows,
// R11 n &^ 15, R12 n & 15, Z15 scale, Z25 −Inf, Z13/Z16..Z24 EXP512's
// constants; stack: max[16] at 0, inv[16] at 64.
TEXT ·softmaxRowsAVX512(SB), NOSPLIT, $144-64
	MOVQ dst+48(FP), AX           // with dst, pass 3 writes bfloat16 there
	MOVQ AX, 128(SP)
	MOVQ ldd+56(FP), AX
	SHLQ $1, AX
	MOVQ AX, 136(SP)
	MOVQ x+0(FP), DI
	MOVQ mask+8(FP), SI
	MOVQ rows+16(FP), R9
	MOVQ n+24(FP), R11
	MOVQ ld+32(FP), R8
	VBROADCASTSS scale+40(FP), Z15
	SHLQ $2, R8
	MOVQ R11, R12
	ANDQ $15, R12
	ANDQ $-16, R11
	MOVQ R12, CX
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K3                  // the n & 15 lanes of the last vector
	INCQ CX
	ANDQ $-2, CX
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVD AX, K4                  // their bfloat16 words, to a whole pair
	VPXORD Z27, Z27, Z27
	EXP512CONST
	VBROADCASTSS vninf<>(SB), Z25

smx_chunk:
	TESTQ R9, R9
	JZ    smx_ret
	MOVQ R9, R13
	CMPQ R13, $16
	JLE  smx_p1
	MOVQ $16, R13

smx_p1:                           // pass 1 over the chunk
	MOVQ DI, BX
	XORQ R10, R10

smx_p1row:
	MOVQ BX, AX
	MOVQ SI, DX
	MOVQ R11, CX
	VMOVAPS Z25, Z0
	VMOVAPS Z25, Z1
	TESTQ SI, SI
	JZ    smx_p1n

smx_p1m:                          // with the mask
	CMPQ CX, $32
	JLT  smx_p1m1
	VMULPS (AX), Z15, Z2
	VMULPS 64(AX), Z15, Z3
	VADDPS (DX), Z2, Z2
	VADDPS 64(DX), Z3, Z3
	VMOVUPS Z2, (AX)
	VMOVUPS Z3, 64(AX)
	VMAXPS Z2, Z0, Z0
	VMAXPS Z3, Z1, Z1
	ADDQ $128, AX
	ADDQ $128, DX
	SUBQ $32, CX
	JMP  smx_p1m

smx_p1m1:
	TESTQ CX, CX
	JZ    smx_p1mt
	VMULPS (AX), Z15, Z2
	VADDPS (DX), Z2, Z2
	VMOVUPS Z2, (AX)
	VMAXPS Z2, Z0, Z0
	ADDQ $64, AX
	ADDQ $64, DX

smx_p1mt:
	TESTQ R12, R12
	JZ    smx_max
	VMOVUPS.Z (AX), K3, Z2
	VMOVUPS.Z (DX), K3, Z3
	VMULPS Z15, Z2, Z2
	VADDPS Z3, Z2, Z2
	VMOVUPS Z2, K3, (AX)
	VMAXPS Z2, Z1, K3, Z1
	JMP   smx_max

smx_p1n:                          // without a mask
	CMPQ CX, $32
	JLT  smx_p1n1
	VMULPS (AX), Z15, Z2
	VMULPS 64(AX), Z15, Z3
	VMOVUPS Z2, (AX)
	VMOVUPS Z3, 64(AX)
	VMAXPS Z2, Z0, Z0
	VMAXPS Z3, Z1, Z1
	ADDQ $128, AX
	SUBQ $32, CX
	JMP  smx_p1n

smx_p1n1:
	TESTQ CX, CX
	JZ    smx_p1nt
	VMULPS (AX), Z15, Z2
	VMOVUPS Z2, (AX)
	VMAXPS Z2, Z0, Z0
	ADDQ $64, AX

smx_p1nt:
	TESTQ R12, R12
	JZ    smx_max
	VMOVUPS.Z (AX), K3, Z2
	VMULPS Z15, Z2, Z2
	VMOVUPS Z2, K3, (AX)
	VMAXPS Z2, Z1, K3, Z1

smx_max:                          // max[i] = the row maximum
	VMAXPS Z1, Z0, Z0
	VSHUFF32X4 $0x4E, Z0, Z0, Z1
	VMAXPS Z1, Z0, Z0
	VSHUFF32X4 $0xB1, Z0, Z0, Z1
	VMAXPS Z1, Z0, Z0
	VPERMILPS $0x4E, Z0, Z1
	VMAXPS Z1, Z0, Z0
	VPERMILPS $0xB1, Z0, Z1
	VMAXPS Z1, Z0, Z0
	VMOVSS X0, (SP)(R10*4)
	ADDQ R8, BX
	INCQ R10
	CMPQ R10, R13
	JLT  smx_p1row

	MOVQ DI, BX                   // pass 2: e = exp(y − max), inv[i] = 1/Σ e
	XORQ R10, R10

smx_p2row:
	VBROADCASTSS (SP)(R10*4), Z0
	MOVQ BX, AX
	MOVQ R11, CX
	VPXORD Z14, Z14, Z14
	VPXORD Z26, Z26, Z26

smx_p2:
	CMPQ CX, $32
	JLT  smx_p21
	VMOVUPS (AX), Z2
	VMOVUPS 64(AX), Z6
	VSUBPS Z0, Z2, Z2
	VSUBPS Z0, Z6, Z6
	VCMPPS $5, Z13, Z2, K1
	VCMPPS $5, Z13, Z6, K2
	EXP512(Z2, Z3, Z4, K1)
	EXP512(Z6, Z7, Z8, K2)
	VMOVUPS Z4, (AX)
	VMOVUPS Z8, 64(AX)
	VADDPS Z4, Z14, Z14
	VADDPS Z8, Z26, Z26
	ADDQ $128, AX
	SUBQ $32, CX
	JMP  smx_p2

smx_p21:
	TESTQ CX, CX
	JZ    smx_p2t
	VMOVUPS (AX), Z2
	VSUBPS Z0, Z2, Z2
	VCMPPS $5, Z13, Z2, K1
	EXP512(Z2, Z3, Z4, K1)
	VMOVUPS Z4, (AX)
	VADDPS Z4, Z14, Z14
	ADDQ $64, AX

smx_p2t:
	TESTQ R12, R12
	JZ    smx_sum
	VMOVUPS.Z (AX), K3, Z2
	VSUBPS Z0, Z2, Z2
	VCMPPS $5, Z13, Z2, K3, K1    // and only the row's lanes
	EXP512(Z2, Z3, Z4, K1)
	VMOVUPS Z4, K3, (AX)
	VADDPS Z4, Z26, Z26

smx_sum:
	VADDPS Z26, Z14, Z14
	VEXTRACTF64X4 $1, Z14, Y1
	VADDPS Y1, Y14, Y1
	VEXTRACTF128 $1, Y1, X2
	VADDPS X2, X1, X1
	VHADDPS X1, X1, X1
	VHADDPS X1, X1, X1
	MOVL $0x3f800000, AX
	VMOVD AX, X3
	VDIVSS X1, X3, X3
	VMOVSS X3, 64(SP)(R10*4)
	ADDQ R8, BX
	INCQ R10
	CMPQ R10, R13
	JLT  smx_p2row

	MOVQ DI, BX                   // pass 3: e·inv[i]
	XORQ R10, R10
	CMPQ 128(SP), $0
	JNE  smx_b3row

smx_p3row:
	VBROADCASTSS 64(SP)(R10*4), Z3
	MOVQ BX, AX
	MOVQ R11, CX

smx_p3:
	CMPQ CX, $32
	JLT  smx_p31
	VMULPS (AX), Z3, Z4
	VMULPS 64(AX), Z3, Z5
	VMOVUPS Z4, (AX)
	VMOVUPS Z5, 64(AX)
	ADDQ $128, AX
	SUBQ $32, CX
	JMP  smx_p3

smx_p31:
	TESTQ CX, CX
	JZ    smx_p3t
	VMULPS (AX), Z3, Z4
	VMOVUPS Z4, (AX)
	ADDQ $64, AX

smx_p3t:
	TESTQ R12, R12
	JZ    smx_p3next
	VMOVUPS.Z (AX), K3, Z4
	VMULPS Z3, Z4, Z4
	VMOVUPS Z4, K3, (AX)

smx_p3next:
	ADDQ R8, BX
	INCQ R10
	CMPQ R10, R13
	JLT  smx_p3row
	JMP  smx_p3done

smx_b3row:                        // pass 3 into bfloat16 rows: bf16(e·inv[i]) at dst
	VBROADCASTSS 64(SP)(R10*4), Z3
	MOVQ BX, AX
	MOVQ 128(SP), DX
	MOVQ R11, CX

smx_b3:
	CMPQ CX, $32
	JLT  smx_b31
	VMULPS (AX), Z3, Z4
	VMULPS 64(AX), Z3, Z5
	VCVTNE2PS2BF16(28, 5, 4)
	VMOVDQU16 Z28, (DX)
	ADDQ $128, AX
	ADDQ $64, DX
	SUBQ $32, CX
	JMP  smx_b3

smx_b31:
	TESTQ CX, CX
	JZ    smx_b3t
	VMULPS (AX), Z3, Z4
	VCVTNE2PS2BF16(28, 27, 4)
	VMOVDQU16 Y28, (DX)
	ADDQ $64, AX
	ADDQ $32, DX

smx_b3t:
	TESTQ R12, R12
	JZ    smx_b3next
	VMOVUPS.Z (AX), K3, Z4
	VMULPS Z3, Z4, Z4
	VCVTNE2PS2BF16(28, 27, 4)
	VMOVDQU16 Z28, K4, (DX)       // an odd n's pair ends on a zero

smx_b3next:
	MOVQ 136(SP), DX
	ADDQ DX, 128(SP)
	ADDQ R8, BX
	INCQ R10
	CMPQ R10, R13
	JLT  smx_b3row

smx_p3done:
	MOVQ BX, DI                   // the next chunk
	SUBQ R13, R9
	JMP  smx_chunk

smx_ret:
	VZEROUPPER
	RET

// C16 defines a 64-byte table of 16 float32s (bits v0..v15), one per
// VPERMPS index.
#define C16(name, v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15) \
	DATA name<>+0(SB)/4, $v0; \
	DATA name<>+4(SB)/4, $v1; \
	DATA name<>+8(SB)/4, $v2; \
	DATA name<>+12(SB)/4, $v3; \
	DATA name<>+16(SB)/4, $v4; \
	DATA name<>+20(SB)/4, $v5; \
	DATA name<>+24(SB)/4, $v6; \
	DATA name<>+28(SB)/4, $v7; \
	DATA name<>+32(SB)/4, $v8; \
	DATA name<>+36(SB)/4, $v9; \
	DATA name<>+40(SB)/4, $v10; \
	DATA name<>+44(SB)/4, $v11; \
	DATA name<>+48(SB)/4, $v12; \
	DATA name<>+52(SB)/4, $v13; \
	DATA name<>+56(SB)/4, $v14; \
	DATA name<>+60(SB)/4, $v15; \
	GLOBL name<>(SB), RODATA|NOPTR, $64

// The AVX-512 GELU's tail function Ψ(a) = Φ(−a) = erfc(a/√2)/2 for a ≥ 0,
// piecewise: with u = 2.5·a and j = round(u) (0 ≤ j ≤ 15, a < 6.2), Ψ is
// c0[j] + t·(c1[j] + t·(c2[j] + t·(c3[j] + t·(c4[j] + t·c5[j])))) in
// t = u − j ∈ [−0.5, 0.5] ([0, 0.5] for j = 0). Each piece is the degree-5
// minimax (absolute error) fit of Ψ((j + t)/2.5); vgelucI holds the 16
// values cI[j]. Fit error ≤ 6e-9 (1.4e-8 with the coefficients rounded
// to float32, as gelu_table_test.go checks); c0[0] = 0.5 exactly
// (Ψ(0) = 1/2). Generated by gen_gelu_table.go (go run gen_gelu_table.go
// prints these six lines), which rounds piece 0's coefficients one at a
// time, refitting the rest (its fit error is far below their rounding).
// Beyond a = 6.2, Ψ < 3e-10 is taken as 0.
C16(vgeluc0, 0x3f000000, 0x3eb06c90, 0x3e58f0a0, 0x3deba9a6, 0x3d607538, 0x3cba5e7b, 0x3c064ef4, 0x3b2773f9, 0x3a342112, 0x3926d679, 0x3804d6ea, 0x36b59dea, 0x3554f641, 0x33d5fe13, 0x3238236d, 0x30879bf5)
C16(vgeluc1, 0xbe236821, 0xbe16d7ec, 0xbded50b9, 0xbd9f13c5, 0xbd35bb92, 0xbcb0eae7, 0xbc12c3c8, 0xbb4f7faf, 0xba79fd5f, 0xb9805341, 0xb86087c7, 0xb7276318, 0xb5d4ac5f, 0xb46642a2, 0xb2d47137, 0xb127063d)
C16(vgeluc2, 0xb3e5f0a2, 0x3c4112bc, 0x3c97e0df, 0x3c98b68e, 0x3c689ec4, 0x3c0d8989, 0x3b8ce5c4, 0x3ae8665b, 0x3a1ffc8e, 0x3938c37b, 0x383392ec, 0x37133a1c, 0x35cc003b, 0x346f2ce6, 0x32ed8253, 0x3147ed02)
C16(vgeluc3, 0x3b8b77b4, 0x3b583e93, 0x3a91d04f, 0xba6ee2ea, 0xbaf1ea81, 0xbae274d4, 0xba950a05, 0xba17656c, 0xb97664a9, 0xb8a3b3a7, 0xb7b39911, 0xb6a3daa0, 0xb579d9b2, 0xb41fbf82, 0xb2abc1fe, 0xb11b94ca)
C16(vgeluc4, 0xb6329d62, 0xb9e7c300, 0xba17c5b9, 0xb9ca9895, 0xb8b1dcf6, 0x38ed38b6, 0x3924c8ab, 0x38efc308, 0x38784c2f, 0x37c66b52, 0x36fd5749, 0x36039fab, 0x34e12413, 0x339faa37, 0x323cc439, 0x30babc95)
C16(vgeluc5, 0xb8cf4d0a, 0xb8871c2e, 0x372c4d56, 0x387504da, 0x38651adb, 0x37c2095b, 0xb6404b8f, 0xb743463f, 0xb71e1457, 0xb6a40a6b, 0xb5fca55d, 0xb5183592, 0xb4134444, 0xb2e84f59, 0xb196d4c7, 0xb0224eec)
C8(vgeluk, 0x40200000)  // 2.5 pieces per unit of |x|
C8(vgelucut, 0x4b00000f) // 2**23 + 15: v above it (j > 15) gives Ψ = 0
C8(vmagic, 0x4b000000)  // 2**23: u + 2**23 rounds u to an integer
C8(vallones, 0xffffffff)

// GELU512 sets X = x·Φ(x) = 0.5·x·(1 + erf(x/√2)) for the 16 lanes of X,
// with U, V, T, P, Q scratch and KR, KS mask scratch:
//
//	v = 2.5·|x| + 2**23 (one FMA), whose low mantissa bits are
//	j = round(2.5·|x|); t = 2.5·|x| − (v − 2**23) (one FMA);
//	Ψ = the piece j polynomial in t (VPERMPS picks each coefficient
//	from its 16-entry table by the low 4 bits of v), zeroed where
//	j > 15 or x is NaN (KR: v ≤ 2**23 + 15);
//	Φ(x) = 1 − Ψ where x's sign bit is clear (KS), Ψ where it is set.
//
// So −0 gives −0, NaN stays NaN, +Inf gives +Inf and −Inf gives NaN
// (−Inf·0), as in geluErfAVX2. Constants: Z16..Z21 the tables c0..c5,
// Z22 2.5, Z23 2**23, Z24 2**23 + 15, Z25 |x| mask, Z26 all ones (−1), Z27 1.
#define GELU512(X, U, V, T, P, Q, KR, KS) \
	VPANDD Z25, X, U; \
	VMOVAPS Z23, V; \
	VFMADD231PS Z22, U, V; \
	VSUBPS Z23, V, T; \
	VFMSUB231PS Z22, U, T; \
	VCMPPS $2, Z24, V, KR; \
	VPERMPS Z21, V, P; \
	VPERMPS Z20, V, Q; \
	VFMADD213PS Q, T, P; \
	VPERMPS Z19, V, Q; \
	VFMADD213PS Q, T, P; \
	VPERMPS Z18, V, Q; \
	VFMADD213PS Q, T, P; \
	VPERMPS Z17, V, Q; \
	VFMADD213PS Q, T, P; \
	VPERMPS Z16, V, Q; \
	VFMADD213PS.Z Q, T, KR, P; \
	VPCMPGTD Z26, X, KS; \
	VSUBPS P, Z27, KS, P; \
	VMULPS P, X, X

// func geluErfAVX512(dst, src *float32, n int)
//
// GELU512 on two vectors (32 floats) per iteration, then one vector, then
// a last group of 8 under the lane mask K2.
TEXT ·geluErfAVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VMOVUPS vgeluc0<>(SB), Z16
	VMOVUPS vgeluc1<>(SB), Z17
	VMOVUPS vgeluc2<>(SB), Z18
	VMOVUPS vgeluc3<>(SB), Z19
	VMOVUPS vgeluc4<>(SB), Z20
	VMOVUPS vgeluc5<>(SB), Z21
	VBROADCASTSS vgeluk<>(SB), Z22
	VBROADCASTSS vmagic<>(SB), Z23
	VBROADCASTSS vgelucut<>(SB), Z24
	VBROADCASTSS vabs<>(SB), Z25
	VBROADCASTSS vallones<>(SB), Z26
	VBROADCASTSS vone<>(SB), Z27
	CMPQ CX, $32
	JLT  gelu512_one

gelu512_two:
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z8
	GELU512(Z0, Z1, Z2, Z3, Z4, Z5, K1, K3)
	GELU512(Z8, Z9, Z10, Z11, Z12, Z13, K4, K5)
	VMOVUPS Z0, (DI)
	VMOVUPS Z8, 64(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	CMPQ CX, $32
	JGE  gelu512_two

gelu512_one:
	CMPQ CX, $16
	JLT  gelu512_last
	VMOVUPS (SI), Z0
	GELU512(Z0, Z1, Z2, Z3, Z4, Z5, K1, K3)
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX

gelu512_last:
	TESTQ CX, CX
	JZ    gelu512_done
	MOVQ $0xff, AX // the last 8
	KMOVW AX, K2
	VMOVUPS.Z (SI), K2, Z0
	GELU512(Z0, Z1, Z2, Z3, Z4, Z5, K1, K3)
	VMOVUPS Z0, K2, (DI)

gelu512_done:
	VZEROUPPER
	RET

// HSUM512 reduces Zr (r < 16) to the float32 sum of its 16 lanes in Xr,
// with Y1/X1 scratch (r ≠ 1).
#define HSUM512(Zr, Yr, Xr) \
	VEXTRACTF64X4 $1, Zr, Y1; \
	VADDPS Y1, Yr, Yr; \
	VEXTRACTF128 $1, Yr, X1; \
	VADDPS X1, Xr, Xr; \
	VHADDPS Xr, Xr, Xr; \
	VHADDPS Xr, Xr, Xr

// func layerNormAVX512(dst, a, b, gamma, beta *float32, rows, n int, eps float32)
//
// layerNormRow for rows contiguous rows of n ≥ 1 floats (row r at r·n),
// the residual sum a + b stored to dst first when b != nil, with a masked
// last vector of n & 15 lanes (K3). Per row: pass 1 sums x (x = a + b,
// stored, or x = a) in Z2/Z3; m0 = float32(Σ/n) in float64. Pass 2 sums
// d = x − m0 and d² in Z2..Z5. Then, in float64 as layerNormRow does,
// δ = s1/n, v = max(0, s2/n − δ²), inv = float32(1/√(v + eps)). Pass 3
// stores ((x − m0) − δ)·inv·γ + β (no β when beta is nil). Registers: DI
// dst row, SI a row, DX b row (in passes 2 and 3: BX the source row, DX
// the chunk's first), R8 gamma, R9 beta, R10 rows left, R11 n &^ 15,
// R13 n·4 bytes, X10 float64(n), X11 float64(eps),
// X12 1.0 (float64), Z13 m0, Z14 δ, Z15 inv.
//
// The rows are taken in chunks of up to 16, pass by pass over the chunk
// (R12 the row in the chunk), so that the rows' scalar chains (horizontal
// sums, divisions, square root) are independent neighbours that overlap.
// Stack: m0[16] at 0, δ[16] at 64, inv[16] at 128, the chunk's rows at
// 192 and its dst, a and b rows at 200, 208 and 216. Whether a row has a
// partial last vector is K3 ≠ 0 (KORTESTW).
TEXT ·layerNormAVX512(SB), NOSPLIT, $224-60
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ gamma+24(FP), R8
	MOVQ beta+32(FP), R9
	MOVQ rows+40(FP), R10
	MOVQ n+48(FP), R11
	VCVTSI2SDQ R11, X10, X10
	VCVTSS2SD eps+56(FP), X11, X11
	MOVQ $0x3ff0000000000000, AX
	VMOVQ AX, X12
	MOVQ R11, R13
	SHLQ $2, R13
	MOVQ R11, CX
	ANDQ $15, CX
	ANDQ $-16, R11
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K3

ln_chunk:
	TESTQ R10, R10
	JZ    ln_ret
	MOVQ R10, AX
	CMPQ AX, $16
	JLE  ln_chunk1
	MOVQ $16, AX

ln_chunk1:
	MOVQ AX, 192(SP)
	MOVQ DI, 200(SP)
	MOVQ SI, 208(SP)
	MOVQ DX, 216(SP)
	XORQ R12, R12

ln_row:                           // pass 1: x (= a + b, stored), Σ x
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	XORQ AX, AX                   // byte offset in the row
	MOVQ R11, CX
	TESTQ DX, DX
	JZ    ln_p1a

ln_p1b:
	CMPQ CX, $32
	JLT  ln_p1b1
	VMOVUPS (SI)(AX*1), Z0
	VMOVUPS 64(SI)(AX*1), Z1
	VADDPS (DX)(AX*1), Z0, Z0
	VADDPS 64(DX)(AX*1), Z1, Z1
	VMOVUPS Z0, (DI)(AX*1)
	VMOVUPS Z1, 64(DI)(AX*1)
	VADDPS Z0, Z2, Z2
	VADDPS Z1, Z3, Z3
	ADDQ $128, AX
	SUBQ $32, CX
	JMP  ln_p1b

ln_p1b1:
	TESTQ CX, CX
	JZ    ln_p1bt
	VMOVUPS (SI)(AX*1), Z0
	VADDPS (DX)(AX*1), Z0, Z0
	VMOVUPS Z0, (DI)(AX*1)
	VADDPS Z0, Z2, Z2
	ADDQ $64, AX

ln_p1bt:
	KORTESTW K3, K3
	JZ    ln_p1bdone
	VMOVUPS.Z (SI)(AX*1), K3, Z0
	VMOVUPS.Z (DX)(AX*1), K3, Z1
	VADDPS Z1, Z0, Z0
	VMOVUPS Z0, K3, (DI)(AX*1)
	VADDPS Z0, Z3, Z3

ln_p1bdone:
	JMP  ln_mean

ln_p1a:
	CMPQ CX, $32
	JLT  ln_p1a1
	VADDPS (SI)(AX*1), Z2, Z2
	VADDPS 64(SI)(AX*1), Z3, Z3
	ADDQ $128, AX
	SUBQ $32, CX
	JMP  ln_p1a

ln_p1a1:
	TESTQ CX, CX
	JZ    ln_p1at
	VADDPS (SI)(AX*1), Z2, Z2
	ADDQ $64, AX

ln_p1at:
	KORTESTW K3, K3
	JZ    ln_p1adone
	VMOVUPS.Z (SI)(AX*1), K3, Z0
	VADDPS Z0, Z3, Z3

ln_p1adone:

ln_mean:                          // m0[i] = float32(Σ x / n)
	VADDPS Z3, Z2, Z2
	HSUM512(Z2, Y2, X2)
	VCVTSS2SD X2, X2, X2
	VDIVSD X10, X2, X2
	VCVTSD2SS X2, X2, X2
	VMOVSS X2, (SP)(R12*4)
	ADDQ R13, DI
	ADDQ R13, SI
	TESTQ DX, DX
	JZ    ln_p1next
	ADDQ R13, DX

ln_p1next:
	INCQ R12
	CMPQ R12, 192(SP)
	JLT  ln_row

	MOVQ 208(SP), BX              // passes 2 and 3 read a, or the stored sum
	CMPQ 216(SP), $0
	JEQ  ln_p2start
	MOVQ 200(SP), BX

ln_p2start:
	MOVQ BX, DX                   // DX: the chunk's first source row
	XORQ R12, R12

ln_p2row:                         // pass 2: Σ d, Σ d² for d = x − m0
	VBROADCASTSS (SP)(R12*4), Z13
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	XORQ AX, AX
	MOVQ R11, CX

ln_p2:
	CMPQ CX, $32
	JLT  ln_p21
	VMOVUPS (BX)(AX*1), Z0
	VMOVUPS 64(BX)(AX*1), Z1
	VSUBPS Z13, Z0, Z0
	VSUBPS Z13, Z1, Z1
	VADDPS Z0, Z2, Z2
	VADDPS Z1, Z4, Z4
	VFMADD231PS Z0, Z0, Z3
	VFMADD231PS Z1, Z1, Z5
	ADDQ $128, AX
	SUBQ $32, CX
	JMP  ln_p2

ln_p21:
	TESTQ CX, CX
	JZ    ln_p2t
	VMOVUPS (BX)(AX*1), Z0
	VSUBPS Z13, Z0, Z0
	VADDPS Z0, Z2, Z2
	VFMADD231PS Z0, Z0, Z3
	ADDQ $64, AX

ln_p2t:
	KORTESTW K3, K3
	JZ    ln_stats
	VMOVAPS Z13, Z0
	VMOVUPS (BX)(AX*1), K3, Z0    // merge: the other lanes keep m0, d = 0
	VSUBPS Z13, Z0, Z0
	VADDPS Z0, Z4, Z4
	VFMADD231PS Z0, Z0, Z5

ln_stats:                         // δ[i], inv[i]
	VADDPS Z4, Z2, Z2
	VADDPS Z5, Z3, Z3
	HSUM512(Z2, Y2, X2)
	HSUM512(Z3, Y3, X3)
	VCVTSS2SD X2, X2, X2
	VDIVSD X10, X2, X2            // δ = s1/n
	VCVTSS2SD X3, X3, X3
	VDIVSD X10, X3, X3            // s2/n
	VMULSD X2, X2, X4
	VSUBSD X4, X3, X3             // s2/n − δ²
	VXORPD X4, X4, X4
	VMAXSD X3, X4, X3             // max(0, ·), NaN stays NaN
	VADDSD X11, X3, X3
	VSQRTSD X3, X3, X3
	VDIVSD X3, X12, X3            // 1/√(v + eps)
	VCVTSD2SS X3, X3, X3
	VCVTSD2SS X2, X2, X2
	VMOVSS X2, 64(SP)(R12*4)
	VMOVSS X3, 128(SP)(R12*4)
	ADDQ R13, BX
	INCQ R12
	CMPQ R12, 192(SP)
	JLT  ln_p2row

	MOVQ DX, BX
	MOVQ 200(SP), DI
	XORQ R12, R12

ln_p3row:                         // pass 3: ((x − m0) − δ)·inv·γ + β
	VBROADCASTSS (SP)(R12*4), Z13
	VBROADCASTSS 64(SP)(R12*4), Z14
	VBROADCASTSS 128(SP)(R12*4), Z15
	XORQ AX, AX
	MOVQ R11, CX
	TESTQ R9, R9
	JZ    ln_p3n

ln_p3:
	CMPQ CX, $32
	JLT  ln_p31
	VMOVUPS (BX)(AX*1), Z0
	VMOVUPS 64(BX)(AX*1), Z1
	VSUBPS Z13, Z0, Z0
	VSUBPS Z13, Z1, Z1
	VSUBPS Z14, Z0, Z0
	VSUBPS Z14, Z1, Z1
	VMULPS Z15, Z0, Z0
	VMULPS Z15, Z1, Z1
	VMOVUPS (R9)(AX*1), Z2
	VMOVUPS 64(R9)(AX*1), Z3
	VFMADD231PS (R8)(AX*1), Z0, Z2
	VFMADD231PS 64(R8)(AX*1), Z1, Z3
	VMOVUPS Z2, (DI)(AX*1)
	VMOVUPS Z3, 64(DI)(AX*1)
	ADDQ $128, AX
	SUBQ $32, CX
	JMP  ln_p3

ln_p31:
	TESTQ CX, CX
	JZ    ln_p3t
	VMOVUPS (BX)(AX*1), Z0
	VSUBPS Z13, Z0, Z0
	VSUBPS Z14, Z0, Z0
	VMULPS Z15, Z0, Z0
	VMOVUPS (R9)(AX*1), Z2
	VFMADD231PS (R8)(AX*1), Z0, Z2
	VMOVUPS Z2, (DI)(AX*1)
	ADDQ $64, AX

ln_p3t:
	KORTESTW K3, K3
	JZ    ln_next
	VMOVUPS.Z (BX)(AX*1), K3, Z0
	VMOVUPS.Z (R8)(AX*1), K3, Z1
	VMOVUPS.Z (R9)(AX*1), K3, Z2
	VSUBPS Z13, Z0, Z0
	VSUBPS Z14, Z0, Z0
	VMULPS Z15, Z0, Z0
	VFMADD231PS Z1, Z0, Z2
	VMOVUPS Z2, K3, (DI)(AX*1)
	JMP   ln_next

ln_p3n:
	CMPQ CX, $32
	JLT  ln_p3n1
	VMOVUPS (BX)(AX*1), Z0
	VMOVUPS 64(BX)(AX*1), Z1
	VSUBPS Z13, Z0, Z0
	VSUBPS Z13, Z1, Z1
	VSUBPS Z14, Z0, Z0
	VSUBPS Z14, Z1, Z1
	VMULPS Z15, Z0, Z0
	VMULPS Z15, Z1, Z1
	VMULPS (R8)(AX*1), Z0, Z0
	VMULPS 64(R8)(AX*1), Z1, Z1
	VMOVUPS Z0, (DI)(AX*1)
	VMOVUPS Z1, 64(DI)(AX*1)
	ADDQ $128, AX
	SUBQ $32, CX
	JMP  ln_p3n

ln_p3n1:
	TESTQ CX, CX
	JZ    ln_p3nt
	VMOVUPS (BX)(AX*1), Z0
	VSUBPS Z13, Z0, Z0
	VSUBPS Z14, Z0, Z0
	VMULPS Z15, Z0, Z0
	VMULPS (R8)(AX*1), Z0, Z0
	VMOVUPS Z0, (DI)(AX*1)
	ADDQ $64, AX

ln_p3nt:
	KORTESTW K3, K3
	JZ    ln_next
	VMOVUPS.Z (BX)(AX*1), K3, Z0
	VMOVUPS.Z (R8)(AX*1), K3, Z1
	VSUBPS Z13, Z0, Z0
	VSUBPS Z14, Z0, Z0
	VMULPS Z15, Z0, Z0
	VMULPS Z1, Z0, Z0
	VMOVUPS Z0, K3, (DI)(AX*1)

ln_next:
	ADDQ R13, BX
	ADDQ R13, DI
	INCQ R12
	CMPQ R12, 192(SP)
	JLT  ln_p3row

	MOVQ 192(SP), AX              // the next chunk (DI is already there)
	SUBQ AX, R10
	IMULQ R13, AX
	MOVQ 208(SP), SI
	ADDQ AX, SI
	MOVQ 216(SP), DX
	TESTQ DX, DX
	JZ    ln_chunk
	ADDQ AX, DX
	JMP  ln_chunk

ln_ret:
	VZEROUPPER
	RET
