package server

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// serveLoopback runs s.Serve on a loopback port until the returned cancel
// is called; the error channel gets Serve's result.
func serveLoopback(t *testing.T, s *Server) (addr string, cancel context.CancelFunc, errc <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan error, 1)
	go func() { ch <- s.Serve(ctx, ln) }()
	return ln.Addr().String(), cancel, ch
}

// Cancelling the context (what SIGTERM does in main) stops new
// connections at once but lets the request in flight finish.
func TestGracefulShutdown(t *testing.T) {
	f := &fakeRedactor{block: make(chan struct{}), entered: make(chan struct{}, 1)}
	s := newTestServer(t, f, nil)
	addr, cancel, errc := serveLoopback(t, s)
	defer cancel()
	url := "http://" + addr

	type result struct {
		code int
		body string
		err  error
	}
	slow := make(chan result, 1)
	go func() {
		resp, err := http.Post(url+"/v1/redact", "application/json", strings.NewReader(`{"text":"`+secret("in flight during shutdown")+`"}`))
		if err != nil {
			slow <- result{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		slow <- result{code: resp.StatusCode, body: string(b)}
	}()
	<-f.entered
	cancel()
	// The listener closes: new connections are refused.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("listener still accepting after shutdown began")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if s.Ready() {
		t.Fatal("still ready while draining")
	}
	select {
	case err := <-errc:
		t.Fatalf("Serve returned %v with a request in flight", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(f.block)
	r := <-slow
	if r.err != nil || r.code != http.StatusOK || !strings.Contains(r.body, "masked_text") {
		t.Fatalf("in-flight request: %d %v %q", r.code, r.err, r.body)
	}
	if err := <-errc; err != nil {
		t.Fatalf("Serve = %v, want nil", err)
	}
}

// A client that never finishes its headers is cut off by
// ReadHeaderTimeout.
func TestReadHeaderTimeout(t *testing.T) {
	s := newTestServer(t, &fakeRedactor{}, func(c *Config) { c.ReadHeaderTimeout = 100 * time.Millisecond })
	addr, cancel, errc := serveLoopback(t, s)
	defer func() { cancel(); <-errc }()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("POST /v1/redact HTTP/1.1\r\nHost: x\r\n")); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	_, err = io.ReadAll(c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("server kept a stalled connection open")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("closed after %v", d)
	}
}

func TestTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	s := newTestServer(t, &fakeRedactor{}, func(c *Config) { c.TLSCertFile, c.TLSKeyFile = certFile, keyFile })
	addr, cancel, errc := serveLoopback(t, s)
	defer func() { cancel(); <-errc }()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get("https://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.TLS == nil {
		t.Fatalf("status %d tls %v", resp.StatusCode, resp.TLS != nil)
	}
	if _, err := New(Config{Restorer: fakeRestorer{}, TLSCertFile: certFile}); err == nil {
		t.Fatal("a certificate without a key was accepted")
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "obscura-test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}
