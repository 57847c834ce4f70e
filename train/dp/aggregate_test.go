package dp

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAggregatorPlainSumAndClip: with C = +Inf and σ = 0 the released sum
// is the plain float32 sum bit for bit; with a finite C every added
// gradient is within C, the counts say how many were clipped, and the
// noise has std σ·C.
func TestAggregatorPlainSumAndClip(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	const dim, batch = 64, 20
	grads := make([][]float32, batch)
	for b := range grads {
		grads[b] = make([]float32, dim)
		for i := range grads[b] {
			grads[b][i] = float32(r.NormFloat64() * float64(b+1))
		}
	}
	plain := make([]float32, dim)
	for _, g := range grads {
		for i, v := range g {
			plain[i] += v
		}
	}
	a, err := NewAggregator(dim, math.Inf(1))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range grads {
		if err := a.Add(append([]float32(nil), g...)); err != nil {
			t.Fatal(err)
		}
	}
	if n, c, _ := a.Counts(); n != batch || c != 0 {
		t.Errorf("counts %d examples, %d clipped; want %d, 0", n, c, batch)
	}
	out := make([]float32, dim)
	if err := a.Release(out, 0, nil); err != nil {
		t.Fatal(err)
	}
	for i := range out {
		if math.Float32bits(out[i]) != math.Float32bits(plain[i]) {
			t.Fatalf("element %d: %v, plain sum %v", i, out[i], plain[i])
		}
	}
	if n, _, _ := a.Counts(); n != 0 {
		t.Error("Release did not reset the counts")
	}
	if err := a.Release(out, 1, NewSeededSource(1)); err == nil {
		t.Error("noise with C = +Inf: no error")
	}

	const clip = 3.0
	c, _ := NewAggregator(dim, clip)
	want := 0
	for _, g := range grads {
		cp := append([]float32(nil), g...)
		if Norm(g) > clip {
			want++
		}
		if err := c.Add(cp); err != nil {
			t.Fatal(err)
		}
		if Norm(cp) > clip {
			t.Fatalf("added gradient of norm %v > C", Norm(cp))
		}
	}
	if _, got, _ := c.Counts(); got != want {
		t.Errorf("%d clipped, want %d", got, want)
	}
	if err := c.Release(out, 0, nil); err != nil {
		t.Fatal(err)
	}
	if Norm(out) > batch*clip {
		t.Errorf("sum of %d clipped gradients has norm %v > %v", batch, Norm(out), batch*clip)
	}
	// Noise only (no example): std σ·C.
	const sigma = 2.0
	big, _ := NewAggregator(noiseSamples, clip)
	noise := make([]float32, noiseSamples)
	if err := big.Release(noise, sigma, NewSeededSource(3)); err != nil {
		t.Fatal(err)
	}
	if sd := Norm(noise) / math.Sqrt(noiseSamples); math.Abs(sd-sigma*clip) > noiseStdRelTol*sigma*clip {
		t.Errorf("noise std %v, want σ·C = %v", sd, sigma*clip)
	}
	if err := c.Add(make([]float32, dim+1)); err == nil {
		t.Error("wrong length: no error")
	}
	if _, err := NewAggregator(4, -1); err == nil {
		t.Error("negative clip: no error")
	}
}
