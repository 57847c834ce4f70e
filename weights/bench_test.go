package weights

import (
	"path/filepath"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
)

// BenchmarkLoadHF loads the shared baseline directory: tokenizer facts,
// graph parse and the embedding/tokenizer checks.
func BenchmarkLoadHF(b *testing.B) {
	dir := testenv.Shared(b, "models", "obscura-minilm-conll")
	for b.Loop() {
		if _, err := Load(dir); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadBundle adds checksum verification of the 90 MB graph.
func BenchmarkLoadBundle(b *testing.B) {
	src, err := Load(testenv.Shared(b, "models", "obscura-minilm-conll"))
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "bundle")
	if _, err := WriteBundle(src, out, BundleOptions{}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(miniLMSize)
	for b.Loop() {
		if _, err := Load(out); err != nil {
			b.Fatal(err)
		}
	}
}
