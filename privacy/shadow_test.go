package privacy

import (
	"context"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/obscura-ai/obscura/train/dp"
)

// Thresholds of the shadow-attack tests.
const (
	// leakAUC is the AUC the attack must exceed (with the lower end of its
	// interval) on the deliberately overfitted model.
	leakAUC = 0.6
	// dpAUCDrop is how much lower the DP-trained model's attack AUC must be.
	dpAUCDrop = 0.1
	// shadowTestBootstrap keeps the test fast.
	shadowTestBootstrap = 400
)

// Pool layout of the tests: target members, target non-members, then the
// shadow pool.
const (
	toyTargetMembers = 150
	toyShadowPool    = 300
)

type toySetup struct {
	pool                        []toySentence
	members, nonMembers, shadow []int
}

func newToySetup() toySetup {
	n := 2*toyTargetMembers + toyShadowPool
	s := toySetup{pool: toyPool(n, 11)}
	for i := 0; i < n; i++ {
		switch {
		case i < toyTargetMembers:
			s.members = append(s.members, i)
		case i < 2*toyTargetMembers:
			s.nonMembers = append(s.nonMembers, i)
		default:
			s.shadow = append(s.shadow, i)
		}
	}
	return s
}

// runToyAttack trains the target with the recipe, then runs the shadow
// attack with shadows trained the same way.
func runToyAttack(t *testing.T, s toySetup, rc toyRecipe, eps []Eps) *ShadowReport {
	t.Helper()
	ctx := context.Background()
	tr := &toyTrainer{pool: s.pool, recipe: rc}
	t0 := time.Now()
	target, err := tr.TrainShadow(ctx, s.members, 999)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ShadowAttack(ctx, tr, target, s.shadow, s.members, s.nonMembers, ShadowOptions{Shadows: 5, Epsilons: eps, Bootstrap: shadowTestBootstrap, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	tm := target.(*toyModel)
	t.Logf("target accuracy: members %.3f, non-members %.3f; %d shadows trained in %.2fs; total %.2fs",
		toyAccuracy(tm, s.members), toyAccuracy(tm, s.nonMembers), rep.Shadows, rep.ShadowSeconds, time.Since(t0).Seconds())
	for _, p := range rep.Points {
		t.Logf("ε=%s: shadow %s (fit on shadows %.3f), loss %s, confidence %s", p.Epsilon, p.Shadow, p.ShadowFit, p.Loss, p.Confidence)
	}
	return rep
}

func toyAccuracy(m *toyModel, idx []int) float64 {
	row := make([]float32, toyLabels)
	var ok, n int
	for _, i := range idx {
		s := m.pool[i]
		for k := range s.words {
			m.logits(s, k, row)
			best := 0
			for l := range row {
				if row[l] > row[best] {
					best = l
				}
			}
			if best == s.labels[k] {
				ok++
			}
			n++
		}
	}
	return float64(ok) / float64(n)
}

// TestShadowAttackDetectsOverfitAndDPReducesIt is the attack's sanity
// check end to end: a tagger trained many epochs on a small member set
// memorises it, and the shadow attack must see that (AUC interval above
// 0.6); the same tagger trained with DP-SGD (clipping, noise, Poisson
// sampling, σ from the accountant for ε = 2) must give a clearly lower AUC.
func TestShadowAttackDetectsOverfitAndDPReducesIt(t *testing.T) {
	s := newToySetup()
	overfit := runToyAttack(t, s, toyRecipe{Epochs: 40, Rate: 0.5}, []Eps{1})
	p, ok := overfit.Point(Inf)
	if !ok {
		t.Fatal("no noise-free point")
	}
	if p.Shadow.Lo <= leakAUC {
		t.Errorf("overfitted model: shadow attack AUC %s, want the interval above %v", p.Shadow, leakAUC)
	}
	if !(p.Shadow.Lo <= p.Shadow.AUC && p.Shadow.AUC <= p.Shadow.Hi) {
		t.Errorf("interval %s does not contain its AUC", p.Shadow)
	}

	const (
		dpEps   = 2.0
		dpDelta = 1e-3
		batch   = 15.0
		steps   = 300
	)
	q := batch / (toyShadowPool / 2)
	sigma, err := dp.NoiseMultiplier(dp.SearchOptions{Epsilon: dpEps, Delta: dpDelta, SampleRate: q, Steps: steps})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("DP-SGD: q = %.3f, %d steps, σ = %.3f for (ε = %v, δ = %v)", q, steps, sigma, dpEps, dpDelta)
	private := runToyAttack(t, s, toyRecipe{Private: true, Rate: 0.5, Batch: batch, Clip: 1, Sigma: sigma, Steps: steps, NoiseSeed: 77}, nil)
	d, _ := private.Point(Inf)
	if d.Shadow.AUC > p.Shadow.AUC-dpAUCDrop {
		t.Errorf("DP-SGD model: shadow attack AUC %s, want ≤ %.3f (overfitted %s − %v)", d.Shadow, p.Shadow.AUC-dpAUCDrop, p.Shadow, dpAUCDrop)
	}

	if len(overfit.ShadowTrainSeconds) != 5 || overfit.ShadowMembers != toyShadowPool/2 || len(overfit.Points) != 2 {
		t.Errorf("report shape: %d shadow timings, %d members per shadow, %d points", len(overfit.ShadowTrainSeconds), overfit.ShadowMembers, len(overfit.Points))
	}
	for _, pt := range overfit.Points {
		if n := len(pt.ROCShadow); n < 2 || pt.ROCShadow[0] != (ROCPoint{0, 0}) || pt.ROCShadow[n-1] != (ROCPoint{1, 1}) {
			t.Errorf("ε=%s: ROC curve does not run from (0,0) to (1,1)", pt.Epsilon)
		}
	}
	dir := t.TempDir()
	files, err := PlotShadowROC(overfit, dir, "toy")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("plot %s missing or empty", f)
		}
	}
}

func TestShadowAttackErrors(t *testing.T) {
	s := newToySetup()
	ctx := context.Background()
	tr := &toyTrainer{pool: s.pool, recipe: toyRecipe{Epochs: 1, Rate: 0.5}}
	target, err := tr.TrainShadow(ctx, s.members, 1)
	if err != nil {
		t.Fatal(err)
	}
	o := ShadowOptions{Shadows: 1, Bootstrap: 10}
	if _, err := ShadowAttack(ctx, tr, target, append(s.shadow, s.members[0]), s.members, s.nonMembers, o); err == nil {
		t.Error("a target member in the shadow pool: no error")
	}
	if _, err := ShadowAttack(ctx, tr, target, s.shadow, s.members, nil, o); err == nil {
		t.Error("no non-members: no error")
	}
	if _, err := ShadowAttack(ctx, tr, target, s.shadow[:2], s.members, s.nonMembers, o); err == nil {
		t.Error("tiny shadow pool: no error")
	}
	if _, err := ShadowAttack(ctx, tr, target, s.shadow, s.members, []int{len(s.pool) + 5}, o); err == nil {
		t.Error("index outside the pool: no error")
	}
	bad := []TokenLogits{
		{},
		{Rows: [][]float32{{1, 2}}, Gold: []int{2}},
		{Rows: [][]float32{{1, 2}, {1, 2, 3}}, Gold: []int{0, 0}},
		{Rows: [][]float32{{1}}, Gold: []int{0}},
	}
	for i, b := range bad {
		if _, err := toSentence(b, true); err == nil {
			t.Errorf("bad logits %d: no error", i)
		}
	}
}

// TestPoolModelOnRealModel reads the shipped model through PoolModel: the
// logits are those the learned attack reads, and the shadow features
// extend its seven statistics with the gold-label probabilities.
func TestPoolModelOnRealModel(t *testing.T) {
	m, exs := baseline(t)
	exs = usable(exs)[:20]
	pm := PoolModel(m, exs)
	for i, ex := range exs {
		tl, err := pm.Logits(context.Background(), i)
		if err != nil {
			t.Fatal(err)
		}
		s, err := m.sentenceLogits(ex)
		if err != nil {
			t.Fatal(err)
		}
		if len(tl.Rows) != len(s.rows) || len(tl.Rows) > len(ex.Words) {
			t.Fatalf("example %d: %d rows, attack reads %d, %d words", i, len(tl.Rows), len(s.rows), len(ex.Words))
		}
		got, err := toSentence(tl, true)
		if err != nil {
			t.Fatal(err)
		}
		f := shadowFeatures(got, Inf, nil)
		base := s.features(Inf, nil)
		if len(f) != len(ShadowFeatureNames) {
			t.Fatalf("%d features, %d names", len(f), len(ShadowFeatureNames))
		}
		for k, v := range base {
			if f[k] != v {
				t.Errorf("example %d: feature %s is %v, the learned attack's %v", i, ShadowFeatureNames[k], f[k], v)
			}
		}
		lo, mean, hi := f[len(FeatureNames)+1], f[len(FeatureNames)], f[len(FeatureNames)+2]
		if !(0 <= lo && lo <= mean && mean <= hi && hi <= 1) {
			t.Errorf("example %d: gold probability min %v mean %v max %v", i, lo, mean, hi)
		}
	}
	if _, err := pm.Logits(context.Background(), len(exs)); err == nil {
		t.Error("index past the pool: no error")
	}
}

// TestShadowAttackReproducible: the same seed gives the same report (splits,
// shadow training, noise, bootstrap); another seed gives other splits.
func TestShadowAttackReproducible(t *testing.T) {
	s := newToySetup()
	ctx := context.Background()
	tr := &toyTrainer{pool: s.pool, recipe: toyRecipe{Epochs: 5, Rate: 0.5}}
	target, err := tr.TrainShadow(ctx, s.members, 5)
	if err != nil {
		t.Fatal(err)
	}
	run := func(seed uint64) []ShadowPoint {
		rep, err := ShadowAttack(ctx, tr, target, s.shadow, s.members, s.nonMembers, ShadowOptions{Shadows: 2, Epsilons: []Eps{2}, Bootstrap: 50, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		return rep.Points
	}
	a, b, c := run(4), run(4), run(5)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed gave different reports")
	}
	if reflect.DeepEqual(a, c) {
		t.Error("seeds 4 and 5 gave identical reports")
	}
}
