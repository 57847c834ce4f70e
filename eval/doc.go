// Package eval measures Obscura: seqeval-equivalent entity metrics, the
// evaluation runner and its JSON reports, latency summaries, benchmark
// inputs and the product plan's go/no-go gates.
//
// Invariants:
//   - Metrics follow seqeval's default mode, which is conlleval's chunking:
//     an I- after O or after another type starts a chunk, B- always starts
//     one, a change of type ends one; a predicted chunk counts only when its
//     type, start and end equal a gold chunk's. Per-type rows cover every
//     type seen in gold or predictions; micro pools the counts, macro is the
//     unweighted mean of the rows; an empty denominator scores 0.
//   - Entities are byte offsets into the example text, half-open. Words of
//     pre-split CoNLL sentences are joined with single spaces; words of raw
//     texts come from synth.Tokenize (Python's \w+|[^\w\s]). A word's
//     predicted tag comes from the entity covering its first byte (the
//     first-subword rule).
//   - Types are compared after Canonical (PER → PERSON, ORG → ORGANIZATION,
//     LOC/GPE → LOCATION, presidio's names → ours). By default only the data
//     set's gold types are scored; other predictions are counted in
//     Outcome.Ignored, not silently lost.
//   - Percentiles interpolate linearly between closest ranks, as numpy's
//     default does.
//   - Reports never contain input text or entity values: only names,
//     counts, scores and timings. The PII-in-logs scan reports counts only.
//
// A Scorer is not safe for concurrent use; Evaluate calls its Detector from
// one goroutine.
package eval
