package train

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/obscura-ai/obscura/eval"
)

// Config is a training recipe.
type Config struct {
	Epochs       int
	BatchSize    int     // sequences per step
	LR           float64 // peak learning rate
	WarmupFrac   float64 // share of the steps spent warming up
	WeightDecay  float64
	ClipNorm     float64 // max gradient L2 norm; 0 turns clipping off
	Dropout      Dropout
	Seed         uint64
	CheckpointN  int    // write a checkpoint every N steps (0: never)
	Checkpoint   string // its path
	MaxSteps     int    // stop after this many steps in all (0: run every epoch); for tests and resumable runs
	FreezeBelow  int    // train only encoder layers ≥ this and the head (0: everything)
	Progress     io.Writer
	ProgressTick time.Duration // how often the progress line is redrawn (0: every step)
}

// Validation is what the trainer scores after each epoch: sequences
// encoded from examples, and the examples' gold word tags.
type Validation struct {
	Seqs     []Sequence
	Examples []eval.Example
	Gold     [][]string // per example, word tags restricted to the label set
}

// EpochResult is one epoch's record.
type EpochResult struct {
	Epoch     int     `json:"epoch"`
	Steps     int     `json:"steps"`
	Loss      float64 `json:"train_loss"`
	ValidF1   float64 `json:"valid_f1,omitempty"`       // entity micro F1 (seqeval default)
	ValidMF1  float64 `json:"valid_macro_f1,omitempty"` // macro over types
	Seconds   float64 `json:"seconds"`
	TokensSec float64 `json:"tokens_per_second"`
}

// Trainer runs a recipe on one model.
type Trainer struct {
	Cfg    Config
	P      *Params[float32]
	Opt    *AdamW
	Labels *Labels
	Train  []Sequence
	Valid  *Validation

	net     *Net[float32]
	grads   []float32
	best    []float32 // parameters of the best epoch so far
	bestF1  float64
	bestEp  int
	history []EpochResult
	// Losses records (step, loss) of every step, for the loss curve.
	Losses []float64
	// StepHook, when set, runs after every optimizer step (DP-SGD and
	// tests use it); an error stops training.
	StepHook func(step int) error
	// GradFn, when set, replaces the plain batch gradient: it must write
	// the gradient of batch b into g and return the batch loss (DP-SGD's
	// per-example clipping and noise).
	GradFn func(n *Net[float32], b *Batch, g []float32, step int) (float64, error)
}

// NewTrainer prepares a trainer; the optimizer state starts at zero.
func NewTrainer(cfg Config, p *Params[float32], labels *Labels, trainSeqs []Sequence, valid *Validation) (*Trainer, error) {
	if cfg.Epochs <= 0 || cfg.BatchSize <= 0 {
		return nil, fmt.Errorf("train: epochs %d and batch %d must be positive", cfg.Epochs, cfg.BatchSize)
	}
	if !(cfg.LR > 0) || math.IsInf(cfg.LR, 0) {
		return nil, fmt.Errorf("train: learning rate %g must be positive", cfg.LR)
	}
	if len(trainSeqs) == 0 {
		return nil, errors.New("train: no training sequences")
	}
	if len(labels.Names) != p.Arch.Labels {
		return nil, fmt.Errorf("train: %d labels for a head of %d", len(labels.Names), p.Arch.Labels)
	}
	if cfg.FreezeBelow < 0 || cfg.FreezeBelow > p.Arch.Layers {
		return nil, fmt.Errorf("train: freeze below layer %d of %d", cfg.FreezeBelow, p.Arch.Layers)
	}
	t := &Trainer{Cfg: cfg, P: p, Opt: NewAdamW(p, cfg.WeightDecay), Labels: labels, Train: trainSeqs,
		Valid: valid, net: NewNet(p), grads: p.Grads(), bestF1: -1}
	t.net.FreezeBelow = cfg.FreezeBelow
	t.Opt.FreezeBelow(p, cfg.FreezeBelow)
	return t, nil
}

// StepsPerEpoch is the number of optimizer steps in one epoch.
func (t *Trainer) StepsPerEpoch() int { return (len(t.Train) + t.Cfg.BatchSize - 1) / t.Cfg.BatchSize }

// Schedule is the run's learning-rate schedule.
func (t *Trainer) Schedule() Schedule {
	total := t.StepsPerEpoch() * t.Cfg.Epochs
	return Schedule{Peak: t.Cfg.LR, Warmup: int(t.Cfg.WarmupFrac * float64(total)), Total: total}
}

// Result is the outcome of Run.
type Result struct {
	Epochs    []EpochResult
	BestEpoch int     // 1-based; 0 without validation
	BestF1    float64 // its validation micro F1
	Stopped   bool    // MaxSteps ended the run early
}

// NaNLossError reports a step whose loss is not finite.
type NaNLossError struct {
	Step int
	Loss float64
}

func (e *NaNLossError) Error() string {
	return fmt.Sprintf("train: step %d: loss is %v; lower --lr or check the data", e.Step, e.Loss)
}

// Run trains from the optimizer's current step (0, or where a checkpoint
// left off) to the end of the last epoch, validating after each epoch and
// keeping the best epoch's parameters (t.P holds them when Run returns,
// unless MaxSteps stopped it early: then t.P is the current state).
func (t *Trainer) Run(ctx context.Context) (*Result, error) {
	spe := t.StepsPerEpoch()
	sched := t.Schedule()
	step := t.Opt.Step
	res := &Result{}
	prog := newProgress(t.Cfg.Progress, sched.Total, t.Cfg.ProgressTick)
	for ep := step / spe; ep < t.Cfg.Epochs; ep++ {
		batches := Batches(t.Train, t.Cfg.BatchSize, t.Cfg.Seed, ep)
		start := time.Now()
		var lossSum float64
		var tokens, nsteps int
		for bi := step - ep*spe; bi < len(batches); bi++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if t.Cfg.MaxSteps > 0 && step >= t.Cfg.MaxSteps {
				res.Stopped = true
				res.Epochs = t.history
				return res, nil
			}
			b := batches[bi]
			loss, err := t.step(b, step, sched.LR(step))
			if err != nil {
				return nil, err
			}
			step++
			lossSum += loss
			tokens += b.Tokens()
			nsteps++
			t.Losses = append(t.Losses, loss)
			prog.update(step, ep+1, loss, b.Tokens())
			if t.Cfg.CheckpointN > 0 && t.Cfg.Checkpoint != "" && step%t.Cfg.CheckpointN == 0 {
				if err := t.SaveCheckpoint(t.Cfg.Checkpoint); err != nil {
					return nil, err
				}
			}
		}
		sec := time.Since(start).Seconds()
		er := EpochResult{Epoch: ep + 1, Steps: nsteps, Seconds: sec}
		if nsteps > 0 {
			er.Loss = lossSum / float64(nsteps)
			er.TokensSec = float64(tokens) / sec
		}
		if err := t.endEpoch(&er, prog); err != nil {
			return nil, err
		}
		if t.Cfg.CheckpointN > 0 && t.Cfg.Checkpoint != "" {
			if err := t.SaveCheckpoint(t.Cfg.Checkpoint); err != nil {
				return nil, err
			}
		}
	}
	prog.done()
	if t.best != nil {
		copy(t.P.Data, t.best)
	}
	res.Epochs, res.BestEpoch, res.BestF1 = t.history, t.bestEp, math.Max(t.bestF1, 0)
	return res, nil
}

// endEpoch validates after an epoch (keeping the best epoch's parameters),
// records the epoch and prints its line.
func (t *Trainer) endEpoch(er *EpochResult, prog interface{ epoch(EpochResult) }) error {
	if t.Valid != nil {
		sc, err := t.Evaluate(t.Valid)
		if err != nil {
			return err
		}
		er.ValidF1, er.ValidMF1 = sc.Micro.F1, sc.Macro.F1
		if er.ValidF1 > t.bestF1 {
			t.bestF1, t.bestEp = er.ValidF1, er.Epoch
			t.best = append(t.best[:0], t.P.Data...)
		}
	}
	t.history = append(t.history, *er)
	prog.epoch(*er)
	return nil
}

// step runs one optimizer step on b.
func (t *Trainer) step(b *Batch, step int, lr float64) (float64, error) {
	clear(t.grads)
	var loss float64
	if t.GradFn != nil {
		l, err := t.GradFn(t.net, b, t.grads, step)
		if err != nil {
			return 0, err
		}
		loss = l
	} else {
		logits, err := t.net.Forward(b, t.Cfg.Dropout, stepKey(t.Cfg.Seed, step))
		if err != nil {
			return 0, err
		}
		dl := growF(t.net.dI2, len(logits))
		t.net.dI2 = dl
		loss, _ = Loss(dl, logits, b.Labels, t.P.Arch.Labels)
		if !math.IsNaN(loss) && !math.IsInf(loss, 0) {
			t.net.Backward(b, dl, t.grads)
		}
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return 0, &NaNLossError{Step: step + 1, Loss: loss}
	}
	ClipNorm(t.grads, t.Cfg.ClipNorm)
	t.Opt.Update(t.P.Data, t.grads, lr)
	if t.StepHook != nil {
		if err := t.StepHook(step + 1); err != nil {
			return 0, err
		}
	}
	return loss, nil
}

// Predict returns, for each sequence, the argmax label id of each token
// (no dropout), running batches of up to batch sequences.
func Predict(n *Net[float32], seqs []Sequence, batch int) ([][]int32, error) {
	out := make([][]int32, len(seqs))
	L := n.P.Arch.Labels
	for lo := 0; lo < len(seqs); lo += batch {
		idx := make([]int, 0, batch)
		for i := lo; i < min(lo+batch, len(seqs)); i++ {
			idx = append(idx, i)
		}
		b := pack(seqs, idx)
		b.Labels = nil
		logits, err := n.Forward(b, Dropout{}, 0)
		if err != nil {
			return nil, err
		}
		for k, i := range idx {
			st, ln := b.Starts[k], b.Lens[k]
			out[i] = make([]int32, ln)
			for p := 0; p < ln; p++ {
				row := logits[(st+p)*L : (st+p+1)*L]
				best := 0
				for c := range row {
					if row[c] > row[best] {
						best = c
					}
				}
				out[i][p] = int32(best)
			}
		}
	}
	return out, nil
}

// Evaluate scores the current parameters on v: entity-level precision,
// recall and F1 of first-subword word tags, as seqeval computes them.
func (t *Trainer) Evaluate(v *Validation) (eval.Scores, error) {
	return EvaluateNet(t.net, t.Labels, v, t.Cfg.BatchSize)
}

// EvaluateNet is Evaluate for any net.
func EvaluateNet(n *Net[float32], labels *Labels, v *Validation, batch int) (eval.Scores, error) {
	pred, err := Predict(n, v.Seqs, max(batch, 1))
	if err != nil {
		return eval.Scores{}, err
	}
	tags := make([][]string, len(v.Examples))
	for i, ex := range v.Examples {
		tags[i] = make([]string, len(ex.Words))
		for k := range tags[i] {
			tags[i][k] = "O"
		}
	}
	for si, s := range v.Seqs {
		for p, w := range s.Words {
			if w >= 0 {
				tags[s.Example][w] = labels.Names[pred[si][p]]
			}
		}
	}
	var sc eval.Scorer
	for i := range v.Examples {
		if err := sc.Add(v.Gold[i], tags[i]); err != nil {
			return eval.Scores{}, err
		}
	}
	return sc.Scores(), nil
}

// NewValidation encodes validation examples; gold tags outside the label
// set become O.
func NewValidation(seqs []Sequence, exs []eval.Example, labels *Labels) *Validation {
	v := &Validation{Seqs: seqs, Examples: exs}
	for _, ex := range exs {
		g := make([]string, len(ex.Gold))
		for k, tag := range ex.Gold {
			if _, ok := labels.index[tag]; ok {
				g[k] = tag
			} else {
				g[k] = "O"
			}
		}
		v.Gold = append(v.Gold, g)
	}
	return v
}
