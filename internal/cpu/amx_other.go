//go:build !(linux && amd64)

package cpu

// amxPermitted reports false: the AMX kernels are enabled on Linux only,
// where the process can ask for the tile-data permission.
func amxPermitted() bool { return false }
