package weights

import (
	"path/filepath"
	"testing"
)

// tokenizer.json variants from the tokenizers library's model families:
// the vocabulary size and lowercasing must be read from each.
func TestTokenizerJSONVariants(t *testing.T) {
	cases := []struct {
		name      string
		json      string
		vocab     int
		lowercase bool
		typ       string
	}{
		{"WordPiece, BertNormalizer lowercase omitted (library default true)",
			`{"added_tokens":[{"id":3,"content":"[CLS]"}],"normalizer":{"type":"BertNormalizer"},"model":{"type":"WordPiece","vocab":{"a":0,"b":1,"c":2}}}`,
			4, true, "WordPiece"},
		{"BPE, Sequence with Lowercase",
			`{"added_tokens":[],"normalizer":{"type":"Sequence","normalizers":[{"type":"NFD"},{"type":"Lowercase"}]},"model":{"type":"BPE","vocab":{"<s>":0,"x":1,"y":7}}}`,
			8, true, "BPE"},
		{"BPE, no normalizer (RoBERTa-style, cased)",
			`{"added_tokens":[{"id":9,"content":"<mask>"}],"normalizer":null,"model":{"type":"BPE","vocab":{"<s>":0,"x":1}}}`,
			10, false, "BPE"},
		{"Unigram piece list",
			`{"added_tokens":[],"normalizer":{"type":"Sequence","normalizers":[{"type":"Replace"}]},"model":{"type":"Unigram","vocab":[["<pad>",0],["▁a",-1.5],["b",-2]]}}`,
			3, false, "Unigram"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "tokenizer.json"), c.json)
			tk, err := readTokenizer(dir)
			if err != nil {
				t.Fatal(err)
			}
			if tk.VocabSize != c.vocab || tk.Lowercase != c.lowercase || tk.Type != c.typ {
				t.Errorf("vocab %d lowercase %v type %s; want %d %v %s", tk.VocabSize, tk.Lowercase, tk.Type, c.vocab, c.lowercase, c.typ)
			}
		})
	}
}
