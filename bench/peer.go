package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/obscura-ai/obscura/bert"
)

// Runner is one runtime taking turns: Run times one batch-1 inference on
// ids and returns it in ms.
type Runner interface {
	Name() string
	Run(ids []int64) (float64, error)
}

// Ours is our runtime as a Runner.
type Ours struct {
	Label string
	Model *bert.Model
}

// Name returns the label.
func (o Ours) Name() string { return o.Label }

// Run times Model.Run on ids.
func (o Ours) Run(ids []int64) (float64, error) {
	t0 := time.Now()
	_, err := o.Model.Run(bert.Batch{IDs: ids, Size: 1, SeqLen: len(ids)})
	return float64(time.Since(t0).Nanoseconds()) / 1e6, err
}

// PeerOptions configures one ONNX Runtime peer.
type PeerOptions struct {
	Name    string // label in reports
	Dir     string // the bench/ort directory (bench.js, node_modules)
	Model   string // ONNX file the session loads
	Threads int    // intra-op threads (0: ONNX Runtime's default)
	// NoSpin blocks ONNX Runtime's idle intra-op threads
	// (session.intra_op.allow_spinning = 0) instead of its default
	// spinning: the configuration of the earlier reports, kept only to
	// reproduce them.
	NoSpin bool
}

// Peer is one running bench/ort/bench.js process with one session,
// answering one timed inference per line of ids.
type Peer struct {
	name    string
	cmd     *exec.Cmd
	in      io.WriteCloser
	out     *bufio.Scanner
	stderr  *strings.Builder
	Version string // ONNX Runtime's version
}

// ErrNotInstalled is returned by StartPeer when bench/ort's node_modules
// or node itself is missing.
var ErrNotInstalled = errors.New("bench: onnxruntime-node is not installed")

// StartPeer starts a peer and waits until its session is ready.
func StartPeer(ctx context.Context, o PeerOptions) (*Peer, error) {
	if _, err := os.Stat(filepath.Join(o.Dir, "node_modules", "onnxruntime-node")); err != nil {
		return nil, fmt.Errorf("%w: run (cd %s && npm install --ignore-scripts --no-package-lock)", ErrNotInstalled, o.Dir)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("%w: node: %w", ErrNotInstalled, err)
	}
	model, err := filepath.Abs(o.Model)
	if err != nil {
		return nil, err
	}
	if o.Threads < 0 {
		return nil, fmt.Errorf("bench: peer %s: negative thread count %d", o.Name, o.Threads)
	}
	p := &Peer{name: o.Name, stderr: &strings.Builder{}}
	args := []string{filepath.Join(o.Dir, "bench.js"), model, strconv.Itoa(o.Threads)}
	if o.NoSpin {
		args = append(args, "nospin")
	}
	p.cmd = exec.CommandContext(ctx, node, args...)
	p.cmd.Stderr = p.stderr
	if p.in, err = p.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p.out = bufio.NewScanner(stdout)
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench: starting node: %w", err)
	}
	var ready struct {
		Ready   bool   `json:"ready"`
		Version string `json:"version"`
	}
	if err := p.read(&ready); err != nil || !ready.Ready {
		p.Close()
		return nil, fmt.Errorf("bench: peer %s did not start: %v %s", o.Name, err, strings.TrimSpace(p.stderr.String()))
	}
	p.Version = ready.Version
	return p, nil
}

// Name returns the peer's label.
func (p *Peer) Name() string { return p.name }

func (p *Peer) read(v any) error {
	if !p.out.Scan() {
		if err := p.out.Err(); err != nil {
			return err
		}
		return fmt.Errorf("bench: peer %s exited: %s", p.name, strings.TrimSpace(p.stderr.String()))
	}
	return json.Unmarshal(p.out.Bytes(), v)
}

// Run has the peer time one inference on ids (session.run only).
func (p *Peer) Run(ids []int64) (float64, error) {
	b, err := json.Marshal(struct {
		IDs []int64 `json:"ids"`
	}{ids})
	if err != nil {
		return 0, err
	}
	if _, err := p.in.Write(append(b, '\n')); err != nil {
		return 0, fmt.Errorf("bench: peer %s: %w", p.name, err)
	}
	var r struct {
		MS float64 `json:"ms"`
	}
	if err := p.read(&r); err != nil {
		return 0, err
	}
	if !(r.MS > 0) {
		return 0, fmt.Errorf("bench: peer %s answered no time", p.name)
	}
	return r.MS, nil
}

// Close ends the peer (end of input) and waits for it.
func (p *Peer) Close() error {
	p.in.Close()
	if err := p.cmd.Wait(); err != nil {
		return fmt.Errorf("bench: peer %s: %w %s", p.name, err, strings.TrimSpace(p.stderr.String()))
	}
	return nil
}
