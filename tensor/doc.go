// Package tensor is Obscura's float32 compute layer: dense row-major tensors,
// the fp32 GEMM kernels (generic Go reference plus per-architecture assembly
// chosen once from internal/cpu features), element-wise and reduction
// primitives, and the goroutine work splitter sized to GOMAXPROCS.
//
// Invariants: kernels never allocate on the hot path; every kernel has a
// plain-Go reference in ref.go that compiles on every architecture and is
// the oracle in tests; the `purego` build tag disables all assembly.
package tensor
