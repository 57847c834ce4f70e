//go:build !purego

package quant

import (
	"slices"
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
	const mr, kp = 4, 52 // 13 k-groups: blocks of 4, 4, 4 and 1
	a := make([]int8, mr*kp)
	for i := 0; i < mr; i++ {
		for p := 0; p < kp; p++ {
			a[i*kp+p] = int8(i + 1) // pairs sum to ≤ 8, slots to ≤ 32: flag 2
		}
	}
	a[2*kp+20], a[2*kp+21] = 127, 2 // row 2, block 1 (k 16-31): exact
	for p := 32; p < 48; p += 4 {
		a[1*kp+p] = -64 // row 1, block 2: pairs ≤ 66, slot k≡0,1 sums 264: flag 1
	}
	a[3*kp+49] = -100 // row 3, last block: still fast (|·| sums 104)
	tile := make([]byte, mr*kp)
	for i := 0; i < mr; i++ {
		for p := 0; p < kp; p++ {
			tile[kern.aIndex(i, p, kp)] = byte(a[i*kp+p])
		}
	}
	info := make([]int32, avx2InfoLen(kp))
	avx2TileInfo(tile, kp, info)
	if want := []int32{2, 0, 1, 1}; !slices.Equal(info[:4], want) {
		t.Fatalf("flags %v, want %v", info[:4], want)
	}
	for i := 0; i < mr; i++ {
		var sum int32
		for p := 0; p < kp; p++ {
			if p < 16 || p >= 32 { // the fast blocks
				sum += int32(a[i*kp+p])
			}
		}
		if info[4+i] != 128*sum {
			t.Errorf("row %d correction %d, want %d", i, info[4+i], 128*sum)
		}
	}
}
