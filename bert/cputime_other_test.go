//go:build !unix

package bert

import "time"

// processCPU is unavailable here; the cpu-ms/op metric reads 0.
func processCPU() time.Duration { return 0 }

// peakRSS is unavailable here; the peak-rss-MB metric reads 0.
func peakRSS() int64 { return 0 }
