package tensor

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// TestPoolHelpersPark: idle helpers spin for spinWait only. After a burst
// of jobs every helper must be parked on the condition variable again
// within a generous multiple of spinWait, so that an idle server gives its
// cores back; and a job opened after that must still wake them.
func TestPoolHelpersPark(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	var sum atomic.Int64
	for rep := 0; rep < 50; rep++ {
		ParallelGrain(64, 1, func(lo, hi int) { sum.Add(int64(hi - lo)) })
	}
	if got := sum.Load(); got != 50*64 {
		t.Fatalf("covered %d indices, want %d", got, 50*64)
	}
	parked := func() (sleeping, started int) {
		workers.mu.Lock()
		defer workers.mu.Unlock()
		return workers.sleeping, workers.started
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		s, n := parked()
		if n >= 2 && s == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d helpers parked %v after the last job (spinWait %v)", s, n, 2*time.Second, spinWait)
		}
		time.Sleep(spinWait)
	}
	// Parked helpers are woken for new work: two chunks that each wait
	// for the other can only finish if a helper runs one of them.
	for rep := 0; rep < 5; rep++ {
		time.Sleep(4 * spinWait) // let the helpers park again
		var started atomic.Int32
		ok := true
		ParallelGrain(2, 1, func(lo, hi int) {
			started.Add(1)
			end := time.Now().Add(5 * time.Second)
			for started.Load() < 2 {
				if time.Now().After(end) {
					ok = false
					return
				}
				runtime.Gosched()
			}
		})
		if !ok {
			t.Fatalf("rep %d: a parked helper was not woken for a new job", rep)
		}
	}
}
