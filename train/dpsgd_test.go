package train

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/obscura-ai/obscura/train/dp"
)

// Tolerances of the DP-SGD tests.
const (
	// clipTol: the released single-example gradient is scaled by
	// 1/(q·N) in float32 and measured back, which can add a few ulps.
	clipTol = 1e-6
	// clipFillTol: a clipped gradient's norm is C up to the clip's
	// float32 rounding and its safety shrink.
	clipFillTol = 1e-3
	// batchGradTol bounds |Σ per-example gradients − the packed batch's
	// gradient of the same summed loss|, relative to the largest entry:
	// the same arithmetic in a different order (float32 GEMM sums).
	batchGradTol = 1e-5
)

// dpTrainer is tinyTrainer without dropout (the per-example and the batch
// passes then compute the same function), no warm-up, and the given
// frozen layers.
func dpTrainer(t *testing.T, freeze int) *Trainer {
	t.Helper()
	tr := tinyTrainer(t, 5, "")
	tr.Cfg.CheckpointN, tr.Cfg.Dropout, tr.Cfg.WarmupFrac = 0, Dropout{}, 0
	if freeze > 0 {
		tr.Cfg.FreezeBelow = freeze
		tr.net.FreezeBelow = freeze
		tr.Opt = NewAdamW(tr.P, tr.Cfg.WeightDecay)
		tr.Opt.FreezeBelow(tr.P, freeze)
	}
	return tr
}

// refExampleSum is the reference: each example's own forward and backward
// pass into a fresh buffer, summed in float32 in order, scaled by 1/(q·N),
// written here from the Net API alone.
func refExampleSum(t *testing.T, tr *Trainer, idx []int, q float64) []float32 {
	t.Helper()
	sum := make([]float32, len(tr.P.Data))
	for _, i := range idx {
		s := tr.Train[i]
		b := &Batch{IDs: s.IDs, Types: s.Types, Labels: s.Labels, Starts: []int{0}, Lens: []int{len(s.IDs)}}
		logits, err := tr.net.Forward(b, Dropout{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		dl := make([]float32, len(logits))
		Loss(dl, logits, b.Labels, tr.P.Arch.Labels)
		g := make([]float32, len(tr.P.Data))
		tr.net.Backward(b, dl, g)
		for k, v := range g {
			sum[k] += v
		}
	}
	inv := float32(1 / (q * float64(len(tr.Train))))
	for k := range sum {
		sum[k] *= inv
	}
	return sum
}

// TestDPSGDNoNoiseNoClipIsPlainSum: with C = +Inf and σ = 0 the DP-SGD
// gradient is the plain sum of the per-example gradients over the expected
// batch size, bit for bit, and one optimizer step with it gives the same
// weights bit for bit; the sum also equals the packed batch's gradient of
// the summed per-example losses to batchGradTol.
func TestDPSGDNoNoiseNoClipIsPlainSum(t *testing.T) {
	for _, freeze := range []int{0, 1} {
		tr := dpTrainer(t, freeze)
		ref := dpTrainer(t, freeze)
		d, err := NewDPSGD(tr, DPOptions{Epsilon: math.Inf(1), Clip: math.Inf(1), Seeded: true, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		if d.Sigma != 0 || d.Budget != nil {
			t.Fatalf("ε = ∞: σ %v, budget %v; want no noise and no budget", d.Sigma, d.Budget)
		}
		// The step's Poisson batch, drawn again from the same seeded stream.
		idx, err := dp.PoissonSample(len(tr.Train), d.Q, dp.NewSeededSource(3^0x706f6973736f6e))
		if err != nil {
			t.Fatal(err)
		}
		if len(idx) < 2 {
			t.Fatalf("freeze %d: the Poisson batch has %d examples; the test needs ≥ 2", freeze, len(idx))
		}
		tr.Cfg.MaxSteps = 1
		if _, err := tr.RunDP(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		want := refExampleSum(t, ref, idx, d.Q)
		got := make([]float32, len(tr.P.Data))
		d2, _ := NewDPSGD(ref, DPOptions{Epsilon: math.Inf(1), Clip: math.Inf(1), Seeded: true, Seed: 3})
		if _, err := d2.Grad(ref.net, ref.Train, idx, got, 0); err != nil {
			t.Fatal(err)
		}
		for k := range want {
			if math.Float32bits(got[k]) != math.Float32bits(want[k]) {
				t.Fatalf("freeze %d: gradient[%d] = %v, per-example sum %v", freeze, k, got[k], want[k])
			}
		}
		if freeze > 0 {
			for k := 0; k < d.off; k++ {
				if want[k] != 0 {
					t.Fatalf("freeze %d: frozen coordinate %d has gradient %v", freeze, k, want[k])
				}
			}
		}
		// The packed batch: the same sequences in one pass, each
		// sequence's loss its own mean, so the batch loss is their sum.
		b := pack(ref.Train, idx)
		logits, err := ref.net.Forward(b, Dropout{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		L := ref.P.Arch.Labels
		dl := make([]float32, len(logits))
		for s := range b.Lens {
			st, n := b.Starts[s], b.Lens[s]
			Loss(dl[st*L:(st+n)*L], logits[st*L:(st+n)*L], b.Labels[st:st+n], L)
		}
		bg := make([]float32, len(ref.P.Data))
		ref.net.Backward(b, dl, bg)
		inv := float32(1 / (d.Q * float64(len(ref.Train))))
		var scale float64
		for _, v := range want {
			scale = math.Max(scale, math.Abs(float64(v)))
		}
		for k, v := range bg {
			if diff := math.Abs(float64(v*inv) - float64(want[k])); diff > batchGradTol*scale {
				t.Fatalf("freeze %d: batch gradient[%d] = %v, per-example sum %v (|Δ| %g > %g)", freeze, k, v*inv, want[k], diff, batchGradTol*scale)
			}
		}
		// One optimizer step with the per-example sum gives the DP-SGD
		// step's weights bit for bit.
		ref.Opt.Update(ref.P.Data, want, ref.Schedule().LR(0))
		if !equal32(tr.P.Data, ref.P.Data) {
			t.Errorf("freeze %d: the DP-SGD step's weights differ from a plain step on the per-example sum", freeze)
		}
	}
}

// TestDPSGDClipsEveryExample releases each example alone (σ = 0): the
// released gradient, times q·N, is that example's clipped gradient, whose
// norm must be ≤ C; C is set below most raw norms so clipping is active.
func TestDPSGDClipsEveryExample(t *testing.T) {
	tr := dpTrainer(t, 0)
	raw := make([]float64, len(tr.Train))
	g := tr.P.Grads()
	for i := range tr.Train {
		clear(g)
		if _, err := ExampleGrad(tr.net, &tr.Train[i], g, Dropout{}, 0); err != nil {
			t.Fatal(err)
		}
		raw[i] = dp.Norm(g)
	}
	c := math.Inf(1)
	active := 0
	for _, r := range raw {
		if r > 0 { // an example with no labelled token has no gradient
			c = math.Min(c, r/2)
			active++
		}
	}
	d, err := NewDPSGD(tr, DPOptions{Epsilon: math.Inf(1), Clip: c, Seeded: true, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	qn := d.Q * float64(len(tr.Train))
	for i := range tr.Train {
		if _, err := d.Grad(tr.net, tr.Train, []int{i}, g, 0); err != nil {
			t.Fatal(err)
		}
		n := dp.Norm(g) * qn
		switch {
		case n > c*(1+clipTol):
			t.Errorf("example %d: clipped norm %v > C = %v (raw %v)", i, n, c, raw[i])
		case raw[i] > 0 && n < c*(1-clipFillTol):
			t.Errorf("example %d: clipped norm %v, want C = %v (raw %v > C)", i, n, c, raw[i])
		}
	}
	if active < 2 {
		t.Fatalf("only %d examples have a gradient", active)
	}
	if rep, want := d.Report(tr), float64(active)/float64(len(tr.Train)); rep.ClippedFrac != want {
		t.Errorf("clipped fraction %v, want %v", rep.ClippedFrac, want)
	}
}

// TestDPSGDNoiseAndBudget trains with a target ε: σ meets it for the run's
// steps, the progress line shows the ε spent, and a σ too small for the
// run makes the budget stop training at the last step it allows.
func TestDPSGDNoiseAndBudget(t *testing.T) {
	tr := dpTrainer(t, 1)
	var log bytes.Buffer
	tr.Cfg.Progress = &log
	const target, delta = 3.0, 1e-3
	d, err := NewDPSGD(tr, DPOptions{Epsilon: target, Delta: delta, Clip: 1, Seeded: true, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	steps := tr.StepsPerEpoch() * tr.Cfg.Epochs
	if e, _ := dp.EpsilonFor(d.Q, d.Sigma, steps, delta, nil, dp.ConversionTight); !(e <= target) {
		t.Fatalf("σ %v gives ε %v > %v over %d steps", d.Sigma, e, target, steps)
	}
	before := append([]float32(nil), tr.P.Data...)
	if _, err := tr.RunDP(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	if equal32(before, tr.P.Data) {
		t.Error("DP-SGD left the weights unchanged")
	}
	rep := d.Report(tr)
	if rep.Steps != steps || !(rep.Spent > 0 && rep.Spent <= target) || !rep.Private {
		t.Errorf("report %+v: want %d steps, 0 < ε ≤ %v", rep, steps, target)
	}
	if !strings.Contains(log.String(), "ε ") || !strings.Contains(log.String(), "/3 (δ 1e-03)") {
		t.Errorf("progress line does not show the ε spent: %q", log.String())
	}
	// σ fixed too small: the budget allows fewer steps than the recipe.
	tr2 := dpTrainer(t, 1)
	d2, err := NewDPSGD(tr2, DPOptions{Epsilon: 0.5, Delta: delta, Clip: 1, Sigma: 0.6, Seeded: true, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	allowed := d2.Budget.MaxSteps()
	if allowed >= steps {
		t.Fatalf("the budget allows %d of %d steps; the test needs fewer", allowed, steps)
	}
	_, err = tr2.RunDP(context.Background(), d2)
	if !errors.Is(err, dp.ErrBudgetExceeded) {
		t.Fatalf("err %v, want the budget's refusal", err)
	}
	if tr2.Opt.Step != allowed || d2.Spent() > 0.5 {
		t.Errorf("stopped after %d steps (ε %v), want %d steps within ε 0.5", tr2.Opt.Step, d2.Spent(), allowed)
	}
}

// TestDPOptionsErrors checks that bad options are refused with an error.
func TestDPOptionsErrors(t *testing.T) {
	tr := dpTrainer(t, 0)
	for _, o := range []DPOptions{
		{Epsilon: 0},
		{Epsilon: -1},
		{Epsilon: 1, Delta: 2},
		{Epsilon: 1, Clip: -1},
		{Epsilon: 1, Clip: math.Inf(1)},
		{Epsilon: 1, Sigma: math.NaN()},
		{Epsilon: math.Inf(1), Clip: math.Inf(1), Sigma: 1},
	} {
		if _, err := NewDPSGD(tr, o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}
