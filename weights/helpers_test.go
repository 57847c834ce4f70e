package weights

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
)

// smallVocabSize is the vocabulary of the shared random test graphs.
const smallVocabSize = 1000

// smallVocab is a BERT-style vocabulary of n tokens with the special tokens
// at their usual BERT ids.
func smallVocab(n int) []string {
	v := make([]string, n)
	for i := range v {
		v[i] = fmt.Sprintf("tok%d", i)
	}
	v[0], v[100], v[101], v[102], v[103] = "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"
	return v
}

// smallHFDir builds, in a temp dir, a Hugging Face layout around the shared
// random BERT graph (vocab 1000): config.json and model.onnx copied, a
// generated vocab.txt with vocabLines tokens, tokenizer_config.json
// (lowercasing) and special_tokens_map.json. No tokenizer.json: bundling it
// exercises building one from vocab.txt.
func smallHFDir(t *testing.T, vocabLines int) string {
	t.Helper()
	src := testenv.Shared(t, "testmodels", "bert_14")
	dir := t.TempDir()
	for _, f := range []string{"config.json", "model.onnx"} {
		if _, _, err := copyFile(filepath.Join(src, f), filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(dir, "vocab.txt"), strings.Join(smallVocab(vocabLines), "\n")+"\n")
	writeJSONTest(t, filepath.Join(dir, "tokenizer_config.json"), map[string]any{
		"tokenizer_class": "BertTokenizer", "do_lower_case": true,
	})
	writeJSONTest(t, filepath.Join(dir, "special_tokens_map.json"), map[string]any{
		"cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]", "unk_token": "[UNK]", "mask_token": "[MASK]",
	})
	return dir
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeJSONTest(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, string(b))
}

// editJSON rewrites a JSON object file through f.
func editJSON(t *testing.T, path string, f func(map[string]any)) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	// Replace rather than write through: the file may be a hard link
	// shared with another copy.
	os.Remove(path)
	writeJSONTest(t, path, m)
}

// linkTree makes dst a copy of the directory src whose regular files are
// hard links (symbolic links when hard links are refused, e.g. across
// file systems or for read-only sources): cheap copies of the 90 MB model
// for tests that then replace one file.
func linkTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		if os.Link(p, to) == nil {
			return nil
		}
		abs, _ := filepath.Abs(p)
		return os.Symlink(abs, to)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// replaceFile swaps a (possibly linked) file for a fresh one with content b.
func replaceFile(t *testing.T, path string, b []byte) {
	t.Helper()
	os.Remove(path)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
