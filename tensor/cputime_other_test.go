//go:build !unix

package tensor

import "time"

// processCPU is unavailable here; the per-CPU metric reads as zero.
func processCPU() time.Duration { return 0 }
