package weights

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Tokenizer holds the facts about a model's tokenizer that decide whether it
// fits the model: which files exist, the vocabulary size, lowercasing and
// the special tokens. It does not tokenize; package tokenize does.
type Tokenizer struct {
	// JSONPath is tokenizer.json, VocabPath vocab.txt, ConfigPath
	// tokenizer_config.json, SpecialPath special_tokens_map.json; "" when
	// the file is absent.
	JSONPath    string
	VocabPath   string
	ConfigPath  string
	SpecialPath string
	// Class is tokenizer_config.json's tokenizer_class (e.g.
	// "BertTokenizer"), Type the tokenizer.json model type ("WordPiece",
	// "BPE", "Unigram").
	Class string
	Type  string
	// VocabSize is one more than the largest token id the tokenizer can
	// emit (model vocabulary and added tokens).
	VocabSize int
	// Lowercase is whether input is lowercased before lookup.
	Lowercase bool
	// Special maps a role (cls_token, sep_token, pad_token, unk_token,
	// mask_token, bos_token, eos_token) to its token text.
	Special map[string]string
	// Additional lists additional_special_tokens, if any.
	Additional []string

	vocab map[string]int
	// lowerJSON / lowerConfig are the lowercasing each source states; nil
	// when the source is absent or silent.
	lowerJSON   *bool
	lowerConfig *bool
}

// Present reports whether any tokenizer vocabulary was found.
func (t *Tokenizer) Present() bool { return t.JSONPath != "" || t.VocabPath != "" }

// ID returns a token's id, if the vocabulary has it.
func (t *Tokenizer) ID(token string) (int, bool) {
	id, ok := t.vocab[token]
	return id, ok
}

type rawTokenizerJSON struct {
	AddedTokens []struct {
		ID      int    `json:"id"`
		Content string `json:"content"`
	} `json:"added_tokens"`
	Normalizer json.RawMessage `json:"normalizer"`
	Model      struct {
		Type  string          `json:"type"`
		Vocab json.RawMessage `json:"vocab"`
	} `json:"model"`
}

type rawNormalizer struct {
	Type        string          `json:"type"`
	Lowercase   *bool           `json:"lowercase"`
	Normalizers []rawNormalizer `json:"normalizers"`
}

// lowercases reports whether a tokenizers-library normalizer lowercases.
func (n *rawNormalizer) lowercases() bool {
	switch n.Type {
	case "Lowercase":
		return true
	case "BertNormalizer":
		// The tokenizers library defaults lowercase to true.
		return n.Lowercase == nil || *n.Lowercase
	case "Sequence":
		for i := range n.Normalizers {
			if n.Normalizers[i].lowercases() {
				return true
			}
		}
	}
	return false
}

type rawTokenizerConfig struct {
	TokenizerClass string          `json:"tokenizer_class"`
	DoLowerCase    *bool           `json:"do_lower_case"`
	CLS            json.RawMessage `json:"cls_token"`
	SEP            json.RawMessage `json:"sep_token"`
	PAD            json.RawMessage `json:"pad_token"`
	UNK            json.RawMessage `json:"unk_token"`
	MASK           json.RawMessage `json:"mask_token"`
	BOS            json.RawMessage `json:"bos_token"`
	EOS            json.RawMessage `json:"eos_token"`
	Additional     json.RawMessage `json:"additional_special_tokens"`
}

// specialRoles are the special-token roles Obscura checks, in order.
var specialRoles = []string{"cls_token", "sep_token", "pad_token", "unk_token", "mask_token", "bos_token", "eos_token"}

// tokenText reads a special token given either as "text" or as an
// AddedToken object {"content": "text", ...}.
func tokenText(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, s != ""
	}
	var o struct {
		Content string `json:"content"`
	}
	if json.Unmarshal(raw, &o) == nil && o.Content != "" {
		return o.Content, true
	}
	return "", false
}

func tokenList(raw json.RawMessage) []string {
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	var out []string
	for _, it := range items {
		if s, ok := tokenText(it); ok {
			out = append(out, s)
		}
	}
	return out
}

// readTokenizer gathers tokenizer facts from the files present in dir.
// A directory with no tokenizer files gives a Tokenizer with Present() false.
func readTokenizer(dir string) (*Tokenizer, error) {
	t := &Tokenizer{Special: map[string]string{}, vocab: map[string]int{}}
	if p := filepath.Join(dir, "tokenizer.json"); fileExists(p) {
		t.JSONPath = p
		if err := t.readJSON(p); err != nil {
			return nil, err
		}
	}
	if p := filepath.Join(dir, "vocab.txt"); fileExists(p) {
		t.VocabPath = p
		if err := t.readVocabTxt(p); err != nil {
			return nil, err
		}
	}
	if p := filepath.Join(dir, "tokenizer_config.json"); fileExists(p) {
		t.ConfigPath = p
		var r rawTokenizerConfig
		if err := readJSONFile(p, &r); err != nil {
			return nil, err
		}
		t.Class = r.TokenizerClass
		t.lowerConfig = r.DoLowerCase
		t.addSpecials(r.CLS, r.SEP, r.PAD, r.UNK, r.MASK, r.BOS, r.EOS)
		t.Additional = append(t.Additional, tokenList(r.Additional)...)
	}
	if p := filepath.Join(dir, "special_tokens_map.json"); fileExists(p) {
		t.SpecialPath = p
		var r rawTokenizerConfig // same field names
		if err := readJSONFile(p, &r); err != nil {
			return nil, err
		}
		// special_tokens_map.json is the authority on special tokens: it
		// overrides tokenizer_config.json.
		t.addSpecials(r.CLS, r.SEP, r.PAD, r.UNK, r.MASK, r.BOS, r.EOS)
		t.Additional = append(t.Additional, tokenList(r.Additional)...)
	}
	t.Additional = dedup(t.Additional)
	switch {
	case t.lowerJSON != nil:
		t.Lowercase = *t.lowerJSON
	case t.lowerConfig != nil:
		t.Lowercase = *t.lowerConfig
	}
	return t, nil
}

func dedup(s []string) []string {
	seen := map[string]bool{}
	out := s[:0]
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func (t *Tokenizer) addSpecials(raws ...json.RawMessage) {
	for i, raw := range raws {
		if s, ok := tokenText(raw); ok {
			t.Special[specialRoles[i]] = s
		}
	}
}

func (t *Tokenizer) readJSON(p string) error {
	var r rawTokenizerJSON
	if err := readJSONFile(p, &r); err != nil {
		return err
	}
	t.Type = r.Model.Type
	vocab := map[string]int{}
	if len(r.Model.Vocab) > 0 {
		// WordPiece and BPE store {"token": id}; Unigram stores
		// [["piece", score], ...] with the id being the position.
		if err := json.Unmarshal(r.Model.Vocab, &vocab); err != nil {
			var pieces [][]json.RawMessage
			if err2 := json.Unmarshal(r.Model.Vocab, &pieces); err2 != nil {
				return fmt.Errorf("weights: tokenizer.json: model.vocab is neither a map nor a piece list")
			}
			for i, pc := range pieces {
				var s string
				if len(pc) > 0 && json.Unmarshal(pc[0], &s) == nil {
					vocab[s] = i
				}
			}
		}
	}
	if len(vocab) == 0 {
		return fmt.Errorf("weights: tokenizer.json: empty vocabulary")
	}
	for _, a := range r.AddedTokens {
		vocab[a.Content] = a.ID
	}
	size := 0
	for _, id := range vocab {
		size = max(size, id+1)
	}
	t.vocab = vocab
	t.VocabSize = size
	low := false
	if n := bytes.TrimSpace(r.Normalizer); len(n) > 0 && string(n) != "null" {
		var rn rawNormalizer
		if err := json.Unmarshal(n, &rn); err != nil {
			return fmt.Errorf("weights: tokenizer.json: normalizer: %w", err)
		}
		low = rn.lowercases()
	}
	t.lowerJSON = &low
	return nil
}

// readVocabTxt reads a WordPiece vocab.txt (one token per line, id = line
// number). When tokenizer.json was read too, the two must agree id for id.
func (t *Tokenizer) readVocabTxt(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	fromJSON := t.JSONPath != ""
	n := 0
	for sc.Scan() {
		tok := string(bytes.TrimRight(sc.Bytes(), "\r"))
		if fromJSON {
			if id, ok := t.vocab[tok]; !ok || id != n {
				return fmt.Errorf("weights: vocab.txt line %d does not match tokenizer.json's vocabulary (the two files come from different tokenizers)", n+1)
			}
		} else {
			if _, dup := t.vocab[tok]; !dup {
				t.vocab[tok] = n
			}
		}
		n++
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("weights: vocab.txt: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("weights: vocab.txt is empty")
	}
	if !fromJSON {
		t.VocabSize = n
		t.Type = "WordPiece"
	}
	return nil
}

// TokenizerMismatchError reports a tokenizer that does not fit its model.
type TokenizerMismatchError struct {
	Dir    string
	Reason string
}

func (e *TokenizerMismatchError) Error() string {
	return fmt.Sprintf("weights: tokenizer does not fit the model in %s: %s", e.Dir, e.Reason)
}

// check verifies the tokenizer against the model: vocabulary size equals
// the embedding rows (or config vocab_size when rows is 0), every special
// token is in the vocabulary, and every source that states lowercasing
// agrees.
func (t *Tokenizer) check(dir string, cfg Config, rows int) error {
	if !t.Present() {
		return nil
	}
	bad := func(format string, a ...any) error {
		return &TokenizerMismatchError{Dir: dir, Reason: fmt.Sprintf(format, a...)}
	}
	if rows > 0 && t.VocabSize != rows {
		return bad("tokenizer vocabulary has %d entries but the model's word-embedding table has %d rows", t.VocabSize, rows)
	}
	if rows == 0 && cfg.VocabSize > 0 && t.VocabSize != cfg.VocabSize {
		return bad("tokenizer vocabulary has %d entries but config.json says vocab_size %d", t.VocabSize, cfg.VocabSize)
	}
	roles := make([]string, 0, len(t.Special))
	for r := range t.Special {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	for _, r := range roles {
		if _, ok := t.vocab[t.Special[r]]; !ok {
			return bad("special token %s %q is not in the vocabulary", r, t.Special[r])
		}
	}
	for _, s := range t.Additional {
		if _, ok := t.vocab[s]; !ok {
			return bad("additional special token %q is not in the vocabulary", s)
		}
	}
	if t.lowerJSON != nil && t.lowerConfig != nil && *t.lowerJSON != *t.lowerConfig {
		return bad("tokenizer.json lowercase=%v but tokenizer_config.json do_lower_case=%v", *t.lowerJSON, *t.lowerConfig)
	}
	if cfg.DoLowerCase != nil && t.Lowercase != *cfg.DoLowerCase && (t.lowerJSON != nil || t.lowerConfig != nil) {
		return bad("tokenizer lowercases=%v but config.json do_lower_case=%v", t.Lowercase, *cfg.DoLowerCase)
	}
	return nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

func readJSONFile(p string, v any) error {
	b, err := os.ReadFile(p)
	if err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("weights: %s: %w", filepath.Base(p), err)
	}
	return nil
}
