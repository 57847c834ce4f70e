// Package quant implements dynamic INT8 quantization: per-output-channel
// symmetric int8 weights, per-row activation quantization at run time, int32
// accumulation and a fused dequantize+bias epilogue, with the integer GEMM
// kernels for amd64 (AVX-512 VNNI, AVX-VNNI, AVX2) and arm64 (SMMLA, SDOT,
// NEON) chosen once from internal/cpu features.
//
// Invariants: every kernel computes exactly the int32 result of the generic
// reference in ref.go; weights are immutable after packing and safe for
// concurrent use.
package quant
