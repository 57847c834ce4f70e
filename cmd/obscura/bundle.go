package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/obscura-ai/obscura/ner"
	"github.com/obscura-ai/obscura/privacy"
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
	epsilon := fs.String("epsilon", "", "differential-privacy ε recorded in metadata.json: a positive number, or auto for the operating point of the model's `obscura privacy sweep` report (default: no noise)")
	privReport := fs.String("privacy-report", "", "sweep report read by --epsilon auto (default reports/privacy/<model>_sweep.json)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: obscura bundle --model DIR --out OUTDIR [--id ID] [--version V] [--int8 [--onnx FILE]] [--epsilon auto|VALUE]")
		return errUsage
	}
	opt := weights.BundleOptions{ID: *id, Version: *ver, BaseModel: *base, ONNXPath: *onnxPath, Quantization: weights.QuantFP32}
	dir, err := weights.Resolve(*model)
	if err != nil {
		return err
	}
	if *epsilon != "" {
		p, err := bundlePrivacy(*epsilon, *privReport, filepath.Base(filepath.Clean(dir)), stderr)
		if err != nil {
			return err
		}
		opt.Privacy = p
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
	if e := b.Metadata.Privacy.Epsilon; e != nil {
		fmt.Fprintf(stdout, "  privacy: Laplace noise on the %s, ε = %g, sensitivity %g\n", b.Metadata.Privacy.NoiseLayer, *e, b.Metadata.Privacy.Sensitivity)
	}
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

// bundlePrivacy turns --epsilon into the bundle's privacy record: a given
// ε, or with "auto" the operating point of the model's privacy sweep report
// (the smallest ε within 3 points of the noise-free macro F1; see package
// privacy), with the engine's sensitivity and noise layer.
func bundlePrivacy(flagEps, reportPath, model string, stderr io.Writer) (*weights.Privacy, error) {
	var eps float64
	if flagEps == "auto" {
		if reportPath == "" {
			reportPath = sweepReportPath(filepath.Join("reports", "privacy"), model)
		}
		b, err := os.ReadFile(reportPath)
		if err != nil {
			return nil, fmt.Errorf("bundle --epsilon auto: %w (run `obscura privacy sweep --model DIR --data FILE` first, or pass --privacy-report)", err)
		}
		var rep privacy.SweepReport
		if err := json.Unmarshal(b, &rep); err != nil {
			return nil, fmt.Errorf("bundle --epsilon auto: %s: %w", reportPath, err)
		}
		if rep.Kind != "privacy-sweep" || rep.Method != privacy.MethodEntities {
			return nil, fmt.Errorf("bundle --epsilon auto: %s is not a privacy sweep report of the entities method (the recogniser the noise acts on)", reportPath)
		}
		if rep.Model != model {
			return nil, fmt.Errorf("bundle --epsilon auto: %s measured model %q, not %q", reportPath, rep.Model, model)
		}
		if rep.Sensitivity != ner.Sensitivity || rep.NoiseLayer != ner.NoiseLayer {
			return nil, fmt.Errorf("bundle --epsilon auto: %s measured noise of sensitivity %g at %q; the engine adds %g at %q", reportPath, rep.Sensitivity, rep.NoiseLayer, ner.Sensitivity, ner.NoiseLayer)
		}
		op := rep.Operating
		if !op.Found {
			return nil, fmt.Errorf("bundle --epsilon auto: no ε of the sweep in %s stays within %.0f points of the noise-free F1; give --epsilon VALUE or leave noise off", reportPath, 100*op.MaxDrop)
		}
		eps = float64(op.Epsilon)
		fmt.Fprintf(stderr, "bundle: ε = %g from %s (operating point, at most %.0f points below the noise-free macro F1)\n", eps, reportPath, 100*op.MaxDrop)
	} else {
		v, err := strconv.ParseFloat(flagEps, 64)
		if err != nil || !ner.NoiseOn(v) {
			return nil, fmt.Errorf("bundle: --epsilon %q: want a positive finite number or auto: %w", flagEps, errUsage)
		}
		eps = v
	}
	n := ner.Noise(eps)
	return &weights.Privacy{Epsilon: &eps, Sensitivity: n.Sensitivity, NoiseLayer: n.Layer, Mechanism: n.Mechanism}, nil
}
