package tokenize

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/obscura-ai/obscura/internal/testenv"
)

func TestAPI(t *testing.T) {
	for _, tc := range []struct {
		model     string
		vocab     int
		lowercase bool
	}{
		{"obscura-minilm-conll", 30522, true},
		{"bert-base-NER-tokenizer", 28996, false},
	} {
		t.Run(tc.model, func(t *testing.T) {
			tk := loadShared(t, tc.model)
			if got := tk.VocabSize(); got != tc.vocab {
				t.Errorf("VocabSize = %d, want %d", got, tc.vocab)
			}
			if got := tk.Lowercase(); got != tc.lowercase {
				t.Errorf("Lowercase = %v, want %v", got, tc.lowercase)
			}
			cls, sep, pad, unk := tk.SpecialIDs()
			if cls != 101 || sep != 102 || pad != 0 || unk != 100 {
				t.Errorf("SpecialIDs = %d %d %d %d, want 101 102 0 100", cls, sep, pad, unk)
			}
			if id, ok := tk.TokenID("[MASK]"); !ok || id != 103 {
				t.Errorf("TokenID([MASK]) = %d, %v", id, ok)
			}
			if _, ok := tk.TokenID("no-such-token-xyz"); ok {
				t.Error("TokenID found a token that is not in the vocabulary")
			}
			if tk.Token(101) != "[CLS]" || tk.Token(-1) != "" {
				t.Errorf("Token(101) = %q", tk.Token(101))
			}
			if tk.MaxLen() != 512 || tk.NumSpecial() != 2 {
				t.Errorf("MaxLen %d NumSpecial %d, want 512 2", tk.MaxLen(), tk.NumSpecial())
			}
			enc := tk.Encode("")
			if len(enc.IDs) != 2 || !enc.Special[0] || !enc.Special[1] || enc.WordIDs[0] != -1 {
				t.Errorf("Encode(\"\") = %+v, want [CLS] [SEP]", enc)
			}
		})
	}
}

// TestLoadFallback loads a directory that has only vocab.txt and
// tokenizer_config.json and checks Load picks them up and agrees with
// tokenizer.json on text exercising every normalizer step.
func TestLoadFallback(t *testing.T) {
	const text = "Héllo WÖRLD, İstanbul! 日本語 [MASK] x\u200By naïve e\u0301 ﬁne 👍🏽 " +
		"pneumonoultramicroscopicsilicovolcanoconiosis-supercalifragilisticexpialidocious"
	for model := range map[string]bool{"obscura-minilm-conll": true, "bert-base-NER-tokenizer": true} {
		src := testenv.Shared(t, "models", model)
		dir := t.TempDir()
		for _, f := range []string{"vocab.txt", "tokenizer_config.json"} {
			data, err := os.ReadFile(filepath.Join(src, f))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		fb, err := Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := Load(src)
		if err != nil {
			t.Fatal(err)
		}
		got, want := fb.Encode(text), ref.Encode(text)
		if !equalEncodings(got, want) {
			t.Errorf("%s: vocab.txt fallback gives %v %v, tokenizer.json gives %v %v", model, got.IDs, got.Offsets, want.IDs, want.Offsets)
		}
		if fb.Lowercase() != ref.Lowercase() || fb.VocabSize() != ref.VocabSize() {
			t.Errorf("%s: fallback Lowercase/VocabSize differ", model)
		}
	}
	if _, err := Load(t.TempDir()); err == nil {
		t.Error("Load of an empty directory succeeded")
	}
}

func equalEncodings(a, b Encoding) bool {
	if len(a.IDs) != len(b.IDs) {
		return false
	}
	for i := range a.IDs {
		if a.IDs[i] != b.IDs[i] || a.Offsets[i] != b.Offsets[i] || a.Special[i] != b.Special[i] || a.WordIDs[i] != b.WordIDs[i] {
			return false
		}
	}
	return true
}

// TestUnsupported edits the shared tokenizer.json to use components this
// package does not implement and checks each is refused by name.
func TestUnsupported(t *testing.T) {
	src := filepath.Join(testenv.Shared(t, "models", "obscura-minilm-conll"), "tokenizer.json")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, want string
		edit       func(m map[string]any)
	}{
		{"NFC normalizer", "normalizer NFC", func(m map[string]any) { m["normalizer"] = map[string]any{"type": "NFC"} }},
		{"Sequence normalizer", "normalizer Sequence", func(m map[string]any) {
			m["normalizer"] = map[string]any{"type": "Sequence", "normalizers": []any{}}
		}},
		{"BPE model", "model BPE", func(m map[string]any) { m["model"].(map[string]any)["type"] = "BPE" }},
		{"Unigram model", "model Unigram", func(m map[string]any) { m["model"].(map[string]any)["type"] = "Unigram" }},
		{"ByteLevel pre-tokenizer", "pre_tokenizer ByteLevel", func(m map[string]any) {
			m["pre_tokenizer"] = map[string]any{"type": "ByteLevel"}
		}},
		{"Whitespace pre-tokenizer", "pre_tokenizer Whitespace", func(m map[string]any) {
			m["pre_tokenizer"] = map[string]any{"type": "Whitespace"}
		}},
		{"no pre-tokenizer", "pre_tokenizer <none>", func(m map[string]any) { m["pre_tokenizer"] = nil }},
		{"RobertaProcessing", "post_processor RobertaProcessing", func(m map[string]any) {
			m["post_processor"] = map[string]any{"type": "RobertaProcessing"}
		}},
		{"lstrip added token", "with lstrip", func(m map[string]any) {
			m["added_tokens"].([]any)[4].(map[string]any)["lstrip"] = true
		}},
		{"normalized added token", "normalized=true", func(m map[string]any) {
			m["added_tokens"].([]any)[4].(map[string]any)["normalized"] = true
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatal(err)
			}
			tc.edit(m)
			out, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(t.TempDir(), "tokenizer.json")
			if err := os.WriteFile(p, out, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = LoadFile(p)
			if err == nil {
				t.Fatal("LoadFile accepted it")
			}
			if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q: want ErrUnsupported naming %q", err, tc.want)
			}
		})
	}
}

// TestBertProcessing checks that the legacy BertProcessing post-processor
// gives the same encoding as the equivalent TemplateProcessing.
func TestBertProcessing(t *testing.T) {
	dir := testenv.Shared(t, "models", "obscura-minilm-conll")
	data, err := os.ReadFile(filepath.Join(dir, "tokenizer.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	m["post_processor"] = map[string]any{"type": "BertProcessing", "sep": []any{"[SEP]", 102}, "cls": []any{"[CLS]", 101}}
	out, _ := json.Marshal(m)
	p := filepath.Join(t.TempDir(), "tokenizer.json")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	bp, err := LoadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	ref := loadShared(t, "obscura-minilm-conll")
	const text = "Call Dr. Müller at 555-0100."
	if got, want := bp.Encode(text), ref.Encode(text); !equalEncodings(got, want) {
		t.Errorf("BertProcessing %v, TemplateProcessing %v", got.IDs, want.IDs)
	}
}

// TestWindows checks EncodeWindows on the long golden texts: every window
// fits, starts with [CLS] and ends with [SEP], carries exactly the whole
// text's tokens First..Last with the whole text's offsets, consecutive
// windows overlap by stride, and together they cover every content token.
func TestWindows(t *testing.T) {
	var texts []string
	for _, c := range readGoldens(t) {
		if c.Section == "long" || c.Section == "clinical" && len(texts) < 10 {
			texts = append(texts, *c.Text)
		}
	}
	texts = append(texts, "", "one", strings.Repeat("word ", 2000))
	tk := loadShared(t, "obscura-minilm-conll")
	for _, text := range texts {
		full := tk.Encode(text)
		content := full.Len() - 2
		for _, maxLen := range []int{3, 4, 16, 64, 128, 512} {
			for _, stride := range []int{0, 1, 8, 32, 600} {
				wins := tk.EncodeWindows(text, maxLen, stride)
				capacity := maxLen - 2
				wantStride := min(stride, capacity-1)
				next := 0 // first content token not yet covered
				for k, w := range wins {
					n := w.Len()
					if n > maxLen && content > 0 {
						t.Fatalf("maxLen %d: window %d has %d tokens", maxLen, k, n)
					}
					if w.IDs[0] != 101 || w.IDs[n-1] != 102 || !w.Special[0] || !w.Special[n-1] {
						t.Fatalf("window %d does not start with [CLS] and end with [SEP]", k)
					}
					if w.Last-w.First != n-2 {
						t.Fatalf("window %d: First %d Last %d but %d content tokens", k, w.First, w.Last, n-2)
					}
					for j := 1; j < n-1; j++ {
						f := w.First + j // index in full (after [CLS])
						if w.IDs[j] != full.IDs[f] || w.Offsets[j] != full.Offsets[f] || w.WordIDs[j] != full.WordIDs[f] {
							t.Fatalf("window %d token %d differs from the whole text's token %d", k, j, f-1)
						}
					}
					if w.First > next {
						t.Fatalf("maxLen %d stride %d: tokens %d..%d are in no window", maxLen, stride, next, w.First)
					}
					if k > 0 && wins[k-1].Last-w.First != wantStride {
						t.Fatalf("maxLen %d stride %d: windows %d and %d overlap by %d", maxLen, stride, k-1, k, wins[k-1].Last-w.First)
					}
					next = w.Last
				}
				if next != content {
					t.Fatalf("maxLen %d stride %d: windows end at %d of %d content tokens", maxLen, stride, next, content)
				}
			}
		}
		if def := tk.EncodeWindows(text, 0, 0); def[0].Len() > tk.MaxLen() {
			t.Fatalf("default window has %d tokens", def[0].Len())
		}
	}
}

// TestConcurrentEncode encodes from several goroutines at once (the scratch
// state is pooled) and checks every result equals the sequential one.
func TestConcurrentEncode(t *testing.T) {
	tk := loadShared(t, "obscura-minilm-conll")
	texts := []string{benchPrompt, "Héllo wörld 😀 café", "", "日本語 [MASK] 한국어", strings.Repeat("abc ", 300)}
	want := make([]Encoding, len(texts))
	for i, s := range texts {
		want[i] = tk.Encode(s)
	}
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		go func() {
			for k := 0; k < 50; k++ {
				i := (g + k) % len(texts)
				if !equalEncodings(tk.Encode(texts[i]), want[i]) {
					errs <- "concurrent Encode differs from sequential"
					return
				}
			}
			errs <- ""
		}()
	}
	for g := 0; g < 8; g++ {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}

// TestLongCombiningRun feeds one base letter with 200,000 alternating
// combining marks and a kept combining character: canonical reordering
// must stay fast (no quadratic sort), and the marks vanish under
// strip_accents.
func TestLongCombiningRun(t *testing.T) {
	tk := loadShared(t, "obscura-minilm-conll")
	text := "a" + strings.Repeat("\u0301\u0323", 100000) + "\u302e b"
	start := time.Now()
	enc := tk.Encode(text)
	if d := time.Since(start); d > longRunBudget {
		t.Errorf("Encode took %v on a 200,000-mark run", d)
	}
	if enc.Len() != 4 || enc.Offsets[2] != [2]int{len(text) - 1, len(text)} {
		t.Errorf("got %d tokens, offsets %v", enc.Len(), enc.Offsets)
	}
}

// longRunBudget is generous (a shared, loaded CI machine); a quadratic
// sort would take minutes.
const longRunBudget = 5 * time.Second
