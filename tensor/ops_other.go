//go:build purego || !(amd64 || arm64)

package tensor

import "github.com/obscura-ai/obscura/internal/cpu"

// vecOpsFor is the dispatch point for the element-wise kernels: this build
// has no vector ones, so the scalar Go code runs.
func vecOpsFor(cpu.Features) vecOps { return vecOps{name: "generic"} }

func detectedVecOps() vecOps { return vecOps{name: "generic"} }
