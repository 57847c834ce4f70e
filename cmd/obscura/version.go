package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/obscura-ai/obscura/bert"
	"github.com/obscura-ai/obscura/internal/cpu"
	"github.com/obscura-ai/obscura/quant"
	"github.com/obscura-ai/obscura/tensor"
)

// version is set at link time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func cmdVersion(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	f := cpu.Detect()
	fmt.Fprintf(stdout, "obscura %s (%s, %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if f.Brand != "" {
		fmt.Fprintf(stdout, "cpu:      %s\n", f.Brand)
	}
	fmt.Fprintf(stdout, "features: %s\n", strings.Join(f.List(), " "))
	fmt.Fprintf(stdout, "kernels:  fp32=%s int8=%s int8-attention=%s\n", tensor.KernelFor(f), quant.KernelFor(f), bert.AutoAttention(f))
	return nil
}
