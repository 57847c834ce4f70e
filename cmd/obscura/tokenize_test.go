package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
)

// TestCmdTokenize pipes golden lines (those without line breaks) through
// `obscura tokenize` and compares each output line with Hugging Face's ids
// and byte offsets from testdata/tokenize/golden.jsonl.gz.
func TestCmdTokenize(t *testing.T) {
	model := testenv.Shared(t, "models", "obscura-minilm-conll")
	f, err := os.Open(filepath.Join(testenv.ModuleRoot(), "testdata", "tokenize", "golden.jsonl.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	type golden struct {
		Text    *string `json:"text"`
		Uncased struct {
			IDs     []int32 `json:"ids"`
			Offsets []int   `json:"offsets"`
		} `json:"uncased"`
	}
	var texts []string
	var want []golden
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() && len(texts) < 400 {
		var g golden
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			t.Fatal(err)
		}
		if g.Text == nil || strings.ContainsAny(*g.Text, "\r\n") {
			continue
		}
		texts = append(texts, *g.Text)
		want = append(want, g)
	}
	var out, errOut bytes.Buffer
	in := strings.Join(texts, "\n") + "\n"
	if err := run(context.Background(), []string{"tokenize", "--model", model}, strings.NewReader(in), &out, &errOut); err != nil {
		t.Fatalf("%v: %s", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(texts) {
		t.Fatalf("%d output lines for %d input lines", len(lines), len(texts))
	}
	for i, line := range lines {
		var got struct {
			IDs     []int32  `json:"ids"`
			Offsets [][2]int `json:"offsets"`
		}
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		flat := make([]int, 0, 2*len(got.Offsets))
		for _, o := range got.Offsets {
			flat = append(flat, o[0], o[1])
		}
		gotJSON, _ := json.Marshal([]any{got.IDs, flat})
		wantJSON, _ := json.Marshal([]any{want[i].Uncased.IDs, want[i].Uncased.Offsets})
		if !bytes.Equal(gotJSON, wantJSON) {
			t.Errorf("line %d: got %s, Hugging Face %s", i, gotJSON, wantJSON)
		}
	}
}
