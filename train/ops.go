package train

import (
	"math"

	"github.com/obscura-ai/obscura/tensor"
)

// Float is the element type the trainer runs in: float32 on tensor's GEMM
// kernels (training), float64 on plain loops (the finite-difference check).
type Float interface{ float32 | float64 }

// gemm computes c (+)= a·op(b): a m×k (row stride lda), op(b) b k×n or,
// when transB, bᵀ with b n×k (row stride ldb), c m×n (row stride ldc).
// With acc the product is added to c. float32 runs on tensor's kernels;
// float64 on a plain triple loop.
func gemm[F Float](c []F, ldc int, a []F, lda int, b []F, ldb int, m, k, n int, transB, acc bool) {
	if c32, ok := any(c).([]float32); ok {
		a32, b32 := any(a).([]float32), any(b).([]float32)
		if acc {
			tensor.MatMulStridedAdd(c32, ldc, a32, lda, b32, ldb, m, k, n, transB, nil)
		} else {
			tensor.MatMulStrided(c32, ldc, a32, lda, b32, ldb, m, k, n, transB, nil)
		}
		return
	}
	parallel(m, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row := c[i*ldc : i*ldc+n]
			if !acc {
				clear(row)
			}
			for p := 0; p < k; p++ {
				av := a[i*lda+p]
				if transB {
					for j := range row {
						row[j] += av * b[j*ldb+p]
					}
				} else {
					br := b[p*ldb : p*ldb+n]
					for j := range row {
						row[j] += av * br[j]
					}
				}
			}
		}
	})
}

// gemmTA computes c += aᵀ·b with at the k×m transpose of a (row stride
// lda): tensor's transposed-A packing in float32, a plain loop in float64.
func gemmTA[F Float](c []F, ldc int, at []F, lda int, b []F, ldb int, m, k, n int) {
	if c32, ok := any(c).([]float32); ok {
		tensor.MatMulTransAAdd(c32, ldc, any(at).([]float32), lda, any(b).([]float32), ldb, m, k, n)
		return
	}
	parallel(m, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row := c[i*ldc : i*ldc+n]
			for p := 0; p < k; p++ {
				av := at[p*lda+i]
				br := b[p*ldb : p*ldb+n]
				for j := range row {
					row[j] += av * br[j]
				}
			}
		}
	})
}

// parallel runs fn over [0, n) on tensor's worker pool.
func parallel(n int, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	tensor.Parallel(n, fn)
}

// linearFwd computes y = x·w + b for x [t×k], w [k×n].
func linearFwd[F Float](y, x, w, b []F, t, k, n int) {
	gemm(y, n, x, k, w, n, t, k, n, false, false)
	parallel(t, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row := y[i*n : (i+1)*n]
			for j := range row {
				row[j] += b[j]
			}
		}
	})
}

// linearBwd accumulates the gradients of y = x·w + b: dw += xᵀ·dy,
// db += Σ_rows dy, and, when dx is non-nil, writes dx = dy·wᵀ (or adds it
// with accDX).
func linearBwd[F Float](dx, dw, db, dy, x, w []F, t, k, n int, accDX bool) {
	gemmTA(dw, n, x, k, dy, n, k, t, n)
	colSum(db, dy, t, n)
	if dx != nil {
		gemm(dx, k, dy, n, w, n, t, n, k, true, accDX)
	}
}

// colSum adds the column sums of m [rows×cols] to dst, each column summed
// over the rows in order (the result does not depend on scheduling).
func colSum[F Float](dst, m []F, rows, cols int) {
	const blk = 64
	parallel((cols+blk-1)/blk, func(lo, hi int) {
		for c0 := lo * blk; c0 < min(hi*blk, cols); c0 += blk {
			c1 := min(c0+blk, cols)
			for r := 0; r < rows; r++ {
				row := m[r*cols:]
				for c := c0; c < c1; c++ {
					dst[c] += row[c]
				}
			}
		}
	})
}

// lnFwd normalises each row of x [t×h] into y with gain g and bias b, and
// keeps x̂ and 1/σ for the backward pass.
func lnFwd[F Float](y, xhat, rstd, x, g, b []F, t, h int, eps float64) {
	parallel(t, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			xr := x[i*h : (i+1)*h]
			var mean float64
			for _, v := range xr {
				mean += float64(v)
			}
			mean /= float64(h)
			var vr float64
			for _, v := range xr {
				d := float64(v) - mean
				vr += d * d
			}
			vr /= float64(h)
			rs := 1 / math.Sqrt(vr+eps)
			rstd[i] = F(rs)
			xh, yr := xhat[i*h:(i+1)*h], y[i*h:(i+1)*h]
			for j, v := range xr {
				n := F((float64(v) - mean) * rs)
				xh[j] = n
				yr[j] = n*g[j] + b[j]
			}
		}
	})
}

// lnBwd writes dx for a LayerNorm (added to dx when acc) and accumulates
// dg, db: dx = (1/σ)·(dŷ - mean(dŷ) - x̂·mean(dŷ·x̂)) with dŷ = dy·g.
func lnBwd[F Float](dx, dg, db, dy, xhat, rstd, g []F, t, h int, acc bool) {
	parallel(t, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			dyr, xh := dy[i*h:(i+1)*h], xhat[i*h:(i+1)*h]
			var s1, s2 float64
			for j, d := range dyr {
				dn := float64(d * g[j])
				s1 += dn
				s2 += dn * float64(xh[j])
			}
			s1 /= float64(h)
			s2 /= float64(h)
			rs := float64(rstd[i])
			dxr := dx[i*h : (i+1)*h]
			for j, d := range dyr {
				v := F(rs * (float64(d*g[j]) - s1 - float64(xh[j])*s2))
				if acc {
					dxr[j] += v
				} else {
					dxr[j] = v
				}
			}
		}
	})
	colSumProd(dg, dy, xhat, t, h)
	colSum(db, dy, t, h)
}

// colSumProd adds Σ_rows a⊙b per column to dst.
func colSumProd[F Float](dst, a, b []F, rows, cols int) {
	const blk = 64
	parallel((cols+blk-1)/blk, func(lo, hi int) {
		for c0 := lo * blk; c0 < min(hi*blk, cols); c0 += blk {
			c1 := min(c0+blk, cols)
			for r := 0; r < rows; r++ {
				ar, br := a[r*cols:], b[r*cols:]
				for c := c0; c < c1; c++ {
					dst[c] += ar[c] * br[c]
				}
			}
		}
	})
}

const (
	invSqrt2    = 0.70710678118654752440
	invSqrt2Pi  = 0.39894228040143267794
	sqrt2OverPi = 0.79788456080286535588
	geluTanhC   = 0.044715
)

// geluFwd applies GELU (erf form, or the tanh approximation) element-wise.
// float32's erf form runs on tensor's vector GELU (what inference runs).
func geluFwd[F Float](y, x []F, tanhForm bool) {
	if y32, ok := any(y).([]float32); ok && !tanhForm {
		tensor.GELU(y32, any(x).([]float32))
		return
	}
	parallel(len(x), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			v := float64(x[i])
			if tanhForm {
				y[i] = F(0.5 * v * (1 + math.Tanh(sqrt2OverPi*(v+geluTanhC*v*v*v))))
			} else {
				y[i] = F(0.5 * v * (1 + math.Erf(v*invSqrt2)))
			}
		}
	})
}

// geluSmall is the |x| below which Φ(x) is taken from its Taylor series
// 1/2 + x·φ(0) (error below x³/15 ≈ 7e-8) instead of GELU(x)/x.
const geluSmall = 1e-2

// geluBwd overwrites dy with dy·GELU'(x), GELU'(x) = Φ(x) + x·φ(x). In
// float32 with the erf form, Φ(x) is read back from the forward output
// y = x·Φ(x), so only φ needs an exponential.
func geluBwd[F Float](dy, x, y []F, tanhForm bool) {
	if dy32, ok := any(dy).([]float32); ok && !tanhForm {
		x32, y32 := any(x).([]float32), any(y).([]float32)
		parallel(len(x32), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				v := x32[i]
				var phi float32
				if v > geluSmall || v < -geluSmall {
					phi = y32[i] / v
				} else {
					phi = 0.5 + v*invSqrt2Pi
				}
				dy32[i] *= phi + v*invSqrt2Pi*tensor.Exp32(-0.5*v*v)
			}
		})
		return
	}
	parallel(len(x), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			v := float64(x[i])
			var d float64
			if tanhForm {
				u := sqrt2OverPi * (v + geluTanhC*v*v*v)
				th := math.Tanh(u)
				d = 0.5*(1+th) + 0.5*v*(1-th*th)*sqrt2OverPi*(1+3*geluTanhC*v*v)
			} else {
				d = 0.5*(1+math.Erf(v*invSqrt2)) + v*invSqrt2Pi*math.Exp(-0.5*v*v)
			}
			dy[i] = F(float64(dy[i]) * d)
		}
	})
}
