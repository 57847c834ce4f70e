package weights

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
)

func TestResolveNoModelSaysHowToGetOne(t *testing.T) {
	t.Chdir(t.TempDir()) // no ./models, no ../shared
	_, err := Resolve("")
	if !errors.Is(err, ErrNoModel) || !strings.Contains(err.Error(), "obscura pull ORG/NAME") {
		t.Fatalf("Resolve = %v, want ErrNoModel suggesting obscura pull", err)
	}
	if _, err := Resolve("does-not-exist"); err == nil {
		t.Fatal("a missing --model directory resolved")
	}
	writeFile(t, "model.onnx", "not a directory")
	if _, err := Resolve("model.onnx"); err == nil || !strings.Contains(err.Error(), "is a file") {
		t.Fatalf("Resolve(file) = %v", err)
	}
}

func TestResolveOrder(t *testing.T) {
	shared := testenv.Shared(t, "models", "obscura-minilm-conll")
	shared, _ = filepath.Abs(shared)
	work := t.TempDir()
	// work/repo is the working directory; work/shared/models/obscura-minilm-conll the fallback.
	repo := filepath.Join(work, "repo")
	fallback := filepath.Join(work, "shared", "models", "obscura-minilm-conll")
	for _, d := range []string{repo, filepath.Dir(fallback)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(shared, fallback); err != nil {
		t.Fatal(err)
	}
	t.Chdir(repo)

	got, err := Resolve("")
	if err != nil || got != SharedModelDir {
		t.Fatalf("without ./models: Resolve = %q, %v; want %q", got, err, SharedModelDir)
	}
	// An empty ./models does not hide the fallback.
	if err := os.Mkdir("models", 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := Resolve(""); err != nil || got != SharedModelDir {
		t.Fatalf("with empty ./models: Resolve = %q, %v", got, err)
	}
	// A Hugging Face directory pulled into ./models/ORG/NAME is found.
	if err := os.MkdirAll(filepath.Join("models", "org"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(shared, filepath.Join("models", "org", "minilm")); err != nil {
		t.Fatal(err)
	}
	if got, err := Resolve(""); err != nil || got != filepath.Join("models", "org", "minilm") {
		t.Fatalf("with ./models/org/minilm: Resolve = %q, %v", got, err)
	}
	// An explicit flag wins.
	if got, err := Resolve(fallback); err != nil || got != fallback {
		t.Fatalf("Resolve(flag) = %q, %v", got, err)
	}
	// ./models that is itself a model directory is used as is.
	if err := os.RemoveAll("models"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(shared, "models"); err != nil {
		t.Fatal(err)
	}
	if got, err := Resolve(""); err != nil || got != "models" {
		t.Fatalf("with ./models a model: Resolve = %q, %v", got, err)
	}
}
