package tensor

// GELUSerial sets dst[i] = GELU(src[i]) (the erf form) on the calling
// goroutine, for a GEMM epilogue that already runs on a worker: one call
// of the element-wise kernel over the whole slice, so its constants are
// loaded once. The values equal those of GELU(dst, src) on the same
// slices: the vector kernel covers the first len(dst)&^7 elements and the
// scalar twin the rest, exactly as in GELU, whose work items all start at
// multiples of 8. dst may alias src.
func GELUSerial(dst, src []float32) {
	sameLen("GELUSerial", len(dst), src)
	detectedVecOps().gelu(dst, src, false)
}
