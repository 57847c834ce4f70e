package redact

import (
	"context"
	"io"
	"log/slog"
	"math"
	"time"
	"unicode/utf8"

	"github.com/obscura-ai/obscura/ner"
)

// DefaultMaxBytes is the largest text Redact accepts unless configured.
const DefaultMaxBytes = 1 << 20

// Config assembles an Engine.
type Config struct {
	// Recognizer is the NER model; nil makes a regex-only engine, for which
	// every request runs as ModeFast.
	Recognizer *ner.Recognizer
	// Defaults are the deployment's options; a request's zero fields fall
	// back to them (Mapping, Allow and Deny are per request only).
	Defaults Options
	// Types are the enabled entity types; nil means all the engine can
	// detect (patterns, the recognizer's types, dictionary types).
	Types []string
	// MRNContext are the words that introduce a medical record number; nil
	// means DefaultMRNContext.
	MRNContext []string
	// Dictionaries are deployment deny lists: type → terms.
	Dictionaries map[string][]string
	// Allow lists terms never redacted, for every request.
	Allow []string
	// MaxBytes bounds the text size; 0 means DefaultMaxBytes.
	MaxBytes int
	// Logger receives debug lines (sizes, counts, durations; never text).
	// nil discards them.
	Logger *slog.Logger
}

// Engine redacts text. It is immutable and safe for concurrent use.
type Engine struct {
	cfg     Config
	nerDet  *NERDetector
	regex   *RegexDetector
	dict    *DictionaryDetector
	allow   allowList
	enabled map[string]bool
	types   []string
	log     *slog.Logger
}

// NewEngine checks a configuration and builds an Engine.
func NewEngine(cfg Config) (*Engine, error) {
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	e := &Engine{cfg: cfg, log: cfg.Logger, enabled: map[string]bool{}}
	if e.log == nil {
		e.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := checkOptions(cfg.Defaults); err != nil {
		return nil, err
	}
	available := append([]string{}, PatternTypes...)
	if cfg.Recognizer != nil {
		e.nerDet = &NERDetector{Recognizer: cfg.Recognizer}
		available = append(available, cfg.Recognizer.Types()...)
	}
	e.dict = NewDictionaryDetector(cfg.Dictionaries)
	if e.dict != nil {
		available = append(available, e.dict.Types()...)
	}
	available = append(available, TypeCustom)
	if cfg.Types != nil {
		known := map[string]bool{}
		for _, t := range available {
			known[t] = true
		}
		for i, t := range cfg.Types {
			if !known[t] {
				return nil, inputErr(CodeBadOption, "types lists a type this engine cannot detect (entry %d)", i)
			}
		}
		available = cfg.Types
	}
	for _, t := range available {
		if !e.enabled[t] {
			e.enabled[t] = true
			e.types = append(e.types, t)
		}
	}
	e.regex = NewRegexDetector(e.types, cfg.MRNContext)
	e.allow = newAllowList(cfg.Allow)
	return e, nil
}

// Types lists the enabled entity types.
func (e *Engine) Types() []string { return append([]string(nil), e.types...) }

// HasModel reports whether the engine has an NER recognizer.
func (e *Engine) HasModel() bool { return e.nerDet != nil }

func checkOptions(o Options) error {
	switch o.Mode {
	case "", ModeFull, ModeFast:
	default:
		return inputErr(CodeBadOption, "mode must be full or fast")
	}
	if o.Threshold < 0 || o.Threshold > 1 || math.IsNaN(o.Threshold) {
		return inputErr(CodeBadOption, "threshold must be in [0,1]")
	}
	if o.Epsilon < 0 || math.IsNaN(o.Epsilon) {
		return inputErr(CodeBadOption, "epsilon must be positive (or +Inf for no noise)")
	}
	for _, v := range o.Thresholds {
		if !(v > 0 && v <= 1) {
			return inputErr(CodeBadOption, "a per-type threshold is outside (0, 1]")
		}
	}
	if _, err := ner.ParseAggregation(o.Aggregation); err != nil {
		return inputErr(CodeBadOption, "aggregation must be none, simple, first, average or max")
	}
	return nil
}

// ms converts a duration to milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Redact finds the personal data in text, masks it and returns the masked
// text, the mapping, the entities (with their tokens) and per-stage timings.
// Problems with the text or options are *InputError values.
func (e *Engine) Redact(ctx context.Context, text string, opts Options) (*Result, error) {
	t0 := time.Now()
	if err := e.checkText(text); err != nil {
		return nil, err
	}
	rq, err := e.request(opts)
	if err != nil {
		return nil, err
	}
	var res Result
	merged, err := e.detect(ctx, text, rq, &res.Timings)
	if err != nil {
		return nil, err
	}
	e.finish(text, merged, rq, rq.o.Mapping, nil, &res)
	res.Timings.Total = ms(time.Since(t0))
	e.log.Debug("redacted", "bytes", len(text), "entities", len(res.Entities), "mode", string(rq.o.Mode), "ms", res.Timings.Total)
	return &res, nil
}

// checkText refuses empty, invalid or oversized text.
func (e *Engine) checkText(text string) error {
	if text == "" {
		return inputErr(CodeEmptyText, "text is empty")
	}
	if !utf8.ValidString(text) {
		return inputErr(CodeInvalidUTF8, "text is not valid UTF-8")
	}
	if len(text) > e.cfg.MaxBytes {
		return inputErr(CodeTooLong, "text is %d bytes, the limit is %d", len(text), e.cfg.MaxBytes)
	}
	return nil
}

// requestOpts are one request's checked options with what follows from
// them.
type requestOpts struct {
	o         Options
	want      map[string]bool // types to detect
	prevTypes map[string]bool // types of earlier turns' values to propagate; nil = all
	allow     allowList
}

func (e *Engine) request(opts Options) (*requestOpts, error) {
	if err := checkOptions(opts); err != nil {
		return nil, err
	}
	o := e.withDefaults(opts)
	want := map[string]bool{}
	if len(o.Entities) == 0 {
		want = e.enabled
	}
	for i, t := range o.Entities {
		if !e.enabled[t] {
			// The value itself is not echoed: errors never carry caller text.
			return nil, inputErr(CodeBadOption, "entities[%d] is not an enabled entity type (see Engine.Types)", i)
		}
		want[t] = true
	}
	rq := &requestOpts{o: o, want: want, allow: e.allow}
	if len(o.Allow) > 0 {
		rq.allow = newAllowList(e.cfg.Allow, o.Allow)
	}
	// Earlier turns' values propagate whatever this engine can detect,
	// unless the request names its entity types.
	if len(o.Entities) > 0 {
		rq.prevTypes = want
	}
	return rq, nil
}

// detect runs the detectors on text, drops allow-listed values and merges
// what is left; it fills the detection timings.
func (e *Engine) detect(ctx context.Context, text string, rq *requestOpts, tm *Timings) ([]Entity, error) {
	o, want := rq.o, rq.want
	var found []Entity

	// Patterns and dictionaries.
	t1 := time.Now()
	rx, err := e.regex.detect(ctx, text, want)
	if err != nil {
		return nil, err
	}
	found = append(found, rx...)
	if e.dict != nil {
		ds, err := e.dict.Detect(ctx, text)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			if want[d.Type] {
				found = append(found, d)
			}
		}
	}
	// The request's deny list is always redacted, whatever o.Entities says.
	if deny := NewDictionaryDetector(map[string][]string{TypeCustom: o.Deny}); deny != nil {
		ds, err := deny.Detect(ctx, text)
		if err != nil {
			return nil, err
		}
		found = append(found, ds...)
	}
	tm.Regex = ms(time.Since(t1))

	// The model.
	if e.nerDet != nil && o.Mode != ModeFast {
		nopts := ner.Options{Threshold: o.Threshold, Thresholds: o.Thresholds, Aggregation: ner.Aggregation(o.Aggregation), Epsilon: o.Epsilon, Seed: o.Seed, Types: want}
		ents, st, err := e.nerDet.detect(ctx, text, nopts)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			e.log.Error("ner failed", "bytes", len(text), "err", err)
			return nil, err
		}
		tm.Tokenize, tm.Infer, tm.Decode = ms(st.Tokenize), ms(st.Infer), ms(st.Decode)
		found = append(found, ents...)
	}

	// Allow list and merge.
	t2 := time.Now()
	kept := found[:0]
	for _, f := range found {
		if !rq.allow.allowed(text[f.Start:f.End]) {
			kept = append(kept, f)
		}
	}
	merged := Merge(kept)
	tm.Merge = ms(time.Since(t2))
	return merged, nil
}

// finish propagates the values (of merged, of prev, and extra ones from
// other messages of a conversation), covers the token-like strings already
// in the text, and masks it with prev's tokens; it fills res.
func (e *Engine) finish(text string, merged []Entity, rq *requestOpts, prev Mapping, extra []propValue, res *Result) {
	t2 := time.Now()
	merged = propagate(text, merged, prev, rq.prevTypes, rq.allow, extra)
	lits := newTokenScanner(e.literalTypes(prev), true).findAll(text)
	merged = coverLiterals(merged, lits)
	res.Timings.Merge += ms(time.Since(t2))

	t3 := time.Now()
	res.MaskedText, res.Mapping = mask(text, merged, prev)
	res.Entities = merged
	if res.Entities == nil {
		res.Entities = []Entity{}
	}
	res.Timings.Mask = ms(time.Since(t3))
}

// literalTypes are the type names whose token-like strings in the input
// must be masked: every type a restore of this engine's output may know.
func (e *Engine) literalTypes(prev Mapping) []string {
	types := append(append([]string{}, BuiltinTypes...), e.types...)
	return append(types, restoreTypes(prev)...)
}

func (e *Engine) withDefaults(o Options) Options {
	d := e.cfg.Defaults
	if o.Mode == "" {
		o.Mode = d.Mode
	}
	if o.Mode == "" {
		o.Mode = ModeFull
	}
	if e.nerDet == nil {
		o.Mode = ModeFast
	}
	if o.Threshold == 0 {
		o.Threshold = d.Threshold
	}
	if o.Thresholds == nil {
		o.Thresholds = d.Thresholds
	}
	if o.Epsilon == 0 {
		o.Epsilon = d.Epsilon
	}
	if o.Aggregation == "" {
		o.Aggregation = d.Aggregation
	}
	if len(o.Entities) == 0 {
		o.Entities = d.Entities
	}
	if o.Seed == nil {
		o.Seed = d.Seed
	}
	return o
}

// NERDetector adapts an ner.Recognizer to the Detector interface; its
// entities have Source "ner".
type NERDetector struct {
	Recognizer *ner.Recognizer
	Options    ner.Options // used by Detect
}

func (d *NERDetector) Name() string    { return SourceNER }
func (d *NERDetector) Types() []string { return d.Recognizer.Types() }

// Detect runs the recognizer with d.Options.
func (d *NERDetector) Detect(ctx context.Context, text string) ([]Entity, error) {
	es, _, err := d.detect(ctx, text, d.Options)
	return es, err
}

func (d *NERDetector) detect(ctx context.Context, text string, o ner.Options) ([]Entity, ner.Stats, error) {
	ents, st, err := d.Recognizer.RecognizeStats(ctx, text, o)
	if err != nil {
		return nil, st, err
	}
	out := make([]Entity, len(ents))
	for i, n := range ents {
		out[i] = Entity{Type: n.Type, Start: n.Start, End: n.End, Score: n.Score, Source: SourceNER}
	}
	return out, st, nil
}
