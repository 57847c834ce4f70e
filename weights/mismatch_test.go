package weights

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
)

func wantMismatch(t *testing.T, dir string, substrings ...string) {
	t.Helper()
	_, err := Load(dir)
	var tm *TokenizerMismatchError
	if !errors.As(err, &tm) {
		t.Fatalf("Load = %v, want a TokenizerMismatchError", err)
	}
	for _, s := range substrings {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %q", err, s)
		}
	}
}

// copySmallFiles copies every file of src except the listed ones.
func copyFilesExcept(t *testing.T, src, dst string, skip ...string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || strings.Contains(" "+strings.Join(skip, " ")+" ", " "+e.Name()+" ") {
			continue
		}
		if _, _, err := copyFile(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
}

// The cased bert-base-NER tokenizer (28,996 tokens) put beside the uncased
// baseline graph (30,522 embedding rows): the classic wrong-tokenizer
// mistake.
func TestMismatchVocabSizeShared(t *testing.T) {
	minilm := testenv.Shared(t, "models", "obscura-minilm-conll")
	cased := testenv.Shared(t, "models", "bert-base-NER-tokenizer")
	dir := t.TempDir()
	copyFilesExcept(t, cased, dir, "config.json")
	if _, _, err := copyFile(filepath.Join(minilm, "config.json"), filepath.Join(dir, "config.json")); err != nil {
		t.Fatal(err)
	}
	linkTree(t, filepath.Join(minilm, "onnx"), filepath.Join(dir, "onnx"))
	wantMismatch(t, dir, "28996", "30522", "word-embedding")
}

// Without a graph, the tokenizer is checked against config.json's vocab_size.
func TestMismatchVocabSizeConfig(t *testing.T) {
	cased := testenv.Shared(t, "models", "bert-base-NER-tokenizer")
	dir := t.TempDir()
	copyFilesExcept(t, cased, dir)
	editJSON(t, filepath.Join(dir, "config.json"), func(m map[string]any) { m["vocab_size"] = 30522 })
	wantMismatch(t, dir, "28996", "vocab_size 30522")
}

func TestMismatchVocabSizeSmall(t *testing.T) {
	wantMismatch(t, smallHFDir(t, smallVocabSize-1), "999", "1000")
}

func TestMismatchMissingSpecialToken(t *testing.T) {
	dir := smallHFDir(t, smallVocabSize)
	editJSON(t, filepath.Join(dir, "special_tokens_map.json"), func(m map[string]any) {
		m["mask_token"] = map[string]any{"content": "<mask>", "lstrip": true}
	})
	wantMismatch(t, dir, "mask_token", "<mask>")

	dir = smallHFDir(t, smallVocabSize)
	editJSON(t, filepath.Join(dir, "special_tokens_map.json"), func(m map[string]any) {
		m["additional_special_tokens"] = []any{"[ENT]"}
	})
	wantMismatch(t, dir, "[ENT]")
}

// The cased tokenizer.json (lowercase false) with a tokenizer_config.json
// that claims do_lower_case true.
func TestMismatchLowercasing(t *testing.T) {
	cased := testenv.Shared(t, "models", "bert-base-NER-tokenizer")
	dir := t.TempDir()
	copyFilesExcept(t, cased, dir)
	if _, err := Load(dir); err != nil {
		t.Fatalf("the unmodified copy must load: %v", err)
	}
	editJSON(t, filepath.Join(dir, "tokenizer_config.json"), func(m map[string]any) { m["do_lower_case"] = true })
	wantMismatch(t, dir, "lowercase=false", "do_lower_case=true")

	// config.json may state it too.
	dir = t.TempDir()
	copyFilesExcept(t, cased, dir)
	editJSON(t, filepath.Join(dir, "config.json"), func(m map[string]any) { m["do_lower_case"] = true })
	wantMismatch(t, dir, "config.json do_lower_case=true")
}

// vocab.txt from another tokenizer than tokenizer.json.
func TestMismatchVocabTxtVsTokenizerJSON(t *testing.T) {
	minilm := testenv.Shared(t, "models", "obscura-minilm-conll")
	cased := testenv.Shared(t, "models", "bert-base-NER-tokenizer")
	dir := t.TempDir()
	copyFilesExcept(t, cased, dir, "vocab.txt")
	if _, _, err := copyFile(filepath.Join(minilm, "vocab.txt"), filepath.Join(dir, "vocab.txt")); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "different tokenizers") {
		t.Fatalf("Load = %v, want vocab.txt/tokenizer.json disagreement", err)
	}
}

func TestLoadRegistryDirSaysSo(t *testing.T) {
	root := t.TempDir()
	linkTree(t, testenv.Shared(t, "models", "bert-base-NER-tokenizer"), filepath.Join(root, "a"))
	if _, err := Load(root); err == nil || !strings.Contains(err.Error(), "models directory holding 1 models") {
		t.Fatalf("Load(registry) = %v", err)
	}
}
