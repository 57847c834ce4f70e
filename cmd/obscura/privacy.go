package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/obscura-ai/obscura/bert"
	"github.com/obscura-ai/obscura/eval"
	"github.com/obscura-ai/obscura/eval/synth"
	"github.com/obscura-ai/obscura/privacy"
	"github.com/obscura-ai/obscura/weights"
)

// Default CoNLL-2003 files of the membership-inference attack: the
// baseline model's training set (members) and its validation set
// (non-members), relative to the repository root.
const (
	defaultMembers    = "../shared/data/conll2003/train.txt"
	defaultNonMembers = "../shared/data/conll2003/valid.txt"
)

func cmdPrivacy(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: obscura privacy sweep|mia|plot [flags]")
		return errUsage
	}
	switch args[0] {
	case "sweep":
		return cmdPrivacySweep(ctx, args[1:], stdout, stderr)
	case "mia":
		return cmdPrivacyMIA(ctx, args[1:], stdout, stderr)
	case "plot":
		return cmdPrivacyPlot(args[1:], stderr)
	}
	fmt.Fprintf(stderr, "privacy: unknown subcommand %q (want sweep, mia or plot)\n", args[0])
	return errUsage
}

// privacyCommon are the flags both subcommands share.
type privacyCommon struct {
	model, epsilons, out string
	seeds, threads       int
	seed                 uint64
	asJSON               bool
}

func (c *privacyCommon) register(fs *flag.FlagSet) {
	fs.StringVar(&c.model, "model", "", "model directory (bundle or Hugging Face layout)")
	fs.StringVar(&c.epsilons, "epsilons", "0.1,0.5,1,2,5,10,inf", "comma-separated ε values (inf = no noise)")
	fs.IntVar(&c.seeds, "seeds", 5, "noise seeds per finite ε")
	fs.Uint64Var(&c.seed, "seed", 1, "first seed (run k uses seed+k)")
	fs.StringVar(&c.out, "out", filepath.Join("reports", "privacy"), "directory for the JSON report and the plots (\"\" = none)")
	fs.IntVar(&c.threads, "threads", 0, "inference threads (0 = all cores)")
	fs.BoolVar(&c.asJSON, "json", false, "print the JSON report instead of the table")
}

func (c *privacyCommon) load() (*privacy.Model, []privacy.Eps, error) {
	eps, err := privacy.ParseEpsilons(c.epsilons)
	if err != nil {
		return nil, nil, err
	}
	if c.threads > 0 {
		runtime.GOMAXPROCS(c.threads)
	}
	dir, err := weights.Resolve(c.model)
	if err != nil {
		return nil, nil, err
	}
	m, err := privacy.Load(dir, privacy.LoadOptions{Bert: bert.Options{Threads: c.threads}})
	return m, eps, err
}

// writeJSON writes v indented to path (creating its directory).
func writeJSON(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// sweepReportPath is where `privacy sweep` writes a model's report of the
// entities method (the one `bundle --epsilon auto` reads).
func sweepReportPath(dir, model string) string {
	return filepath.Join(dir, model+"_sweep.json")
}

func cmdPrivacySweep(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("privacy sweep", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c privacyCommon
	c.register(fs)
	var data []string
	fs.Func("data", "labelled data file, or NAME=FILE to name it in the report (repeatable: CoNLL, JSONL or presidio JSON)", func(s string) error { data = append(data, s); return nil })
	synthN := fs.Int("synth", 0, "also generate the synthetic sets (obscura gen) with this many samples per domain, in a temporary directory")
	synthSeed := fs.Uint64("synth-seed", 1, "seed of the synthetic sets (the committed eval reports use 1)")
	limit := fs.Int("limit", 0, "use only the first N examples of each data set (0 = all)")
	workers := fs.Int("workers", 0, "parallel (ε, seed) runs after the model pass (0 = GOMAXPROCS)")
	method := fs.String("method", privacy.MethodEntities, "entities (the recogniser alone, what the noise acts on) or pipeline (the full redaction engine)")
	maxDrop := fs.Float64("max-drop", privacy.DefaultMaxDrop, "operating point: largest acceptable macro F1 drop (fraction)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if len(data) == 0 && *synthN <= 0 {
		fs.Usage()
		return fmt.Errorf("privacy sweep: give --data and/or --synth: %w", errUsage)
	}
	var sets []privacy.Dataset
	for _, arg := range data {
		name, path, named := strings.Cut(arg, "=")
		if !named {
			name, path = datasetName(arg), arg
		}
		exs, err := eval.LoadFile(path, "")
		if err != nil {
			return err
		}
		sets = append(sets, privacy.Dataset{Name: name, Examples: exs})
	}
	if *synthN > 0 {
		tmp, err := os.MkdirTemp("", "obscura-synth-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		for _, d := range synth.Domains {
			samples, err := synth.Generate(d, *synthSeed, *synthN)
			if err != nil {
				return err
			}
			path := filepath.Join(tmp, string(d)+".jsonl")
			if err := writeFile(path, func(w io.Writer) error { return synth.WriteJSONL(w, samples) }); err != nil {
				return err
			}
			exs, err := eval.LoadFile(path, eval.FormatJSONL)
			if err != nil {
				return err
			}
			sets = append(sets, privacy.Dataset{Name: "synth-" + string(d), Examples: exs})
		}
	}
	if *limit > 0 {
		for i := range sets {
			if len(sets[i].Examples) > *limit {
				sets[i].Examples = sets[i].Examples[:*limit]
			}
		}
	}
	m, eps, err := c.load()
	if err != nil {
		return err
	}
	rep, err := privacy.Sweep(ctx, m, sets, privacy.SweepOptions{
		Epsilons: eps, Seeds: c.seeds, Seed: c.seed, Workers: *workers, MaxDrop: *maxDrop, Method: *method,
		Progress: func(s string) { fmt.Fprintln(stderr, "privacy sweep:", s) },
	})
	if err != nil {
		return err
	}
	if c.out != "" {
		path := filepath.Join(c.out, rep.Stem()+"_sweep.json")
		if err := writeJSON(path, rep); err != nil {
			return err
		}
		files, err := privacy.PlotSweep(rep, c.out)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "privacy sweep: wrote %s and %d plot files\n", path, len(files))
	}
	if c.asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printSweep(stdout, rep)
	return nil
}

func pct(s privacy.Stat) string {
	if s.N > 1 {
		return fmt.Sprintf("%.1f ± %.1f [%.1f, %.1f]", 100*s.Mean, 100*s.Std, 100*s.Min, 100*s.Max)
	}
	return fmt.Sprintf("%.1f", 100*s.Mean)
}

func printSweep(w io.Writer, r *privacy.SweepReport) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, d := range r.Datasets {
		fmt.Fprintf(tw, "%s (%d examples; macro F1 mean ± std [min, max] over %d seeds, %%)\n", d.Name, d.Examples, r.Seeds)
		var types []string
		for t := range d.NoiseFree.Types {
			types = append(types, d.NoiseFree.Types[t].Type)
		}
		sort.Strings(types)
		fmt.Fprintf(tw, "ε\tmacro F1\tprecision\trecall\t%s\n", strings.Join(types, "\t"))
		for _, p := range d.Points {
			fmt.Fprintf(tw, "%s\t%s\t%.1f\t%.1f", p.Epsilon, pct(p.MacroF1), 100*p.Precision.Mean, 100*p.Recall.Mean)
			for _, t := range types {
				fmt.Fprintf(tw, "\t%.1f", 100*p.Types[t].F1.Mean)
			}
			fmt.Fprintln(tw)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	op := r.Operating
	if op.Found {
		fmt.Fprintf(w, "operating point: ε = %s (smallest ε within %.0f pt of noise-free macro F1 on every data set)\n", op.Epsilon, 100*op.MaxDrop)
		var names []string
		for n := range op.Drops {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(w, "  %s: macro F1 %.1f, %.2f pt below noise-free\n", n, 100*op.MacroF1[n], 100*op.Drops[n])
		}
	} else {
		fmt.Fprintf(w, "operating point: none of the swept ε stays within %.0f pt; keep noise off or widen the sweep\n", 100*op.MaxDrop)
	}
	fmt.Fprintf(w, "model runs %d, cached reuses %d, %.0f s\n", r.ModelRuns, r.CacheHits, r.Seconds)
}

func cmdPrivacyMIA(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("privacy mia", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c privacyCommon
	c.register(fs)
	n := fs.Int("n", 2000, "non-member sentences (and as many members, matched in length)")
	members := fs.String("members", defaultMembers, "CoNLL file of the model's training sentences")
	nonMembers := fs.String("non-members", defaultNonMembers, "CoNLL file of sentences the model never saw")
	sweepPath := fs.String("sweep", "", "sweep report whose macro F1 is plotted beside the AUC (default: the model's report in --out, if any)")
	f1Data := fs.String("f1-data", "conll2003-valid", "data set of the sweep report to plot")
	var sh shadowFlags
	sh.register(fs)
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if sh.shadows != 0 {
		return runShadowMIA(ctx, &c, &sh, stdout, stderr)
	}
	mem, err := eval.LoadFile(*members, eval.FormatCoNLL)
	if err != nil {
		return err
	}
	non, err := eval.LoadFile(*nonMembers, eval.FormatCoNLL)
	if err != nil {
		return err
	}
	m, eps, err := c.load()
	if err != nil {
		return err
	}
	rep, err := privacy.MembershipInference(ctx, m, mem, non, privacy.MIAOptions{
		N: *n, Epsilons: eps, Seeds: c.seeds, Seed: c.seed,
		Progress: func(s string) { fmt.Fprintln(stderr, "privacy mia:", s) },
	})
	if err != nil {
		return err
	}
	if c.out != "" {
		path := filepath.Join(c.out, rep.Model+"_mia.json")
		if err := writeJSON(path, rep); err != nil {
			return err
		}
		sp := *sweepPath
		if sp == "" {
			sp = sweepReportPath(c.out, rep.Model)
		}
		var sw *privacy.SweepReport
		if b, err := os.ReadFile(sp); err == nil {
			sw = &privacy.SweepReport{}
			if err := json.Unmarshal(b, sw); err != nil {
				return fmt.Errorf("privacy mia: sweep report %s: %w", sp, err)
			}
		} else if *sweepPath != "" {
			return err
		}
		files, err := privacy.PlotMIA(rep, sw, *f1Data, c.out)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "privacy mia: wrote %s and %d plot files\n", path, len(files))
	}
	if c.asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	fmt.Fprintf(stdout, "%d members (training set), %d non-members, length histograms matched (%d mismatched)\n", rep.Members, rep.NonMembers, rep.LengthMismatch)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ε\tAUC confidence\tAUC loss\tAUC learned")
	a := func(s privacy.Stat) string {
		if s.N > 1 {
			return fmt.Sprintf("%.3f ± %.3f", s.Mean, s.Std)
		}
		return fmt.Sprintf("%.3f", s.Mean)
	}
	for _, p := range rep.Points {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Epsilon, a(p.Confidence), a(p.Loss), a(p.Learned))
	}
	tw.Flush()
	fmt.Fprintf(stdout, "model runs %d, %.0f s\n", rep.ModelRuns, rep.Seconds)
	return nil
}

// cmdPrivacyPlot redraws the plots of the sweep and attack reports in a
// directory, without measuring again.
func cmdPrivacyPlot(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("privacy plot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("out", filepath.Join("reports", "privacy"), "directory of the reports; the plots are written beside them")
	f1Data := fs.String("f1-data", "conll2003-valid", "data set of the sweep report plotted beside the attack AUC")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	sweeps, err := filepath.Glob(filepath.Join(*dir, "*_sweep.json"))
	if err != nil {
		return err
	}
	n := 0
	byModel := map[string]*privacy.SweepReport{}
	for _, path := range sweeps {
		var rep privacy.SweepReport
		if err := readJSON(path, &rep); err != nil {
			return err
		}
		files, err := privacy.PlotSweep(&rep, *dir)
		if err != nil {
			return err
		}
		n += len(files)
		if rep.Method == privacy.MethodEntities {
			byModel[rep.Model] = &rep
		}
	}
	mias, err := filepath.Glob(filepath.Join(*dir, "*_mia.json"))
	if err != nil {
		return err
	}
	for _, path := range mias {
		var rep privacy.MIAReport
		if err := readJSON(path, &rep); err != nil {
			return err
		}
		files, err := privacy.PlotMIA(&rep, byModel[rep.Model], *f1Data, *dir)
		if err != nil {
			return err
		}
		n += len(files)
	}
	fmt.Fprintf(stderr, "privacy plot: wrote %d plot files from %d reports\n", n, len(sweeps)+len(mias))
	return nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
