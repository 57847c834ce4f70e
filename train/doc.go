// Package train fine-tunes BERT-family token classifiers in pure Go on the
// tensor package's fp32 kernels: hand-written forward and backward passes
// for every layer the fused inference plan runs (embeddings, LayerNorm,
// masked self-attention, GELU feed-forward, residuals, dropout, the
// classification head) and cross-entropy over labelled tokens, AdamW with
// decoupled weight decay, a linear warm-up and decay schedule, gradient-norm
// clipping, length-bucketed mini-batches, checkpoints and bundle export.
//
// Invariants:
//   - A batch packs its sequences end to end; attention runs within each
//     sequence, so no padding is stored or computed (what a right-padding
//     attention mask computes for the real tokens).
//   - Labels are per token; IgnoreLabel (-100) tokens (non-first subwords,
//     special tokens) add nothing to the loss.
//   - Every reduction runs in a fixed order, and dropout masks come from a
//     counter-based generator keyed by (seed, step, site, row), so a run is
//     repeatable bit for bit on one machine whatever the thread scheduling,
//     and resuming from a checkpoint continues the same run.
//   - The model runs in float32 for training and in float64 (plain loops)
//     for the finite-difference check; gradients are checked against torch.
//
// DP-SGD (RunDP, FitDP) replaces the batch step: each step draws a Poisson
// sample (rate q = BatchSize/N), runs every sampled example's own forward
// and backward pass, clips each gradient to C, adds Gaussian noise σ·C to
// the sum of the trained coordinates and divides by q·N; a dp.Budget
// refuses any step past the target (ε, δ). With σ = 0 and C = +Inf the
// gradient is the plain float32 sum of the per-example gradients.
//
// A Net is not safe for concurrent use; Params may be read concurrently
// when nothing writes them.
package train
