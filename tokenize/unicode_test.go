package tokenize

import (
	"bufio"
	"compress/gzip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// TestNormalizerEveryCodePoint runs the uncased BertNormalizer (clean_text,
// handle_chinese_chars, NFD + mark stripping, lowercase) on "a"+c+"b" for
// every Unicode scalar value c and compares the characters that reach the
// pre-tokenizer with what Hugging Face's normalizer produced for the same
// input (testdata/tokenize/unicode_hf.txt.gz, written by
// scripts/goldens/unicode.mjs). This checks Go's NFD and lowercase tables
// against the Rust library's, code point by code point.
func TestNormalizerEveryCodePoint(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "testdata", "tokenize", "unicode_hf.txt.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tk, err := newTokenizer(map[string]int32{"[UNK]": 0}, "[UNK]", "##", 100,
		normalizer{cleanText: true, handleCJK: true, stripAccents: true, lowercase: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []rune
	e := &encoder{t: tk, out: &Encoding{}, trace: &got}
	checked, bad := 0, 0
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		lo, _ := strconv.ParseInt(fields[0], 16, 32)
		hi, _ := strconv.ParseInt(fields[1], 16, 32)
		form := fields[2]
		for cp := rune(lo); cp <= rune(hi); cp++ {
			var want []rune
			switch form[0] {
			case 'd', 'h':
				d, _ := strconv.Atoi(form[1:])
				want = []rune{cp + rune(d)}
				if form[0] == 'h' && !unicode.Is(hanTable, cp) {
					t.Errorf("U+%04X: Hugging Face spaces it as CJK, hanTable does not hold it", cp)
				}
			case 'x':
				if len(form) > 1 {
					for _, h := range strings.Split(form[1:], ".") {
						v, _ := strconv.ParseInt(h, 16, 32)
						want = append(want, rune(v))
					}
				}
			}
			got = got[:0]
			e.segment("a"+string(cp)+"b", 0, len("a"+string(cp)+"b"))
			checked++
			mid := got[1 : len(got)-1]
			if string(mid) != string(want) {
				bad++
				if bad <= 200 {
					t.Errorf("U+%04X: normalized to %U, Hugging Face gives %U", cp, mid, want)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if checked != 0x110000-0x800 {
		t.Errorf("checked %d code points, want all %d scalar values", checked, 0x110000-0x800)
	}
	if bad > 0 {
		t.Errorf("%d of %d code points differ", bad, checked)
	}
}
