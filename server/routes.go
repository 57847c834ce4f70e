package server

import (
	_ "embed"
	"net/http"

	"github.com/labstack/echo/v4"
)

// registerRoutes declares every route of the service; no other file adds
// one. Middleware order, outermost first: observe (request id, panic
// recovery, metrics, access log) for every request including 404s; then
// for the API: bearer auth, the concurrency limit, the body limit.
func (s *Server) registerRoutes() {
	e := s.e
	e.Use(s.observe)

	api := []echo.MiddlewareFunc{s.auth, s.limit, bodyLimit(s.cfg.MaxBodyBytes)}
	stream := []echo.MiddlewareFunc{s.auth, s.limit, bodyLimit(s.cfg.MaxStreamBytes)}

	e.POST("/v1/redact", s.handleRedact, api...)
	e.POST("/v1/restore", s.handleRestore, api...)
	e.POST("/v1/restore/stream", s.handleRestoreStream, stream...)
	e.GET("/v1/model", s.handleModel, s.auth)
	e.GET("/metrics", s.handleMetrics, s.auth)
	e.GET("/healthz", s.handleHealthz)
	e.GET("/readyz", s.handleReadyz)
	e.GET("/openapi.json", s.handleOpenAPI)

	// Presidio-compatible routes (presidio.go).
	e.POST("/analyze", s.handleAnalyze, api...)
	e.POST("/anonymize", s.handleAnonymize, api...)
	e.GET("/supportedentities", s.handleSupportedEntities, s.auth)
	e.GET("/health", s.handleHealth)

	// The LLM proxy (proxy.go), when configured: Authorization belongs to
	// the upstream, so the server's token travels in X-Obscura-Token.
	for _, p := range s.proxyRoutes() {
		e.POST(p, echo.WrapHandler(s.proxy), s.proxyAuth, s.limit)
	}
}

// openAPISpec is the OpenAPI 3 description of the routes above; a test
// checks that its paths and methods are exactly the registered routes.
//
//go:embed openapi.json
var openAPISpec []byte

func (s *Server) handleOpenAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/json", openAPISpec)
}
