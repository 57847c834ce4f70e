package ner

import (
	"fmt"
	"math"
)

// Aggregation is how token predictions become entities. The strategies follow
// the Hugging Face token-classification pipeline:
//
//   - none: every token whose best label is not O is its own entity.
//   - simple: tokens are labelled by their best class, then consecutive tokens
//     of one tag are grouped (a B- label starts a new entity); the entity
//     score is the mean of the tokens' best-class probabilities.
//   - first, average, max: subword tokens are first fused into words; the
//     word takes the label of its first token (first), of the mean of its
//     tokens' probability vectors (average), or of its single most confident
//     token (max); words are then grouped as in simple.
type Aggregation string

const (
	AggNone    Aggregation = "none"
	AggSimple  Aggregation = "simple"
	AggFirst   Aggregation = "first"
	AggAverage Aggregation = "average"
	AggMax     Aggregation = "max"
)

// DefaultAggregation is the bundle schema's default strategy.
const DefaultAggregation = AggSimple

// DefaultThreshold is the bundle schema's default confidence threshold.
const DefaultThreshold = 0.85

// ParseAggregation checks an aggregation name; "" means DefaultAggregation.
func ParseAggregation(s string) (Aggregation, error) {
	switch a := Aggregation(s); a {
	case "":
		return DefaultAggregation, nil
	case AggNone, AggSimple, AggFirst, AggAverage, AggMax:
		return a, nil
	}
	return "", fmt.Errorf("ner: unknown aggregation strategy (want none, simple, first, average or max)")
}

// Token is one content token of a text as the decoder sees it.
type Token struct {
	Start, End int // byte offsets into the text, half-open
	// Subword is true when the token continues the word of the token before
	// it (a WordPiece "##" piece). Only first, average and max use it.
	Subword bool
}

// Entity is one entity found by the model.
type Entity struct {
	Type  string  // entity type after the label map: PERSON, LOCATION, ...
	Start int     // byte offset, inclusive
	End   int     // byte offset, exclusive
	Score float64 // aggregated probability in [0,1]
}

// DecodeOptions control decoding of one text.
type DecodeOptions struct {
	Aggregation Aggregation // "" means DefaultAggregation
	// Threshold is the minimum entity score; 0 means DefaultThreshold.
	Threshold float64
	// Thresholds overrides Threshold per entity type (after the label map).
	Thresholds map[string]float64
	// Types, when non-nil, lists the entity types to keep; others are dropped.
	Types map[string]bool
}

func (o *DecodeOptions) threshold(typ string) float64 {
	if t, ok := o.Thresholds[typ]; ok {
		return t
	}
	if o.Threshold > 0 {
		return o.Threshold
	}
	return DefaultThreshold
}

// Softmax turns one row of logits into probabilities, in float64.
func Softmax(logits []float32, out []float64) {
	m := math.Inf(-1)
	for _, v := range logits {
		m = math.Max(m, float64(v))
	}
	var sum float64
	for i, v := range logits {
		e := math.Exp(float64(v) - m)
		out[i] = e
		sum += e
	}
	for i := range out {
		out[i] /= sum
	}
}

// item is a token or a word with its chosen label.
type item struct {
	start, end int
	class      int
	score      float64
}

// Decode turns per-token probabilities (probs[i] is token i's distribution
// over labels) into entities, sorted by start offset.
func Decode(tokens []Token, probs [][]float64, labels *Labels, opts DecodeOptions) ([]Entity, error) {
	if len(tokens) != len(probs) {
		return nil, fmt.Errorf("ner: %d tokens but %d score rows", len(tokens), len(probs))
	}
	for i, p := range probs {
		if len(p) != labels.Len() {
			return nil, fmt.Errorf("ner: token %d has %d scores for %d labels", i, len(p), labels.Len())
		}
	}
	agg, err := ParseAggregation(string(opts.Aggregation))
	if err != nil {
		return nil, err
	}
	var items []item
	switch agg {
	case AggNone, AggSimple:
		items = make([]item, len(tokens))
		for i, t := range tokens {
			c := argmax(probs[i])
			items[i] = item{t.Start, t.End, c, probs[i][c]}
		}
	default:
		items = aggregateWords(tokens, probs, agg)
	}

	var out []Entity
	keep := func(tag string, start, end int, score float64) {
		typ := labels.Type(tag)
		if opts.Types != nil && !opts.Types[typ] {
			return
		}
		if score < opts.threshold(typ) {
			return
		}
		out = append(out, Entity{Type: typ, Start: start, End: end, Score: score})
	}
	if agg == AggNone {
		for _, it := range items {
			if l := labels.Class(it.class); l.Prefix != 'O' {
				keep(l.Tag, it.start, it.end, it.score)
			}
		}
		return out, nil
	}
	// Group with IOB2 repair: an I-X that does not follow B-X or I-X starts
	// a new entity, exactly as a B-X would.
	for i := 0; i < len(items); {
		l := labels.Class(items[i].class)
		j := i + 1
		for j < len(items) {
			n := labels.Class(items[j].class)
			if n.Prefix != 'I' || n.Tag != l.Tag || l.Prefix == 'O' {
				break
			}
			j++
		}
		if l.Prefix != 'O' {
			var sum float64
			for _, it := range items[i:j] {
				sum += it.score
			}
			keep(l.Tag, items[i].start, items[j-1].end, sum/float64(j-i))
		}
		i = j
	}
	return out, nil
}

// aggregateWords fuses subword tokens into words (Hugging Face's
// aggregate_words) and labels each word.
func aggregateWords(tokens []Token, probs [][]float64, agg Aggregation) []item {
	var out []item
	for i := 0; i < len(tokens); {
		j := i + 1
		for j < len(tokens) && tokens[j].Subword {
			j++
		}
		var class int
		var score float64
		switch agg {
		case AggFirst:
			class = argmax(probs[i])
			score = probs[i][class]
		case AggMax:
			best := i
			for k := i + 1; k < j; k++ {
				if probs[k][argmax(probs[k])] > probs[best][argmax(probs[best])] {
					best = k
				}
			}
			class = argmax(probs[best])
			score = probs[best][class]
		case AggAverage:
			avg := make([]float64, len(probs[i]))
			for k := i; k < j; k++ {
				for c, p := range probs[k] {
					avg[c] += p
				}
			}
			for c := range avg {
				avg[c] /= float64(j - i)
			}
			class = argmax(avg)
			score = avg[class]
		}
		out = append(out, item{tokens[i].Start, tokens[j-1].End, class, score})
		i = j
	}
	return out
}

// argmax returns the first index of the largest value (numpy's tie rule).
func argmax(p []float64) int {
	best := 0
	for i, v := range p {
		if v > p[best] {
			best = i
		}
	}
	return best
}
