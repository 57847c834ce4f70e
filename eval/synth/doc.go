// Package synth generates seeded, reproducible synthetic evaluation data for
// Obscura: enterprise LLM prompts and clinical notes that carry fake personal
// and health data, with exact gold spans.
//
// Invariants:
//   - Generate is a pure function of (domain, seed, n): the same arguments give
//     byte-identical output on every run and platform. Every random choice,
//     including gofakeit's, is drawn from PCG sources seeded from the seed.
//   - Span offsets are byte offsets into Sample.Text, half-open [Start, End),
//     sorted, non-overlapping, and Text[Start:End] == Value.
//   - Every span boundary is also a token boundary of Tokenize (runs of
//     letters, numbers and underscores, or single other non-space
//     characters), so the IOB2 tags of the CoNLL output encode the spans
//     exactly.
//   - SSNs, MRNs, NPIs and card numbers are valid by construction (ValidSSN,
//     ValidMRN, ValidNPI, Luhn), and never real: SSN areas avoid 000, 666 and
//     900-999, and the values come from a seeded generator.
//
// The medication, condition and hospital vocabularies are written for this
// package. Nothing here is safe to mutate concurrently; Generate itself keeps
// no shared state and may run concurrently.
package synth
