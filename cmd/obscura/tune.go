package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/obscura-ai/obscura/eval"
	"github.com/obscura-ai/obscura/ner"
	"github.com/obscura-ai/obscura/weights"
)

// cmdTune tunes per-type confidence thresholds on validation data and
// records them in the bundle's metadata.json, where the decoder reads them.
func cmdTune(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tune", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "bundle to tune (required; its metadata.json is updated)")
	var data listFlag
	fs.Var(&data, "data", "validation data FILE[@SPLIT], repeatable or comma-separated (never a test split)")
	dry := fs.Bool("dry-run", false, "print the thresholds without writing them")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *model == "" || len(data) == 0 {
		fs.Usage()
		return fmt.Errorf("tune: --model and --data are required: %w", errUsage)
	}
	var exs []eval.Example
	for _, item := range data {
		for _, f := range strings.Split(item, ",") {
			path, split, _ := strings.Cut(f, "@")
			if split == "test" {
				return fmt.Errorf("tune: %s@test: thresholds are tuned on validation data, never on a test split", filepath.Base(path))
			}
			e, err := eval.LoadFile(path, "")
			if err != nil {
				return fmt.Errorf("tune: %s: %w", filepath.Base(path), err)
			}
			if split != "" {
				e = eval.FilterSplit(e, split)
			}
			exs = append(exs, e...)
		}
	}
	rec, wm, err := ner.Load(*model, ner.LoadOptions{})
	if err != nil {
		return err
	}
	res, err := eval.TuneThresholds(ctx, rec, exs, nil, wm.Schema.ConfidenceThreshold)
	if err != nil {
		return err
	}
	th := map[string]float64{}
	fmt.Fprintf(stdout, "%-14s %9s %7s %10s %6s\n", "type", "threshold", "F1", "F1@default", "gold")
	for _, r := range res {
		th[r.Type] = r.Threshold
		fmt.Fprintf(stdout, "%-14s %9.2f %7.4f %10.4f %6d\n", r.Type, r.Threshold, r.F1, r.DefaultF1, r.Gold)
	}
	if *dry {
		return nil
	}
	if err := weights.UpdateMeasured(*model, weights.Measurement{Thresholds: th}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d thresholds to %s\n", len(th), filepath.Join(*model, "metadata.json"))
	return nil
}
