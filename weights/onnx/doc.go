// Package onnx reads ONNX model files into their protobuf form and resolves
// initializers, including those stored as external data beside the model.
//
// Invariants: a loaded Model is read-only after Load returns and is safe for
// concurrent reads. Tensor data is returned in little-endian host order as
// ONNX stores it; no graph rewriting happens here.
package onnx
