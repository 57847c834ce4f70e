package dp

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Tolerances of the gradient tests.
const (
	// clipTargetRelTol: a clipped vector's norm is within this of C below
	// it (clipping scales to C, not to much less).
	clipTargetRelTol = 1e-5
	// noiseStdRelTol bounds the relative error of the empirical noise
	// standard deviation over noiseSamples draws (≈ 6 standard errors).
	noiseStdRelTol = 0.01
	noiseSamples   = 200000
	// poissonSizeSigmas bounds the drawn batch size's distance from q·n,
	// in binomial standard deviations.
	poissonSizeSigmas = 6
)

// randomVector draws a vector of one of several scales, including huge
// (near float32's maximum), tiny (subnormal) and mixed components.
func randomVector(r *rand.Rand, kind int) []float32 {
	n := 1 + r.IntN(300)
	g := make([]float32, n)
	for i := range g {
		x := r.NormFloat64()
		switch kind {
		case 0:
			g[i] = float32(x)
		case 1: // huge: squares overflow float32
			g[i] = float32(x * 1e37)
		case 2: // subnormal
			g[i] = float32(x * 1e-42)
		case 3: // mixed magnitudes
			g[i] = float32(x * math.Pow(10, float64(r.IntN(70)-35)))
		case 4: // one huge spike among zeros
			if i == 0 {
				g[i] = math.MaxFloat32
			}
		}
	}
	return g
}

// TestClipNormBound: every clipped vector has norm ≤ C, and close to C when
// it was clipped; vectors already within C are untouched.
func TestClipNormBound(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cs := []float64{1e-40, 1e-6, 0.1, 1, 1.5, 1e3, 1e30, 1e38}
	for trial := 0; trial < 2000; trial++ {
		g := randomVector(r, trial%5)
		c := cs[r.IntN(len(cs))]
		before := append([]float32(nil), g...)
		norm := ClipInPlace(g, c)
		if want := Norm(before); norm != want {
			t.Fatalf("returned norm %v, measured %v", norm, want)
		}
		after := Norm(g)
		if after > c {
			t.Fatalf("trial %d: clipped norm %v > C = %v", trial, after, c)
		}
		if norm <= c {
			for i := range g {
				if math.Float32bits(g[i]) != math.Float32bits(before[i]) {
					t.Fatalf("trial %d: a vector within C was changed", trial)
				}
			}
		} else if after < c*(1-clipTargetRelTol) && c > 1e-30 {
			// (at C = 1e-40 the result is subnormal and coarse)
			t.Errorf("trial %d: clipped to %v, far below C = %v", trial, after, c)
		}
	}
}

func TestClipEdgeCases(t *testing.T) {
	zero := make([]float32, 5)
	if n := ClipInPlace(zero, 1); n != 0 || Norm(zero) != 0 {
		t.Errorf("zero vector: norm %v", n)
	}
	if n := ClipInPlace(nil, 1); n != 0 {
		t.Errorf("empty vector: norm %v", n)
	}
	g := []float32{3, 4}
	if n := ClipInPlace(g, math.Inf(1)); n != 5 || g[0] != 3 || g[1] != 4 {
		t.Errorf("C = ∞ changed the vector or misreported the norm: %v %v", n, g)
	}
	if n := ClipInPlace(g, 0); n != 5 || Norm(g) != 0 {
		t.Errorf("C = 0: norm %v, vector %v", n, g)
	}
	for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1))} {
		g := []float32{1, bad, 2}
		n := ClipInPlace(g, 1)
		if !(math.IsNaN(n) || math.IsInf(n, 1)) || Norm(g) != 0 {
			t.Errorf("non-finite component %v: norm %v, vector %v (want it zeroed)", bad, n, g)
		}
	}
	for _, bad := range []float64{-1, math.NaN(), math.Inf(-1)} {
		if err := CheckClipNorm(bad); err == nil {
			t.Errorf("CheckClipNorm(%v): no error", bad)
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("ClipInPlace with C = %v did not panic", bad)
				}
			}()
			ClipInPlace([]float32{1}, bad)
		}()
	}
}

// TestNoNoiseNoClipIsPlainSum: with C = ∞ and noise std 0, the DP pipeline
// (clip, accumulate, noise) gives the plain float32 sum bit for bit,
// including signed zeros.
func TestNoNoiseNoClipIsPlainSum(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const dim, batch = 257, 33
	grads := make([][]float32, batch)
	for b := range grads {
		grads[b] = make([]float32, dim)
		for i := range grads[b] {
			grads[b][i] = float32(r.NormFloat64() * math.Pow(10, float64(r.IntN(12)-6)))
		}
		grads[b][0] = float32(math.Copysign(0, -1)) // −0 in every example: the plain sum is −0
	}
	plain := make([]float32, dim)
	for i := range plain {
		plain[i] = float32(math.Copysign(0, -1))
	}
	dpSum := append([]float32(nil), plain...)
	for _, g := range grads {
		for i, v := range g {
			plain[i] += v
		}
		c := append([]float32(nil), g...)
		ClipInPlace(c, math.Inf(1))
		if err := Accumulate(dpSum, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := AddGaussianNoise(dpSum, 0, nil); err != nil {
		t.Fatal(err)
	}
	for i := range plain {
		if math.Float32bits(plain[i]) != math.Float32bits(dpSum[i]) {
			t.Fatalf("element %d: DP sum %v (bits %08x), plain %v (bits %08x)", i, dpSum[i], math.Float32bits(dpSum[i]), plain[i], math.Float32bits(plain[i]))
		}
	}
	if math.Float32bits(dpSum[0]) != 0x80000000 {
		t.Errorf("element 0 is %v, want −0", dpSum[0])
	}
	if err := Accumulate(dpSum, make([]float32, dim+1)); err == nil {
		t.Error("length mismatch: no error")
	}
}

// TestGaussianNoise: reproducible per seed, different across seeds, and of
// the stated standard deviation; bad inputs are errors.
func TestGaussianNoise(t *testing.T) {
	const std = 2.5
	draw := func(seed uint64) []float32 {
		v := make([]float32, noiseSamples)
		if err := AddGaussianNoise(v, std, NewSeededSource(seed)); err != nil {
			t.Fatal(err)
		}
		return v
	}
	a, b, c := draw(7), draw(7), draw(8)
	same, diff := true, 0
	var s, s2 float64
	for i := range a {
		same = same && a[i] == b[i]
		if a[i] != c[i] {
			diff++
		}
		s += float64(a[i])
		s2 += float64(a[i]) * float64(a[i])
	}
	if !same {
		t.Error("the same seed gave different noise")
	}
	if diff < noiseSamples/2 {
		t.Errorf("seeds 7 and 8 agree on %d of %d draws", noiseSamples-diff, noiseSamples)
	}
	n := float64(noiseSamples)
	mean := s / n
	sd := math.Sqrt(s2/n - mean*mean)
	if math.Abs(sd-std) > noiseStdRelTol*std || math.Abs(mean) > noiseStdRelTol*std {
		t.Errorf("noise mean %v, std %v; want 0, %v", mean, sd, std)
	}
	crypto := make([]float32, 1000)
	if err := AddGaussianNoise(crypto, 1, NewCryptoSource()); err != nil {
		t.Fatal(err)
	}
	if Norm(crypto) == 0 {
		t.Error("crypto source added no noise")
	}
	for _, bad := range []float64{-1, math.NaN(), math.Inf(1)} {
		if err := AddGaussianNoise(crypto, bad, NewSeededSource(1)); err == nil {
			t.Errorf("std %v: no error", bad)
		}
	}
	if err := AddGaussianNoise(crypto, 1, nil); err == nil {
		t.Error("nil source: no error")
	}
}

func TestPoissonSample(t *testing.T) {
	const n, q = 20000, 0.03
	idx, err := PoissonSample(n, q, NewSeededSource(5))
	if err != nil {
		t.Fatal(err)
	}
	for k := 1; k < len(idx); k++ {
		if idx[k] <= idx[k-1] || idx[k] >= n {
			t.Fatalf("indexes not increasing within [0, n): %d after %d", idx[k], idx[k-1])
		}
	}
	if sd := math.Sqrt(n * q * (1 - q)); math.Abs(float64(len(idx))-n*q) > poissonSizeSigmas*sd {
		t.Errorf("batch size %d, expected %v ± %v", len(idx), n*q, sd)
	}
	if _, err := PoissonSample(10, 1.5, NewSeededSource(1)); err == nil {
		t.Error("q > 1: no error")
	}
	if _, err := PoissonSample(-1, 0.5, NewSeededSource(1)); err == nil {
		t.Error("n < 0: no error")
	}
}
