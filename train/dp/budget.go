package dp

import (
	"errors"
	"fmt"
	"math"
)

// ErrBudgetExceeded is returned (wrapped) by Budget.Step when one more step
// would spend more than the target ε.
var ErrBudgetExceeded = errors.New("dp: privacy budget exhausted")

// BudgetOptions fix a DP-SGD run's target and mechanism.
type BudgetOptions struct {
	Epsilon         float64 // target ε, > 0
	Delta           float64 // target δ, in (0, 1)
	SampleRate      float64 // Poisson sampling rate q = expected batch / data set size, in (0, 1]
	NoiseMultiplier float64 // σ: noise std / clip norm, > 0
	Orders          []float64
	Conversion      Conversion
}

// Budget accounts a run of DP-SGD steps with a fixed sampling rate and
// noise multiplier against a target (ε, δ), and refuses a step that would
// exceed it. Call Step before applying each noisy update: when it returns
// an error the update must not be applied. A Budget is not safe for
// concurrent use.
type Budget struct {
	o     BudgetOptions
	per   []float64 // RDP of one step at each order
	steps int
}

// NewBudget checks the options and returns a budget with no step taken.
func NewBudget(o BudgetOptions) (*Budget, error) {
	if !(o.Epsilon > 0) || math.IsInf(o.Epsilon, 1) {
		return nil, fmt.Errorf("dp: target ε = %v must be a finite number > 0", o.Epsilon)
	}
	if !(o.Delta > 0 && o.Delta < 1) {
		return nil, fmt.Errorf("dp: δ = %v must be in (0, 1)", o.Delta)
	}
	if !(o.SampleRate > 0 && o.SampleRate <= 1) {
		return nil, fmt.Errorf("dp: sampling rate %v must be in (0, 1]", o.SampleRate)
	}
	if !(o.NoiseMultiplier > 0) || math.IsInf(o.NoiseMultiplier, 1) {
		return nil, fmt.Errorf("dp: noise multiplier %v must be a finite number > 0", o.NoiseMultiplier)
	}
	a, err := NewAccountant(o.Orders) // validates and copies the orders
	if err != nil {
		return nil, err
	}
	o.Orders = a.orders
	per, err := stepRDP(o.Orders, o.SampleRate, o.NoiseMultiplier)
	if err != nil {
		return nil, err
	}
	if _, _, err := Epsilon(o.Orders, per, o.Delta, o.Conversion); err != nil {
		return nil, err
	}
	return &Budget{o: o, per: per}, nil
}

// epsilonAt is ε after t steps.
func (b *Budget) epsilonAt(t int) float64 {
	r := make([]float64, len(b.per))
	for i, p := range b.per {
		r[i] = float64(t) * p
	}
	eps, _, _ := Epsilon(b.o.Orders, r, b.o.Delta, b.o.Conversion) // inputs checked in NewBudget
	return eps
}

// Step records one step if the ε after it stays ≤ the target, and returns
// an error wrapping ErrBudgetExceeded (recording nothing) otherwise.
func (b *Budget) Step() error {
	if next := b.epsilonAt(b.steps + 1); next > b.o.Epsilon {
		return fmt.Errorf("%w: step %d would spend ε = %.4g > target %.4g at δ = %g", ErrBudgetExceeded, b.steps+1, next, b.o.Epsilon, b.o.Delta)
	}
	b.steps++
	return nil
}

// Steps is the number of steps recorded.
func (b *Budget) Steps() int { return b.steps }

// Spent is the ε spent by the steps recorded so far (0 before the first).
func (b *Budget) Spent() float64 { return b.epsilonAt(b.steps) }

// Target returns the target (ε, δ).
func (b *Budget) Target() (eps, delta float64) { return b.o.Epsilon, b.o.Delta }

// MaxSteps is the number of steps the whole budget allows: the largest T
// with ε(T) ≤ target (ε grows with T, so it is found by bisection).
func (b *Budget) MaxSteps() int {
	if b.epsilonAt(1) > b.o.Epsilon {
		return 0
	}
	lo, hi := 1, 2
	for b.epsilonAt(hi) <= b.o.Epsilon {
		lo, hi = hi, 2*hi
		if hi > math.MaxInt32 {
			return math.MaxInt32
		}
	}
	for hi-lo > 1 { // ε(lo) ≤ target < ε(hi)
		mid := lo + (hi-lo)/2
		if b.epsilonAt(mid) <= b.o.Epsilon {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}
