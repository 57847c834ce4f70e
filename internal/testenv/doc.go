// Package testenv locates the project's shared test material (../shared
// beside the module root: models, test graphs, data sets) for tests and
// benchmarks, and holds their small shared helpers: process CPU time and
// peak RSS for benchmark metrics, and a log buffer safe for concurrent
// writers. It is imported only from _test.go files.
package testenv
