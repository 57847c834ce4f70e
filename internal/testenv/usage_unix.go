//go:build unix

package testenv

import (
	"syscall"
	"time"
)

// ProcessCPU is the user+system CPU time the process has used so far, or 0
// when the platform cannot say. Benchmarks report CPU time per operation
// beside wall time: on a machine shared with other work it still measures
// the code, while wall time measures what the scheduler allowed.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// PeakRSS is the process's peak resident set size in bytes, or 0 when the
// platform cannot say (Linux reports ru_maxrss in KiB).
func PeakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return int64(ru.Maxrss) * 1024
}
