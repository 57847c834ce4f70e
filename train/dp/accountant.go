package dp

import (
	"errors"
	"fmt"
	"math"
)

// Conversion names the RDP → (ε, δ) conversion.
type Conversion int

const (
	// ConversionTight is the conversion of Balle et al. (2020, "Hypothesis
	// testing interpretations and Rényi differential privacy", Theorem 21),
	// also Canonne, Kamath and Steinke (2020, Proposition 12):
	//
	//	ε = ε(α) + log((α−1)/α) − (log δ + log α)/(α−1),
	//
	// minimised over the orders. It is never larger than ConversionStandard
	// and is what current Opacus and TF-Privacy report. The default.
	ConversionTight Conversion = iota
	// ConversionStandard is Mironov's (2017, "Rényi differential privacy",
	// Proposition 3): ε = ε(α) + log(1/δ)/(α−1). Older Opacus and
	// TF-Privacy releases (and their documented example outputs) use it.
	ConversionStandard
)

func (c Conversion) String() string {
	switch c {
	case ConversionTight:
		return "tight (Balle et al. 2020 / Canonne-Kamath-Steinke 2020)"
	case ConversionStandard:
		return "standard (Mironov 2017)"
	}
	return fmt.Sprintf("Conversion(%d)", int(c))
}

// Epsilon converts RDP values rdp[i] at orders[i] into the smallest ε, over
// the orders, such that the mechanism is (ε, δ)-DP, and returns the order
// that attains it. ε is never negative (a negative bound means (0, δ)-DP),
// and it is 0 when every RDP value is 0 (no step taken).
func Epsilon(orders, rdp []float64, delta float64, conv Conversion) (eps, order float64, err error) {
	if len(orders) == 0 || len(orders) != len(rdp) {
		return 0, 0, errors.New("dp: Epsilon needs one RDP value per order, and at least one order")
	}
	if !(delta > 0 && delta < 1) {
		return 0, 0, fmt.Errorf("dp: δ = %v must be in (0, 1)", delta)
	}
	if conv != ConversionTight && conv != ConversionStandard {
		return 0, 0, fmt.Errorf("dp: unknown conversion %d", int(conv))
	}
	eps, order = math.Inf(1), math.NaN()
	logDelta := math.Log(delta)
	allZero := true
	for i, a := range orders {
		if !(a > 1) {
			return 0, 0, fmt.Errorf("dp: Rényi order %v must be > 1", a)
		}
		r := rdp[i]
		if math.IsNaN(r) || r < 0 {
			return 0, 0, fmt.Errorf("dp: RDP value %v at order %v must be ≥ 0", r, a)
		}
		allZero = allZero && r == 0
		var e float64
		if conv == ConversionStandard {
			e = r - logDelta/(a-1)
		} else {
			e = r + math.Log1p(-1/a) - (logDelta+math.Log(a))/(a-1)
		}
		if e < eps {
			eps, order = e, a
		}
	}
	if allZero { // no step (or no privacy loss): identical outputs, ε = 0
		return 0, orders[0], nil
	}
	if math.IsInf(eps, 1) {
		return eps, orders[0], nil
	}
	return math.Max(eps, 0), order, nil
}

// Accountant accumulates the RDP of a sequence of sampled Gaussian steps at
// a fixed list of orders. RDP composes by addition at each order, so the
// steps may use different sampling rates and noise multipliers. An
// Accountant is not safe for concurrent use.
type Accountant struct {
	orders []float64
	rdp    []float64
	steps  int
}

// NewAccountant returns an empty accountant over orders (DefaultOrders when
// nil). Every order must be finite and > 1.
func NewAccountant(orders []float64) (*Accountant, error) {
	if orders == nil {
		orders = DefaultOrders()
	}
	if len(orders) == 0 {
		return nil, errors.New("dp: the accountant needs at least one Rényi order")
	}
	for _, a := range orders {
		if !(a > 1) || math.IsInf(a, 1) {
			return nil, fmt.Errorf("dp: Rényi order %v must be a finite number > 1", a)
		}
	}
	return &Accountant{orders: append([]float64(nil), orders...), rdp: make([]float64, len(orders))}, nil
}

// Compose records steps steps of the sampled Gaussian mechanism with
// sampling rate q and noise multiplier sigma. On error nothing is recorded.
func (a *Accountant) Compose(q, sigma float64, steps int) error {
	if steps < 0 {
		return fmt.Errorf("dp: step count %d must be ≥ 0", steps)
	}
	per, err := stepRDP(a.orders, q, sigma)
	if err != nil {
		return err
	}
	for i, r := range per {
		a.rdp[i] += float64(steps) * r
	}
	a.steps += steps
	return nil
}

// Epsilon is the ε spent so far at δ (see the package function Epsilon),
// with the order that attains it.
func (a *Accountant) Epsilon(delta float64, conv Conversion) (eps, order float64, err error) {
	return Epsilon(a.orders, a.rdp, delta, conv)
}

// Steps is the number of steps recorded.
func (a *Accountant) Steps() int { return a.steps }

// Orders returns a copy of the orders.
func (a *Accountant) Orders() []float64 { return append([]float64(nil), a.orders...) }

// RDP returns a copy of the accumulated RDP, one value per order.
func (a *Accountant) RDP() []float64 { return append([]float64(nil), a.rdp...) }

// stepRDP is the RDP of one step at every order.
func stepRDP(orders []float64, q, sigma float64) ([]float64, error) {
	out := make([]float64, len(orders))
	for i, a := range orders {
		r, err := RDP(q, sigma, a)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}

// EpsilonFor is the ε after steps steps at sampling rate q and noise
// multiplier sigma, at δ, over orders (DefaultOrders when nil).
func EpsilonFor(q, sigma float64, steps int, delta float64, orders []float64, conv Conversion) (float64, error) {
	a, err := NewAccountant(orders)
	if err != nil {
		return 0, err
	}
	if err := a.Compose(q, sigma, steps); err != nil {
		return 0, err
	}
	eps, _, err := a.Epsilon(delta, conv)
	return eps, err
}

// Noise-multiplier search settings.
const (
	// DefaultSigmaTolerance is the relative width of the final bracket.
	DefaultSigmaTolerance = 1e-4
	// sigmaSearchMax is the largest σ tried before the target is declared
	// out of reach.
	sigmaSearchMax = 1e6
)

// SearchOptions describe a noise-multiplier search.
type SearchOptions struct {
	Epsilon    float64 // target ε, > 0
	Delta      float64 // target δ, in (0, 1)
	SampleRate float64 // Poisson sampling rate q, in (0, 1]
	Steps      int     // number of steps, ≥ 1
	Orders     []float64
	Conversion Conversion
	Tolerance  float64 // relative tolerance on σ (DefaultSigmaTolerance when 0)
}

// NoiseMultiplier finds, by bisection on σ (ε decreases as σ grows), the
// smallest noise multiplier, to within the relative tolerance, for which
// Steps steps at rate SampleRate stay within (Epsilon, Delta). The σ it
// returns always meets the target (it is the upper end of the final
// bracket).
func NoiseMultiplier(o SearchOptions) (float64, error) {
	if !(o.Epsilon > 0) || math.IsInf(o.Epsilon, 1) {
		return 0, fmt.Errorf("dp: target ε = %v must be a finite number > 0", o.Epsilon)
	}
	if !(o.SampleRate > 0 && o.SampleRate <= 1) {
		return 0, fmt.Errorf("dp: sampling rate %v must be in (0, 1]", o.SampleRate)
	}
	if o.Steps < 1 {
		return 0, fmt.Errorf("dp: step count %d must be ≥ 1", o.Steps)
	}
	tol := o.Tolerance
	if tol == 0 {
		tol = DefaultSigmaTolerance
	}
	if !(tol > 0 && tol < 1) {
		return 0, fmt.Errorf("dp: σ tolerance %v must be in (0, 1)", tol)
	}
	eps := func(sigma float64) (float64, error) {
		return EpsilonFor(o.SampleRate, sigma, o.Steps, o.Delta, o.Orders, o.Conversion)
	}
	lo, hi := 0.0, 1.0
	for {
		e, err := eps(hi)
		if err != nil {
			return 0, err
		}
		if e <= o.Epsilon {
			break
		}
		lo, hi = hi, 2*hi
		if hi > sigmaSearchMax {
			return 0, fmt.Errorf("dp: no noise multiplier ≤ %g reaches ε = %v at δ = %v in %d steps", sigmaSearchMax, o.Epsilon, o.Delta, o.Steps)
		}
	}
	for hi-lo > tol*hi {
		mid := (lo + hi) / 2
		e, err := eps(mid)
		if err != nil {
			return 0, err
		}
		if e <= o.Epsilon {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, nil
}
