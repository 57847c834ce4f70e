//go:build !purego

package quant

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/obscura-ai/obscura/internal/cpu"
)

// BenchmarkAVX2Paths times the avx2 kernel's three paths on one MiniLM QKV
// shape (128×384×1152), one core, with activation tiles that put every
// block on one path: exact (pairs over 128), fast (pairs within 128) and
// int16 (each slot's pairs within 128 over the block). The three run in
// turns, 20 products of the shape each, 40 turns, and each reports its best
// turn: on a shared host whose speed drifts by tens of percent within a
// minute, separate sub-benchmarks would compare different moments. On AMD
// Zen 3 (2026-12-07) this read exact 131, fast 192, int16 240 GOPS.
func BenchmarkAVX2Paths(b *testing.B) {
	kern, err := kernelByName(KernelAVX2, cpu.Detect())
	if err != nil {
		b.Skip(err)
	}
	const m, k, n = 128, 384, 1152
	kp := kern.kpFor(k)
	tiles := m / kern.mr
	nl := kern.infoLen(kp)
	r := rand.New(rand.NewPCG(61, 62))
	type path struct {
		name string
		a    []byte
		info []int32
	}
	var paths []path
	for cls, p := range []struct {
		name   string
		lo, hi int // |a| range
	}{{"exact", 65, 127}, {"fast", 20, 59}, {"int16", 0, 11}} {
		a := make([]byte, tiles*kern.mr*kp)
		for i := range a {
			v := p.lo + r.IntN(p.hi-p.lo+1)
			if r.IntN(2) == 0 {
				v = -v
			}
			a[i] = byte(int8(v))
		}
		info := make([]int32, tiles*nl)
		for t := 0; t < tiles; t++ {
			kern.tileInfo(a[t*kern.mr*kp:(t+1)*kern.mr*kp], kp, info[t*nl:(t+1)*nl])
			for blk := 0; blk < kp/(4*avx2Block); blk++ {
				if got := info[t*nl+blk]; got != int32(cls) {
					b.Fatalf("%s: tile %d block %d has flag %d, want %d", p.name, t, blk, got, cls)
				}
			}
		}
		paths = append(paths, path{p.name, a, info})
	}
	panels := n / kern.nr
	bp := make([]int8, panels*kern.nr*kp)
	for i := range bp {
		bp[i] = int8(r.IntN(256))
	}
	c := make([]int32, tiles*kern.mr*kern.nr)
	const reps, turns = 20, 40
	best := make([]float64, len(paths))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for turn := 0; turn < turns; turn++ {
			for pi, p := range paths {
				t0 := time.Now()
				for rep := 0; rep < reps; rep++ {
					for q := 0; q < panels; q++ {
						kern.microInfo(p.a, p.info, bp[q*kern.nr*kp:(q+1)*kern.nr*kp], c, tiles, kp)
					}
				}
				best[pi] = max(best[pi], 2*float64(m*k*n)*reps/time.Since(t0).Seconds()/1e9)
			}
		}
	}
	for pi, p := range paths {
		b.ReportMetric(best[pi], p.name+"-GOPS")
	}
}
