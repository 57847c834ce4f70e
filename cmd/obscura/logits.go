package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/obscura-ai/obscura/bert"
	"github.com/obscura-ai/obscura/weights"
)

// logitsRequest is one stdin line of `obscura logits`.
type logitsRequest struct {
	InputIDs      []int64 `json:"input_ids"`
	AttentionMask []int64 `json:"attention_mask,omitempty"`
	TokenTypeIDs  []int64 `json:"token_type_ids,omitempty"`
}

// logitsResponse is one stdout line: [SeqLen][NumLabels].
type logitsResponse struct {
	Logits [][]float32 `json:"logits"`
}

// maxLogitsLine bounds one input line (a 512-token request is ~4 KB).
const maxLogitsLine = 16 << 20

// cmdLogits runs the model on each stdin line {"input_ids":[...]} (optional
// "attention_mask", "token_type_ids") and prints {"logits":[[...],...]}.
func cmdLogits(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("logits", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "model directory (onnx/model.onnx or model.onnx) or .onnx file; default ./models, else ../shared/models/obscura-minilm-conll")
	int8 := fs.Bool("int8", false, "run the weight matmuls in INT8")
	executor := fs.String("executor", "auto", "auto, fused or graph")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("logits: unexpected arguments: %w", errUsage)
	}
	path, err := resolveONNX(*model)
	if err != nil {
		return fmt.Errorf("logits: %w", err)
	}
	m, err := bert.Load(path, bert.Options{Executor: *executor, Int8: *int8})
	if err != nil {
		return fmt.Errorf("logits: %w", err)
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64<<10), maxLogitsLine)
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	line := 0
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var req logitsRequest
		if err := json.Unmarshal([]byte(text), &req); err != nil {
			return fmt.Errorf("logits: line %d: not a JSON object with input_ids", line) // input text stays out of errors
		}
		n := len(req.InputIDs)
		if n == 0 {
			return fmt.Errorf("logits: line %d: empty input_ids", line)
		}
		b := bert.Batch{IDs: req.InputIDs, Mask: req.AttentionMask, TypeIDs: req.TokenTypeIDs, Size: 1, SeqLen: n}
		out, err := m.Run(b)
		if err != nil {
			return fmt.Errorf("logits: line %d: %w", line, err)
		}
		l := m.NumLabels()
		resp := logitsResponse{Logits: make([][]float32, n)}
		for p := range resp.Logits {
			resp.Logits[p] = out[p*l : (p+1)*l]
		}
		if err := enc.Encode(resp); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("logits: reading stdin: %w", err)
	}
	return w.Flush()
}

// resolveONNX finds the ONNX file for --model: an .onnx file as given, or
// the graph of the model directory weights.Resolve picks (the flag's
// directory, a registry's default model, or the default locations).
func resolveONNX(model string) (string, error) {
	if strings.HasSuffix(model, ".onnx") {
		if st, err := os.Stat(model); err != nil || st.IsDir() {
			return "", fmt.Errorf("model file %s: not found", filepath.Base(model))
		}
		return model, nil
	}
	model, err := weights.Resolve(model)
	if err != nil {
		return "", err
	}
	for _, p := range []string{filepath.Join(model, "onnx", "model.onnx"), filepath.Join(model, "model.onnx")} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("model directory %s has neither onnx/model.onnx nor model.onnx", model)
}
