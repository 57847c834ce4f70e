package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"

	"github.com/obscura-ai/obscura/eval"
	"github.com/obscura-ai/obscura/privacy"
	"github.com/obscura-ai/obscura/train"
)

// defaultShadowBase is the starting model of the shadow-model attack's
// target and shadows: the public encoder before any NER training, so that
// membership comes from this experiment's training only.
const defaultShadowBase = "../shared/models/all-minilm-l6-base"

// shadowFlags are `privacy mia --shadow N`'s own flags: the recipe that
// trains the target and the shadows, and the pool they are drawn from.
type shadowFlags struct {
	shadows, poolSize, members, epochs, batch, maxLen, freeze int
	pool, name, logitEps                                      string
	lr, wd, dropout, dpEps, dpDelta, dpClip                   float64
	dpSeeded                                                  bool
}

func (s *shadowFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&s.shadows, "shadow", 0, "train N shadow models and run the shadow-model attack (Shokri et al.) on a target trained here; 0: the single-model attacks on --model")
	fs.StringVar(&s.pool, "pool", defaultNonMembers, "with --shadow: CoNLL file the target's members and non-members and the shadows' pool are drawn from (sentences the starting model never saw)")
	fs.IntVar(&s.poolSize, "pool-size", 600, "with --shadow: sentences drawn from --pool (each fitting in one sequence of --max-len)")
	fs.IntVar(&s.members, "target-members", 100, "with --shadow: the target's members (and as many non-members); the rest of the pool is the shadows'")
	fs.IntVar(&s.epochs, "epochs", 2, "with --shadow: epochs of the recipe")
	fs.IntVar(&s.batch, "batch", 16, "with --shadow: batch size (DP-SGD: the expected Poisson batch)")
	fs.IntVar(&s.maxLen, "max-len", 64, "with --shadow: tokens per sequence")
	fs.IntVar(&s.freeze, "freeze-below", 4, "with --shadow: train only encoder layers ≥ this and the head")
	fs.Float64Var(&s.lr, "lr", 1e-3, "with --shadow: peak learning rate")
	fs.Float64Var(&s.wd, "weight-decay", 0, "with --shadow: AdamW weight decay")
	fs.Float64Var(&s.dropout, "dropout", 0, "with --shadow: hidden and attention dropout")
	fs.Float64Var(&s.dpEps, "dp-epsilon", 0, "with --shadow: train the target and the shadows with DP-SGD to this ε (inf: per-example path without noise; 0: plain training)")
	fs.Float64Var(&s.dpDelta, "dp-delta", train.DefaultDPDelta, "with --shadow: DP-SGD δ")
	fs.Float64Var(&s.dpClip, "dp-clip", train.DefaultDPClip, "with --shadow: DP-SGD per-example clip norm")
	fs.BoolVar(&s.dpSeeded, "dp-seeded-noise", false, "with --shadow: DP-SGD noise and sampling from seeds (reproducible experiment)")
	fs.StringVar(&s.name, "name", "", "with --shadow: report name (default: derived from the recipe)")
	fs.StringVar(&s.logitEps, "logit-epsilons", "2,inf", "with --shadow: logit-noise levels at which the attack is scored (2 is the operating point)")
}

// runShadowMIA is `privacy mia --shadow N`.
func runShadowMIA(ctx context.Context, c *privacyCommon, s *shadowFlags, stdout, stderr io.Writer) error {
	if s.shadows < 1 {
		return fmt.Errorf("privacy mia: --shadow %d must be ≥ 1: %w", s.shadows, errUsage)
	}
	eps, err := privacy.ParseEpsilons(s.logitEps)
	if err != nil {
		return err
	}
	model := c.model
	if model == "" {
		model = defaultShadowBase
	}
	base, err := train.LoadBase(model, nil, s.maxLen, false)
	if err != nil {
		return err
	}
	exs, err := eval.LoadFile(s.pool, eval.FormatCoNLL)
	if err != nil {
		return err
	}
	pool, err := privacy.EncodePool(base, exs, s.poolSize, s.members, c.seed)
	if err != nil {
		return err
	}
	o := privacy.RecipeOptions{
		Config: train.Config{Epochs: s.epochs, BatchSize: s.batch, LR: s.lr, WarmupFrac: 0.1, WeightDecay: s.wd,
			Dropout: train.Dropout{Hidden: s.dropout, Attention: s.dropout}, FreezeBelow: s.freeze},
		Attack: privacy.ShadowOptions{Shadows: s.shadows, Epsilons: eps, Seed: c.seed,
			Progress: func(m string) { fmt.Fprintln(stderr, "privacy mia:", m) }},
	}
	if s.dpEps != 0 {
		o.DP = &train.DPOptions{Epsilon: s.dpEps, Delta: s.dpDelta, Clip: s.dpClip, Seeded: s.dpSeeded}
	}
	fmt.Fprintf(stderr, "privacy mia: %d usable sentences (%d dropped): target %d members + %d non-members, shadow pool %d\n",
		len(pool.Seqs), pool.Dropped, len(pool.TargetMembers), len(pool.TargetNonMembers), len(pool.ShadowPool))
	rep, err := privacy.AttackTrained(ctx, base.Params, base.Labels, pool, o)
	if err != nil {
		return err
	}
	rep.Recipe.MaxLen = s.maxLen
	name := s.name
	if name == "" {
		dpName := "plain"
		if o.DP != nil {
			dpName = "dp" + rep.Recipe.DPEpsilon
		}
		name = fmt.Sprintf("%s_e%d_m%d_%s", filepath.Base(filepath.Clean(model)), s.epochs, s.members, dpName)
	}
	rep.Model = name
	if c.out != "" {
		path := filepath.Join(c.out, name+"_shadow_mia.json")
		if err := writeJSON(path, rep); err != nil {
			return err
		}
		files, err := privacy.PlotShadowROC(rep.ShadowReport, c.out, name)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "privacy mia: wrote %s and %d plot files\n", path, len(files))
	}
	fmt.Fprintf(stdout, "%s: target %d members vs %d non-members; %d shadows on halves of %d (%.0f s training, target %.0f s)\n",
		name, rep.TargetMembers, rep.TargetNonMembers, rep.Shadows, rep.ShadowPool, rep.ShadowSeconds, rep.TargetSeconds)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "logit ε\tshadow attack AUC\tloss threshold\tconfidence threshold\tshadow fit")
	for _, p := range rep.Points {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.3f\n", p.Epsilon, p.Shadow, p.Loss, p.Confidence, p.ShadowFit)
	}
	tw.Flush()
	if len(rep.DP) > 0 {
		d := rep.DP[0]
		fmt.Fprintf(stdout, "DP-SGD target: ε spent %.4g at δ %g (σ %.4g, C %g, q %.4g, %d steps)\n", d.Spent, d.Delta, d.Sigma, d.Clip, d.SampleRate, d.Steps)
	}
	return nil
}
