// Package eval measures Obscura: seqeval-equivalent entity metrics, the
// evaluation runner and its JSON reports, latency profiles and the product
// plan's go/no-go gates.
package eval
