package privacy

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/obscura-ai/obscura/eval"
	"github.com/obscura-ai/obscura/train"
)

// RecipeTrainer is a ShadowTrainer around package train's trainer: every
// model (each shadow, and the target when Target trains it) starts from
// the same public weights (Params) and is trained with one recipe, plain
// (train.Trainer.Run) or DP-SGD (train.Trainer.RunDP) when DP is set, on
// the members' sequences of Pool. Pool example i is the single sequence
// Pool[i]; a model answers Logits(i) with the logits of Pool[i]'s labelled
// tokens (each word's first subword) and their gold labels.
type RecipeTrainer struct {
	// Params returns fresh starting parameters (a new head drawn with
	// seed); it is called once per model.
	Params func(seed uint64) (*train.Params[float32], error)
	Labels *train.Labels
	Pool   []train.Sequence
	// Config is the recipe; its Seed is replaced by each model's seed,
	// and its Progress is left as given (nil: quiet).
	Config train.Config
	// DP, when set, trains with DP-SGD (its Seed is replaced by each
	// model's seed when Seeded).
	DP *train.DPOptions
	// Reports collects each model's DP-SGD report, in training order.
	Reports []*train.DPReport
}

// TrainShadow trains a model on the pool examples members with seed.
func (r *RecipeTrainer) TrainShadow(ctx context.Context, members []int, seed uint64) (ShadowModel, error) {
	if len(members) == 0 {
		return nil, errors.New("privacy: a model needs at least one member")
	}
	seqs := make([]train.Sequence, len(members))
	for k, i := range members {
		if i < 0 || i >= len(r.Pool) {
			return nil, fmt.Errorf("privacy: example %d outside a pool of %d", i, len(r.Pool))
		}
		seqs[k] = r.Pool[i]
	}
	p, err := r.Params(seed)
	if err != nil {
		return nil, err
	}
	cfg := r.Config
	cfg.Seed, cfg.CheckpointN, cfg.Checkpoint = seed, 0, ""
	tr, err := train.NewTrainer(cfg, p, r.Labels, seqs, nil)
	if err != nil {
		return nil, err
	}
	if r.DP != nil {
		o := *r.DP
		o.Seed = seed
		d, err := train.NewDPSGD(tr, o)
		if err != nil {
			return nil, err
		}
		if _, err := tr.RunDP(ctx, d); err != nil {
			return nil, err
		}
		r.Reports = append(r.Reports, d.Report(tr))
	} else if _, err := tr.Run(ctx); err != nil {
		return nil, err
	}
	return &trainedModel{net: train.NewNet(p), pool: r.Pool}, nil
}

// trainedModel answers Logits from a trained net; the mutex serialises
// its forward passes (a Net is not safe for concurrent use).
type trainedModel struct {
	mu   sync.Mutex
	net  *train.Net[float32]
	pool []train.Sequence
}

func (m *trainedModel) Logits(ctx context.Context, i int) (TokenLogits, error) {
	if i < 0 || i >= len(m.pool) {
		return TokenLogits{}, fmt.Errorf("privacy: example %d outside a pool of %d", i, len(m.pool))
	}
	if err := ctx.Err(); err != nil {
		return TokenLogits{}, err
	}
	s := m.pool[i]
	b := &train.Batch{IDs: s.IDs, Types: s.Types, Starts: []int{0}, Lens: []int{len(s.IDs)}}
	m.mu.Lock()
	logits, err := m.net.Forward(b, train.Dropout{}, 0)
	var t TokenLogits
	if err == nil {
		L := m.net.P.Arch.Labels
		for k, l := range s.Labels {
			if l == train.IgnoreLabel {
				continue
			}
			t.Rows = append(t.Rows, append([]float32(nil), logits[k*L:(k+1)*L]...))
			t.Gold = append(t.Gold, int(l))
		}
	}
	m.mu.Unlock()
	if err != nil {
		return TokenLogits{}, err
	}
	if len(t.Rows) == 0 {
		return TokenLogits{}, fmt.Errorf("privacy: pool example %d has no labelled token", i)
	}
	return t, nil
}

// TrainedPool is a pool of examples encoded for a base model, each one
// sequence with at least one labelled token, and its split for the shadow
// attack.
type TrainedPool struct {
	Seqs    []train.Sequence
	Dropped int // examples left out: longer than one sequence, or no labelled token
	// The split: indexes into Seqs.
	TargetMembers, TargetNonMembers, ShadowPool []int
}

// EncodePool encodes exs with base (gold types outside its labels become
// O), keeps those that fit in one sequence, draws at most size of them
// with seed and splits them: targetMembers members of the target, as many
// non-members, and the rest the shadows' pool (each shadow trains on a
// random half of it, the attack's default).
func EncodePool(base *train.Base, exs []eval.Example, size, targetMembers int, seed uint64) (*TrainedPool, error) {
	if targetMembers < 1 {
		return nil, fmt.Errorf("privacy: %d target members; need ≥ 1", targetMembers)
	}
	tp := &TrainedPool{}
	var kept []train.Sequence
	for i := range exs {
		ss, err := base.Encode(exs[i:i+1], true, 0, "the attack pool")
		if err != nil {
			return nil, err
		}
		if len(ss) != 1 || !hasLabel(ss[0]) {
			tp.Dropped++
			continue
		}
		kept = append(kept, ss[0])
	}
	r := rand.New(rand.NewPCG(seed, 0x706f6f6c))
	r.Shuffle(len(kept), func(a, b int) { kept[a], kept[b] = kept[b], kept[a] })
	if size > 0 && size < len(kept) {
		kept = kept[:size]
	}
	if len(kept) < 2*targetMembers+4 {
		return nil, fmt.Errorf("privacy: a pool of %d usable examples is too small for %d target members, as many non-members and a shadow pool of ≥ 4", len(kept), targetMembers)
	}
	tp.Seqs = kept
	for i := range kept {
		switch {
		case i < targetMembers:
			tp.TargetMembers = append(tp.TargetMembers, i)
		case i < 2*targetMembers:
			tp.TargetNonMembers = append(tp.TargetNonMembers, i)
		default:
			tp.ShadowPool = append(tp.ShadowPool, i)
		}
	}
	return tp, nil
}

func hasLabel(s train.Sequence) bool {
	for _, l := range s.Labels {
		if l != train.IgnoreLabel {
			return true
		}
	}
	return false
}

// RecipeOptions is one membership-attack experiment with trained models:
// the recipe, optional DP-SGD, the attack's options.
type RecipeOptions struct {
	Config train.Config
	DP     *train.DPOptions
	Attack ShadowOptions
}

// RecipeReport is ShadowAttack's report with the recipe that trained the
// target and the shadows, the target's training time and, under DP-SGD,
// the models' DP reports. It holds figures only.
type RecipeReport struct {
	*ShadowReport
	Recipe        RecipeSummary     `json:"recipe"`
	TargetSeconds float64           `json:"target_train_seconds"`
	DP            []*train.DPReport `json:"dp_sgd,omitempty"` // target first, then each shadow
	Dropped       int               `json:"pool_dropped,omitempty"`
}

// RecipeSummary is the recipe in a report.
type RecipeSummary struct {
	Epochs      int     `json:"epochs"`
	Batch       int     `json:"batch"`
	LR          float64 `json:"lr"`
	WeightDecay float64 `json:"weight_decay"`
	FreezeBelow int     `json:"freeze_below"`
	Dropout     float64 `json:"dropout"`
	MaxLen      int     `json:"max_len,omitempty"`
	DPEpsilon   string  `json:"dp_epsilon"` // "off" (plain training), "inf" or the target
	DPDelta     float64 `json:"dp_delta,omitempty"`
	DPClip      float64 `json:"dp_clip,omitempty"`
}

// AttackTrained trains the target on pool.TargetMembers with the recipe
// (seed: the attack's seed) and runs ShadowAttack with shadows trained the
// same way.
func AttackTrained(ctx context.Context, params func(uint64) (*train.Params[float32], error), labels *train.Labels, pool *TrainedPool, o RecipeOptions) (*RecipeReport, error) {
	rt := &RecipeTrainer{Params: params, Labels: labels, Pool: pool.Seqs, Config: o.Config, DP: o.DP}
	seed := o.Attack.Seed
	if seed == 0 {
		seed = 1
	}
	t0 := time.Now()
	target, err := rt.TrainShadow(ctx, pool.TargetMembers, seed^0x746172676574)
	if err != nil {
		return nil, fmt.Errorf("privacy: target: %w", err)
	}
	rep := &RecipeReport{TargetSeconds: time.Since(t0).Seconds(), Dropped: pool.Dropped}
	if o.Attack.Progress != nil {
		o.Attack.Progress(fmt.Sprintf("target trained on %d members in %.1fs", len(pool.TargetMembers), rep.TargetSeconds))
	}
	sr, err := ShadowAttack(ctx, rt, target, pool.ShadowPool, pool.TargetMembers, pool.TargetNonMembers, o.Attack)
	if err != nil {
		return nil, err
	}
	rep.ShadowReport = sr
	rep.DP = rt.Reports
	c := o.Config
	rep.Recipe = RecipeSummary{Epochs: c.Epochs, Batch: c.BatchSize, LR: c.LR, WeightDecay: c.WeightDecay, FreezeBelow: c.FreezeBelow, Dropout: c.Dropout.Hidden, DPEpsilon: "off"}
	if o.DP != nil {
		rep.Recipe.DPEpsilon, rep.Recipe.DPDelta, rep.Recipe.DPClip = fmt.Sprint(o.DP.Epsilon), o.DP.Delta, o.DP.Clip
		if rep.Recipe.DPDelta == 0 {
			rep.Recipe.DPDelta = train.DefaultDPDelta
		}
		if rep.Recipe.DPClip == 0 {
			rep.Recipe.DPClip = train.DefaultDPClip
		}
		if math.IsInf(o.DP.Epsilon, 1) {
			rep.Recipe.DPEpsilon = "inf"
		}
	}
	return rep, nil
}
