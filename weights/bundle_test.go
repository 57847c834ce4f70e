package weights

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/obscura-ai/obscura/internal/testenv"
)

// miniLMSHA256 and miniLMSize are the published digest and size of the
// shared baseline model's onnx/model.onnx (its PROVENANCE.txt).
const (
	miniLMSHA256 = "f71812abd9b1b03609893a1d81dff7e882ae9bb3ecdb1751f7500204569c5ffd"
	miniLMSize   = 90346598
)

// planSchema is schema.json as the product plan (§3.3) writes it, except
// for the aggregation default (see DefaultAggregation).
const planSchema = `{
  "model_version": "1.0.0",
  "input": {
    "input_ids": {"dtype": "int64", "shape": ["batch", "seq_len"]},
    "attention_mask": {"dtype": "int64", "shape": ["batch", "seq_len"]}
  },
  "output": {
    "logits": {"dtype": "float32", "shape": ["batch", "seq_len", "num_labels"]}
  },
  "max_sequence_length": 512,
  "label_count": 9,
  "aggregation": "first",
  "confidence_threshold": 0.85,
  "mapping_dictionary_format": {
    "description": "Token-to-original-text mapping for restoration",
    "example": {"[PERSON_1]": "John Smith", "[SSN_1]": "123-45-6789"},
    "serialization": "JSON object, keys are tokens, values are original text"
  }
}`

func readJSONMap(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestBundleRoundTripShared(t *testing.T) {
	src, err := Load(testenv.Shared(t, "models", "obscura-minilm-conll"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "minilm-fp32")
	created := time.Date(2026, 11, 22, 4, 0, 0, 0, time.UTC)
	b, err := WriteBundle(src, out, BundleOptions{Created: created})
	if err != nil {
		t.Fatal(err)
	}
	if !b.IsBundle || b.ONNXPath != filepath.Join(out, "model.onnx") {
		t.Fatalf("bundle loaded as IsBundle=%v ONNX=%s", b.IsBundle, b.ONNXPath)
	}
	if b.Manifest.SHA256 != miniLMSHA256 || b.Manifest.SizeBytes != miniLMSize {
		t.Errorf("manifest sha256 %s size %d, want the published %s %d", b.Manifest.SHA256, b.Manifest.SizeBytes, miniLMSHA256, miniLMSize)
	}
	sums, err := os.ReadFile(filepath.Join(out, "checksum.sha256"))
	if err != nil || string(sums) != miniLMSHA256+"  model.onnx\n" {
		t.Errorf("checksum.sha256 = %q, %v", sums, err)
	}

	// schema.json is the plan's contract, plus token_type_ids because this
	// graph takes that input.
	want := map[string]any{}
	if err := json.Unmarshal([]byte(planSchema), &want); err != nil {
		t.Fatal(err)
	}
	want["input"].(map[string]any)["token_type_ids"] = map[string]any{"dtype": "int64", "shape": []any{"batch", "seq_len"}}
	if got := readJSONMap(t, filepath.Join(out, "schema.json")); !reflect.DeepEqual(got, want) {
		t.Errorf("schema.json = %v\nwant %v", got, want)
	}
	lm := readJSONMap(t, filepath.Join(out, "label_map.json"))
	for i, l := range conllLabels {
		if lm[string(rune('0'+i))] != l {
			t.Errorf("label_map[%d] = %v, want %s", i, lm[string(rune('0'+i))], l)
		}
	}
	md := readJSONMap(t, filepath.Join(out, "metadata.json"))
	if md["version"] != "1.0.0" || md["created"] != "2026-11-22T04:00:00Z" || md["quantization"] != "fp32" ||
		md["f1"] != nil || md["latency_p95_ms"] != nil || md["size_bytes"] != float64(miniLMSize) {
		t.Errorf("metadata.json = %v", md)
	}
	if p := md["privacy"].(map[string]any); p["epsilon"] != nil || p["sensitivity"] != 1.0 || p["noise_layer"] != "logits" {
		t.Errorf("metadata privacy = %v", p)
	}
	man := b.Manifest
	if man.ModelID != "obscura-minilm-conll-fp32-v1.0.0" || man.Quantization != "fp32" || man.Latency.P95 != nil || man.Accuracy.F1 != nil {
		t.Errorf("manifest = %+v", man)
	}
	if man.Tokenizer.Class != "BertTokenizer" || man.Tokenizer.VocabSize != 30522 || !man.Tokenizer.Lowercase || man.Tokenizer.SpecialTokens["cls_token"] != "[CLS]" {
		t.Errorf("manifest tokenizer = %+v", man.Tokenizer)
	}
	if !strings.Contains(man.BaseModel, "all-MiniLM-L6-v2") {
		t.Errorf("base model = %q", man.BaseModel)
	}
	// What the engine sees is the same model.
	if !reflect.DeepEqual(b.Config, src.Config) || b.EmbeddingRows != src.EmbeddingRows || b.Tokenizer.VocabSize != src.Tokenizer.VocabSize {
		t.Errorf("bundle config/tokenizer differ from the source's")
	}

	t.Run("truncated model refused", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "b")
		linkTree(t, out, dir)
		whole, err := os.ReadFile(filepath.Join(out, "model.onnx"))
		if err != nil {
			t.Fatal(err)
		}
		short := whole[:1<<20]
		replaceFile(t, filepath.Join(dir, "model.onnx"), short)
		shortSum, _, _ := FileSHA256(filepath.Join(dir, "model.onnx"))
		_, err = Load(dir)
		var ce *ChecksumError
		if !errors.As(err, &ce) || ce.File != "model.onnx" || ce.Want != miniLMSHA256 || ce.Got != shortSum {
			t.Fatalf("Load(truncated) = %v, want a ChecksumError for model.onnx", err)
		}
		for _, s := range []string{"model.onnx", miniLMSHA256, shortSum} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("error %q does not name %s", err, s)
			}
		}
	})

	t.Run("measured figures recorded", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "b")
		linkTree(t, out, dir)
		f1, p50, p95 := 0.9139, 11.5, 14.25
		at := time.Date(2026, 11, 22, 5, 0, 0, 0, time.UTC)
		if err := UpdateMeasured(dir, Measurement{F1: &f1, Dataset: "conll2003-valid", LatencyP50Ms: &p50, LatencyP95Ms: &p95, SeqLen: 128, Threads: 2, At: at}); err != nil {
			t.Fatal(err)
		}
		m, err := Load(dir) // still verifies: the graph was not touched
		if err != nil {
			t.Fatal(err)
		}
		a, l := m.Manifest.Accuracy, m.Manifest.Latency
		if *a.F1 != f1 || a.Dataset != "conll2003-valid" || a.Precision != nil || *l.P50 != p50 || *l.P95 != p95 || l.SeqLen != 128 || l.MeasuredAt != "2026-11-22T05:00:00Z" {
			t.Errorf("manifest after update: accuracy %+v latency %+v", a, l)
		}
		if *m.Metadata.F1 != f1 || *m.Metadata.LatencyP95Ms != p95 {
			t.Errorf("metadata after update: %+v", m.Metadata)
		}
		// The original bundle (sharing hard links) is unchanged.
		if orig := readJSONMap(t, filepath.Join(out, "manifest.json")); orig["accuracy"].(map[string]any)["f1"] != nil {
			t.Error("updating a linked copy changed the original manifest")
		}
		bad := 1.5
		if err := UpdateMeasured(dir, Measurement{F1: &bad}); err == nil {
			t.Error("F1 1.5 accepted")
		}
	})
}

func TestBundleSmallTamper(t *testing.T) {
	src, err := Load(smallHFDir(t, smallVocabSize))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "small")
	b, err := WriteBundle(src, out, BundleOptions{ID: "small-test", Version: "0.1.0"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Manifest.ModelID != "small-test" || b.Schema.ModelVersion != "0.1.0" || b.Tokenizer.VocabSize != smallVocabSize || !b.Tokenizer.Lowercase {
		t.Fatalf("bundle: manifest %+v tokenizer vocab %d", b.Manifest, b.Tokenizer.VocabSize)
	}
	if id, ok := b.Tokenizer.ID("[SEP]"); !ok || id != 102 {
		t.Errorf("[SEP] in the built tokenizer.json: %d %v", id, ok)
	}
	if _, err := WriteBundle(src, out, BundleOptions{}); err == nil {
		t.Error("WriteBundle overwrote a non-empty directory")
	}

	cases := []struct {
		name   string
		break_ func(dir string)
		want   string
	}{
		{"flipped byte", func(dir string) {
			p := filepath.Join(dir, "model.onnx")
			data, _ := os.ReadFile(p)
			data[len(data)/2] ^= 0x01
			replaceFile(t, p, data)
		}, "model.onnx fails its checksum"},
		{"checksum file gone", func(dir string) { os.Remove(filepath.Join(dir, "checksum.sha256")) }, "checksum.sha256 is missing"},
		{"manifest digest edited", func(dir string) {
			editJSON(t, filepath.Join(dir, "manifest.json"), func(m map[string]any) { m["sha256"] = strings.Repeat("0", 64) })
		}, "disagrees with checksum.sha256"},
		{"label map edited", func(dir string) {
			editJSON(t, filepath.Join(dir, "label_map.json"), func(m map[string]any) { m["1"] = "B-PERSON" })
		}, "label_map.json disagrees"},
		{"schema label count", func(dir string) {
			editJSON(t, filepath.Join(dir, "schema.json"), func(m map[string]any) { m["label_count"] = 7 })
		}, "label_count 7"},
		{"tokenizer.json gone", func(dir string) { os.Remove(filepath.Join(dir, "tokenizer.json")) }, "tokenizer.json is missing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "b")
			linkTree(t, out, dir)
			c.break_(dir)
			if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Load = %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// TestBuiltTokenizerMatchesHF builds tokenizer.json from the baseline
// model's vocab.txt and tokenizer_config.json alone and compares it with the
// tokenizer.json that Hugging Face's tokenizers library wrote for it.
func TestBuiltTokenizerMatchesHF(t *testing.T) {
	shared := testenv.Shared(t, "models", "obscura-minilm-conll")
	dir := t.TempDir()
	for _, f := range []string{"vocab.txt", "tokenizer_config.json", "special_tokens_map.json"} {
		if _, _, err := copyFile(filepath.Join(shared, f), filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	tk, err := readTokenizer(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(wordPieceJSON(tk))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := readJSONMap(t, filepath.Join(shared, "tokenizer.json"))
	for _, k := range []string{"normalizer", "pre_tokenizer", "decoder", "model", "added_tokens"} {
		if !reflect.DeepEqual(got[k], want[k]) {
			t.Errorf("%s differs from the HF tokenizer.json:\n got %.300v\nwant %.300v", k, got[k], want[k])
		}
	}
	gpp, wpp := got["post_processor"].(map[string]any), want["post_processor"].(map[string]any)
	for _, k := range []string{"type", "single", "pair", "special_tokens"} {
		if !reflect.DeepEqual(gpp[k], wpp[k]) {
			t.Errorf("post_processor.%s differs:\n got %v\nwant %v", k, gpp[k], wpp[k])
		}
	}
}
