package cpu

import (
	"runtime"
	"strings"

	"github.com/klauspost/cpuid/v2"
)

// Features is the subset of processor capabilities that Obscura's kernels
// care about.
type Features struct {
	Arch  string // runtime.GOARCH
	Brand string // marketing name, when the CPU reports one

	// amd64
	AVX2       bool
	FMA        bool
	AVX512F    bool
	AVX512BW   bool
	AVX512VL   bool
	AVX512VNNI bool
	AVXVNNI    bool // VEX-encoded VPDPBUSD (Alder Lake, Zen 5 and later)
	// AVX512BF16: VDPBF16PS and the fp32 → bfloat16 conversions (Cooper
	// Lake, Sapphire Rapids, Zen 4 and later).
	AVX512BF16 bool
	// AMXInt8: tile registers with int8 dot products (Sapphire Rapids and
	// later), and the operating system lets this process use them (on
	// Linux, the tile-data permission that amxPermitted requests).
	AMXInt8 bool

	// arm64
	ASIMD   bool // Advanced SIMD (NEON); always present on arm64
	DotProd bool // SDOT/UDOT (ARMv8.2 dotprod)
	I8MM    bool // SMMLA/UMMLA (ARMv8.6 int8 matrix multiply)
}

// Detect reads the features of the processor the program runs on.
func Detect() Features {
	c := cpuid.CPU
	return Features{
		Arch:       runtime.GOARCH,
		Brand:      strings.TrimSpace(c.BrandName),
		AVX2:       c.Supports(cpuid.AVX2),
		FMA:        c.Supports(cpuid.FMA3),
		AVX512F:    c.Supports(cpuid.AVX512F),
		AVX512BW:   c.Supports(cpuid.AVX512BW),
		AVX512VL:   c.Supports(cpuid.AVX512VL),
		AVX512VNNI: c.Supports(cpuid.AVX512VNNI),
		AVXVNNI:    c.Supports(cpuid.AVXVNNI),
		AVX512BF16: c.Supports(cpuid.AVX512BF16),
		AMXInt8:    c.Supports(cpuid.AMXTILE) && c.Supports(cpuid.AMXINT8) && amxPermitted(),
		ASIMD:      runtime.GOARCH == "arm64" || c.Supports(cpuid.ASIMD),
		DotProd:    c.Supports(cpuid.ASIMDDP),
		I8MM:       c.Supports(cpuid.I8MM),
	}
}

// List returns the names of the features that are present, in a fixed order,
// for `obscura version` and /v1/model.
func (f Features) List() []string {
	var out []string
	add := func(ok bool, name string) {
		if ok {
			out = append(out, name)
		}
	}
	add(f.AVX2, "avx2")
	add(f.FMA, "fma")
	add(f.AVX512F, "avx512f")
	add(f.AVX512BW, "avx512bw")
	add(f.AVX512VL, "avx512vl")
	add(f.AVX512VNNI, "avx512vnni")
	add(f.AVXVNNI, "avxvnni")
	add(f.AVX512BF16, "avx512bf16")
	add(f.AMXInt8, "amx-int8")
	add(f.ASIMD && f.Arch == "arm64", "asimd")
	add(f.DotProd, "asimddp")
	add(f.I8MM, "i8mm")
	return out
}
