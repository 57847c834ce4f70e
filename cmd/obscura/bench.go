package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/obscura-ai/obscura/bert"
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

// stageNames are the per-stage timings reported, in pipeline order.
var stageNames = []string{"tokenize", "infer", "decode", "regex", "merge", "mask"}

// benchStages runs the redaction engine once and returns its total and
// per-stage times in ms.
func benchStages(ctx context.Context, e *redact.Engine, text string) (float64, map[string]float64, error) {
	t0 := time.Now()
	res, err := e.Redact(ctx, text, redact.Options{})
	total := float64(time.Since(t0).Nanoseconds()) / 1e6
	if err != nil {
		return 0, nil, err
	}
	t := res.Timings
	return total, map[string]float64{"tokenize": t.Tokenize, "infer": t.Infer, "decode": t.Decode, "regex": t.Regex, "merge": t.Merge, "mask": t.Mask}, nil
}

// runBench times the inputs end to end after warm-ups.
func runBench(ctx context.Context, e *redact.Engine, inputs []eval.BenchInput, length int) (eval.BenchRow, error) {
	for i := range benchWarmup {
		if _, _, err := benchStages(ctx, e, inputs[i%len(inputs)].Text); err != nil {
			return eval.BenchRow{}, err
		}
	}
	var total []float64
	stages := map[string][]float64{}
	for _, in := range inputs {
		if err := ctx.Err(); err != nil {
			return eval.BenchRow{}, err
		}
		t, st, err := benchStages(ctx, e, in.Text)
		if err != nil {
			return eval.BenchRow{}, err
		}
		total = append(total, t)
		for k, v := range st {
			stages[k] = append(stages[k], v)
		}
	}
	row := eval.BenchRow{Len: length, Latency: eval.Summarize(total), Stages: map[string]eval.Latency{}}
	for k, v := range stages {
		row.Stages[k] = eval.Summarize(v)
	}
	return row, nil
}

// ortProc is a running bench/ort/bench.js, answering one timed inference
// per line of ids.
type ortProc struct {
	cmd     *exec.Cmd
	in      io.WriteCloser
	out     *bufio.Scanner
	stderr  *strings.Builder
	Version string
}

// startORT starts bench/ort/bench.js on the model with the thread count and
// waits until its session is ready.
func startORT(ctx context.Context, ortDir, model string, threads int) (*ortProc, error) {
	if _, err := os.Stat(filepath.Join(ortDir, "node_modules", "onnxruntime-node")); err != nil {
		return nil, fmt.Errorf("bench: onnxruntime-node is not installed: run (cd %s && npm install --ignore-scripts --no-package-lock)", ortDir)
	}
	abs, err := filepath.Abs(model)
	if err != nil {
		return nil, err
	}
	p := &ortProc{stderr: &strings.Builder{}}
	p.cmd = exec.CommandContext(ctx, "node", filepath.Join(ortDir, "bench.js"), abs, strconv.Itoa(threads))
	p.cmd.Stderr = p.stderr
	if p.in, err = p.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p.out = bufio.NewScanner(stdout)
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench: starting node: %w", err)
	}
	var ready struct {
		Ready   bool   `json:"ready"`
		Version string `json:"version"`
	}
	if err := p.read(&ready); err != nil || !ready.Ready {
		p.close()
		return nil, fmt.Errorf("bench: onnx runtime did not start: %v %s", err, strings.TrimSpace(p.stderr.String()))
	}
	p.Version = ready.Version
	return p, nil
}

func (p *ortProc) read(v any) error {
	if !p.out.Scan() {
		if err := p.out.Err(); err != nil {
			return err
		}
		return fmt.Errorf("bench: onnx runtime exited: %s", strings.TrimSpace(p.stderr.String()))
	}
	return json.Unmarshal(p.out.Bytes(), v)
}

// run has ONNX Runtime time one inference on ids.
func (p *ortProc) run(ids []int64) (float64, error) {
	b, err := json.Marshal(struct {
		IDs []int64 `json:"ids"`
	}{ids})
	if err != nil {
		return 0, err
	}
	if _, err := p.in.Write(append(b, '\n')); err != nil {
		return 0, err
	}
	var r struct {
		MS float64 `json:"ms"`
	}
	err = p.read(&r)
	return r.MS, err
}

func (p *ortProc) close() error {
	p.in.Close()
	return p.cmd.Wait()
}

// runPaired times our runtime and ONNX Runtime in turns on the same ids:
// for each input, one inference here, then the same ids there, so that
// both see the same machine load. Warm-ups run on both first.
func runPaired(m *bert.Model, ort *ortProc, inputs []eval.BenchInput) (ours, theirs []float64, err error) {
	one := func(ids []int64) (float64, error) {
		t0 := time.Now()
		_, err := m.Run(bert.Batch{IDs: ids, Size: 1, SeqLen: len(ids)})
		return float64(time.Since(t0).Nanoseconds()) / 1e6, err
	}
	for i := range benchWarmup {
		ids := inputs[i%len(inputs)].IDs
		if _, err := one(ids); err != nil {
			return nil, nil, err
		}
		if _, err := ort.run(ids); err != nil {
			return nil, nil, err
		}
	}
	for _, in := range inputs {
		a, err := one(in.IDs)
		if err != nil {
			return nil, nil, err
		}
		b, err := ort.run(in.IDs)
		if err != nil {
			return nil, nil, err
		}
		ours, theirs = append(ours, a), append(theirs, b)
	}
	return ours, theirs, nil
}

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
	asJSON := fs.Bool("json", false, `print one JSON line per length: {"len","p50_ms","p95_ms","p99_ms"} (len 0 = mixed run)`)
	vsORT := fs.Bool("vs-ort", false, "also time ONNX Runtime (bench/ort) on the same ids and print the ratio")
	ortDir := fs.String("ort-dir", filepath.Join("bench", "ort"), "directory of the ONNX Runtime benchmark")
	reports := fs.String("reports", "reports", "directory for the JSON report (\"\" = none)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *iters <= 0 {
		return fmt.Errorf("bench: --iters must be positive: %w", errUsage)
	}
	if *threads > 0 {
		// The runtime sizes its worker pool to GOMAXPROCS.
		prev := runtime.GOMAXPROCS(*threads)
		defer runtime.GOMAXPROCS(prev)
	}
	if *vsORT && *int8 {
		return fmt.Errorf("bench: --vs-ort compares the fp32 model file; drop --int8: %w", errUsage)
	}
	var lens []int
	if *lensFlag != "" {
		var err error
		if lens, err = parseLens(*lensFlag); err != nil {
			return fmt.Errorf("%w: %w", err, errUsage)
		}
	}
	m, err := loadEvalModel(*model, *int8, *threads, 0, "")
	if err != nil {
		return err
	}
	pool, err := eval.BenchPool()
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(eval.BenchSeed, 2))
	// groups[i] are the inputs of row i; the mixed run is one group, len 0.
	type group struct {
		len    int
		inputs []eval.BenchInput
	}
	var groups []group
	if len(lens) == 0 {
		g := group{len: 0}
		for range *iters {
			in, err := eval.MakeInput(m.tok, pool, r, benchMinLen+r.IntN(benchMaxLen-benchMinLen+1))
			if err != nil {
				return err
			}
			g.inputs = append(g.inputs, in)
		}
		groups = append(groups, g)
	}
	for _, n := range lens {
		g := group{len: n}
		for range *iters {
			in, err := eval.MakeInput(m.tok, pool, r, n)
			if err != nil {
				return err
			}
			g.inputs = append(g.inputs, in)
		}
		groups = append(groups, g)
	}
	nthreads := *threads
	if nthreads == 0 {
		nthreads = runtime.GOMAXPROCS(0)
	}
	rep := &eval.Report{
		Kind: eval.KindBench, Model: m.name, Int8: *int8, Threads: nthreads, Time: time.Now().UTC(),
		Machine: thisMachine(), ModelFile: filepath.Base(m.onnx), ModelMB: float64(m.bytes) / 1e6,
	}
	engine, err := redact.NewEngine(redact.Config{Recognizer: m.rec})
	if err != nil {
		return err
	}
	for _, g := range groups {
		row, err := runBench(ctx, engine, g.inputs, g.len)
		if err != nil {
			return err
		}
		rep.Bench = append(rep.Bench, row)
	}
	if *vsORT {
		bm, err := bert.Load(m.onnx, m.opts)
		if err != nil {
			return err
		}
		ort, err := startORT(ctx, *ortDir, m.onnx, nthreads)
		if err != nil {
			return err
		}
		rep.ORTVersion = ort.Version
		for i, g := range groups {
			ours, theirs, err := runPaired(bm, ort, g.inputs)
			if err != nil {
				ort.close()
				return err
			}
			ol, il := eval.Summarize(theirs), eval.Summarize(ours)
			rep.Bench[i].ORT = &ol
			rep.Bench[i].Infer = &il
			rep.Bench[i].Ratio = il.P50 / ol.P50
		}
		if err := ort.close(); err != nil {
			return fmt.Errorf("bench: onnx runtime: %w", err)
		}
	}
	rep.PeakRSSMB = float64(eval.PeakRSSBytes()) / 1e6
	var path string
	if *reports != "" {
		if path, err = rep.Write(*reports); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		for _, row := range rep.Bench {
			line := map[string]any{"len": row.Len, "p50_ms": row.Latency.P50, "p95_ms": row.Latency.P95, "p99_ms": row.Latency.P99, "max_ms": row.Latency.Max}
			if row.ORT != nil {
				line["infer_p50_ms"] = row.Infer.P50
				line["ort_p50_ms"] = row.ORT.P50
				line["ort_ratio"] = row.Ratio
			}
			if err := enc.Encode(line); err != nil {
				return err
			}
		}
		return nil
	}
	printBench(stdout, rep)
	if path != "" {
		fmt.Fprintf(stdout, "report: %s\n", path)
	}
	return nil
}

func printBench(w io.Writer, r *eval.Report) {
	mode := "fp32"
	if r.Int8 {
		mode = "int8"
	}
	fmt.Fprintf(w, "model %s (%s), batch 1, %d threads, %d warm-ups; %s\n\n", r.Model, mode, r.Threads, benchWarmup, r.Machine.CPU)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	hdr := "len\tn\tp50\tp95\tp99\tmax\t"
	for _, s := range stageNames {
		hdr += s + " p50\t"
	}
	vs := len(r.Bench) > 0 && r.Bench[0].ORT != nil
	if vs {
		hdr += "infer p50\tort p50\tratio\t"
	}
	fmt.Fprintln(tw, hdr+" (ms)")
	for _, row := range r.Bench {
		l := "50-500"
		if row.Len > 0 {
			l = strconv.Itoa(row.Len)
		}
		line := fmt.Sprintf("%s\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t", l, row.Latency.N, row.Latency.P50, row.Latency.P95, row.Latency.P99, row.Latency.Max)
		for _, s := range stageNames {
			if st, ok := row.Stages[s]; ok {
				line += fmt.Sprintf("%.2f\t", st.P50)
			} else {
				line += "-\t"
			}
		}
		if vs {
			line += fmt.Sprintf("%.2f\t%.2f\t%.2fx\t", row.Infer.P50, row.ORT.P50, row.Ratio)
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nStages are the engine's own timings (redact.Timings).")
	if vs {
		fmt.Fprintf(w, "infer and ort: our runtime and ONNX Runtime %s taking turns on the same ids, same threads; ratio = infer p50 / ort p50.\n", r.ORTVersion)
	}
}
