package dp

import (
	"errors"
	"fmt"
	"math"
)

// DefaultOrders are the Rényi orders α the accountant tracks unless told
// otherwise: 1.1, 1.2, …, 10.9 and the integers 12, …, 63 (the default of
// Opacus and of TF-Privacy's compute_dp_sgd_privacy), so that figures are
// comparable with theirs. The optimum for the usual DP-SGD settings
// (σ ≈ 0.5–5, δ ≈ 1e-5) lies well inside this range.
func DefaultOrders() []float64 {
	orders := make([]float64, 0, 99+52)
	for x := 1; x < 100; x++ {
		orders = append(orders, 1+float64(x)/10)
	}
	for a := 12; a < 64; a++ {
		orders = append(orders, float64(a))
	}
	return orders
}

// Series settings of the fractional-order computation.
const (
	// fracTermFloor stops the series once both of a term's parts are
	// falling and below e^fracTermFloor times the partial sum. Past z0 the
	// terms fall polynomially (as |C(α, i)|), so the tail left is far below
	// float64 resolution. The terms may rise before they fall (at i = 0 both
	// can be tiny while the mass lies near i ≈ α), hence "falling".
	fracTermFloor = -30
	// fracMaxTerms bounds the series; reaching it is reported as an error.
	fracMaxTerms = 1 << 20
	// erfcAsymptotic is where logErfc switches from math.Erfc (relative
	// accuracy, no underflow below ~26.5) to the asymptotic expansion.
	erfcAsymptotic = 25
)

// RDP is the Rényi differential privacy ε(α) of one step of the sampled
// Gaussian mechanism: every example is included independently with
// probability q (Poisson sampling), the included examples' contributions,
// each of L2 norm at most C, are summed, and Gaussian noise of standard
// deviation σ·C is added to every coordinate (σ is the noise multiplier).
// Neighbouring data sets differ by adding or removing one example.
//
// It computes ε(α) = log(A_α)/(α−1) with A_α = E_{z∼μ0}[(μ(z)/μ0(z))^α],
// μ0 = N(0, σ²), μ = (1−q)·N(0, σ²) + q·N(1, σ²), which Mironov, Talwar and
// Zhang (2019, "Rényi Differential Privacy of the Sampled Gaussian
// Mechanism") show bounds both directions of the divergence. For integer α
// A_α is the binomial sum Σ_k C(α,k)(1−q)^(α−k) q^k exp((k²−k)/(2σ²))
// (their Section 3.2); for fractional α it is their two-sided series with
// erfc tails (Section 3.3). Both are summed in log space.
//
// Special cases: q = 0 or σ = +Inf give 0; q = 1 gives α/(2σ²) (the plain
// Gaussian mechanism); σ = 0 with q > 0 gives +Inf. α must be > 1, q in
// [0, 1], σ ≥ 0.
func RDP(q, sigma, alpha float64) (float64, error) {
	if err := checkMechanism(q, sigma); err != nil {
		return 0, err
	}
	if !(alpha > 1) || math.IsInf(alpha, 1) {
		return 0, fmt.Errorf("dp: Rényi order %v must be a finite number > 1", alpha)
	}
	switch {
	case q == 0 || math.IsInf(sigma, 1):
		return 0, nil
	case sigma == 0:
		return math.Inf(1), nil
	case q == 1:
		return alpha / (2 * sigma * sigma), nil
	}
	var logA float64
	if alpha == math.Trunc(alpha) {
		logA = logAInt(q, sigma, int(alpha))
	} else {
		var err error
		if logA, err = logAFrac(q, sigma, alpha); err != nil {
			return 0, err
		}
	}
	// A_α ≥ 1 (a Rényi divergence is ≥ 0); rounding in the sums of terms
	// near 1 may leave log A a hair below 0.
	return math.Max(logA, 0) / (alpha - 1), nil
}

func checkMechanism(q, sigma float64) error {
	if !(q >= 0 && q <= 1) {
		return fmt.Errorf("dp: sampling rate %v must be in [0, 1]", q)
	}
	if !(sigma >= 0) {
		return fmt.Errorf("dp: noise multiplier %v must be ≥ 0", sigma)
	}
	return nil
}

// logAInt is log A_α for an integer α ≥ 2: the log-sum-exp of the
// binomial expansion's α+1 positive terms.
func logAInt(q, sigma float64, alpha int) float64 {
	logQ, log1Q := math.Log(q), math.Log1p(-q)
	a := float64(alpha)
	s2 := 2 * sigma * sigma
	lgA1 := lgamma(a + 1)
	acc := math.Inf(-1)
	for k := 0; k <= alpha; k++ {
		kf := float64(k)
		logBinom := lgA1 - lgamma(kf+1) - lgamma(a-kf+1)
		acc = logAdd(acc, logBinom+kf*logQ+(a-kf)*log1Q+(kf*kf-kf)/s2)
	}
	return acc
}

// logAFrac is log A_α for a fractional α > 1. With z0 = σ²·log(1/q − 1) + 1/2
// the point where the two Gaussians' weighted densities cross, A_α splits
// into the integrals below and above z0, and each expands into a series in
// the generalised binomial coefficients C(α, i) (whose signs alternate once
// i > α), each term a Gaussian tail written with erfc. Terms are added or
// subtracted in log space by their sign.
func logAFrac(q, sigma, alpha float64) (float64, error) {
	logQ, log1Q := math.Log(q), math.Log1p(-q)
	s2 := 2 * sigma * sigma
	z0 := sigma*sigma*(math.Log(1/q-1)) + 0.5
	lgA1 := lgamma(alpha + 1)
	logHalf := math.Log(0.5)
	a0, a1 := math.Inf(-1), math.Inf(-1)
	prev0, prev1 := math.Inf(1), math.Inf(1)
	for i := 0; i < fracMaxTerms; i++ {
		fi := float64(i)
		lg3, sign := math.Lgamma(alpha - fi + 1)
		logCoef := lgA1 - lgamma(fi+1) - lg3
		j := alpha - fi
		t0 := logCoef + fi*logQ + j*log1Q
		t1 := logCoef + j*logQ + fi*log1Q
		e0 := logHalf + logErfc((fi-z0)/(math.Sqrt2*sigma))
		e1 := logHalf + logErfc((z0-j)/(math.Sqrt2*sigma))
		s0 := t0 + (fi*fi-fi)/s2 + e0
		s1 := t1 + (j*j-j)/s2 + e1
		if sign > 0 {
			a0, a1 = logAdd(a0, s0), logAdd(a1, s1)
		} else {
			var ok0, ok1 bool
			a0, ok0 = logSub(a0, s0)
			a1, ok1 = logSub(a1, s1)
			if !ok0 || !ok1 {
				return 0, errors.New("dp: fractional-order series lost precision (negative partial sum)")
			}
		}
		total := logAdd(a0, a1)
		if s0 < prev0 && s1 < prev1 && math.Max(s0, s1) < total+fracTermFloor {
			return total, nil
		}
		prev0, prev1 = s0, s1
	}
	return 0, fmt.Errorf("dp: fractional-order series for α=%v did not converge in %d terms", alpha, fracMaxTerms)
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// logAdd is log(e^a + e^b).
func logAdd(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(b, -1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// logSub is log(e^a − e^b) for a ≥ b; ok is false when a < b.
func logSub(a, b float64) (float64, bool) {
	switch {
	case math.IsInf(b, -1):
		return a, true
	case a < b:
		return 0, false
	case a == b:
		return math.Inf(-1), true
	}
	return a + math.Log(-math.Expm1(b-a)), true
}

// logErfc is log(erfc(x)) without underflow: math.Erfc where it is
// representable, and for large x the asymptotic series
// erfc(x) ≈ e^(−x²)/(x√π)·(1 − 1/(2x²) + 3/(4x⁴) − 15/(8x⁶)).
func logErfc(x float64) float64 {
	if x < erfcAsymptotic {
		return math.Log(math.Erfc(x))
	}
	x2 := x * x
	inv := 1 / x2
	series := 1 - inv/2 + 3*inv*inv/4 - 15*inv*inv*inv/8
	return -x2 - math.Log(x) - 0.5*math.Log(math.Pi) + math.Log(series)
}
