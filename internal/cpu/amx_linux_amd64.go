package cpu

import (
	"sync"
	"syscall"
)

// Linux's arch_prctl codes for the dynamically enabled XSAVE features
// (arch/x86/include/uapi/asm/prctl.h) and the tile-data feature number.
const (
	archReqXCompPerm = 0x1023 // ARCH_REQ_XCOMP_PERM
	xfeatureTileData = 18     // XFEATURE_XTILEDATA
)

var amxOnce = sync.OnceValue(func() bool {
	_, _, errno := syscall.RawSyscall(syscall.SYS_ARCH_PRCTL, archReqXCompPerm, xfeatureTileData, 0)
	return errno == 0
})

// amxPermitted asks the kernel, once per process, for permission to use
// the AMX tile data registers (Linux 5.16 and later keep them off until a
// process asks: the first tile instruction without it is a SIGILL). It
// reports whether the permission holds.
func amxPermitted() bool { return amxOnce() }
