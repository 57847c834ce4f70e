package quant

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/gomlx/compute-onnx/support/protos"
	"google.golang.org/protobuf/proto"
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
// number to hold against a kernel's single-core peak. A kernel with tile
// info (avx2) gets it computed once beforehand, as MatMul does; the
// "small" variants use activations within ±8, which take the avx2
// kernel's int16 path, the others bytes spread over the whole range.
func BenchmarkGEMMKernel(b *testing.B) {
	for _, sh := range benchShapes {
		m, k, n := sh[0], sh[1], sh[2]
		for _, kern := range availableKernels(b) {
			for _, small := range []bool{false, true} {
				name := fmt.Sprintf("%s/%dx%dx%d", kern.name, m, k, n)
				if small {
					name += "/small"
				}
				b.Run(name, func(b *testing.B) { benchKernel(b, kern, m, k, n, small) })
			}
		}
	}
}

func benchKernel(b *testing.B, kern *kernel, m, k, n int, small bool) {
	kp := kern.kpFor(k)
	tiles := (m + kern.mr - 1) / kern.mr
	panels := (n + kern.nr - 1) / kern.nr
	a := make([]byte, tiles*kern.mr*kp)
	for i := range a {
		a[i] = byte(i * 7)
		if small {
			a[i] = byte(int8(i*7%17 - 8))
		}
		if kern.shiftA {
			a[i] ^= 128
		}
	}
	var info []int32
	if kern.tileInfo != nil {
		nl := kern.infoLen(kp)
		info = make([]int32, tiles*nl)
		for t := 0; t < tiles; t++ {
			kern.tileInfo(a[t*kern.mr*kp:(t+1)*kern.mr*kp], kp, info[t*nl:(t+1)*nl])
		}
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
			if info != nil {
				kern.microInfo(a, info, bp[p*kern.nr*kp:(p+1)*kern.nr*kp], c, tiles, kp)
			} else {
				kern.micro(a, bp[p*kern.nr*kp:(p+1)*kern.nr*kp], c, tiles, kp)
			}
		}
	}
	sec := time.Since(start).Seconds()
	b.ReportMetric(2*float64(m*k*n)*float64(b.N)/sec/1e9, "GOPS")
}

// BenchmarkGEMMORT times ONNX Runtime (CPU EP, through onnxruntime-node) on
// the same shapes, as one MatMul exported by QuantizeONNX (ORT's own
// dynamic-quantization form, which it fuses into DynamicQuantizeMatMul) and
// as the fp32 MatMul, with GOMAXPROCS threads. Each b.N iteration is one
// node process timing 50 runs; the metric is the mean.
func BenchmarkGEMMORT(b *testing.B) {
	script, node := ortScripts(b)
	for _, sh := range benchShapes {
		m, k, n := sh[0], sh[1], sh[2]
		r := rand.New(rand.NewPCG(1, 1))
		w := randFloats(r, k*n, 0.05)
		model := oneMatMulModel(w, 1, m, k, n)
		int8Model, err := QuantizeONNX(model)
		if err != nil {
			b.Fatal(err)
		}
		dir := b.TempDir()
		for _, v := range []struct {
			name string
			mp   *protos.ModelProto
		}{{"ort-int8", int8Model}, {"ort-fp32", model.Proto}} {
			path := filepath.Join(dir, v.name+".onnx")
			buf, err := proto.Marshal(v.mp)
			if err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(path, buf, 0o644); err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("%s/%dx%dx%d", v.name, m, k, n), func(b *testing.B) {
				const runs = 50
				var total float64
				for i := 0; i < b.N; i++ {
					cmd := exec.Command(node, filepath.Join(script, "time.mjs"), path, "x",
						fmt.Sprintf("1,%d,%d", m, k), fmt.Sprint(runs), fmt.Sprint(runtime.GOMAXPROCS(0)))
					cmd.Dir = script
					out, err := cmd.Output()
					if err != nil {
						b.Fatal(err)
					}
					var res struct{ MsPerRun float64 }
					if err := json.Unmarshal(out, &res); err != nil {
						b.Fatal(err)
					}
					total += res.MsPerRun
				}
				ms := total / float64(b.N)
				b.ReportMetric(ms*1e6, "ns/run")
				b.ReportMetric(2*float64(m*k*n)/(ms/1e3)/1e9, "GOPS")
			})
		}
	}
}
