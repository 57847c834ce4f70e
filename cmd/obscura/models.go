package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/obscura-ai/obscura/weights"
)

func cmdModels(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("models", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", weights.DefaultModelsDir, "models directory")
	asJSON := fs.Bool("json", false, "print the entries as JSON")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return errUsage
	}
	r, err := weights.OpenRegistry(*dir)
	if err != nil {
		return fmt.Errorf("%w (fetch a model with: obscura pull ORG/NAME --dir %s)", err, *dir)
	}
	fastest, _ := r.Select(weights.Fastest)
	best, _ := r.Select(weights.MostAccurate)
	if *asJSON {
		type row struct {
			weights.Entry
			Default bool `json:"default"`
			Fastest bool `json:"fastest"`
		}
		rows := []row{}
		for _, e := range r.Entries {
			rows = append(rows, row{Entry: e, Default: best != nil && e.Dir == best.Dir, Fastest: fastest != nil && e.Dir == fastest.Dir})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	if len(r.Entries) == 0 {
		fmt.Fprintf(stdout, "no models in %s (fetch one with: obscura pull ORG/NAME --dir %s)\n", *dir, *dir)
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tQUANT\tSIZE\tP50 ms\tP95 ms\tF1\tSHA256\tDIR\t")
	for _, e := range r.Entries {
		kind, quant, size, p50, p95, f1, sum := "hf-dir", "-", "-", "-", "-", "-", "-"
		if !e.HasGraph {
			kind = "hf-dir (no onnx)"
		}
		if m := e.Manifest; m != nil {
			kind, quant, size = "bundle", m.Quantization, fmtSize(m.SizeBytes)
			p50, p95, f1 = fmtOptFloat(m.Latency.P50, "%.2f"), fmtOptFloat(m.Latency.P95, "%.2f"), fmtOptFloat(m.Accuracy.F1, "%.4f")
			if len(m.SHA256) >= 12 {
				sum = m.SHA256[:12]
			}
		}
		mark := ""
		if best != nil && e.Dir == best.Dir {
			mark += " (default, most-accurate)"
		}
		if fastest != nil && e.Dir == fastest.Dir {
			mark += " (fastest)"
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", e.ID, mark, kind, quant, size, p50, p95, f1, sum, e.Dir)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "\"-\" = not measured yet (obscura bench / obscura eval fill it); unmeasured bundles rank after measured ones")
	return nil
}

func fmtOptFloat(v *float64, format string) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf(format, *v)
}
