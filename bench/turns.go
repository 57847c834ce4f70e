package bench

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/obscura-ai/obscura/eval"
)

// TurnOptions sets how runners take turns.
type TurnOptions struct {
	// Warmup is how many untimed inferences each runner makes before the
	// first timed block.
	Warmup int `json:"warmup"`
	// Block is how many consecutive timed inferences a runner makes per
	// turn; a smaller block interleaves the runners more finely.
	Block int `json:"block"`
	// Settle is how many untimed inferences (on the block's first ids)
	// start every turn: they absorb the previous runner's spinning idle
	// threads and refill this runner's caches.
	Settle int `json:"settle"`
}

// DefaultTurns is what obscura bench uses: 10 warm-ups, blocks of 5, 10
// settling inferences per turn. Two were not enough: at 128 tokens with 2
// threads (MiniLM, 2026-12-03) ours measured 5.20 ms p50 after 2 settling
// runs and 3.72 ms after 12 (3.58 ms alone), while ONNX Runtime on our
// export measured 6.95 and 7.02 ms: the peers' idle threads were still
// spinning into our turn.
var DefaultTurns = TurnOptions{Warmup: 10, Block: 5, Settle: 10}

// Turns times every runner on every input in turns and returns times[j][i],
// runner j's time on inputs[i] in ms. Inputs are taken in blocks of
// opt.Block; in block b the runners go in the order j = (b+k) mod n for
// k = 0..n-1, so that each follows each of the others equally often and
// none is always first after a change of ids.
func Turns(ctx context.Context, runners []Runner, inputs [][]int64, opt TurnOptions) ([][]float64, error) {
	if len(runners) == 0 || len(inputs) == 0 {
		return nil, fmt.Errorf("bench: turns need runners and inputs")
	}
	if opt.Block <= 0 || opt.Warmup < 0 || opt.Settle < 0 {
		return nil, fmt.Errorf("bench: bad turn options %+v", opt)
	}
	for _, r := range runners {
		for i := range opt.Warmup {
			if _, err := r.Run(inputs[i%len(inputs)]); err != nil {
				return nil, fmt.Errorf("bench: %s warm-up: %w", r.Name(), err)
			}
		}
	}
	times := make([][]float64, len(runners))
	for j := range times {
		times[j] = make([]float64, len(inputs))
	}
	n := len(runners)
	for b, lo := 0, 0; lo < len(inputs); b, lo = b+1, lo+opt.Block {
		hi := min(lo+opt.Block, len(inputs))
		for k := range n {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			j := (b + k) % n
			r := runners[j]
			for range opt.Settle {
				if _, err := r.Run(inputs[lo]); err != nil {
					return nil, fmt.Errorf("bench: %s: %w", r.Name(), err)
				}
			}
			for i := lo; i < hi; i++ {
				ms, err := r.Run(inputs[i])
				if err != nil {
					return nil, fmt.Errorf("bench: %s: %w", r.Name(), err)
				}
				times[j][i] = ms
			}
		}
	}
	return times, nil
}

// Ratio is a's p50 over b's p50.
func Ratio(a, b []float64) float64 {
	return eval.Summarize(a).P50 / eval.Summarize(b).P50
}

// PairedRatio compares a and b turn by turn: for every block of Block
// inputs (the stretch in which both ran close together in time) it takes
// the ratio of a's median to b's, and returns the median of those ratios.
// A change of machine load between blocks moves both medians of a block
// alike, so this estimate is steadier than Ratio on a busy machine.
func PairedRatio(a, b []float64, block int) float64 {
	if block <= 0 || len(a) != len(b) || len(a) == 0 {
		return math.NaN()
	}
	var rs []float64
	for lo := 0; lo < len(a); lo += block {
		hi := min(lo+block, len(a))
		rs = append(rs, median(a[lo:hi])/median(b[lo:hi]))
	}
	return median(rs)
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return eval.Percentile(s, 50)
}
