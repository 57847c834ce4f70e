package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
)

// command is one subcommand: it parses its own flags from args.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

// commands is the CLI's table of subcommands. Each lives in its own file.
var commands = map[string]command{
	"version":  {"print the version, CPU features and chosen kernels", cmdVersion},
	"tokenize": {"tokenize stdin lines: one JSON {ids, offsets} per line", cmdTokenize},
	"logits":   {"run the model on JSON {input_ids} lines", cmdLogits},
	"redact":   {"redact stdin text", cmdRedact},
	"restore":  {"restore masked stdin text from a mapping", cmdRestore},
	"serve":    {"run the HTTP service", cmdServe},
	"proxy":    {"run the HTTP service with the OpenAI-compatible LLM proxy (serve --upstream URL)", cmdProxy},
	"bundle":   {"write an Obscura bundle from a model directory", cmdBundle},
	"pull":     {"download a model from the Hugging Face hub", cmdPull},
	"models":   {"list the bundles in a models directory", cmdModels},
	"eval":     {"evaluate a model on a labelled data set", cmdEval},
	"bench":    {"measure latency percentiles", cmdBench},
	"gen":      {"generate synthetic labelled data", cmdGen},
	"train":    {"fine-tune a token classifier in pure Go and write a bundle", cmdTrain},
	"tune":     {"tune per-type confidence thresholds on validation data into a bundle", cmdTune},
	"gate":     {"apply the go/no-go gates to the latest reports", cmdGate},
	"privacy":  {"privacy analysis: ε sweep, membership-inference attack, plots (privacy sweep|mia|plot)", cmdPrivacy},
}

// errUsage marks an error caused by bad command-line use.
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return nil
	}
	c, ok := commands[args[0]]
	if !ok {
		usage(stderr)
		return fmt.Errorf("unknown command %q", args[0])
	}
	return c.run(ctx, args[1:], stdin, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: obscura <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
}

// notYet is the body of a command whose implementation has not landed.
func notYet(name string) error {
	return fmt.Errorf("%s: not implemented yet", name)
}
