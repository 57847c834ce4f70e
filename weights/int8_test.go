package weights

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
