package quant

// refGemm is the reference: c[i,j] = Σ_k a[i,k]·b[k,j] for row-major
// a (m×k, int8), b (k×n, int8) and c (m×n, int32), in plain Go on every
// architecture. It is the oracle for every kernel.
func refGemm(c []int32, a, b []int8, m, k, n int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s int32
			for p := 0; p < k; p++ {
				s += int32(a[i*k+p]) * int32(b[p*n+j])
			}
			c[i*n+j] = s
		}
	}
}

// microGeneric is the generic kernel's micro-tile (mr=4, nr=8, chunks of 4)
// in plain Go, used where no assembly kernel applies. Activations are
// unshifted int8 bit patterns. Fixed-size array views keep the inner loop
// free of bounds checks.
func microGeneric(a []byte, b []int8, c []int32, tiles, kp int) {
	const mr, nr = 4, 8
	kg := kp / 4
	for t := 0; t < tiles; t++ {
		var acc [mr * nr]int32
		at := a[t*kg*mr*4 : (t+1)*kg*mr*4]
		for g := 0; g < kg; g++ {
			bg := (*[nr * 4]int8)(b[g*nr*4:])
			ag := (*[mr * 4]byte)(at[g*mr*4:])
			for i := 0; i < mr; i++ {
				x0, x1 := int32(int8(ag[i*4])), int32(int8(ag[i*4+1]))
				x2, x3 := int32(int8(ag[i*4+2])), int32(int8(ag[i*4+3]))
				row := (*[nr]int32)(acc[i*nr:])
				for j := 0; j < nr; j++ {
					row[j] += x0*int32(bg[j*4]) + x1*int32(bg[j*4+1]) + x2*int32(bg[j*4+2]) + x3*int32(bg[j*4+3])
				}
			}
		}
		copy(c[t*mr*nr:(t+1)*mr*nr], acc[:])
	}
}
