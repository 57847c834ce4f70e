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
	"github.com/obscura-ai/obscura/quant"
	"github.com/obscura-ai/obscura/redact"
	"github.com/obscura-ai/obscura/weights/onnx"
	"google.golang.org/protobuf/proto"
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
// waits until its session is ready. spin false stops ONNX Runtime's idle
// intra-op threads from spinning.
func startORT(ctx context.Context, ortDir, model string, threads int, spin bool) (*ortProc, error) {
	if _, err := os.Stat(filepath.Join(ortDir, "node_modules", "onnxruntime-node")); err != nil {
		return nil, fmt.Errorf("bench: onnxruntime-node is not installed: run (cd %s && npm install --ignore-scripts --no-package-lock)", ortDir)
	}
	abs, err := filepath.Abs(model)
	if err != nil {
		return nil, err
	}
	p := &ortProc{stderr: &strings.Builder{}}
	args := []string{filepath.Join(ortDir, "bench.js"), abs, strconv.Itoa(threads)}
	if !spin {
		args = append(args, "nospin")
	}
	p.cmd = exec.CommandContext(ctx, "node", args...)
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

// runTurns times our runtime and one or more ONNX Runtime sessions in turns
// on the same ids: for each input, one inference here, then the same ids in
// each ONNX Runtime process in order, so that all see the same machine load.
// Warm-ups run on every one first. theirs[j] are the times of orts[j].
func runTurns(m *bert.Model, orts []*ortProc, inputs []eval.BenchInput) (ours []float64, theirs [][]float64, err error) {
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
		for _, o := range orts {
			if _, err := o.run(ids); err != nil {
				return nil, nil, err
			}
		}
	}
	theirs = make([][]float64, len(orts))
	for _, in := range inputs {
		a, err := one(in.IDs)
		if err != nil {
			return nil, nil, err
		}
		ours = append(ours, a)
		for j, o := range orts {
			b, err := o.run(in.IDs)
			if err != nil {
				return nil, nil, err
			}
			theirs[j] = append(theirs[j], b)
		}
	}
	return ours, theirs, nil
}

// ortFP32Row is ONNX Runtime on the fp32 file beside an INT8 comparison.
type ortFP32Row struct {
	Len   int          `json:"len"`
	ORT   eval.Latency `json:"ort"`
	Ratio float64      `json:"ort_ratio"` // our INT8 infer p50 / ORT fp32 p50
}

// benchFile is the JSON report of a bench run: eval.Report (which
// obscura gate reads) plus, for --int8 --vs-ort, the INT8 file ONNX Runtime
// ran and ONNX Runtime on the fp32 file. In that mode the rows' ort and
// ort_ratio are ONNX Runtime on the INT8 file.
type benchFile struct {
	*eval.Report
	ORTModel   string       `json:"ort_model,omitempty"`    // INT8 file ONNX Runtime ran: base name, or the export it came from
	ORTModelMB float64      `json:"ort_model_mb,omitempty"` // its size
	ORTNoSpin  bool         `json:"ort_no_spin,omitempty"`  // ONNX Runtime's idle threads blocked instead of spinning
	ORTFP32    []ortFP32Row `json:"ort_fp32,omitempty"`
}

// write stores the report under dir with eval's file name and returns its
// path.
func (f *benchFile) write(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, f.FileName())
	return p, os.WriteFile(p, append(b, '\n'), 0o644)
}

// exportInt8 writes the fp32 graph at fp32Path in ONNX Runtime's
// dynamic-quantization form (quant.QuantizeONNX, what obscura bundle --int8
// ships) into dir and returns the new file's path.
func exportInt8(fp32Path, dir string) (string, error) {
	om, err := onnx.Load(fp32Path)
	if err != nil {
		return "", err
	}
	q, err := quant.QuantizeONNX(om)
	if err != nil {
		return "", fmt.Errorf("bench: int8 export: %w", err)
	}
	b, err := proto.Marshal(q)
	if err != nil {
		return "", fmt.Errorf("bench: int8 export: %w", err)
	}
	p := filepath.Join(dir, "model.onnx")
	return p, os.WriteFile(p, b, 0o644)
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

// benchGroup is the inputs of one row of a bench run; len 0 is the mixed run.
type benchGroup struct {
	len    int
	inputs []eval.BenchInput
}

// benchVsORT times our runtime (m's precision) and ONNX Runtime in turns on
// every group's ids and fills f's ONNX Runtime figures. In fp32 ONNX Runtime
// runs m's own file. With INT8, our fused INT8 runtime (the fp32 file
// quantized at load) takes turns with ONNX Runtime on the INT8 file
// (ortModel, or the fp32 file exported by quant.QuantizeONNX) and then with
// ONNX Runtime on the fp32 file.
func benchVsORT(ctx context.Context, m *evalModel, groups []benchGroup, ortDir, ortModel string, threads int, spin bool, f *benchFile) error {
	bm := m.model
	files := []string{m.onnx}
	if m.opts.Int8 {
		if ortModel == "" {
			tmp, err := os.MkdirTemp("", "obscura-bench-int8-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			if ortModel, err = exportInt8(m.onnx, tmp); err != nil {
				return err
			}
			f.ORTModel = "quant.QuantizeONNX(" + filepath.Base(m.onnx) + ")"
		} else {
			f.ORTModel = filepath.Base(ortModel)
		}
		st, err := os.Stat(ortModel)
		if err != nil {
			return err
		}
		f.ORTModelMB = float64(st.Size()) / 1e6
		files = []string{ortModel, m.onnx}
	}
	var orts []*ortProc
	defer func() {
		for _, o := range orts {
			o.close()
		}
	}()
	for _, file := range files {
		o, err := startORT(ctx, ortDir, file, threads, spin)
		if err != nil {
			return err
		}
		orts = append(orts, o)
	}
	f.ORTVersion = orts[0].Version
	f.ORTNoSpin = !spin
	for i, g := range groups {
		ours, theirs, err := runTurns(bm, orts, g.inputs)
		if err != nil {
			return err
		}
		il, ol := eval.Summarize(ours), eval.Summarize(theirs[0])
		f.Bench[i].Infer = &il
		f.Bench[i].ORT = &ol
		f.Bench[i].Ratio = il.P50 / ol.P50
		if len(theirs) > 1 {
			fl := eval.Summarize(theirs[1])
			f.ORTFP32 = append(f.ORTFP32, ortFP32Row{Len: g.len, ORT: fl, Ratio: il.P50 / fl.P50})
		}
	}
	for _, o := range orts {
		if err := o.close(); err != nil {
			return fmt.Errorf("bench: onnx runtime: %w", err)
		}
	}
	orts = nil
	return nil
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
	vsORT := fs.Bool("vs-ort", false, "also time ONNX Runtime (bench/ort) on the same ids and print the ratio; with --int8, ONNX Runtime on the INT8 file and on the fp32 file")
	ortDir := fs.String("ort-dir", filepath.Join("bench", "ort"), "directory of the ONNX Runtime benchmark")
	ortModel := fs.String("ort-model", "", "with --int8 --vs-ort: the INT8 ONNX file ONNX Runtime runs (default: the model's fp32 graph exported by quant.QuantizeONNX, as obscura bundle --int8 writes it)")
	ortSpin := fs.Bool("ort-spin", false, "let ONNX Runtime's idle intra-op threads spin (ONNX Runtime's own default). Off here: the runtimes take turns, and an idle session's spinning threads would take the cores from whichever runs next (ONNX Runtime's own INT8 session included)")
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
	var groups []benchGroup
	if len(lens) == 0 {
		g := benchGroup{len: 0}
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
		g := benchGroup{len: n}
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
	file := &benchFile{Report: rep}
	if *vsORT {
		if err := benchVsORT(ctx, m, groups, *ortDir, *ortModel, nthreads, *ortSpin, file); err != nil {
			return err
		}
	}
	rep.PeakRSSMB = float64(eval.PeakRSSBytes()) / 1e6
	var path string
	if *reports != "" {
		if path, err = file.write(*reports); err != nil {
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
			for _, f := range file.ORTFP32 {
				if f.Len == row.Len {
					line["ort_fp32_p50_ms"] = f.ORT.P50
					line["ort_fp32_ratio"] = f.Ratio
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

func printBench(w io.Writer, f *benchFile) {
	r := f.Report
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
		line := fmt.Sprintf("%s\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t", benchLen(row.Len), row.Latency.N, row.Latency.P50, row.Latency.P95, row.Latency.P99, row.Latency.Max)
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
	if !vs {
		return
	}
	if f.ORTNoSpin {
		fmt.Fprintln(w, "ONNX Runtime's idle intra-op threads block instead of spinning (--ort-spin=false, the default).")
	} else {
		fmt.Fprintln(w, "ONNX Runtime's idle intra-op threads spin between runs (--ort-spin), taking cores from whichever runtime runs next.")
	}
	if !r.Int8 {
		fmt.Fprintf(w, "infer and ort: our runtime and ONNX Runtime %s taking turns on the same ids, same threads; ratio = infer p50 / ort p50.\n", r.ORTVersion)
		return
	}
	fmt.Fprintf(w, "\nInference only, taking turns on the same ids, same threads: our INT8 runtime, ONNX Runtime %s on the INT8 file %s (%.1f MB), ONNX Runtime on the fp32 file %s (%.1f MB).\n\n", r.ORTVersion, f.ORTModel, f.ORTModelMB, r.ModelFile, r.ModelMB)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "len\tours int8 p50\tp95\tp99\tort int8 p50\tp95\tp99\tort fp32 p50\tp95\tp99\tours/ort int8\tours/ort fp32\t (ms)")
	for i, row := range r.Bench {
		fp := f.ORTFP32[i]
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2fx\t%.2fx\t\n", benchLen(row.Len),
			row.Infer.P50, row.Infer.P95, row.Infer.P99, row.ORT.P50, row.ORT.P95, row.ORT.P99,
			fp.ORT.P50, fp.ORT.P95, fp.ORT.P99, row.Ratio, fp.Ratio)
	}
	tw.Flush()
	fmt.Fprintln(w, "ratios are p50 over p50 (below 1: ours is faster).")
}

// benchLen names a row's length; 0 is the mixed run.
func benchLen(n int) string {
	if n == 0 {
		return "50-500"
	}
	return strconv.Itoa(n)
}
