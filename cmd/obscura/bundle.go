package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/obscura-ai/obscura/weights"
)

// errINT8NotYet is returned for --int8 without --onnx: the INT8 ONNX
// exporter (quant.QuantizeONNX) has not landed yet.
var errINT8NotYet = errors.New("bundle --int8: not yet available: the INT8 ONNX exporter (quant.QuantizeONNX) has not landed; bundle the fp32 model, or pass --onnx FILE with an INT8 graph exported elsewhere")

func cmdBundle(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bundle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "source model: a Hugging Face directory or a bundle (default: ./models, then ../shared/models/obscura-minilm-conll)")
	out := fs.String("out", "", "output bundle directory (must not exist or be empty)")
	id := fs.String("id", "", "manifest model_id (default <model dir>-<fp32|int8>-v<version>)")
	ver := fs.String("version", "", "bundle version (default "+weights.DefaultVersion+")")
	base := fs.String("base-model", "", "base model recorded in manifest and metadata (default from config.json)")
	int8 := fs.Bool("int8", false, "write the INT8 variant")
	onnxPath := fs.String("onnx", "", "ONNX graph to ship instead of the source model's (e.g. an INT8 export, with --int8)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: obscura bundle --model DIR --out OUTDIR [--id ID] [--version V] [--int8 [--onnx FILE]]")
		return errUsage
	}
	opt := weights.BundleOptions{ID: *id, Version: *ver, BaseModel: *base, ONNXPath: *onnxPath, Quantization: weights.QuantFP32}
	if *int8 {
		if *onnxPath == "" {
			return errINT8NotYet
		}
		opt.Quantization = weights.QuantINT8
	}
	dir, err := weights.Resolve(*model)
	if err != nil {
		return err
	}
	src, err := weights.Load(dir)
	if err != nil {
		return err
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
