package privacy

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/obscura-ai/obscura/bert"
	"github.com/obscura-ai/obscura/eval"
	"github.com/obscura-ai/obscura/ner"
)

// sentence is what the attack keeps of one sentence: the logits of each
// word's first subword and the gold label's column.
type sentence struct {
	rows   [][]float32
	gold   []int
	member bool
}

// FeatureNames are the confidence statistics of one sentence that the
// learned attack reads, in Features order.
var FeatureNames = []string{
	"mean_max_prob", "min_max_prob", "std_max_prob",
	"mean_entropy", "max_entropy", "mean_loss", "max_loss",
}

// Features are a sentence's statistics over its words (first subwords):
// the maximum softmax probability, the entropy of the softmax, and the loss
// (cross-entropy of the gold label).
type Features [7]float64

// features computes the statistics after Laplace noise at ε (none for ∞),
// drawn from r.
func (s *sentence) features(eps Eps, r *rand.Rand) Features {
	n := len(s.rows)
	row := make([]float32, len(s.rows[0]))
	p := make([]float64, len(row))
	var f Features
	f[1] = math.Inf(1)
	var sumSq float64
	for k, l := range s.rows {
		copy(row, l)
		if !eps.IsInf() {
			ner.AddNoise(row, float64(eps), r)
		}
		ner.Softmax(row, p)
		mx, ent := 0.0, 0.0
		for _, v := range p {
			mx = math.Max(mx, v)
			if v > 0 {
				ent -= v * math.Log(v)
			}
		}
		loss := -math.Log(math.Max(p[s.gold[k]], math.SmallestNonzeroFloat64))
		f[0] += mx
		f[1] = math.Min(f[1], mx)
		sumSq += mx * mx
		f[3] += ent
		f[4] = math.Max(f[4], ent)
		f[5] += loss
		f[6] = math.Max(f[6], loss)
	}
	fn := float64(n)
	f[0] /= fn
	f[2] = math.Sqrt(math.Max(0, sumSq/fn-f[0]*f[0]))
	f[3] /= fn
	f[5] /= fn
	return f
}

// sentenceLogits runs the model (through its cache) on one example the way
// the recogniser does (one window, [CLS] … [SEP], full attention mask) and
// keeps each word's first-subword logits with its gold label. Words the
// tokenizer drops entirely are skipped.
func (m *Model) sentenceLogits(ex eval.Example) (*sentence, error) {
	labelIdx := make(map[string]int, len(m.Labels))
	for i, l := range m.Labels {
		labelIdx[l] = i
	}
	ws := m.Tok.EncodeWindows(ex.Text, m.MaxLen, ner.DefaultStride)
	if len(ws) != 1 {
		return nil, errors.New("privacy: sentence longer than one model window")
	}
	w := ws[0]
	in := bert.Batch{IDs: make([]int64, w.Len()), Mask: make([]int64, w.Len()), TypeIDs: make([]int64, w.Len()), Size: 1, SeqLen: w.Len()}
	for j := range in.IDs {
		in.IDs[j] = int64(w.IDs[j])
		in.Mask[j] = 1
	}
	logits, err := m.Classifier.Run(in)
	if err != nil {
		return nil, err
	}
	nl := len(m.Labels)
	s := &sentence{}
	t := 0
	for k, wd := range ex.Words {
		for t < w.Len() && (w.Special[t] || w.Offsets[t][0] < wd.Start) {
			t++
		}
		if t < w.Len() && !w.Special[t] && w.Offsets[t][0] < wd.End {
			g, ok := labelIdx[ex.RawGold[k]]
			if !ok {
				return nil, fmt.Errorf("privacy: gold tag %q is not one of the model's labels", ex.RawGold[k])
			}
			s.rows = append(s.rows, logits[t*nl:(t+1)*nl])
			s.gold = append(s.gold, g)
		}
	}
	if len(s.rows) == 0 {
		return nil, errors.New("privacy: sentence has no scored word")
	}
	return s, nil
}

// MIAOptions configure MembershipInference.
type MIAOptions struct {
	N        int    // non-members (and as many members); default 2000
	Epsilons []Eps  // default DefaultEpsilons; ∞ is always added
	Seeds    int    // noise seeds per finite ε (default 5)
	Seed     uint64 // sampling, split and first noise seed (default 1)
	Progress func(stage string)
}

// AttackAUC are one run's test-set ROC AUCs.
type AttackAUC struct {
	Confidence float64 `json:"confidence"` // threshold on mean max-softmax
	Loss       float64 `json:"loss"`       // threshold on −mean gold loss
	Learned    float64 `json:"learned"`    // logistic regression on Features
}

// MIAPoint is one ε: AUC statistics across noise seeds.
type MIAPoint struct {
	Epsilon    Eps         `json:"epsilon"`
	Seeds      []uint64    `json:"seeds"`
	Confidence Stat        `json:"confidence_auc"`
	Loss       Stat        `json:"loss_auc"`
	Learned    Stat        `json:"learned_auc"`
	Runs       []AttackAUC `json:"runs"`
}

// MIAReport is the result of MembershipInference and the JSON file
// reports/privacy/<model>_mia.json. No input text.
type MIAReport struct {
	Kind       string `json:"kind"` // "privacy-mia"
	Model      string `json:"model"`
	Members    int    `json:"members"`     // CoNLL-2003 train sentences
	NonMembers int    `json:"non_members"` // CoNLL-2003 valid sentences
	// LengthMismatch counts members whose word count differs from the
	// non-member they stand in for (0: the histograms are equal).
	LengthMismatch int `json:"length_mismatch"`
	// The pools after dropping repeats; DroppedOverlap validation sentences
	// were dropped because the model reads them exactly as a training
	// sentence (same token ids).
	MemberPool     int    `json:"member_pool"`
	NonMemberPool  int    `json:"non_member_pool"`
	DroppedOverlap int    `json:"dropped_overlap"`
	Seed           uint64 `json:"seed"`
	// The threshold attacks are scored on the held-out half, like the
	// learned attack, which is fit on the other half (stratified split).
	Split    string     `json:"split"`
	Features []string   `json:"features"`
	Points   []MIAPoint `json:"points"`

	Sensitivity float64   `json:"sensitivity"`
	NoiseLayer  string    `json:"noise_layer"`
	ModelRuns   int       `json:"model_runs"`
	Seconds     float64   `json:"seconds"`
	Time        time.Time `json:"time"`
	GoVersion   string    `json:"go"`
	Arch        string    `json:"arch"`
}

// Point returns the point of ε e.
func (r *MIAReport) Point(e Eps) (MIAPoint, bool) {
	for _, p := range r.Points {
		if p.Epsilon == e || (p.Epsilon.IsInf() && e.IsInf()) {
			return p, true
		}
	}
	return MIAPoint{}, false
}

// SampleMembership draws the attack's population: n non-members at random
// from nonPool and, from memberPool, members matched to them in number and
// in the histogram of sentence length (words), with MatchLengths. It
// returns indexes into each pool and the number of members whose length
// could not be matched exactly.
func SampleMembership(memberPool, nonPool []eval.Example, n int, seed uint64) (members, nonMembers []int, mismatch int, err error) {
	r := rand.New(rand.NewPCG(seed, 0x6d6961))
	perm := r.Perm(len(nonPool))
	if n > len(perm) {
		n = len(perm)
	}
	nonMembers = perm[:n]
	targets := make([]int, n)
	for i, k := range nonMembers {
		targets[i] = len(nonPool[k].Words)
	}
	cands := make([]int, len(memberPool))
	for i, ex := range memberPool {
		cands[i] = len(ex.Words)
	}
	members, err = MatchLengths(cands, targets, r)
	if err != nil {
		return nil, nil, 0, err
	}
	want := map[int]int{}
	for _, l := range targets {
		want[l]++
	}
	for _, i := range members {
		if want[cands[i]] > 0 {
			want[cands[i]]--
		} else {
			mismatch++
		}
	}
	return members, nonMembers, mismatch, nil
}

// MembershipInference attacks the model: are sentences of memberPool (its
// training set) told apart from sentences of nonPool by its confidences?
// The model runs once per sentence; at each ε and noise seed the attack
// features are recomputed from freshly noised logits, and three attacks are
// scored by ROC AUC on a held-out half: thresholds on mean confidence and on
// mean loss, and a logistic regression fit on the other half.
func MembershipInference(ctx context.Context, m *Model, memberPool, nonPool []eval.Example, o MIAOptions) (*MIAReport, error) {
	t0 := time.Now()
	if o.N <= 0 {
		o.N = 2000
	}
	if len(o.Epsilons) == 0 {
		o.Epsilons = DefaultEpsilons
	}
	if o.Seeds <= 0 {
		o.Seeds = 5
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	progress := func(s string) {
		if o.Progress != nil {
			o.Progress(s)
		}
	}
	// Sentences with no scorable word or longer than a window cannot be
	// attacked; drop them from the pools before sampling.
	memberPool, nonPool = usable(memberPool), usable(nonPool)
	// A validation sentence that the model reads exactly as a training
	// sentence (the same text, or the same up to case for an uncased
	// model: headlines, bylines, score lines) was seen in training: it is
	// no non-member. Drop those, and repeats within either pool.
	memberPool, _ = dedupe(memberPool, nil, m.inputKey)
	nonPool, overlap := dedupe(nonPool, memberPool, m.inputKey)
	mem, non, mismatch, err := SampleMembership(memberPool, nonPool, o.N, o.Seed)
	if err != nil {
		return nil, err
	}
	var sents []*sentence
	add := func(ex eval.Example, member bool) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		s, err := m.sentenceLogits(ex)
		if err != nil {
			return err
		}
		s.member = member
		sents = append(sents, s)
		return nil
	}
	for _, i := range non {
		if err := add(nonPool[i], false); err != nil {
			return nil, err
		}
	}
	for _, i := range mem {
		if err := add(memberPool[i], true); err != nil {
			return nil, err
		}
	}
	progress(fmt.Sprintf("model pass done (%d members, %d non-members)", len(mem), len(non)))
	train, test := stratifiedSplit(sents, o.Seed)
	rep := &MIAReport{
		Kind: "privacy-mia", Model: m.Name, Members: len(mem), NonMembers: len(non), LengthMismatch: mismatch,
		NonMemberPool: len(nonPool), MemberPool: len(memberPool), DroppedOverlap: overlap,
		Seed: o.Seed, Split: "stratified 50/50; learned attack fit on one half, every attack scored on the other",
		Features: FeatureNames, Sensitivity: ner.Sensitivity, NoiseLayer: ner.NoiseLayer,
		Time: time.Now().UTC(), GoVersion: runtime.Version(), Arch: runtime.GOARCH,
	}
	for _, e := range append(finite(o.Epsilons), Inf) {
		seeds := []uint64{0}
		if !e.IsInf() {
			seeds = seeds[:0]
			for s := 0; s < o.Seeds; s++ {
				seeds = append(seeds, o.Seed+uint64(s))
			}
		}
		pt := MIAPoint{Epsilon: e}
		if !e.IsInf() {
			pt.Seeds = seeds
		}
		var conf, loss, learned []float64
		for _, seed := range seeds {
			feats := make([]Features, len(sents))
			for i, s := range sents {
				ss := sentenceSeed(seed, i)
				feats[i] = s.features(e, ner.NewRand(&ss))
			}
			a, err := attack(sents, feats, train, test)
			if err != nil {
				return nil, err
			}
			pt.Runs = append(pt.Runs, a)
			conf, loss, learned = append(conf, a.Confidence), append(loss, a.Loss), append(learned, a.Learned)
		}
		pt.Confidence, pt.Loss, pt.Learned = Summarise(conf), Summarise(loss), Summarise(learned)
		rep.Points = append(rep.Points, pt)
		progress(fmt.Sprintf("ε=%s: AUC confidence %.3f loss %.3f learned %.3f", e, pt.Confidence.Mean, pt.Loss.Mean, pt.Learned.Mean))
	}
	rep.ModelRuns, _ = m.Classifier.Counts()
	rep.Seconds = time.Since(t0).Seconds()
	return rep, nil
}

// dedupe drops examples whose key repeats an earlier one's or occurs in
// exclude; it returns the kept examples and how many were dropped because
// of exclude.
func dedupe(exs, exclude []eval.Example, key func(string) string) ([]eval.Example, int) {
	ex := map[string]bool{}
	for _, e := range exclude {
		ex[key(e.Text)] = true
	}
	seen := map[string]bool{}
	var out []eval.Example
	dropped := 0
	for _, e := range exs {
		k := key(e.Text)
		if ex[k] {
			dropped++
			continue
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, e)
	}
	return out, dropped
}

// inputKey is what the model reads of a text: its token ids.
func (m *Model) inputKey(text string) string {
	enc := m.Tok.Encode(text)
	b := make([]byte, 0, 4*len(enc.IDs))
	for _, id := range enc.IDs {
		b = binary.AppendUvarint(b, uint64(id))
	}
	return string(b)
}

// usable keeps the examples with at least one word.
func usable(exs []eval.Example) []eval.Example {
	var out []eval.Example
	for _, ex := range exs {
		if len(ex.Words) > 0 {
			out = append(out, ex)
		}
	}
	return out
}

// stratifiedSplit halves members and non-members separately, at random.
func stratifiedSplit(sents []*sentence, seed uint64) (train, test []int) {
	r := rand.New(rand.NewPCG(seed, 0x73706c6974))
	for _, member := range []bool{false, true} {
		var idx []int
		for i, s := range sents {
			if s.member == member {
				idx = append(idx, i)
			}
		}
		r.Shuffle(len(idx), func(a, b int) { idx[a], idx[b] = idx[b], idx[a] })
		h := len(idx) / 2
		train = append(train, idx[:h]...)
		test = append(test, idx[h:]...)
	}
	return train, test
}

// attack scores the three attacks on the test indexes.
func attack(sents []*sentence, feats []Features, train, test []int) (AttackAUC, error) {
	lab := make([]bool, len(test))
	conf := make([]float64, len(test))
	loss := make([]float64, len(test))
	for k, i := range test {
		lab[k] = sents[i].member
		conf[k] = feats[i][0]
		loss[k] = -feats[i][5]
	}
	var a AttackAUC
	var err error
	if a.Confidence, err = AUC(conf, lab); err != nil {
		return a, err
	}
	if a.Loss, err = AUC(loss, lab); err != nil {
		return a, err
	}
	xs := make([][]float64, len(train))
	ys := make([]bool, len(train))
	for k, i := range train {
		xs[k] = feats[i][:]
		ys[k] = sents[i].member
	}
	lr := FitLogistic(xs, ys)
	scores := make([]float64, len(test))
	for k, i := range test {
		scores[k] = lr.Score(feats[i][:])
	}
	a.Learned, err = AUC(scores, lab)
	return a, err
}
