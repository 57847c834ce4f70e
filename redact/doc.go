// Package redact finds personal data in text and replaces it with reversible
// tokens. It owns the entity and detector types; the NER model is one
// detector among regex/checksum detectors and user dictionaries. Spans from
// all detectors are merged by the product plan's conflict rules, masked as
// [TYPE_N] tokens, and restored from the mapping afterwards.
//
// Invariants: offsets are byte offsets, spans half-open; every masked byte is
// masked exactly once; the token format is [PERSON_1]; restore(redact(x))
// == x. An Engine is safe for concurrent use. No error or log line carries
// input text or entity values.
package redact
