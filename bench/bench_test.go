package bench

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/tokenize"
)

// recorder is a Runner that logs which ids it ran and answers a fixed time.
type recorder struct {
	name string
	log  *[]string
	ms   float64
}

func (r recorder) Name() string { return r.name }
func (r recorder) Run(ids []int64) (float64, error) {
	*r.log = append(*r.log, r.name+string(rune('0'+ids[0])))
	return r.ms, nil
}

// TestTurnsOrder: one warm-up each, blocks of 2 with 1 settling run, the
// order of the runners rotating from block to block, and every timed
// answer stored at its input's index.
func TestTurnsOrder(t *testing.T) {
	var log []string
	rs := []Runner{recorder{"a", &log, 1}, recorder{"b", &log, 2}}
	inputs := [][]int64{{0}, {1}, {2}, {3}, {4}}
	times, err := Turns(context.Background(), rs, inputs, TurnOptions{Warmup: 1, Block: 2, Settle: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a0", "b0", // warm-ups
		"a0", "a0", "a1", "b0", "b0", "b1", // block 0: a then b
		"b2", "b2", "b3", "a2", "a2", "a3", // block 1: b then a
		"a4", "a4", "b4", "b4"} // block 2 (short): a then b
	if len(log) != len(want) {
		t.Fatalf("ran %v, want %v", log, want)
	}
	for i := range want {
		if log[i] != want[i] {
			t.Fatalf("ran %v, want %v", log, want)
		}
	}
	for i := range inputs {
		if times[0][i] != 1 || times[1][i] != 2 {
			t.Fatalf("times %v", times)
		}
	}
	if _, err := Turns(context.Background(), rs, inputs, TurnOptions{Block: 0}); err == nil {
		t.Error("block 0 accepted")
	}
	if _, err := Turns(context.Background(), nil, inputs, DefaultTurns); err == nil {
		t.Error("no runners accepted")
	}
}

const (
	// selfRatioTol is the bound on ONNX Runtime against itself:
	// the harness must measure two identical peers within 5 %.
	selfRatioTol = 0.05
	// selfLen and selfInputs size the self-comparison: 32-token inputs
	// and enough of them, in blocks of DefaultTurns.Block, that a noisy
	// stretch lands on both peers.
	selfLen    = 32
	selfInputs = 240
	// selfThreads is ONNX Runtime's intra-op thread count in the
	// self-comparison. One: with two intra-op threads on a 2-core machine
	// that other jobs load 4-5 times over, the spinning threads' fight for
	// cores made the paired ratio drift to 1.03-1.07 in four runs (two
	// outside the bound), which measures the machine, not the harness.
	selfThreads = 1
	// selfPasses is the number of passes, half with a started first and
	// half with b: on the Zen 3 host of 2026-12-07, whose speed drifted by
	// tens of percent within minutes, single passes read 0.92-1.05, and
	// the mean of one pair of passes left the bound in one run of two.
	selfPasses = 6
	// selfCompareEnv enables TestPeerAgainstItself.
	selfCompareEnv = "OBSCURA_SELF_COMPARE"
)

// TestPeerAgainstItself runs ONNX Runtime against itself: two peer
// processes on the same fp32 file with default session options, taking
// turns on the same ids. The ratio the reports headline (PairedRatio) of
// peer a over peer b must be 1.00 ± selfRatioTol, read either way round,
// so that a harness that favours the first or the second runner fails.
//
// Passes alternate which peer is started first (selfPasses of them; two
// until 2026-12-07): on the 2-core Intel
// machine of 2026-12-03 the process started first was the slower one in
// 10 of 11 single passes (paired 1.02-1.10, the eleventh 0.96, so a single
// pass failed the bound about half the time; with the runner list
// reversed the ratio reversed, 0.90-0.95 in three runs, so it follows the
// process, not the turn order).
// That is a property of the processes, not of the harness, and the
// geometric mean over the passes cancels it; each pass is logged. On
// the AMD machine of 2026-12-02 single passes gave 0.98-1.02 with 1
// thread under a load average of 8.
//
// It is a timing test, so it runs only when selfCompareEnv is set, on an
// otherwise idle machine: .ci/run runs it on its own after go test ./...,
// whose other packages' tests, running beside it, moved single passes to
// 1.08 and p50 over p50 to 1.21.
func TestPeerAgainstItself(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two ONNX Runtime processes")
	}
	if os.Getenv(selfCompareEnv) == "" {
		t.Skipf("a timing test: set %s=1 and run it alone on an otherwise idle machine (.ci/run does)", selfCompareEnv)
	}
	dir := testenv.Shared(t, "models", "obscura-minilm-conll")
	ortDir := filepath.Join(testenv.ModuleRoot(), "bench", "ort")
	if _, err := os.Stat(filepath.Join(ortDir, "node_modules", "onnxruntime-node")); err != nil {
		t.Skip("bench/ort is not installed: (cd bench/ort && npm install --ignore-scripts --no-package-lock)")
	}
	tok, err := tokenize.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	inputs := selfIDs(t, tok)
	threads := min(selfThreads, runtime.NumCPU())
	model := filepath.Join(dir, "onnx", "model.onnx")
	// pass starts the peers in the given order and returns the paired and
	// p50 ratios of a over b.
	pass := func(order []string) (paired, p50 float64, version string) {
		byName := map[string]*Peer{}
		for _, name := range order {
			p, err := StartPeer(context.Background(), PeerOptions{Name: name, Dir: ortDir, Model: model, Threads: threads})
			if errors.Is(err, ErrNotInstalled) {
				t.Skip(err)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			byName[name] = p
		}
		peers := []Runner{byName["a"], byName["b"]}
		times, err := Turns(context.Background(), peers, inputs, DefaultTurns)
		if err != nil {
			t.Fatal(err)
		}
		return PairedRatio(times[0], times[1], DefaultTurns.Block), Ratio(times[0], times[1]), byName["a"].Version
	}
	logSum, version := 0.0, ""
	for i := range selfPasses {
		order := []string{"a", "b"}
		if i%2 == 1 {
			order = []string{"b", "a"}
		}
		paired, p50, v := pass(order)
		version = v
		logSum += math.Log(paired)
		t.Logf("pass %d, %s started first: a/b paired %.4f (p50 over p50 %.4f)", i+1, order[0], paired, p50)
	}
	pr := math.Exp(logSum / selfPasses)
	t.Logf("ONNX Runtime %s against itself, %d threads, %d inputs of %d tokens, %d passes: geometric mean of the paired ratios %.4f",
		version, threads, len(inputs), selfLen, selfPasses, pr)
	if math.Abs(pr-1) > selfRatioTol || math.Abs(1/pr-1) > selfRatioTol {
		t.Errorf("ONNX Runtime against itself: paired ratio %.4f, want 1.00 ± %.2f", pr, selfRatioTol)
	}
}

// selfIDs tokenizes selfInputs distinct pseudo-sentences cut to selfLen
// tokens ([CLS] … [SEP]).
func selfIDs(t *testing.T, tok *tokenize.Tokenizer) [][]int64 {
	t.Helper()
	words := []string{"the", "company", "said", "on", "Monday", "that", "John", "Smith", "of", "Berlin", "will", "visit", "Paris", "next", "week", "with", "officials", "from", "the", "United", "Nations"}
	var out [][]int64
	for i := range selfInputs {
		text := ""
		for j := 0; j < 2*selfLen; j++ {
			text += words[(i*7+j*3+j/5)%len(words)] + " "
		}
		enc := tok.Encode(text)
		if enc.Len() < selfLen {
			t.Fatalf("input %d has %d tokens, want at least %d", i, enc.Len(), selfLen)
		}
		row := make([]int64, selfLen)
		for k := range row {
			row[k] = int64(enc.IDs[k])
		}
		row[selfLen-1] = int64(enc.IDs[enc.Len()-1]) // [SEP]
		out = append(out, row)
	}
	return out
}
