// Package cpu is the single place where Obscura reads the processor's
// features. Kernel packages (tensor, quant) receive a Features value and pick
// an implementation with a pure function of it; nothing else in the module
// queries cpuid.
//
// Invariants: Detect has no side effects beyond reading the CPU identity; a
// Features value is immutable and safe for concurrent use.
package cpu
