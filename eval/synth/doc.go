// Package synth generates seeded, reproducible synthetic labelled data for
// Obscura: enterprise LLM prompts and clinical notes that carry fake personal
// and health data, with exact gold spans.
//
// It has two generators.
//
//   - Generate (synth.go, templates.go) is the first one: 30 templates per
//     domain, the fixed evaluation sets of the committed reports. Its output
//     is pinned by a golden file and does not change.
//   - GenerateSplit / GenerateWith (generate.go) make training, validation
//     and test data that generalises: 11 document styles (e-mail, ticket,
//     CRM, chat, LLM prompt; nursing note, progress note, discharge summary,
//     referral letter, ED triage, clinical prompt) assembled from frames
//     (frames_*.go) written in a small template language (frame.go) with
//     slots (slots.go) filled from split vocabularies (lexicon*.go), and a
//     share of documents cased wholesale (upper-case nursing notes,
//     lower-case chat). docs/data.md describes the labels and the split.
//
// Invariants:
//   - Both generators are pure functions of their arguments: the same
//     arguments give byte-identical output on every run and platform. Every
//     random choice is drawn from PCG sources seeded from the seed.
//   - Span offsets are byte offsets into Sample.Text, half-open [Start, End),
//     sorted, non-overlapping, and Text[Start:End] == Value.
//   - Every span boundary is also a token boundary of Tokenize (runs of
//     letters, numbers and underscores, or single other non-space
//     characters), so the IOB2 tags of the CoNLL output encode the spans
//     exactly.
//   - SSNs, MRNs, NPIs and card numbers are valid by construction (ValidSSN,
//     ValidMRN, ValidNPI, Luhn), and never real: SSN areas avoid 000, 666 and
//     900-999, and the values come from a seeded generator.
//   - Split disjointness: every frame skeleton and every open-class
//     vocabulary value belongs to exactly one of train, valid and test, and
//     GenerateWith draws only from its split's frames and values, so valid
//     and test text uses frames and names, places, organisations, drugs,
//     conditions, job titles and nationalities that train never contains.
//     Closed classes (honorifics, credentials, units, routes, frequencies,
//     months, street types, US state codes, e-mail domains) are shared.
//
// Labels: PERSON, TITLE (honorifics such as "Dr." and "Mrs." as spans of
// their own before the PERSON, job titles, credentials such as "RN"), AGE
// (the number alone), DATE (dates, times, years, weekdays), ORGANIZATION,
// LOCATION, ADDRESS, MEDICATION (the drug name), DOSAGE (strength or count
// and form, with route and frequency when they follow directly), CONDITION,
// MISC (nationalities and groups), and the structured SSN, PHONE, EMAIL,
// MRN, NPI and CREDIT_CARD. Vitals, labs, pain scores, bed numbers, ticket
// numbers and amounts are written but never labelled.
//
// The vocabularies are written for this package, beside gofakeit's data
// tables (PROVENANCE). Nothing here is safe to mutate concurrently; the
// generators keep no shared mutable state (the parsed frames and
// vocabularies are built once and read-only) and may run concurrently.
package synth
