package quant

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/obscura-ai/obscura/internal/cpu"
)

// availableKernels are the kernels compiled in and runnable on this machine.
func availableKernels(t testing.TB) []*kernel {
	f := cpu.Detect()
	var out []*kernel
	for _, k := range allKernels() {
		if k.needs(f) {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		t.Fatal("no kernel available")
	}
	return out
}

const (
	guard     = 64          // guard-band length around every buffer, elements
	sentinelB = byte(0xA5)  // guard/sentinel for byte buffers
	sentinelC = 0x7EADBEEF  // int32 sentinel for outputs and their guards
	sentinelI = int8(-0x5B) // int8 guard for weights
)

// runKernel multiplies a (m×k) by b (k×n), both row-major int8, with kern's
// packed layouts and micro-kernel, exactly as MatMul drives it, and returns
// the corrected int32 result. Every buffer the assembly touches sits between
// sentinel-filled guard bands, which are checked afterwards, as are the
// packed inputs (the kernel must not write them).
func runKernel(t testing.TB, kern *kernel, a, b []int8, m, k, n int) []int32 {
	t.Helper()
	kp := kern.kpFor(k)
	tiles := (m + kern.mr - 1) / kern.mr
	panels := (n + kern.nr - 1) / kern.nr

	aBuf := make([]byte, 2*guard+tiles*kern.mr*kp)
	for i := range aBuf {
		aBuf[i] = sentinelB
	}
	ap := aBuf[guard : len(aBuf)-guard : len(aBuf)-guard]
	var zero byte
	if kern.shiftA {
		zero = 128
	}
	for i := range ap {
		ap[i] = zero
	}
	for r := 0; r < m; r++ {
		for p := 0; p < k; p++ {
			ap[kern.aIndex(r, p, kp)] = byte(a[r*k+p]) ^ zero
		}
	}
	q := append([]int8(nil), b...)
	mat := pack(kern, q, make([]float32, n), k, n)
	bBuf := make([]int8, 2*guard+len(mat.b))
	for i := range bBuf {
		bBuf[i] = sentinelI
	}
	copy(bBuf[guard:], mat.b)
	bp := bBuf[guard : guard+len(mat.b) : guard+len(mat.b)]
	aCopy, bCopy := slices.Clone(aBuf), slices.Clone(bBuf)

	tileLen := tiles * kern.mr * kern.nr
	cBuf := make([]int32, 2*guard+tileLen)
	out := make([]int32, m*n)
	for p := 0; p < panels; p++ {
		for i := range cBuf {
			cBuf[i] = sentinelC
		}
		c := cBuf[guard : guard+tileLen : guard+tileLen]
		if kern.microNext != nil && p+1 < panels { // as MatMul drives it: prefetching the next panel
			kern.microNext(ap, bp[p*kern.nr*kp:(p+1)*kern.nr*kp], bp[(p+1)*kern.nr*kp:(p+2)*kern.nr*kp], c, tiles, kp)
		} else {
			kern.micro(ap, bp[p*kern.nr*kp:(p+1)*kern.nr*kp], c, tiles, kp)
		}
		for i := 0; i < guard; i++ {
			if cBuf[i] != sentinelC || cBuf[guard+tileLen+i] != sentinelC {
				t.Fatalf("%s %d×%d×%d: output guard band overwritten", kern.name, m, k, n)
			}
		}
		for r := 0; r < m; r++ {
			for j := 0; j < kern.nr && p*kern.nr+j < n; j++ {
				v := c[r*kern.nr+j]
				v -= mat.corr[p*kern.nr+j]
				out[r*n+p*kern.nr+j] = v
			}
		}
	}
	if !slices.Equal(aBuf, aCopy) || !slices.Equal(bBuf, bCopy) {
		t.Fatalf("%s %d×%d×%d: kernel modified its inputs or their guard bands", kern.name, m, k, n)
	}
	if !slices.Equal(mat.Int8(), b) {
		t.Fatalf("%s %d×%d×%d: packing does not round-trip", kern.name, m, k, n)
	}
	return out
}

// checkKernel compares kern with the reference on one product, exactly.
func checkKernel(t testing.TB, kern *kernel, a, b []int8, m, k, n int) {
	t.Helper()
	want := make([]int32, m*n)
	refGemm(want, a, b, m, k, n)
	got := runKernel(t, kern, a, b, m, k, n)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s %d×%d×%d: c[%d,%d] = %d, want %d", kern.name, m, k, n, i/n, i%n, got[i], want[i])
		}
	}
}

// randInts returns n int8 in [lo, hi].
func randInts(r *rand.Rand, n, lo, hi int) []int8 {
	s := make([]int8, n)
	for i := range s {
		s[i] = int8(lo + r.IntN(hi-lo+1))
	}
	return s
}

// Activations are in [−127, 127] (the quantizer never emits −128); weights
// use the full int8 range.
func randAB(r *rand.Rand, m, k, n int) (a, b []int8) {
	return randInts(r, m*k, -127, 127), randInts(r, k*n, -128, 127)
}

func TestKernelSmallShapes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, kern := range availableKernels(t) {
		t.Run(kern.name, func(t *testing.T) {
			for m := 1; m <= 17; m++ {
				for k := 1; k <= 17; k++ {
					for n := 1; n <= 17; n++ {
						a, b := randAB(r, m, k, n)
						checkKernel(t, kern, a, b, m, k, n)
					}
				}
			}
		})
	}
}

// TestKernelTileEdges covers one below, at and above every tile dimension
// of each kernel, and K remainders modulo 4 and 8.
func TestKernelTileEdges(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, kern := range availableKernels(t) {
		t.Run(kern.name, func(t *testing.T) {
			var ms, ns []int
			for _, base := range []int{kern.mr, 2 * kern.mr, rowBlock} {
				ms = append(ms, base-1, base, base+1)
			}
			for _, base := range []int{kern.nr, 2 * kern.nr} {
				ns = append(ns, base-1, base, base+1)
			}
			ks := []int{1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33}
			for k := 64; k <= 72; k++ {
				ks = append(ks, k)
			}
			for _, m := range ms {
				for _, n := range ns {
					for _, k := range ks {
						a, b := randAB(r, m, k, n)
						checkKernel(t, kern, a, b, m, k, n)
					}
				}
			}
		})
	}
}

// TestKernelExtremes fills activations and weights with the extreme values
// that break careless kernels: ±127 activations (255 and 1 once shifted for
// VPDPBUSD), −128/127 weights, long K so that any int16 saturation (AVX2's
// VPMADDUBSW, NEON's SMLAL) would show.
func TestKernelExtremes(t *testing.T) {
	const m, k, n = 13, 1031, 37
	fills := []struct {
		name string
		a, b func(i int) int8
	}{
		{"max·max", func(int) int8 { return 127 }, func(int) int8 { return 127 }},
		{"max·min", func(int) int8 { return 127 }, func(int) int8 { return -128 }},
		{"min·min", func(int) int8 { return -127 }, func(int) int8 { return -128 }},
		{"min·max", func(int) int8 { return -127 }, func(int) int8 { return 127 }},
		{"alternating", func(i int) int8 { return [2]int8{127, -127}[i%2] }, func(i int) int8 { return [2]int8{-128, 127}[(i/3)%2] }},
		{"zeros·min", func(int) int8 { return 0 }, func(int) int8 { return -128 }},
	}
	for _, kern := range availableKernels(t) {
		for _, fl := range fills {
			t.Run(kern.name+"/"+fl.name, func(t *testing.T) {
				a, b := make([]int8, m*k), make([]int8, k*n)
				for i := range a {
					a[i] = fl.a(i)
				}
				for i := range b {
					b[i] = fl.b(i)
				}
				checkKernel(t, kern, a, b, m, k, n)
			})
		}
	}
}

// TestKernelBERTShapes covers the projection shapes of BERT-base and an odd
// shape; the large ones only without -short.
func TestKernelBERTShapes(t *testing.T) {
	seqs := []int{1, 7}
	if !testing.Short() {
		seqs = append(seqs, 128, 512)
	}
	type shape struct{ m, k, n int }
	shapes := []shape{{43, 500, 401}}
	for _, s := range seqs {
		shapes = append(shapes, shape{s, 768, 768}, shape{s, 768, 3072}, shape{s, 3072, 768})
	}
	r := rand.New(rand.NewPCG(5, 6))
	for _, sh := range shapes {
		a, b := randAB(r, sh.m, sh.k, sh.n)
		want := make([]int32, sh.m*sh.n)
		refGemm(want, a, b, sh.m, sh.k, sh.n)
		for _, kern := range availableKernels(t) {
			t.Run(fmt.Sprintf("%s/%dx%dx%d", kern.name, sh.m, sh.k, sh.n), func(t *testing.T) {
				got := runKernel(t, kern, a, b, sh.m, sh.k, sh.n)
				if i := firstDiff(got, want); i >= 0 {
					t.Fatalf("c[%d,%d] = %d, want %d", i/sh.n, i%sh.n, got[i], want[i])
				}
			})
		}
	}
}

func firstDiff(a, b []int32) int {
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return -1
}

// FuzzKernels compares every available kernel with the reference on
// fuzzer-chosen shapes and contents.
func FuzzKernels(f *testing.F) {
	f.Add(uint8(5), uint8(9), uint8(17), uint64(1))
	f.Add(uint8(1), uint8(1), uint8(1), uint64(2))
	f.Add(uint8(33), uint8(70), uint8(65), uint64(3))
	f.Fuzz(func(t *testing.T, m, k, n uint8, seed uint64) {
		mm, kk, nn := int(m)%70+1, int(k)%200+1, int(n)%70+1
		r := rand.New(rand.NewPCG(seed, seed^0x9E3779B97F4A7C15))
		a, b := randAB(r, mm, kk, nn)
		for _, kern := range availableKernels(t) {
			checkKernel(t, kern, a, b, mm, kk, nn)
		}
	})
}

// TestKernelMixedMagnitudes multiplies activations whose k-blocks alternate
// between small values, pairs exactly at |a[k]|+|a[k+1]| = 128 (the largest
// the avx2 kernel's fast path accepts: 255·128 fits an int16), pairs just
// past it, blocks whose pair slots sum to exactly 128 and to 132 over 16 k
// (the bound of its int16 accumulation), and full-range values, against weights at the int8 extremes
// (biased, 127 → 255 and −128 → 0), on K that leave a partial last block;
// every kernel must match the reference exactly.
func TestKernelMixedMagnitudes(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	pair := func(p int) (int8, int8) {
		switch p % 7 {
		case 0:
			return int8(r.IntN(129) - 64), int8(r.IntN(129) - 64) // |·| ≤ 64 each
		case 1:
			v := 1 + r.IntN(127) // both in [1, 127]: activations are never −128
			s := int8(1 - 2*r.IntN(2))
			return s * int8(v), s * int8(128-v) // exactly 128, same sign
		case 2:
			return 127, 2 // 129: past the bound
		case 3:
			return int8(r.IntN(255) - 127), int8(r.IntN(255) - 127)
		case 5:
			return 32, 0 // a slot's 4 pairs sum to 128 over 16 k: int16 sums allowed
		case 6:
			return 33, 0 // 132: past that bound
		default:
			return 0, 0
		}
	}
	for _, kern := range availableKernels(t) {
		for _, k := range []int{4, 16, 20, 36, 100, 384} {
			const m, n = 11, 35
			a := make([]int8, m*k)
			for i := 0; i < m; i++ {
				for p := 0; p+1 < k; p += 2 {
					// The pattern changes every 16 k (one avx2 block) and
					// differs between rows.
					a[i*k+p], a[i*k+p+1] = pair(p/16 + i)
				}
			}
			b := make([]int8, k*n)
			for i := range b {
				b[i] = [3]int8{127, -128, int8(r.IntN(256) - 128)}[r.IntN(3)]
			}
			checkKernel(t, kern, a, b, m, k, n)
		}
	}
}

// TestKernelMixedGroups changes the activations' magnitude every k-group
// of 4 (within ±8, within ±64, full range, or one pair of 129 among
// zeros), so that the
// avx2 kernel's blocks of 16 k mix exact and fast groups, on K that leave
// partial blocks; every kernel must match the reference exactly, and the
// avx2 tiles must include such mixed blocks.
func TestKernelMixedGroups(t *testing.T) {
	r := rand.New(rand.NewPCG(43, 44))
	for _, k := range []int{16, 20, 48, 100, 384} {
		const m, n = 13, 33
		a := make([]int8, m*k)
		for i := 0; i < m; i++ {
			for g := 0; g < k; g += 4 {
				cls := r.IntN(5)
				for p := g; p < min(g+4, k); p++ {
					switch cls {
					case 0, 1:
						a[i*k+p] = int8(r.IntN(17) - 8)
					case 2:
						a[i*k+p] = int8(r.IntN(129) - 64)
					case 3:
						a[i*k+p] = int8(r.IntN(255) - 127)
					}
				}
				if cls == 4 && g+1 < k {
					a[i*k+g], a[i*k+g+1] = -127, -2 // 129
				}
			}
		}
		b := make([]int8, k*n)
		for i := range b {
			b[i] = [3]int8{127, -128, int8(r.IntN(256) - 128)}[r.IntN(3)]
		}
		for _, kern := range availableKernels(t) {
			checkKernel(t, kern, a, b, m, k, n)
			if kern.name != KernelAVX2 {
				continue
			}
			kp := kern.kpFor(k)
			mixed := 0
			for t0 := 0; t0+kern.mr <= m; t0 += kern.mr {
				tile := make([]byte, kern.mr*kp)
				for i := 0; i < kern.mr; i++ {
					for p := 0; p < k; p++ {
						tile[kern.aIndex(i, p, kp)] = byte(a[(t0+i)*k+p])
					}
				}
				info := make([]int32, kern.infoLen(kp))
				kern.tileInfo(tile, kp, info)
				for _, f := range info[:kp/16] {
					if f >= 16 {
						mixed++
					}
				}
			}
			if mixed == 0 {
				t.Errorf("k=%d: no mixed avx2 block", k)
			}
		}
	}
}
