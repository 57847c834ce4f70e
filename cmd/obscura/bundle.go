package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/obscura-ai/obscura/quant"
	"github.com/obscura-ai/obscura/weights"
	"google.golang.org/protobuf/proto"
)

func cmdBundle(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bundle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "source model: a Hugging Face directory or a bundle (default: ./models, then ../shared/models/obscura-minilm-conll)")
	out := fs.String("out", "", "output bundle directory (must not exist or be empty)")
	id := fs.String("id", "", "manifest model_id (default <model dir>-<fp32|int8>-v<version>)")
	ver := fs.String("version", "", "bundle version (default "+weights.DefaultVersion+")")
	base := fs.String("base-model", "", "base model recorded in manifest and metadata (default from config.json)")
	int8 := fs.Bool("int8", false, "write the INT8 variant")
	onnxPath := fs.String("onnx", "", "ONNX graph to ship instead of the source model's (with --int8: an INT8 graph exported elsewhere; default: export one with quant.QuantizeONNX)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: obscura bundle --model DIR --out OUTDIR [--id ID] [--version V] [--int8 [--onnx FILE]]")
		return errUsage
	}
	opt := weights.BundleOptions{ID: *id, Version: *ver, BaseModel: *base, ONNXPath: *onnxPath, Quantization: weights.QuantFP32}
	dir, err := weights.Resolve(*model)
	if err != nil {
		return err
	}
	src, err := weights.Load(dir)
	if err != nil {
		return err
	}
	if *int8 {
		opt.Quantization = weights.QuantINT8
		if *onnxPath == "" {
			// Export the INT8 graph (ONNX Runtime's dynamic-quantization
			// form) from the source's fp32 graph into a scratch file.
			if err := src.RequireONNX(); err != nil {
				return err
			}
			q, err := quant.QuantizeONNX(src.Graph)
			if err != nil {
				return fmt.Errorf("bundle --int8: %w", err)
			}
			b, err := proto.Marshal(q)
			if err != nil {
				return fmt.Errorf("bundle --int8: %w", err)
			}
			scratch, err := os.MkdirTemp("", "obscura-int8-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(scratch)
			opt.ONNXPath = filepath.Join(scratch, "model.onnx")
			if err := os.WriteFile(opt.ONNXPath, b, 0o644); err != nil {
				return err
			}
		}
	}
	b, err := weights.WriteBundle(src, *out, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote bundle %s to %s\n", b.Manifest.ModelID, *out)
	fmt.Fprintf(stdout, "  model.onnx sha256 %s, %s\n", b.Manifest.SHA256, fmtSize(b.Manifest.SizeBytes))
	fmt.Fprintf(stdout, "  %d labels, tokenizer %s vocab %d lowercase=%v\n", b.Schema.LabelCount, b.Manifest.Tokenizer.Class, b.Manifest.Tokenizer.VocabSize, b.Manifest.Tokenizer.Lowercase)
	fmt.Fprintln(stdout, "  latency and F1 are not measured yet: run obscura bench / obscura eval on the bundle")
	return nil
}

func fmtSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
