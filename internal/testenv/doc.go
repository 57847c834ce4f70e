// Package testenv locates the project's shared test material (../shared
// beside the module root: models, test graphs, data sets) for tests and
// benchmarks. It is imported only from _test.go files.
package testenv
