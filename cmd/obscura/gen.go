package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/obscura-ai/obscura/eval/synth"
)

// cmdGen writes synthetic labelled data. Without --split: for each domain,
// DIR/<domain>.bio (CoNLL, IOB2) and DIR/<domain>.jsonl (byte-offset spans),
// the evaluation sets of the first generator. With --split: for each split
// named, DIR/<split>.bio and DIR/<split>.jsonl from the split generator
// (synth.GenerateWith), whose valid and test sets use frames and values
// that train never does.
func cmdGen(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives byte-identical files")
	n := fs.Int("n", 2000, "samples per domain, or per split with --split")
	domain := fs.String("domain", "all", "enterprise, clinical or all")
	split := fs.String("split", "", "train, valid, test, a comma list of them, or all: use the split generator")
	styleList := fs.String("styles", "", "with --split: comma list of document styles ("+strings.Join(synth.StyleNames(), ", ")+"); empty means every style of --domain")
	out := fs.String("out", "", "output directory (required)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *out == "" || *n <= 0 {
		fs.Usage()
		return fmt.Errorf("gen: --out is required and --n must be positive: %w", errUsage)
	}
	if *split != "" {
		return genSplits(*out, *split, *styleList, *domain, *seed, *n, stdout)
	}
	if *styleList != "" {
		return fmt.Errorf("gen: --styles needs --split: %w", errUsage)
	}
	var domains []synth.Domain
	switch *domain {
	case "all":
		domains = synth.Domains
	case string(synth.Enterprise), string(synth.Clinical):
		domains = []synth.Domain{synth.Domain(*domain)}
	default:
		return fmt.Errorf("gen: unknown domain %q: %w", *domain, errUsage)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	for _, d := range domains {
		samples, err := synth.Generate(d, *seed, *n)
		if err != nil {
			return err
		}
		if err := writeSamples(*out, string(d), samples, stdout); err != nil {
			return err
		}
	}
	return nil
}

// genSplits writes DIR/<split>.{bio,jsonl} for each split named.
func genSplits(out, splitList, styleList, domain string, seed uint64, n int, stdout io.Writer) error {
	names := strings.Split(splitList, ",")
	if splitList == "all" {
		names = nil
		for _, sp := range synth.Splits {
			names = append(names, string(sp))
		}
	}
	var styles []string
	if styleList != "" {
		styles = strings.Split(styleList, ",")
	} else if domain != "all" {
		styles = synth.StylesOf(synth.Domain(domain))
		if styles == nil {
			return fmt.Errorf("gen: unknown domain %q: %w", domain, errUsage)
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, name := range names {
		sp, err := synth.ParseSplit(name)
		if err != nil {
			return fmt.Errorf("gen: %w: %w", err, errUsage)
		}
		samples, err := synth.GenerateWith(synth.Options{Split: sp, Styles: styles, Seed: seed, N: n})
		if err != nil {
			return fmt.Errorf("gen: %w", err)
		}
		if err := writeSamples(out, name, samples, stdout); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %s\n", name, synth.Summarize(samples))
	}
	return nil
}

// writeSamples writes DIR/<base>.bio and DIR/<base>.jsonl.
func writeSamples(out, base string, samples []synth.Sample, stdout io.Writer) error {
	spans := 0
	for _, s := range samples {
		spans += len(s.Spans)
	}
	for _, w := range []struct {
		ext   string
		write func(io.Writer, []synth.Sample) error
	}{{".bio", synth.WriteCoNLL}, {".jsonl", synth.WriteJSONL}} {
		path := filepath.Join(out, base+w.ext)
		if err := writeFile(path, func(f io.Writer) error { return w.write(f, samples) }); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s (%d samples, %d spans)\n", path, len(samples), spans)
	}
	return nil
}

// writeFile creates path and writes it with fn, reporting close errors.
func writeFile(path string, fn func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
