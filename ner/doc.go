// Package ner turns a token classifier's logits into entities: softmax with a
// confidence threshold, optional Laplace noise on the logits (differential
// privacy), IOB2 repair, Hugging Face aggregation strategies, label-to-type
// mapping, and windowing of long text with the windows' entities merged.
//
// Invariants: entity offsets are byte offsets into the input, half-open; text
// longer than one model window is never silently truncated.
package ner
