package main

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/weights"
)

// tinyHub serves the shared tokenizer-only directory as hub repository
// dslim/bert-base-NER (listing and resolve URLs, git blob ids as hashes),
// recording the Authorization headers it sees.
func tinyHub(t *testing.T) (*httptest.Server, *[]string) {
	dir := testenv.Shared(t, "models", "bert-base-NER-tokenizer")
	const repo = "dslim/bert-base-NER"
	var auth []string
	blob := func(b []byte) string {
		h := sha1.New()
		fmt.Fprintf(h, "blob %d\x00", len(b))
		h.Write(b)
		return fmt.Sprintf("%x", h.Sum(nil))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = append(auth, r.Header.Get("Authorization"))
		if r.URL.Path == "/api/models/"+repo+"/revision/main" {
			entries, _ := os.ReadDir(dir)
			var sibs []map[string]any
			for _, e := range entries {
				b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
				sibs = append(sibs, map[string]any{"rfilename": e.Name(), "size": len(b), "blobId": blob(b)})
			}
			json.NewEncoder(w).Encode(map[string]any{"sha": strings.Repeat("ab", 20), "siblings": sibs})
			return
		}
		name, ok := strings.CutPrefix(r.URL.Path, "/"+repo+"/resolve/"+strings.Repeat("ab", 20)+"/")
		b, err := os.ReadFile(filepath.Join(dir, name))
		if !ok || err != nil {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
	}))
	t.Cleanup(srv.Close)
	return srv, &auth
}

func TestPullCommandUsesHFEndpointAndToken(t *testing.T) {
	srv, auth := tinyHub(t)
	t.Setenv("HF_ENDPOINT", srv.URL)
	t.Setenv("HF_TOKEN", "hf_cli")
	models := t.TempDir()
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"pull", "dslim/bert-base-NER", "--dir", models}, nil, &out, &errOut)
	if err != nil {
		t.Fatalf("pull: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "no onnx/model.onnx") || !strings.Contains(out.String(), "vocab.txt") {
		t.Errorf("pull output:\n%s", out.String())
	}
	if errOut.Len() != 0 {
		t.Errorf("progress drawn into a non-terminal stderr: %q", errOut.String())
	}
	if len(*auth) == 0 || (*auth)[0] != "Bearer hf_cli" {
		t.Errorf("Authorization headers %v", *auth)
	}
	m, err := weights.Load(filepath.Join(models, "dslim", "bert-base-NER"))
	if err != nil || m.Tokenizer.VocabSize != 28996 {
		t.Fatalf("pulled dir: %v", err)
	}
	// Pulling a missing repository fails with the hub's answer.
	if err := run(context.Background(), []string{"pull", "dslim/none", "--dir", models}, nil, &out, &errOut); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("pull missing = %v", err)
	}
}

func TestBundleAndModelsCommands(t *testing.T) {
	src := testenv.Shared(t, "models", "obscura-minilm-conll")
	models := t.TempDir()
	var out, errOut bytes.Buffer
	bundleDir := filepath.Join(models, "minilm-fp32")
	if err := run(context.Background(), []string{"bundle", "--model", src, "--out", bundleDir, "--id", "minilm", "--version", "2.0.0"}, nil, &out, &errOut); err != nil {
		t.Fatalf("bundle: %v\n%s", err, errOut.String())
	}
	b, err := weights.Load(bundleDir)
	if err != nil || b.Manifest.ModelID != "minilm" || b.Metadata.Version != "2.0.0" {
		t.Fatalf("bundle written: %v", err)
	}
	// The INT8 variant: exported by quant.QuantizeONNX, same tokenizer and
	// labels, a smaller graph.
	int8Dir := filepath.Join(models, "minilm-int8")
	if err := run(context.Background(), []string{"bundle", "--model", src, "--out", int8Dir, "--int8", "--id", "minilm-int8"}, nil, &out, &errOut); err != nil {
		t.Fatalf("bundle --int8: %v", err)
	}
	q, err := weights.Load(int8Dir)
	if err != nil {
		t.Fatal(err)
	}
	if q.Manifest.Quantization != weights.QuantINT8 || q.Manifest.SizeBytes >= b.Manifest.SizeBytes || q.EmbeddingRows != b.EmbeddingRows || q.Schema.LabelCount != 9 {
		t.Errorf("int8 bundle: quantization %s size %d (fp32 %d) rows %d", q.Manifest.Quantization, q.Manifest.SizeBytes, b.Manifest.SizeBytes, q.EmbeddingRows)
	}
	hasInteger := false
	for _, n := range q.Graph.Proto.Graph.Node {
		hasInteger = hasInteger || n.OpType == "MatMulInteger"
	}
	if !hasInteger {
		t.Error("int8 bundle graph has no MatMulInteger")
	}
	p95 := 12.5
	if err := weights.UpdateMeasured(bundleDir, weights.Measurement{LatencyP95Ms: &p95}); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"models", "--dir", models}, nil, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	// fp32 is the only one timed, so it is the fastest too.
	if s := out.String(); !strings.Contains(s, "minilm (default, most-accurate) (fastest)") || !strings.Contains(s, "12.50") || !strings.Contains(s, "f71812abd9b1") || !strings.Contains(s, "minilm-int8") {
		t.Errorf("models output:\n%s", s)
	}
	out.Reset()
	if err := run(context.Background(), []string{"models", "--dir", models, "--json"}, nil, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil || len(rows) != 2 || rows[0]["id"] != "minilm" || rows[0]["default"] != true || rows[1]["fastest"] != false {
		t.Errorf("models --json: %v %s", err, out.String())
	}
}
