package tokenize

// Encoding is the tokenization of one text (or one window of it).
//
// All slices have the same length. Offsets are byte offsets into the text
// that was passed to Encode (for windows: into the whole text), half-open.
// Special tokens ([CLS], [SEP], ...) have Offsets [0,0] and Special true.
type Encoding struct {
	IDs     []int32
	Offsets [][2]int
	Special []bool
	// WordIDs gives, for each token, the index of the pre-tokenized word it
	// belongs to (counted over the whole text), or -1 for special tokens.
	WordIDs []int
}

// Len is the number of tokens.
func (e *Encoding) Len() int { return len(e.IDs) }

// Window is one model-sized piece of a long text. Its Encoding starts with
// [CLS] and ends with [SEP]; its offsets refer to the whole text.
type Window struct {
	Encoding
	// First and Last are the indexes, in the whole text's sequence of
	// non-special tokens, of this window's first and one-past-last content
	// token. Consecutive windows overlap by the configured stride.
	First, Last int
}
