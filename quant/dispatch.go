package quant

import (
	"fmt"
	"runtime"

	"github.com/obscura-ai/obscura/internal/cpu"
)

// allKernels lists the kernels compiled into this binary, best first:
// archKernels (from the per-architecture file, empty under purego) and then
// the generic one.
func allKernels() []*kernel {
	return append(append([]*kernel(nil), archKernels...), genericKernel)
}

// choose is the dispatch rule: the first compiled-in kernel whose feature
// requirements f meets. It is a pure function of f (and of the build).
func choose(f cpu.Features) *kernel {
	for _, k := range archKernels {
		if f.Arch == runtime.GOARCH && k.needs(f) {
			return k
		}
	}
	return genericKernel
}

// KernelFor names the INT8 GEMM kernel that PackWeights picks on a machine
// with features f: on amd64 amx → avx512vnni → avxvnni → avx2 → generic, on arm64
// smmla → sdot → neon → generic; always generic under the purego tag.
func KernelFor(f cpu.Features) string { return choose(f).name }

// Kernels names the kernels that can run on this machine (compiled in and
// supported by cpu.Detect()), best first; the last is always "generic".
func Kernels() []string {
	f := cpu.Detect()
	var out []string
	for _, k := range allKernels() {
		if k.needs(f) {
			out = append(out, k.name)
		}
	}
	return out
}

// kernelByName returns the named kernel if it is compiled in and runs here.
func kernelByName(name string, f cpu.Features) (*kernel, error) {
	for _, k := range allKernels() {
		if k.name == name {
			if !k.needs(f) {
				return nil, fmt.Errorf("quant: kernel %q is not supported by this CPU", name)
			}
			return k, nil
		}
	}
	return nil, fmt.Errorf("quant: unknown kernel %q (compiled in: %v)", name, kernelNames())
}

func kernelNames() []string {
	var out []string
	for _, k := range allKernels() {
		out = append(out, k.name)
	}
	return out
}
