package dp

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// Tolerances of the accountant tests.
const (
	// integralRelTol bounds the relative difference between the closed-form
	// RDP and the numerical integral of the Rényi divergence.
	integralRelTol = 1e-7
	// fracIntRelTol bounds the relative difference between the fractional
	// series and the binomial sum at an integer order.
	fracIntRelTol = 1e-10
	// integralStepsPerSigma is the grid density of the numerical integral.
	integralStepsPerSigma = 400
	// integralTailSigmas is how far past the integrand's mass the grid runs.
	integralTailSigmas = 40
)

// sig rounds x to n significant figures, as a decimal string.
func sig(x float64, n int) string { return strconv.FormatFloat(x, 'g', n, 64) }

// TestPublishedValues checks ε against figures published by others, to two
// significant figures (and to the printed precision where noted). All use
// δ = 1e-5, the default orders, and the conversion of their time
// (Mironov 2017's, ConversionStandard).
func TestPublishedValues(t *testing.T) {
	const delta = 1e-5
	mnistQ := 256.0 / 60000 // batch 256 of MNIST's 60000
	cases := []struct {
		source   string
		q, sigma float64
		steps    int
		want     float64 // as published
		printTol float64 // |got − want| bound beyond the 2-figure check; 0: none
		order    float64 // optimal order as published; 0: not published
	}{
		// Abadi et al. 2016, "Deep Learning with Differential Privacy",
		// Section 3.1: q = 0.01, σ = 4, δ = 1e-5, T = 10000 give ε ≈ 1.26
		// with the moments accountant.
		{"Abadi et al. 2016 §3.1", 0.01, 4, 10000, 1.26, 0.005, 0},
		// TF-Privacy tutorials/README.md (MNIST DP-SGD tutorial, N = 60000,
		// batch 256, steps = epochs·N/batch rounded down): "Expected
		// Output" ε = 1.03 after 1 epoch, 1.11 after 2, 3.01 after 60 with
		// σ = 1.1; the parameter table gives ε = 1.19 (σ = 1.3, 15
		// epochs) and 7.10 (σ = 0.7, 45 epochs); compute_dp_sgd_privacy.py
		// --N=60000 --batch_size=256 --noise_multiplier=1.1 --epochs=60
		// --delta=1e-5 prints eps = 3.01.
		{"TF-Privacy MNIST, σ=1.1, 1 epoch", mnistQ, 1.1, 234, 1.03, 0.005, 0},
		{"TF-Privacy MNIST, σ=1.1, 2 epochs", mnistQ, 1.1, 468, 1.11, 0.005, 0},
		{"TF-Privacy MNIST, σ=1.1, 60 epochs", mnistQ, 1.1, 14062, 3.01, 0.005, 0},
		{"TF-Privacy MNIST, σ=1.3, 15 epochs", mnistQ, 1.3, 3515, 1.19, 0.005, 0},
		{"TF-Privacy MNIST, σ=0.7, 45 epochs", mnistQ, 0.7, 10546, 7.10, 0.005, 0},
		// Opacus examples/mnist_README.md: sample rate 0.004 (250 steps
		// an epoch), σ = 1.3: "(ε = 0.71, δ = 1e-05) for α = 18.0" after
		// epoch 1, and "(ε = 1.18, δ = 1e-05) for α = 17.0" after epoch
		// 15. We get 1.16 at 3750 steps; the README's sample log does not
		// say how many steps its run took, so only two figures are checked.
		{"Opacus MNIST README, epoch 1", 0.004, 1.3, 250, 0.71, 0.005, 18},
		{"Opacus MNIST README, epoch 15", 0.004, 1.3, 3750, 1.18, 0, 17},
		// Bu, Dong, Long and Su 2020, "Deep Learning with Gaussian
		// Differential Privacy", Figure 4: p = 256/60000, σ = 1.3 gives
		// (1.34, 1e-5) at epoch 20 and σ = 0.7 gives (8.68, 1e-5) at epoch
		// 70 with the moments accountant (steps rounded up).
		{"Bu et al. 2020 Fig. 4, σ=1.3, 20 epochs", mnistQ, 1.3, 4688, 1.34, 0.01, 0},
		{"Bu et al. 2020 Fig. 4, σ=0.7, 70 epochs", mnistQ, 0.7, 16407, 8.68, 0.005, 0},
	}
	for _, c := range cases {
		a, err := NewAccountant(nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Compose(c.q, c.sigma, c.steps); err != nil {
			t.Fatal(err)
		}
		eps, order, err := a.Epsilon(delta, ConversionStandard)
		if err != nil {
			t.Fatal(err)
		}
		if sig(eps, 2) != sig(c.want, 2) {
			t.Errorf("%s: ε = %.4f, published %.2f (2 figures: %s vs %s)", c.source, eps, c.want, sig(eps, 2), sig(c.want, 2))
		}
		if c.printTol > 0 && math.Abs(eps-c.want) > c.printTol {
			t.Errorf("%s: ε = %.4f, published %.2f: off by more than %g", c.source, eps, c.want, c.printTol)
		}
		if c.order != 0 && order != c.order {
			t.Errorf("%s: optimal order %v, published %v", c.source, order, c.order)
		}
		t.Logf("%s: ε = %.4f (α = %v), published %.2f", c.source, eps, order, c.want)
	}
}

// logIntegral is log ∫ exp(f(x)) dx over [lo, hi] by the trapezoid rule in
// log space.
func logIntegral(f func(float64) float64, lo, hi, h float64) float64 {
	n := int(math.Ceil((hi - lo) / h))
	h = (hi - lo) / float64(n)
	vals := make([]float64, n+1)
	m := math.Inf(-1)
	for i := range vals {
		vals[i] = f(lo + float64(i)*h)
		m = math.Max(m, vals[i])
	}
	var s float64
	for i, v := range vals {
		w := 1.0
		if i == 0 || i == n {
			w = 0.5
		}
		s += w * math.Exp(v-m)
	}
	return m + math.Log(s*h)
}

// numericRDP integrates the two Rényi divergences of the sampled Gaussian
// mechanism numerically: with μ0 = N(0, σ²) and μ = (1−q)N(0, σ²) +
// qN(1, σ²), fwd = D_α(μ‖μ0) and rev = D_α(μ0‖μ).
func numericRDP(q, sigma, alpha float64) (fwd, rev float64) {
	s2 := sigma * sigma
	logNorm := -math.Log(sigma * math.Sqrt(2*math.Pi))
	logMu0 := func(x float64) float64 { return logNorm - x*x/(2*s2) }
	logMu := func(x float64) float64 {
		return logAdd(math.Log1p(-q)+logMu0(x), math.Log(q)+logNorm-(x-1)*(x-1)/(2*s2))
	}
	lo := -integralTailSigmas * sigma
	hi := alpha + integralTailSigmas*sigma // the forward integrand peaks near x = α
	h := sigma / integralStepsPerSigma
	la := logIntegral(func(x float64) float64 { return alpha*logMu(x) + (1-alpha)*logMu0(x) }, lo, hi, h)
	lb := logIntegral(func(x float64) float64 { return alpha*logMu0(x) + (1-alpha)*logMu(x) }, lo-alpha, hi, h)
	return la / (alpha - 1), lb / (alpha - 1)
}

// TestRDPMatchesNumericIntegral checks the closed forms against an
// independent float64 numerical integration of the Rényi divergence, at
// integer and fractional orders, and that the direction the accountant uses
// is the larger one (Mironov, Talwar and Zhang 2019, Theorem 5).
func TestRDPMatchesNumericIntegral(t *testing.T) {
	for _, c := range []struct{ q, sigma, alpha float64 }{
		{0.01, 1.1, 1.5},
		{0.01, 1.1, 2},
		{0.004, 1.3, 18},
		{0.004, 1.3, 10.9},
		{0.1, 0.8, 3.7},
		{0.05, 2, 10.5},
		{0.5, 1, 2.3},
		{0.3, 0.6, 1.1},
		{0.02, 4, 63},
		{1, 1.5, 4.4}, // plain Gaussian: α/(2σ²)
	} {
		got, err := RDP(c.q, c.sigma, c.alpha)
		if err != nil {
			t.Fatal(err)
		}
		fwd, rev := numericRDP(c.q, c.sigma, c.alpha)
		if math.Abs(got-fwd) > integralRelTol*fwd {
			t.Errorf("q=%v σ=%v α=%v: RDP %.12g, numerical integral %.12g", c.q, c.sigma, c.alpha, got, fwd)
		}
		if rev > fwd*(1+integralRelTol) {
			t.Errorf("q=%v σ=%v α=%v: reverse divergence %.12g exceeds the forward %.12g", c.q, c.sigma, c.alpha, rev, fwd)
		}
	}
}

// TestFracSeriesAtIntegerOrders runs the fractional-order series at integer
// orders, where it must agree with the exact binomial sum.
func TestFracSeriesAtIntegerOrders(t *testing.T) {
	for _, q := range []float64{0.001, 0.01, 0.2} {
		for _, sigma := range []float64{0.7, 1.1, 3} {
			for _, alpha := range []int{2, 3, 7, 18, 40} {
				want := logAInt(q, sigma, alpha)
				got, err := logAFrac(q, sigma, float64(alpha))
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(got-want) > fracIntRelTol*math.Max(want, math.SmallestNonzeroFloat64) {
					t.Errorf("q=%v σ=%v α=%d: series %.15g, binomial sum %.15g", q, sigma, alpha, got, want)
				}
			}
		}
	}
}

func TestRDPSpecialCasesAndErrors(t *testing.T) {
	if r, _ := RDP(0, 1, 2); r != 0 {
		t.Errorf("q = 0: RDP %v, want 0", r)
	}
	if r, _ := RDP(0.1, math.Inf(1), 2); r != 0 {
		t.Errorf("σ = ∞: RDP %v, want 0", r)
	}
	if r, _ := RDP(0.1, 0, 2); !math.IsInf(r, 1) {
		t.Errorf("σ = 0: RDP %v, want +Inf", r)
	}
	if r, _ := RDP(1, 2, 3); r != 3.0/8 {
		t.Errorf("q = 1: RDP %v, want α/(2σ²) = 0.375", r)
	}
	for _, c := range []struct{ q, sigma, alpha float64 }{
		{-0.1, 1, 2}, {1.1, 1, 2}, {math.NaN(), 1, 2}, {0.1, -1, 2}, {0.1, math.NaN(), 2},
		{0.1, 1, 1}, {0.1, 1, 0.5}, {0.1, 1, math.Inf(1)}, {0.1, 1, math.NaN()},
	} {
		if _, err := RDP(c.q, c.sigma, c.alpha); err == nil {
			t.Errorf("RDP(%v, %v, %v): no error", c.q, c.sigma, c.alpha)
		}
	}
	// RDP grows with q and with α, and falls with σ.
	prev := 0.0
	for _, q := range []float64{0.001, 0.01, 0.1, 0.5} {
		r, _ := RDP(q, 1, 8)
		if r <= prev {
			t.Errorf("RDP not increasing in q at q=%v", q)
		}
		prev = r
	}
}

// TestTightConversionNeverLarger checks ConversionTight against
// ConversionStandard on a grid, and a hand-computed value of each.
func TestTightConversionNeverLarger(t *testing.T) {
	for _, sigma := range []float64{0.6, 1, 2, 5} {
		for _, steps := range []int{1, 100, 10000} {
			std, err := EpsilonFor(0.01, sigma, steps, 1e-5, nil, ConversionStandard)
			if err != nil {
				t.Fatal(err)
			}
			tight, err := EpsilonFor(0.01, sigma, steps, 1e-5, nil, ConversionTight)
			if err != nil {
				t.Fatal(err)
			}
			if tight > std {
				t.Errorf("σ=%v steps=%d: tight ε %v > standard %v", sigma, steps, tight, std)
			}
		}
	}
	// One order, rdp 0.5 at α = 11, δ = 1e-5:
	// standard 0.5 + ln(1e5)/10; tight 0.5 + ln(10/11) − (ln 1e-5 + ln 11)/10.
	e, _, _ := Epsilon([]float64{11}, []float64{0.5}, 1e-5, ConversionStandard)
	if want := 0.5 + math.Log(1e5)/10; math.Abs(e-want) > 1e-12 {
		t.Errorf("standard: %v, want %v", e, want)
	}
	e, _, _ = Epsilon([]float64{11}, []float64{0.5}, 1e-5, ConversionTight)
	if want := 0.5 + math.Log(10.0/11) - (math.Log(1e-5)+math.Log(11))/10; math.Abs(e-want) > 1e-12 {
		t.Errorf("tight: %v, want %v", e, want)
	}
	for _, bad := range []float64{0, 1, -1, math.NaN()} {
		if _, _, err := Epsilon([]float64{2}, []float64{1}, bad, ConversionTight); err == nil {
			t.Errorf("δ = %v: no error", bad)
		}
	}
	if _, _, err := Epsilon([]float64{2, 3}, []float64{1}, 1e-5, ConversionTight); err == nil {
		t.Error("length mismatch: no error")
	}
	if _, err := NewAccountant([]float64{2, 1}); err == nil {
		t.Error("order 1: no error")
	}
}

// TestNoiseMultiplier inverts TF-Privacy's documented example (σ = 1.1 →
// ε = 3.01 over 14062 steps at q = 256/60000) and checks the bracket.
func TestNoiseMultiplier(t *testing.T) {
	o := SearchOptions{Epsilon: 3.01, Delta: 1e-5, SampleRate: 256.0 / 60000, Steps: 14062, Conversion: ConversionStandard}
	sigma, err := NoiseMultiplier(o)
	if err != nil {
		t.Fatal(err)
	}
	if sig(sigma, 2) != "1.1" {
		t.Errorf("σ = %v, want 1.1 to two figures", sigma)
	}
	at := func(s float64) float64 {
		e, err := EpsilonFor(o.SampleRate, s, o.Steps, o.Delta, nil, o.Conversion)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	if e := at(sigma); e > o.Epsilon {
		t.Errorf("σ = %v spends ε = %v > target %v", sigma, e, o.Epsilon)
	}
	if e := at(sigma * (1 - 2*DefaultSigmaTolerance)); e <= o.Epsilon {
		t.Errorf("a σ smaller by twice the tolerance still meets the target (ε = %v): the search is not tight", e)
	}
	// The tight conversion needs less noise for the same target.
	o.Conversion = ConversionTight
	tight, err := NoiseMultiplier(o)
	if err != nil {
		t.Fatal(err)
	}
	if tight >= sigma {
		t.Errorf("tight conversion σ %v ≥ standard %v", tight, sigma)
	}
	for _, bad := range []SearchOptions{
		{Epsilon: 0, Delta: 1e-5, SampleRate: 0.01, Steps: 10},
		{Epsilon: 1, Delta: 0, SampleRate: 0.01, Steps: 10},
		{Epsilon: 1, Delta: 1e-5, SampleRate: 0, Steps: 10},
		{Epsilon: 1, Delta: 1e-5, SampleRate: 0.01, Steps: 0},
	} {
		if _, err := NoiseMultiplier(bad); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}

// mpRelTol and mpAbsTol bound the difference between log A_α and the
// 60-digit quadrature of scripts/dp/rdp_reference.py: relative, plus an
// absolute floor for log A near 0 (A = 1 + 4e-8 loses the low digits of
// its float64 partial sums; 1e-13 in log A is far below any ε printed).
const (
	mpRelTol = 1e-9
	mpAbsTol = 1e-13
)

// TestRDPMatchesMultiprecision compares log A_α with an independent
// arbitrary-precision quadrature (mpmath, scripts/dp/rdp_reference.py,
// committed as testdata/rdp_mp.json), on DP-SGD settings and on extreme
// ones (q down to 1e-7 and up to 0.999, σ from 0.1 to 100, α up to 256.1).
func TestRDPMatchesMultiprecision(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "rdp_mp.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Cases []struct {
			Q     float64 `json:"q"`
			Sigma float64 `json:"sigma"`
			Alpha float64 `json:"alpha"`
			LogA  float64 `json:"log_a"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) < 10 {
		t.Fatalf("only %d reference cases", len(ref.Cases))
	}
	for _, c := range ref.Cases {
		r, err := RDP(c.Q, c.Sigma, c.Alpha)
		if err != nil {
			t.Errorf("q=%v σ=%v α=%v: %v", c.Q, c.Sigma, c.Alpha, err)
			continue
		}
		got := r * (c.Alpha - 1)
		if math.Abs(got-c.LogA) > mpRelTol*math.Abs(c.LogA)+mpAbsTol {
			t.Errorf("q=%v σ=%v α=%v: log A %.15g, quadrature %.15g (rel %.2g)", c.Q, c.Sigma, c.Alpha, got, c.LogA, math.Abs(got-c.LogA)/math.Abs(c.LogA))
		}
	}
}

// TestDPAccountingValues checks figures published in Google's dp_accounting
// test suite (python/dp_accounting/dp_accounting/rdp/
// rdp_privacy_accountant_test.py, test_compute_rdp_poisson_sampled_gaussian,
// test_compute_epsilon_delta_pure_dp, test_compute_epsilon_delta_gaussian).
func TestDPAccountingValues(t *testing.T) {
	// σ = 2.5, q = 0.01, 50 steps, at α = 2.5, 5, 50, 100 (their tolerance:
	// relative 1e-4). At α = 1.5 they publish 6.70579741e-4; the exact value
	// (60-digit quadrature, testdata/rdp_mp.json) is 6.5007e-4: their series
	// for fractional orders adds the terms' absolute values, an upper bound.
	// Ours is exact, so it must not exceed theirs.
	const dpAccountingRelTol = 1e-4
	for _, c := range []struct{ alpha, want float64 }{
		{2.5, 1.08548710e-03}, {5, 2.18075656e-03}, {50, 2.38460375e-02}, {100, 1.67416308e02},
	} {
		r, err := RDP(0.01, 2.5, c.alpha)
		if err != nil {
			t.Fatal(err)
		}
		if got := 50 * r; math.Abs(got-c.want) > dpAccountingRelTol*c.want {
			t.Errorf("α=%v: 50 steps RDP %.9g, dp_accounting %.9g", c.alpha, got, c.want)
		}
	}
	if r, _ := RDP(0.01, 2.5, 1.5); 50*r > 6.70579741e-04 {
		t.Errorf("α=1.5: RDP %.9g above dp_accounting's upper bound", 50*r)
	}
	// Constant RDP 1.1 at orders 2…32 (pure DP), δ = 1e-5, tight
	// conversion: ε = 1.32783806176 at order 32.
	var orders, rdp []float64
	for a := 2; a <= 32; a++ {
		orders, rdp = append(orders, float64(a)), append(rdp, 1.1)
	}
	eps, order, err := Epsilon(orders, rdp, 1e-5, ConversionTight)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(eps-1.32783806176) > 1e-10 || order != 32 {
		t.Errorf("pure DP: ε = %.12g at α = %v, want 1.32783806176 at 32", eps, order)
	}
	// The plain Gaussian (q = 1) with σ = 4.530877117 is (1, 1e-6)-DP over
	// the orders 1.001, 1.002, …, 99.999 (their assertAlmostEqual: 7 places).
	var fine []float64
	for i := 1001; i < 100000; i++ {
		fine = append(fine, 0.001*float64(i))
	}
	e, err := EpsilonFor(1, 4.530877117, 1, 1e-6, fine, ConversionTight)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(e-1) > 1e-7 {
		t.Errorf("Gaussian σ = 4.530877117: ε = %.10g, want 1", e)
	}
}

// monotoneSlack allows the last bits of rounding when checking that RDP
// does not fall as α grows.
const monotoneSlack = 1e-12

// TestRDPNonDecreasingInOrder: a Rényi divergence does not decrease with
// its order, so ε(α) over DefaultOrders must not fall, across the switch
// between the fractional series and the integer sum.
func TestRDPNonDecreasingInOrder(t *testing.T) {
	for _, q := range []float64{1e-4, 0.004, 0.05, 0.3, 0.9} {
		for _, sigma := range []float64{0.5, 0.8, 1.1, 2, 5} {
			prev := 0.0
			for _, a := range DefaultOrders() {
				r, err := RDP(q, sigma, a)
				if err != nil {
					t.Fatalf("q=%v σ=%v α=%v: %v", q, sigma, a, err)
				}
				if math.IsNaN(r) || math.IsInf(r, 0) || r < prev*(1-monotoneSlack) {
					t.Fatalf("q=%v σ=%v: ε(%v) = %v after %v", q, sigma, a, r, prev)
				}
				prev = r
			}
		}
	}
}
