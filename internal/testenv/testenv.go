package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// ModuleRoot returns the directory holding go.mod, found by walking up from
// the working directory, or "" if there is none.
func ModuleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Shared returns the path of ../shared/<rel...> beside the module root. It
// skips the test, with a message naming what is missing, when that path does
// not exist.
func Shared(tb testing.TB, rel ...string) string {
	tb.Helper()
	root := ModuleRoot()
	if root == "" {
		tb.Skip("testenv: no go.mod above the working directory")
	}
	p := filepath.Join(append([]string{root, "..", "shared"}, rel...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("testenv: shared material %s is missing (expected ../shared beside the module root)", filepath.Join(rel...))
	}
	return p
}
