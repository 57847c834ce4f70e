package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/obscura-ai/obscura/redact"
)

// cmdRestore restores masked text from stdin with a mapping file, streaming:
// restored text is written as soon as it is safe. Tokens the mapping does
// not hold are left as they are and named (tokens only, never text) on
// stderr.
func cmdRestore(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	mappingPath := fs.String("mapping", "", "JSON file with the mapping {\"[PERSON_1]\": \"John Smith\", ...} (required)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() != 0 || *mappingPath == "" {
		return fmt.Errorf("restore: --mapping FILE is required: %w", errUsage)
	}
	raw, err := os.ReadFile(*mappingPath)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	var m redact.Mapping
	if err := json.Unmarshal(raw, &m); err != nil {
		// The decoder's message may quote mapping values; keep only the kind.
		return fmt.Errorf("restore: %s is not a JSON object of strings", *mappingPath)
	}
	r := redact.NewStreamRestorer(m)
	buf := make([]byte, 32<<10)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, rerr := stdin.Read(buf)
		if n > 0 {
			if _, err := io.WriteString(stdout, r.Write(string(buf[:n]))); err != nil {
				return fmt.Errorf("restore: write: %w", err)
			}
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			return fmt.Errorf("restore: read stdin: %w", rerr)
		}
	}
	if _, err := io.WriteString(stdout, r.Flush()); err != nil {
		return fmt.Errorf("restore: write: %w", err)
	}
	for _, tok := range r.Unresolved() {
		fmt.Fprintf(stderr, "obscura restore: unresolved token %s\n", tok)
	}
	return nil
}
