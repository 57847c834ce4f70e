package tensor

import (
	"os"
	"runtime"
	"testing"

	"github.com/obscura-ai/obscura/internal/cpu"
)

// TestDispatchSelection checks the pure selection function on synthetic
// feature sets, for the architecture and build of this test binary.
func TestDispatchSelection(t *testing.T) {
	type tc struct {
		f    cpu.Features
		want string
	}
	var cases []tc
	switch {
	case !haveAsm:
		cases = []tc{
			{cpu.Features{Arch: runtime.GOARCH}, "generic"},
			{cpu.Features{Arch: runtime.GOARCH, AVX2: true, FMA: true, AVX512F: true, ASIMD: true}, "generic"},
		}
	case runtime.GOARCH == "amd64":
		cases = []tc{
			{cpu.Features{Arch: "amd64"}, "generic"},
			{cpu.Features{Arch: "amd64", AVX2: true}, "generic"}, // no FMA
			{cpu.Features{Arch: "amd64", AVX2: true, FMA: true}, "avx2"},
			{cpu.Features{Arch: "amd64", AVX2: true, FMA: true, AVX512F: true, AVX512BW: true}, "avx512"},
			{cpu.Features{Arch: "amd64", AVX512F: true}, "generic"}, // masked AVX2/FMA
		}
	case runtime.GOARCH == "arm64":
		cases = []tc{
			{cpu.Features{Arch: "arm64"}, "generic"},
			{cpu.Features{Arch: "arm64", ASIMD: true}, "neon"},
			{cpu.Features{Arch: "arm64", ASIMD: true, DotProd: true, I8MM: true}, "neon"},
		}
	}
	for _, c := range cases {
		if got := KernelFor(c.f); got != c.want {
			t.Errorf("KernelFor(%v) = %q, want %q", c.f.List(), got, c.want)
		}
		if got := SelectKernel(c.f).Name(); got != c.want {
			t.Errorf("SelectKernel(%v) = %q, want %q", c.f.List(), got, c.want)
		}
		ks := KernelsFor(c.f)
		if ks[0].Name() != c.want || ks[len(ks)-1] != genericKernel {
			t.Errorf("KernelsFor(%v) = %v: want %s first and generic last", c.f.List(), ks, c.want)
		}
	}
}

// TestDispatchThisMachine: the default is the best available kernel, every
// listed kernel can be fetched by name, and an unknown name is an error.
// Under qemu (OBSCURA_QEMU_CPU set by CI) every arm64 model must get NEON.
func TestDispatchThisMachine(t *testing.T) {
	ks := Kernels()
	if Default() != ks[0] || KernelFor(cpu.Detect()) != Default().Name() {
		t.Fatalf("Default() = %v, Kernels() = %v", Default(), ks)
	}
	for _, kn := range ks {
		got, err := KernelByName(kn.Name())
		if err != nil || got != kn {
			t.Fatalf("KernelByName(%q) = %v, %v", kn.Name(), got, err)
		}
		if mr, nr := kn.Tile(); mr > maxMR || nr > maxNR || kn.mc%mr != 0 {
			t.Fatalf("%s: tile %d×%d, mc %d outside the driver's limits", kn, mr, nr, kn.mc)
		}
	}
	if _, err := KernelByName("no-such-kernel"); err == nil {
		t.Fatal("KernelByName accepted an unknown name")
	}
	t.Logf("features %v: fp32 kernel %s, available %v", cpu.Detect().List(), Default(), ks)
	if model := os.Getenv("OBSCURA_QEMU_CPU"); model != "" {
		if runtime.GOARCH != "arm64" {
			t.Fatalf("OBSCURA_QEMU_CPU=%s set on %s", model, runtime.GOARCH)
		}
		if want := "neon"; haveAsm && Default().Name() != want {
			t.Fatalf("qemu -cpu %s: fp32 kernel %s, want %s", model, Default(), want)
		}
	}
}
