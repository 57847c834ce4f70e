// Package weights finds, checks and packages models: it loads model
// directories as users download them from the Hugging Face hub, writes and
// verifies Obscura bundles, keeps a registry over a models directory, and
// pulls model files from the hub.
//
// Layouts. Load accepts both, and returns one *Model:
//   - a Hugging Face directory: config.json, tokenizer.json and/or
//     vocab.txt, special_tokens_map.json, tokenizer_config.json, and
//     onnx/model.onnx or model.onnx (external-data side files beside it);
//   - an Obscura bundle (product plan §3.3): model.onnx, tokenizer.json,
//     special_tokens_map.json, schema.json, label_map.json, checksum.sha256
//     (sha256sum format; model.onnx and any external-data file),
//     metadata.json and manifest.json, plus config.json (the architecture)
//     and, when the source had them, tokenizer_config.json and vocab.txt.
//     A directory holding any of manifest.json, schema.json or
//     checksum.sha256 is a bundle and must hold all of them.
//
// Invariants:
//   - A bundle whose files do not match checksum.sha256 is never loaded:
//     the error (*ChecksumError) names the file and both digests. The
//     checksum is verified before the graph is parsed.
//   - A tokenizer that does not fit the model is refused
//     (*TokenizerMismatchError): its vocabulary size must equal the rows of
//     the word-embedding table (the 2-D initializer read by the first
//     Gather on input_ids; config.json's vocab_size when there is no
//     graph), every special token must be in the vocabulary, and every
//     source stating lowercasing (tokenizer.json's normalizer,
//     tokenizer_config.json, config.json) must agree. vocab.txt and
//     tokenizer.json, when both exist, must agree id for id.
//   - A directory without a graph loads for its tokenizer and config;
//     RequireONNX reports the missing file where a graph is needed.
//   - Bundles are written into a temporary sibling directory and renamed
//     into place, then loaded back; UpdateMeasured replaces manifest.json
//     and metadata.json atomically and never touches the checksummed files.
//     Measured figures (F1, latency p50/p95) are null until measured.
//   - Registry selection (fastest by latency p95, most-accurate by F1)
//     ranks measured entries before unmeasured ones; among unmeasured it
//     presumes INT8 fastest and FP32 most accurate, then prefers bundles,
//     then id order. Only entries with a graph are selectable.
//   - Int8Variant picks what --int8 loads: the model itself when it is an
//     INT8 bundle, else its INT8 bundle (DIR-int8 beside it, or the
//     entry with its INT8 model_id in the same models directory) when its
//     labels are the model's, else the model itself, quantized at load.
//   - Pull writes each file as NAME.part and renames it only after its
//     size and hash (LFS sha256, or git blob sha1 for regular files) match
//     what the hub states; a partial file resumes with an HTTP Range
//     request. It reads no environment: the CLI passes HF_ENDPOINT and
//     HF_TOKEN in PullOptions.
//   - Errors name files and models, never input text.
//
// Concurrency: a *Model is read-only after Load and safe to share; Load,
// WriteBundle, OpenRegistry and Pull keep no global state and may run
// concurrently on different directories.
//
// weights imports only weights/onnx within the module.
package weights
