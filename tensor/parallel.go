package tensor

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// The worker pool: GOMAXPROCS-1 persistent goroutines, started on first use
// and never stopped, that help whichever calls have work left. The calling
// goroutine always works on its own job too, and a helper only joins a job
// that still has unclaimed chunks, so nested calls (a GEMM inside a
// Parallel body) cannot deadlock: at worst they run on the caller alone.
// A warm call allocates nothing: jobs come from a free list, and the runner
// is an interface holding a pointer.

// rangeRunner is a body that processes the index range [lo, hi).
type rangeRunner interface{ runRange(lo, hi int) }

type job struct {
	r     rangeRunner
	n     int
	grain int
	next  atomic.Int64 // first unclaimed index

	// Guarded by workers.mu.
	joined int  // helpers working on the job now
	closed bool // the caller has finished; no helper may join

	done chan struct{} // signalled by the last helper to leave a closed job
}

// work claims chunks of grain indices until none is left.
func (j *job) work() {
	for {
		lo := int(j.next.Add(int64(j.grain))) - j.grain
		if lo >= j.n {
			return
		}
		j.r.runRange(lo, min(lo+j.grain, j.n))
	}
}

var jobPool freeList[job]

type workerPool struct {
	mu      sync.Mutex
	cond    sync.Cond
	open    []*job // jobs whose caller has not finished
	started int    // helper goroutines started
}

var workers = func() *workerPool {
	p := &workerPool{}
	p.cond.L = &p.mu
	return p
}()

// helper is the body of one pooled goroutine.
func (p *workerPool) helper() {
	p.mu.Lock()
	for {
		var j *job
		for _, o := range p.open {
			if o.next.Load() < int64(o.n) {
				j = o
				break
			}
		}
		if j == nil {
			p.cond.Wait()
			continue
		}
		j.joined++
		p.mu.Unlock()
		j.work()
		p.mu.Lock()
		j.joined--
		if j.closed && j.joined == 0 {
			j.done <- struct{}{}
		}
	}
}

// run executes r.runRange over [0, n) in chunks of grain indices, on the
// calling goroutine and on up to GOMAXPROCS-1 idle helpers, and returns
// when every chunk is done.
func (p *workerPool) run(r rangeRunner, n, grain int) {
	if n <= 0 {
		return
	}
	grain = max(grain, 1)
	procs := runtime.GOMAXPROCS(0)
	chunks := (n + grain - 1) / grain
	if procs < 2 || chunks < 2 {
		r.runRange(0, n)
		return
	}
	j := jobPool.get()
	if j.done == nil {
		j.done = make(chan struct{}, 1)
	}
	j.r, j.n, j.grain = r, n, grain
	j.next.Store(0)
	p.mu.Lock()
	for p.started < procs-1 {
		p.started++
		go p.helper()
	}
	j.joined, j.closed = 0, false
	p.open = append(p.open, j)
	p.mu.Unlock()
	for i := min(procs-1, chunks-1); i > 0; i-- {
		p.cond.Signal()
	}

	j.work()

	p.mu.Lock()
	for i, o := range p.open {
		if o == j {
			last := len(p.open) - 1
			p.open[i] = p.open[last]
			p.open[last] = nil
			p.open = p.open[:last]
			break
		}
	}
	j.closed = true
	wait := j.joined > 0
	p.mu.Unlock()
	if wait {
		<-j.done
	}
	j.r = nil
	jobPool.put(j)
}

type funcRunner func(lo, hi int)

func (f funcRunner) runRange(lo, hi int) { f(lo, hi) }

// Parallel calls fn on disjoint ranges [lo, hi) that together cover
// [0, n), using the calling goroutine plus the idle goroutines of the
// package's pool (GOMAXPROCS in all), and returns when all calls are done.
// fn must be safe to run concurrently on disjoint ranges. Calls may nest:
// a nested call that finds no idle helper runs on its caller. fn escapes,
// so a closure that captures variables costs one small allocation per
// call; hoist it for an allocation-free hot path.
func Parallel(n int, fn func(lo, hi int)) {
	procs := runtime.GOMAXPROCS(0)
	grain := (n + 4*procs - 1) / (4 * procs)
	workers.run(funcRunner(fn), n, grain)
}

// ParallelGrain is Parallel with an explicit chunk size: fn sees ranges of
// at most grain indices.
func ParallelGrain(n, grain int, fn func(lo, hi int)) {
	workers.run(funcRunner(fn), n, grain)
}
