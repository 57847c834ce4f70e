// Package cpu is the single place where Obscura reads the processor's
// features. Kernel packages (tensor, quant) receive a Features value and pick
// an implementation with a pure function of it; nothing else in the module
// queries cpuid.
//
// Invariants: Detect has one side effect beyond reading the CPU identity:
// on Linux/amd64 with AMX it asks the kernel, once per process, for the
// tile-data permission that the AMX kernels need (the permission is
// process-wide and harmless to hold). A Features value is immutable and
// safe for concurrent use.
package cpu
