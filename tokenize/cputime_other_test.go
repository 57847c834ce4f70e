//go:build !unix

package tokenize

func processCPU() int64 { return -1 }
