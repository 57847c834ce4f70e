package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/obscura-ai/obscura/eval/synth"
)

// cmdGen writes synthetic labelled data: for each domain, DIR/<domain>.bio
// (CoNLL, IOB2) and DIR/<domain>.jsonl (byte-offset spans).
func cmdGen(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives byte-identical files")
	n := fs.Int("n", 2000, "samples per domain")
	domain := fs.String("domain", "all", "enterprise, clinical or all")
	out := fs.String("out", "", "output directory (required)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *out == "" || *n <= 0 {
		fs.Usage()
		return fmt.Errorf("gen: --out is required and --n must be positive: %w", errUsage)
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
		spans := 0
		for _, s := range samples {
			spans += len(s.Spans)
		}
		for _, w := range []struct {
			ext   string
			write func(io.Writer, []synth.Sample) error
		}{{".bio", synth.WriteCoNLL}, {".jsonl", synth.WriteJSONL}} {
			path := filepath.Join(*out, string(d)+w.ext)
			if err := writeFile(path, func(f io.Writer) error { return w.write(f, samples) }); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "wrote %s (%d samples, %d spans)\n", path, len(samples), spans)
		}
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
