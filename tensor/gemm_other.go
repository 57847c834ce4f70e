//go:build purego || !(amd64 || arm64)

package tensor

import "github.com/obscura-ai/obscura/internal/cpu"

// archKernels: without assembly only the portable Go kernel exists.
func archKernels(cpu.Features) []*Kernel { return []*Kernel{genericKernel} }

// haveAsm reports whether this build has assembly kernels.
const haveAsm = false
