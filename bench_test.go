package obscura_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/obscura-ai/obscura/eval"
	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/ner"
	"github.com/obscura-ai/obscura/redact"
	"github.com/obscura-ai/obscura/tokenize"
)

// benchInputs is how many distinct texts of each length a benchmark cycles
// through, so that no single text's entities decide the result.
const benchInputs = 32

// BenchmarkRedact measures end-to-end redaction (tokenize, infer, decode,
// regex, merge, mask) with the baseline model at 16, 128 and 512 tokens,
// batch 1, and reports the latency percentiles of the timed calls:
//
//	go test -run '^$' -bench Redact -benchtime 100x .
func BenchmarkRedact(b *testing.B) {
	dir := testenv.Shared(b, "models", "obscura-minilm-conll")
	rec, wm, err := ner.Load(dir, ner.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	tok, err := tokenize.Load(wm.TokenizerDir)
	if err != nil {
		b.Fatal(err)
	}
	engine, err := redact.NewEngine(redact.Config{Recognizer: rec})
	if err != nil {
		b.Fatal(err)
	}
	pool, err := eval.BenchPool()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, n := range []int{16, 128, 512} {
		r := rand.New(rand.NewPCG(eval.BenchSeed, uint64(n)))
		var texts []string
		for range benchInputs {
			in, err := eval.MakeInput(tok, pool, r, n)
			if err != nil {
				b.Fatal(err)
			}
			texts = append(texts, in.Text)
		}
		b.Run(fmt.Sprintf("tokens=%d", n), func(b *testing.B) {
			// Warm up outside the timer.
			for i := range 3 {
				if _, err := engine.Redact(ctx, texts[i%len(texts)], redact.Options{}); err != nil {
					b.Fatal(err)
				}
			}
			ms := make([]float64, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if _, err := engine.Redact(ctx, texts[i%len(texts)], redact.Options{}); err != nil {
					b.Fatal(err)
				}
				ms = append(ms, float64(time.Since(t0).Nanoseconds())/1e6)
			}
			b.StopTimer()
			sort.Float64s(ms)
			b.ReportMetric(eval.Percentile(ms, 50), "p50-ms")
			b.ReportMetric(eval.Percentile(ms, 95), "p95-ms")
			b.ReportMetric(eval.Percentile(ms, 99), "p99-ms")
		})
	}
}
