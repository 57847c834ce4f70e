//go:build unix

package tensor

import (
	"syscall"
	"time"
)

// processCPU is the user+system CPU time the process has used so far: on a
// machine shared with other work, flops per CPU-second still measures the
// kernel while wall-clock GFLOPS measures what the scheduler allowed.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
