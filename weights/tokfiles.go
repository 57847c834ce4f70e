package weights

import (
	"path/filepath"
	"sort"
)

// writeTokenizerFiles puts tokenizer.json, special_tokens_map.json and the
// side files (config.json, tokenizer_config.json, vocab.txt) into dir.
// A source with vocab.txt but no tokenizer.json gets a WordPiece
// tokenizer.json built from vocab.txt and the lowercasing it declares.
func writeTokenizerFiles(src *Model, dir string) error {
	t := src.Tokenizer
	copyIf := func(from, name string) error {
		if from == "" {
			return nil
		}
		_, _, err := copyFile(from, filepath.Join(dir, name))
		return err
	}
	if err := copyIf(src.ConfigPath, fileConfig); err != nil {
		return err
	}
	if err := copyIf(t.ConfigPath, "tokenizer_config.json"); err != nil {
		return err
	}
	if err := copyIf(t.VocabPath, "vocab.txt"); err != nil {
		return err
	}
	if t.JSONPath != "" {
		if err := copyIf(t.JSONPath, fileTokenizer); err != nil {
			return err
		}
	} else if err := writeJSON(filepath.Join(dir, fileTokenizer), wordPieceJSON(t)); err != nil {
		return err
	}
	if t.SpecialPath != "" {
		return copyIf(t.SpecialPath, fileSpecial)
	}
	special := map[string]any{}
	for role, tok := range t.Special {
		special[role] = tok
	}
	if len(t.Additional) > 0 {
		special["additional_special_tokens"] = t.Additional
	}
	return writeJSON(filepath.Join(dir, fileSpecial), special)
}

// wordPieceJSON builds a tokenizers-library tokenizer.json for a BERT
// WordPiece vocabulary: BertNormalizer with the declared lowercasing,
// BertPreTokenizer, and the [CLS] $A [SEP] template.
func wordPieceJSON(t *Tokenizer) map[string]any {
	type added struct {
		ID         int    `json:"id"`
		Content    string `json:"content"`
		SingleWord bool   `json:"single_word"`
		Lstrip     bool   `json:"lstrip"`
		Rstrip     bool   `json:"rstrip"`
		Normalized bool   `json:"normalized"`
		Special    bool   `json:"special"`
	}
	var adds []added
	for _, tok := range t.Special {
		if id, ok := t.vocab[tok]; ok {
			adds = append(adds, added{ID: id, Content: tok, Special: true})
		}
	}
	sort.Slice(adds, func(i, j int) bool { return adds[i].ID < adds[j].ID })
	adds = dedupAdded(adds, func(a added) int { return a.ID })
	cls, sep := firstString(t.Special["cls_token"], "[CLS]"), firstString(t.Special["sep_token"], "[SEP]")
	special := func(tok string) map[string]any {
		return map[string]any{"SpecialToken": map[string]any{"id": tok, "type_id": 0}}
	}
	seq := func(id string, typeID int) map[string]any {
		return map[string]any{"Sequence": map[string]any{"id": id, "type_id": typeID}}
	}
	specialTokens := map[string]any{}
	for _, tok := range []string{cls, sep} {
		specialTokens[tok] = map[string]any{"id": tok, "ids": []int{t.vocab[tok]}, "tokens": []string{tok}}
	}
	return map[string]any{
		"version":      "1.0",
		"truncation":   nil,
		"padding":      nil,
		"added_tokens": adds,
		"normalizer": map[string]any{
			"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
			"strip_accents": nil, "lowercase": t.Lowercase,
		},
		"pre_tokenizer": map[string]any{"type": "BertPreTokenizer"},
		"post_processor": map[string]any{
			"type":           "TemplateProcessing",
			"single":         []any{special(cls), seq("A", 0), special(sep)},
			"pair":           []any{special(cls), seq("A", 0), special(sep), seq("B", 1), map[string]any{"SpecialToken": map[string]any{"id": sep, "type_id": 1}}},
			"special_tokens": specialTokens,
		},
		"decoder": map[string]any{"type": "WordPiece", "prefix": "##", "cleanup": true},
		"model": map[string]any{
			"type": "WordPiece", "unk_token": firstString(t.Special["unk_token"], "[UNK]"),
			"continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": t.vocab,
		},
	}
}

func dedupAdded[T any](s []T, key func(T) int) []T {
	out := s[:0]
	last := -1
	for _, x := range s {
		if k := key(x); k != last {
			out = append(out, x)
			last = k
		}
	}
	return out
}
