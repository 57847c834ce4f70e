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
	"github.com/obscura-ai/obscura/privacy"
	"github.com/obscura-ai/obscura/train"
)

// conllHead writes the first n sentences of a CoNLL file to a temporary
// file (document markers dropped).
func conllHead(t *testing.T, src string, n int) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var keep []string
	for _, s := range strings.Split(string(b), "\n\n") {
		if s = strings.TrimSpace(s); s == "" || strings.HasPrefix(s, "-DOCSTART-") {
			continue
		}
		if keep = append(keep, s); len(keep) == n {
			break
		}
	}
	path := filepath.Join(t.TempDir(), "head.txt")
	if err := os.WriteFile(path, []byte(strings.Join(keep, "\n\n")+"\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The shadow attack end to end on a small pool with the public base
// model: one shadow, a one-epoch recipe that trains only the head, under
// DP-SGD; the report carries the recipe, the DP accounting and the ROC.
func TestPrivacyShadowCommand(t *testing.T) {
	base := testenv.Shared(t, "models", "all-minilm-l6-base")
	pool := conllHead(t, testenv.Shared(t, "data", "conll2003", "valid.txt"), 16)
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	args := []string{"privacy", "mia", "--shadow", "1", "--model", base, "--pool", pool, "--pool-size", "12", "--target-members", "3",
		"--epochs", "1", "--batch", "2", "--freeze-below", "6", "--max-len", "48", "--dp-epsilon", "8", "--dp-seeded-noise",
		"--name", "tiny", "--out", dir}
	if err := run(context.Background(), args, nil, &out, &errOut); err != nil {
		t.Fatalf("privacy mia --shadow: %v\n%s", err, errOut.String())
	}
	var rep privacy.RecipeReport
	if err := readJSON(filepath.Join(dir, "tiny_shadow_mia.json"), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.ShadowReport == nil || rep.Shadows != 1 || rep.TargetMembers != 3 || len(rep.Points) != 2 || len(rep.DP) != 2 {
		t.Fatalf("report: %+v", rep)
	}
	if d := rep.DP[0]; !d.Private || d.Spent > 8 || d.TrainedFrom != "the classification head only" {
		t.Errorf("target's DP report %+v", d)
	}
	if _, err := os.Stat(filepath.Join(dir, "tiny_shadow_roc.png")); err != nil {
		t.Error(err)
	}
	if !strings.Contains(out.String(), "shadow attack AUC") {
		t.Errorf("no table: %s", out.String())
	}
	if err := run(context.Background(), []string{"privacy", "mia", "--shadow", "-1"}, nil, &out, &errOut); err == nil {
		t.Error("--shadow -1: no error")
	}
}

// obscura train --dp-epsilon writes a bundle whose metadata records the
// DP-SGD run, and refuses a weighted source.
func TestTrainDPCommand(t *testing.T) {
	base := testenv.Shared(t, "models", "all-minilm-l6-base")
	data := conllHead(t, testenv.Shared(t, "data", "conll2003", "train.txt"), 8)
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	args := []string{"train", "--model", base, "--data", data, "--out", filepath.Join(dir, "m"), "--epochs", "1", "--batch", "4",
		"--max-len", "48", "--freeze-below", "6", "--dp-epsilon", "8", "--dp-delta", "1e-3", "--dp-seeded-noise", "--checkpoint-every", "0",
		"--report", filepath.Join(dir, "r.json")}
	if err := run(context.Background(), args, nil, &out, &errOut); err != nil {
		t.Fatalf("train --dp-epsilon: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(errOut.String(), "ε ") || !strings.Contains(out.String(), "DP-SGD: ε spent") {
		t.Errorf("no ε on the progress line or summary:\n%s\n%s", errOut.String(), out.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, "m", "metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Training train.DPTraining `json:"training"`
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		t.Fatal(err)
	}
	if d := meta.Training.DP; d == nil || !d.Private || d.TargetEpsilon != 8 || d.Spent > 8 || d.Delta != 1e-3 {
		t.Fatalf("metadata training.dp_sgd = %+v\n%s", d, b)
	}
	args = append(args[:4:4], data+"=2", "--out", filepath.Join(dir, "m2"), "--dp-epsilon", "8")
	if err := run(context.Background(), args, nil, &out, &errOut); err == nil || !strings.Contains(err.Error(), "weight 1") {
		t.Errorf("a weighted source under DP: %v", err)
	}
}
