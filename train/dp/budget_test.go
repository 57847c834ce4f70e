package dp

import (
	"errors"
	"math"
	"testing"
)

// TestBudgetRefusesPastTarget: a budget sized by NoiseMultiplier for T
// steps accepts exactly MaxSteps ≥ T steps, never reports more than the
// target, and refuses the next step without recording it.
func TestBudgetRefusesPastTarget(t *testing.T) {
	const (
		target = 2.0
		delta  = 1e-5
		q      = 0.02
		steps  = 300
	)
	sigma, err := NoiseMultiplier(SearchOptions{Epsilon: target, Delta: delta, SampleRate: q, Steps: steps})
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewBudget(BudgetOptions{Epsilon: target, Delta: delta, SampleRate: q, NoiseMultiplier: sigma})
	if err != nil {
		t.Fatal(err)
	}
	max := b.MaxSteps()
	if max < steps {
		t.Fatalf("MaxSteps %d < the %d steps σ = %v was found for", max, steps, sigma)
	}
	if b.Spent() != 0 {
		t.Errorf("spent %v before any step", b.Spent())
	}
	prev := 0.0
	for i := 0; i < max; i++ {
		if err := b.Step(); err != nil {
			t.Fatalf("step %d of %d refused: %v", i+1, max, err)
		}
		s := b.Spent()
		if s > target || s < prev {
			t.Fatalf("step %d: spent %v (previous %v, target %v)", i+1, s, prev, target)
		}
		prev = s
	}
	err = b.Step()
	if !errors.Is(err, ErrBudgetExceeded) {
		t.Fatalf("step %d past the budget: err %v, want ErrBudgetExceeded", max+1, err)
	}
	if b.Steps() != max {
		t.Errorf("a refused step was recorded: %d steps, want %d", b.Steps(), max)
	}
	// The Budget agrees with a plain Accountant.
	want, err := EpsilonFor(q, sigma, max, delta, nil, ConversionTight)
	if err != nil {
		t.Fatal(err)
	}
	if b.Spent() != want {
		t.Errorf("Budget spent %v, Accountant %v", b.Spent(), want)
	}
	if over, _ := EpsilonFor(q, sigma, max+1, delta, nil, ConversionTight); over <= target {
		t.Errorf("MaxSteps %d is not the largest: %d steps spend %v ≤ %v", max, max+1, over, target)
	}
}

func TestBudgetOptionErrors(t *testing.T) {
	ok := BudgetOptions{Epsilon: 1, Delta: 1e-5, SampleRate: 0.01, NoiseMultiplier: 1}
	if _, err := NewBudget(ok); err != nil {
		t.Fatal(err)
	}
	for name, mod := range map[string]func(*BudgetOptions){
		"ε 0":       func(o *BudgetOptions) { o.Epsilon = 0 },
		"ε ∞":       func(o *BudgetOptions) { o.Epsilon = math.Inf(1) },
		"δ 0":       func(o *BudgetOptions) { o.Delta = 0 },
		"q 0":       func(o *BudgetOptions) { o.SampleRate = 0 },
		"q > 1":     func(o *BudgetOptions) { o.SampleRate = 2 },
		"σ 0":       func(o *BudgetOptions) { o.NoiseMultiplier = 0 },
		"σ NaN":     func(o *BudgetOptions) { o.NoiseMultiplier = math.NaN() },
		"order 0.5": func(o *BudgetOptions) { o.Orders = []float64{0.5, 2} },
		"bad conv":  func(o *BudgetOptions) { o.Conversion = 7 },
	} {
		o := ok
		mod(&o)
		if _, err := NewBudget(o); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// A target too small for even one step.
	b, err := NewBudget(BudgetOptions{Epsilon: 1e-3, Delta: 1e-5, SampleRate: 1, NoiseMultiplier: 1})
	if err != nil {
		t.Fatal(err)
	}
	if b.MaxSteps() != 0 || !errors.Is(b.Step(), ErrBudgetExceeded) {
		t.Error("a target below one step's ε was not refused")
	}
}
