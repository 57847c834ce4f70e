package weights

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/obscura-ai/obscura/weights/onnx"
)

// Model is a loaded model directory: either a Hugging Face directory as
// downloaded, or an Obscura bundle. Loading has verified the bundle
// checksum (bundles only) and that the tokenizer fits the model.
type Model struct {
	// Dir is the directory loaded.
	Dir string
	// IsBundle is true for an Obscura bundle (a directory with
	// manifest.json, schema.json or checksum.sha256).
	IsBundle bool
	// ONNXPath is the model graph: model.onnx in a bundle, onnx/model.onnx
	// or model.onnx in a Hugging Face directory. It is "" when the
	// directory has no graph (a tokenizer-only download); RequireONNX then
	// says so.
	ONNXPath string
	// ConfigPath is config.json.
	ConfigPath string
	Config     Config
	// Tokenizer gives the tokenizer files (TokenizerDir holds them all) and
	// the facts checked against the model.
	TokenizerDir string
	Tokenizer    *Tokenizer
	// EmbeddingRows is the word-embedding table's row count, 0 without a
	// graph; EmbeddingName the initializer it was read from.
	EmbeddingRows int
	EmbeddingName string
	// Inputs are the graph's input names (e.g. input_ids, attention_mask,
	// token_type_ids); nil without a graph.
	Inputs []string
	// Schema is schema.json for a bundle, and the default contract for a
	// Hugging Face directory.
	Schema Schema
	// Manifest and Metadata are the bundle's manifest.json and
	// metadata.json; nil for a Hugging Face directory.
	Manifest *Manifest
	Metadata *Metadata
	// Graph is the parsed ONNX model (nil without one), kept so that the
	// engine need not parse the file a second time. A caller that builds
	// its own tensors from it may set it to nil to release the memory.
	Graph *onnx.Model
}

// ErrNoONNX is returned (wrapped) by RequireONNX for a directory without a
// model graph.
var ErrNoONNX = errors.New("no ONNX model file")

// RequireONNX returns an error naming the directory and the paths looked
// at when the model has no ONNX graph.
func (m *Model) RequireONNX() error {
	if m.ONNXPath != "" {
		return nil
	}
	if m.IsBundle {
		return fmt.Errorf("weights: %w in bundle %s (model.onnx is missing)", ErrNoONNX, m.Dir)
	}
	return fmt.Errorf("weights: %w in %s: looked for onnx/model.onnx and model.onnx; this directory has the tokenizer and config only (download the weights, e.g. obscura pull ORG/NAME)", ErrNoONNX, m.Dir)
}

// RequireTokenizer returns an error when the directory has neither
// tokenizer.json nor vocab.txt.
func (m *Model) RequireTokenizer() error {
	if m.Tokenizer.Present() {
		return nil
	}
	return fmt.Errorf("weights: no tokenizer in %s: looked for tokenizer.json and vocab.txt", m.Dir)
}

// Labels returns the label of each logit column.
func (m *Model) Labels() []string { return m.Config.ID2Label }

// onnxCandidates are where a Hugging Face download keeps its graph, in
// order of preference.
var onnxCandidates = []string{filepath.Join("onnx", "model.onnx"), "model.onnx"}

// isBundleDir reports whether dir is laid out as an Obscura bundle.
func isBundleDir(dir string) bool {
	for _, f := range []string{fileManifest, fileSchema, fileChecksum} {
		if fileExists(filepath.Join(dir, f)) {
			return true
		}
	}
	return false
}

// Load loads a Hugging Face model directory or an Obscura bundle. It
// verifies a bundle's checksums before reading its graph and refuses a
// tokenizer that does not fit the model. A directory without an ONNX graph
// loads (for its tokenizer and config); RequireONNX reports the absence.
func Load(dir string) (*Model, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("weights: model directory: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("weights: %s is not a directory", dir)
	}
	m := &Model{Dir: dir, IsBundle: isBundleDir(dir), TokenizerDir: dir}
	m.ConfigPath = filepath.Join(dir, "config.json")
	if !fileExists(m.ConfigPath) {
		if entries, _ := listModelDirs(dir); len(entries) > 0 {
			return nil, fmt.Errorf("weights: %s is a models directory holding %d models, not one model; pass one of them or let weights.Resolve pick", dir, len(entries))
		}
		if m.IsBundle {
			return nil, fmt.Errorf("weights: bundle %s: config.json is missing (it carries the architecture and labels)", dir)
		}
		return nil, fmt.Errorf("weights: %s has no config.json: not a model directory", dir)
	}
	if m.Config, err = ReadConfig(m.ConfigPath); err != nil {
		return nil, err
	}
	if len(m.Config.ID2Label) == 0 {
		return nil, fmt.Errorf("weights: %s: config.json has no id2label: not a token classifier", dir)
	}
	if m.IsBundle {
		if err := m.loadBundleFiles(); err != nil {
			return nil, err
		}
	} else {
		for _, c := range onnxCandidates {
			if p := filepath.Join(dir, c); fileExists(p) {
				m.ONNXPath = p
				break
			}
		}
		m.Schema = DefaultSchema(m.Config, "")
	}
	if m.Tokenizer, err = readTokenizer(dir); err != nil {
		return nil, err
	}
	if m.IsBundle {
		for _, f := range []string{"tokenizer.json", "special_tokens_map.json"} {
			if !fileExists(filepath.Join(dir, f)) {
				return nil, fmt.Errorf("weights: bundle %s: %s is missing", dir, f)
			}
		}
	}
	if m.ONNXPath != "" {
		if m.Graph, err = onnx.Load(m.ONNXPath); err != nil {
			return nil, fmt.Errorf("weights: %w", err)
		}
		if m.EmbeddingRows, m.EmbeddingName, err = EmbeddingRows(m.Graph); err != nil {
			return nil, err
		}
		m.Inputs = graphInputs(m.Graph)
		if !m.IsBundle && slices.Contains(m.Inputs, "token_type_ids") {
			m.Schema.Input.TokenTypeIDs = &TensorSpec{DType: "int64", Shape: []string{"batch", "seq_len"}}
		}
		if m.Config.VocabSize != 0 && m.Config.VocabSize != m.EmbeddingRows {
			return nil, fmt.Errorf("weights: %s: config.json vocab_size %d but the graph's word-embedding table has %d rows", dir, m.Config.VocabSize, m.EmbeddingRows)
		}
		if n := logitsLabels(m.Graph); n != 0 && n != len(m.Config.ID2Label) {
			return nil, fmt.Errorf("weights: %s: the graph outputs %d logits per token but config.json has %d labels", dir, n, len(m.Config.ID2Label))
		}
	}
	if err := m.Tokenizer.check(dir, m.Config, m.EmbeddingRows); err != nil {
		return nil, err
	}
	if err := m.checkManifestTokenizer(); err != nil {
		return nil, err
	}
	return m, nil
}
