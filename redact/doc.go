// Package redact finds personal data in text and replaces it with reversible
// tokens. It owns the entity and detector types; the NER model is one
// detector among regex/checksum detectors and user dictionaries. Spans from
// all detectors are merged by the product plan's conflict rules, masked as
// [TYPE_N] tokens, and restored from the mapping afterwards.
//
// Invariants: offsets are byte offsets, spans half-open; every masked byte is
// masked exactly once; the token format is [PERSON_1]; restore(redact(x))
// == x. An Engine is safe for concurrent use; a StreamRestorer is not. No
// error or log line carries input text or entity values (not even an
// unknown option value: errors name the option, not what was passed).
//
// # Detectors
//
// Every entity has a type, byte offsets, a score and a source ("ner",
// "regex", "dictionary", "literal" for token-like input, or "propagated"
// for a further occurrence of a detected value; both below).
//
//   - NER (NERDetector over ner.Recognizer): the labels' types — PERSON,
//     LOCATION, ORGANIZATION, MISC for the CoNLL model; also DATE, AGE,
//     TITLE, MEDICATION, CONDITION, DOSAGE for a PII/PHI model.
//   - Regex with validation (RegexDetector): SSN (area not 000/666/9xx, group
//     not 00, serial not 0000; dashed, spaced or bare — bare nine digits only
//     with "SSN"/"social security"/... in the 40 bytes before, because bare
//     nine-digit numbers are mostly order numbers and ids); PHONE (NANP with
//     optional +1 and extension; E.164/international with + or 00; national
//     numbers with a leading 0 or a bracketed area code; loosely grouped or
//     bare digits only after a word like "phone", "fax" or "call"); EMAIL;
//     MRN (the number after a context word, DefaultMRNContext or
//     Config.MRNContext); CREDIT_CARD (12–19 digits, Luhn, a major issuer
//     prefix, one separator kind); IP (v4 and v6, parsed by net/netip);
//     DATE (ISO with optional time, m/d/y or d/m/y when either reading is a
//     real date, textual with capitalised month names; a weekday is not a
//     date here); URL (scheme or www., trailing punctuation
//     trimmed); US street ADDRESS (number, capitalised street name, suffix,
//     optional unit and "City, ST 12345"; PO boxes; military PSC/Unit boxes;
//     a lone Apt/Suite); NPI (10 digits, 1 or 2 first, Luhn over the 80840
//     prefix, and only after "NPI"/"national provider": a Luhn-valid
//     10-digit number is otherwise just as likely a phone number); IBAN
//     (registered country and length, ISO 7064 mod 97).
//   - Clinical detectors (clinical_patterns.go), for what notes write:
//     DATE without a year (7/22; not a score, vital, dose, fraction or
//     card expiry), JAN-05-2019, bare years in history context (S/P MI
//     1992, in 2004, (2011); never a lab value or quantity), times (14:30,
//     2 PM, and 0800 after a time word, beside a date or opening a note's
//     line: times are DATE, the plan has no TIME type; a date with its
//     time, "7/27 @ 1:25 PM", is one span); AGE (the number of 58 YEAR OLD,
//     58 yo, 58 y/o, 58-year-old, aged 58, and 58M/52 F where a patient
//     description opens, never a temperature); PHONE extensions (EXT. 12,
//     X22 after a number, x1234 after a phone word); PERSON after a title
//     (DR. JANE DOE, Mr. Smith; MR./MS. need their dot), a field label
//     (PT:, PATIENT NAME:, SURGEON:) or a relation word (WIFE ROSA
//     DELACROIX, DAUGHTER (SUSAN MCALLISTER)), capitalised tokens that are
//     not common note words.
//   - Dictionary (DictionaryDetector): deny lists, whole-word and
//     case-insensitive; deployment lists keep their configured type, the
//     request's Options.Deny terms are CUSTOM and are always redacted, even
//     when Options.Entities does not name CUSTOM.
//   - Allow list: a detected span whose value equals an allow-listed term
//     (case-insensitive, surrounding space ignored) is dropped before the
//     merge, whatever detector found it.
//
// # Merging
//
// See Merge: exact overlap → pattern wins for structured types, model wins
// for semantic types; partial overlap → longer wins; nested → outer wins; no
// overlap → both. Ties between equally long spans go to a structured rule
// entity, then the model, then a semantic rule entity, then the higher
// score, the earlier start, and names in alphabetical order.
//
// # Value propagation
//
// Once a value is detected anywhere in a request, or has a token in
// Options.Mapping from earlier turns, every other whole-word occurrence of
// it is masked too, whatever the detectors said there (Source
// "propagated"; they lose ties in Merge). Names (PERSON, LOCATION,
// ORGANIZATION) match case-insensitively, a one-word name not onto an
// all-lower-case word; other types match exactly. Values with fewer than
// two letters or digits, or digits only and fewer than five, are not
// propagated. An exact occurrence gets its value's token; a case variant
// gets its own token of the same type, so that restore stays byte-exact.
// The scan is one pass over the text (propagate.go). RedactConversation
// applies the same rule across all messages of a conversation: a value
// found in any message is masked in every message, with one mapping.
//
// # Tokens and token-like input
//
// Tokens are [TYPE_N], numbered per type in order of first appearance; a
// value gets one token per request and, with Options.Mapping from earlier
// turns, per conversation (numbering continues after the highest number in
// use). The returned mapping is the previous one plus the new tokens.
//
// Input that already contains something restore would read as a token —
// "[PERSON_1]", "person_1", "<SSN_2>", "[Person 3]", or any "[NAME_N]" — is
// not left in the masked text, where it would be mistaken for ours: each
// such string is masked itself as a TOKEN entity ("[TOKEN_1]" ↦
// "[PERSON_1]"), or fused into the detected span it straddles. The
// redaction side finds these with the restore grammar minus its
// word-boundary checks, so it finds a superset of what restore could ever
// match. Hence the only tokens in masked text are ours, and restore gives
// the input back byte for byte. Plain prose such as "Date 2" is not a token
// form (a token needs brackets or an '_'), so it is left alone.
//
// # Restore
//
// Restore and StreamRestorer accept the canonical form and the forms an LLM
// tends to produce (case, spacing, '<>' or missing brackets; grammar in
// tokens.go) for the built-in types and every type in the mapping. Tokens
// not in the mapping are left as they are and reported, canonically, as
// unresolved. The streaming restorer holds back only what could still become
// part of a token (and incomplete UTF-8), and its output for any chunking
// equals Restore's.
package redact
