// Package tokenize is a pure-Go WordPiece tokenizer that reproduces Hugging
// Face's `tokenizers` output (BertNormalizer, BertPreTokenizer, WordPiece,
// TemplateProcessing/BertProcessing, added tokens) and keeps, for every
// token, the exact byte range of the original input it came from.
//
// Load reads a model directory (tokenizer.json, or vocab.txt with
// tokenizer_config.json); any other normalizer, pre-tokenizer, model or
// post-processor, and added tokens with lstrip, rstrip, single_word or
// normalized set, are refused with an error wrapping ErrUnsupported that
// names the component. Encode gives [CLS] ... [SEP] without truncation;
// EncodeWindows splits long text into model-sized, overlapping windows.
//
// Fidelity: ids, offsets and word ids are identical to Hugging Face's on
// the golden corpus (testdata/tokenize, written by scripts/goldens). The
// Rust library classifies characters with its own, older Unicode tables;
// unicode_tables.go holds those classes as probed from the library on every
// code point, and unicode_extra.go the few case and NFD mappings where Go's
// Unicode version differs.
//
// Invariants:
//   - offsets are byte offsets into the caller's string, half-open, within
//     bounds, non-empty and on UTF-8 boundaries (an invalid byte counts as
//     one character, read as U+FFFD, which clean_text removes);
//   - offsets are monotonic: starts and ends never decrease. Consecutive
//     tokens share bytes only when one original character normalizes to
//     several characters that land in different pieces (the jamo of a
//     Hangul syllable, for instance); both then carry that character's
//     whole range;
//   - characters removed by normalization (controls, zero-width and
//     format characters, stripped accents) are in no token's range unless
//     they lie between that token's first and last kept character;
//   - special tokens added around the text carry [0,0] and Special true;
//     an added token written in the text (a literal "[MASK]") keeps its
//     real offsets and has Special false, as Hugging Face's
//     special_tokens_mask;
//   - WordIDs index the pre-tokenized words of the whole text, as Hugging
//     Face's word_ids; -1 for special tokens.
//
// A Tokenizer is immutable after loading and safe for concurrent use.
package tokenize
