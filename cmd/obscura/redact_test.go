package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
)

func TestRedactRestoreCLIFast(t *testing.T) {
	ctx := context.Background()
	in := `"Call (415) 555-2671 or mail zoë@example.com"` + "\n\n" + `"SSN 123-45-6789, SSN 123-45-6789"` + "\n"
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"redact", "--mode", "fast", "--jsonl"}, strings.NewReader(in), &out, &errb); err != nil {
		t.Fatal(err, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 output lines, got %q", out.String())
	}
	var r struct {
		MaskedText string            `json:"masked_text"`
		Mapping    map[string]string `json:"mapping"`
		Entities   []struct {
			Type, Source, Token string
			Start, End          int
			Score               float64
		} `json:"entities"`
	}
	if err := json.Unmarshal([]byte(lines[1]), &r); err != nil {
		t.Fatal(err)
	}
	if r.MaskedText != "SSN [SSN_1], SSN [SSN_1]" || len(r.Mapping) != 1 || len(r.Entities) != 2 || r.Entities[1].Start != 21 || r.Entities[0].Token != "[SSN_1]" {
		t.Fatalf("unexpected output %s", lines[1])
	}
	mp := filepath.Join(t.TempDir(), "m.json")
	b, _ := json.Marshal(r.Mapping)
	os.WriteFile(mp, b, 0o600)
	out.Reset()
	errb.Reset()
	if err := run(ctx, []string{"restore", "--mapping", mp}, strings.NewReader(r.MaskedText+" and [SSN_2]"), &out, &errb); err != nil {
		t.Fatal(err)
	}
	if out.String() != "SSN 123-45-6789, SSN 123-45-6789 and [SSN_2]" {
		t.Fatalf("restored %q", out.String())
	}
	if !strings.Contains(errb.String(), "[SSN_2]") || strings.Contains(errb.String(), "123-45") {
		t.Fatalf("stderr %q", errb.String())
	}
	if err := run(ctx, []string{"redact", "--mode", "fast", "--jsonl"}, strings.NewReader("John Smith\n"), &out, &errb); err == nil || strings.Contains(err.Error(), "John") {
		t.Fatalf("non-JSON line: %v", err)
	}
}

func TestRedactCLIRealModel(t *testing.T) {
	dir := testenv.Shared(t, "models", "obscura-minilm-conll")
	var out, errb bytes.Buffer
	in := "Patient John Smith, MRN 12345, SSN 123-45-6789, takes Metformin."
	if err := run(context.Background(), []string{"redact", "--model", dir, "--threshold", "0.9"}, strings.NewReader(in), &out, &errb); err != nil {
		t.Fatal(err, errb.String())
	}
	var r struct {
		MaskedText string `json:"masked_text"`
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.MaskedText != "Patient [PERSON_1], MRN [MRN_1], SSN [SSN_1], takes Metformin." {
		t.Fatalf("masked %q", r.MaskedText)
	}
}
