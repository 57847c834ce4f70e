package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/obscura-ai/obscura/train"
)

// listFlag collects a repeatable, comma-separable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

const trainHelp = `usage: obscura train --model DIR --data FILE[=WEIGHT][,...] --out DIR [flags]

Fine-tunes a BERT-family token classifier in pure Go on this machine's
kernels and writes a complete bundle (model.onnx, tokenizer, config.json
with the labels, schema, checksums, metadata with the recipe, data, seed and
validation scores) that serve, eval and bundle --int8 load unchanged.

Data: CoNLL IOB2 (.txt, .conll, .bio), JSONL with byte-offset spans
(.jsonl, obscura gen's output) and presidio-research JSON (.json), mixed
with per-source weights (FILE=2 repeats a file, FILE=0.5 samples half).

Head: without --labels the model's head and label set are kept. With
--labels the head gets the new label set (O plus B-/I- per type): columns
of labels the old head already had (by canonical name: B-PER is
B-PERSON) are kept, the others start from N(0, 0.02²). The encoder is
always kept.

Labels are put on the first subword of each word; other pieces and special
tokens are ignored by the loss. Training uses AdamW (decoupled weight decay,
none on biases and LayerNorm), linear warm-up then linear decay, gradient
clipping and length-bucketed batches; the same seed repeats a run bit for bit
on one machine. The epoch with the best validation F1 is kept.

Differential privacy: --dp-epsilon E (with --dp-delta, default 1e-5)
trains with DP-SGD instead: each step draws a Poisson sample of the
training sequences (each with probability q = batch/N), computes every
example's own gradient, clips it to L2 norm --dp-clip, adds Gaussian noise
σ·C to the sum (σ the smallest noise multiplier that keeps all the run's
steps within (E, D) under the Rényi-DP accountant), and divides by q·N. The
progress line shows the ε spent; a step past the budget is refused. Noise
comes from the operating system's CSPRNG (--dp-seeded-noise: reproducible,
for experiments only). The unit of privacy is one training sequence; the
frozen part (--freeze-below) is the public starting model's. Under DP,
--freeze-below 4 (train the top layers and the head) is what keeps F1.
--dp-epsilon inf runs the same per-example path without noise.

flags:
`

func cmdTrain(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, trainHelp); fs.PrintDefaults() }
	var data, valid listFlag
	model := fs.String("model", "", "starting bundle or Hugging Face model directory (required)")
	fs.Var(&data, "data", "training data FILE[@SPLIT][=WEIGHT] (SPLIT: train|valid|test of eval.SplitOf), repeatable or comma-separated (required)")
	fs.Var(&valid, "valid", "validation data file, repeatable; scored after each epoch")
	labels := fs.String("labels", "", "entity types of a new label set, comma-separated (e.g. PERSON,LOCATION,ORGANIZATION,MISC); empty keeps the model's")
	drop := fs.Bool("drop-other-types", false, "train gold types outside --labels as O instead of stopping with an error")
	epochs := fs.Int("epochs", 5, "epochs")
	lr := fs.Float64("lr", 8e-5, "peak learning rate")
	batch := fs.Int("batch", 32, "sequences per step")
	maxLen := fs.Int("max-len", 128, "tokens per sequence, [CLS] and [SEP] included; longer texts are cut at word boundaries")
	seed := fs.Uint64("seed", 1, "random seed (new head, batch order, dropout)")
	warm := fs.Float64("warmup", 0.1, "share of the steps spent warming the learning rate up")
	wd := fs.Float64("weight-decay", 0.01, "AdamW decoupled weight decay")
	clip := fs.Float64("clip", 1.0, "gradient L2-norm clipping (0: off)")
	dropH := fs.Float64("dropout", 0.1, "hidden dropout")
	dropA := fs.Float64("attn-dropout", 0.1, "attention-probability dropout")
	caseCh := fs.Bool("case-channel", false, "set token_type_ids 1 on the pieces of capitalised words (declared in the bundle's schema)")
	ckptN := fs.Int("checkpoint-every", 200, "write a checkpoint every N steps to OUT.ckpt (0: never)")
	resume := fs.String("resume", "", "continue from a checkpoint of the same recipe and data")
	maxSteps := fs.Int("max-steps", 0, "stop after this many steps, leaving the checkpoint (0: run every epoch)")
	out := fs.String("out", "", "bundle directory to write (required)")
	freeze := fs.Int("freeze-below", 0, "train only encoder layers ≥ this and the head (0: everything)")
	dpEps := fs.Float64("dp-epsilon", 0, "train with DP-SGD to this target ε (inf: per-example path, no noise; 0: off)")
	dpDelta := fs.Float64("dp-delta", train.DefaultDPDelta, "DP-SGD target δ")
	dpClip := fs.Float64("dp-clip", train.DefaultDPClip, "DP-SGD per-example gradient L2 clip norm C")
	dpSigma := fs.Float64("dp-sigma", 0, "DP-SGD noise multiplier (0: the smallest that meets --dp-epsilon)")
	dpSeeded := fs.Bool("dp-seeded-noise", false, "DP-SGD noise and sampling from --seed (reproducible experiments; not for a released model)")
	report := fs.String("report", "", "also write the training report (JSON) and loss curve (PNG beside it) here")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *model == "" || len(data) == 0 || *out == "" {
		fs.Usage()
		return fmt.Errorf("train: --model, --data and --out are required: %w", errUsage)
	}
	srcs, err := train.ParseSources(data)
	if err != nil {
		return err
	}
	var types []string
	if *labels != "" {
		types = strings.Split(*labels, ",")
	}
	var vs []string
	for _, v := range valid {
		vs = append(vs, strings.Split(v, ",")...)
	}
	o := train.Options{
		Model: *model, Data: srcs, Valid: vs, Types: types, DropTypes: *drop, MaxLen: *maxLen,
		CaseChannel: *caseCh, Out: *out, Resume: *resume, Log: stderr,
		Config: train.Config{Epochs: *epochs, BatchSize: *batch, LR: *lr, WarmupFrac: *warm, WeightDecay: *wd,
			ClipNorm: *clip, Dropout: train.Dropout{Hidden: *dropH, Attention: *dropA}, Seed: *seed,
			CheckpointN: *ckptN, MaxSteps: *maxSteps, FreezeBelow: *freeze},
	}
	var rep *train.Report
	var record any
	if *dpEps != 0 {
		var dr *train.DPReport
		rep, dr, err = train.FitDP(ctx, o, train.DPOptions{Epsilon: *dpEps, Delta: *dpDelta, Clip: *dpClip, Sigma: *dpSigma, Seeded: *dpSeeded, Seed: *seed})
		if err != nil {
			return err
		}
		record = train.DPTraining{Report: rep, DP: dr}
		fmt.Fprintf(stdout, "DP-SGD: ε spent %.4g at δ %g over %d steps (σ %.4g, C %g, q %.4g); %d%% of per-example gradients clipped\n",
			dr.Spent, dr.Delta, dr.Steps, dr.Sigma, dr.Clip, dr.SampleRate, int(100*dr.ClippedFrac+0.5))
	} else {
		if rep, err = train.Fit(ctx, o); err != nil {
			return err
		}
		record = rep
	}
	if *report != "" {
		if err := os.MkdirAll(filepath.Dir(*report), 0o755); err != nil {
			return err
		}
		js, _ := json.MarshalIndent(record, "", "  ")
		if err := os.WriteFile(*report, append(js, '\n'), 0o644); err != nil {
			return err
		}
		png := strings.TrimSuffix(*report, filepath.Ext(*report)) + "-loss.png"
		if err := train.PlotLoss(rep.Losses, rep.History, png); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s and %s\n", *report, png)
	}
	if *maxSteps > 0 && len(rep.History) < *epochs {
		fmt.Fprintf(stdout, "stopped at step %d; continue with --resume %s.ckpt\n", *maxSteps, filepath.Clean(*out))
		return nil
	}
	fmt.Fprintf(stdout, "wrote %s: best epoch %d, valid F1 %.4f, %.0f s\n", *out, rep.BestEpoch, rep.BestValidF1, rep.Seconds)
	return nil
}
