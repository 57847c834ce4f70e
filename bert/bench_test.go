package bert

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/quant"
)

// benchIDs is the benchmark input: [CLS] … [SEP] with deterministic ids in
// [1000, 21000), valid in both the uncased (30522) and cased (28996)
// vocabularies. scripts/ort/bench.mjs feeds ONNX Runtime the same ids.
func benchIDs(n int) []int64 {
	ids := make([]int64, n)
	for k := range ids {
		ids[k] = int64(1000 + (k*7919)%20000)
	}
	ids[0], ids[n-1] = 101, 102
	return ids
}

var benchLens = []int{16, 128, 512}

// benchModel times Run at each length, batch 1, and reports latency
// percentiles next to ns/op. On a machine whose best INT8 kernel is amx,
// int8-avx512vnni runs the same model on the kernel before it, so that the
// two compare in one run.
func benchModel(b *testing.B, path string) {
	type variant struct {
		name string
		opts Options
	}
	variants := []variant{{"fp32", Options{Executor: "fused"}}, {"int8", Options{Executor: "fused", Int8: true}}}
	if ks := quant.Kernels(); len(ks) > 1 && ks[0] == quant.KernelAMX {
		variants = append(variants, variant{"int8-" + ks[1], Options{Executor: "fused", Int8: true, Kernel: ks[1]}})
	}
	for _, v := range variants {
		m, err := Load(path, v.opts)
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range benchLens {
			b.Run(fmt.Sprintf("%s/tokens=%d", v.name, n), func(b *testing.B) {
				batch := Batch{IDs: benchIDs(n), Size: 1, SeqLen: n}
				if _, err := m.Run(batch); err != nil { // warm the workspace pool
					b.Fatal(err)
				}
				lat := make([]time.Duration, 0, b.N)
				b.ReportAllocs()
				b.ResetTimer()
				cpu0 := testenv.ProcessCPU()
				for i := 0; i < b.N; i++ {
					t0 := time.Now()
					if _, err := m.Run(batch); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(t0))
				}
				b.StopTimer()
				b.ReportMetric(float64((testenv.ProcessCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
				reportPercentiles(b, lat)
				b.ReportMetric(float64(testenv.PeakRSS())/(1<<20), "peak-rss-MB")
			})
		}
	}
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	pct := func(p float64) float64 {
		i := min(int(p*float64(len(lat))), len(lat)-1)
		return float64(lat[i].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

func BenchmarkBaseline(b *testing.B) { benchModel(b, baselineModel(b)) }

func BenchmarkBertBase(b *testing.B) {
	benchModel(b, filepath.Join(bertBaseDir(b), "model.onnx"))
}
