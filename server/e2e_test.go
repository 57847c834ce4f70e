package server

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/weights"
)

const (
	binStartTimeout = 60 * time.Second  // listening line
	binReadyTimeout = 180 * time.Second // model load and warm-up on a busy 2-core box
	binStopTimeout  = 30 * time.Second  // SIGTERM to exit
)

// binServer is the real obscura binary serving on a loopback port.
type binServer struct {
	cmd    *exec.Cmd
	url    string
	stderr *testenv.SyncBuffer
	exited chan error
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// buildObscura builds ./cmd/obscura once per test run into a temporary
// directory that TestMain removes.
func buildObscura(t testing.TB) string {
	t.Helper()
	root := testenv.ModuleRoot()
	if root == "" {
		t.Skip("no module root")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "obscura-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		buildDir = dir
		builtBin = filepath.Join(dir, "obscura")
		cmd := exec.Command("go", "build", "-o", builtBin, "./cmd/obscura")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/obscura: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// startBinary runs `obscura serve` on port 0 with the baseline model and
// waits for /readyz.
func startBinary(t testing.TB, extra ...string) *binServer {
	t.Helper()
	return startBinaryModel(t, testenv.Shared(t, "models", "obscura-minilm-conll"), extra...)
}

// startBinaryModel is startBinary on the model directory model.
func startBinaryModel(t testing.TB, model string, extra ...string) *binServer {
	t.Helper()
	bin := buildObscura(t)
	args := append([]string{"serve", "--model", model, "--addr", "127.0.0.1:0"}, extra...)
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	bs := &binServer{cmd: cmd, stderr: &testenv.SyncBuffer{}, exited: make(chan error, 1)}
	cmd.Stderr = bs.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	})
	lines := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		bs.exited <- cmd.Wait()
	}()
	select {
	case l := <-lines:
		u, ok := strings.CutPrefix(l, "listening on ")
		if !ok || !strings.HasPrefix(u, "http://127.0.0.1:") {
			t.Fatalf("first line %q; stderr:\n%s", l, bs.stderr)
		}
		bs.url = u
	case <-time.After(binStartTimeout):
		t.Fatalf("no listening line; stderr:\n%s", bs.stderr)
	}
	deadline := time.Now().Add(binReadyTimeout)
	for {
		resp, err := http.Get(bs.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("/readyz: %d", resp.StatusCode)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready after %v; stderr:\n%s", binReadyTimeout, bs.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return bs
}

// stop sends SIGTERM and waits for a clean exit.
func (bs *binServer) stop(t testing.TB) {
	t.Helper()
	bs.term(t)
	bs.wait(t)
}

func (bs *binServer) term(t testing.TB) {
	t.Helper()
	if err := bs.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
}

// wait waits for a clean exit.
func (bs *binServer) wait(t testing.TB) {
	t.Helper()
	select {
	case err := <-bs.exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v; stderr:\n%s", err, bs.stderr)
		}
	case <-time.After(binStopTimeout):
		t.Fatal("no exit after SIGTERM")
	}
}

func postJSONTo(t testing.TB, url string, in, out any) int {
	t.Helper()
	b, _ := json.Marshal(in)
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK && out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("%s: %v: %s", url, err, body)
		}
	}
	return resp.StatusCode
}

// The real binary, on the baseline model, redacts and restores over
// loopback, and exits cleanly on SIGTERM; its logs hold no text.
func TestEndToEndBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the binary; skipped with -short")
	}
	bs := startBinary(t, "--max-body", "64KiB")

	name, ssn, email := "John Smith", "123-45-6789", "john.smith@example.com"
	text := "Patient " + name + " (SSN " + ssn + ", " + email + ") was seen in Boston on Monday."
	for _, s := range []string{name, ssn, email, text} {
		secret(s)
	}
	var red RedactResponse
	if code := postJSONTo(t, bs.url+"/v1/redact", map[string]any{"text": text}, &red); code != http.StatusOK {
		t.Fatalf("redact: %d", code)
	}
	for _, v := range []string{name, ssn, email} {
		if strings.Contains(red.MaskedText, v) {
			t.Errorf("masked text %q still holds a value", red.MaskedText)
		}
	}
	types := map[string]bool{}
	for _, e := range red.Entities {
		types[e.Type] = true
		if text[e.Start:e.End] != red.Mapping[e.Token] {
			t.Errorf("entity %+v: offsets do not match the mapping", e)
		}
	}
	for _, want := range []string{"PERSON", "SSN", "EMAIL"} {
		if !types[want] {
			t.Errorf("no %s entity in %+v", want, red.Entities)
		}
	}
	if red.Model != "obscura-minilm-conll" || red.Timings.Infer <= 0 {
		t.Errorf("model %q, timings %+v (full mode must run the model)", red.Model, red.Timings)
	}
	for _, s := range red.Mapping {
		secret(s)
	}

	// Restore the masked text, and an "LLM answer" through the stream.
	var rest RestoreResponse
	if code := postJSONTo(t, bs.url+"/v1/restore", map[string]any{"text": red.MaskedText, "mapping": red.Mapping}, &rest); code != http.StatusOK {
		t.Fatalf("restore: %d", code)
	}
	if rest.Text != text || len(rest.Unresolved) != 0 {
		t.Fatalf("restore = %+v, want the original", rest)
	}
	mb, _ := json.Marshal(red.Mapping)
	req, _ := http.NewRequest(http.MethodPost, bs.url+"/v1/restore/stream", strings.NewReader(red.MaskedText))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set(MappingHeader, base64.StdEncoding.EncodeToString(mb))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	streamed, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(streamed) != text || resp.Trailer.Get(UnresolvedTrailer) != "[]" {
		t.Fatalf("stream restore = %q (trailer %q)", streamed, resp.Trailer.Get(UnresolvedTrailer))
	}

	var fast RedactResponse
	if code := postJSONTo(t, bs.url+"/v1/redact", map[string]any{"text": text, "mode": "fast"}, &fast); code != http.StatusOK || fast.Timings.Infer != 0 {
		t.Fatalf("fast mode: %d %+v", code, fast.Timings)
	}
	var info ModelResponse
	r2, err := http.Get(bs.url + "/v1/model")
	if err != nil {
		t.Fatal(err)
	}
	decodeBody(t, r2.Body, &info)
	r2.Body.Close()
	if info.ID != "obscura-minilm-conll" || len(info.Labels) != 9 || !info.Ready || info.LoadMS <= 0 {
		t.Fatalf("model info %+v", info)
	}

	// --max-body 64KiB was given: a 100 KiB body is refused.
	big, _ := json.Marshal(map[string]string{"text": strings.Repeat("a", 100<<10)})
	r3, err := http.Post(bs.url+"/v1/redact", "application/json", bytes.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	r3.Body.Close()
	if r3.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("100 KiB body under --max-body 64KiB: %d", r3.StatusCode)
	}

	// SIGTERM while a streamed answer is in flight: new connections are
	// refused, the stream finishes, then the process exits 0.
	sc, errc := startStream(t, bs.url, "text/plain", mappingHeader(t, red.Mapping))
	sc.send("Answer: ")
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	sc.expect("Answer: ")
	bs.term(t)
	deadline := time.Now().Add(binStopTimeout)
	for {
		r, err := http.Get(bs.url + "/healthz")
		if err != nil {
			break
		}
		r.Body.Close()
		if time.Now().After(deadline) {
			t.Fatal("still accepting connections after SIGTERM")
		}
		time.Sleep(20 * time.Millisecond)
	}
	sc.send(red.MaskedText)
	sc.pw.Close()
	tail, _ := io.ReadAll(sc.resp.Body)
	if got := sc.got.String() + string(tail); got != "Answer: "+text {
		t.Fatalf("stream across SIGTERM = %q", got)
	}
	bs.wait(t)
	logs := bs.stderr.String()
	for _, want := range []string{`"msg":"model ready"`, `"load_ms"`, `"warmup_ms"`, `"msg":"request"`, `"msg":"stopped"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %s", want)
		}
	}
	for _, s := range []string{name, ssn, email, "Boston", "Patient"} {
		if strings.Contains(logs, s) {
			t.Errorf("binary log contains request text %q", s)
		}
	}
	fmt.Fprint(lockedWriter{}, logs) // also checked against every secret by TestMain
}

// Without --model, ./models or ../shared/models/obscura-minilm-conll, serve
// fails and says how to get a model.
func TestServeWithoutModel(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := buildObscura(t)
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
	cmd.Dir = t.TempDir() // no ./models and no ../shared beside it
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "obscura pull") {
		t.Fatalf("err %v, output %q", err, out)
	}
	out, err = exec.Command(bin, "serve", "--max-body", "lots").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "max-body") {
		t.Fatalf("bad --max-body: err %v, output %q", err, out)
	}
}

// A bundle is served with its manifest and checksum; a bundle whose
// model.onnx no longer matches checksum.sha256 is refused at startup and
// never turns ready.
func TestServeBundleChecksum(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a bundle and starts the binary; skipped with -short")
	}
	src, err := weights.Load(testenv.Shared(t, "models", "obscura-minilm-conll"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "bundle")
	eps := 8.0
	b, err := weights.WriteBundle(src, dir, weights.BundleOptions{ID: "obscura-e2e-bundle",
		Privacy: &weights.Privacy{Epsilon: &eps, Sensitivity: 1, NoiseLayer: "logits", Mechanism: "laplace"}})
	if err != nil {
		t.Fatal(err)
	}
	src.Graph, b.Graph = nil, nil

	bs := startBinaryModel(t, dir)
	resp, err := http.Get(bs.url + "/v1/model")
	if err != nil {
		t.Fatal(err)
	}
	var info ModelResponse
	decodeBody(t, resp.Body, &info)
	resp.Body.Close()
	if info.ID != "obscura-e2e-bundle" || info.Checksum == "" || info.Epsilon != eps || !strings.Contains(string(info.Manifest), `"model_id":"obscura-e2e-bundle"`) {
		t.Fatalf("bundle model info: id %q checksum %q ε %v manifest %s", info.ID, info.Checksum, info.Epsilon, info.Manifest)
	}
	bs.stop(t)
	if !strings.Contains(bs.stderr.String(), `"checksum":"verified"`) {
		t.Fatalf("no checksum line in the log:\n%s", bs.stderr)
	}

	// Flip one byte of the graph.
	f, err := os.OpenFile(filepath.Join(dir, "model.onnx"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := f.Stat()
	one := make([]byte, 1)
	if _, err := f.ReadAt(one, st.Size()/2); err != nil {
		t.Fatal(err)
	}
	one[0] ^= 0xff
	if _, err := f.WriteAt(one, st.Size()/2); err != nil {
		t.Fatal(err)
	}
	f.Close()
	cmd := exec.Command(buildObscura(t), "serve", "--model", dir, "--addr", "127.0.0.1:0")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(binReadyTimeout):
		_ = cmd.Process.Kill()
		t.Fatal("tampered bundle: serve did not exit")
	}
	if err == nil || !strings.Contains(stderr.String(), "checksum") || strings.Contains(stdout.String(), "ready") {
		t.Fatalf("tampered bundle: err %v\nstdout %s\nstderr %s", err, &stdout, &stderr)
	}
}

// The binary with --int8 and --auth-token-file: the token is required on
// /v1/*, and the INT8 model still finds the person.
func TestEndToEndInt8Auth(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the binary; skipped with -short")
	}
	tokFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokFile, []byte("e2e-token-7f3a\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bs := startBinary(t, "--int8", "--auth-token-file", tokFile)
	text := secret("Please ask Angela Merkel about the invoice.")
	body, _ := json.Marshal(map[string]string{"text": text})
	send := func(token string) (*http.Response, []byte) {
		req, _ := http.NewRequest(http.MethodPost, bs.url+"/v1/redact", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, b
	}
	if resp, _ := send(""); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("without token: %d", resp.StatusCode)
	}
	if resp, _ := send("wrong"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong token: %d", resp.StatusCode)
	}
	resp, b := send("e2e-token-7f3a")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("with token: %d %s", resp.StatusCode, b)
	}
	var red RedactResponse
	if err := json.Unmarshal(b, &red); err != nil {
		t.Fatal(err)
	}
	if red.Mapping["[PERSON_1]"] != "Angela Merkel" || red.MaskedText != "Please ask [PERSON_1] about the invoice." {
		t.Fatalf("int8 redact: %q %v", red.MaskedText, red.Mapping)
	}
	secret("Angela Merkel")
	r2, err := http.Get(bs.url + "/healthz")
	if err != nil || r2.StatusCode != http.StatusOK {
		t.Fatalf("healthz without token: %v %v", r2, err)
	}
	r2.Body.Close()
	bs.stop(t)
	if !strings.Contains(bs.stderr.String(), `"quantization":"int8"`) {
		t.Fatal("log does not say int8")
	}
	fmt.Fprint(lockedWriter{}, bs.stderr.String())
}
