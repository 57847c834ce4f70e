package proxy

import (
	"bufio"
	"encoding/json"
	"fmt"
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
)

const (
	binStartTimeout = 60 * time.Second  // the listening line
	binReadyTimeout = 180 * time.Second // model load and warm-up on a busy 2-core box
	binStopTimeout  = 30 * time.Second  // SIGTERM to exit
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// buildObscura builds ./cmd/obscura once per test run (into a directory
// removed at the end of the run, see TestMain).
func buildObscura(t testing.TB) string {
	t.Helper()
	root := testenv.ModuleRoot()
	if root == "" {
		t.Skip("no module root")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "obscura-proxy-e2e-")
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

var buildDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// binProxy is `obscura proxy` on the baseline model, on a loopback port.
type binProxy struct {
	cmd    *exec.Cmd
	url    string
	stderr *testenv.SyncBuffer
	exited chan error
}

func startProxyBinary(t testing.TB, upstream string, extra ...string) *binProxy {
	t.Helper()
	model := testenv.Shared(t, "models", "obscura-minilm-conll")
	bin := buildObscura(t)
	args := append([]string{"proxy", "--upstream", upstream, "--model", model, "--addr", "127.0.0.1:0"}, extra...)
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	bp := &binProxy{cmd: cmd, stderr: &testenv.SyncBuffer{}, exited: make(chan error, 1)}
	cmd.Stderr = bp.stderr
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
		bp.exited <- cmd.Wait()
	}()
	select {
	case l := <-lines:
		u, ok := strings.CutPrefix(l, "listening on ")
		if !ok {
			t.Fatalf("first line %q; stderr:\n%s", l, bp.stderr)
		}
		bp.url = u
	case <-time.After(binStartTimeout):
		t.Fatalf("no listening line; stderr:\n%s", bp.stderr)
	}
	deadline := time.Now().Add(binReadyTimeout)
	for {
		resp, err := http.Get(bp.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready after %v; stderr:\n%s", binReadyTimeout, bp.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return bp
}

func (bp *binProxy) stop(t testing.TB) {
	t.Helper()
	if err := bp.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-bp.exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v; stderr:\n%s", err, bp.stderr)
		}
	case <-time.After(binStopTimeout):
		t.Fatal("no exit after SIGTERM")
	}
}

// The real binary on the real model in front of the fake upstream: names
// (the model's), structured values (the patterns'), whole and streamed
// byte by byte, echoed, reordered and altered. Every value comes back
// exactly, none reaches the upstream, none is in the log. The Presidio
// route answers on the same model with code-point offsets.
func TestEndToEndProxyBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the binary; skipped with -short")
	}
	f := newFakeUpstream(t)
	bp := startProxyBinary(t, f.url(), "--keep-placeholders")

	names := []string{"John Smith", "Maria Gonzalez"}
	values := append(append([]string{}, names...), email, ssn)
	msgs := []any{
		map[string]any{"role": "system", "content": "You are a scheduling assistant."},
		map[string]any{"role": "user", "content": "My name is John Smith and my email is " + email + "."},
		map[string]any{"role": "assistant", "content": "Thank you, John Smith. How can I help?"},
		map[string]any{"role": "user", "content": "Book me with Dr. Maria Gonzalez; my SSN is " + ssn + "."},
	}
	want := strings.Join([]string{
		"You are a scheduling assistant.",
		"My name is John Smith and my email is " + email + ".",
		"Thank you, John Smith. How can I help?",
		"Book me with Dr. Maria Gonzalez; my SSN is " + ssn + ".",
	}, "\n")
	srv := &httpTarget{url: bp.url}

	resp := srv.post(t, "/v1/chat/completions", map[string]any{"model": "echo", "messages": msgs})
	var cr chatResponse
	if err := json.Unmarshal([]byte(readAll(t, resp)), &cr); err != nil || len(cr.Choices) != 1 {
		t.Fatalf("whole answer: %v", err)
	}
	if *cr.Choices[0].Message.Content != want {
		t.Fatalf("restored %q\nwant %q", *cr.Choices[0].Message.Content, want)
	}
	resp = srv.post(t, "/v1/chat/completions", map[string]any{"model": "echo", "messages": msgs, "stream": true, "fake_split": "1"})
	res := readSSE(t, resp)
	if !res.done || res.text(0) != want {
		t.Fatalf("streamed byte by byte: %q", res.text(0))
	}
	for _, model := range []string{"reorder", "drop"} {
		resp = srv.post(t, "/v1/chat/completions", map[string]any{"model": model, "messages": msgs, "stream": true, "fake_split": "1"})
		res := readSSE(t, resp)
		got := res.text(0)
		for _, v := range values {
			if !strings.Contains(got, v) {
				t.Fatalf("%s: %q lacks %q", model, got, v)
			}
		}
		if tokenRE.MatchString(strings.NewReplacer("[EMAIL_97]", "", "[PERSON_98]", "").Replace(got)) {
			t.Fatalf("%s: a token was left: %q", model, got)
		}
	}
	up := f.received()
	for _, v := range append(values, callerKey) {
		if strings.Contains(up, v) {
			t.Fatalf("the upstream received %q", v)
		}
	}
	if !strings.Contains(up, "[PERSON_1]") || !strings.Contains(up, "[PERSON_2]") || strings.Contains(up, "[PERSON_3]") {
		t.Fatalf("the two names should be [PERSON_1] and [PERSON_2] throughout: %s", up)
	}
	if !strings.Contains(up, DefaultInstruction) {
		t.Fatal("--keep-placeholders did not send the instruction")
	}

	// Presidio's analyzer on the same model: offsets in code points.
	text := "José García met John Smith in Boston."
	resp = srv.post(t, "/analyze", map[string]any{"text": text, "language": "en", "entities": []string{"PERSON"}})
	var rr []struct {
		EntityType string `json:"entity_type"`
		Start, End int
	}
	if err := json.Unmarshal([]byte(readAll(t, resp)), &rr); err != nil || len(rr) != 2 {
		t.Fatalf("analyze: %v %+v", err, rr)
	}
	r := []rune(text)
	for i, name := range []string{"José García", "John Smith"} {
		if rr[i].EntityType != "PERSON" || string(r[rr[i].Start:rr[i].End]) != name {
			t.Fatalf("analyze result %d: %+v, want %s", i, rr[i], name)
		}
	}

	bp.stop(t)
	log := bp.stderr.String()
	if !strings.Contains(log, `"msg":"proxy"`) {
		t.Fatalf("no proxy log lines:\n%s", log)
	}
	for _, v := range append(values, callerKey, "José García") {
		if strings.Contains(log, v) {
			t.Fatalf("the log holds %q", v)
		}
	}
}

// httpTarget posts to a server that is not an httptest.Server.
type httpTarget struct{ url string }

func (h *httpTarget) post(t testing.TB, path string, body any) *http.Response {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, h.url+path, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+callerKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}
