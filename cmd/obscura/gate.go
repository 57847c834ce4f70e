package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/obscura-ai/obscura/eval"
)

// errGate is returned when a hard gate fails.
var errGate = fmt.Errorf("gate: a non-negotiable gate failed")

// cmdGate applies the product plan's go/no-go table to the latest reports.
func cmdGate(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("reports", "reports", "directory of JSON reports")
	model := fs.String("model", "", "only reports of this model name")
	dataset := fs.String("dataset", "", "only eval reports of this data set")
	allowMissing := fs.Bool("allow-missing", false, "do not fail hard gates that no report covers")
	asJSON := fs.Bool("json", false, "print the gates as JSON")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	reports, err := eval.ReadReports(*dir)
	if err != nil {
		return err
	}
	gs := eval.Gates(reports, eval.GateOptions{Model: *model, Dataset: *dataset})
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(gs); err != nil {
			return err
		}
	} else {
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "STATUS\tGATE\tSCOPE\tVALUE\tLIMIT\tHARD")
		for _, g := range gs {
			hard := "soft"
			if g.Hard {
				hard = "yes"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", g.Status, g.Name, g.Scope, g.Value, g.Limit, hard)
		}
		tw.Flush()
	}
	if eval.HardFailure(gs, *allowMissing) {
		return errGate
	}
	return nil
}
