package train

import (
	"path/filepath"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
)

// BenchmarkTrainStep times one optimizer step (forward, backward, clipping,
// AdamW) of the MiniLM baseline on a batch of 32 sequences of 128 tokens,
// with dropout on; tokens/s is reported.
func BenchmarkTrainStep(b *testing.B) {
	path := filepath.Join(testenv.Shared(b, "models", "all-minilm-l6-base", "onnx"), "model.onnx")
	p := loadParamsB(b, path)
	lens := make([]int, 32)
	for i := range lens {
		lens[i] = 128
	}
	batch := randomBatch(p.Arch, 1, lens...)
	seqs := make([]Sequence, 0, 32)
	for s := range batch.Lens {
		st, n := batch.Starts[s], batch.Lens[s]
		seqs = append(seqs, Sequence{IDs: batch.IDs[st : st+n], Types: batch.Types[st : st+n], Labels: batch.Labels[st : st+n]})
	}
	labels, _ := NewLabels([]string{"MISC", "PERSON", "ORGANIZATION", "LOCATION"})
	tr, err := NewTrainer(Config{Epochs: 1, BatchSize: 32, LR: 5e-5, WarmupFrac: 0.1, WeightDecay: 0.01, ClipNorm: 1,
		Dropout: Dropout{Hidden: 0.1, Attention: 0.1}, Seed: 1}, p, labels, seqs, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := tr.step(batch, i, 5e-5); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(batch.Tokens()*b.N)/b.Elapsed().Seconds(), "tokens/s")
}
