package tokenize

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
)

// goldenEncoding is one tokenizer's output for one line, from Hugging Face
// tokenizers (scripts/goldens/gen.mjs): byte offsets flattened as
// start, end, start, end...; word -1 for none; special 1 for [CLS]/[SEP].
//
// CoNLL cases carry only Tokens and SHA256, the digest of the JSON array
// [ids, offsets, words, special]: ids would spell out text that may not be
// committed.
type goldenEncoding struct {
	IDs     []int32 `json:"ids"`
	Offsets []int   `json:"offsets"`
	Words   []int   `json:"words"`
	Special []int   `json:"special"`
	Tokens  int     `json:"tokens"`
	SHA256  string  `json:"sha256"`
}

type goldenCase struct {
	Section  string          `json:"section"`
	Text     *string         `json:"text"`
	File     string          `json:"file"`
	Sentence int             `json:"sentence"`
	SHA256   string          `json:"sha256"`
	Uncased  *goldenEncoding `json:"uncased"`
	Cased    *goldenEncoding `json:"cased"`
}

// goldenModels names, per golden field, the shared model directory.
var goldenModels = map[string]string{
	"uncased": "obscura-minilm-conll",
	"cased":   "bert-base-NER-tokenizer",
}

func readGoldens(t testing.TB) []goldenCase {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "tokenize", "golden.jsonl.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 0, 1<<20), 1<<24)
	for sc.Scan() {
		var c goldenCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

var conllCache sync.Map // file name -> []string

// conllSentences rebuilds the sentences of a CoNLL-2003 file the way
// gen.mjs does: the first column of each line, joined by single spaces,
// sentences separated by blank lines, -DOCSTART- lines skipped.
func conllSentences(t testing.TB, file string) []string {
	t.Helper()
	if v, ok := conllCache.Load(file); ok {
		return v.([]string)
	}
	dir := testenv.Shared(t, "data", "conll2003")
	data, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	var out, cur []string
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "-DOCSTART-") {
			continue
		}
		if line == "" {
			if len(cur) > 0 {
				out = append(out, strings.Join(cur, " "))
			}
			cur = cur[:0]
			continue
		}
		tok, _, _ := strings.Cut(line, " ")
		cur = append(cur, tok)
	}
	if len(cur) > 0 {
		out = append(out, strings.Join(cur, " "))
	}
	conllCache.Store(file, out)
	return out
}

// goldenText returns the case's text, rebuilding CoNLL sentences from
// ../shared (and checking them against the stored sha256).
func goldenText(t testing.TB, c *goldenCase) (string, bool) {
	if c.Text != nil {
		return *c.Text, true
	}
	if _, err := os.Stat(filepath.Join(testenv.ModuleRoot(), "..", "shared", "data", "conll2003")); err != nil {
		return "", false
	}
	sents := conllSentences(t, c.File)
	if c.Sentence >= len(sents) {
		t.Fatalf("conll %s sentence %d: file has %d sentences", c.File, c.Sentence, len(sents))
	}
	s := sents[c.Sentence]
	sum := sha256.Sum256([]byte(s))
	if hex.EncodeToString(sum[:]) != c.SHA256 {
		t.Fatalf("conll %s sentence %d: rebuilt text does not match the golden's sha256", c.File, c.Sentence)
	}
	return s, true
}

// digestJSON is the sha256 of the JSON array [ids, offsets, words,
// special] as gen.mjs writes it (JSON.stringify of integer arrays).
func digestJSON(enc Encoding) string {
	b := []byte("[[")
	for i, id := range enc.IDs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(id), 10)
	}
	b = append(b, "],["...)
	for i, o := range enc.Offsets {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(o[0]), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(o[1]), 10)
	}
	b = append(b, "],["...)
	for i, w := range enc.WordIDs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(w), 10)
	}
	b = append(b, "],["...)
	for i, s := range enc.Special {
		if i > 0 {
			b = append(b, ',')
		}
		if s {
			b = append(b, '1')
		} else {
			b = append(b, '0')
		}
	}
	b = append(b, "]]"...)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// compareGolden reports the first difference between enc and the golden.
func compareGolden(enc Encoding, g *goldenEncoding) error {
	if g.SHA256 != "" {
		if len(enc.IDs) != g.Tokens {
			return fmt.Errorf("%d tokens, Hugging Face has %d", len(enc.IDs), g.Tokens)
		}
		if digestJSON(enc) != g.SHA256 {
			return fmt.Errorf("ids, offsets, word ids or special mask differ from Hugging Face's (digest mismatch)")
		}
		return nil
	}
	if len(enc.IDs) != len(g.IDs) {
		return fmt.Errorf("%d tokens, Hugging Face has %d (ids %v, want %v)", len(enc.IDs), len(g.IDs), enc.IDs, g.IDs)
	}
	for i := range g.IDs {
		off := [2]int{g.Offsets[2*i], g.Offsets[2*i+1]}
		switch {
		case enc.IDs[i] != g.IDs[i]:
			return fmt.Errorf("token %d: id %d, Hugging Face %d (ids %v, want %v)", i, enc.IDs[i], g.IDs[i], enc.IDs, g.IDs)
		case enc.Offsets[i] != off:
			return fmt.Errorf("token %d (id %d): offsets %v, Hugging Face %v", i, g.IDs[i], enc.Offsets[i], off)
		case enc.WordIDs[i] != g.Words[i]:
			return fmt.Errorf("token %d (id %d): word %d, Hugging Face %d", i, g.IDs[i], enc.WordIDs[i], g.Words[i])
		case enc.Special[i] != (g.Special[i] == 1):
			return fmt.Errorf("token %d (id %d): special %v, Hugging Face %d", i, g.IDs[i], enc.Special[i], g.Special[i])
		}
	}
	return nil
}

func loadShared(t testing.TB, model string) *Tokenizer {
	t.Helper()
	tk, err := Load(testenv.Shared(t, "models", model))
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// TestGoldens requires identical ids, byte offsets, word ids and special
// masks to Hugging Face tokenizers on every golden line, for both shared
// tokenizers (cased and uncased), loaded from tokenizer.json and from the
// vocab.txt + tokenizer_config.json fallback.
func TestGoldens(t *testing.T) {
	cases := readGoldens(t)
	if len(cases) < 2000 {
		t.Fatalf("only %d golden cases", len(cases))
	}
	for field, model := range goldenModels {
		dir := testenv.Shared(t, "models", model)
		fromJSON, err := LoadFile(filepath.Join(dir, "tokenizer.json"))
		if err != nil {
			t.Fatal(err)
		}
		fromVocab, err := loadVocabDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, variant := range []struct {
			name string
			tk   *Tokenizer
		}{{"tokenizer.json", fromJSON}, {"vocab.txt", fromVocab}} {
			t.Run(field+"/"+variant.name, func(t *testing.T) {
				checked, skipped, failed := 0, 0, 0
				sections := map[string]int{}
				for i := range cases {
					c := &cases[i]
					text, ok := goldenText(t, c)
					if !ok {
						skipped++
						continue
					}
					g := c.Uncased
					if field == "cased" {
						g = c.Cased
					}
					if err := compareGolden(variant.tk.Encode(text), g); err != nil {
						failed++
						if failed <= 15 {
							t.Errorf("case %d (%s) %q: %v", i, c.Section, clip(text, c.Section), err)
						}
					}
					checked++
					sections[c.Section]++
				}
				if skipped > 0 {
					t.Logf("skipped %d CoNLL cases: ../shared/data/conll2003 is missing", skipped)
				}
				if failed > 0 {
					t.Errorf("%d of %d lines differ from Hugging Face", failed, checked)
				}
				t.Logf("%d lines identical to Hugging Face %v", checked-failed, sections)
			})
		}
	}
}

// clip keeps test failure messages short; CoNLL text is not printed.
func clip(s, section string) string {
	if section == "conll" {
		return "<conll>"
	}
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

// loadVocabDir loads dir's vocab.txt + tokenizer_config.json, ignoring its
// tokenizer.json, as Load does for a directory without one.
func loadVocabDir(dir string) (*Tokenizer, error) {
	cfg, err := readTokenizerConfig(filepath.Join(dir, "tokenizer_config.json"))
	if err != nil {
		return nil, err
	}
	return loadVocabTxt(filepath.Join(dir, "vocab.txt"), cfg)
}

// variantEdits are the BertNormalizer option changes of
// testdata/tokenize/golden_variants.jsonl.gz (the same as `variants` in
// scripts/goldens/gen.mjs): model directory and normalizer fields.
var variantEdits = map[string]struct {
	model string
	edit  map[string]bool
}{
	"nostrip":     {"obscura-minilm-conll", map[string]bool{"strip_accents": false}},
	"strip_cased": {"bert-base-NER-tokenizer", map[string]bool{"strip_accents": true}},
	"noclean":     {"obscura-minilm-conll", map[string]bool{"clean_text": false}},
	"nochinese":   {"obscura-minilm-conll", map[string]bool{"handle_chinese_chars": false}},
	"bare": {"obscura-minilm-conll", map[string]bool{"clean_text": false, "handle_chinese_chars": false,
		"strip_accents": false, "lowercase": false}},
}

// TestGoldenVariants checks each BertNormalizer option on its own against
// Hugging Face: the shared tokenizers with strip_accents, clean_text,
// handle_chinese_chars or lowercase changed.
func TestGoldenVariants(t *testing.T) {
	tks := map[string]*Tokenizer{}
	for name, v := range variantEdits {
		data, err := os.ReadFile(filepath.Join(testenv.Shared(t, "models", v.model), "tokenizer.json"))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		for k, b := range v.edit {
			m["normalizer"].(map[string]any)[k] = b
		}
		out, _ := json.Marshal(m)
		p := filepath.Join(t.TempDir(), "tokenizer.json")
		if err := os.WriteFile(p, out, 0o644); err != nil {
			t.Fatal(err)
		}
		if tks[name], err = LoadFile(p); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(filepath.Join("..", "testdata", "tokenize", "golden_variants.jsonl.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<24)
	counts := map[string]int{}
	failed := 0
	for sc.Scan() {
		var g struct {
			Variant string `json:"variant"`
			Text    string `json:"text"`
			goldenEncoding
		}
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			t.Fatal(err)
		}
		tk := tks[g.Variant]
		if tk == nil {
			t.Fatalf("unknown variant %q", g.Variant)
		}
		counts[g.Variant]++
		if err := compareGolden(tk.Encode(g.Text), &g.goldenEncoding); err != nil {
			failed++
			if failed <= 15 {
				t.Errorf("%s %q: %v", g.Variant, clip(g.Text, ""), err)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(counts) != len(variantEdits) {
		t.Errorf("goldens cover variants %v, want all of %d", counts, len(variantEdits))
	}
	t.Logf("lines per variant: %v, %d differ", counts, failed)
}
