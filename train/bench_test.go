package train

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/obscura-ai/obscura/internal/testenv"
)

// BenchmarkTrainStep times one optimizer step (forward, backward, clipping,
// AdamW) of the MiniLM baseline on a batch of 32 sequences of 128 tokens,
// with dropout on; tokens/s is reported.
func BenchmarkTrainStep(b *testing.B) {
	path := filepath.Join(testenv.Shared(b, "models", "all-minilm-l6-base", "onnx"), "model.onnx")
	p := loadParams[float32](b, path, 9)
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

// BenchmarkTrainVsTorch times training steps of the MiniLM-sized model at
// batch 32 × 128 tokens beside torch fp32 (scripts/train/torch_bench.py:
// the same architecture, dropout, loss, clipping and AdamW) on the same
// number of threads, taking turns for two rounds, and reports both
// throughputs and their ratio (ours / torch; above 1 is faster). It skips
// without torch.
func BenchmarkTrainVsTorch(b *testing.B) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import torch").Run(); err != nil {
		b.Skip("torch is not installed")
	}
	path := filepath.Join(testenv.Shared(b, "models", "all-minilm-l6-base", "onnx"), "model.onnx")
	p := loadParams[float32](b, path, 9)
	const batch, seqLen, steps = 32, 128, 3
	lens := make([]int, batch)
	for i := range lens {
		lens[i] = seqLen
	}
	bt := randomBatch(p.Arch, 1, lens...)
	labels, _ := NewLabels([]string{"MISC", "PERSON", "ORGANIZATION", "LOCATION"})
	tr, err := NewTrainer(Config{Epochs: 1, BatchSize: batch, LR: 5e-5, WeightDecay: 0.01, ClipNorm: 1,
		Dropout: Dropout{Hidden: 0.1, Attention: 0.1}, Seed: 1}, p, labels, []Sequence{{IDs: bt.IDs[:2]}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	threads := runtime.GOMAXPROCS(0)
	script := filepath.Join(testenv.ModuleRoot(), "scripts", "train", "torch_bench.py")
	tr.step(bt, 0, 5e-5) // warm-up
	var ours, theirs []float64
	for round := 0; round < 2; round++ {
		cmd := exec.Command(py, script, "--threads", strconv.Itoa(threads), "--steps", strconv.Itoa(steps),
			"--batch", strconv.Itoa(batch), "--len", strconv.Itoa(seqLen))
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("torch_bench.py: %v", err)
		}
		var r struct {
			TokensPerSecond float64 `json:"tokens_per_second"`
		}
		if err := json.Unmarshal(out, &r); err != nil {
			b.Fatal(err)
		}
		theirs = append(theirs, r.TokensPerSecond)
		start := time.Now()
		for s := 0; s < steps; s++ {
			if _, err := tr.step(bt, s+1, 5e-5); err != nil {
				b.Fatal(err)
			}
		}
		ours = append(ours, float64(batch*seqLen*steps)/time.Since(start).Seconds())
	}
	sort.Float64s(ours)
	sort.Float64s(theirs)
	o, t := (ours[0]+ours[1])/2, (theirs[0]+theirs[1])/2
	b.ReportMetric(o, "ours_tokens/s")
	b.ReportMetric(t, "torch_tokens/s")
	b.ReportMetric(o/t, "ratio")
	b.Logf("tokens/s per round: ours %v, torch %v (%d threads)", ours, theirs, threads)
}
