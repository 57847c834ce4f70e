package obscura_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const modulePath = "github.com/obscura-ai/obscura"

// allowed lists, for every package of the module, the module packages it may
// import. Dependencies point inward:
//
//	cmd/obscura → server → redact → ner → bert → tensor, quant
//
// with tokenize and weights beside bert. A package missing from this table
// fails the test, so a new package must state its place in the graph.
var allowed = map[string][]string{
	".":            {},
	"internal/cpu": {},
	// internal/testenv is imported by _test.go files only, which this test
	// does not scan; it reads the host's features (ORTInt8Saturates).
	"internal/testenv": {"internal/cpu"},
	"tensor":           {"internal/cpu"},
	"weights/onnx":     {},
	"weights":          {"weights/onnx"},
	"tokenize":         {},
	"quant":            {"internal/cpu", "tensor", "weights/onnx"},
	"bert":             {"internal/cpu", "tensor", "quant", "weights", "weights/onnx"},
	"ner":              {"bert", "tokenize", "weights"},
	"redact":           {"ner", "tokenize", "weights"},
	"eval":             {"redact", "ner", "bert", "tokenize", "weights", "quant", "tensor", "internal/cpu", "eval/synth"},
	"eval/synth":       {},
	"train/dp":         {},
	"train":            {"bert", "tensor", "tokenize", "weights", "weights/onnx", "eval", "eval/synth", "train/dp", "quant", "ner", "redact", "internal/cpu"},
	"privacy":          {"eval", "eval/synth", "ner", "bert", "tokenize", "weights", "redact", "train", "train/dp"},
	"proxy":            {"redact", "ner", "tokenize", "weights"},
	"bench":            {"bert", "eval", "quant", "redact", "weights/onnx"},
	"server":           {"proxy", "redact", "ner", "bert", "tokenize", "weights", "weights/onnx", "quant", "tensor", "internal/cpu"},
	"cmd":              {},
	"cmd/obscura":      {"*"},
}

func TestDependencyDirection(t *testing.T) {
	imports := map[string]map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		if imports[pkg] == nil {
			imports[pkg] = map[string]bool{}
		}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			if rest, ok := strings.CutPrefix(p, modulePath+"/"); ok {
				imports[pkg][rest] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) < 10 {
		t.Fatalf("found only %d packages; is the test running at the module root?", len(imports))
	}
	pkgs := make([]string, 0, len(imports))
	for p := range imports {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, p := range pkgs {
		allow, ok := allowed[p]
		if !ok {
			t.Errorf("package %s is not in the dependency table of deps_test.go", p)
			continue
		}
		if len(allow) == 1 && allow[0] == "*" {
			continue
		}
		set := map[string]bool{}
		for _, a := range allow {
			set[a] = true
		}
		for im := range imports[p] {
			if !set[im] {
				t.Errorf("package %s must not import %s", p, im)
			}
			if im == "server" || strings.HasPrefix(im, "cmd") {
				t.Errorf("package %s imports %s: nothing may import server or cmd", p, im)
			}
		}
	}
}

func TestEveryPackageHasDoc(t *testing.T) {
	for p := range allowed {
		if p == "." {
			continue
		}
		if _, err := os.Stat(p); err != nil {
			continue // listed but not yet created
		}
		if _, err := os.Stat(filepath.Join(p, "doc.go")); err != nil {
			t.Errorf("package %s has no doc.go", p)
		}
	}
}
