package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/obscura-ai/obscura/train/dp"
)

// DP-SGD defaults.
const (
	// DefaultDPClip is the per-example clip norm C when none is given.
	DefaultDPClip = 1.0
	// DefaultDPDelta is δ when none is given: below 1/N for any training
	// set under 100,000 sequences.
	DefaultDPDelta = 1e-5
)

// DPOptions configure differentially private training (DP-SGD, Abadi et
// al. 2016) of a Trainer's recipe.
//
// Sampling: every step draws a Poisson sample of the training sequences,
// each independently with probability q = BatchSize / N (dp.PoissonSample),
// so the batch size is random with mean BatchSize; the accountant's
// analysis assumes exactly this. An epoch is ⌈N / BatchSize⌉ steps.
type DPOptions struct {
	// Epsilon is the target ε; +Inf runs the same per-example machinery
	// with no noise (σ = 0) and no budget, the non-private reference.
	Epsilon float64
	Delta   float64 // target δ (DefaultDPDelta when 0)
	Clip    float64 // per-example L2 clip norm C (DefaultDPClip when 0; +Inf: none, only with Epsilon +Inf)
	// Sigma is the noise multiplier; 0 finds the smallest σ for which the
	// run's steps stay within (Epsilon, Delta) (dp.NoiseMultiplier).
	Sigma float64
	// Seeded draws the noise and the Poisson samples from sources seeded
	// by Seed, for reproducible experiments. Noise that can be regenerated
	// protects nothing: a released model must leave it false (the
	// operating system's CSPRNG).
	Seeded bool
	Seed   uint64
}

// DPReport is what the DP-SGD run did, for metadata and reports. It holds
// figures only.
type DPReport struct {
	Private       bool    `json:"private"`                  // false: ε = ∞ (no noise)
	TargetEpsilon float64 `json:"target_epsilon,omitempty"` // absent for ε = ∞
	Delta         float64 `json:"delta"`
	Spent         float64 `json:"epsilon_spent"` // ε of the steps taken, at Delta
	Clip          float64 `json:"clip"`          // -1 encodes C = +Inf
	Sigma         float64 `json:"noise_multiplier"`
	SampleRate    float64 `json:"sample_rate"`
	Sampling      string  `json:"sampling"`
	Noise         string  `json:"noise"`
	Accountant    string  `json:"accountant"`
	Steps         int     `json:"steps"`
	PlannedSteps  int     `json:"planned_steps"`
	BudgetStopped bool    `json:"budget_stopped,omitempty"` // the budget refused a step
	MeanBatch     float64 `json:"mean_batch"`
	ClippedFrac   float64 `json:"clipped_fraction"` // share of per-example gradients whose norm exceeded C
	// Private parameters: what the DP guarantee covers. The frozen part
	// is the public starting model's.
	TrainedFrom   string `json:"trained_parameters"`
	TrainedParams int    `json:"trained_parameter_count"`
	FrozenParams  int    `json:"frozen_parameter_count"`
}

// DPSGD computes one DP-SGD gradient per step for a trainer: Poisson
// sample, each example's own forward and backward pass, clip, sum,
// Gaussian noise σ·C, divide by q·N. It is not safe for concurrent use.
type DPSGD struct {
	Q, Sigma, Clip float64
	Budget         *dp.Budget // nil for ε = ∞
	Delta          float64

	agg     *dp.Aggregator
	noise   dp.NormalSource
	sampler *rand.Rand
	off     int       // first coordinate of the trained parameters
	per     []float32 // one example's gradient, laid out like the parameters
	drop    Dropout
	seed    uint64
	seeded  bool

	examples, clipped, batches int
}

// NewDPSGD prepares DP-SGD for t's recipe and training set: q =
// BatchSize/N, T = Epochs × StepsPerEpoch steps, σ from the target unless
// given.
func NewDPSGD(t *Trainer, o DPOptions) (*DPSGD, error) {
	if o.Delta == 0 {
		o.Delta = DefaultDPDelta
	}
	if o.Clip == 0 {
		o.Clip = DefaultDPClip
	}
	if err := dp.CheckClipNorm(o.Clip); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if !(o.Epsilon > 0) {
		return nil, fmt.Errorf("train: DP target ε = %v must be > 0 (or +Inf for no noise)", o.Epsilon)
	}
	if !(o.Delta > 0 && o.Delta < 1) {
		return nil, fmt.Errorf("train: DP δ = %v must be in (0, 1)", o.Delta)
	}
	if !(o.Sigma >= 0) || math.IsInf(o.Sigma, 1) {
		return nil, fmt.Errorf("train: noise multiplier %v must be a finite number ≥ 0", o.Sigma)
	}
	n := len(t.Train)
	q := math.Min(1, float64(t.Cfg.BatchSize)/float64(n))
	steps := t.StepsPerEpoch() * t.Cfg.Epochs
	d := &DPSGD{Q: q, Clip: o.Clip, Delta: o.Delta, drop: t.Cfg.Dropout, seed: t.Cfg.Seed}
	if math.IsInf(o.Epsilon, 1) {
		d.Sigma = o.Sigma
		if d.Sigma > 0 && math.IsInf(o.Clip, 1) {
			return nil, errors.New("train: noise needs a finite clip norm")
		}
	} else {
		if math.IsInf(o.Clip, 1) {
			return nil, errors.New("train: DP-SGD with a finite ε needs a finite clip norm (--dp-clip)")
		}
		d.Sigma = o.Sigma
		if d.Sigma == 0 {
			s, err := dp.NoiseMultiplier(dp.SearchOptions{Epsilon: o.Epsilon, Delta: o.Delta, SampleRate: q, Steps: steps})
			if err != nil {
				return nil, fmt.Errorf("train: %w", err)
			}
			d.Sigma = s
		}
		b, err := dp.NewBudget(dp.BudgetOptions{Epsilon: o.Epsilon, Delta: o.Delta, SampleRate: q, NoiseMultiplier: d.Sigma})
		if err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
		d.Budget = b
	}
	d.seeded = o.Seeded
	if o.Seeded {
		d.noise = dp.NewSeededSource(o.Seed)
		d.sampler = dp.NewSeededSource(o.Seed ^ 0x706f6973736f6e) // its own stream ("poisson")
	} else {
		d.noise, d.sampler = dp.NewCryptoSource(), dp.NewCryptoSource()
	}
	d.off = trainedFrom(t.P, t.Cfg.FreezeBelow)
	agg, err := dp.NewAggregator(len(t.P.Data)-d.off, o.Clip)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	d.agg = agg
	d.per = t.P.Grads()
	return d, nil
}

// trainedFrom is the first coordinate of the parameters that training with
// FreezeBelow = layer updates (the trained layers and the head); every
// coordinate before it is frozen and its gradient is zero. Tied tensors can
// place a trained tensor early, so it is the minimum over trained spans.
func trainedFrom(p *Params[float32], layer int) int {
	if layer <= 0 {
		return 0
	}
	off := min(p.clsW.off, p.clsB.off)
	for li := layer; li < len(p.layers); li++ {
		ls := p.layers[li]
		for _, s := range []span{ls.qkvW, ls.qkvB, ls.oW, ls.oB, ls.ln1G, ls.ln1B, ls.fc1W, ls.fc1B, ls.fc2W, ls.fc2B, ls.ln2G, ls.ln2B} {
			off = min(off, s.off)
		}
	}
	return off
}

// single is sequence s as a batch of one.
func single(s *Sequence) *Batch {
	return &Batch{IDs: s.IDs, Types: s.Types, Labels: s.Labels, Starts: []int{0}, Lens: []int{len(s.IDs)}}
}

// exampleKey is the dropout key of example i in a step.
func exampleKey(seed uint64, step, i int) uint64 {
	return mix64(stepKey(seed, step) ^ mix64(uint64(i)+1))
}

// ExampleGrad writes into g (laid out like the parameters, zeroed by the
// caller) the gradient of sequence s's own loss, the mean cross-entropy
// over its labelled tokens, and returns that loss.
func ExampleGrad(n *Net[float32], s *Sequence, g []float32, drop Dropout, key uint64) (float64, error) {
	b := single(s)
	logits, err := n.Forward(b, drop, key)
	if err != nil {
		return 0, err
	}
	dl := make([]float32, len(logits))
	loss, _ := Loss(dl, logits, b.Labels, n.P.Arch.Labels)
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return 0, fmt.Errorf("train: an example's loss is %v", loss)
	}
	n.Backward(b, dl, g)
	return loss, nil
}

// Grad writes the DP-SGD gradient of the examples idx of seqs into g (of
// the parameters' length): Σ clip_C(∇ℓ_i) + N(0, (σC)²), divided by q·N
// (the expected batch size; Poisson batches vary in size). It returns the
// mean loss of the examples (0 for an empty batch) — a figure for the
// operator's log, computed from the data and not itself private.
func (d *DPSGD) Grad(n *Net[float32], seqs []Sequence, idx []int, g []float32, step int) (float64, error) {
	var loss float64
	for _, i := range idx {
		clear(d.per[d.off:])
		l, err := ExampleGrad(n, &seqs[i], d.per, d.drop, exampleKey(d.seed, step, i))
		if err != nil {
			return 0, err
		}
		loss += l
		if err := d.agg.Add(d.per[d.off:]); err != nil {
			return 0, err
		}
	}
	ex, cl, _ := d.agg.Counts()
	d.examples += ex
	d.clipped += cl
	d.batches++
	clear(g[:d.off])
	if err := d.agg.Release(g[d.off:], d.Sigma, d.noise); err != nil {
		return 0, err
	}
	inv := float32(1 / (d.Q * float64(len(seqs))))
	for k := d.off; k < len(g); k++ {
		g[k] *= inv
	}
	if len(idx) > 0 {
		loss /= float64(len(idx))
	}
	return loss, nil
}

// Sample draws the step's Poisson batch of the n training sequences.
func (d *DPSGD) Sample(n int) ([]int, error) { return dp.PoissonSample(n, d.Q, d.sampler) }

// Spent is the ε of the steps taken so far (0 for ε = ∞).
func (d *DPSGD) Spent() float64 {
	if d.Budget == nil {
		return 0
	}
	return d.Budget.Spent()
}

// RunDP trains t with DP-SGD: the recipe's epochs, schedule, AdamW and
// FreezeBelow, but every step's gradient comes from d (Poisson sample,
// per-example clipping, noise) and the recipe's global ClipNorm is not
// applied (the per-example clip replaces it). Before each step the budget
// is asked; a step it refuses ends training there (the model so far keeps
// its guarantee) and the report says so. As in Run, validation after each
// epoch keeps the best epoch: a choice made on validation data, which is
// not training data and so costs no training-set privacy. Checkpoints are
// not written (the accountant's state is not in them).
func (t *Trainer) RunDP(ctx context.Context, d *DPSGD) (*Result, error) {
	if t.Opt.Step != 0 {
		return nil, errors.New("train: DP-SGD cannot resume a checkpoint (the accountant's state is not in it)")
	}
	spe := t.StepsPerEpoch()
	sched := t.Schedule()
	res := &Result{}
	prog := newProgress(t.Cfg.Progress, sched.Total, t.Cfg.ProgressTick)
	prog.extra = func() string {
		if d.Budget == nil {
			return "ε ∞ (no noise)"
		}
		target, delta := d.Budget.Target()
		return fmt.Sprintf("ε %.3g/%.3g (δ %.0e)", d.Budget.Spent(), target, delta)
	}
	step := 0
	for ep := 0; ep < t.Cfg.Epochs; ep++ {
		start := time.Now()
		var lossSum float64
		var nsteps, tokens int
		for bi := 0; bi < spe; bi++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if t.Cfg.MaxSteps > 0 && step >= t.Cfg.MaxSteps {
				res.Stopped = true
				res.Epochs = t.history
				prog.done()
				return res, nil
			}
			if d.Budget != nil {
				if err := d.Budget.Step(); err != nil {
					prog.done()
					if t.Cfg.Progress != nil {
						fmt.Fprintf(t.Cfg.Progress, "DP-SGD stopped before step %d: %v\n", step+1, err)
					}
					res.Stopped = true
					res.Epochs = t.history
					return res, err
				}
			}
			idx, err := d.Sample(len(t.Train))
			if err != nil {
				return nil, err
			}
			clear(t.grads)
			loss, err := d.Grad(t.net, t.Train, idx, t.grads, step)
			if err != nil {
				return nil, err
			}
			t.Opt.Update(t.P.Data, t.grads, sched.LR(step))
			step++
			if t.StepHook != nil {
				if err := t.StepHook(step); err != nil {
					return nil, err
				}
			}
			tokens += batchTokens(t.Train, idx)
			lossSum += loss
			nsteps++
			t.Losses = append(t.Losses, loss)
			prog.update(step, ep+1, loss, batchTokens(t.Train, idx))
		}
		sec := time.Since(start).Seconds()
		er := EpochResult{Epoch: ep + 1, Steps: nsteps, Seconds: sec, Loss: lossSum / float64(max(nsteps, 1)), TokensSec: float64(tokens) / sec}
		if err := t.endEpoch(&er, prog); err != nil {
			return nil, err
		}
	}
	prog.done()
	if t.best != nil {
		copy(t.P.Data, t.best)
	}
	res.Epochs, res.BestEpoch, res.BestF1 = t.history, t.bestEp, math.Max(t.bestF1, 0)
	return res, nil
}

func batchTokens(seqs []Sequence, idx []int) int {
	n := 0
	for _, i := range idx {
		n += len(seqs[i].IDs)
	}
	return n
}

// Report describes the run so far for metadata.
func (d *DPSGD) Report(t *Trainer) *DPReport {
	r := &DPReport{Private: d.Budget != nil, Delta: d.Delta, Spent: d.Spent(), Clip: d.Clip, Sigma: d.Sigma,
		SampleRate: d.Q, Steps: d.batches, PlannedSteps: t.StepsPerEpoch() * t.Cfg.Epochs,
		Sampling:      fmt.Sprintf("Poisson: each of the %d training sequences independently with probability q = batch/N = %.6g per step", len(t.Train), d.Q),
		Accountant:    "Rényi DP of the Poisson-subsampled Gaussian (Mironov, Talwar, Zhang 2019), tight conversion (Balle et al. 2020), orders of Opacus/TF-Privacy",
		TrainedParams: len(t.P.Data) - d.off, FrozenParams: d.off}
	if math.IsInf(r.Clip, 1) {
		r.Clip = -1
	}
	if d.Budget != nil {
		r.TargetEpsilon, _ = d.Budget.Target()
	}
	if d.batches > 0 {
		r.MeanBatch = float64(d.examples) / float64(d.batches)
	}
	if d.examples > 0 {
		r.ClippedFrac = float64(d.clipped) / float64(d.examples)
	}
	r.Noise = "Gaussian N(0, (σC)²) per trained coordinate of the clipped sum, from the OS CSPRNG"
	if d.seeded {
		r.Noise = "Gaussian N(0, (σC)²) per trained coordinate of the clipped sum, from a seeded ChaCha8 source (reproducible experiment: not a guarantee for a released model)"
	}
	switch fb := t.Cfg.FreezeBelow; {
	case fb <= 0:
		r.TrainedFrom = "all parameters (embeddings, every encoder layer, head)"
	case fb >= t.P.Arch.Layers:
		r.TrainedFrom = "the classification head only"
	default:
		r.TrainedFrom = fmt.Sprintf("encoder layers %d-%d and the head (embeddings and layers below %d frozen at the public starting model)", fb, t.P.Arch.Layers-1, fb)
	}
	return r
}
