// Package weights loads model directories as users download them from the
// Hugging Face hub, writes and verifies Obscura bundles (model.onnx plus
// tokenizer, schema, label map, checksum, metadata and manifest), keeps a
// registry over a models directory, and pulls model files from the hub.
//
// Invariants: a bundle whose model.onnx does not match checksum.sha256 is
// never loaded; a tokenizer that does not fit the model is refused.
package weights
