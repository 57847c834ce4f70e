package ner

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/obscura-ai/obscura/bert"
	"github.com/obscura-ai/obscura/tokenize"
)

// Tokenizer splits text into model-sized windows. *tokenize.Tokenizer
// satisfies it.
type Tokenizer interface {
	EncodeWindows(text string, maxLen, stride int) []tokenize.Window
}

// Classifier runs a token classifier on a batch and returns its logits,
// row-major [Size][SeqLen][NumLabels]. *bert.Model satisfies it. It must be
// safe for concurrent use.
type Classifier interface {
	Run(bert.Batch) ([]float32, error)
	NumLabels() int
}

// Defaults for windowing and batching.
const (
	DefaultMaxLen    = 512 // tokens per window, [CLS] and [SEP] included
	DefaultStride    = 128 // tokens shared by consecutive windows
	DefaultBatchSize = 8   // windows per classifier call
)

// Config assembles a Recognizer. Threshold, Aggregation and Epsilon are the
// deployment's defaults; requests may override them (see Options).
type Config struct {
	Tokenizer  Tokenizer
	Classifier Classifier
	Labels     *Labels
	MaxLen     int   // 0 means DefaultMaxLen
	Stride     int   // 0 means DefaultStride
	BatchSize  int   // 0 means DefaultBatchSize
	PadID      int64 // id of the padding token (0 for BERT vocabularies)

	Threshold float64 // 0 means DefaultThreshold
	// Thresholds override Threshold per entity type (after the type map),
	// e.g. tuned on a validation split and read from a bundle's metadata.
	// A type not listed uses Threshold.
	Thresholds  map[string]float64
	Aggregation Aggregation // "" means DefaultAggregation
	Epsilon     float64     // 0 or +Inf means no noise
	// Types lists the entity types that are reported at all; nil means every
	// type the labels can produce.
	Types []string
	// CaseChannel sets token_type_ids to the case channel
	// (tokenize.CaseTypes), for models trained with it (schema.json's
	// case_channel).
	CaseChannel bool
}

// Options are per-call settings; zero values mean the deployment default.
type Options struct {
	// Threshold, when set, replaces the deployment's threshold for every
	// type, its per-type thresholds included: a caller who asks for one
	// number gets it everywhere.
	Threshold float64
	// Thresholds override single types after that (request wins).
	Thresholds  map[string]float64
	Aggregation Aggregation
	// Epsilon is the request's privacy parameter. The effective ε is the
	// smaller of the deployment's and the request's (unset = +Inf), so a
	// request can add noise but never weaken the deployment's privacy.
	Epsilon float64
	// Seed makes the noise reproducible; nil means crypto-seeded.
	Seed *uint64
	// Types restricts the reported types further; nil means all configured.
	Types map[string]bool
}

// Stats are the stage durations of one Recognize call.
type Stats struct {
	Tokenize, Infer, Decode time.Duration
	Windows, Tokens         int
}

// Recognizer finds named entities with a tokenizer and a token classifier.
// It is immutable and safe for concurrent use when its Classifier is.
type Recognizer struct {
	cfg   Config
	types map[string]bool
}

// NewRecognizer checks a configuration and returns a Recognizer.
func NewRecognizer(cfg Config) (*Recognizer, error) {
	if cfg.Tokenizer == nil || cfg.Classifier == nil || cfg.Labels == nil {
		return nil, errors.New("ner: recognizer needs a tokenizer, a classifier and labels")
	}
	if n := cfg.Classifier.NumLabels(); n != cfg.Labels.Len() {
		return nil, fmt.Errorf("ner: classifier has %d labels, label set has %d", n, cfg.Labels.Len())
	}
	if cfg.MaxLen == 0 {
		cfg.MaxLen = DefaultMaxLen
	}
	if cfg.Stride == 0 {
		cfg.Stride = DefaultStride
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	if cfg.MaxLen < 3 || cfg.Stride < 0 || cfg.Stride >= cfg.MaxLen-2 {
		return nil, fmt.Errorf("ner: bad windowing: max length %d, stride %d", cfg.MaxLen, cfg.Stride)
	}
	if _, err := ParseAggregation(string(cfg.Aggregation)); err != nil {
		return nil, err
	}
	if cfg.Threshold < 0 || cfg.Threshold > 1 || math.IsNaN(cfg.Threshold) {
		return nil, errors.New("ner: threshold outside [0,1]")
	}
	if err := checkThresholds(cfg.Thresholds); err != nil {
		return nil, err
	}
	if cfg.Epsilon < 0 || math.IsNaN(cfg.Epsilon) {
		return nil, errors.New("ner: epsilon must be positive")
	}
	r := &Recognizer{cfg: cfg, types: map[string]bool{}}
	if cfg.Types == nil {
		cfg.Types = cfg.Labels.Types()
	}
	for _, t := range cfg.Types {
		r.types[t] = true
	}
	return r, nil
}

// Tokenizer and Classifier return the parts the recognizer runs (for Load:
// a *tokenize.Tokenizer and a *bert.Model), so that tools measuring the
// model itself share them instead of loading the model a second time.
func (r *Recognizer) Tokenizer() Tokenizer   { return r.cfg.Tokenizer }
func (r *Recognizer) Classifier() Classifier { return r.cfg.Classifier }

// Types lists the entity types the recognizer reports.
func (r *Recognizer) Types() []string {
	var out []string
	for _, t := range r.cfg.Labels.Types() {
		if r.types[t] {
			out = append(out, t)
		}
	}
	return out
}

// Epsilon returns the effective ε for a request's ε (see Options.Epsilon);
// +Inf means no noise.
func (r *Recognizer) Epsilon(request float64) float64 {
	e := math.Inf(1)
	if NoiseOn(r.cfg.Epsilon) {
		e = r.cfg.Epsilon
	}
	if NoiseOn(request) && request < e {
		e = request
	}
	return e
}

// Recognize finds the entities of text, sorted by start offset.
func (r *Recognizer) Recognize(ctx context.Context, text string, opts Options) ([]Entity, error) {
	ents, _, err := r.RecognizeStats(ctx, text, opts)
	return ents, err
}

// RecognizeStats is Recognize that also reports stage durations.
func (r *Recognizer) RecognizeStats(ctx context.Context, text string, opts Options) ([]Entity, Stats, error) {
	var st Stats
	if !utf8.ValidString(text) {
		return nil, st, errors.New("ner: text is not valid UTF-8")
	}
	agg := opts.Aggregation
	if agg == "" {
		agg = r.cfg.Aggregation
	}
	if _, err := ParseAggregation(string(agg)); err != nil {
		return nil, st, err
	}
	if opts.Threshold < 0 || opts.Threshold > 1 || math.IsNaN(opts.Threshold) {
		return nil, st, errors.New("ner: threshold outside [0,1]")
	}
	if opts.Epsilon < 0 || math.IsNaN(opts.Epsilon) {
		return nil, st, errors.New("ner: epsilon must be positive")
	}
	if err := checkThresholds(opts.Thresholds); err != nil {
		return nil, st, err
	}

	t0 := time.Now()
	windows := r.cfg.Tokenizer.EncodeWindows(text, r.cfg.MaxLen, r.cfg.Stride)
	tokens, plan, err := r.planWindows(text, windows)
	st.Tokenize = time.Since(t0)
	st.Windows, st.Tokens = len(windows), len(tokens)
	if err != nil || len(tokens) == 0 {
		return nil, st, err
	}

	t1 := time.Now()
	eps := r.Epsilon(opts.Epsilon)
	var rng *rand.Rand
	if NoiseOn(eps) {
		rng = NewRand(opts.Seed)
	}
	probs, err := r.infer(ctx, text, windows, plan, len(tokens), eps, rng)
	st.Infer = time.Since(t1)
	if err != nil {
		return nil, st, err
	}

	t2 := time.Now()
	dopts := DecodeOptions{
		Aggregation: agg,
		Threshold:   r.cfg.Threshold,
		Thresholds:  map[string]float64{},
		Types:       map[string]bool{},
	}
	if opts.Threshold > 0 {
		dopts.Threshold = opts.Threshold
	} else {
		for k, v := range r.cfg.Thresholds {
			dopts.Thresholds[k] = v
		}
	}
	for k, v := range opts.Thresholds {
		dopts.Thresholds[k] = v
	}
	for t := range r.types {
		if opts.Types == nil || opts.Types[t] {
			dopts.Types[t] = true
		}
	}
	ents, err := Decode(tokens, probs, r.cfg.Labels, dopts)
	ents = dropMarkOnly(text, ents)
	st.Decode = time.Since(t2)
	return ents, st, err
}

// dropMarkOnly removes entities whose text holds no letter and no digit
// (a lone "." the model tagged after a name): no name, place or identifier
// is only punctuation, and masking one would mangle the text around it.
func dropMarkOnly(text string, ents []Entity) []Entity {
	out := ents[:0]
	for _, e := range ents {
		if strings.IndexFunc(text[e.Start:e.End], func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			out = append(out, e)
		}
	}
	return out
}

// checkThresholds refuses a per-type threshold outside (0, 1]. The error
// names no type: types may come from a request.
func checkThresholds(th map[string]float64) error {
	for _, v := range th {
		if !(v > 0 && v <= 1) {
			return errors.New("ner: a per-type threshold is outside (0, 1]")
		}
	}
	return nil
}

// slot says which window, and which position in it, supplies a token's
// scores.
type slot struct{ window, pos, margin int }

// planWindows lays the windows' content tokens onto the whole text's token
// sequence and picks, for every token, the window where it sits farthest
// from an edge (most context on both sides). Every token of the text is
// covered exactly once; a gap or an inconsistency is an error, never a
// silent truncation.
func (r *Recognizer) planWindows(text string, windows []tokenize.Window) ([]Token, []slot, error) {
	total := 0
	for _, w := range windows {
		total = max(total, w.Last)
	}
	plan := make([]slot, total)
	for i := range plan {
		plan[i].window = -1
	}
	tokens := make([]Token, total)
	words := make([]int, total)
	hasWords := true
	for wi, w := range windows {
		if w.Len() > r.cfg.MaxLen {
			return nil, nil, fmt.Errorf("ner: window %d has %d tokens, more than %d", wi, w.Len(), r.cfg.MaxLen)
		}
		if len(w.Offsets) != w.Len() || len(w.Special) != w.Len() {
			return nil, nil, fmt.Errorf("ner: window %d has inconsistent encoding lengths", wi)
		}
		n := w.Last - w.First
		k := 0
		for j := 0; j < w.Len(); j++ {
			if w.Special[j] {
				continue
			}
			if k >= n {
				return nil, nil, fmt.Errorf("ner: window %d has more content tokens than its range %d..%d", wi, w.First, w.Last)
			}
			g := w.First + k
			off := w.Offsets[j]
			if off[0] < 0 || off[1] < off[0] || off[1] > len(text) {
				return nil, nil, fmt.Errorf("ner: window %d token %d has offsets outside the text", wi, j)
			}
			word := -1
			if len(w.WordIDs) == w.Len() {
				word = w.WordIDs[j]
			} else {
				hasWords = false
			}
			if plan[g].window >= 0 {
				if tokens[g].Start != off[0] || tokens[g].End != off[1] || words[g] != word {
					return nil, nil, fmt.Errorf("ner: windows disagree about token %d", g)
				}
			} else {
				tokens[g] = Token{Start: off[0], End: off[1]}
				words[g] = word
			}
			margin := min(k, n-1-k)
			if plan[g].window < 0 || margin > plan[g].margin {
				plan[g] = slot{wi, j, margin}
			}
			k++
		}
		if k != n {
			return nil, nil, fmt.Errorf("ner: window %d has %d content tokens for range %d..%d", wi, k, w.First, w.Last)
		}
	}
	for g := range plan {
		if plan[g].window < 0 {
			return nil, nil, fmt.Errorf("ner: token %d of %d is in no window", g, total)
		}
	}
	for g := 1; g < total; g++ {
		if hasWords {
			tokens[g].Subword = words[g] >= 0 && words[g] == words[g-1]
		} else {
			// Hugging Face's fallback when the tokenizer gives no word
			// boundaries: a token continues a word unless whitespace is on
			// either side of its start.
			s := tokens[g].Start
			tokens[g].Subword = s > 0 && !spaceAround(text, s)
		}
	}
	return tokens, plan, nil
}

func spaceAround(text string, i int) bool {
	before, _ := utf8.DecodeLastRuneInString(text[:i])
	after, _ := utf8.DecodeRuneInString(text[i:])
	return unicode.IsSpace(before) || unicode.IsSpace(after)
}

// infer runs the classifier over the windows in batches and returns each
// token's probabilities.
func (r *Recognizer) infer(ctx context.Context, text string, windows []tokenize.Window, plan []slot, ntok int, eps float64, rng *rand.Rand) ([][]float64, error) {
	nl := r.cfg.Labels.Len()
	probs := make([][]float64, ntok)
	need := make([][]int, len(windows)) // window -> tokens it supplies
	for g, s := range plan {
		need[s.window] = append(need[s.window], g)
	}
	row := make([]float32, nl)
	for b := 0; b < len(windows); b += r.cfg.BatchSize {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		batch := windows[b:min(b+r.cfg.BatchSize, len(windows))]
		seq := 0
		for _, w := range batch {
			seq = max(seq, w.Len())
		}
		in := bert.Batch{
			IDs:     make([]int64, len(batch)*seq),
			Mask:    make([]int64, len(batch)*seq),
			TypeIDs: make([]int64, len(batch)*seq),
			Size:    len(batch),
			SeqLen:  seq,
		}
		for i, w := range batch {
			for j := 0; j < seq; j++ {
				if j < w.Len() {
					in.IDs[i*seq+j] = int64(w.IDs[j])
					in.Mask[i*seq+j] = 1
				} else {
					in.IDs[i*seq+j] = r.cfg.PadID
				}
			}
			if r.cfg.CaseChannel {
				copy(in.TypeIDs[i*seq:], tokenize.CaseTypes(text, &w.Encoding))
			}
		}
		logits, err := r.cfg.Classifier.Run(in)
		if err != nil {
			return nil, fmt.Errorf("ner: classifier: %w", err)
		}
		if len(logits) != len(batch)*seq*nl {
			return nil, fmt.Errorf("ner: classifier returned %d logits, want %d", len(logits), len(batch)*seq*nl)
		}
		for i := range batch {
			for _, g := range need[b+i] {
				base := (i*seq + plan[g].pos) * nl
				copy(row, logits[base:base+nl])
				if rng != nil {
					AddNoise(row, eps, rng)
				}
				probs[g] = make([]float64, nl)
				Softmax(row, probs[g])
			}
		}
	}
	return probs, nil
}
