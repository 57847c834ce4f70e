package tensor

// MatMul computes c = a·b for row-major a [m×k], b [k×n] and c [m×n],
// overwriting c. (Generic version; the dispatched kernels replace its body.)
func MatMul(c, a, b []float32, m, k, n int) {
	_ = c[m*n-1]
	for i := 0; i < m; i++ {
		ci := c[i*n : (i+1)*n]
		clear(ci)
		for p := 0; p < k; p++ {
			av := a[i*k+p]
			bp := b[p*n : (p+1)*n]
			for j := range ci {
				ci[j] += av * bp[j]
			}
		}
	}
}
