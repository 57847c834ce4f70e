//go:build !unix

package testenv

import "time"

// ProcessCPU is unavailable on this platform: it reads 0.
func ProcessCPU() time.Duration { return 0 }

// PeakRSS is unavailable on this platform: it reads 0.
func PeakRSS() int64 { return 0 }
