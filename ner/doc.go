// Package ner turns a token classifier's logits into entities: softmax with a
// confidence threshold, optional Laplace noise on the logits (differential
// privacy), IOB2 repair, Hugging Face aggregation strategies, label-to-type
// mapping, and windowing of long text with the windows' entities merged.
//
// Pipeline of Recognizer.Recognize: the Tokenizer cuts the text into
// overlapping windows (default 512 tokens, stride 128); every token of the
// whole text takes its scores from the one window in which it sits farthest
// from an edge, so each token is decoded exactly once and entities that
// straddle a window edge come out whole. The Classifier runs the windows in
// padded batches; Laplace(0, Sensitivity/ε) noise is added to each logit
// (when ε is finite), then softmax; Decode aggregates (none, simple, first,
// average, max, as Hugging Face's token-classification pipeline does, with
// subwords fused into words by the tokenizer's word ids), repairs IOB2 (an
// I-X that does not continue an X starts a new entity), maps tags to types
// (PER→PERSON, LOC→LOCATION, ORG→ORGANIZATION, MISC→MISC by default) and
// drops entities under the confidence threshold (default 0.85) or of types
// not enabled. Thresholds may be set per type: tuned on a validation split
// and stored in a bundle's metadata.json ("thresholds"), which Load hands
// to the decoder; a request's (or an operator's) single threshold replaces
// them, and a request's per-type thresholds override single types.
//
// Invariants: entity offsets are byte offsets into the input, half-open;
// text longer than one model window is never silently truncated (a window
// gap is an error); the effective ε is min(deployment ε, request ε), so a
// request can add noise but not remove the deployment's. Noise is drawn from
// a ChaCha8 source seeded by the caller (reproducible) or from crypto/rand.
// A Recognizer is immutable and safe for concurrent use when its Classifier
// is. Errors never contain input text.
package ner
