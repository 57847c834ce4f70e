//go:build unix

package tokenize

import "syscall"

// processCPU returns the CPU time (user + system) the process has used, in
// nanoseconds, or -1. On a machine shared with other work, CPU time per
// operation is a steadier measure than wall time.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
