//go:build purego || !amd64

package tensor

import "github.com/obscura-ai/obscura/internal/cpu"

// bf16OpsFor is the dispatch point for the bfloat16 attention kernels:
// this build has no bfloat16 assembly, so the Go kernels run.
func bf16OpsFor(cpu.Features) bf16Ops { return bf16Generic }

func detectedBF16Ops() bf16Ops { return bf16Generic }
