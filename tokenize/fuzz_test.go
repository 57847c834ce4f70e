package tokenize

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzEncode checks, on arbitrary input (invalid UTF-8 included), with
// both shared tokenizers:
//   - no panic; all slices have the same length; [CLS] first, [SEP] last,
//     with offsets [0,0];
//   - content offsets are non-empty, within the text, on UTF-8 boundaries
//     and monotonic (starts and ends never decrease);
//   - re-tokenizing the text under a token's offsets gives back that
//     token's text: the pieces of the re-encoding, joined without their
//     "##", spell the token without its "##" (unless [UNK] is involved, or
//     the token shares an original character with a neighbour, as the
//     jamo pieces of one Hangul syllable do).
//
// Run: go test ./tokenize -run XXX -fuzz FuzzEncode -fuzztime 60s
func FuzzEncode(f *testing.F) {
	for _, s := range []string{
		"", "Hello, World!", "Héllo wörld 😀 café", "日本語テキスト naïve", "a\u0301b x\u200By",
		"İstanbul ΟΔΥΣΣΕΥΣ Straße", "[CLS] a[SEP]b [MASK]", "한국어 서울", "👩🏽‍⚕️ 🇩🇪 1️⃣", "\xff\xfe invalid \xc3",
		"tab\there\r\n\u2028\u00a0", strings.Repeat("a", 101), "ﬁne ＡＢＣ ①", "\u0000\u0085\uFFFD\uE000",
		"Pt John Smith, DOB 03/14/1978, SSN 123-45-6789, SpO₂ 94%",
	} {
		f.Add(s)
	}
	tks := []*Tokenizer{loadShared(f, "obscura-minilm-conll"), loadShared(f, "bert-base-NER-tokenizer")}
	f.Fuzz(func(t *testing.T, text string) {
		for _, tk := range tks {
			checkEncoding(t, tk, text)
		}
	})
}

func checkEncoding(t *testing.T, tk *Tokenizer, text string) {
	enc := tk.Encode(text)
	n := enc.Len()
	if len(enc.Offsets) != n || len(enc.Special) != n || len(enc.WordIDs) != n {
		t.Fatalf("slice lengths differ: %d %d %d %d", n, len(enc.Offsets), len(enc.Special), len(enc.WordIDs))
	}
	cls, sep, _, unk := tk.SpecialIDs()
	if n < 2 || enc.IDs[0] != cls || enc.IDs[n-1] != sep || enc.Offsets[0] != [2]int{} || enc.Offsets[n-1] != [2]int{} ||
		!enc.Special[0] || !enc.Special[n-1] {
		t.Fatalf("encoding does not start with [CLS] and end with [SEP] at [0,0]")
	}
	boundary := make([]bool, len(text)+1)
	for i := 0; i < len(text); {
		boundary[i] = true
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	boundary[len(text)] = true
	prev := [2]int{0, 0}
	prevWord := -1
	prefix := tk.ContinuingPrefix()
	for i := 1; i < n-1; i++ {
		off := enc.Offsets[i]
		if enc.Special[i] {
			t.Fatalf("token %d: special inside the text", i)
		}
		if off[0] < 0 || off[1] > len(text) || off[0] >= off[1] {
			t.Fatalf("token %d: offsets %v out of bounds or empty (len %d)", i, off, len(text))
		}
		if !boundary[off[0]] || !boundary[off[1]] {
			t.Fatalf("token %d: offsets %v not on UTF-8 boundaries", i, off)
		}
		if off[0] < prev[0] || off[1] < prev[1] {
			t.Fatalf("token %d: offsets %v go back from %v", i, off, prev)
		}
		if w := enc.WordIDs[i]; w < prevWord || w > prevWord+1 {
			t.Fatalf("token %d: word %d after word %d", i, w, prevWord)
		}
		prev, prevWord = off, enc.WordIDs[i]
	}
	for i := 1; i < n-1; i++ {
		id, off := enc.IDs[i], enc.Offsets[i]
		if id == unk {
			continue
		}
		if (i > 1 && enc.Offsets[i-1][1] > off[0]) || (i < n-2 && enc.Offsets[i+1][0] < off[1]) {
			continue // shares an original character with a neighbour
		}
		want := tk.Token(id)
		if enc.WordIDs[i] == enc.WordIDs[i-1] {
			want = strings.TrimPrefix(want, prefix)
		}
		re := tk.Encode(text[off[0]:off[1]])
		var got strings.Builder
		hasUnk := false
		for j := 1; j < re.Len()-1; j++ {
			if re.IDs[j] == unk {
				hasUnk = true
			}
			p := tk.Token(re.IDs[j])
			if j > 1 && re.WordIDs[j] == re.WordIDs[j-1] {
				p = strings.TrimPrefix(p, prefix)
			}
			got.WriteString(p)
		}
		if !hasUnk && got.String() != want {
			t.Fatalf("token %d (%q) at %v: re-tokenizing its text gives %q", i, want, off, got.String())
		}
	}
}
