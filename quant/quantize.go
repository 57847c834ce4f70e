package quant

import "math"

// MaxK is the largest inner dimension for which the int32 accumulators cannot
// overflow: K·127·128 + 128·K·128 (the VPDPBUSD shift correction before it is
// subtracted) stays below 2³¹.
const MaxK = 65535

// QuantizeWeights quantizes row-major K×N fp32 weights (ONNX MatMul's B) per
// output column: scales[n] = max_k |w[k,n]| / 127 and
// q[k,n] = round(w[k,n] / scales[n]) ∈ [−127, 127], row-major K×N. A column
// of zeros gets scale 0 and zero weights.
func QuantizeWeights(w []float32, k, n int) (q []int8, scales []float32) {
	if len(w) < k*n {
		panic("quant: QuantizeWeights: weights shorter than k·n")
	}
	scales = make([]float32, n)
	amax := make([]float32, n)
	for p := 0; p < k; p++ {
		row := w[p*n : (p+1)*n]
		for j, v := range row {
			if v < 0 {
				v = -v
			}
			if v > amax[j] {
				amax[j] = v
			}
		}
	}
	inv := make([]float32, n)
	for j, a := range amax {
		if a > 0 {
			scales[j] = a / 127
			inv[j] = 127 / a
		}
	}
	q = make([]int8, k*n)
	for p := 0; p < k; p++ {
		for j, v := range w[p*n : (p+1)*n] {
			q[p*n+j] = roundClamp127(v * inv[j])
		}
	}
	return q, scales
}

// roundClamp127 rounds half away from zero and clamps to [−127, 127].
func roundClamp127(v float32) int8 {
	if v >= 0 {
		v += 0.5
		if v >= 127 {
			return 127
		}
	} else {
		v -= 0.5
		if v <= -127 {
			return -127
		}
	}
	return int8(int32(v))
}

// quantizeRow quantizes one activation row symmetrically into dst (K int8
// values) and returns its scale sx = max|x|/127: 0 for an all-zero (or NaN)
// row, +Inf when the row holds an infinity, so that the output becomes NaN
// rather than a plausible finite number.
func quantizeRow(dst []int8, x []float32) float32 {
	var amax float32
	for _, v := range x {
		if v < 0 {
			v = -v
		}
		if v > amax {
			amax = v
		}
	}
	if !(amax > 0) || math.IsInf(float64(amax), 1) {
		clear(dst)
		return amax / 127
	}
	inv := 127 / amax
	for i, v := range x {
		dst[i] = roundClamp127(v * inv)
	}
	return amax / 127
}

// gelu is the exact (erf) GELU that BERT's intermediate layer uses.
func gelu(x float32) float32 {
	return float32(0.5 * float64(x) * (1 + math.Erf(float64(x)/math.Sqrt2)))
}
