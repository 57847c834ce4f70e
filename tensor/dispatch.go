package tensor

import (
	"fmt"
	"sync"

	"github.com/obscura-ai/obscura/internal/cpu"
)

// Kernel is one fp32 GEMM implementation: a register-blocked micro-kernel
// that computes an MR×NR tile of C from a packed MR-row panel of A and a
// packed NR-column panel of B, plus the packing and blocking parameters the
// driver uses around it. Kernel values are immutable and safe for
// concurrent use; the package-level GEMM functions use Default(), and the
// methods of a specific Kernel are the override for tests and benchmarks.
type Kernel struct {
	name string
	mr   int // rows of C per micro-kernel call
	nr   int // columns of C per micro-kernel call (= width of a B panel)
	kc   int // depth of one K block (B micro-panel kc×nr stays in L1)
	mc   int // rows of one tile (A block mc×kc stays in L2), a multiple of mr

	// micro computes, for the mr×nr tile at c (row stride ldc elements):
	//
	//	acc[r][j] = Σ_{p<k} a[p*mr+r] · b[p*nr+j]
	//	if bias != nil { acc[r][j] += bias[j] }
	//	if accum != 0  { acc[r][j] += c[r*ldc+j] }
	//	c[r*ldc+j] = acc[r][j]
	//
	// a and b are packed panels (see packABlocks, packBPanels); k ≥ 1.
	micro func(a, b, c *float32, k, ldc int, bias *float32, accum int)

	// microHalf, when not nil, is micro restricted to rows 0 … mr/2−1 (a
	// still advances mr floats per step): the driver runs it on edge blocks
	// with at most mr/2 rows.
	microHalf func(a, b, c *float32, k, ldc int, bias *float32, accum int)

	// microRowA, when not nil, is micro without bias reading A in place:
	// row r of the tile at a[r*lda : r*lda+k], row-major, instead of a
	// packed panel. Attention uses it to multiply the probabilities by V
	// without packing them; the results equal micro's on the packed rows.
	microRowA func(a, b, c *float32, k, ldc, lda, accum int)
}

// Name is the kernel's stable name, as printed by `obscura version`.
func (kn *Kernel) Name() string { return kn.name }

// Tile returns the micro-kernel's register tile: MR rows by NR columns.
func (kn *Kernel) Tile() (mr, nr int) { return kn.mr, kn.nr }

func (kn *Kernel) String() string { return kn.name }

// maxMR and maxNR bound every kernel's register tile; the driver keeps
// MR×NR scratch tiles for the edges of C.
const (
	maxMR = 16
	maxNR = 32
)

// SelectKernel is the one dispatch point: a pure function from the CPU
// features to the fp32 GEMM kernel used at run time (the best that the
// features and the build allow). Build with -tags purego to get the
// portable Go kernel everywhere.
func SelectKernel(f cpu.Features) *Kernel { return archKernels(f)[0] }

// KernelFor names the fp32 GEMM kernel that SelectKernel chooses for the
// given features ("avx512", "avx2", "neon" or "generic").
func KernelFor(f cpu.Features) string { return SelectKernel(f).name }

// KernelsFor lists every kernel usable with the given features and this
// build, best first; the last one is always the portable Go kernel.
func KernelsFor(f cpu.Features) []*Kernel { return archKernels(f) }

var detected = sync.OnceValue(cpu.Detect)

// Default is the kernel SelectKernel picks for the processor the program
// runs on. It is computed once, on first use.
func Default() *Kernel { return defaultKernel() }

var defaultKernel = sync.OnceValue(func() *Kernel { return SelectKernel(detected()) })

// Kernels lists every kernel that can run on this machine, best first
// (tests run each of them against the reference).
func Kernels() []*Kernel { return archKernels(detected()) }

// KernelByName returns the kernel with the given name if it can run on this
// machine: the override for tests, benchmarks and field diagnosis.
func KernelByName(name string) (*Kernel, error) {
	for _, kn := range Kernels() {
		if kn.name == name {
			return kn, nil
		}
	}
	return nil, fmt.Errorf("tensor: fp32 kernel %q is not available on this machine", name)
}
