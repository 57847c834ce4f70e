// Package tensor is Obscura's float32 compute layer: the fp32 GEMM kernels
// (a plain-Go reference plus per-architecture assembly chosen once from
// internal/cpu features), the element-wise and row-wise primitives of the
// BERT hot path, and the goroutine work splitter sized to GOMAXPROCS.
//
// GEMM. Every entry point computes C = A·op(B) (+ bias) for row-major
// operands and overwrites C: MatMul, MatMulBias, MatMulTransB (B given as
// n×k), MatMulStrided (row strides for A, B and C, for attention heads),
// and MatMulPacked / MatMulPackedStrided with weights prepacked once by
// PackB or PackBTrans. MatMulPackedAdd is the one that accumulates:
// c += a·B + bias, the residual connection added in the micro-kernel's
// epilogue. The driver packs A into MR-row panels and B into
// NR-column panels, blocks K for L1 and M for L2, and runs a register-tiled
// micro-kernel: AVX-512F 12×32 and AVX2+FMA 6×16 on amd64, NEON 8×8 on
// arm64, a portable Go 4×4 everywhere (the only one under -tags purego).
//
// Attention. Attention (and Kernel.Attention) computes one sequence's
// multi-head softmax(scale·Q·Kᵀ + mask)·V with Q, K, V read in place from a
// fused QKV matrix: heads are spread over the worker pool, K_hᵀ and V_h are
// packed once per head (with AVX-512 16×16 register transposes for K and
// vector copies for V on amd64), and the queries are walked in slabs of MC
// rows whose scores stay in L2 between the two products. Where the kernel
// has a row-major-A micro-kernel (AVX-512 sgemmAVX512RowA, NEON
// sgemmNEONRowA) the probabilities are multiplied by V in place, without
// packing. The result is bit-identical to the unfused composition (two
// MatMulStrided around SoftmaxMasked) with the same kernel.
// AttentionBF16 is the same computation with the two products' operands
// rounded to bfloat16 and fp32 sums: on AVX-512 BF16 (VDPBF16PS, twice the
// fp32 FMA rate; 8×32 tiles, Q and the probabilities read in place as
// bfloat16 rows, Kᵀ and V packed as 32-lane panels of pairs, the softmax
// writing the probabilities as bfloat16 in its last pass) and in Go
// elsewhere, for tests; HasBF16Attention says which. Package bert runs it
// for INT8 models where the hardware has it.
//
// Dispatch. SelectKernel is the single, pure choice from cpu.Features;
// KernelFor names it for `obscura version`; Default applies it to the
// running machine. Kernels lists what this machine can run and
// KernelByName fetches one: a *Kernel's methods are the override for tests
// and benchmarks. There is no mutable global and no init-time work.
//
// Primitives. LayerNorm, AddLayerNorm, SoftmaxMasked (scale + additive
// mask + softmax), GELU (erf form; GELUSerial runs it on the calling
// goroutine, as quant's epilogue does) and GELUTanh, Exp/Erf/Tanh,
// Add (AVX2 on amd64), AddTo, AddBias and Scale. The hot ones have vector kernels: on
// amd64 AVX2 for GELU, exp and every softmax and LayerNorm pass, and
// AVX-512F where it pays (whole blocks of softmax rows and of LayerNorm
// rows in one assembly call, the residual add fused into AddLayerNorm's
// sum pass; softmax's exponential there is a degree-5 polynomial scaled
// by VSCALEFPS, within 2 ulp of e^x but not bit-identical to the AVX2 one;
// the erf GELU as 16 piecewise degree-5 polynomials of the tail Φ(−|x|),
// picked per lane with VPERMPS: no division and no exp, max abs error
// 3.8e-7 against float64, last bits differing from AVX2); NEON
// kernels on arm64 (the AVX2 set); scalar Go covers the rest and the
// purego build. Each implementation is tested against float64 math with
// named tolerances.
//
// Worker pool. Parallel, ParallelGrain and every parallel primitive share
// GOMAXPROCS−1 helper goroutines. An inference is a chain of short
// parallel steps, so an idle helper spins (yielding) for a short while
// before it parks, and a caller spins on its helpers before it blocks:
// between the steps of one inference nobody sleeps, and an idle process
// gives its cores back within that while.
//
// Invariants: a warm call allocates nothing (scratch and work items live
// in free lists); every function is safe for concurrent use on disjoint
// outputs, and may be called from inside a Parallel body (nested work runs
// on the caller when no helper is idle, so it cannot deadlock); outputs
// are written only within their m×n (strided) footprint; GEMM inputs are
// never modified (the primitives document where dst may alias a source). Shapes that do not fit their slices panic with a message that
// names the operand, never with data values.
package tensor
