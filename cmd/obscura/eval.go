package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/obscura-ai/obscura/bert"
	"github.com/obscura-ai/obscura/eval"
	"github.com/obscura-ai/obscura/internal/cpu"
	"github.com/obscura-ai/obscura/ner"
	"github.com/obscura-ai/obscura/quant"
	"github.com/obscura-ai/obscura/redact"
	"github.com/obscura-ai/obscura/tensor"
	"github.com/obscura-ai/obscura/tokenize"
	"github.com/obscura-ai/obscura/weights"
)

// evalModel is a loaded model with what eval and bench need of it.
type evalModel struct {
	name    string // model directory's base name
	onnx    string // model graph path
	bytes   int64  // model graph size
	tok     *tokenize.Tokenizer
	rec     *ner.Recognizer
	model   *bert.Model // the recognizer's own classifier
	labels  []string    // id2label of the logit columns
	opts    bert.Options
	threads int
	caseCh  bool // the schema's case channel
}

// attentionUsage documents the --attention flag of eval and bench.
const attentionUsage = "attention arithmetic: auto (bfloat16 products for INT8 where the CPU has AVX-512 BF16, else fp32), fp32 or bf16"

// loadEvalModel loads a model directory (resolved as --model is everywhere)
// the way the service does (ner.Load: schema threshold, aggregation and
// window), with the given overrides; zero threshold or "" aggregation keep
// the model's.
func loadEvalModel(flagDir string, int8 bool, attention string, threads int, threshold float64, agg string) (*evalModel, error) {
	dir, err := weights.Resolve(flagDir)
	if err != nil {
		return nil, err
	}
	a := ner.Aggregation(agg)
	if agg != "" {
		if a, err = ner.ParseAggregation(agg); err != nil {
			return nil, err
		}
	}
	bo := bert.Options{Int8: int8, Attention: attention, Threads: threads}
	rec, wm, err := ner.Load(dir, ner.LoadOptions{Bert: bo, Threshold: threshold, Aggregation: a})
	if err != nil {
		return nil, err
	}
	tok, ok := rec.Tokenizer().(*tokenize.Tokenizer)
	bm, ok2 := rec.Classifier().(*bert.Model)
	if !ok || !ok2 {
		return nil, fmt.Errorf("eval: ner.Load built a recognizer of unexpected parts")
	}
	st, err := os.Stat(wm.ONNXPath)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(filepath.Clean(dir))
	return &evalModel{name: name, onnx: wm.ONNXPath, bytes: st.Size(), tok: tok, rec: rec, model: bm, labels: wm.Labels(), opts: bo, threads: threads, caseCh: wm.Schema.CaseChannel}, nil
}

// nerDetector adapts the recogniser to eval.Detector.
func (m *evalModel) nerDetector() eval.Detector {
	return eval.DetectorFunc(func(ctx context.Context, text string) ([]eval.Entity, error) {
		ents, err := m.rec.Recognize(ctx, text, ner.Options{})
		if err != nil {
			return nil, err
		}
		out := make([]eval.Entity, len(ents))
		for i, e := range ents {
			out[i] = eval.Entity{Type: e.Type, Start: e.Start, End: e.End}
		}
		return out, nil
	})
}

func (m *evalModel) newWordTagger() (*eval.WordTagger, error) {
	wt, err := eval.NewWordTagger(m.tok, m.model, m.labels)
	if err == nil {
		wt.CaseChannel = m.caseCh
	}
	return wt, err
}

// pipeline is the full redaction engine around the model, with its log
// captured for the PII-in-logs scan and every result checked to restore.
type pipeline struct {
	engine    *redact.Engine
	log       *bytes.Buffer
	roundTrip eval.CheckResult
}

func (m *evalModel) newPipeline() (*pipeline, error) {
	p := &pipeline{log: &bytes.Buffer{}}
	logger := slog.New(slog.NewTextHandler(p.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e, err := redact.NewEngine(redact.Config{Recognizer: m.rec, Logger: logger})
	if err != nil {
		return nil, err
	}
	p.engine = e
	return p, nil
}

// Detect redacts text, checks that the mapping restores it, and returns the
// masked entities.
func (p *pipeline) Detect(ctx context.Context, text string) ([]eval.Entity, error) {
	res, err := p.engine.Redact(ctx, text, redact.Options{})
	if err != nil {
		return nil, err
	}
	p.roundTrip.Checked++
	if back, unresolved := redact.Restore(res.MaskedText, res.Mapping); back != text || len(unresolved) > 0 {
		p.roundTrip.Failed++
	}
	out := make([]eval.Entity, len(res.Entities))
	for i, e := range res.Entities {
		out[i] = eval.Entity{Type: e.Type, Start: e.Start, End: e.End}
	}
	return out, nil
}

// scanLogs counts the gold values of exs that occur in the captured log.
func (p *pipeline) scanLogs(exs []eval.Example) eval.CheckResult {
	return eval.ScanLog(p.log.String(), eval.GoldValues(exs))
}

func thisMachine(attention string) eval.Machine {
	f := cpu.Detect()
	return eval.ThisMachine(version, f.Brand, fmt.Sprintf("fp32=%s int8=%s attention=%s", tensor.KernelFor(f), quant.KernelFor(f), attention))
}

// datasetName names a data file by its directory and stem:
// .../conll2003/valid.txt → conll2003-valid.
func datasetName(path string) string {
	stem := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	parent := filepath.Base(filepath.Dir(filepath.Clean(path)))
	if parent == "." || parent == "/" || parent == "" {
		return stem
	}
	return parent + "-" + stem
}

// isTTY reports whether w is a terminal.
func isTTY(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar returns a Progress callback drawing a bar on w, or nil when w
// is not a terminal.
func progressBar(w io.Writer, label string) func(done, total int) {
	if !isTTY(w) {
		return nil
	}
	const width = 30
	start := time.Now()
	last := -1
	return func(done, total int) {
		pct := 100 * done / max(total, 1)
		if pct == last && done != total {
			return
		}
		last = pct
		n := width * done / max(total, 1)
		fmt.Fprintf(w, "\r%s [%s%s] %3d%% %d/%d %s", label, strings.Repeat("=", n), strings.Repeat(" ", width-n), pct, done, total, time.Since(start).Round(time.Second))
		if done == total {
			fmt.Fprintln(w)
		}
	}
}

func cmdEval(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "model directory (bundle or Hugging Face layout)")
	data := fs.String("data", "", "labelled data file (required)")
	format := fs.String("format", "", "conll, jsonl or presidio (default: from the file name)")
	int8 := fs.Bool("int8", false, "run the INT8 runtime: the model's INT8 bundle when it has one (as serve --int8), else its fp32 graph quantized at load")
	asJSON := fs.Bool("json", false, "print the JSON report instead of the table")
	predOut := fs.String("predictions", "", "write predicted tags (CoNLL) or spans (JSONL) to this file")
	wordTags := fs.Bool("tags", false, "score each word's first-subword label, bypassing the entity decoder (the model card's method)")
	withPipeline := fs.Bool("pipeline", false, "score the full pipeline (regex layer and merge) instead of NER alone")
	threads := fs.Int("threads", 0, "inference threads (0 = all cores)")
	attention := fs.String("attention", "", attentionUsage)
	reports := fs.String("reports", "reports", "directory for the JSON report (\"\" = none)")
	name := fs.String("name", "", "data set name in the report (default: from the path)")
	limit := fs.Int("limit", 0, "evaluate only the first N examples (0 = all)")
	types := fs.String("types", "", "comma-separated types to score (default: the data's gold types)")
	threshold := fs.Float64("threshold", 0, "NER confidence threshold (0 = the model default)")
	split := fs.String("split", "", "score only the examples eval.SplitOf assigns to this split (train, valid or test; presidio-synth's held-out records are test)")
	agg := fs.String("aggregation", string(ner.AggFirst), "NER aggregation: none, simple, first, average, max (first: a word's label is its first subword's)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *threads > 0 {
		// The runtime sizes its worker pool to GOMAXPROCS.
		prev := runtime.GOMAXPROCS(*threads)
		defer runtime.GOMAXPROCS(prev)
	}
	if *data == "" {
		fs.Usage()
		return fmt.Errorf("eval: --data is required: %w", errUsage)
	}
	f := eval.Format(*format)
	if f == "" {
		f = eval.DetectFormat(*data)
	}
	exs, err := eval.LoadFile(*data, f)
	if err != nil {
		return err
	}
	if *split != "" {
		if exs = eval.FilterSplit(exs, *split); len(exs) == 0 {
			return fmt.Errorf("eval: no examples of %s are in its %q split", filepath.Base(*data), *split)
		}
	}
	if *limit > 0 && *limit < len(exs) {
		exs = exs[:*limit]
	}
	dir, err := weights.Resolve(*model)
	if err != nil {
		return err
	}
	choice, err := modelChoice(dir, *int8)
	if err != nil {
		return err
	}
	m, err := loadEvalModel(choice.Dir, *int8, *attention, *threads, *threshold, *agg)
	if err != nil {
		return err
	}
	var typeList []string
	if *types != "" {
		typeList = strings.Split(*types, ",")
	}
	det := m.nerDetector()
	var pl *pipeline
	if *wordTags && *withPipeline {
		return fmt.Errorf("eval: --tags and --pipeline exclude each other: %w", errUsage)
	}
	if *wordTags {
		wt, err := m.newWordTagger()
		if err != nil {
			return err
		}
		det = wt
	}
	if *withPipeline {
		if pl, err = m.newPipeline(); err != nil {
			return err
		}
		det = pl
	}
	out, err := eval.Evaluate(ctx, det, exs, eval.RunOptions{Types: typeList, Tags: *wordTags, Progress: progressBar(stderr, "eval")})
	if err != nil {
		return err
	}
	lat := eval.Summarize(out.Latencies)
	ds := *name
	if ds == "" {
		ds = datasetName(*data)
	}
	method := "entities"
	switch {
	case *wordTags:
		method = "tags"
	case *withPipeline:
		method = "pipeline"
	}
	rep := &eval.Report{
		Method: method, Kind: eval.KindEval, Model: m.name, Dataset: ds, Format: string(f), Int8: *int8, Pipeline: *withPipeline,
		Threads: *threads, Aggregation: *agg, Threshold: *threshold, Time: time.Now().UTC(), Machine: thisMachine(m.model.Attention()),
		ModelFile: filepath.Base(m.onnx), ModelMB: float64(m.bytes) / 1e6, PeakRSSMB: float64(eval.PeakRSSBytes()) / 1e6,
		Examples: out.Examples, Words: out.Words, Scores: &out.Scores, Ignored: out.Ignored, Latency: &lat,
	}
	if *predOut != "" {
		if err := writeFile(*predOut, func(w io.Writer) error { return writePredictions(w, f, exs, out) }); err != nil {
			return err
		}
	}
	var check *eval.Report
	if pl != nil {
		scan := pl.scanLogs(exs)
		check = &eval.Report{Kind: eval.KindCheck, Model: m.name, Dataset: ds, Int8: *int8, Pipeline: true,
			Time: rep.Time, Machine: rep.Machine, RoundTrip: &pl.roundTrip, PIIInLogs: &scan}
	}
	var paths []string
	if *reports != "" {
		for _, r := range []*eval.Report{rep, check} {
			if r == nil {
				continue
			}
			p, err := r.Write(*reports)
			if err != nil {
				return err
			}
			paths = append(paths, p)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printEval(stdout, rep)
	if check != nil {
		fmt.Fprintf(stdout, "round trip: %d of %d restored exactly; PII in logs: %d of %d gold values found in %d bytes of log\n",
			check.RoundTrip.Checked-check.RoundTrip.Failed, check.RoundTrip.Checked, check.PIIInLogs.Failed, check.PIIInLogs.Checked, pl.log.Len())
	}
	for _, p := range paths {
		fmt.Fprintf(stdout, "report: %s\n", p)
	}
	return nil
}

// printEval writes the human-readable table of an eval report.
func printEval(w io.Writer, r *eval.Report) {
	mode := "fp32"
	if r.Int8 {
		mode = "int8"
	}
	fmt.Fprintf(w, "model %s (%s, %.1f MB)  data %s (%d examples, %d words)\n\n", r.Model, mode, r.ModelMB, r.Dataset, r.Examples, r.Words)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "type\tprecision\trecall\tf1\tsupport\tpredicted\t")
	row := func(name string, p eval.PRF, gold, pred int) {
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.2f\t%d\t%d\t\n", name, 100*p.Precision, 100*p.Recall, 100*p.F1, gold, pred)
	}
	for _, t := range r.Scores.Types {
		row(t.Type, t.PRF, t.Gold, t.Pred)
	}
	row("micro avg", r.Scores.Micro, r.Scores.Total.Gold, r.Scores.Total.Pred)
	row("macro avg", r.Scores.Macro, r.Scores.Total.Gold, r.Scores.Total.Pred)
	tw.Flush()
	if len(r.Ignored) > 0 {
		fmt.Fprintf(w, "\npredictions of types outside the data, not scored: %v\n", r.Ignored)
	}
	l := r.Latency
	fmt.Fprintf(w, "\nlatency per example: p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms\npeak RSS %.0f MB\n", l.P50, l.P95, l.P99, l.Max, r.PeakRSSMB)
}

// writePredictions writes predicted tags as "WORD TAG" lines (CoNLL, in the
// file's own type names) or predicted spans as JSONL {"id","text","spans"}
// records with byte offsets (JSONL and presidio input).
func writePredictions(w io.Writer, f eval.Format, exs []eval.Example, out *eval.Outcome) error {
	bw := bufio.NewWriter(w)
	if f == eval.FormatCoNLL {
		// Write the file's own type names (PER, not PERSON) where it has them.
		raw := eval.RawTypes(exs)
		for i, ex := range exs {
			for k, wd := range ex.Words {
				tag := out.Pred[i][k]
				if len(tag) > 2 && tag[1] == '-' {
					if r, ok := raw[tag[2:]]; ok {
						tag = tag[:2] + r
					}
				}
				fmt.Fprintf(bw, "%s %s\n", ex.Text[wd.Start:wd.End], tag)
			}
			bw.WriteByte('\n')
		}
		return bw.Flush()
	}
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i, ex := range exs {
		spans := out.PredSpans[i]
		if spans == nil {
			spans = []eval.Entity{}
		}
		if err := enc.Encode(struct {
			ID    string        `json:"id"`
			Text  string        `json:"text"`
			Spans []eval.Entity `json:"spans"`
		}{ex.ID, ex.Text, spans}); err != nil {
			return err
		}
	}
	return bw.Flush()
}
