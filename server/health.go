package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// StatusResponse is the body of /healthz and /readyz.
type StatusResponse struct {
	Status string `json:"status"`
}

// handleHealthz answers 200 while the process serves HTTP at all.
func (s *Server) handleHealthz(c echo.Context) error {
	return c.JSON(http.StatusOK, StatusResponse{Status: "ok"})
}

// handleReadyz answers 200 once the model is loaded and warmed up, and 503
// before that and while shutting down.
func (s *Server) handleReadyz(c echo.Context) error {
	switch {
	case s.draining.Load():
		return c.JSON(http.StatusServiceUnavailable, StatusResponse{Status: "shutting down"})
	case !s.ready.Load():
		c.Response().Header().Set("Retry-After", "5")
		return c.JSON(http.StatusServiceUnavailable, StatusResponse{Status: "loading"})
	}
	return c.JSON(http.StatusOK, StatusResponse{Status: "ready"})
}
