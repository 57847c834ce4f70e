package privacy

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"

	"github.com/obscura-ai/obscura/train/dp"
)

// A small, genuinely trainable tagger for the shadow-attack tests: softmax
// regression per token over hashed sparse features (the word, and the word
// with its left and with its right neighbour). The word alone carries the
// learnable signal; the bigram features are nearly unique to a sentence, so
// a model trained long without regularisation uses them to memorise its
// members' labels, label noise included: exactly the leakage a membership
// attack detects.

// Toy task and model sizes.
const (
	toyVocab      = 60
	toyLabels     = 3
	toyBuckets    = 1 << 13
	toyMinLen     = 4
	toyMaxLen     = 10
	toyLabelNoise = 0.25 // probability that a token's label is redrawn at random
)

// toySentence is one example: word ids and gold labels.
type toySentence struct {
	words, labels []int
}

// toyPool draws n sentences. Each word has a fixed class; a token's label
// is its word's class except with probability toyLabelNoise.
func toyPool(n int, seed uint64) []toySentence {
	r := rand.New(rand.NewPCG(seed, 0x746f79))
	class := make([]int, toyVocab)
	for w := range class {
		class[w] = r.IntN(toyLabels)
	}
	pool := make([]toySentence, n)
	for i := range pool {
		l := toyMinLen + r.IntN(toyMaxLen-toyMinLen+1)
		s := toySentence{words: make([]int, l), labels: make([]int, l)}
		for k := range s.words {
			s.words[k] = r.IntN(toyVocab)
			s.labels[k] = class[s.words[k]]
			if r.Float64() < toyLabelNoise {
				s.labels[k] = r.IntN(toyLabels)
			}
		}
		pool[i] = s
	}
	return pool
}

// toyFeatures are the hashed feature buckets of token k (bucket 0 is the
// bias).
func toyFeatures(s toySentence, k int) [4]int {
	h := func(kind, a, b int) int {
		z := uint64(kind)*0x9E3779B97F4A7C15 ^ uint64(a+1)*0xBF58476D1CE4E5B9 ^ uint64(b+2)*0x94D049BB133111EB
		z ^= z >> 29
		return 1 + int(z%(toyBuckets-1))
	}
	prev, next := -1, -1
	if k > 0 {
		prev = s.words[k-1]
	}
	if k+1 < len(s.words) {
		next = s.words[k+1]
	}
	return [4]int{0, h(1, s.words[k], 0), h(2, prev, s.words[k]), h(3, s.words[k], next)}
}

// toyModel is the weight matrix, bucket-major: w[f*toyLabels+l].
type toyModel struct {
	w    []float32
	pool []toySentence
}

func (m *toyModel) logits(s toySentence, k int, out []float32) {
	clear(out)
	for _, f := range toyFeatures(s, k) {
		for l := range out {
			out[l] += m.w[f*toyLabels+l]
		}
	}
}

func (m *toyModel) Logits(ctx context.Context, i int) (TokenLogits, error) {
	if i < 0 || i >= len(m.pool) {
		return TokenLogits{}, errors.New("toy: index outside the pool")
	}
	s := m.pool[i]
	t := TokenLogits{Gold: s.labels}
	for k := range s.words {
		row := make([]float32, toyLabels)
		m.logits(s, k, row)
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// sentenceGrad adds the cross-entropy gradient of sentence s (summed over
// its tokens) to g, a sparse map from weight index to value.
func (m *toyModel) sentenceGrad(s toySentence, g map[int]float64) {
	row := make([]float32, toyLabels)
	p := make([]float64, toyLabels)
	for k := range s.words {
		m.logits(s, k, row)
		softmax32(row, p)
		for _, f := range toyFeatures(s, k) {
			for l := range p {
				d := p[l]
				if l == s.labels[k] {
					d--
				}
				g[f*toyLabels+l] += d
			}
		}
	}
}

func softmax32(row []float32, p []float64) {
	mx := math.Inf(-1)
	for _, v := range row {
		mx = math.Max(mx, float64(v))
	}
	var sum float64
	for l, v := range row {
		p[l] = math.Exp(float64(v) - mx)
		sum += p[l]
	}
	for l := range p {
		p[l] /= sum
	}
}

// toyRecipe is how the toy trainer trains: plain SGD on one sentence at a
// time (Private false), or DP-SGD with Poisson sampling, per-sentence
// clipping and Gaussian noise from package dp.
type toyRecipe struct {
	Epochs int
	Rate   float64
	// DP-SGD: expected batch size, clip norm, noise multiplier, steps.
	Private   bool
	Batch     float64
	Clip      float64
	Sigma     float64
	Steps     int
	NoiseSeed uint64 // mixed with the training seed
}

type toyTrainer struct {
	pool   []toySentence
	recipe toyRecipe
}

func (t *toyTrainer) TrainShadow(ctx context.Context, members []int, seed uint64) (ShadowModel, error) {
	m := &toyModel{w: make([]float32, toyBuckets*toyLabels), pool: t.pool}
	rc := t.recipe
	r := dp.NewSeededSource(seed ^ rc.NoiseSeed)
	if !rc.Private {
		order := append([]int(nil), members...)
		for e := 0; e < rc.Epochs; e++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			r.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
			for _, i := range order {
				g := map[int]float64{}
				m.sentenceGrad(t.pool[i], g)
				for j, v := range g {
					m.w[j] -= float32(rc.Rate * v)
				}
			}
		}
		return m, nil
	}
	q := rc.Batch / float64(len(members))
	sum := make([]float32, len(m.w))
	for step := 0; step < rc.Steps; step++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		batch, err := dp.PoissonSample(len(members), q, r)
		if err != nil {
			return nil, err
		}
		clear(sum)
		for _, b := range batch {
			g := map[int]float64{}
			m.sentenceGrad(t.pool[members[b]], g)
			idx := make([]int, 0, len(g))
			flat := make([]float32, 0, len(g))
			for j, v := range g {
				idx = append(idx, j)
				flat = append(flat, float32(v))
			}
			dp.ClipInPlace(flat, rc.Clip)
			for k, j := range idx {
				sum[j] += flat[k]
			}
		}
		if err := dp.AddGaussianNoise(sum, rc.Sigma*rc.Clip, r); err != nil {
			return nil, err
		}
		for j, v := range sum {
			m.w[j] -= float32(rc.Rate * float64(v) / rc.Batch) // the expected batch size, not the drawn one
		}
	}
	return m, nil
}
