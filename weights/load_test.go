package weights

import (
	"errors"
	"strings"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
)

var conllLabels = []string{"O", "B-MISC", "I-MISC", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"}

func TestLoadSharedMiniLM(t *testing.T) {
	dir := testenv.Shared(t, "models", "obscura-minilm-conll")
	m, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.IsBundle {
		t.Error("a Hugging Face directory was taken for a bundle")
	}
	if err := m.RequireONNX(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(m.ONNXPath, "onnx/model.onnx") {
		t.Errorf("ONNXPath = %s, want .../onnx/model.onnx", m.ONNXPath)
	}
	c := m.Config
	if c.ModelType != "bert" || c.Hidden != 384 || c.Layers != 6 || c.Heads != 12 || c.VocabSize != 30522 || c.MaxPositions != 512 {
		t.Errorf("config = %+v", c)
	}
	if strings.Join(c.ID2Label, ",") != strings.Join(conllLabels, ",") {
		t.Errorf("labels = %v", c.ID2Label)
	}
	if m.EmbeddingRows != 30522 {
		t.Errorf("embedding rows = %d (from %s), want 30522", m.EmbeddingRows, m.EmbeddingName)
	}
	tk := m.Tokenizer
	if !tk.Lowercase || tk.VocabSize != 30522 || tk.Type != "WordPiece" || tk.Class != "BertTokenizer" {
		t.Errorf("tokenizer = class %s type %s vocab %d lower %v", tk.Class, tk.Type, tk.VocabSize, tk.Lowercase)
	}
	if id, ok := tk.ID(tk.Special["cls_token"]); !ok || id != 101 {
		t.Errorf("[CLS] id = %d, %v", id, ok)
	}
	if strings.Join(m.Inputs, ",") != "input_ids,attention_mask,token_type_ids" {
		t.Errorf("inputs = %v", m.Inputs)
	}
	if m.Schema.Input.TokenTypeIDs == nil {
		t.Error("schema omits the graph's token_type_ids input")
	}
	if m.Schema.MaxSequenceLength != 512 || m.Schema.LabelCount != 9 || m.Schema.ConfidenceThreshold != 0.85 || m.Schema.Aggregation != "first" {
		t.Errorf("schema = %+v", m.Schema)
	}
}

func TestLoadSharedTokenizerOnly(t *testing.T) {
	dir := testenv.Shared(t, "models", "bert-base-NER-tokenizer")
	m, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.ONNXPath != "" || m.Graph != nil {
		t.Fatalf("found a graph at %q in a tokenizer-only directory", m.ONNXPath)
	}
	err = m.RequireONNX()
	if !errors.Is(err, ErrNoONNX) || !strings.Contains(err.Error(), "onnx/model.onnx") {
		t.Fatalf("RequireONNX = %v, want ErrNoONNX naming the paths looked at", err)
	}
	if err := m.RequireTokenizer(); err != nil {
		t.Fatal(err)
	}
	if m.Tokenizer.Lowercase {
		t.Error("bert-base-NER is cased, loaded as lowercasing")
	}
	if m.Tokenizer.VocabSize != 28996 || m.Config.VocabSize != 28996 || m.Config.Hidden != 768 || m.Config.Layers != 12 {
		t.Errorf("vocab %d, config %+v", m.Tokenizer.VocabSize, m.Config)
	}
	if strings.Join(m.Config.ID2Label, ",") != strings.Join(conllLabels, ",") {
		t.Errorf("labels = %v", m.Config.ID2Label)
	}
}
