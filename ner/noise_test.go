package ner

import (
	"context"
	"math"
	"strings"
	"testing"
)

// Laplace(0, b) has mean 0, variance 2b² and E|X| = b. With 200k draws the
// sample statistics are within these tolerances with overwhelming
// probability.
const (
	laplaceDraws   = 200000
	laplaceMomTol  = 0.02 // relative tolerance on E|X| and variance
	laplaceMeanTol = 0.01
)

func TestLaplaceMoments(t *testing.T) {
	seed := uint64(7)
	r := NewRand(&seed)
	const b = 0.5
	var sum, abs, sq float64
	for i := 0; i < laplaceDraws; i++ {
		x := Laplace(r, b)
		sum += x
		abs += math.Abs(x)
		sq += x * x
	}
	n := float64(laplaceDraws)
	if m := sum / n; math.Abs(m) > laplaceMeanTol {
		t.Fatalf("mean %v", m)
	}
	if a := abs / n; math.Abs(a-b)/b > laplaceMomTol {
		t.Fatalf("E|X| = %v, want %v", a, b)
	}
	if v := sq / n; math.Abs(v-2*b*b)/(2*b*b) > laplaceMomTol {
		t.Fatalf("variance %v, want %v", v, 2*b*b)
	}
}

func TestNoiseOffAndSeeded(t *testing.T) {
	for _, e := range []float64{0, math.Inf(1), -1, math.NaN()} {
		if NoiseOn(e) {
			t.Fatalf("noise on for ε=%v", e)
		}
		row := []float32{1, 2, 3}
		AddNoise(row, e, NewRand(nil))
		if row[0] != 1 || row[1] != 2 || row[2] != 3 {
			t.Fatalf("ε=%v changed logits", e)
		}
	}
	s := uint64(42)
	a, b := []float32{0, 0, 0, 0}, []float32{0, 0, 0, 0}
	AddNoise(a, 1, NewRand(&s))
	AddNoise(b, 1, NewRand(&s))
	for i := range a {
		if a[i] != b[i] || a[i] == 0 {
			t.Fatalf("seeded noise not reproducible or absent: %v %v", a, b)
		}
	}
	c := []float32{0, 0, 0, 0}
	AddNoise(c, 1, NewRand(nil))
	if c[0] == a[0] && c[1] == a[1] {
		t.Fatal("crypto-seeded noise equals the seed-42 noise")
	}
	if m := Noise(2); m.Epsilon != 2 || m.Sensitivity != 1 || m.Layer != "logits" {
		t.Fatalf("metadata %+v", m)
	}
	if Noise(math.Inf(1)).Epsilon != 0 {
		t.Fatal("∞ recorded as noise on")
	}
}

func TestRecognizerNoise(t *testing.T) {
	r, _ := newFake(t, 64, 8, 2)
	ctx := context.Background()
	text := strings.Repeat("Ann Lee went to location and ", 30)
	clean, _ := r.Recognize(ctx, text, Options{})
	seed := uint64(1)
	// Strong noise (scale 10) must change the output; the same seed must
	// reproduce it exactly.
	n1, _ := r.Recognize(ctx, text, Options{Epsilon: 0.1, Seed: &seed, Threshold: 0.01})
	n2, _ := r.Recognize(ctx, text, Options{Epsilon: 0.1, Seed: &seed, Threshold: 0.01})
	if len(n1) != len(n2) {
		t.Fatal("same seed, different results")
	}
	for i := range n1 {
		if n1[i] != n2[i] {
			t.Fatal("same seed, different results")
		}
	}
	same := len(n1) == len(clean)
	for i := 0; same && i < len(n1); i++ {
		same = n1[i].Start == clean[i].Start && n1[i].End == clean[i].End && n1[i].Type == clean[i].Type
	}
	if same {
		t.Fatal("ε=0.1 noise left every prediction unchanged")
	}
	// Weak noise (ε=1000, scale 0.001) keeps every entity.
	weak, _ := r.Recognize(ctx, text, Options{Epsilon: 1000, Seed: &seed})
	if len(weak) != len(clean) {
		t.Fatalf("ε=1000 changed the entity count: %d vs %d", len(weak), len(clean))
	}
	// The deployment ε bounds the request's: a request cannot switch it off.
	dep, err := NewRecognizer(Config{Tokenizer: fakeTokenizer{}, Classifier: &fakeClassifier{}, Labels: conllLabels(t), Epsilon: 2})
	if err != nil {
		t.Fatal(err)
	}
	if dep.Epsilon(math.Inf(1)) != 2 || dep.Epsilon(0) != 2 || dep.Epsilon(0.5) != 0.5 || dep.Epsilon(5) != 2 {
		t.Fatal("effective ε is not min(deployment, request)")
	}
	if !math.IsInf(r.Epsilon(0), 1) {
		t.Fatal("no deployment ε and no request ε should mean no noise")
	}
}
