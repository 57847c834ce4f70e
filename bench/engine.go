package bench

import (
	"context"
	"time"

	"github.com/obscura-ai/obscura/eval"
	"github.com/obscura-ai/obscura/redact"
)

// StageNames are the per-stage timings reported, in pipeline order.
var StageNames = []string{"tokenize", "infer", "decode", "regex", "merge", "mask"}

// stages runs the engine once and returns its total and per-stage times
// in ms.
func stages(ctx context.Context, e *redact.Engine, text string) (float64, map[string]float64, error) {
	t0 := time.Now()
	res, err := e.Redact(ctx, text, redact.Options{})
	total := float64(time.Since(t0).Nanoseconds()) / 1e6
	if err != nil {
		return 0, nil, err
	}
	t := res.Timings
	return total, map[string]float64{"tokenize": t.Tokenize, "infer": t.Infer, "decode": t.Decode, "regex": t.Regex, "merge": t.Merge, "mask": t.Mask}, nil
}

// Engine times the redaction engine end to end on every text after warmup
// untimed runs (cycling through the texts), and returns the row for
// length n (0: the mixed run).
func Engine(ctx context.Context, e *redact.Engine, texts []string, n, warmup int) (eval.BenchRow, error) {
	for i := range warmup {
		if _, _, err := stages(ctx, e, texts[i%len(texts)]); err != nil {
			return eval.BenchRow{}, err
		}
	}
	var total []float64
	st := map[string][]float64{}
	for _, text := range texts {
		if err := ctx.Err(); err != nil {
			return eval.BenchRow{}, err
		}
		t, s, err := stages(ctx, e, text)
		if err != nil {
			return eval.BenchRow{}, err
		}
		total = append(total, t)
		for k, v := range s {
			st[k] = append(st[k], v)
		}
	}
	row := eval.BenchRow{Len: n, Latency: eval.Summarize(total), Stages: map[string]eval.Latency{}}
	for k, v := range st {
		row.Stages[k] = eval.Summarize(v)
	}
	return row, nil
}
