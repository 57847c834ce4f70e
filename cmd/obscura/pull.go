package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/obscura-ai/obscura/weights"
)

func cmdPull(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pull", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rev := fs.String("revision", "main", "branch, tag or commit")
	dir := fs.String("dir", weights.DefaultModelsDir, "models directory; the model lands in DIR/ORG/NAME")
	include := fs.String("include", "", "comma-separated path patterns to fetch (default: config, tokenizer and onnx/model.onnx files)")
	// Accept ORG/NAME before or after the flags.
	var repo string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		repo, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if repo == "" && fs.NArg() == 1 {
		repo = fs.Arg(0)
	} else if fs.NArg() > 0 || repo == "" {
		fmt.Fprintln(stderr, "usage: obscura pull ORG/NAME [--revision R] [--dir models] [--include PATTERNS]")
		return errUsage
	}
	opt := weights.PullOptions{
		Repo: repo, Revision: *rev, Dir: *dir,
		Endpoint: os.Getenv("HF_ENDPOINT"), Token: os.Getenv("HF_TOKEN"),
	}
	if *include != "" {
		opt.Include = strings.Split(*include, ",")
	}
	var bar *pullBar
	if pullIsTerminal(stderr) {
		bar = &pullBar{w: stderr}
		opt.Progress = bar.update
	}
	res, err := weights.Pull(ctx, opt)
	if bar != nil {
		bar.finish()
	}
	if err != nil {
		return err
	}
	for _, f := range res.Files {
		state := "downloaded"
		switch {
		case f.Cached:
			state = "up to date"
		case f.Resumed:
			state = "resumed"
		}
		check := f.Verified
		if check == "" {
			check = "unverified: the hub gave no size or hash"
		}
		fmt.Fprintf(stdout, "%-28s %10s  %-10s (%s)\n", f.Path, fmtSize(f.Size), state, check)
	}
	fmt.Fprintf(stdout, "pulled %s@%s into %s\n", res.Repo, pullFirstNonEmpty(res.Commit, *rev), res.Dir)
	m, err := weights.Load(res.Dir)
	if err != nil {
		return fmt.Errorf("the files arrived but do not load as a model: %w", err)
	}
	if err := m.RequireONNX(); err != nil {
		if errors.Is(err, weights.ErrNoONNX) {
			fmt.Fprintln(stdout, "note: this repository has no onnx/model.onnx: the tokenizer and config are usable, the model is not (look for an ONNX export of it, e.g. a repository with an onnx/ folder)")
			return nil
		}
		return err
	}
	fmt.Fprintf(stdout, "ok: %s, %d labels, vocab %d; use it with --model %s\n", m.Config.ModelType, len(m.Config.ID2Label), m.EmbeddingRows, res.Dir)
	return nil
}

func pullFirstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// pullIsTerminal reports whether w is a character device (a TTY): the progress
// bar is drawn only there, never into a pipe or a log file.
func pullIsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// pullBar draws one line per file on a TTY, at most ten times a second.
type pullBar struct {
	w    io.Writer
	file string
	last time.Time
}

func (p *pullBar) update(file string, done, total int64) {
	now := time.Now()
	if file == p.file && now.Sub(p.last) < 100*time.Millisecond && done != total {
		return
	}
	if file != p.file && p.file != "" {
		fmt.Fprintln(p.w)
	}
	p.file, p.last = file, now
	const width = 30
	if total <= 0 {
		fmt.Fprintf(p.w, "\r%-28s %10s", file, fmtSize(done))
		return
	}
	n := int(width * done / total)
	fmt.Fprintf(p.w, "\r%-28s [%s%s] %5.1f%% %10s", file, strings.Repeat("=", n), strings.Repeat(" ", width-n), 100*float64(done)/float64(total), fmtSize(total))
}

func (p *pullBar) finish() {
	if p.file != "" {
		fmt.Fprintln(p.w)
	}
}
