// Package privacy measures what Laplace noise on the logits costs and buys:
// the ε sweep (utility curve), the operating-point choice, and
// membership-inference attacks on the model's confidences (threshold and
// learned attacks on one model; the shadow-model attack).
//
// Method. The noise of package ner is added after the model has run
// (logits + Laplace(0, 1/ε), then softmax and decoding), so Load wraps the
// model in a CachedClassifier: every sentence runs the model once, and each
// (ε, seed) run reuses its logits and redoes only the noise, the decoding
// and the scoring. The noise-free point is therefore exactly `obscura
// eval`'s "entities" (or "pipeline") figures for the same data. Scores come
// from eval.Evaluate (seqeval-equivalent entity metrics).
//
// Invariants:
//   - Reproducible: run k of a finite ε uses seed Seed+k, and sentence i of
//     it draws its noise from a ChaCha8 source seeded with a mix of (seed,
//     i); the same seeds give the same numbers exactly, whatever the number
//     of workers. The same (seed, sentence) draws the same standard noise
//     at every ε (common random numbers), scaled by 1/ε.
//   - The operating point is the smallest swept ε whose mean macro F1 over
//     seeds is within MaxDrop (default 3 points) of the noise-free macro F1
//     on every data set of the sweep; none found means ∞ (no noise).
//   - The attack's members are training sentences and its non-members
//     validation sentences never seen in training (those whose token ids
//     equal a training sentence's are dropped), equal in number and in the histogram of sentence length.
//     AUC is computed exactly from ranks, ties counting one half.
//   - The shadow-model attack (ShadowAttack, Shokri et al. 2017) sees
//     models only through ShadowTrainer and ShadowModel, and examples only
//     as indexes into the trainer's pool; its attack classifier is fit on
//     shadow models' members (a random half of the shadow pool per shadow)
//     vs non-members (the other half) and scored, with a stratified
//     bootstrap interval, on the target's members vs non-members only.
//   - RecipeTrainer trains the target and every shadow from the same
//     starting parameters with one recipe (plain or DP-SGD), each on its
//     own members only; a trained model's Logits are those of its pool
//     sequence's labelled tokens.
//   - Reports hold names, counts, scores and timings; never input text.
//
// A Model is safe for concurrent use (its recogniser and cache are); Sweep
// and MembershipInference take one each call.
package privacy
