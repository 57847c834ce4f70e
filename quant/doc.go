// Package quant implements Obscura's dynamic INT8 matrix multiplication:
// per-output-channel symmetric int8 weights, per-row (per-token) symmetric
// int8 activations quantized at run time, int32 accumulation and a fused
// dequantize + bias (+ optional GELU) epilogue, with integer GEMM kernels for
// amd64 (AMX, AVX-512 VNNI, AVX-VNNI, AVX2) and arm64 (I8MM SMMLA, dotprod SDOT,
// plain NEON) chosen by a pure function of internal/cpu features.
//
// # The algebra
//
// A weight matrix W (K×N, ONNX MatMul's B) is quantized per output column n
// with a symmetric scale: sw[n] = max_k |W[k,n]| / 127 and
// Wq[k,n] = round(W[k,n]/sw[n]) ∈ [−127, 127]. There is no weight zero point.
// Weights imported already quantized (PackQuantized) may also use −128.
//
// An activation row x (one token, K values) is quantized at run time with its
// own symmetric scale: sx = max_k |x[k]| / 127 and xq[k] = round(x[k]/sx) ∈
// [−127, 127] (an all-zero row gets sx = 0). We chose signed symmetric
// activations over ONNX Runtime's unsigned-with-zero-point form because it
// makes the product a plain signed dot product: no per-row zero-point term,
// and the two arm64 instructions (SDOT, SMMLA) are natively s8×s8. The price,
// one bit of range for skewed rows such as GELU outputs, is measured by the
// accuracy tests. Excluding −128 from activations is what keeps the AVX2 and
// NEON int16 intermediate sums exact (see below).
//
// Then y[n] = Σ_k x[k]·W[k,n] ≈ sx·sw[n]·acc[n] with the exact int32
// acc[n] = Σ_k xq[k]·Wq[k,n], and MatMul writes
// dst[n] = (float32(acc[n])·sx)·sw[n] + bias[n], optionally through GELU.
// |acc| ≤ K·127·128, so int32 cannot overflow for K ≤ 132,000 (MaxK).
//
// # Reconciling operand signedness per kernel family
//
//   - SDOT and SMMLA (arm64) multiply s8×s8: xq and Wq are used as they are.
//   - VPDPBUSD (AVX-512 VNNI, AVX-VNNI) and TDPBUSD (AMX) multiply u8×s8. Activations are
//     stored shifted, xu = xq + 128 ∈ [1, 255], so the kernel computes
//     Σ (xq+128)·Wq = acc + 128·colsum[n], where colsum[n] = Σ_k Wq[k,n] is
//     fixed at packing time; the epilogue subtracts 128·colsum[n] exactly.
//   - VPMADDUBSW (AVX2) is also u8×s8 but adds adjacent products into int16
//     with saturation: 255·127·2 overflows. We avoid the shift there and use
//     the sign trick instead: u = |Wq| (u8, ≤ 128) and s = sign(xq, Wq)
//     (xq negated where Wq < 0, zeroed where Wq = 0), so u·s = xq·Wq and a
//     pair sum is at most 2·128·127 = 32,512 < 32,767: never saturates.
//     VPMADDWD by ones then widens pairs into int32 lanes. VPSIGNB runs on
//     the same two ports as the multiplies on AMD Zen 3 (three of them per
//     32 products), so the avx2 kernel stores the weights biased, Wq+128
//     (u8), and takes a fast path on each k-block of 16 whose activation
//     pairs all have |xq[k]|+|xq[k+1]| ≤ 128: there VPMADDUBSW(Wq+128, xq)
//     cannot saturate (255·128 < 32,768), and the row's 128·Σ xq over the
//     fast blocks is subtracted at the end; where moreover each row's
//     pairs of one slot sum to ≤ 128 over the block, the products of its
//     4 k-groups are added in int16 before one VPMADDWD; in the other
//     blocks each k-group of 4 with a pair over 128 unbiases the weights
//     and takes the sign trick, and the rest of the block stays on the
//     fast path. All are exact. (ONNX Runtime's
//     AVX2 kernel multiplies u8 activations by s8 weights directly and does
//     saturate: TestORTInt8SaturationWithoutVNNI.)
//   - Plain NEON multiplies s8×s8 into int16 (SMULL), adds one more product
//     per lane (SMLAL; again ≤ 32,512 in magnitude) and pairwise-widens into
//     int32 (SADALP).
//
// Every kernel therefore produces exactly the int32 acc of the reference in
// ref.go, which the tests check for every kernel available on the machine.
//
// # Layouts
//
// K is zero-padded to a multiple of the kernel's chunk sizes. Packed weights
// are stored in panels of nr columns; inside a panel, for each k-chunk of cb
// values, the columns follow each other with their cb consecutive k values
// (cb = 4 for the dot-product kernels, 8 column pairs for SMMLA). Activations
// are packed in the same spirit, in tiles of mr rows and k-chunks of ca.
// The amx kernel's activation tile (16 rows, ca = 64) is AMX's A tile
// itself, 16 rows of 64 k bytes, and the avx512vnni weight panel (32
// columns, cb = 4) is two AMX B tiles side by side (16 k-groups of 16
// columns × 4 bytes, rows 128 bytes apart), so one packing serves both.
//
// # AMX
//
// The amx kernel (Sapphire Rapids and later) computes 32×32 blocks in four
// tile registers, TDPBUSD with K in steps of 64, and runs the epilogue on
// each block from a 4 KB scratch that stays in L1. Tile state is process
// state the Go runtime does not save: each call loads the tile
// configuration, does all its tile work inside one assembly function
// (which the runtime never preempts asynchronously; a signal in between
// saves and restores the tiles with the rest of the XSAVE state) and ends
// with TILERELEASE. Linux grants the tile registers only to a process that
// asks (internal/cpu does, once); without the permission the feature is
// reported absent and avx512vnni runs.
//
// # Vectorised edges
//
// The row quantizer (absolute max, then scale, round to nearest even,
// saturate) and the dequantize+bias epilogue are assembly too (AVX2 on
// amd64, the quantizer and the residual epilogue over 16 lanes with
// AVX-512; NEON on arm64; on amd64 the rounding writes each 4-byte k-chunk
// straight into the packed activation tile, and with AVX-512 a whole
// 8-row tile at a time), with the same IEEE operations in the same order as
// the Go code (roundRow, dequantRow) and no fused multiply-add, so every
// kernel and architecture produces identical bits; the tests compare them
// bit for bit, and with ONNX Runtime running the PerRow export. The
// optional GELU (ActGELU) runs package tensor's vector GELU in place over
// chunks of the output once every multiply has finished, inside the same
// pool job: the result is bit-identical to MatMul followed by tensor.GELU
// on the whole output, for every kernel. The avx512vnni kernel also runs
// the epilogue itself, in registers, for every whole 8×32 tile: the int32
// sums never leave the registers and the float32 results go straight to
// dst (the same operations in the same order, so the same bits); only
// edge tiles take the int32 tile and the separate epilogue. MatMulAdd adds the dequantized
// value into dst (one float32 add per element) for residual connections.
//
// # Cold weights
//
// A model's int8 weights (about 10 MB for the baseline) do not stay in
// cache when other processes run between inferences. The avx512vnni kernel
// therefore prefetches, during the first row tile of each panel, the panel
// its worker will likely take next, and each worker prefetches its first
// panel before quantizing; BenchmarkGEMMCold measures both ways.
//
// # ONNX
//
// QuantizeONNX writes a graph in ONNX Runtime's dynamic-quantization form
// (DynamicQuantizeLinear, MatMulInteger, Cast, scale Muls: per-tensor u8
// activations). QuantizeONNXWith(…, ExportOptions{PerRow: true}) writes this
// package's own algebra in standard ops instead; ONNX Runtime then computes
// exactly what MatMul computes. Its scales are applied as two Muls, because
// ONNX Runtime's MatMulIntegerToFloat fusion assumes a scalar activation
// scale and silently mangles per-row ones. FindQuantizedMatMuls recovers
// the int8 weights and scales of both forms (and of quantize_dynamic output)
// for PackQuantized.
//
// # Concurrency
//
// A Matrix is immutable after packing and safe for concurrent use. A
// Workspace is scratch for one caller at a time; MatMul itself splits the
// work over up to GOMAXPROCS goroutines of package tensor's worker pool
// (none is started per call). Warm calls allocate nothing.
package quant
