package tensor

import "unsafe"

// This file holds the plain-Go code that every build compiles: the GEMM
// reference (the oracle of the tests) and the portable micro-kernel (the
// fallback when no assembly kernel applies, and the only one under the
// purego tag).

// refGemm is the reference GEMM: for i<m, j<n
//
//	c[i*ldc+j] = bias[j] + Σ_{p<k} a[i*lda+p] · B[p][j]
//
// with B[p][j] = b[p*ldb+j], or b[j*ldb+p] when transB. Sums are kept in
// float64, so the result is the exactly-rounded value up to float64 error;
// a nil bias counts as zero. It is slow and simple on purpose.
func refGemm(c []float32, ldc int, a []float32, lda int, b []float32, ldb int, m, k, n int, transB bool, bias []float32) {
	acc := make([]float64, n)
	for i := 0; i < m; i++ {
		for j := range acc {
			acc[j] = 0
			if bias != nil {
				acc[j] = float64(bias[j])
			}
		}
		for p := 0; p < k; p++ {
			av := float64(a[i*lda+p])
			for j := range acc {
				var bv float32
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				acc[j] += av * float64(bv)
			}
		}
		for j, s := range acc {
			c[i*ldc+j] = float32(s)
		}
	}
}

// genericKernel is the portable Go micro-kernel: a 4×4 register tile,
// which the Go compiler keeps in registers on both amd64 and arm64.
var genericKernel = &Kernel{name: "generic", mr: 4, nr: 4, kc: 256, mc: 128, micro: microGeneric4x4}

// microGeneric4x4 implements Kernel.micro for mr = nr = 4.
func microGeneric4x4(ap, bp, cp *float32, k, ldc int, biasp *float32, accum int) {
	a := unsafe.Slice(ap, 4*k)
	b := unsafe.Slice(bp, 4*k)
	c := unsafe.Slice(cp, 3*ldc+4)
	var c00, c01, c02, c03 float32
	var c10, c11, c12, c13 float32
	var c20, c21, c22, c23 float32
	var c30, c31, c32, c33 float32
	for p := 0; p < k; p++ {
		av := a[4*p : 4*p+4 : 4*p+4]
		bv := b[4*p : 4*p+4 : 4*p+4]
		b0, b1, b2, b3 := bv[0], bv[1], bv[2], bv[3]
		a0 := av[0]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		a1 := av[1]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a2 := av[2]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		a3 := av[3]
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	if biasp != nil {
		bias := unsafe.Slice(biasp, 4)
		c00, c01, c02, c03 = c00+bias[0], c01+bias[1], c02+bias[2], c03+bias[3]
		c10, c11, c12, c13 = c10+bias[0], c11+bias[1], c12+bias[2], c13+bias[3]
		c20, c21, c22, c23 = c20+bias[0], c21+bias[1], c22+bias[2], c23+bias[3]
		c30, c31, c32, c33 = c30+bias[0], c31+bias[1], c32+bias[2], c33+bias[3]
	}
	r0 := c[0:4:4]
	r1 := c[ldc : ldc+4 : ldc+4]
	r2 := c[2*ldc : 2*ldc+4 : 2*ldc+4]
	r3 := c[3*ldc : 3*ldc+4 : 3*ldc+4]
	if accum != 0 {
		c00, c01, c02, c03 = c00+r0[0], c01+r0[1], c02+r0[2], c03+r0[3]
		c10, c11, c12, c13 = c10+r1[0], c11+r1[1], c12+r1[2], c13+r1[3]
		c20, c21, c22, c23 = c20+r2[0], c21+r2[1], c22+r2[2], c23+r2[3]
		c30, c31, c32, c33 = c30+r3[0], c31+r3[1], c32+r3[2], c33+r3[3]
	}
	r0[0], r0[1], r0[2], r0[3] = c00, c01, c02, c03
	r1[0], r1[1], r1[2], r1[3] = c10, c11, c12, c13
	r2[0], r2[1], r2[2], r2[3] = c20, c21, c22, c23
	r3[0], r3[1], r3[2], r3[3] = c30, c31, c32, c33
}
