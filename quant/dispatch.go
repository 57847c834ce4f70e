package quant

import "github.com/obscura-ai/obscura/internal/cpu"

// KernelFor names the INT8 GEMM kernel chosen for the given features.
// (Placeholder until the per-architecture kernels land.)
func KernelFor(f cpu.Features) string { return "generic" }
