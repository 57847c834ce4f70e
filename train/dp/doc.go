// Package dp is the differential-privacy arithmetic of DP-SGD: a Rényi-DP
// accountant for the Poisson-subsampled Gaussian mechanism, the (ε, δ)
// conversion, a search for the noise multiplier that meets a target, a
// Budget that refuses a step past the target, and the per-example gradient
// primitives the trainer calls (clip, accumulate, add Gaussian noise). It
// imports nothing from the module and knows nothing of models.
//
// The mechanism. One DP-SGD step samples a batch, clips every example's
// gradient to L2 norm ≤ C (ClipInPlace), sums them (Accumulate), and adds
// N(0, (σC)²) to every coordinate of the sum (AddGaussianNoise); σ is the
// noise multiplier. Neighbouring data sets differ by adding or removing one
// example (so one example moves the sum by at most C). Aggregator bundles
// the three for one step and counts the examples it clipped.
//
// Sampling assumption. The accountant analyses Poisson sampling: at every
// step each example is in the batch independently with probability q
// (PoissonSample), so the batch size is random. Shuffling the data and
// cutting it into fixed-size batches is a different mechanism: the
// Poisson ε is then only a heuristic, and it can understate the true ε
// substantially (Chua et al. 2024, "How private are DP-SGD
// implementations?"). A trainer that shuffles must say so next to any ε
// it prints.
//
// The accountant. RDP gives the per-step RDP ε(α) at each order α (Mironov,
// Talwar and Zhang 2019), integer orders by the exact binomial sum and
// fractional ones by their erfc series, all in log space; steps compose by
// adding RDP at each order (Accountant). Epsilon converts to (ε, δ),
// minimising over the orders, with either the conversion of Balle et al.
// 2020 / Canonne, Kamath and Steinke 2020 (ConversionTight, the default)
// or Mironov 2017's (ConversionStandard). The orders default to
// DefaultOrders (those of Opacus and TF-Privacy). The tests check the
// accountant against published figures (Abadi et al. 2016, TF-Privacy's
// and Opacus's documented MNIST runs) and against an independent numerical
// integration of the Rényi divergence.
//
// Randomness. Noise comes from a NormalSource. NewSeededSource is
// reproducible (the same seed, the same noise) and is for tests and
// experiments: noise that an adversary can regenerate protects nothing.
// NewCryptoSource reads the operating system's CSPRNG and is what a
// released model must be trained with.
//
// Invariants:
//   - after ClipInPlace(g, C), ‖g‖₂ ≤ C in float32 arithmetic as measured
//     by Norm; C = +Inf and a g already within C leave g bit for bit;
//   - with C = +Inf and noise std 0, clip + Accumulate + AddGaussianNoise
//     give exactly the plain float32 sum of the gradients;
//   - Budget.Step never lets the ε of the recorded steps exceed the target;
//   - NoiseMultiplier's σ always meets its target.
//
// Accountant and Budget are not safe for concurrent use; the functions are.
package dp
