//go:build unix

package bert

import (
	"syscall"
	"time"
)

// processCPU is the user+system CPU time the process has used so far, for
// benchmark numbers that stay meaningful on a machine shared with other work.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
