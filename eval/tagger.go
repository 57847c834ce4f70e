package eval

import (
	"context"
	"errors"
	"fmt"

	"github.com/obscura-ai/obscura/bert"
	"github.com/obscura-ai/obscura/tokenize"
)

// WordTagger labels each word with the model's label for the word's first
// subword token, without the entity decoder: the usual way a token
// classifier is scored on CoNLL, and the method of the baseline model's
// published figures. It is safe for concurrent use when the model is.
type WordTagger struct {
	tok    *tokenize.Tokenizer
	model  *bert.Model
	labels []string
	// CaseChannel runs the model with the case channel as token types
	// (for bundles whose schema declares it).
	CaseChannel bool
}

// NewWordTagger checks that labels (id2label, one per logit column) fit the
// model.
func NewWordTagger(tok *tokenize.Tokenizer, model *bert.Model, labels []string) (*WordTagger, error) {
	if model.NumLabels() != len(labels) {
		return nil, fmt.Errorf("eval: model has %d labels, config %d", model.NumLabels(), len(labels))
	}
	return &WordTagger{tok: tok, model: model, labels: labels}, nil
}

// Detect is not supported: a WordTagger is scored with RunOptions.Tags.
func (w *WordTagger) Detect(ctx context.Context, text string) ([]Entity, error) {
	return nil, errors.New("eval: the word tagger scores tags only")
}

// TagWords runs the model once on the example's text (a text longer than
// the model's positions is an error) and reads each word's first-subword
// label. A word with no token of its own (all its characters dropped by
// the tokenizer) is O.
func (w *WordTagger) TagWords(ctx context.Context, ex Example) ([]string, error) {
	enc := w.tok.Encode(ex.Text)
	if mp := w.model.MaxPositions(); mp > 0 && enc.Len() > mp {
		return nil, fmt.Errorf("eval: %d tokens exceed the model's %d positions", enc.Len(), mp)
	}
	ids := make([]int64, enc.Len())
	for i, v := range enc.IDs {
		ids[i] = int64(v)
	}
	b := bert.Batch{IDs: ids, Size: 1, SeqLen: len(ids)}
	if w.CaseChannel {
		b.TypeIDs = tokenize.CaseTypes(ex.Text, &enc)
	}
	logits, err := w.model.Run(b)
	if err != nil {
		return nil, err
	}
	nl := len(w.labels)
	tags := make([]string, len(ex.Words))
	t := 0
	for k, wd := range ex.Words {
		tags[k] = "O"
		for t < enc.Len() && (enc.Special[t] || enc.Offsets[t][0] < wd.Start) {
			t++
		}
		if t < enc.Len() && enc.Offsets[t][0] < wd.End {
			row := logits[t*nl : (t+1)*nl]
			best := 0
			for c := range row {
				if row[c] > row[best] {
					best = c
				}
			}
			tags[k] = w.labels[best]
		}
	}
	return tags, nil
}
