package tokenize

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Tokenizer is a loaded BERT WordPiece tokenizer. It is immutable after
// Load/LoadFile and safe for concurrent use.
type Tokenizer struct {
	norm normalizer

	// first holds the word-initial pieces; cont holds the continuation
	// pieces without the continuing-subword prefix, so that no lookup has
	// to build a prefixed string.
	first, cont *trie
	contPrefix  string
	maxChars    int
	unkID       int32

	// all maps every token (vocabulary and added) to its id, for TokenID;
	// names is its inverse, for Token.
	all       map[string]int32
	names     []string
	vocabSize int

	// added are the tokens matched in the raw text before normalization,
	// longest first; addedStart marks the bytes such a token can start with.
	added      []addedToken
	addedStart [256]bool

	// head and tail are the post-processor's special tokens around $A.
	head, tail []int32
	padID      int32

	maxLen int

	scratch sync.Pool // *encoder
}

type addedToken struct {
	content string
	id      int32
}

// normalizer holds BertNormalizer's options.
type normalizer struct {
	cleanText, handleCJK, stripAccents, lowercase bool
}

func newTokenizer(vocab map[string]int32, unk, prefix string, maxChars int, norm normalizer) (*Tokenizer, error) {
	if len(vocab) == 0 {
		return nil, fmt.Errorf("tokenize: empty vocabulary")
	}
	unkID, ok := vocab[unk]
	if !ok {
		return nil, fmt.Errorf("tokenize: unk_token %q is not in the vocabulary", unk)
	}
	t := &Tokenizer{
		norm:       norm,
		contPrefix: prefix,
		maxChars:   maxChars,
		unkID:      unkID,
		all:        make(map[string]int32, len(vocab)+8),
		maxLen:     defaultMaxLen,
		padID:      -1,
	}
	cont := make(map[string]int32)
	for tok, id := range vocab {
		if rest, ok := strings.CutPrefix(tok, prefix); ok {
			cont[rest] = id
		}
		t.all[tok] = id
		t.vocabSize = max(t.vocabSize, int(id)+1)
	}
	t.first = newTrie(vocab)
	t.cont = newTrie(cont)
	return t, nil
}

func (t *Tokenizer) addToken(a addedTokenJSON) error {
	if a.Content == "" {
		return nil
	}
	switch {
	case a.SingleWord:
		return fmt.Errorf("%w: added token %q with single_word", ErrUnsupported, a.Content)
	case a.LStrip:
		return fmt.Errorf("%w: added token %q with lstrip", ErrUnsupported, a.Content)
	case a.RStrip:
		return fmt.Errorf("%w: added token %q with rstrip", ErrUnsupported, a.Content)
	case a.Normalized:
		return fmt.Errorf("%w: added token %q with normalized=true", ErrUnsupported, a.Content)
	}
	for i, o := range t.added {
		if o.content == a.Content {
			t.added[i].id = a.ID
			t.all[a.Content] = a.ID
			return nil
		}
	}
	t.added = append(t.added, addedToken{a.Content, a.ID})
	t.all[a.Content] = a.ID
	t.vocabSize = max(t.vocabSize, int(a.ID)+1)
	return nil
}

// finish completes a tokenizer once its vocabulary, added tokens and
// post-processor are known.
func (t *Tokenizer) finish() {
	sort.SliceStable(t.added, func(i, j int) bool { return len(t.added[i].content) > len(t.added[j].content) })
	for _, a := range t.added {
		t.addedStart[a.content[0]] = true
	}
	if id, ok := t.all["[PAD]"]; ok && t.padID < 0 {
		t.padID = id
	}
	if t.padID < 0 {
		t.padID = 0
	}
	t.names = make([]string, t.vocabSize)
	for tok, id := range t.all {
		if id >= 0 && (t.names[id] == "" || tok < t.names[id]) {
			t.names[id] = tok
		}
	}
}

// Token returns the vocabulary string of an id ("" if the id is unknown).
// Continuation pieces carry their prefix ("##ing").
func (t *Tokenizer) Token(id int32) string {
	if id < 0 || int(id) >= len(t.names) {
		return ""
	}
	return t.names[id]
}

// ContinuingPrefix is the prefix of continuation pieces ("##").
func (t *Tokenizer) ContinuingPrefix() string { return t.contPrefix }

// VocabSize is the number of ids, added tokens included (the largest id
// plus one), as Hugging Face's get_vocab_size(with_added_tokens=True).
func (t *Tokenizer) VocabSize() int { return t.vocabSize }

// Lowercase reports whether the normalizer lowercases (an uncased model).
func (t *Tokenizer) Lowercase() bool { return t.norm.lowercase }

// MaxLen is the model's maximum sequence length in tokens, special tokens
// included: model_max_length from tokenizer_config.json when Load found
// one, else 512.
func (t *Tokenizer) MaxLen() int { return t.maxLen }

// TokenID returns the id of a vocabulary or added token.
func (t *Tokenizer) TokenID(tok string) (int32, bool) {
	id, ok := t.all[tok]
	return id, ok
}

// SpecialIDs returns the ids of the tokens the post-processor puts before
// and after the text ([CLS] and [SEP] for BERT; -1 when there is none), of
// the padding token and of the unknown token.
func (t *Tokenizer) SpecialIDs() (cls, sep, pad, unk int32) {
	cls, sep = -1, -1
	if len(t.head) > 0 {
		cls = t.head[0]
	}
	if len(t.tail) > 0 {
		sep = t.tail[len(t.tail)-1]
	}
	return cls, sep, t.padID, t.unkID
}

// NumSpecial is the number of special tokens Encode adds around the text.
func (t *Tokenizer) NumSpecial() int { return len(t.head) + len(t.tail) }
