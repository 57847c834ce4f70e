//go:build purego || !(amd64 || arm64)

package quant

// archKernels is empty without assembly: only the generic kernel exists.
var archKernels []*kernel
