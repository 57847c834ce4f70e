//go:build !purego

package quant

import (
	"testing"

	"github.com/obscura-ai/obscura/internal/cpu"
)

// TestAVX2TileInfo checks the avx2 kernel's block flags and row corrections
// on a tile with known blocks.
func TestAVX2TileInfo(t *testing.T) {
	if !cpu.Detect().AVX2 {
		t.Skip("no AVX2")
	}
	var kern *kernel
	for _, k := range archKernels {
		if k.name == KernelAVX2 {
			kern = k
		}
	}
	const mr, kp = 4, 36 // 9 k-groups: blocks of 4, 4 and 1
	a := make([]int8, mr*kp)
	for i := 0; i < mr; i++ {
		for p := 0; p < kp; p++ {
			a[i*kp+p] = int8(i + 1) // every pair sums to ≤ 8: fast
		}
	}
	a[2*kp+20], a[2*kp+21] = 127, 2 // row 2, block 1 (k 16-31): exact
	a[3*kp+33] = -100               // row 3, last block: still fast (|·| sums 104)
	tile := make([]byte, mr*kp)
	for i := 0; i < mr; i++ {
		for p := 0; p < kp; p++ {
			tile[kern.aIndex(i, p, kp)] = byte(a[i*kp+p])
		}
	}
	info := make([]int32, avx2InfoLen(kp))
	avx2TileInfo(tile, kp, info)
	if want := []int32{1, 0, 1}; info[0] != want[0] || info[1] != want[1] || info[2] != want[2] {
		t.Fatalf("flags %v, want %v", info[:3], want)
	}
	for i := 0; i < mr; i++ {
		var sum int32
		for p := 0; p < kp; p++ {
			if p < 16 || p >= 32 { // the flagged blocks
				sum += int32(a[i*kp+p])
			}
		}
		if info[3+i] != 128*sum {
			t.Errorf("row %d correction %d, want %d", i, info[3+i], 128*sum)
		}
	}
}
