package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/obscura-ai/obscura/bench"
	"github.com/obscura-ai/obscura/eval"
	"github.com/obscura-ai/obscura/redact"
)

// The product plan's latency method (section 3.2).
const (
	benchWarmup = 10   // untimed inferences before measuring
	benchIters  = 1000 // timed inferences
	benchMinLen = 50   // shortest input of the mixed run, tokens
	benchMaxLen = 500  // longest input of the mixed run, tokens
)

func parseLens(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 3 || n > 512 {
			return nil, fmt.Errorf("bench: bad length %q (3..512)", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func cmdBench(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "model directory (bundle or Hugging Face layout)")
	int8 := fs.Bool("int8", false, "run the INT8 runtime")
	lensFlag := fs.String("lens", "", "comma-separated fixed lengths in tokens (default: the plan's mixed 50-500 run)")
	iters := fs.Int("iters", benchIters, "timed inferences (per length with --lens)")
	threads := fs.Int("threads", 0, "inference threads (0 = all cores)")
	attention := fs.String("attention", "", attentionUsage)
	asJSON := fs.Bool("json", false, `print one JSON line per length: {"len","p50_ms","p95_ms","p99_ms"} (len 0 = mixed run); with --vs-ort also infer_p50_ms, ort_p50_ms and ort_ratio (the headline peer, p50 over p50) and <peer>_p50_ms, <peer>_ratio (paired), <peer>_p50_ratio for every peer`)
	vsORT := fs.Bool("vs-ort", false, "also time ONNX Runtime (bench/ort) in turns on the same ids, each configuration in its own process with default session options: fp32; with --int8 also ONNX Runtime on our INT8 export and on its own dynamic-quantization form")
	ortDir := fs.String("ort-dir", filepath.Join("bench", "ort"), "directory of the ONNX Runtime benchmark")
	ortModel := fs.String("ort-model", "", "with --int8 --vs-ort: the INT8 ONNX file the ort-int8-export peer runs (default: the model's fp32 graph exported by quant.QuantizeONNX, as obscura bundle --int8 writes it)")
	ortNoSpin := fs.Bool("ort-nospin", false, "block ONNX Runtime's idle intra-op threads (session.intra_op.allow_spinning=0) instead of its default spinning: only to reproduce the earlier reports, whose ONNX Runtime figures this made slower")
	ortBlock := fs.Int("ort-block", bench.DefaultTurns.Block, "with --vs-ort: consecutive timed inferences per runner per turn")
	ortSettle := fs.Int("ort-settle", bench.DefaultTurns.Settle, "with --vs-ort: untimed inferences that start each runner's turn (they absorb the previous runner's spinning threads)")
	reports := fs.String("reports", "reports", "directory for the JSON report (\"\" = none)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *iters <= 0 || *ortBlock <= 0 || *ortSettle < 0 {
		return fmt.Errorf("bench: --iters and --ort-block must be positive, --ort-settle not negative: %w", errUsage)
	}
	if *threads > 0 {
		// The runtime sizes its worker pool to GOMAXPROCS.
		prev := runtime.GOMAXPROCS(*threads)
		defer runtime.GOMAXPROCS(prev)
	}
	if *ortModel != "" && !(*vsORT && *int8) {
		return fmt.Errorf("bench: --ort-model needs --int8 --vs-ort: %w", errUsage)
	}
	var lens []int
	if *lensFlag != "" {
		var err error
		if lens, err = parseLens(*lensFlag); err != nil {
			return fmt.Errorf("%w: %w", err, errUsage)
		}
	}
	load := bench.LoadAverage()
	m, err := loadEvalModel(*model, *int8, *attention, *threads, 0, "")
	if err != nil {
		return err
	}
	pool, err := eval.BenchPool()
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(eval.BenchSeed, 2))
	// inputs[i] are the inputs of row i; the mixed run is one row, len 0.
	rowLens := lens
	if len(lens) == 0 {
		rowLens = []int{0}
	}
	inputs := make([][]eval.BenchInput, len(rowLens))
	for i, n := range rowLens {
		for range *iters {
			k := n
			if n == 0 {
				k = benchMinLen + r.IntN(benchMaxLen-benchMinLen+1)
			}
			in, err := eval.MakeInput(m.tok, pool, r, k)
			if err != nil {
				return err
			}
			inputs[i] = append(inputs[i], in)
		}
	}
	nthreads := *threads
	if nthreads == 0 {
		nthreads = runtime.GOMAXPROCS(0)
	}
	rep := &eval.Report{
		Kind: eval.KindBench, Model: m.name, Int8: *int8, Threads: nthreads, Time: time.Now().UTC(),
		Machine: thisMachine(m.model.Attention()), ModelFile: filepath.Base(m.onnx), ModelMB: float64(m.bytes) / 1e6,
	}
	engine, err := redact.NewEngine(redact.Config{Recognizer: m.rec})
	if err != nil {
		return err
	}
	for i, n := range rowLens {
		texts := make([]string, len(inputs[i]))
		for j, in := range inputs[i] {
			texts[j] = in.Text
		}
		row, err := bench.Engine(ctx, engine, texts, n, benchWarmup)
		if err != nil {
			return err
		}
		rep.Bench = append(rep.Bench, row)
	}
	file := &bench.File{Report: rep, LoadStart: load}
	if *vsORT {
		groups := make([]bench.Group, len(rowLens))
		for i, n := range rowLens {
			groups[i].Len = n
			for _, in := range inputs[i] {
				groups[i].IDs = append(groups[i].IDs, in.IDs)
			}
		}
		turns := bench.DefaultTurns
		turns.Block = *ortBlock
		turns.Settle = *ortSettle
		c, err := bench.Compare(ctx, m.model, groups, bench.Config{
			FP32File: m.onnx, Int8: *int8, ORTModel: *ortModel, Dir: *ortDir,
			Threads: nthreads, NoSpin: *ortNoSpin, Turns: turns,
		})
		if err != nil {
			return err
		}
		file.SetComparison(c, *ortNoSpin, turns)
	}
	file.LoadEnd = bench.LoadAverage()
	rep.PeakRSSMB = float64(eval.PeakRSSBytes()) / 1e6
	var path string
	if *reports != "" {
		if path, err = file.Write(*reports); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		for i, row := range rep.Bench {
			line := map[string]any{"len": row.Len, "p50_ms": row.Latency.P50, "p95_ms": row.Latency.P95, "p99_ms": row.Latency.P99, "max_ms": row.Latency.Max}
			if row.Infer != nil {
				// ort_*: the headline peer (as in the report's rows).
				line["infer_p50_ms"], line["ort_p50_ms"], line["ort_ratio"] = row.Infer.P50, row.ORT.P50, row.Ratio
				for _, p := range file.Peers {
					line[p.Name+"_p50_ms"] = p.Rows[i].ORT.P50
					line[p.Name+"_ratio"] = p.Rows[i].Ratio
					line[p.Name+"_p50_ratio"] = p.Rows[i].P50Ratio
				}
			}
			if err := enc.Encode(line); err != nil {
				return err
			}
		}
		return nil
	}
	printBench(stdout, file)
	if path != "" {
		fmt.Fprintf(stdout, "report: %s\n", path)
	}
	return nil
}

func printBench(w io.Writer, f *bench.File) {
	r := f.Report
	mode := "fp32"
	if r.Int8 {
		mode = "int8"
	}
	fmt.Fprintf(w, "model %s (%s), batch 1, %d threads, %d warm-ups; %s\n\n", r.Model, mode, r.Threads, benchWarmup, r.Machine.CPU)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	hdr := "len\tn\tp50\tp95\tp99\tmax\t"
	for _, s := range bench.StageNames {
		hdr += s + " p50\t"
	}
	fmt.Fprintln(tw, hdr+" (ms)")
	for _, row := range r.Bench {
		line := fmt.Sprintf("%s\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t", bench.LenName(row.Len), row.Latency.N, row.Latency.P50, row.Latency.P95, row.Latency.P99, row.Latency.Max)
		for _, s := range bench.StageNames {
			if st, ok := row.Stages[s]; ok {
				line += fmt.Sprintf("%.2f\t", st.P50)
			} else {
				line += "-\t"
			}
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nStages are the engine's own timings (redact.Timings).")
	if len(f.Peers) == 0 {
		return
	}
	fmt.Fprintf(w, "\nInference only, in turns on the same ids, same threads; each ONNX Runtime %s peer in its own process (idle threads: %s):\n\n", r.ORTVersion, f.ORTIdleThreads)
	fmt.Fprint(w, f.Markdown())
}
