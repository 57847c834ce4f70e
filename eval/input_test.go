package eval

import (
	"math/rand/v2"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/tokenize"
)

func TestMakeInputExactLengths(t *testing.T) {
	tok, err := tokenize.Load(testenv.Shared(t, "models", "obscura-minilm-conll"))
	if err != nil {
		t.Fatal(err)
	}
	pool, err := BenchPool()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(BenchSeed, 2))
	for _, n := range []int{3, 16, 50, 128, 333, 500, 512} {
		in, err := MakeInput(tok, pool, r, n)
		if err != nil {
			t.Fatal(err)
		}
		enc := tok.Encode(in.Text)
		if enc.Len() != n || len(in.IDs) != n {
			t.Fatalf("length %d: text encodes to %d tokens, %d ids", n, enc.Len(), len(in.IDs))
		}
		for i, id := range enc.IDs {
			if int64(id) != in.IDs[i] {
				t.Fatalf("length %d: id %d differs from the text's encoding", n, i)
			}
		}
	}
}
