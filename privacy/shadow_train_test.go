package privacy

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/obscura-ai/obscura/bert"
	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/train"
	"github.com/obscura-ai/obscura/weights/onnx"
)

// Sizes of the CI-sized trained-model attack: the small BERT test graph
// (no tokenizer: sequences of random token ids) memorising random labels.
const (
	tinyPool       = 72
	tinyMembers    = 16 // target members, and as many non-members; the other 40 are the shadows' pool
	tinyShadows    = 3
	tinyMinLen     = 6
	tinyMaxLen     = 12
	tinyTypeLabels = 5 // O, B-A, I-A, B-B, I-B
	// overfitAUC is what the attack must exceed on the overfitted target;
	// dpMargin is how far below it DP-SGD must bring the attack.
	overfitAUC = 0.75
	dpMargin   = 0.1
)

// tinyParams loads the small test graph's encoder once and returns fresh
// parameters with a new head per seed.
func tinyParams(t *testing.T) func(uint64) (*train.Params[float32], error) {
	t.Helper()
	om, err := onnx.Load(filepath.Join(testenv.Shared(t, "testmodels", "bert_14"), "model.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := bert.Inspect(om)
	if err != nil {
		t.Fatal(err)
	}
	return func(seed uint64) (*train.Params[float32], error) {
		return train.FromEncoder[float32](e, tinyTypeLabels, seed)
	}
}

// tinyPoolSeqs draws sequences of random ids ([CLS]-like first and
// [SEP]-like last tokens ignored by the loss) with uniformly random labels:
// nothing to generalise, so a model can only memorise its members.
func tinyPoolSeqs(vocab int) *TrainedPool {
	r := rand.New(rand.NewPCG(14, 14))
	tp := &TrainedPool{}
	for i := 0; i < tinyPool; i++ {
		n := tinyMinLen + r.IntN(tinyMaxLen-tinyMinLen+1)
		s := train.Sequence{Example: i}
		for k := 0; k < n; k++ {
			s.IDs = append(s.IDs, int32(5+r.IntN(vocab-5)))
			s.Types = append(s.Types, 0)
			l := int32(r.IntN(tinyTypeLabels))
			if k == 0 || k == n-1 {
				l = train.IgnoreLabel
			}
			s.Labels = append(s.Labels, l)
		}
		tp.Seqs = append(tp.Seqs, s)
		switch {
		case i < tinyMembers:
			tp.TargetMembers = append(tp.TargetMembers, i)
		case i < 2*tinyMembers:
			tp.TargetNonMembers = append(tp.TargetNonMembers, i)
		default:
			tp.ShadowPool = append(tp.ShadowPool, i)
		}
	}
	return tp
}

// TestAttackTrainedDetectsOverfitAndDPReducesIt trains the target and the
// shadows with the real trainer: many epochs on a few members make the
// shadow attack's AUC high; the same recipe under DP-SGD (ε = 1) brings it
// down by at least dpMargin.
func TestAttackTrainedDetectsOverfitAndDPReducesIt(t *testing.T) {
	params := tinyParams(t)
	p0, err := params(1)
	if err != nil {
		t.Fatal(err)
	}
	labels, _ := train.NewLabels([]string{"A", "B"})
	pool := tinyPoolSeqs(p0.Arch.Vocab)
	cfg := train.Config{Epochs: 40, BatchSize: 4, LR: 3e-3}
	attack := ShadowOptions{Shadows: tinyShadows, Bootstrap: 200, Seed: 3}
	plain, err := AttackTrained(context.Background(), params, labels, pool, RecipeOptions{Config: cfg, Attack: attack})
	if err != nil {
		t.Fatal(err)
	}
	pp, _ := plain.Point(Inf)
	t.Logf("overfitted: shadow AUC %s (fit %.3f), loss %s; %d shadows in %.1fs", pp.Shadow, pp.ShadowFit, pp.Loss, plain.Shadows, plain.ShadowSeconds)
	if pp.Shadow.AUC <= overfitAUC {
		t.Errorf("shadow attack AUC %v on an overfitted target; want > %v", pp.Shadow.AUC, overfitAUC)
	}
	dpo := &train.DPOptions{Epsilon: 1, Delta: 1e-3, Clip: 1, Seeded: true}
	private, err := AttackTrained(context.Background(), params, labels, pool, RecipeOptions{Config: cfg, DP: dpo, Attack: attack})
	if err != nil {
		t.Fatal(err)
	}
	dpPt, _ := private.Point(Inf)
	t.Logf("DP-SGD ε=1: shadow AUC %s (fit %.3f), loss %s", dpPt.Shadow, dpPt.ShadowFit, dpPt.Loss)
	if dpPt.Shadow.AUC > pp.Shadow.AUC-dpMargin {
		t.Errorf("DP-SGD: shadow attack AUC %v, want ≤ %v (overfitted %v − %v)", dpPt.Shadow.AUC, pp.Shadow.AUC-dpMargin, pp.Shadow.AUC, dpMargin)
	}
	if len(private.DP) != tinyShadows+1 {
		t.Fatalf("%d DP reports, want the target's and %d shadows'", len(private.DP), tinyShadows)
	}
	for k, r := range private.DP {
		if !r.Private || r.Spent > 1 || r.Spent <= 0 {
			t.Errorf("model %d: DP report %+v: want 0 < ε ≤ 1", k, r)
		}
	}
}
