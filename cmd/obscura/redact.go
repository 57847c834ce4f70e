package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/obscura-ai/obscura/bert"
	"github.com/obscura-ai/obscura/ner"
	"github.com/obscura-ai/obscura/redact"
	"github.com/obscura-ai/obscura/weights"
)

// redactOutput is the CLI's JSON contract for one text.
type redactOutput struct {
	MaskedText string          `json:"masked_text"`
	Mapping    redact.Mapping  `json:"mapping"`
	Entities   []redact.Entity `json:"entities"`
}

// cmdRedact redacts stdin. Without --jsonl the whole of stdin is one text
// and one JSON object is printed; with --jsonl every input line is a JSON
// string and one object is printed per line. --mode fast needs no model.
func cmdRedact(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("redact", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "model directory or bundle; default ./models if it exists, else ../shared/models/obscura-minilm-conll (not needed with --mode fast)")
	jsonl := fs.Bool("jsonl", false, "read one JSON string per line, write one JSON object per line")
	mode := fs.String("mode", "full", "full (model + patterns) or fast (patterns and dictionaries only)")
	threshold := fs.Float64("threshold", 0, "NER confidence threshold in (0,1]; 0 = the model's schema (0.85)")
	epsilon := fs.Float64("epsilon", 0, "Laplace noise ε on the logits; 0 = off")
	entities := fs.String("entities", "", "comma-separated entity types to redact (default all), e.g. PERSON,SSN")
	aggregation := fs.String("aggregation", "", "NER aggregation: none, simple, first, average, max (default: the model's schema)")
	allow := fs.String("allow", "", "comma-separated terms never redacted")
	deny := fs.String("deny", "", "comma-separated terms always redacted (type CUSTOM)")
	int8 := fs.Bool("int8", false, "run the model in INT8: its INT8 bundle when it has one (as serve --int8), else its fp32 graph quantized at load")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("redact: unexpected arguments: %w", errUsage)
	}
	opts := redact.Options{
		Mode:        redact.Mode(*mode),
		Threshold:   *threshold,
		Epsilon:     *epsilon,
		Aggregation: *aggregation,
		Entities:    splitList(*entities),
		Allow:       splitList(*allow),
		Deny:        splitList(*deny),
	}
	cfg := redact.Config{}
	if opts.Mode != redact.ModeFast {
		dir, err := weights.Resolve(*model)
		if err != nil {
			return fmt.Errorf("redact: %w", err)
		}
		choice, err := modelChoice(dir, *int8)
		if err != nil {
			return fmt.Errorf("redact: %w", err)
		}
		rec, _, err := ner.Load(choice.Dir, ner.LoadOptions{Bert: bert.Options{Int8: *int8}})
		if err != nil {
			return fmt.Errorf("redact: %w", err)
		}
		cfg.Recognizer = rec
	}
	engine, err := redact.NewEngine(cfg)
	if err != nil {
		return fmt.Errorf("redact: %w", err)
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	one := func(text string) error {
		res, err := engine.Redact(ctx, text, opts)
		if err != nil {
			return fmt.Errorf("redact: %w", err)
		}
		return enc.Encode(redactOutput{res.MaskedText, res.Mapping, res.Entities})
	}
	if !*jsonl {
		b, err := io.ReadAll(stdin)
		if err != nil {
			return fmt.Errorf("redact: read stdin: %w", err)
		}
		return one(string(b))
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64<<10), redact.DefaultMaxBytes*2+16)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var text string
		if err := json.Unmarshal(sc.Bytes(), &text); err != nil {
			// The JSON error may quote the line; report the line number only.
			return fmt.Errorf("redact: line %d is not a JSON string", n)
		}
		if err := one(text); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("redact: a line is longer than %d bytes", redact.DefaultMaxBytes*2)
		}
		return fmt.Errorf("redact: read stdin: %w", err)
	}
	return nil
}

// splitList splits a comma-separated flag, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
