package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/obscura-ai/obscura/redact"
)

// RestoreRequest is the body of POST /v1/restore.
type RestoreRequest struct {
	Text    *string        `json:"text"`
	Mapping redact.Mapping `json:"mapping"`
}

// RestoreResponse carries the restored text and the token-shaped strings
// that the mapping could not resolve (never nil).
type RestoreResponse struct {
	Text       string   `json:"text"`
	Unresolved []string `json:"unresolved"`
}

func (s *Server) handleRestore(c echo.Context) error {
	var req RestoreRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Text == nil {
		return badRequest(CodeMissingText, "the request needs text")
	}
	if *req.Text == "" {
		return badRequest(CodeEmptyText, "text is empty")
	}
	if req.Mapping == nil {
		return badRequest(CodeBadMapping, "the request needs a mapping")
	}
	text, unresolved := s.cfg.Restorer.Restore(*req.Text, req.Mapping)
	if unresolved == nil {
		unresolved = []string{}
	}
	return c.JSON(http.StatusOK, RestoreResponse{Text: text, Unresolved: unresolved})
}
