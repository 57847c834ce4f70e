package privacy

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/obscura-ai/obscura/eval"
	"github.com/obscura-ai/obscura/ner"
)

// TokenLogits are a model's outputs on one example: one row of label logits
// per scored token (for a tagger, each word's first subword) and the index
// of each token's gold label.
type TokenLogits struct {
	Rows [][]float32
	Gold []int
}

// ShadowModel is a trained model that the attack can query.
type ShadowModel interface {
	// Logits returns the model's logits on example i of the pool that the
	// ShadowTrainer and the attack share.
	Logits(ctx context.Context, i int) (TokenLogits, error)
}

// ShadowTrainer trains models with the target's recipe. The attack never
// sees examples, only their indexes in a pool that the trainer owns; the
// trainer reads the examples, the model answers Logits for any index.
type ShadowTrainer interface {
	// TrainShadow trains one model on the examples members of the pool,
	// with seed seeding everything random in training, and returns it.
	TrainShadow(ctx context.Context, members []int, seed uint64) (ShadowModel, error)
}

// PoolModel answers ShadowModel's Logits for the examples of pool with a
// loaded Model, the way MembershipInference reads it: one window per
// example, each word's first subword, the gold tag's column. An example
// longer than one window, with no scored word, or with a tag the model
// lacks is an error. Use it for the target (or for a trained shadow once it
// is loaded as a Model).
func PoolModel(m *Model, pool []eval.Example) ShadowModel { return poolModel{m: m, pool: pool} }

type poolModel struct {
	m    *Model
	pool []eval.Example
}

func (p poolModel) Logits(ctx context.Context, i int) (TokenLogits, error) {
	if i < 0 || i >= len(p.pool) {
		return TokenLogits{}, fmt.Errorf("privacy: example %d outside a pool of %d", i, len(p.pool))
	}
	if err := ctx.Err(); err != nil {
		return TokenLogits{}, err
	}
	s, err := p.m.sentenceLogits(p.pool[i])
	if err != nil {
		return TokenLogits{}, err
	}
	return TokenLogits{Rows: s.rows, Gold: s.gold}, nil
}

// ShadowFeatureNames are the per-example features of the shadow attack,
// in the order shadowFeatures returns them: the seven statistics of
// FeatureNames (confidence, entropy, loss) followed by statistics of the
// probability of the gold label per token.
var ShadowFeatureNames = append(append([]string(nil), FeatureNames...), "mean_gold_prob", "min_gold_prob", "max_gold_prob")

// Positions in ShadowFeatureNames of the threshold attacks' statistics.
const (
	featMeanMaxProb = 0 // mean_max_prob
	featMeanLoss    = 5 // mean_loss
)

// shadowFeatures computes the features of s after Laplace noise at ε (none
// for ∞) drawn from r: the noise is added once, and every feature is
// computed from the same noisy logits.
func shadowFeatures(s *sentence, eps Eps, r *rand.Rand) []float64 {
	noisy := &sentence{rows: make([][]float32, len(s.rows)), gold: s.gold}
	for k, row := range s.rows {
		noisy.rows[k] = append([]float32(nil), row...)
		if !eps.IsInf() {
			ner.AddNoise(noisy.rows[k], float64(eps), r)
		}
	}
	f := noisy.features(Inf, nil)
	p := make([]float64, len(s.rows[0]))
	mean, lo, hi := 0.0, math.Inf(1), math.Inf(-1)
	for k, row := range noisy.rows {
		ner.Softmax(row, p)
		g := p[s.gold[k]]
		mean += g
		lo, hi = math.Min(lo, g), math.Max(hi, g)
	}
	mean /= float64(len(s.rows))
	return append(f[:], mean, lo, hi)
}

// toSentence checks a model's output and keeps it for the attack.
func toSentence(t TokenLogits, member bool) (*sentence, error) {
	if len(t.Rows) == 0 || len(t.Rows) != len(t.Gold) {
		return nil, fmt.Errorf("privacy: a model returned %d logit rows for %d gold labels (need as many, at least one)", len(t.Rows), len(t.Gold))
	}
	w := len(t.Rows[0])
	if w < 2 {
		return nil, errors.New("privacy: logit rows need at least two labels")
	}
	for k, row := range t.Rows {
		if len(row) != w {
			return nil, errors.New("privacy: logit rows of one example differ in width")
		}
		if t.Gold[k] < 0 || t.Gold[k] >= w {
			return nil, fmt.Errorf("privacy: gold label %d outside the %d labels", t.Gold[k], w)
		}
		for _, v := range row {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, errors.New("privacy: a model returned a non-finite logit")
			}
		}
	}
	return &sentence{rows: t.Rows, gold: t.Gold, member: member}, nil
}

// ShadowOptions configure ShadowAttack.
type ShadowOptions struct {
	// Shadows is the number of shadow models N (default 5, the plan's
	// minimum; 10 where time allows).
	Shadows int
	// Epsilons are the logit-noise levels at which the attack is scored
	// (default: ∞ only; ∞ is always added). Shadow and target features are
	// both computed under the same noise.
	Epsilons []Eps
	// Bootstrap resamples and coverage of the AUC intervals (defaults
	// DefaultBootstrap and DefaultConfidence).
	Bootstrap  int
	Confidence float64
	Seed       uint64 // shadow splits, shadow training seeds, noise, bootstrap (default 1)
	Progress   func(stage string)
}

// ShadowPoint is the attack at one logit-noise level, scored on the
// target's members vs non-members.
type ShadowPoint struct {
	Epsilon Eps `json:"epsilon"`
	// Shadow is the attack classifier trained on the shadow models'
	// features (Shokri et al. 2017); Loss and Confidence are the threshold
	// attacks (−mean gold loss, mean max-softmax) on the same examples.
	Shadow     AUCInterval `json:"shadow_auc"`
	Loss       AUCInterval `json:"loss_auc"`
	Confidence AUCInterval `json:"confidence_auc"`
	// ShadowFit is the attack classifier's AUC on its own training data
	// (the shadows' members vs non-members): how separable membership is
	// in the shadows, an upper reference for Shadow.
	ShadowFit float64 `json:"shadow_fit_auc"`
	// ROC curves on the target (at most 256 points each).
	ROCShadow []ROCPoint `json:"roc_shadow"`
	ROCLoss   []ROCPoint `json:"roc_loss"`
}

// ShadowReport is the result of ShadowAttack. It holds counts, scores and
// timings, never input text.
type ShadowReport struct {
	Kind             string   `json:"kind"` // "privacy-shadow-mia"
	Model            string   `json:"model,omitempty"`
	Shadows          int      `json:"shadows"`
	ShadowPool       int      `json:"shadow_pool"`    // examples the shadows are drawn from
	ShadowMembers    int      `json:"shadow_members"` // per shadow: half the pool
	TargetMembers    int      `json:"target_members"`
	TargetNonMembers int      `json:"target_non_members"`
	Features         []string `json:"features"`
	Classifier       string   `json:"classifier"`
	Seed             uint64   `json:"seed"`
	// ShadowTrainSeconds is each shadow's training time, ShadowSeconds
	// their sum.
	ShadowTrainSeconds []float64     `json:"shadow_train_seconds"`
	ShadowSeconds      float64       `json:"shadow_seconds"`
	Points             []ShadowPoint `json:"points"`
	Seconds            float64       `json:"seconds"`
	Time               time.Time     `json:"time"`
	GoVersion          string        `json:"go"`
	Arch               string        `json:"arch"`
}

// Point returns the point of ε e.
func (r *ShadowReport) Point(e Eps) (ShadowPoint, bool) {
	for _, p := range r.Points {
		if p.Epsilon == e || (p.Epsilon.IsInf() && e.IsInf()) {
			return p, true
		}
	}
	return ShadowPoint{}, false
}

// ShadowAttack runs the shadow-model membership-inference attack of Shokri
// et al. (2017). Each of the N shadows is trained with trainer on a random
// half of shadowPool (a fresh split per shadow, so every shadow has its own
// members and non-members, disjoint halves of the pool), and labels its
// members' and non-members' features; a logistic regression (FitLogistic)
// on all shadows' features is the attack. It is scored by ROC AUC, with a
// bootstrap interval, on the target model's members vs non-members, beside
// the loss and confidence threshold attacks, at each noise level.
//
// shadowPool must not contain targetMembers (the shadows would then share
// the target's members); targetMembers and targetNonMembers must be
// disjoint. Every index must be one that the models answer.
func ShadowAttack(ctx context.Context, trainer ShadowTrainer, target ShadowModel, shadowPool, targetMembers, targetNonMembers []int, o ShadowOptions) (*ShadowReport, error) {
	t0 := time.Now()
	if o.Shadows == 0 {
		o.Shadows = 5
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Shadows < 1 {
		return nil, fmt.Errorf("privacy: shadow model count %d must be ≥ 1", o.Shadows)
	}
	if len(shadowPool) < 4 {
		return nil, fmt.Errorf("privacy: a shadow pool of %d examples is too small (need ≥ 4)", len(shadowPool))
	}
	if len(targetMembers) == 0 || len(targetNonMembers) == 0 {
		return nil, errors.New("privacy: the target needs members and non-members")
	}
	if err := checkDisjoint(shadowPool, targetMembers, targetNonMembers); err != nil {
		return nil, err
	}
	progress := func(s string) {
		if o.Progress != nil {
			o.Progress(s)
		}
	}
	epsilons := append(finite(o.Epsilons), Inf)
	rep := &ShadowReport{
		Kind: "privacy-shadow-mia", Shadows: o.Shadows, ShadowPool: len(shadowPool), ShadowMembers: len(shadowPool) / 2,
		TargetMembers: len(targetMembers), TargetNonMembers: len(targetNonMembers),
		Features: ShadowFeatureNames, Seed: o.Seed,
		Classifier: "logistic regression on standardised features (FitLogistic), one model for all labels",
		Time:       time.Now().UTC(), GoVersion: runtime.Version(), Arch: runtime.GOARCH,
	}
	// The shadows: train, then keep their logits on the whole pool.
	var shadowSents []*sentence
	var shadowStreams []uint64 // noise seed of each shadow sentence
	for k := 0; k < o.Shadows; k++ {
		r := rand.New(rand.NewPCG(o.Seed, uint64(k)+0x736861646f77))
		perm := append([]int(nil), shadowPool...)
		r.Shuffle(len(perm), func(a, b int) { perm[a], perm[b] = perm[b], perm[a] })
		h := len(perm) / 2
		in, out := perm[:h], perm[h:2*h]
		ts := time.Now()
		m, err := trainer.TrainShadow(ctx, append([]int(nil), in...), o.Seed+uint64(k)+1)
		if err != nil {
			return nil, fmt.Errorf("privacy: shadow %d: %w", k, err)
		}
		rep.ShadowTrainSeconds = append(rep.ShadowTrainSeconds, time.Since(ts).Seconds())
		for _, g := range []struct {
			idx    []int
			member bool
		}{{in, true}, {out, false}} {
			for _, i := range g.idx {
				s, err := logitsOf(ctx, m, i, g.member)
				if err != nil {
					return nil, fmt.Errorf("privacy: shadow %d: %w", k, err)
				}
				shadowSents = append(shadowSents, s)
				shadowStreams = append(shadowStreams, sentenceSeed(o.Seed+uint64(k)+1, i))
			}
		}
		progress(fmt.Sprintf("shadow %d/%d trained on %d examples in %.1fs", k+1, o.Shadows, h, rep.ShadowTrainSeconds[k]))
	}
	for _, s := range rep.ShadowTrainSeconds {
		rep.ShadowSeconds += s
	}
	var targetSents []*sentence
	var targetStreams []uint64
	for _, g := range []struct {
		idx    []int
		member bool
	}{{targetMembers, true}, {targetNonMembers, false}} {
		for _, i := range g.idx {
			s, err := logitsOf(ctx, target, i, g.member)
			if err != nil {
				return nil, fmt.Errorf("privacy: target: %w", err)
			}
			targetSents = append(targetSents, s)
			targetStreams = append(targetStreams, sentenceSeed(o.Seed, i))
		}
	}
	for _, e := range epsilons {
		pt, err := shadowPoint(e, shadowSents, shadowStreams, targetSents, targetStreams, o)
		if err != nil {
			return nil, err
		}
		rep.Points = append(rep.Points, pt)
		progress(fmt.Sprintf("ε=%s: shadow attack AUC %s, loss %s, confidence %s", e, pt.Shadow, pt.Loss, pt.Confidence))
	}
	rep.Seconds = time.Since(t0).Seconds()
	return rep, nil
}

// shadowPoint fits the attack on the shadows' features at ε and scores the
// three attacks on the target's.
func shadowPoint(e Eps, shadow []*sentence, shadowSeeds []uint64, target []*sentence, targetSeeds []uint64, o ShadowOptions) (ShadowPoint, error) {
	feats := func(ss []*sentence, seeds []uint64) ([][]float64, []bool) {
		xs, ys := make([][]float64, len(ss)), make([]bool, len(ss))
		for i, s := range ss {
			seed := seeds[i]
			xs[i], ys[i] = shadowFeatures(s, e, ner.NewRand(&seed)), s.member
		}
		return xs, ys
	}
	sx, sy := feats(shadow, shadowSeeds)
	tx, ty := feats(target, targetSeeds)
	lr := FitLogistic(sx, sy)
	pt := ShadowPoint{Epsilon: e}
	fit := make([]float64, len(sx))
	for i, x := range sx {
		fit[i] = lr.Score(x)
	}
	var err error
	if pt.ShadowFit, err = AUC(fit, sy); err != nil {
		return pt, err
	}
	scores := map[string][]float64{}
	for _, x := range tx {
		scores["shadow"] = append(scores["shadow"], lr.Score(x))
		scores["loss"] = append(scores["loss"], -x[featMeanLoss])
		scores["confidence"] = append(scores["confidence"], x[featMeanMaxProb])
	}
	for name, dst := range map[string]*AUCInterval{"shadow": &pt.Shadow, "loss": &pt.Loss, "confidence": &pt.Confidence} {
		if *dst, err = BootstrapAUC(scores[name], ty, o.Bootstrap, o.Confidence, o.Seed); err != nil {
			return pt, err
		}
	}
	roc, err := ROC(scores["shadow"], ty)
	if err != nil {
		return pt, err
	}
	pt.ROCShadow = thinROC(roc, maxROCPoints)
	if roc, err = ROC(scores["loss"], ty); err != nil {
		return pt, err
	}
	pt.ROCLoss = thinROC(roc, maxROCPoints)
	return pt, nil
}

func logitsOf(ctx context.Context, m ShadowModel, i int, member bool) (*sentence, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t, err := m.Logits(ctx, i)
	if err != nil {
		return nil, fmt.Errorf("example %d: %w", i, err)
	}
	s, err := toSentence(t, member)
	if err != nil {
		return nil, fmt.Errorf("example %d: %w", i, err)
	}
	return s, nil
}

// checkDisjoint rejects repeated indexes, and any index in two of the sets.
func checkDisjoint(sets ...[]int) error {
	seen := map[int]int{}
	for k, set := range sets {
		for _, i := range set {
			if j, ok := seen[i]; ok {
				if j == k {
					return fmt.Errorf("privacy: example %d is listed twice", i)
				}
				return fmt.Errorf("privacy: example %d is in two of the shadow pool, target members and target non-members", i)
			}
			seen[i] = k
		}
	}
	return nil
}
