// Package obscura keeps personal and health data out of LLM prompts. The
// root package holds no code; it carries the module-wide tests: bench_test.go
// (latency gates, `go test -bench`) and deps_test.go (the allowed import
// graph). See README.md for the architecture.
package obscura
