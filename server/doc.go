// Package server is Obscura's HTTP API on Echo: redact, restore (also
// streaming), model info, health, readiness, Prometheus metrics and the
// OpenAPI document.
//
// Routes (all declared in routes.go):
//
//	POST /v1/redact          {"text"} or {"texts": [...]} plus options → masked text, mapping, entities, model, timings_ms
//	POST /v1/restore         {"text", "mapping"} → {"text", "unresolved"}
//	POST /v1/restore/stream  text/plain or text/event-stream body, mapping in X-Obscura-Mapping (base64 JSON); see stream.go
//	GET  /v1/model           model id, manifest, labels, quantization, ε, chosen kernels, CPU features
//	GET  /healthz            200 while the process serves
//	GET  /readyz             200 once the model is loaded and warmed up; 503 before and while draining
//	GET  /metrics            Prometheus text format, written by hand
//	GET  /openapi.json       OpenAPI 3 (openapi.json, embedded; a test checks it against the routes)
//	POST /analyze, POST /anonymize, GET /supportedentities, GET /health
//	                         Presidio-compatible (presidio.go): Presidio's fields, entity names, code-point offsets
//	POST /v1/chat/completions, POST /v1/completions
//	                         the LLM proxy (package proxy), only when Config.Proxy is set (proxy.go)
//
// The server depends on a Redactor (a *redact.Engine in production) and a
// Restorer (RedactRestorer by default), so handlers can be tested with a
// test double. Load runs the loader once, one warm-up inference, and only
// then marks the server ready; Serve runs until its context is cancelled
// and then shuts down gracefully.
//
// Invariants:
//   - Every route is declared in routes.go; request and response types sit
//     beside their handler.
//   - Errors are *Error values (or redact.InputError); toError in errors.go
//     is the one place that maps errors to HTTP status and to the JSON body
//     {"error": {"code", "message"}}. Anything else is a 500 whose text is
//     logged (it never carries input by the module's rules) and never sent.
//   - Logs and metrics carry request ids, route templates (never the URL),
//     statuses, sizes, durations, stage timings and entity types: never
//     request text, entity values or mapping values. The tests capture
//     every log line and check this.
//   - JSON bodies are limited (default 1 MiB → 413), must be
//     application/json, valid UTF-8, a single value with no unknown fields.
//   - At most Config.MaxConcurrency requests are in flight on /v1/* (more
//     get 503 with Retry-After); at most Config.MaxInference Redact calls
//     run at once, the rest wait in arrival order within RequestTimeout.
//   - Server timeouts are explicit (read header, read, write, idle); a
//     stream instead gets a per-chunk idle deadline, so long answers flow.
//   - A Server is safe for concurrent use; a Model is never mutated after
//     Install.
package server
