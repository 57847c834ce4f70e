package proxy

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// nodeTimeout bounds the Node client run (start-up and five exchanges).
const nodeTimeout = 60 * time.Second

// The official openai npm client, pointed at the proxy, gets restored text
// whole and streamed (chat and completions), and the upstream's 429 as an
// APIError. CI installs the package (.ci/run); without Node or the package
// the test skips.
func TestOpenAINodeClient(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	dir := filepath.Join("testdata", "openai-node")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "openai")); err != nil {
		t.Skip("the openai npm package is not installed: (cd proxy/testdata/openai-node && npm install)")
	}
	f := newFakeUpstream(t)
	srv, logs := testProxy(t, f, nil)
	msgs, _ := json.Marshal(conversation("echo", false)["messages"])
	prompt := "Write to " + email + " about SSN " + ssn + "."
	cmd := exec.Command(node, "check.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "OBSCURA_BASE_URL="+srv.URL+"/v1", "OBSCURA_API_KEY="+callerKey,
		"OBSCURA_MESSAGES="+string(msgs), "OBSCURA_PROMPT="+prompt)
	done := make(chan struct{})
	var out []byte
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(nodeTimeout):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("node client did not finish in %s", nodeTimeout)
	}
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var got struct {
		Whole, Streamed, Completion, CompletionStreamed string
		Pieces                                          []string
		ErrorStatus                                     int
		ErrorCode                                       string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node output %q: %v", out, err)
	}
	if got.Whole != conversationText || got.Streamed != conversationText {
		t.Fatalf("whole %q\nstreamed %q\nwant %q", got.Whole, got.Streamed, conversationText)
	}
	if len(got.Pieces) < 20 {
		t.Fatalf("the streamed answer came in %d pieces: buffered?", len(got.Pieces))
	}
	wholePieces(t, got.Pieces)
	if got.Completion != prompt || got.CompletionStreamed != prompt {
		t.Fatalf("completion %q / %q", got.Completion, got.CompletionStreamed)
	}
	if got.ErrorStatus != 429 || got.ErrorCode != "rate_limit_exceeded" {
		t.Fatalf("upstream error seen as %d %q", got.ErrorStatus, got.ErrorCode)
	}
	for _, a := range f.auth {
		if a != "Bearer "+callerKey {
			t.Fatalf("upstream Authorization %q", a)
		}
	}
	noOriginals(t, "the upstream requests", f.received())
	noOriginals(t, "the log", logs.String())
	if strings.Count(f.received(), `"fake_split"`) != 2 {
		t.Fatalf("the client's extra body fields did not reach the upstream")
	}
}
