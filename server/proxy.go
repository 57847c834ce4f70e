package server

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/obscura-ai/obscura/proxy"
	"github.com/obscura-ai/obscura/redact"
)

// ProxyTokenHeader carries the server's bearer token on the proxy routes
// when the server has one: there, Authorization belongs to the upstream
// LLM and is passed through.
const ProxyTokenHeader = "X-Obscura-Token"

// The LLM proxy (Config.Proxy) is mounted on the server, so it shares the
// model, the inference queue, the concurrency limit, the request ids and
// the access log. Its routes exist only when it is configured.

// newProxy builds the proxy of Config.Proxy on the server's engine.
func (s *Server) newProxy(pc proxy.Config) error {
	pc.Engine = func() proxy.Redactor {
		m := s.model.Load()
		if m == nil || !s.ready.Load() {
			return nil
		}
		return queuedRedactor{s: s, r: m.Redactor}
	}
	if pc.Logger == nil {
		pc.Logger = s.log
	}
	p, err := proxy.New(pc)
	if err != nil {
		return err
	}
	s.proxy = p
	return nil
}

// queuedRedactor runs each Redact call through the server's inference
// queue, like /v1/redact does.
type queuedRedactor struct {
	s *Server
	r Redactor
}

func (q queuedRedactor) Redact(ctx context.Context, text string, opts redact.Options) (*redact.Result, error) {
	res, err := q.s.redactOne(ctx, q.r, text, opts)
	if err == nil {
		q.s.metrics.observeRedact(res)
	}
	return res, err
}

// RedactConversation runs a request's messages through the inference
// queue as one conversation (one slot, as one /v1/redact call): the
// engine's RedactConversation when it has one, else message by message
// with the mapping carried forward.
func (q queuedRedactor) RedactConversation(ctx context.Context, msgs []string, opts redact.Options) ([]*redact.Result, error) {
	release, err := q.s.acquireInfer(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	var res []*redact.Result
	if cr, ok := q.r.(proxy.ConversationRedactor); ok {
		if res, err = cr.RedactConversation(ctx, msgs, opts); err != nil {
			return nil, err
		}
	} else {
		for _, m := range msgs {
			r, err := q.r.Redact(ctx, m, opts)
			if err != nil {
				return nil, err
			}
			opts.Mapping = r.Mapping
			res = append(res, r)
		}
	}
	for _, r := range res {
		q.s.metrics.observeRedact(r)
	}
	return res, nil
}

// proxyRoutes are the paths to mount: none without a proxy.
func (s *Server) proxyRoutes() []string {
	if s.proxy == nil {
		return nil
	}
	return proxy.Routes
}

// proxyAuth requires the server's token in ProxyTokenHeader, when there
// is one, and removes the header so that it never reaches the upstream.
func (s *Server) proxyAuth(next echo.HandlerFunc) echo.HandlerFunc {
	if s.cfg.AuthToken == "" {
		return next
	}
	want := []byte(s.cfg.AuthToken)
	return func(c echo.Context) error {
		h := c.Request().Header
		tok := strings.TrimSpace(strings.TrimPrefix(h.Get(ProxyTokenHeader), "Bearer "))
		h.Del(ProxyTokenHeader)
		if subtle.ConstantTimeCompare([]byte(tok), want) != 1 {
			return &Error{Status: http.StatusUnauthorized, Code: CodeUnauthorized, Message: "missing or wrong " + ProxyTokenHeader}
		}
		return next(c)
	}
}
