package dp

import (
	"fmt"
	"math"
)

// Aggregator is one DP-SGD step's gradient sum: Add clips each example's
// gradient to the clip norm C and adds it to the sum; Release adds the
// Gaussian noise (std σ·C) once and returns the sum. Divide the released
// sum by the expected batch size (q·N) for the update: under Poisson
// sampling the drawn size depends on the data. An Aggregator is reused
// across steps (Release resets it) and is not safe for concurrent use.
type Aggregator struct {
	clip      float64
	sum       []float32
	examples  int
	clipped   int
	nonFinite int
}

// NewAggregator returns an empty aggregator for gradients of length dim,
// clipped to clip (≥ 0, or +Inf for no clipping).
func NewAggregator(dim int, clip float64) (*Aggregator, error) {
	if dim < 0 {
		return nil, fmt.Errorf("dp: gradient length %d must be ≥ 0", dim)
	}
	if err := CheckClipNorm(clip); err != nil {
		return nil, err
	}
	return &Aggregator{clip: clip, sum: make([]float32, dim)}, nil
}

// Add clips g in place (ClipInPlace) and adds it to the sum.
func (a *Aggregator) Add(g []float32) error {
	if len(g) != len(a.sum) {
		return fmt.Errorf("dp: cannot add a gradient of length %d to a sum of length %d", len(g), len(a.sum))
	}
	n := ClipInPlace(g, a.clip)
	switch {
	case math.IsNaN(n) || math.IsInf(n, 1):
		a.nonFinite++
	case n > a.clip:
		a.clipped++
	}
	a.examples++
	return Accumulate(a.sum, g)
}

// Release adds N(0, (sigma·C)²) noise to every coordinate of the sum,
// copies it into dst (of the gradient length) and resets the aggregator.
// sigma = 0 adds nothing (with C = +Inf the result is then the plain float32
// sum, bit for bit). sigma > 0 needs a finite C.
func (a *Aggregator) Release(dst []float32, sigma float64, rng NormalSource) error {
	if len(dst) != len(a.sum) {
		return fmt.Errorf("dp: release into %d values, the sum has %d", len(dst), len(a.sum))
	}
	if !(sigma >= 0) || math.IsInf(sigma, 1) {
		return fmt.Errorf("dp: noise multiplier %v must be a finite number ≥ 0", sigma)
	}
	std := 0.0
	if sigma > 0 {
		if math.IsInf(a.clip, 1) {
			return fmt.Errorf("dp: noise needs a finite clip norm (σ·C with C = +Inf)")
		}
		std = sigma * a.clip
	}
	if err := AddGaussianNoise(a.sum, std, rng); err != nil {
		return err
	}
	copy(dst, a.sum)
	clear(a.sum)
	a.examples, a.clipped, a.nonFinite = 0, 0, 0
	return nil
}

// Counts reports, since the last Release, the examples added, how many of
// them were clipped (norm > C), and how many had a non-finite gradient
// (zeroed).
func (a *Aggregator) Counts() (examples, clipped, nonFinite int) {
	return a.examples, a.clipped, a.nonFinite
}
