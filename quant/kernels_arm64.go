//go:build !purego

package quant

// archKernels are the arm64 kernels, best first (assembly lands next).
var archKernels []*kernel
