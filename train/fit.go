package train

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/obscura-ai/obscura/eval"
	"github.com/obscura-ai/obscura/weights"
)

// Source is one training data file and its weight in the mix.
type Source struct {
	Path   string
	Format eval.Format // "" guesses from the extension
	Weight float64     // 1 keeps the file as it is; 2 repeats it; 0.5 samples half
	Split  string      // keep only the examples eval.SplitOf assigns here ("" keeps all)
}

// ParseSources reads "FILE[@SPLIT][=WEIGHT],..." lists: FILE@train keeps
// the examples of a file's train split (eval.SplitOf), =2 doubles its
// weight.
func ParseSources(list []string) ([]Source, error) {
	var out []Source
	for _, item := range list {
		for _, f := range strings.Split(item, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			s := Source{Path: f, Weight: 1}
			if i := strings.LastIndex(f, "="); i > 0 {
				w, err := strconv.ParseFloat(f[i+1:], 64)
				if err != nil || w < 0 {
					return nil, fmt.Errorf("train: data %s: weight %q is not a number ≥ 0", filepath.Base(f[:i]), f[i+1:])
				}
				s.Path, s.Weight = f[:i], w
			}
			if i := strings.LastIndex(s.Path, "@"); i > 0 {
				switch sp := s.Path[i+1:]; sp {
				case "train", "valid", "test":
					s.Path, s.Split = s.Path[:i], sp
				default:
					return nil, fmt.Errorf("train: data %s: unknown split %q (train, valid or test)", filepath.Base(s.Path[:i]), sp)
				}
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// Options is a whole training run: model, data, recipe and output.
type Options struct {
	Model       string   // bundle or Hugging Face directory to start from
	Data        []Source // training data
	Valid       []string // validation files (scored after each epoch; the best epoch is kept)
	Types       []string // entity types of the label set; nil keeps the model's labels
	DropTypes   bool     // gold types outside the label set become O instead of an error
	MaxLen      int
	CaseChannel bool
	Config      Config
	Out         string // bundle directory to write
	Resume      string // checkpoint to continue from
	Log         io.Writer
}

// Report is what a run did, for metadata.json and reports.
type Report struct {
	Model        string        `json:"base_model"`
	Data         []DataSummary `json:"data"`
	Valid        []string      `json:"valid"`
	Labels       []string      `json:"labels"`
	CaseChannel  bool          `json:"case_channel"`
	Seed         uint64        `json:"seed"`
	Epochs       int           `json:"epochs"`
	Batch        int           `json:"batch"`
	LR           float64       `json:"lr"`
	WarmupFrac   float64       `json:"warmup_frac"`
	WeightDecay  float64       `json:"weight_decay"`
	ClipNorm     float64       `json:"clip_norm"`
	Dropout      Dropout       `json:"dropout"`
	MaxLen       int           `json:"max_len"`
	Threads      int           `json:"threads"`
	Sequences    int           `json:"train_sequences"`
	Tokens       int           `json:"train_tokens"`
	History      []EpochResult `json:"epochs_run"`
	BestEpoch    int           `json:"best_epoch"`
	BestValidF1  float64       `json:"best_valid_f1"`
	BestValidMF1 float64       `json:"best_valid_macro_f1"`
	ValidScores  *eval.Scores  `json:"valid_scores,omitempty"`
	Seconds      float64       `json:"seconds"`
	Losses       []float64     `json:"-"`
	Head         string        `json:"head"` // "kept", "replaced" or "extended"
}

// DataSummary describes one training source.
type DataSummary struct {
	File      string  `json:"file"`
	Split     string  `json:"split,omitempty"`
	Weight    float64 `json:"weight"`
	Examples  int     `json:"examples"`
	Sequences int     `json:"sequences"`
}

// Fit runs a whole training: load, encode, train, validate, export.
func Fit(ctx context.Context, o Options) (*Report, error) {
	start := time.Now()
	if o.Out == "" {
		return nil, errors.New("train: no output directory (--out)")
	}
	if len(o.Data) == 0 {
		return nil, errors.New("train: no training data (--data)")
	}
	if o.MaxLen == 0 {
		o.MaxLen = 128
	}
	base, err := LoadBase(o.Model, o.Types, o.MaxLen, o.CaseChannel)
	if err != nil {
		return nil, err
	}
	src, enc, tok, labels, head := base.Src, base.Enc, base.Tok, base.Labels, base.Head
	p, err := base.Params(o.Config.Seed)
	if err != nil {
		return nil, err
	}
	// The parameters hold their own copy; Export needs only the names and
	// shapes, so drop the encoder's (about the model's size again).
	for _, t := range enc.Tensors() {
		t.Data = nil
	}
	rep := &Report{Model: filepath.Base(filepath.Clean(o.Model)), Labels: labels.Names, CaseChannel: o.CaseChannel,
		Seed: o.Config.Seed, Epochs: o.Config.Epochs, Batch: o.Config.BatchSize, LR: o.Config.LR,
		WarmupFrac: o.Config.WarmupFrac, WeightDecay: o.Config.WeightDecay, ClipNorm: o.Config.ClipNorm,
		Dropout: o.Config.Dropout, MaxLen: o.MaxLen, Threads: runtime.GOMAXPROCS(0), Head: head}
	var seqs []Sequence
	var wts []float64
	for i, s := range o.Data {
		exs, err := loadData(s.Path, s.Format)
		if err != nil {
			return nil, err
		}
		if s.Split != "" {
			if exs = eval.FilterSplit(exs, s.Split); len(exs) == 0 {
				return nil, fmt.Errorf("train: %s has no examples in its %s split", filepath.Base(s.Path), s.Split)
			}
		}
		ss, err := Encode(tok, exs, labels, EncodeOptions{MaxLen: o.MaxLen, CaseChannel: o.CaseChannel, DropTypes: o.DropTypes, Source: i}, filepath.Base(s.Path))
		if err != nil {
			return nil, err
		}
		seqs = append(seqs, ss...)
		wts = append(wts, s.Weight)
		rep.Data = append(rep.Data, DataSummary{File: filepath.Base(s.Path), Split: s.Split, Weight: s.Weight, Examples: len(exs), Sequences: len(ss)})
	}
	seqs = Weighted(seqs, wts, o.Config.Seed)
	rep.Sequences = len(seqs)
	for _, s := range seqs {
		rep.Tokens += len(s.IDs)
	}
	var valid *Validation
	if len(o.Valid) > 0 {
		var vex []eval.Example
		vsrc, err := ParseSources(o.Valid)
		if err != nil {
			return nil, err
		}
		for _, v := range vsrc {
			f := v.Path
			exs, err := loadData(f, "")
			if err != nil {
				return nil, err
			}
			if v.Split != "" {
				exs = eval.FilterSplit(exs, v.Split)
			}
			vex = append(vex, exs...)
			rep.Valid = append(rep.Valid, filepath.Base(f))
		}
		vs, err := Encode(tok, vex, labels, EncodeOptions{MaxLen: o.MaxLen, CaseChannel: o.CaseChannel, DropTypes: true}, "validation data")
		if err != nil {
			return nil, err
		}
		valid = NewValidation(vs, vex, labels)
	}
	cfg := o.Config
	cfg.Progress = o.Log
	if cfg.ProgressTick == 0 {
		cfg.ProgressTick = 500 * time.Millisecond
	}
	if cfg.Checkpoint == "" && cfg.CheckpointN > 0 {
		cfg.Checkpoint = filepath.Clean(o.Out) + ".ckpt"
	}
	tr, err := NewTrainer(cfg, p, labels, seqs, valid)
	if err != nil {
		return nil, err
	}
	if o.Resume != "" {
		if err := tr.LoadCheckpoint(o.Resume); err != nil {
			return nil, err
		}
		if o.Log != nil {
			fmt.Fprintf(o.Log, "resuming at step %d of %d\n", tr.Opt.Step, tr.Schedule().Total)
		}
	}
	res, err := tr.Run(ctx)
	if err != nil {
		return nil, err
	}
	rep.History, rep.BestEpoch, rep.BestValidF1, rep.Losses = res.Epochs, res.BestEpoch, res.BestF1, tr.Losses
	if res.Stopped {
		rep.Seconds = time.Since(start).Seconds()
		return rep, nil // a stop at MaxSteps leaves the checkpoint, not a bundle
	}
	if valid != nil {
		sc, err := tr.Evaluate(valid)
		if err != nil {
			return nil, err
		}
		rep.ValidScores, rep.BestValidMF1 = &sc, sc.Macro.F1
	}
	rep.Seconds = time.Since(start).Seconds()
	if _, err := Export(p, enc, src, labels, o.Out, ExportOptions{CaseChannel: o.CaseChannel, Training: rep}); err != nil {
		return nil, err
	}
	if rep.ValidScores != nil {
		// The registry's most-accurate choice reads this figure.
		m := rep.ValidScores.Micro
		if err := weights.UpdateMeasured(o.Out, weights.Measurement{F1: &m.F1, Precision: &m.Precision, Recall: &m.Recall,
			Dataset: "validation: " + strings.Join(rep.Valid, ", ")}); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// loadData reads one data file, naming it in every error.
func loadData(path string, f eval.Format) ([]eval.Example, error) {
	if f == "" {
		f = eval.DetectFormat(path)
	}
	exs, err := eval.LoadFile(path, f)
	if err != nil {
		return nil, fmt.Errorf("train: %s (read as %s): %w", filepath.Base(path), f, err)
	}
	if len(exs) == 0 {
		return nil, fmt.Errorf("train: %s (read as %s) holds no examples", filepath.Base(path), f)
	}
	return exs, nil
}

// headLabels reads a model's id2label as a label set of canonical types
// (a CoNLL head's B-PER is B-PERSON here).
func headLabels(id2label []string) (*Labels, error) {
	names := make([]string, len(id2label))
	for i, n := range id2label {
		if len(n) > 2 && n[1] == '-' {
			n = n[:2] + eval.Canonical(n[2:])
		}
		names[i] = n
	}
	return LabelsFromNames(names)
}

// headFrom maps each label of the new set to the old head's column of the
// same name (-1: new) and says whether the head was kept, extended or
// replaced.
func headFrom(old, labels *Labels) ([]int, string) {
	from := make([]int, len(labels.Names))
	shared := 0
	for i, n := range labels.Names {
		from[i] = -1
		if j, ok := old.index[n]; ok {
			from[i] = int(j)
			shared++
		}
	}
	switch {
	case shared == len(labels.Names) && len(labels.Names) == len(old.Names):
		return from, "kept"
	case shared > 1:
		return from, "extended"
	}
	return from, "replaced"
}
