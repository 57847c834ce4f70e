package quant

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

// benchShapes are BERT-small/base projection shapes at 128 tokens: M×K×N.
var benchShapes = [][3]int{{128, 384, 1536}, {128, 768, 3072}, {128, 3072, 768}}

// BenchmarkGEMM measures MatMul end to end (activation quantization, the
// parallel kernel, dequantize+bias epilogue) per available kernel and
// reports GOPS = 2·M·K·N / time (one multiply and one add per MAC).
func BenchmarkGEMM(b *testing.B) {
	for _, sh := range benchShapes {
		m, k, n := sh[0], sh[1], sh[2]
		r := rand.New(rand.NewPCG(1, 1))
		x, w, bias := randFloats(r, m*k, 1), randFloats(r, k*n, 0.05), randFloats(r, n, 0.1)
		dst := make([]float32, m*n)
		for _, kern := range availableKernels(b) {
			b.Run(fmt.Sprintf("%s/%dx%dx%d", kern.name, m, k, n), func(b *testing.B) {
				mat, err := PackWeightsWith(w, k, n, Options{Kernel: kern.name})
				if err != nil {
					b.Fatal(err)
				}
				ws := NewWorkspace()
				mat.MatMul(dst, x, m, bias, ws)
				b.ResetTimer()
				start := time.Now()
				for i := 0; i < b.N; i++ {
					mat.MatMul(dst, x, m, bias, ws)
				}
				sec := time.Since(start).Seconds()
				b.ReportMetric(2*float64(m*k*n)*float64(b.N)/sec/1e9, "GOPS")
				b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "threads")
			})
		}
	}
}

// BenchmarkGEMMKernel measures one micro-kernel alone on one core: all row
// tiles of M against every panel, int32 out, nothing else. It is the
// number to hold against a kernel's single-core peak.
func BenchmarkGEMMKernel(b *testing.B) {
	for _, sh := range benchShapes {
		m, k, n := sh[0], sh[1], sh[2]
		for _, kern := range availableKernels(b) {
			b.Run(fmt.Sprintf("%s/%dx%dx%d", kern.name, m, k, n), func(b *testing.B) {
				kp := kern.kpFor(k)
				tiles := (m + kern.mr - 1) / kern.mr
				panels := (n + kern.nr - 1) / kern.nr
				a := make([]byte, tiles*kern.mr*kp)
				for i := range a {
					a[i] = byte(i * 7)
				}
				bp := make([]int8, panels*kern.nr*kp)
				for i := range bp {
					bp[i] = int8(i * 13)
				}
				c := make([]int32, tiles*kern.mr*kern.nr)
				b.ResetTimer()
				start := time.Now()
				for i := 0; i < b.N; i++ {
					for p := 0; p < panels; p++ {
						kern.micro(a, bp[p*kern.nr*kp:(p+1)*kern.nr*kp], c, tiles, kp)
					}
				}
				sec := time.Since(start).Seconds()
				b.ReportMetric(2*float64(m*k*n)*float64(b.N)/sec/1e9, "GOPS")
			})
		}
	}
}
