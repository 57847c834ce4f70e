// Package bench is the Go side of `obscura bench`: it times the redaction
// engine end to end, and times our runtime against ONNX Runtime peers
// (bench/ort/bench.js, onnxruntime-node) on the same token ids.
//
// Invariants:
//   - Every ONNX Runtime configuration is a peer of its own: one node
//     process holding one session on one model file, with ONNX Runtime's
//     default session options (idle intra-op threads spinning) unless
//     PeerOptions.NoSpin asks for the old blocked-threads configuration,
//     which is reported under its own label and never as the headline.
//   - Runners take turns (Turns): blocks of consecutive inferences on the
//     same ids, the order of the runners rotating from block to block, and
//     every turn starting with untimed settling inferences, so that no
//     runner's measurement carries the previous runner's spinning threads
//     or cold caches, and all runners see the same stretch of machine load.
//   - Only the inference is timed: bert.Model.Run here, session.run in the
//     peer (timed inside node, so pipes and JSON are not counted).
//   - Ratios are ours p50 / peer p50 (below 1: ours is faster).
//   - Reports hold model file base names, counts and timings only: no
//     input text and no machine paths.
//
// Nothing in the package is safe for concurrent use: a Peer answers one
// inference at a time, and a benchmark owns the machine while it runs.
package bench
