package privacy

import (
	"encoding/binary"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/obscura-ai/obscura/bert"
	"github.com/obscura-ai/obscura/ner"
	"github.com/obscura-ai/obscura/tokenize"
	"github.com/obscura-ai/obscura/weights"
)

// Aggregation is the decoding strategy of the sweep: the one `obscura eval`
// uses for its committed "entities" reports, so that the noise-free point
// reproduces them.
const Aggregation = ner.AggFirst

// CachedClassifier wraps a ner.Classifier and remembers the logits of every
// batch it has run, keyed by the batch's contents. The sweep and the attack
// run the model once per sentence this way and then redo only the noise and
// the decoding for each (ε, seed): ner adds the noise after Classifier.Run,
// so a cached answer gives exactly what a fresh run would. It is safe for
// concurrent use; the returned slices are copies.
type CachedClassifier struct {
	inner ner.Classifier

	mu     sync.RWMutex
	logits map[string][]float32
	hits   int
	runs   int
}

// NewCachedClassifier wraps c.
func NewCachedClassifier(c ner.Classifier) *CachedClassifier {
	return &CachedClassifier{inner: c, logits: map[string][]float32{}}
}

// NumLabels is the inner classifier's.
func (c *CachedClassifier) NumLabels() int { return c.inner.NumLabels() }

// Run returns the cached logits of an identical earlier batch, or runs the
// inner classifier and remembers its answer.
func (c *CachedClassifier) Run(b bert.Batch) ([]float32, error) {
	key := batchKey(b)
	c.mu.RLock()
	l, ok := c.logits[key]
	c.mu.RUnlock()
	if ok {
		c.mu.Lock()
		c.hits++
		c.mu.Unlock()
		return append([]float32(nil), l...), nil
	}
	l, err := c.inner.Run(b)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.logits[key] = append([]float32(nil), l...)
	c.runs++
	c.mu.Unlock()
	return l, nil
}

// Counts returns how many batches ran the model and how many were answered
// from the cache.
func (c *CachedClassifier) Counts() (runs, hits int) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.runs, c.hits
}

// batchKey encodes everything the model reads from a batch.
func batchKey(b bert.Batch) string {
	buf := make([]byte, 0, 16+8*(len(b.IDs)+len(b.Mask)+len(b.TypeIDs)))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(b.Size))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(b.SeqLen))
	for _, s := range [][]int64{b.IDs, b.Mask, b.TypeIDs} {
		buf = binary.LittleEndian.AppendUint64(buf, uint64(len(s)))
		for _, v := range s {
			buf = binary.AppendVarint(buf, v)
		}
	}
	return string(buf)
}

// Model is a token classifier loaded for the privacy measurements: the
// service's recogniser (ner) on a cached classifier, with no deployment
// noise, so that every request's ε is the one applied.
type Model struct {
	Name       string // the model directory's base name
	Rec        *ner.Recognizer
	Tok        *tokenize.Tokenizer
	Labels     []string // id2label, one per logit column
	Classifier *CachedClassifier
	MaxLen     int
	PadID      int64
}

// LoadOptions adjust Load.
type LoadOptions struct {
	Bert bert.Options
}

// Load reads a model directory (Hugging Face layout or bundle) the way
// ner.Load does (schema threshold and window length, the model's labels),
// with aggregation "first" and the classifier wrapped in a cache. A bundle's
// recorded ε is ignored: the measurements set ε per request.
func Load(dir string, o LoadOptions) (*Model, error) {
	wm, err := weights.Load(dir)
	if err != nil {
		return nil, err
	}
	if err := wm.RequireONNX(); err != nil {
		return nil, err
	}
	tok, err := tokenize.Load(wm.TokenizerDir)
	if err != nil {
		return nil, err
	}
	graph := wm.Graph
	wm.Graph = nil // bert consumes the parsed graph read by weights.Load
	bm, err := bert.FromONNX(graph, o.Bert)
	if err != nil {
		return nil, err
	}
	labels, err := ner.NewLabels(wm.Labels(), nil)
	if err != nil {
		return nil, err
	}
	cc := NewCachedClassifier(bm)
	cfg := ner.Config{
		Tokenizer:   tok,
		Classifier:  cc,
		Labels:      labels,
		MaxLen:      wm.Schema.MaxSequenceLength,
		Threshold:   wm.Schema.ConfidenceThreshold,
		Aggregation: Aggregation,
	}
	if mp := bm.MaxPositions(); mp > 0 && (cfg.MaxLen == 0 || cfg.MaxLen > mp) {
		cfg.MaxLen = mp
	}
	if cfg.MaxLen == 0 {
		cfg.MaxLen = ner.DefaultMaxLen
	}
	if _, _, pad, _ := tok.SpecialIDs(); pad >= 0 {
		cfg.PadID = int64(pad)
	}
	rec, err := ner.NewRecognizer(cfg)
	if err != nil {
		return nil, fmt.Errorf("privacy: model %s: %w", wm.Dir, err)
	}
	return &Model{
		Name: filepath.Base(filepath.Clean(dir)), Rec: rec, Tok: tok, Labels: wm.Labels(),
		Classifier: cc, MaxLen: cfg.MaxLen, PadID: cfg.PadID,
	}, nil
}

// sentenceSeed derives the noise seed of one sentence from the run's seed,
// so that sentences draw independent noise (splitmix64 of the pair) and the
// same (seed, sentence) always draws the same noise, whatever the ε.
func sentenceSeed(seed uint64, sentence int) uint64 {
	z := seed*0x9E3779B97F4A7C15 + uint64(sentence) + 1
	z += 0x9E3779B97F4A7C15
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}
