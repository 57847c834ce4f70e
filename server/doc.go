// Package server is Obscura's HTTP API on Echo: redact, restore (also
// streaming), model info, health, readiness and Prometheus metrics.
//
// Invariants: every route is declared in routes.go; domain errors map to
// HTTP status in one place; logs and error bodies never contain request text
// or entity values.
package server
