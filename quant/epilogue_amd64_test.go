//go:build !purego

package quant

import (
	"math/rand/v2"
	"testing"

	"github.com/obscura-ai/obscura/internal/cpu"
)

// TestDequantAVX512Store covers the store form of dequantAVX512, which no
// kernel selects today (the 8-lane epilogue measured faster), so that it
// stays correct: bit for bit against dequantTile on the epilogue cases.
func TestDequantAVX512Store(t *testing.T) {
	if f := cpu.Detect(); !(f.AVX512F && f.AVX512BW) {
		t.Skip("no AVX-512 on this machine")
	}
	r := rand.New(rand.NewPCG(45, 46))
	for _, c := range epilogueCases(r) {
		outStride := c.cols + 5
		want := make([]float32, guard+c.rows*outStride+guard)
		for i := range want {
			want[i] = sentinelF
		}
		got := append([]float32(nil), want...)
		dequantTile(want[guard:], outStride, c.acc, c.accStride, c.rows, c.corr, c.scales, c.bias, c.sx)
		dequantTileAVX512(got[guard:], outStride, c.acc, c.accStride, c.rows, c.corr, c.scales, c.bias, c.sx)
		for i := range want {
			if !sameF32(got[i], want[i]) {
				t.Fatalf("%s: out[%d] = %g, want %g", c.name, i-guard, got[i], want[i])
			}
		}
	}
}
