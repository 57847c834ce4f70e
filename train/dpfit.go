package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"time"

	"github.com/obscura-ai/obscura/bert"
	"github.com/obscura-ai/obscura/eval"
	"github.com/obscura-ai/obscura/tokenize"
	"github.com/obscura-ai/obscura/weights"
	"github.com/obscura-ai/obscura/weights/onnx"
)

// Base is a starting model loaded for training: its files, inspected
// encoder, tokenizer and the label set of the head to train. It is read
// only after LoadBase, so one Base may start many runs (shadow models).
type Base struct {
	Src         *weights.Model
	Enc         *bert.Encoder
	Tok         *tokenize.Tokenizer
	Labels      *Labels
	From        []int  // FromEncoderHead's head mapping (nil keeps the head)
	Head        string // "kept", "extended" or "replaced"
	MaxLen      int
	CaseChannel bool
}

// LoadBase loads the model directory dir as Fit does: types nil keeps the
// model's labels; maxLen 0 is 128.
func LoadBase(dir string, types []string, maxLen int, caseChannel bool) (*Base, error) {
	if maxLen == 0 {
		maxLen = 128
	}
	src, err := weights.Load(dir)
	if err != nil {
		return nil, err
	}
	if err := src.RequireONNX(); err != nil {
		return nil, err
	}
	if err := src.RequireTokenizer(); err != nil {
		return nil, err
	}
	if src.Schema.CaseChannel && !caseChannel {
		return nil, errors.New("train: the starting model uses the case channel; train it with --case-channel")
	}
	tok, err := tokenize.Load(src.TokenizerDir)
	if err != nil {
		return nil, err
	}
	om, err := onnx.Load(src.ONNXPath)
	if err != nil {
		return nil, err
	}
	enc, err := bert.Inspect(om)
	if err != nil {
		return nil, err
	}
	if caseChannel && (enc.Type.Data == nil || len(enc.Type.Data)/enc.Hidden < 2) {
		return nil, errors.New("train: --case-channel needs a model with at least two token types")
	}
	if maxLen > min(src.Schema.MaxSequenceLength, enc.Pos.Shape[0]) {
		return nil, fmt.Errorf("train: --max-len %d exceeds the model's %d positions", maxLen, src.Schema.MaxSequenceLength)
	}
	old, err := headLabels(src.Config.ID2Label)
	if err != nil {
		return nil, err
	}
	b := &Base{Src: src, Enc: enc, Tok: tok, Labels: old, Head: "kept", MaxLen: maxLen, CaseChannel: caseChannel}
	if types != nil {
		if b.Labels, err = NewLabels(types); err != nil {
			return nil, err
		}
		b.From, b.Head = headFrom(old, b.Labels)
	}
	return b, nil
}

// Params returns fresh trainer parameters of the base (a new head's
// columns drawn with seed).
func (b *Base) Params(seed uint64) (*Params[float32], error) {
	return FromEncoderHead[float32](b.Enc, b.From, seed)
}

// Encode tokenizes examples for this base (what names the data in errors).
func (b *Base) Encode(exs []eval.Example, dropTypes bool, source int, what string) ([]Sequence, error) {
	return Encode(b.Tok, exs, b.Labels, EncodeOptions{MaxLen: b.MaxLen, CaseChannel: b.CaseChannel, DropTypes: dropTypes, Source: source}, what)
}

// DPTraining is the training record of a DP-SGD run in metadata.json.
type DPTraining struct {
	*Report
	DP *DPReport `json:"dp_sgd"`
}

// FitDP is Fit with DP-SGD (RunDP): the same loading, encoding, validation
// and export, with every step's gradient made private by d. The unit of
// privacy is one training sequence (an example longer than MaxLen is
// several), so every source must have weight 1 (a repeated sequence would
// be counted once by the accountant), and a checkpoint cannot be resumed.
// The returned reports are written even when the budget stops the run
// early; the bundle is then not written.
func FitDP(ctx context.Context, o Options, d DPOptions) (*Report, *DPReport, error) {
	start := time.Now()
	if o.Out == "" {
		return nil, nil, errors.New("train: no output directory (--out)")
	}
	if len(o.Data) == 0 {
		return nil, nil, errors.New("train: no training data (--data)")
	}
	if o.Resume != "" {
		return nil, nil, errors.New("train: DP-SGD cannot resume a checkpoint (the accountant's state is not in it)")
	}
	for _, s := range o.Data {
		if s.Weight != 1 {
			return nil, nil, fmt.Errorf("train: DP-SGD needs weight 1 on every source (%s has %g): a repeated or resampled sequence breaks the accountant's one-sequence sensitivity", filepath.Base(s.Path), s.Weight)
		}
	}
	base, err := LoadBase(o.Model, o.Types, o.MaxLen, o.CaseChannel)
	if err != nil {
		return nil, nil, err
	}
	p, err := base.Params(o.Config.Seed)
	if err != nil {
		return nil, nil, err
	}
	rep := &Report{Model: filepath.Base(filepath.Clean(o.Model)), Labels: base.Labels.Names, CaseChannel: o.CaseChannel,
		Seed: o.Config.Seed, Epochs: o.Config.Epochs, Batch: o.Config.BatchSize, LR: o.Config.LR,
		WarmupFrac: o.Config.WarmupFrac, WeightDecay: o.Config.WeightDecay,
		Dropout: o.Config.Dropout, MaxLen: base.MaxLen, Threads: runtime.GOMAXPROCS(0), Head: base.Head}
	var seqs []Sequence
	for i, s := range o.Data {
		exs, err := loadData(s.Path, s.Format)
		if err != nil {
			return nil, nil, err
		}
		ss, err := base.Encode(exs, o.DropTypes, i, filepath.Base(s.Path))
		if err != nil {
			return nil, nil, err
		}
		seqs = append(seqs, ss...)
		rep.Data = append(rep.Data, DataSummary{File: filepath.Base(s.Path), Weight: 1, Examples: len(exs), Sequences: len(ss)})
	}
	rep.Sequences = len(seqs)
	for _, s := range seqs {
		rep.Tokens += len(s.IDs)
	}
	var valid *Validation
	if len(o.Valid) > 0 {
		var vex []eval.Example
		for _, f := range o.Valid {
			exs, err := loadData(f, "")
			if err != nil {
				return nil, nil, err
			}
			vex = append(vex, exs...)
			rep.Valid = append(rep.Valid, filepath.Base(f))
		}
		vs, err := base.Encode(vex, true, 0, "validation data")
		if err != nil {
			return nil, nil, err
		}
		valid = NewValidation(vs, vex, base.Labels)
	}
	cfg := o.Config
	cfg.Progress, cfg.CheckpointN, cfg.ClipNorm = o.Log, 0, 0
	if cfg.ProgressTick == 0 {
		cfg.ProgressTick = 500 * time.Millisecond
	}
	tr, err := NewTrainer(cfg, p, base.Labels, seqs, valid)
	if err != nil {
		return nil, nil, err
	}
	dps, err := NewDPSGD(tr, d)
	if err != nil {
		return nil, nil, err
	}
	if o.Log != nil {
		fmt.Fprintf(o.Log, "DP-SGD: %s; Poisson sampling q = %.4g (expected batch %d of %d sequences), %d steps, clip C = %g, noise multiplier σ = %.4g; trains %s\n",
			dpTargetString(d), dps.Q, o.Config.BatchSize, len(seqs), tr.StepsPerEpoch()*cfg.Epochs, dps.Clip, dps.Sigma, dps.Report(tr).TrainedFrom)
	}
	res, runErr := tr.RunDP(ctx, dps)
	dr := dps.Report(tr)
	if runErr != nil {
		rep.Seconds = time.Since(start).Seconds()
		dr.BudgetStopped = res != nil && res.Stopped
		return rep, dr, runErr
	}
	rep.History, rep.BestEpoch, rep.BestValidF1, rep.Losses = res.Epochs, res.BestEpoch, res.BestF1, tr.Losses
	if res.Stopped {
		rep.Seconds = time.Since(start).Seconds()
		return rep, dr, nil
	}
	if valid != nil {
		sc, err := tr.Evaluate(valid)
		if err != nil {
			return nil, nil, err
		}
		rep.ValidScores, rep.BestValidMF1 = &sc, sc.Macro.F1
	}
	rep.Seconds = time.Since(start).Seconds()
	if _, err := Export(p, base.Enc, base.Src, base.Labels, o.Out, ExportOptions{CaseChannel: o.CaseChannel, Training: DPTraining{rep, dr}}); err != nil {
		return nil, nil, err
	}
	return rep, dr, nil
}

func dpTargetString(d DPOptions) string {
	if math.IsInf(d.Epsilon, 1) {
		return "ε = ∞ (per-example clipping only, no noise: not private)"
	}
	delta := d.Delta
	if delta == 0 {
		delta = DefaultDPDelta
	}
	return fmt.Sprintf("target (ε = %g, δ = %g)", d.Epsilon, delta)
}
