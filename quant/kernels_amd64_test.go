//go:build !purego

package quant

import (
	"slices"
	"testing"

	"github.com/obscura-ai/obscura/internal/cpu"
)

// TestAVX2TileInfo checks the avx2 kernel's block flags and row corrections
// on a tile with known blocks: int16 (2), fast (1), mixed (16 | the exact
// groups), all groups exact (0), and a last partial block.
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
	const mr, kp = 4, 68 // 17 k-groups: blocks of 4, 4, 4, 4 and 1
	a := make([]int8, mr*kp)
	for i := 0; i < mr; i++ {
		for p := 0; p < kp; p++ {
			a[i*kp+p] = int8(i + 1) // pairs sum to ≤ 8, slots to ≤ 32: flag 2
		}
	}
	a[2*kp+20], a[2*kp+21] = 127, 2 // row 2, block 1, group 1 (k 20-23): exact
	for p := 32; p < 48; p += 4 {
		a[1*kp+p] = -64 // row 1, block 2: pairs ≤ 66, slot k≡0,1 sums 264: flag 1
	}
	for p := 48; p < 64; p += 4 {
		a[0*kp+p+2], a[0*kp+p+3] = -100, -29 // row 0, block 3: every group exact
	}
	a[3*kp+65] = -100 // row 3, last block: still fast (|·| sums 104)
	tile := make([]byte, mr*kp)
	for i := 0; i < mr; i++ {
		for p := 0; p < kp; p++ {
			tile[kern.aIndex(i, p, kp)] = byte(a[i*kp+p])
		}
	}
	info := make([]int32, avx2InfoLen(kp))
	avx2TileInfo(tile, kp, info)
	if want := []int32{2, 16 | 1<<1, 1, 0, 1}; !slices.Equal(info[:5], want) {
		t.Fatalf("flags %v, want %v", info[:5], want)
	}
	for i := 0; i < mr; i++ {
		var sum int32
		for p := 0; p < kp; p++ {
			if (p < 20 || p >= 24) && (p < 48 || p >= 64) { // the fast groups
				sum += int32(a[i*kp+p])
			}
		}
		if info[5+i] != 128*sum {
			t.Errorf("row %d correction %d, want %d", i, info[5+i], 128*sum)
		}
	}
}
