package weights

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
)

// Config is the part of a Hugging Face config.json that Obscura uses.
type Config struct {
	ModelType     string
	Architectures []string
	// ID2Label[i] is the label of logit column i. It is dense: config.json's
	// id2label must cover 0..n-1 exactly.
	ID2Label      []string
	Hidden        int
	Layers        int
	Heads         int
	Intermediate  int
	VocabSize     int
	MaxPositions  int
	TypeVocabSize int
	PadTokenID    int
	LayerNormEps  float64
	// DoLowerCase is config.json's do_lower_case when it states one (rare;
	// tokenizer_config.json usually carries it).
	DoLowerCase *bool
	// NameOrPath is _name_or_path, BaseModel the base_model field, if any.
	NameOrPath string
	BaseModel  string
}

// rawConfig mirrors config.json. Field names differ between model families
// (DistilBERT says dim/n_layers/n_heads), so both spellings are read.
type rawConfig struct {
	ModelType     string            `json:"model_type"`
	Architectures []string          `json:"architectures"`
	ID2Label      map[string]string `json:"id2label"`
	NumLabels     int               `json:"num_labels"`
	NumLabelsOld  int               `json:"_num_labels"`
	Hidden        int               `json:"hidden_size"`
	Dim           int               `json:"dim"`
	Layers        int               `json:"num_hidden_layers"`
	NLayers       int               `json:"n_layers"`
	Heads         int               `json:"num_attention_heads"`
	NHeads        int               `json:"n_heads"`
	Intermediate  int               `json:"intermediate_size"`
	HiddenDim     int               `json:"hidden_dim"`
	VocabSize     int               `json:"vocab_size"`
	MaxPositions  int               `json:"max_position_embeddings"`
	TypeVocabSize int               `json:"type_vocab_size"`
	PadTokenID    *int              `json:"pad_token_id"`
	LayerNormEps  float64           `json:"layer_norm_eps"`
	DoLowerCase   *bool             `json:"do_lower_case"`
	NameOrPath    string            `json:"_name_or_path"`
	BaseModel     string            `json:"base_model"`
}

func firstNonZero(v ...int) int {
	for _, x := range v {
		if x != 0 {
			return x
		}
	}
	return 0
}

// ReadConfig parses a Hugging Face config.json.
func ReadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("weights: %w", err)
	}
	return parseConfig(b, filepath.Base(path))
}

func parseConfig(b []byte, name string) (Config, error) {
	var r rawConfig
	if err := json.Unmarshal(b, &r); err != nil {
		return Config{}, fmt.Errorf("weights: %s: %w", name, err)
	}
	c := Config{
		ModelType:     r.ModelType,
		Architectures: r.Architectures,
		Hidden:        firstNonZero(r.Hidden, r.Dim),
		Layers:        firstNonZero(r.Layers, r.NLayers),
		Heads:         firstNonZero(r.Heads, r.NHeads),
		Intermediate:  firstNonZero(r.Intermediate, r.HiddenDim),
		VocabSize:     r.VocabSize,
		MaxPositions:  r.MaxPositions,
		TypeVocabSize: r.TypeVocabSize,
		LayerNormEps:  r.LayerNormEps,
		DoLowerCase:   r.DoLowerCase,
		NameOrPath:    r.NameOrPath,
		BaseModel:     r.BaseModel,
	}
	if r.PadTokenID != nil {
		c.PadTokenID = *r.PadTokenID
	}
	if c.ModelType == "" {
		return Config{}, fmt.Errorf("weights: %s: no model_type", name)
	}
	labels, err := denseLabels(r.ID2Label, name)
	if err != nil {
		return Config{}, err
	}
	if n := firstNonZero(r.NumLabels, r.NumLabelsOld); n != 0 && len(labels) != 0 && n != len(labels) {
		return Config{}, fmt.Errorf("weights: %s: num_labels %d but id2label has %d entries", name, n, len(labels))
	}
	c.ID2Label = labels
	return c, nil
}

// denseLabels turns {"0":"O","1":"B-PER",...} into a slice, refusing gaps,
// duplicates and non-numeric keys.
func denseLabels(m map[string]string, name string) ([]string, error) {
	if len(m) == 0 {
		return nil, nil
	}
	ids := make([]int, 0, len(m))
	byID := map[int]string{}
	for k, v := range m {
		id, err := strconv.Atoi(k)
		if err != nil || id < 0 {
			return nil, fmt.Errorf("weights: %s: id2label key %q is not a label index", name, k)
		}
		byID[id] = v
		ids = append(ids, id)
	}
	sort.Ints(ids)
	out := make([]string, len(ids))
	seen := map[string]bool{}
	for i, id := range ids {
		if id != i {
			return nil, fmt.Errorf("weights: %s: id2label is not dense: index %d missing", name, i)
		}
		if seen[byID[id]] {
			return nil, fmt.Errorf("weights: %s: label %q appears twice in id2label", name, byID[id])
		}
		seen[byID[id]] = true
		out[i] = byID[id]
	}
	return out, nil
}
