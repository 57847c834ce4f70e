package ner

import (
	"fmt"

	"github.com/obscura-ai/obscura/bert"
	"github.com/obscura-ai/obscura/tokenize"
	"github.com/obscura-ai/obscura/weights"
)

// LoadOptions adjust a Recognizer loaded from a model directory. Zero
// values take the model's schema (threshold, aggregation, window length) or
// the package defaults.
type LoadOptions struct {
	Bert      bert.Options
	TypeMap   map[string]string // nil means DefaultTypeMap
	Types     []string          // nil means every type of the labels
	Threshold float64
	// Thresholds override per type (after the type map) the bundle's tuned
	// per-type thresholds (metadata.json thresholds).
	Thresholds  map[string]float64
	Aggregation Aggregation
	Epsilon     float64
	Stride      int
	BatchSize   int
}

// Load builds a Recognizer from a Hugging Face model directory or an
// Obscura bundle: the tokenizer, the ONNX graph on the Go runtime, the
// labels from config.json, the schema's threshold, aggregation and maximum
// sequence length, a bundle's per-type thresholds (metadata.json
// thresholds, keyed by type or by the model's tag) and its recorded ε
// (metadata.json privacy) as the deployment ε unless LoadOptions.Epsilon is
// set. A LoadOptions.Threshold replaces the schema's threshold and the
// bundle's per-type ones alike (the operator asked for one number);
// LoadOptions.Thresholds then override single types.
func Load(dir string, o LoadOptions) (*Recognizer, *weights.Model, error) {
	wm, err := weights.Load(dir)
	if err != nil {
		return nil, nil, err
	}
	if err := wm.RequireONNX(); err != nil {
		return nil, nil, err
	}
	tok, err := tokenize.Load(wm.TokenizerDir)
	if err != nil {
		return nil, nil, err
	}
	graph := wm.Graph
	wm.Graph = nil // bert consumes the parsed graph read by weights.Load
	model, err := bert.FromONNX(graph, o.Bert)
	if err != nil {
		return nil, nil, err
	}
	labels, err := NewLabels(wm.Labels(), o.TypeMap)
	if err != nil {
		return nil, nil, err
	}
	cfg := Config{
		Tokenizer:   tok,
		Classifier:  model,
		Labels:      labels,
		MaxLen:      wm.Schema.MaxSequenceLength,
		Stride:      o.Stride,
		BatchSize:   o.BatchSize,
		Threshold:   wm.Schema.ConfidenceThreshold,
		Aggregation: Aggregation(wm.Schema.Aggregation),
		CaseChannel: wm.Schema.CaseChannel,
		Epsilon:     o.Epsilon,
		Types:       o.Types,
	}
	if mp := model.MaxPositions(); mp > 0 && (cfg.MaxLen == 0 || cfg.MaxLen > mp) {
		cfg.MaxLen = mp
	}
	if _, _, pad, _ := tok.SpecialIDs(); pad >= 0 {
		cfg.PadID = int64(pad)
	}
	// A bundle's metadata.json may fix the deployment's noise; the caller's
	// ε, when set, replaces it (a request can still only add noise).
	if md := wm.Metadata; md != nil && md.Privacy.Epsilon != nil && cfg.Epsilon == 0 {
		p := md.Privacy
		if (p.Sensitivity != 0 && p.Sensitivity != Sensitivity) || (p.NoiseLayer != "" && p.NoiseLayer != NoiseLayer) {
			return nil, nil, fmt.Errorf("ner: model %s asks for noise with sensitivity %g at layer %q; this engine adds it with sensitivity %g at %q", wm.Dir, p.Sensitivity, p.NoiseLayer, Sensitivity, NoiseLayer)
		}
		cfg.Epsilon = *p.Epsilon
	}
	if md := wm.Metadata; md != nil && len(md.Thresholds) > 0 && o.Threshold == 0 {
		cfg.Thresholds = map[string]float64{}
		for k, v := range md.Thresholds {
			cfg.Thresholds[labels.Type(k)] = v
		}
	}
	if o.Threshold > 0 {
		cfg.Threshold = o.Threshold
	}
	if len(o.Thresholds) > 0 {
		if cfg.Thresholds == nil {
			cfg.Thresholds = map[string]float64{}
		}
		for k, v := range o.Thresholds {
			cfg.Thresholds[k] = v
		}
	}
	if o.Aggregation != "" {
		cfg.Aggregation = o.Aggregation
	}
	r, err := NewRecognizer(cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("ner: model %s: %w", wm.Dir, err)
	}
	return r, wm, nil
}
