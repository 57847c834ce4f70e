package tensor

import (
	"fmt"
	"github.com/obscura-ai/obscura/internal/testenv"
	"math"
	"math/rand/v2"
	"testing"
)

// bertLayer is one encoder layer's weights and buffers, built only from
// this package's API, to time the kernels the way the fused BERT plan
// strings them together.
type bertLayer struct {
	s, h, heads, inter int
	qkv, o, fc1, fc2   *PackedB
	bqkv, bo, b1, b2   []float32
	g1, be1, g2, be2   []float32
	x, q, ctx, tmp, ff []float32
	scores, mask       []float32
	headFn             func(lo, hi int)
}

func newBertLayer(s, h, heads, inter int) *bertLayer {
	rng := rand.New(rand.NewPCG(1, 2))
	w := func(k, n int) *PackedB {
		b := make([]float32, k*n)
		randFill(rng, b)
		Scale(b, float32(1/math.Sqrt(float64(k))))
		return PackB(b, k, n)
	}
	v := func(n int) []float32 { x := make([]float32, n); randFill(rng, x); return x }
	l := &bertLayer{s: s, h: h, heads: heads, inter: inter,
		qkv: w(h, 3*h), o: w(h, h), fc1: w(h, inter), fc2: w(inter, h),
		bqkv: v(3 * h), bo: v(h), b1: v(inter), b2: v(h),
		g1: v(h), be1: v(h), g2: v(h), be2: v(h),
		x: v(s * h), q: make([]float32, s*3*h), ctx: make([]float32, s*h), tmp: make([]float32, s*h),
		ff: make([]float32, s*inter), scores: make([]float32, heads*s*s), mask: make([]float32, s)}
	l.headFn = l.heads_
	return l
}

func (l *bertLayer) heads_(lo, hi int) {
	s, h, d := l.s, l.h, l.h/l.heads
	for hd := lo; hd < hi; hd++ {
		sc := l.scores[hd*s*s : (hd+1)*s*s]
		MatMulStrided(sc, s, l.q[hd*d:], 3*h, l.q[h+hd*d:], 3*h, s, d, s, true, nil)
		SoftmaxMasked(sc, s, s, float32(1/math.Sqrt(float64(d))), l.mask)
		MatMulStrided(l.ctx[hd*d:], h, sc, s, l.q[2*h+hd*d:], 3*h, s, s, d, false, nil)
	}
}

func (l *bertLayer) run() {
	s, h := l.s, l.h
	MatMulPacked(l.q, l.x, s, l.qkv, l.bqkv)
	ParallelGrain(l.heads, 1, l.headFn)
	MatMulPacked(l.tmp, l.ctx, s, l.o, l.bo)
	AddLayerNorm(l.x, l.tmp, l.x, s, h, l.g1, l.be1, 1e-12)
	MatMulPacked(l.ff, l.x, s, l.fc1, l.b1)
	GELU(l.ff, l.ff)
	MatMulPacked(l.tmp, l.ff, s, l.fc2, l.b2)
	AddLayerNorm(l.x, l.tmp, l.x, s, h, l.g2, l.be2, 1e-12)
}

// BenchmarkLayer times one encoder layer (MiniLM: hidden 384, 12 heads,
// FFN 1536; BERT-base: 768, 12, 3072) at 16 and 128 tokens with the
// default kernels; run with -cpu 1,2.
func BenchmarkLayer(b *testing.B) {
	for _, cfg := range []struct {
		name            string
		h, heads, inter int
	}{{"minilm", 384, 12, 1536}, {"bertbase", 768, 12, 3072}} {
		for _, s := range []int{16, 128} {
			b.Run(fmt.Sprintf("%s/S%d", cfg.name, s), func(b *testing.B) {
				l := newBertLayer(s, cfg.h, cfg.heads, cfg.inter)
				l.run()
				b.ReportAllocs()
				cpu0 := testenv.ProcessCPU()
				for b.Loop() {
					l.run()
				}
				if cpu := (testenv.ProcessCPU() - cpu0).Seconds(); cpu > 0 {
					b.ReportMetric(cpu*1e3/float64(b.N), "cpu-ms/op")
				}
			})
		}
	}
}
