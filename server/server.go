package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/obscura-ai/obscura/proxy"
	"github.com/obscura-ai/obscura/redact"
)

// Redactor is what the server needs from a loaded redaction engine
// (*redact.Engine satisfies it). It must be safe for concurrent use and
// return errors that carry no input text.
type Redactor interface {
	Redact(ctx context.Context, text string, opts redact.Options) (*redact.Result, error)
}

// Restorer puts original values back into masked text.
type Restorer interface {
	// Restore replaces every token of m in text by its value and lists the
	// token-shaped strings it could not resolve.
	Restore(text string, m redact.Mapping) (restored string, unresolved []string)
	// NewStream returns a restorer for text that arrives in pieces.
	NewStream(m redact.Mapping) StreamRestorer
}

// StreamRestorer restores a text that arrives in chunks; a token split
// across chunks is held back until it is complete (redact.StreamRestorer
// has this shape).
type StreamRestorer interface {
	Write(chunk string) string
	Flush() string
	Unresolved() []string
}

// Model is a loaded, ready-to-warm model: the engine plus what /v1/model
// reports about it.
type Model struct {
	Redactor Redactor
	Info     ModelInfo
}

// LoadFunc loads the model once (reading and verifying the bundle).
type LoadFunc func(ctx context.Context) (*Model, error)

// Defaults for the zero fields of Config.
const (
	DefaultMaxBodyBytes      = 1 << 20
	DefaultMaxStreamBytes    = 64 << 20
	DefaultMaxConcurrency    = 64
	DefaultMaxBatch          = 64
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 15 * time.Second
	DefaultWriteTimeout      = 60 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultRequestTimeout    = 30 * time.Second
	DefaultStreamIdleTimeout = 60 * time.Second
	DefaultShutdownTimeout   = 30 * time.Second
)

// warmupText is the fixed synthetic input of the warm-up inference. It
// contains no real person's data.
const warmupText = "Warm-up: Alice Example met Bob Sample in Springfield; write to alice@example.com."

// Config configures a Server. Zero durations and limits take the Default*
// values.
type Config struct {
	Restorer Restorer     // nil means RedactRestorer
	Logger   *slog.Logger // nil discards logs

	MaxBodyBytes   int64 // per JSON request; larger bodies get 413
	MaxStreamBytes int64 // per /v1/restore/stream body
	MaxConcurrency int   // requests in flight on /v1/*; beyond it, 503
	MaxBatch       int   // texts per batch request
	// MaxInference bounds the Redact calls that run at once (default
	// GOMAXPROCS); admitted requests beyond it wait their turn in arrival
	// order, so that tail latency stays near queue length × service time
	// instead of every request slowing down together.
	MaxInference int

	// AuthToken, when set, is required as "Authorization: Bearer <token>"
	// on /v1/* and /metrics.
	AuthToken string

	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration // whole request, body included (JSON routes)
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration // keep-alive
	RequestTimeout    time.Duration // per redact request, handler side
	StreamIdleTimeout time.Duration // max wait for the next chunk of a stream, either way
	ShutdownTimeout   time.Duration // grace period for requests in flight

	// TLS, when both are set, makes Serve speak HTTPS.
	TLSCertFile, TLSKeyFile string

	// Proxy, when set, mounts the LLM proxy (POST /v1/chat/completions and
	// /v1/completions) on the served model; its Engine is the server's.
	Proxy *proxy.Config
}

func (c *Config) setDefaults() {
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxStreamBytes <= 0 {
		c.MaxStreamBytes = DefaultMaxStreamBytes
	}
	if c.MaxConcurrency <= 0 {
		c.MaxConcurrency = DefaultMaxConcurrency
	}
	if c.MaxInference <= 0 {
		c.MaxInference = runtime.GOMAXPROCS(0)
	}
	if c.MaxBatch <= 0 {
		c.MaxBatch = DefaultMaxBatch
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	def(&c.ReadTimeout, DefaultReadTimeout)
	def(&c.WriteTimeout, DefaultWriteTimeout)
	def(&c.IdleTimeout, DefaultIdleTimeout)
	def(&c.RequestTimeout, DefaultRequestTimeout)
	def(&c.StreamIdleTimeout, DefaultStreamIdleTimeout)
	def(&c.ShutdownTimeout, DefaultShutdownTimeout)
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
}

// Server is the HTTP service. Create it with New; it is safe for
// concurrent use.
type Server struct {
	cfg     Config
	log     *slog.Logger
	e       *echo.Echo
	sem     chan struct{} // requests in flight on /v1/*
	infer   chan struct{} // Redact calls running
	metrics *metrics
	routes  map[string]bool // registered path templates
	proxy   *proxy.Proxy    // nil unless Config.Proxy

	model    atomic.Pointer[Model]
	ready    atomic.Bool
	draining atomic.Bool
}

// New builds a Server and registers its routes. It loads nothing: call
// Load (or Install) to make /v1/redact available.
func New(cfg Config) (*Server, error) {
	if cfg.Restorer == nil {
		cfg.Restorer = RedactRestorer{}
	}
	if (cfg.TLSCertFile == "") != (cfg.TLSKeyFile == "") {
		return nil, errors.New("server: TLS needs both a certificate and a key file")
	}
	cfg.setDefaults()
	s := &Server{
		cfg:     cfg,
		log:     cfg.Logger,
		sem:     make(chan struct{}, cfg.MaxConcurrency),
		infer:   make(chan struct{}, cfg.MaxInference),
		metrics: newMetrics(),
		routes:  map[string]bool{},
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.Logger.SetOutput(io.Discard) // every log line goes through slog
	e.HTTPErrorHandler = s.handleError
	s.e = e
	if cfg.Proxy != nil {
		if err := s.newProxy(*cfg.Proxy); err != nil {
			return nil, err
		}
	}
	s.registerRoutes()
	for _, r := range e.Routes() {
		s.routes[r.Path] = true
	}
	return s, nil
}

// Handler is the server's http.Handler (for httptest and for embedding).
func (s *Server) Handler() http.Handler { return s.e }

// Routes lists the registered routes as "METHOD PATH".
func (s *Server) Routes() []string {
	var out []string
	for _, r := range s.e.Routes() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// Install makes m the served model without a warm-up and marks the server
// ready. Load is the normal path; Install is for tests and embedding.
func (s *Server) Install(m *Model) {
	s.model.Store(m)
	s.ready.Store(true)
	s.metrics.setReady(true)
}

// Ready reports whether the model is loaded and warmed up.
func (s *Server) Ready() bool { return s.ready.Load() && !s.draining.Load() }

// Load loads the model with load, runs one warm-up inference in full mode,
// then marks the server ready. It logs the load and warm-up times.
func (s *Server) Load(ctx context.Context, load LoadFunc) error {
	t0 := time.Now()
	m, err := load(ctx)
	if err != nil {
		return fmt.Errorf("load model: %w", err)
	}
	if m == nil || m.Redactor == nil {
		return errors.New("load model: loader returned no redactor")
	}
	loadDur := time.Since(t0)
	t1 := time.Now()
	if _, err := m.Redactor.Redact(ctx, warmupText, redact.Options{Mode: redact.ModeFull}); err != nil {
		return fmt.Errorf("warm-up inference: %w", err)
	}
	warmDur := time.Since(t1)
	m.Info.LoadMS = ms(loadDur)
	m.Info.WarmupMS = ms(warmDur)
	s.log.Info("model ready", "model", m.Info.ID, "load_ms", ms(loadDur), "warmup_ms", ms(warmDur))
	s.Install(m)
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Serve serves on ln until ctx is cancelled, then shuts down gracefully:
// /readyz turns 503 at once, new connections are refused, and requests in
// flight get Config.ShutdownTimeout to finish. It returns nil after a clean
// shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.e,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	tlsOn := s.cfg.TLSCertFile != ""
	if tlsOn {
		hs.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	errc := make(chan error, 1)
	go func() {
		var err error
		if tlsOn {
			err = hs.ServeTLS(ln, s.cfg.TLSCertFile, s.cfg.TLSKeyFile)
		} else {
			err = hs.Serve(ln)
		}
		errc <- err
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.draining.Store(true)
	s.metrics.setReady(false)
	s.log.Info("shutting down", "grace_s", s.cfg.ShutdownTimeout.Seconds(), "in_flight", len(s.sem))
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", serr)
	}
	if err != nil {
		_ = hs.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	s.log.Info("stopped")
	return nil
}

// gomaxprocs is reported by /v1/model.
func gomaxprocs() int { return runtime.GOMAXPROCS(0) }
