package testenv

import "github.com/obscura-ai/obscura/internal/cpu"

// ORTInt8Saturates reports whether ONNX Runtime's u8×s8 integer products
// saturate in int16 pairs on this host (VPMADDUBSW): amd64 without AVX-512
// VNNI or AVX-VNNI. Where it does, ONNX Runtime's INT8 outputs are not the
// exact algebra of the file (quant's TestORTInt8SaturationWithoutVNNI).
func ORTInt8Saturates() bool {
	f := cpu.Detect()
	return f.Arch == "amd64" && !f.AVX512VNNI && !f.AVXVNNI
}
