// Package bert runs BERT-family token classifiers (BERT, DistilBERT, RoBERTa)
// imported from ONNX: a general graph executor that is the correctness
// reference, and a fused encoder plan recognised from the graph's structure.
//
// Invariants: an unsupported op or unrecognised structure is an error naming
// the node and op type, never a silent wrong answer; a Model is safe for
// concurrent use, each call drawing its scratch buffers from a pool.
package bert
