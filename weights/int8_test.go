package weights

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
)

// int8Fixture writes bundles of the small test graph into root, each with
// the given model_id and quantization (Int8Variant reads only manifests and
// configs, so one graph serves every variant).
func int8Fixture(t *testing.T, root string, bundles map[string][2]string) *Model {
	t.Helper()
	src, err := Load(smallHFDir(t, smallVocabSize))
	if err != nil {
		t.Fatal(err)
	}
	for dir, b := range bundles {
		if _, err := WriteBundle(src, filepath.Join(root, dir), BundleOptions{ID: b[0], Quantization: b[1]}); err != nil {
			t.Fatal(err)
		}
	}
	return src
}

func wantChoice(t *testing.T, dir, wantDir, wantVia string) {
	t.Helper()
	c, err := Int8Variant(dir)
	if err != nil {
		t.Fatalf("Int8Variant(%s): %v", dir, err)
	}
	if filepath.Clean(c.Dir) != filepath.Clean(wantDir) || c.Via != wantVia {
		t.Fatalf("Int8Variant(%s) = %s via %s; want %s via %s", dir, c.Dir, c.Via, wantDir, wantVia)
	}
	if c.Bundle() != (wantVia != Int8AtLoad) {
		t.Fatalf("Bundle() = %v for via %s", c.Bundle(), c.Via)
	}
}

func TestInt8VariantSibling(t *testing.T) {
	root := t.TempDir()
	int8Fixture(t, root, map[string][2]string{
		"obscura-minilm-pii":      {"obscura-minilm-pii", QuantFP32},
		"obscura-minilm-pii-int8": {"obscura-minilm-pii-int8", QuantINT8},
	})
	fp32, int8 := filepath.Join(root, "obscura-minilm-pii"), filepath.Join(root, "obscura-minilm-pii-int8")
	// The layout scripts/models/build-pii.sh writes: DIR and DIR-int8.
	wantChoice(t, fp32, int8, Int8Sibling)
	wantChoice(t, fp32+string(filepath.Separator), int8, Int8Sibling)
	// A directory that is itself an INT8 bundle is its own choice.
	wantChoice(t, int8, int8, Int8Itself)
}

func TestInt8VariantRegistryID(t *testing.T) {
	root := t.TempDir()
	// obscura bundle's default ids, in directories not named after them.
	int8Fixture(t, root, map[string][2]string{
		"release":  {"pii-fp32-v1.0.0", QuantFP32},
		"packed":   {"pii-int8-v1.0.0", QuantINT8},
		"other":    {"other-fp32-v1.0.0", QuantFP32},
		"unrelate": {"unrelated-int8-v1.0.0", QuantINT8},
		// A manifest id with -int8 appended.
		"plain":      {"plain", QuantFP32},
		"plain-pack": {"plain-int8", QuantINT8},
	})
	wantChoice(t, filepath.Join(root, "release"), filepath.Join(root, "packed"), Int8Registry)
	wantChoice(t, filepath.Join(root, "plain"), filepath.Join(root, "plain-pack"), Int8Registry)
	// No INT8 id matches: quantize at load.
	wantChoice(t, filepath.Join(root, "other"), filepath.Join(root, "other"), Int8AtLoad)
}

func TestInt8VariantNone(t *testing.T) {
	root := t.TempDir()
	src := int8Fixture(t, root, map[string][2]string{
		"m":      {"m", QuantFP32},
		"m-int8": {"m-int8-but-fp32", QuantFP32}, // named like a sibling, but fp32
	})
	wantChoice(t, filepath.Join(root, "m"), filepath.Join(root, "m"), Int8AtLoad)
	// A Hugging Face directory with nothing beside it.
	wantChoice(t, src.Dir, src.Dir, Int8AtLoad)
}

func TestInt8VariantOtherLabels(t *testing.T) {
	root := t.TempDir()
	int8Fixture(t, root, map[string][2]string{
		"m":      {"m", QuantFP32},
		"m-int8": {"m-int8", QuantINT8},
	})
	// The sibling is another model: same label count, one label renamed.
	cfg := filepath.Join(root, "m-int8", "config.json")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte(strings.ReplaceAll(string(b), `"B-LOC"`, `"B-ADDRESS"`)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Int8Variant(filepath.Join(root, "m"))
	if err == nil || !strings.Contains(err.Error(), "other labels") {
		t.Fatalf("Int8Variant with a mislabelled sibling: %v, want an error naming the labels", err)
	}
}

func TestInt8IDs(t *testing.T) {
	for _, c := range []struct {
		id, base string
		want     []string
	}{
		{"pii-fp32-v1.0.0", "release", []string{"pii-int8-v1.0.0", "pii-fp32-v1.0.0-int8", "release-int8"}},
		{"obscura-minilm-pii", "obscura-minilm-pii", []string{"obscura-minilm-pii-int8"}},
		{"", "x", []string{"x-int8"}},
	} {
		got := int8IDs(c.id, c.base)
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("int8IDs(%q, %q) = %v, want %v", c.id, c.base, got, c.want)
		}
	}
}

// TestInt8VariantStale: an INT8 bundle exported from a model's graph
// records that graph's sum; once the model's graph changes (retrained in
// place), Int8Variant refuses the old INT8 bundle instead of serving it.
// Re-bundling the INT8 bundle keeps the recorded source.
func TestInt8VariantStale(t *testing.T) {
	root := t.TempDir()
	hf := filepath.Join(root, "m")
	if err := os.Rename(smallHFDir(t, smallVocabSize), hf); err != nil {
		t.Fatal(err)
	}
	src, err := Load(hf)
	if err != nil {
		t.Fatal(err)
	}
	// The INT8 graph is given as a separate file, as bundle --int8 does.
	exported := filepath.Join(t.TempDir(), "model.onnx")
	if _, _, err := copyFile(src.ONNXPath, exported); err != nil {
		t.Fatal(err)
	}
	b, err := WriteBundle(src, hf+"-int8", BundleOptions{ID: "m-int8", Quantization: QuantINT8, ONNXPath: exported})
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := FileSHA256(src.ONNXPath)
	if err != nil {
		t.Fatal(err)
	}
	if b.Metadata.SourceSHA256 != want {
		t.Fatalf("source_sha256 %q, want the fp32 graph's %q", b.Metadata.SourceSHA256, want)
	}
	wantChoice(t, hf, hf+"-int8", Int8Sibling)
	again, err := WriteBundle(b, filepath.Join(root, "again"), BundleOptions{ID: "again", Quantization: QuantINT8})
	if err != nil || again.Metadata.SourceSHA256 != want {
		t.Fatalf("re-bundled: %v, source_sha256 %q, want %q", err, again.Metadata.SourceSHA256, want)
	}
	// Retrain in place: another graph with the same labels.
	other := filepath.Join(testenv.Shared(t, "testmodels", "bert_17"), "model.onnx")
	if _, _, err := copyFile(other, src.ONNXPath); err != nil {
		t.Fatal(err)
	}
	if _, err := Int8Variant(hf); err == nil || !strings.Contains(err.Error(), "stale") {
		t.Fatalf("Int8Variant after the model changed = %v, want a stale-bundle error", err)
	}
}
