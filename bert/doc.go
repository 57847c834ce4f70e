// Package bert runs BERT-family token classifiers (BERT, DistilBERT, RoBERTa)
// imported from ONNX files (HF/optimum or torch.onnx exports, opsets 11–17+)
// in pure Go, with two execution paths behind one API (Load, Model.Run):
//
//   - The graph executor interprets the ONNX graph node by node. It is the
//     correctness reference and runs any graph made of the ops it knows
//     (MatMul, Gemm, element-wise arithmetic, Erf/Tanh/Sqrt/Pow, Softmax,
//     ReduceMean/Sum, LayerNormalization, Gather, Reshape/Transpose/
//     (Un)Squeeze/Concat/Slice/Expand, Shape/Range/ConstantOfShape/CumSum,
//     comparisons, Where, Cast, …). Shape-computation subgraphs — every node
//     whose value depends only on constants and input shapes — are folded
//     once per input shape and cached.
//   - The fused plan is recognised from the graph's structure (never from
//     node names): embeddings (word + position + token type, with RoBERTa's
//     padding-aware positions), LayerNorm in decomposed or
//     LayerNormalization form, attention (Q/K/V projections, scale, additive
//     mask of −10000 or float32 min, or a Where mask fill as DistilBERT
//     exports write it, softmax, context, output projection),
//     GELU in Erf or tanh form, residuals and the classifier head. Facts the
//     structure leaves implicit (position scheme, mask fill value, head
//     count, activation) are read by evaluating the relevant subgraph on
//     probe inputs, and the finished plan is checked against the graph
//     executor on a probe batch before it is used. An INT8 export
//     (MatMulInteger by int8 weight initializers, as quant.QuantizeONNX
//     writes and obscura bundle --int8 ships) is recognised too: each
//     quantized matmul is read as one MatMul by the matrix its int8 weights
//     stand for, and its int8 weights and scales run as they are. Weights
//     are prepacked at load (tensor.PackedB, or quant.Matrix with
//     Options.Int8 or from an INT8 export's own int8 weights); Q, K and V
//     are packed side by side into one matrix. Attention is
//     tensor.Attention (heads read in place from the QKV product, scores
//     kept in cache between Q·Kᵀ and P·V), or for an INT8 model on a
//     processor with AVX-512 BF16 tensor.AttentionBF16 (bfloat16 products,
//     fp32 sums; Options.Attention, Model.Attention); with fp32 weights the residuals
//     are added in the output and fc2 GEMMs' epilogue
//     (tensor.MatMulPackedAdd).
//
// Invariants:
//   - An unsupported op, or a structure the fused plan does not recognise
//     when Options.Executor is "fused", is an error naming the node and its
//     op type, never a silent wrong answer. "auto" falls back to the graph.
//   - Logits are row-major [Size][SeqLen][NumLabels]. They match ONNX
//     Runtime within 1e-4 at attended positions (the tests' logitTol); an
//     INT8 export on the fused plan with fp32 attention differs from ONNX
//     Runtime on the same file by activation rounding noise only
//     (quantized_test.go); bfloat16 attention adds its own rounding
//     (TestBF16Attention bounds it). On the
//     fused path, positions after a row's last attended token are not
//     computed and read 0; a fully padded row is all zeros.
//   - A Model is immutable after Load and safe for concurrent use; each Run
//     draws its scratch from a pool, so a warm Run allocates (near) nothing
//     beyond its result. GEMMs and attention heads spread over package
//     tensor's worker pool, sized to GOMAXPROCS.
//   - Errors and logs never contain token ids' text or other input content.
package bert
