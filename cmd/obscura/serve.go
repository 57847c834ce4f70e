package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/obscura-ai/obscura/bert"
	"github.com/obscura-ai/obscura/ner"
	"github.com/obscura-ai/obscura/redact"
	"github.com/obscura-ai/obscura/server"
	"github.com/obscura-ai/obscura/weights"
)

// serveFlags are the options of `obscura serve`.
type serveFlags struct {
	model, addr, authFile, tlsCert, tlsKey, logFormat string
	int8                                              bool
	maxBody                                           byteSize
	maxConcurrency                                    int
	epsilon                                           float64
	epsilonSet                                        bool
	shutdown                                          time.Duration
}

// cmdServe runs the HTTP service: it listens first (so /healthz answers
// and /readyz says "loading"), then loads the model once, verifies the
// bundle checksum, warms up and turns ready. It stops gracefully when ctx
// is cancelled (SIGTERM or SIGINT in main).
func cmdServe(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var f serveFlags
	f.maxBody = server.DefaultMaxBodyBytes
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.model, "model", "", "model directory: a Hugging Face directory or an Obscura bundle (default ./models if it exists, else ../shared/models/obscura-minilm-conll)")
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "listen address; loopback unless you say otherwise (port 0 picks a free port)")
	fs.BoolVar(&f.int8, "int8", false, "run the model in INT8: its INT8 bundle (DIR-int8 beside it, or its INT8 id in the models directory) when it has one, else its fp32 graph quantized at load")
	fs.Var(&f.maxBody, "max-body", "largest JSON request body, e.g. 1MiB, 512KiB or a byte count")
	fs.IntVar(&f.maxConcurrency, "max-concurrency", server.DefaultMaxConcurrency, "requests in flight on /v1/*; more get 503 with Retry-After")
	fs.StringVar(&f.authFile, "auth-token-file", "", "file holding a bearer token required on /v1/* and /metrics")
	fs.StringVar(&f.tlsCert, "tls-cert", "", "TLS certificate file (PEM); with --tls-key, serve HTTPS")
	fs.StringVar(&f.tlsKey, "tls-key", "", "TLS private key file (PEM)")
	fs.Float64Var(&f.epsilon, "epsilon", 0, "default ε of Laplace noise on the logits (0 = off); default: the bundle's metadata.json privacy.epsilon, else off")
	fs.DurationVar(&f.shutdown, "shutdown-timeout", server.DefaultShutdownTimeout, "grace period for requests in flight on SIGTERM")
	fs.StringVar(&f.logFormat, "log-format", "json", "log format on stderr: json or text")
	pf := addProxyFlags(fs) // proxy.go
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	proxyCfg, err := pf.config()
	if err != nil {
		return err
	}
	fs.Visit(func(fl *flag.Flag) { f.epsilonSet = f.epsilonSet || fl.Name == "epsilon" })
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: serve takes no arguments (got %d)", errUsage, fs.NArg())
	}
	if f.epsilon < 0 {
		return fmt.Errorf("%w: --epsilon must be >= 0", errUsage)
	}

	var handler slog.Handler
	switch f.logFormat {
	case "json":
		handler = slog.NewJSONHandler(stderr, nil)
	case "text":
		handler = slog.NewTextHandler(stderr, nil)
	default:
		return fmt.Errorf("%w: --log-format must be json or text", errUsage)
	}
	log := slog.New(handler)

	dir, err := weights.Resolve(f.model)
	if err != nil {
		return err
	}
	if f.model == "" && filepath.Clean(dir) == filepath.Clean(weights.SharedModelDir) {
		log.Warn("serving the CoNLL-only baseline (people, places, organisations, misc): the PII/PHI model obscura-minilm-pii is not built; build it into ./models with scripts/models/build-pii.sh (about an hour on 2 cores), then restart")
	}
	choice, err := modelChoice(dir, f.int8)
	if err != nil {
		return err
	}
	token, err := readToken(f.authFile)
	if err != nil {
		return err
	}
	srv, err := server.New(server.Config{
		Logger:          log,
		MaxBodyBytes:    int64(f.maxBody),
		MaxConcurrency:  f.maxConcurrency,
		AuthToken:       token,
		TLSCertFile:     f.tlsCert,
		TLSKeyFile:      f.tlsKey,
		ShutdownTimeout: f.shutdown,
		Proxy:           proxyCfg,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return err
	}
	scheme := "http"
	if f.tlsCert != "" {
		scheme = "https"
	}
	fmt.Fprintf(stdout, "listening on %s://%s\n", scheme, ln.Addr())
	if host, _, _ := net.SplitHostPort(f.addr); !isLoopback(host) {
		log.Warn("listening beyond loopback", "addr", ln.Addr().String(), "auth", token != "", "tls", f.tlsCert != "")
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ctx, ln) }()

	if err := srv.Load(ctx, modelLoader(choice, f, log)); err != nil {
		cancel()
		<-errc
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			return nil // stopped while loading
		}
		return err
	}
	fmt.Fprintln(stdout, "ready")
	return <-errc
}

// modelChoice is the directory to load for the resolved model dir: with
// --int8 what weights.Int8Variant picks (the model's INT8 bundle when it
// has one), else dir itself.
func modelChoice(dir string, int8 bool) (weights.Int8Choice, error) {
	if !int8 {
		return weights.Int8Choice{Dir: dir}, nil
	}
	return weights.Int8Variant(dir)
}

// int8Weights says, for the log, where an INT8 model's int8 weights come
// from: "bundle" (an INT8 bundle's own) or "quantized at load".
func int8Weights(c weights.Int8Choice, quantization string) string {
	switch {
	case quantization != weights.QuantINT8:
		return ""
	case c.Via == weights.Int8AtLoad:
		return "quantized at load"
	}
	return "bundle"
}

// modelLoader loads the chosen model once: weights.Load (through ner.Load)
// verifies a bundle's checksums before the graph is read. The model's
// quantization is what the runtime runs: an INT8 bundle is INT8 with or
// without --int8.
func modelLoader(choice weights.Int8Choice, f serveFlags, log *slog.Logger) server.LoadFunc {
	dir := choice.Dir
	return func(ctx context.Context) (*server.Model, error) {
		eps := f.epsilon
		if !f.epsilonSet {
			eps = bundleEpsilon(dir)
		}
		rec, wm, err := ner.Load(dir, ner.LoadOptions{Bert: bert.Options{Int8: f.int8}, Epsilon: eps})
		if err != nil {
			return nil, err
		}
		eng, err := redact.NewEngine(redact.Config{Recognizer: rec, Logger: log})
		if err != nil {
			return nil, err
		}
		info := server.ModelInfo{
			ID:           filepath.Base(filepath.Clean(dir)),
			Labels:       wm.Labels(),
			Quantization: weights.QuantFP32,
			Epsilon:      eps,
			MaxSeqLen:    wm.Schema.MaxSequenceLength,
		}
		if bm, ok := rec.Classifier().(*bert.Model); ok {
			info.Quantization = bm.Quantization()
		}
		checksum := "none (Hugging Face directory)"
		if wm.Manifest != nil {
			if wm.Manifest.ModelID != "" {
				info.ID = wm.Manifest.ModelID
			}
			info.Checksum = wm.Manifest.SHA256
			if b, err := json.Marshal(wm.Manifest); err == nil {
				info.Manifest = b
			}
			checksum = "verified"
		}
		attrs := []any{"model", info.ID, "dir", dir, "bundle", wm.IsBundle, "checksum", checksum,
			"labels", len(info.Labels), "quantization", info.Quantization}
		if w := int8Weights(choice, info.Quantization); w != "" {
			attrs = append(attrs, "int8_weights", w)
		}
		if choice.Via == weights.Int8Sibling || choice.Via == weights.Int8Registry {
			attrs = append(attrs, "int8_bundle_found", choice.Via)
		}
		log.Info("model loaded", attrs...)
		return &server.Model{Redactor: eng, Info: info}, nil
	}
}

// bundleEpsilon is the ε recorded in a bundle's metadata.json
// (privacy.epsilon), or 0 (no noise) when there is none.
func bundleEpsilon(dir string) float64 {
	b, err := os.ReadFile(filepath.Join(dir, "metadata.json"))
	if err != nil {
		return 0
	}
	var md weights.Metadata
	if json.Unmarshal(b, &md) != nil || md.Privacy.Epsilon == nil || *md.Privacy.Epsilon <= 0 {
		return 0
	}
	return *md.Privacy.Epsilon
}

func readToken(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("auth token: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", fmt.Errorf("auth token file %s is empty", path)
	}
	return tok, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// byteSize is a flag value in bytes that accepts KiB/MiB/GiB (and KB/MB).
type byteSize int64

func (b *byteSize) String() string { return strconv.FormatInt(int64(*b), 10) }

func (b *byteSize) Set(s string) error {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1000}, {"MB", 1000 * 1000}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return errors.New("want a positive size such as 1048576, 512KiB or 1MiB")
	}
	*b = byteSize(n * mult)
	return nil
}
