package privacy

import (
	"math"
	"math/rand/v2"
	"testing"
)

// rocAreaTol bounds the difference between the trapezoid area of ROC and
// the rank AUC (floating-point summation only).
const rocAreaTol = 1e-12

// TestROCAreaEqualsAUC: the trapezoid area under ROC equals AUC, with ties
// (scores rounded to a few values) and without.
func TestROCAreaEqualsAUC(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 50; trial++ {
		n := 2 + r.IntN(200)
		scores, labels := make([]float64, n), make([]bool, n)
		for i := range scores {
			labels[i] = i == 0 || (i != 1 && r.IntN(2) == 0)
			scores[i] = r.NormFloat64()
			if labels[i] {
				scores[i] += 0.7
			}
			if trial%2 == 0 {
				scores[i] = math.Round(scores[i] * 2)
			}
		}
		pts, err := ROC(scores, labels)
		if err != nil {
			t.Fatal(err)
		}
		var area float64
		for k := 1; k < len(pts); k++ {
			area += (pts[k].FPR - pts[k-1].FPR) * (pts[k].TPR + pts[k-1].TPR) / 2
			if pts[k].FPR < pts[k-1].FPR || pts[k].TPR < pts[k-1].TPR {
				t.Fatal("ROC not monotone")
			}
		}
		auc, _ := AUC(scores, labels)
		if math.Abs(area-auc) > rocAreaTol {
			t.Errorf("trial %d: ROC area %v, AUC %v", trial, area, auc)
		}
		thin := thinROC(pts, 5)
		if len(pts) > 5 && (len(thin) != 5 || thin[0] != pts[0] || thin[4] != pts[len(pts)-1]) {
			t.Errorf("thinROC kept %d points, ends %v %v", len(thin), thin[0], thin[len(thin)-1])
		}
	}
	if _, err := ROC([]float64{1, 2}, []bool{true, true}); err == nil {
		t.Error("no negatives: no error")
	}
}

// TestBootstrapAUCCoverage: on a known separable problem the interval
// contains the AUC, is reproducible per seed, narrows with more data, and
// covers the population AUC in most of repeated samples.
func TestBootstrapAUCCoverage(t *testing.T) {
	// Scores N(0,1) for negatives and N(d,1) for positives: population AUC
	// Φ(d/√2).
	const d = 0.8
	pop := 0.5 * math.Erfc(-d/2)
	sample := func(n int, seed uint64) ([]float64, []bool) {
		r := rand.New(rand.NewPCG(seed, 1))
		s, l := make([]float64, 2*n), make([]bool, 2*n)
		for i := range s {
			l[i] = i < n
			s[i] = r.NormFloat64()
			if l[i] {
				s[i] += d
			}
		}
		return s, l
	}
	const repeats, n = 40, 150
	covered := 0
	for k := 0; k < repeats; k++ {
		s, l := sample(n, uint64(k)+1)
		iv, err := BootstrapAUC(s, l, 300, 0.9, 7)
		if err != nil {
			t.Fatal(err)
		}
		if !(iv.Lo <= iv.AUC && iv.AUC <= iv.Hi) {
			t.Fatalf("interval %s does not contain its AUC", iv)
		}
		if iv.Lo <= pop && pop <= iv.Hi {
			covered++
		}
	}
	// Nominal 90 %; a binomial(40, 0.9) falls below 30 with probability < 0.1 %.
	if covered < 30 {
		t.Errorf("90%% intervals covered the population AUC %.3f in %d of %d samples", pop, covered, repeats)
	}
	s, l := sample(n, 99)
	a, _ := BootstrapAUC(s, l, 200, 0.95, 3)
	b, _ := BootstrapAUC(s, l, 200, 0.95, 3)
	if a != b {
		t.Error("the same seed gave different intervals")
	}
	big, bl := sample(8*n, 99)
	w, _ := BootstrapAUC(big, bl, 200, 0.95, 3)
	if w.Hi-w.Lo >= a.Hi-a.Lo {
		t.Errorf("interval did not narrow with 8× the data: %s vs %s", w, a)
	}
	for _, c := range []float64{-0.1, 1, 1.5} {
		if _, err := BootstrapAUC(s, l, 10, c, 1); err == nil {
			t.Errorf("confidence %v: no error", c)
		}
	}
	if _, err := BootstrapAUC(s, l, -1, 0.9, 1); err == nil {
		t.Error("negative resamples: no error")
	}
}
