package eval

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/obscura-ai/obscura/eval/synth"
	"github.com/obscura-ai/obscura/tokenize"
)

// BenchSeed seeds the synthetic text that benchmark inputs are cut from.
const BenchSeed = 1

// BenchInput is one benchmark input: a text and its token ids, [CLS] … [SEP]
// included.
type BenchInput struct {
	Text string
	IDs  []int64
}

// BenchPool returns the synthetic texts that benchmark inputs are cut from:
// 400 samples of each domain, seed BenchSeed.
func BenchPool() ([]string, error) {
	var pool []string
	for _, d := range synth.Domains {
		s, err := synth.Generate(d, BenchSeed, 400)
		if err != nil {
			return nil, err
		}
		for _, x := range s {
			pool = append(pool, x.Text)
		}
	}
	return pool, nil
}

// MakeInput builds a text that tok encodes to exactly n tokens, special
// tokens included: pool texts drawn with r are joined until long enough, cut
// after a whole word, then topped up with one-token " ." words.
func MakeInput(tok *tokenize.Tokenizer, pool []string, r *rand.Rand, n int) (BenchInput, error) {
	if n < 3 {
		return BenchInput{}, fmt.Errorf("eval: input length %d is below 3 tokens", n)
	}
	var b strings.Builder
	var enc tokenize.Encoding
	for {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(pool[r.IntN(len(pool))])
		enc = tok.Encode(b.String())
		if enc.Len() >= n || b.Len() > 64*n {
			break
		}
	}
	text := b.String()
	// Keep content tokens 1..k, where k+2 <= n and token k ends a word.
	k := min(n-2, enc.Len()-2)
	for k > 0 && k+1 < enc.Len() && !enc.Special[k+1] && enc.WordIDs[k+1] == enc.WordIDs[k] {
		k--
	}
	if k > 0 {
		text = text[:enc.Offsets[k][1]]
	} else {
		text = ""
	}
	for {
		enc = tok.Encode(text)
		if enc.Len() >= n {
			break
		}
		text += " ."
	}
	if enc.Len() != n {
		return BenchInput{}, fmt.Errorf("eval: could not build a %d-token input (got %d)", n, enc.Len())
	}
	ids := make([]int64, enc.Len())
	for i, v := range enc.IDs {
		ids[i] = int64(v)
	}
	return BenchInput{Text: text, IDs: ids}, nil
}
