// Package tokenize is a pure-Go WordPiece tokenizer that reproduces Hugging
// Face's `tokenizers` output (BertNormalizer, BertPreTokenizer, WordPiece,
// TemplateProcessing) and keeps, for every token, the exact byte range of
// the original input it came from.
//
// Invariants: offsets are byte offsets into the caller's string, half-open,
// monotonic and on UTF-8 boundaries; special tokens carry [0,0]. A Tokenizer
// is immutable after loading and safe for concurrent use.
package tokenize
