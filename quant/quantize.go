package quant

import "math"

// MaxK is the largest inner dimension for which the int32 accumulators cannot
// overflow: K·127·128 + 128·K·128 (the VPDPBUSD shift correction before it is
// subtracted) stays below 2³¹.
const MaxK = 65535

// QuantizeWeights quantizes row-major K×N fp32 weights (ONNX MatMul's B) per
// output column: scales[n] = max_k |w[k,n]| / 127 and
// q[k,n] = round(w[k,n] / scales[n]) ∈ [−127, 127], row-major K×N, halves
// rounding up. A column of zeros gets scale 0 and zero weights.
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

// roundClamp127 rounds v ∈ [−127, 127] (up to float error) to the nearest
// integer, ties to even as the vector conversions (VCVTPS2DQ, FCVTNS) do,
// clamped to [−127, 127]. Adding and subtracting 1.5·2²³ makes float32
// arithmetic do the rounding; the clamps cover float error at the ends.
func roundClamp127(v float32) int8 {
	const magic = 1 << 23 * 1.5
	f := v + magic
	i := int32(f - magic)
	if i > 127 {
		i = 127
	}
	if i < -127 {
		i = -127
	}
	return int8(i)
}

// quantizeRow quantizes one activation row symmetrically into dst (K int8
// values) and returns its scale sx = max|x|/127: 0 for an all-zero row, NaN
// when the row holds a NaN or an infinity (dst is then zero), so that the
// output becomes NaN rather than a plausible finite number. It is the
// reference for the vectorised row quantizers. A row so small that 127/max|x|
// overflows float32 (max|x| below about 3.7e-37, all-zero included) is
// quantized to zeros with its tiny scale: its product is below float32
// resolution anyway, and the overflowing factor would turn x·inv into
// infinities that the float-to-int conversions map to −128.
func quantizeRow(dst []int8, x []float32) float32 {
	amax, ok := absMax(x)
	if !ok || tooSmall(amax) {
		clear(dst[:len(x)])
		return scaleOf(amax, ok)
	}
	roundRow(dst[:len(x)], x, 127/amax)
	return amax / 127
}

// tooSmall reports whether 127/amax overflows float32 (amax = 0 included):
// such a row quantizes to zeros.
func tooSmall(amax float32) bool {
	return math.IsInf(float64(127/amax), 1)
}

// scaleOf turns a row's max |x| into its scale (NaN for a non-finite row).
func scaleOf(amax float32, ok bool) float32 {
	if !ok {
		return float32(math.NaN())
	}
	return amax / 127
}

// absMax returns max |x| and whether the row is finite.
func absMax(x []float32) (float32, bool) {
	// Branch-free |v| and max: random signs would defeat branch prediction.
	// The builtin max propagates NaN, so a NaN anywhere ends up in amax.
	var amax float32
	for _, v := range x {
		amax = max(amax, math.Float32frombits(math.Float32bits(v)&^(1<<31)))
	}
	return amax, amax == amax && !math.IsInf(float64(amax), 1)
}

// roundRow writes round(x[i]·inv) to dst[i].
func roundRow(dst []int8, x []float32, inv float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = roundClamp127(float32(v * inv)) // no fused multiply-add
	}
}
