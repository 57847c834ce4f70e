package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
)

// cliLogitTol is the logit tolerance against the ONNX Runtime goldens.
const cliLogitTol = 1e-4

func TestLogitsMatchesORTGoldens(t *testing.T) {
	dir := testenv.Shared(t, "models", "obscura-minilm-conll")
	raw, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(), "testdata", "bert", "minilm_ort.json"))
	if err != nil {
		t.Fatal(err)
	}
	var gold struct {
		Cases []struct {
			IDs    []int64     `json:"input_ids"`
			Mask   []int64     `json:"attention_mask"`
			Logits [][]float64 `json:"logits"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(raw, &gold); err != nil {
		t.Fatal(err)
	}
	cases := gold.Cases[:5]
	var in bytes.Buffer
	for k, c := range cases {
		req := map[string]any{"input_ids": c.IDs}
		if k%2 == 1 { // some lines carry the optional fields
			req["attention_mask"] = c.Mask
			req["token_type_ids"] = make([]int64, len(c.IDs))
		}
		line, _ := json.Marshal(req)
		in.Write(line)
		in.WriteByte('\n')
	}
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"logits", "--model", dir}, &in, &out, &errb); err != nil {
		t.Fatalf("%v (stderr %q)", err, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(cases) {
		t.Fatalf("%d output lines for %d inputs", len(lines), len(cases))
	}
	for k, line := range lines {
		var resp struct {
			Logits [][]float64 `json:"logits"`
		}
		if err := json.Unmarshal([]byte(line), &resp); err != nil {
			t.Fatalf("line %d: %v", k, err)
		}
		want := cases[k].Logits
		if len(resp.Logits) != len(want) {
			t.Fatalf("line %d: %d positions, want %d", k, len(resp.Logits), len(want))
		}
		for p := range want {
			for l := range want[p] {
				if d := math.Abs(resp.Logits[p][l] - want[p][l]); d > cliLogitTol {
					t.Fatalf("line %d pos %d label %d: |Δ| %g", k, p, l, d)
				}
			}
		}
	}
}

func TestLogitsRejectsBadInputWithoutEchoingIt(t *testing.T) {
	dir := testenv.Shared(t, "testmodels", "bert_14")
	secret := "Jane Roe 555-0100"
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"logits", "--model", filepath.Join(dir, "model.onnx")}, strings.NewReader(secret+"\n"), &out, &errb)
	if err == nil {
		t.Fatal("want an error for a non-JSON line")
	}
	if strings.Contains(err.Error(), "Jane") || strings.Contains(errb.String(), "Jane") {
		t.Fatalf("error echoes the input: %v", err)
	}
	err = run(context.Background(), []string{"logits", "--model", dir}, strings.NewReader(`{"input_ids":[101,999999,102]}`+"\n"), &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "vocabulary") {
		t.Fatalf("want an out-of-vocabulary error, got %v", err)
	}
}
