package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/weights"
)

// serveOnce runs `obscura serve args… --addr 127.0.0.1:0` until it is
// ready, returns GET /v1/model and the "model loaded" log record, and
// stops it.
func serveOnce(t *testing.T, args ...string) (model map[string]any, loaded map[string]any) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &testenv.SyncBuffer{}, &testenv.SyncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-format", "json"}, args...), nil, stdout, stderr)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve %v: %v\n%s", args, err, stderr.String())
		}
	}()
	deadline := time.Now().Add(2 * time.Minute)
	for !strings.Contains(stdout.String(), "ready") {
		select {
		case err := <-done:
			done <- err
			t.Fatalf("serve %v stopped before ready: %v\n%s", args, err, stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve %v not ready\n%s", args, stderr.String())
		}
	}
	addr := regexp.MustCompile(`http://\S+`).FindString(stdout.String())
	resp, err := http.Get(addr + "/v1/model")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&model); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == "model loaded" {
			loaded = rec
		}
	}
	if loaded == nil {
		t.Fatalf("no model loaded record in\n%s", stderr.String())
	}
	return model, loaded
}

// TestServeInt8LoadsTheInt8Bundle builds the baseline's fp32 bundle and its
// INT8 bundle beside it (DIR and DIR-int8, as scripts/models/build-pii.sh
// lays them out) and checks what serve loads: --int8 on the fp32 bundle
// loads the INT8 bundle and says so in the log; the INT8 bundle without
// --int8 is INT8 all the same; the fp32 bundle without --int8 stays fp32;
// a model with no INT8 bundle is quantized at load.
func TestServeInt8LoadsTheInt8Bundle(t *testing.T) {
	if testing.Short() {
		t.Skip("bundles the baseline model twice and serves it three times")
	}
	src := testenv.Shared(t, "models", "obscura-minilm-conll")
	models := t.TempDir()
	fp32, int8 := filepath.Join(models, "minilm"), filepath.Join(models, "minilm-int8")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"bundle", "--model", src, "--out", fp32, "--id", "minilm"}, nil, &out, &errOut); err != nil {
		t.Fatalf("bundle: %v\n%s", err, errOut.String())
	}
	if err := run(context.Background(), []string{"bundle", "--model", src, "--int8", "--out", int8, "--id", "minilm-int8"}, nil, &out, &errOut); err != nil {
		t.Fatalf("bundle --int8: %v\n%s", err, errOut.String())
	}
	for _, c := range []struct {
		args                 []string
		id, quant, dir       string
		int8Weights, foundBy string
	}{
		{[]string{"--model", fp32, "--int8"}, "minilm-int8", weights.QuantINT8, int8, "bundle", weights.Int8Sibling},
		{[]string{"--model", models, "--int8"}, "minilm-int8", weights.QuantINT8, int8, "bundle", weights.Int8Sibling}, // the registry's default, then its INT8 bundle
		{[]string{"--model", int8}, "minilm-int8", weights.QuantINT8, int8, "bundle", ""},
		{[]string{"--model", fp32}, "minilm", weights.QuantFP32, fp32, "", ""},
		// No INT8 bundle beside the shared model: quantized at load.
		{[]string{"--model", src, "--int8"}, "obscura-minilm-conll", weights.QuantINT8, src, "quantized at load", ""},
	} {
		model, loaded := serveOnce(t, c.args...)
		if model["id"] != c.id || model["quantization"] != c.quant {
			t.Errorf("serve %v: /v1/model id %v quantization %v; want %s, %s", c.args, model["id"], model["quantization"], c.id, c.quant)
		}
		got := func(k string) string { s, _ := loaded[k].(string); return s }
		if got("model") != c.id || got("dir") != c.dir || got("quantization") != c.quant || got("int8_weights") != c.int8Weights || got("int8_bundle_found") != c.foundBy {
			t.Errorf("serve %v: model loaded record %v; want model %s dir %s quantization %s int8_weights %q int8_bundle_found %q",
				c.args, loaded, c.id, c.dir, c.quant, c.int8Weights, c.foundBy)
		}
	}
}
