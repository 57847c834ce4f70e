package quant

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
)

// TestORTInt8SaturationWithoutVNNI pins down how ONNX Runtime computes the
// u8×s8 MatMulInteger of QuantizeONNX's default form on this host: exactly
// where the processor has a dot-product instruction (AVX-512 VNNI or
// AVX-VNNI: VPDPBUSD accumulates in int32), and otherwise with the int16
// pair sums of VPMADDUBSW, which saturate when two neighbouring k values
// both carry large activations and same-signed large weights. The test
// computes both in Go from the graph's own DynamicQuantizeLinear and
// weights, and asserts that ONNX Runtime matches the one this host's
// features predict. Where it saturates, its INT8 logits are not the exact
// algebra of the file, which is why TestCoNLLInt8LogitsVsORT holds our
// graph executor to ONNX Runtime only on VNNI hosts.
func TestORTInt8SaturationWithoutVNNI(t *testing.T) {
	const m, k, n = 4, 64, 8
	r := rand.New(rand.NewPCG(21, 22))
	x, w := randFloats(r, m*k, 1), randFloats(r, k*n, 0.1)
	for p := 0; p < k; p++ {
		// Row 1 at the top of the u8 range, column 3 at +127: every pair
		// sum 2·255·127 overflows int16. Row 2 and column 5 alternate
		// in sign, which no pair sum overflows.
		x[1*k+p] = 1
		w[p*n+3] = 0.5
		x[2*k+p] = float32(1 - 2*(p%2))
		w[p*n+5] = float32(1-2*(p%2)) * 0.5
	}
	x[0] = -1 // the tensor's minimum: zero point 128 - 1
	mp := oneMatMulModel(w, 1, m, k, n)
	q, err := QuantizeONNX(mp)
	if err != nil {
		t.Fatal(err)
	}
	got := runORTMatMul(t, q, x, m, k)
	if len(got) != m*n {
		t.Fatalf("ONNX Runtime gave %d values, want %d", len(got), m*n)
	}

	// DynamicQuantizeLinear as the ONNX operator defines it.
	lo, hi := float32(0), float32(0)
	for _, v := range x {
		lo, hi = min(lo, v), max(hi, v)
	}
	xs := (hi - lo) / 255
	zp := int32(math.RoundToEven(float64(-lo / xs)))
	zp = max(0, min(255, zp))
	xq := make([]int32, len(x))
	for i, v := range x {
		xq[i] = max(0, min(255, int32(math.RoundToEven(float64(v/xs)))+zp))
	}
	wq, ws := QuantizeWeights(w, k, n)
	sat16 := func(v int32) int32 { return max(-32768, min(32767, v)) }
	exact, saturated := make([]float32, m*n), make([]float32, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var e, s, sw int32
			for p := 0; p < k; p += 2 {
				a0, a1 := xq[i*k+p], xq[i*k+p+1]
				w0, w1 := int32(wq[p*n+j]), int32(wq[(p+1)*n+j])
				e += a0*w0 + a1*w1
				s += sat16(a0*w0 + a1*w1)
				sw += w0 + w1
			}
			exact[i*n+j] = float32(e-zp*sw) * (xs * ws[j])
			saturated[i*n+j] = float32(s-zp*sw) * (xs * ws[j])
		}
	}
	far := func(ref []float32) (bad int, worst float64) {
		for i := range ref {
			d := math.Abs(float64(got[i] - ref[i]))
			worst = max(worst, d)
			if d > 1e-4*math.Max(1, math.Abs(float64(ref[i]))) {
				bad++
			}
		}
		return bad, worst
	}
	badExact, worstExact := far(exact)
	badSat, worstSat := far(saturated)
	vnni := !testenv.ORTInt8Saturates()
	t.Logf("host VNNI %v; ONNX Runtime vs exact: %d of %d off (max %.4g); vs int16-saturated pairs: %d off (max %.4g)",
		vnni, badExact, m*n, worstExact, badSat, worstSat)
	if badExact == 0 && badSat == 0 {
		t.Fatal("the inputs do not saturate: the test cannot tell the two apart")
	}
	switch {
	case vnni && badExact != 0:
		t.Errorf("VNNI host: ONNX Runtime's u8×s8 MatMulInteger is not exact (%d values off)", badExact)
	case !vnni && badSat != 0:
		t.Errorf("host without VNNI: ONNX Runtime does not match int16-saturated pair sums (%d values off, vs exact %d)", badSat, badExact)
	}
}
