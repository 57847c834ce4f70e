package tensor

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// The worker pool: GOMAXPROCS-1 persistent goroutines, started on first use
// and never stopped, that help whichever calls have work left. The calling
// goroutine always works on its own job too, and a helper only joins a job
// that still has unclaimed chunks, so nested calls (a GEMM inside a
// Parallel body) cannot deadlock: at worst they run on the caller alone.
// A warm call allocates nothing: jobs come from a free list, and the runner
// is an interface holding a pointer.
//
// An inference is a chain of short parallel steps (a GEMM, a LayerNorm, an
// attention block: tens to hundreds of microseconds each), so the cost of
// handing work over matters as much as the work. Parking a helper on a
// condition variable and waking it per step costs a futex round trip, and
// on a virtual machine an idle vCPU that must be woken by an IPI adds tens
// of microseconds more: at 128 tokens that was a fifth of the two-thread
// latency. So an idle helper first spins for spinWait, watching for a new
// job, and only then parks; the caller likewise spins on its job's helpers
// before blocking. Between the steps of one inference nobody sleeps; after
// the last step the helpers give their cores back within spinWait.

// rangeRunner is a body that processes the index range [lo, hi).
type rangeRunner interface{ runRange(lo, hi int) }

type job struct {
	r     rangeRunner
	n     int
	grain int
	next  atomic.Int64 // first unclaimed index

	// joined counts the helpers working on the job now. It changes only
	// under workers.mu (so that no helper joins a closed job), but the
	// caller may read it without the lock while it spins.
	joined atomic.Int32

	// Guarded by workers.mu.
	closed  bool // the caller has finished; no helper may join
	waiting bool // the caller gave up spinning and blocks on done

	done chan struct{} // signalled by the last helper to leave a closed job the caller waits on
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
	mu       sync.Mutex
	cond     sync.Cond
	open     []*job // jobs whose caller has not finished
	started  int    // helper goroutines started
	sleeping int    // helpers parked in cond.Wait

	// opened counts the jobs ever opened; spinning helpers watch it.
	opened atomic.Uint64
}

// spinWait is how long an idle helper watches for a new job, and a caller
// for its job's helpers to finish, before blocking.
var spinWait = 50 * time.Microsecond

// spinUntil calls done until it reports true or spinWait has passed, and
// returns its last answer. It yields the processor between polls, so a
// spinning goroutine never keeps other goroutines from running.
func spinUntil(done func() bool) bool {
	var deadline time.Time
	for i := 0; ; i++ {
		if done() {
			return true
		}
		if i&15 == 15 {
			now := time.Now()
			if deadline.IsZero() {
				deadline = now.Add(spinWait)
			} else if now.After(deadline) {
				return false
			}
		}
		runtime.Gosched()
	}
}

// pick returns an open job that still has unclaimed chunks, or nil. The
// caller holds p.mu.
func (p *workerPool) pick() *job {
	for _, o := range p.open {
		if o.next.Load() < int64(o.n) {
			return o
		}
	}
	return nil
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
		j := p.pick()
		if j == nil {
			seen := p.opened.Load()
			p.mu.Unlock()
			spinUntil(func() bool { return p.opened.Load() != seen })
			p.mu.Lock()
			if j = p.pick(); j == nil {
				if p.opened.Load() != seen {
					continue // a job came and went: spin again
				}
				// Jobs are opened under p.mu, and a caller that opens
				// one signals when anybody sleeps: none can be missed.
				p.sleeping++
				p.cond.Wait()
				p.sleeping--
				continue
			}
		}
		j.joined.Add(1)
		p.mu.Unlock()
		j.work()
		p.mu.Lock()
		if j.joined.Add(-1) == 0 && j.closed && j.waiting {
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
	j.joined.Store(0)
	j.closed, j.waiting = false, false
	p.open = append(p.open, j)
	p.opened.Add(1)
	wake := min(procs-1, chunks-1, p.sleeping)
	p.mu.Unlock()
	for ; wake > 0; wake-- {
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
	busy := j.joined.Load() > 0
	p.mu.Unlock()
	if busy && !spinUntil(func() bool { return j.joined.Load() == 0 }) {
		p.mu.Lock()
		j.waiting = j.joined.Load() > 0
		p.mu.Unlock()
		if j.waiting {
			<-j.done
		}
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
