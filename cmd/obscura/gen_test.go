package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/obscura-ai/obscura/eval"
)

func TestGenSameSeedSameFiles(t *testing.T) {
	var dirs []string
	for _, seed := range []string{"5", "5", "6"} {
		dir := t.TempDir()
		var out, errb bytes.Buffer
		if err := run(context.Background(), []string{"gen", "--seed", seed, "--n", "50", "--out", dir}, nil, &out, &errb); err != nil {
			t.Fatalf("gen: %v (%s)", err, errb.String())
		}
		dirs = append(dirs, dir)
	}
	for _, name := range []string{"enterprise.bio", "enterprise.jsonl", "clinical.bio", "clinical.jsonl"} {
		a, err := os.ReadFile(filepath.Join(dirs[0], name))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(dirs[1], name))
		c, _ := os.ReadFile(filepath.Join(dirs[2], name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: seed 5 twice gave different bytes", name)
		}
		if bytes.Equal(a, c) {
			t.Errorf("%s: seeds 5 and 6 gave the same bytes", name)
		}
	}
	if err := run(context.Background(), []string{"gen", "--domain", "legal", "--out", t.TempDir()}, nil, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("unknown domain accepted")
	}
}

func TestGenSplitSameSeedSameFiles(t *testing.T) {
	var dirs []string
	for _, seed := range []string{"5", "5", "6"} {
		dir := t.TempDir()
		var out, errb bytes.Buffer
		if err := run(context.Background(), []string{"gen", "--split", "all", "--seed", seed, "--n", "40", "--out", dir}, nil, &out, &errb); err != nil {
			t.Fatalf("gen: %v (%s)", err, errb.String())
		}
		dirs = append(dirs, dir)
	}
	for _, name := range []string{"train.bio", "train.jsonl", "valid.jsonl", "test.jsonl"} {
		a, err := os.ReadFile(filepath.Join(dirs[0], name))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(dirs[1], name))
		c, _ := os.ReadFile(filepath.Join(dirs[2], name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: seed 5 twice gave different bytes", name)
		}
		if bytes.Equal(a, c) {
			t.Errorf("%s: seeds 5 and 6 gave the same bytes", name)
		}
	}
	// The trainer reads the output through eval.LoadFile.
	exs, err := eval.LoadFile(filepath.Join(dirs[0], "train.jsonl"), "")
	if err != nil || len(exs) != 40 {
		t.Fatalf("LoadFile: %d examples, %v", len(exs), err)
	}
	dir := t.TempDir()
	if err := run(context.Background(), []string{"gen", "--split", "test", "--domain", "clinical", "--styles", "", "--n", "10", "--out", dir}, nil, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]string{
		{"--split", "dev"},
		{"--split", "train", "--styles", "haiku"},
		{"--split", "train", "--domain", "legal"},
		{"--styles", "chat"},
	} {
		args := append([]string{"gen", "--n", "5", "--out", t.TempDir()}, bad...)
		if err := run(context.Background(), args, nil, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
			t.Errorf("gen %v accepted", bad)
		}
	}
}
