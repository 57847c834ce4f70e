package weights

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gomlx/compute-onnx/support/protos"
	"github.com/obscura-ai/obscura/weights/onnx"
)

// The files of an Obscura bundle (product plan §3.3). config.json,
// tokenizer_config.json and vocab.txt are carried too when the source has
// them: the engine reads the architecture from config.json.
const (
	fileModel     = "model.onnx"
	fileTokenizer = "tokenizer.json"
	fileSpecial   = "special_tokens_map.json"
	fileSchema    = "schema.json"
	fileLabelMap  = "label_map.json"
	fileChecksum  = "checksum.sha256"
	fileMetadata  = "metadata.json"
	fileManifest  = "manifest.json"
	fileConfig    = "config.json"
)

// Defaults of the bundle contract.
const (
	DefaultMaxSequenceLength = 512
	// DefaultAggregation departs from the plan's example contract
	// ("simple"): token classifiers fine-tuned with first-subword labels, as
	// Hugging Face's recipe and our baseline are, often tag a word's later
	// subwords B-, which "simple" turns into split entities. On CoNLL-2003
	// valid "first" lifts PERSON F1 from 68.9 to 89.6 for the baseline.
	DefaultAggregation         = "first"
	DefaultConfidenceThreshold = 0.85
	DefaultVersion             = "1.0.0"
	// DefaultSensitivity is the plan's Δf for logit noise: changing one
	// input token flips at most one output label (plan §4.1).
	DefaultSensitivity = 1.0
	// NoiseLayerLogits names where Laplace noise is added (plan §4.1).
	NoiseLayerLogits = "logits"
)

// Quantization names used in manifests and metadata.
const (
	QuantFP32 = "fp32"
	QuantINT8 = "int8"
)

// TensorSpec is one input or output of the contract.
type TensorSpec struct {
	DType string   `json:"dtype"`
	Shape []string `json:"shape"`
}

// SchemaInput is the contract's inputs. token_type_ids appears only when
// the graph declares that input (BERT exports do; the plan's example,
// written for a DistilBERT-style graph, does not).
type SchemaInput struct {
	InputIDs      TensorSpec  `json:"input_ids"`
	AttentionMask TensorSpec  `json:"attention_mask"`
	TokenTypeIDs  *TensorSpec `json:"token_type_ids,omitempty"`
}

// SchemaOutput is the contract's output.
type SchemaOutput struct {
	Logits TensorSpec `json:"logits"`
}

// MappingFormat documents the mapping dictionary returned by redaction.
type MappingFormat struct {
	Description   string            `json:"description"`
	Example       map[string]string `json:"example"`
	Serialization string            `json:"serialization"`
}

// Schema is schema.json, the integration contract of plan §3.3.
type Schema struct {
	ModelVersion            string        `json:"model_version"`
	Input                   SchemaInput   `json:"input"`
	Output                  SchemaOutput  `json:"output"`
	MaxSequenceLength       int           `json:"max_sequence_length"`
	LabelCount              int           `json:"label_count"`
	Aggregation             string        `json:"aggregation"`
	ConfidenceThreshold     float64       `json:"confidence_threshold"`
	MappingDictionaryFormat MappingFormat `json:"mapping_dictionary_format"`
	// CaseChannel says that token_type_ids carry capitalisation: 1 on every
	// piece of a word that starts with an upper-case letter, 0 elsewhere
	// (obscura train --case-channel). Inference must set them the same way.
	CaseChannel bool `json:"case_channel,omitempty"`
}

// DefaultSchema is the plan's contract for a model with cfg's labels:
// max_sequence_length 512 (less if the model has fewer positions),
// aggregation "first" (see DefaultAggregation), confidence_threshold 0.85.
func DefaultSchema(cfg Config, version string) Schema {
	if version == "" {
		version = DefaultVersion
	}
	maxLen := DefaultMaxSequenceLength
	if cfg.MaxPositions > 0 && cfg.MaxPositions < maxLen {
		maxLen = cfg.MaxPositions
	}
	ids := TensorSpec{DType: "int64", Shape: []string{"batch", "seq_len"}}
	return Schema{
		ModelVersion: version,
		Input:        SchemaInput{InputIDs: ids, AttentionMask: ids},
		Output: SchemaOutput{Logits: TensorSpec{
			DType: "float32", Shape: []string{"batch", "seq_len", "num_labels"},
		}},
		MaxSequenceLength:   maxLen,
		LabelCount:          len(cfg.ID2Label),
		Aggregation:         DefaultAggregation,
		ConfidenceThreshold: DefaultConfidenceThreshold,
		MappingDictionaryFormat: MappingFormat{
			Description:   "Token-to-original-text mapping for restoration",
			Example:       map[string]string{"[PERSON_1]": "John Smith", "[SSN_1]": "123-45-6789"},
			Serialization: "JSON object, keys are tokens, values are original text",
		},
	}
}

var aggregations = map[string]bool{"none": true, "simple": true, "first": true, "average": true, "max": true}

func (s *Schema) validate(cfg Config) error {
	switch {
	case s.LabelCount != len(cfg.ID2Label):
		return fmt.Errorf("label_count %d but config.json has %d labels", s.LabelCount, len(cfg.ID2Label))
	case s.MaxSequenceLength <= 0 || (cfg.MaxPositions > 0 && s.MaxSequenceLength > cfg.MaxPositions):
		return fmt.Errorf("max_sequence_length %d outside 1..%d", s.MaxSequenceLength, cfg.MaxPositions)
	case !(s.ConfidenceThreshold > 0 && s.ConfidenceThreshold <= 1):
		return fmt.Errorf("confidence_threshold %v outside (0, 1]", s.ConfidenceThreshold)
	case !aggregations[s.Aggregation]:
		return fmt.Errorf("unknown aggregation %q", s.Aggregation)
	}
	return nil
}

// Latency holds measured latency percentiles in milliseconds; nil until a
// benchmark fills them.
type Latency struct {
	P50        *float64 `json:"p50"`
	P95        *float64 `json:"p95"`
	SeqLen     int      `json:"seq_len,omitempty"`
	Threads    int      `json:"threads,omitempty"`
	MeasuredOn string   `json:"measured_on,omitempty"`
	MeasuredAt string   `json:"measured_at,omitempty"`
}

// Accuracy holds measured entity-level scores in [0, 1]; nil until an
// evaluation fills them.
type Accuracy struct {
	F1         *float64 `json:"f1"`
	Precision  *float64 `json:"precision"`
	Recall     *float64 `json:"recall"`
	Dataset    string   `json:"dataset,omitempty"`
	MeasuredAt string   `json:"measured_at,omitempty"`
}

// TokenizerManifest describes the tokenizer a bundle ships.
type TokenizerManifest struct {
	Class         string            `json:"class"`
	Type          string            `json:"type"`
	VocabSize     int               `json:"vocab_size"`
	Lowercase     bool              `json:"lowercase"`
	SpecialTokens map[string]string `json:"special_tokens"`
}

// Manifest is manifest.json: one per bundle variant.
type Manifest struct {
	ModelID      string            `json:"model_id"`
	BaseModel    string            `json:"base_model"`
	Version      string            `json:"version"`
	Quantization string            `json:"quantization"`
	SizeBytes    int64             `json:"size_bytes"`
	Latency      Latency           `json:"latency_ms"`
	Accuracy     Accuracy          `json:"accuracy"`
	Tokenizer    TokenizerManifest `json:"tokenizer"`
	SHA256       string            `json:"sha256"`
}

// Privacy records the differential-privacy parameters of plan §4: Laplace
// noise of scale Sensitivity/Epsilon added at NoiseLayer. Epsilon nil means
// no noise.
type Privacy struct {
	Epsilon     *float64 `json:"epsilon"`
	Sensitivity float64  `json:"sensitivity"`
	NoiseLayer  string   `json:"noise_layer"`
	Mechanism   string   `json:"mechanism"`
}

// Metadata is metadata.json.
type Metadata struct {
	Version      string   `json:"version"`
	Created      string   `json:"created"`
	BaseModel    string   `json:"base_model"`
	Quantization string   `json:"quantization"`
	F1           *float64 `json:"f1"`
	LatencyP95Ms *float64 `json:"latency_p95_ms"`
	SizeBytes    int64    `json:"size_bytes"`
	Privacy      Privacy  `json:"privacy"`
	// Thresholds are per-type confidence thresholds tuned on a validation
	// split (plan strategy 6), keyed by entity type after the label map
	// (PERSON, MEDICATION, ...) or by the model's own tag (PER); a type not
	// listed uses the schema's confidence_threshold. Each is in (0, 1].
	Thresholds map[string]float64 `json:"thresholds,omitempty"`
	// Training describes how obscura train made the weights (data, recipe,
	// seed, validation scores); absent for models trained elsewhere.
	Training json.RawMessage `json:"training,omitempty"`
	// SourceSHA256 is, for a bundle whose graph was made from another
	// model's (the INT8 export of an fp32 model), the SHA-256 of that
	// source graph: Int8Variant refuses an INT8 bundle whose source is no
	// longer the model it stands for.
	SourceSHA256 string `json:"source_sha256,omitempty"`
}

// ChecksumError reports a bundle file whose SHA-256 differs from the one
// recorded in checksum.sha256.
type ChecksumError struct {
	Dir, File string
	Want, Got string
}

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("weights: bundle %s: %s fails its checksum: checksum.sha256 says sha256 %s, the file has %s (tampered or truncated; re-create or re-download the bundle)", e.Dir, e.File, e.Want, e.Got)
}

// graphSHA256 is the SHA-256 of a model's graph: recorded, the sum a
// bundle's manifest gives (its checksums are verified when it loads), or
// else that of the file at path.
func graphSHA256(recorded, path string) (string, error) {
	if recorded != "" {
		return recorded, nil
	}
	sum, _, err := FileSHA256(path)
	if err != nil {
		return "", fmt.Errorf("weights: %w", err)
	}
	return sum, nil
}

// FileSHA256 returns the hex SHA-256 and size of a file.
func FileSHA256(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// readChecksums parses checksum.sha256 in sha256sum format
// ("<hex>  <name>" per line, optional '*' before the name).
func readChecksums(path string) (map[string]string, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("weights: %w", err)
	}
	defer f.Close()
	sums := map[string]string{}
	var order []string
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Fields(text)
		if len(fields) != 2 || len(fields[0]) != 64 {
			return nil, nil, fmt.Errorf("weights: %s line %d: want \"<sha256>  <file>\"", fileChecksum, line)
		}
		if _, err := hex.DecodeString(fields[0]); err != nil {
			return nil, nil, fmt.Errorf("weights: %s line %d: bad hex", fileChecksum, line)
		}
		name := filepath.ToSlash(strings.TrimPrefix(fields[1], "*"))
		if !filepath.IsLocal(name) {
			return nil, nil, fmt.Errorf("weights: %s line %d: file name must be a path inside the bundle", fileChecksum, line)
		}
		sums[name] = strings.ToLower(fields[0])
		order = append(order, name)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("weights: %s: %w", fileChecksum, err)
	}
	return sums, order, nil
}

// loadBundleFiles verifies checksums and reads the bundle's own files.
func (m *Model) loadBundleFiles() error {
	dir := m.Dir
	for _, f := range []string{fileModel, fileSchema, fileLabelMap, fileChecksum, fileMetadata, fileManifest} {
		if !fileExists(filepath.Join(dir, f)) {
			return fmt.Errorf("weights: bundle %s: %s is missing", dir, f)
		}
	}
	sums, order, err := readChecksums(filepath.Join(dir, fileChecksum))
	if err != nil {
		return err
	}
	if _, ok := sums[fileModel]; !ok {
		return fmt.Errorf("weights: bundle %s: %s does not list %s", dir, fileChecksum, fileModel)
	}
	for _, name := range order {
		got, _, err := FileSHA256(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return fmt.Errorf("weights: bundle %s: %s is listed in %s but cannot be read: %w", dir, name, fileChecksum, err)
		}
		if got != sums[name] {
			return &ChecksumError{Dir: dir, File: name, Want: sums[name], Got: got}
		}
	}
	m.ONNXPath = filepath.Join(dir, fileModel)
	if err := readJSONFile(filepath.Join(dir, fileSchema), &m.Schema); err != nil {
		return err
	}
	if err := m.Schema.validate(m.Config); err != nil {
		return fmt.Errorf("weights: bundle %s: %s: %w", dir, fileSchema, err)
	}
	var lm map[string]string
	if err := readJSONFile(filepath.Join(dir, fileLabelMap), &lm); err != nil {
		return err
	}
	labels, err := denseLabels(lm, fileLabelMap)
	if err != nil {
		return err
	}
	if strings.Join(labels, "\x00") != strings.Join(m.Config.ID2Label, "\x00") {
		return fmt.Errorf("weights: bundle %s: %s disagrees with config.json's id2label", dir, fileLabelMap)
	}
	m.Manifest, m.Metadata = &Manifest{}, &Metadata{}
	if err := readJSONFile(filepath.Join(dir, fileManifest), m.Manifest); err != nil {
		return err
	}
	if err := readJSONFile(filepath.Join(dir, fileMetadata), m.Metadata); err != nil {
		return err
	}
	for _, t := range m.Metadata.Thresholds {
		if !(t > 0 && t <= 1) {
			return fmt.Errorf("weights: bundle %s: %s: a per-type threshold is outside (0, 1]", dir, fileMetadata)
		}
	}
	if m.Manifest.SHA256 != sums[fileModel] {
		return fmt.Errorf("weights: bundle %s: %s sha256 %s disagrees with %s (%s)", dir, fileManifest, m.Manifest.SHA256, fileChecksum, sums[fileModel])
	}
	return nil
}

// checkManifestTokenizer verifies that manifest.json describes the
// tokenizer actually shipped.
func (m *Model) checkManifestTokenizer() error {
	if m.Manifest == nil {
		return nil
	}
	mt, t := m.Manifest.Tokenizer, m.Tokenizer
	if mt.VocabSize != t.VocabSize || mt.Lowercase != t.Lowercase {
		return &TokenizerMismatchError{Dir: m.Dir, Reason: fmt.Sprintf("manifest.json says vocab_size %d lowercase %v, the shipped tokenizer has %d and %v", mt.VocabSize, mt.Lowercase, t.VocabSize, t.Lowercase)}
	}
	return nil
}

// BundleOptions controls WriteBundle. Zero values take defaults.
type BundleOptions struct {
	// ID is the manifest's model_id; default "<source dir name>-<quant>-v<version>".
	ID string
	// Version is the bundle version (default 1.0.0).
	Version string
	// BaseModel defaults to config.json's base_model, then _name_or_path,
	// then the source directory's name.
	BaseModel string
	// Quantization is QuantFP32 (default) or QuantINT8.
	Quantization string
	// ONNXPath overrides the graph copied into the bundle (e.g. an INT8
	// export of the source model); default the source model's graph.
	ONNXPath string
	// Created is the creation time (default now).
	Created time.Time
	// Schema overrides the default contract (its label_count must match).
	Schema *Schema
	// Privacy overrides the default (no noise, sensitivity 1, logits).
	Privacy *Privacy
	// Thresholds are per-type confidence thresholds for metadata.json
	// (see Metadata.Thresholds); nil means none.
	Thresholds map[string]float64
	// Training is metadata.json's training record (see Metadata.Training).
	Training json.RawMessage
}

// WriteBundle writes an Obscura bundle for src into outDir, which must not
// exist or be empty, then loads it back (verifying it) and returns it. The
// bundle is assembled in a temporary sibling directory and renamed into
// place, so a failed write leaves no half bundle.
func WriteBundle(src *Model, outDir string, opt BundleOptions) (*Model, error) {
	if err := src.RequireONNX(); err != nil {
		return nil, err
	}
	if err := src.RequireTokenizer(); err != nil {
		return nil, err
	}
	if entries, err := os.ReadDir(outDir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("weights: bundle output %s exists and is not empty", outDir)
	}
	if opt.Version == "" {
		opt.Version = DefaultVersion
	}
	if opt.Quantization == "" {
		opt.Quantization = QuantFP32
	}
	if opt.Quantization != QuantFP32 && opt.Quantization != QuantINT8 {
		return nil, fmt.Errorf("weights: unknown quantization %q", opt.Quantization)
	}
	if opt.BaseModel == "" {
		opt.BaseModel = firstString(src.Config.BaseModel, src.Config.NameOrPath, filepath.Base(filepath.Clean(src.Dir)))
	}
	if opt.ID == "" {
		opt.ID = fmt.Sprintf("%s-%s-v%s", filepath.Base(filepath.Clean(src.Dir)), opt.Quantization, opt.Version)
	}
	if opt.Created.IsZero() {
		opt.Created = time.Now()
	}
	graphPath := src.ONNXPath
	var sourceSum string
	if opt.ONNXPath != "" && filepath.Clean(opt.ONNXPath) != filepath.Clean(src.ONNXPath) {
		graphPath = opt.ONNXPath
		var recorded string
		if src.IsBundle && src.Manifest != nil {
			recorded = src.Manifest.SHA256
		}
		sum, err := graphSHA256(recorded, src.ONNXPath)
		if err != nil {
			return nil, err
		}
		sourceSum = sum
	} else if src.Metadata != nil {
		sourceSum = src.Metadata.SourceSHA256 // a re-bundled INT8 bundle keeps its source
	}
	parent := filepath.Dir(filepath.Clean(outDir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(outDir)+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes it 0700
		return nil, fmt.Errorf("weights: %w", err)
	}
	sums, size, err := copyGraph(graphPath, tmp)
	if err != nil {
		return nil, err
	}
	if err := writeTokenizerFiles(src, tmp); err != nil {
		return nil, err
	}
	schema := DefaultSchema(src.Config, opt.Version)
	switch {
	case opt.Schema != nil:
		schema = *opt.Schema
		schema.ModelVersion = opt.Version
	case src.IsBundle:
		// Re-bundling (say, the INT8 variant of a trained bundle) keeps the
		// source's contract: its threshold, aggregation and case channel.
		schema = src.Schema
		schema.ModelVersion = opt.Version
	}
	if src.Metadata != nil {
		if opt.Thresholds == nil {
			opt.Thresholds = src.Metadata.Thresholds
		}
		if opt.Training == nil {
			opt.Training = src.Metadata.Training
		}
		if opt.Privacy == nil && src.Metadata.Privacy.Epsilon != nil {
			// Re-bundling keeps the source's inference noise too: an INT8
			// variant that silently dropped it would serve without the
			// privacy the source promised.
			p := src.Metadata.Privacy
			opt.Privacy = &p
		}
	}
	if slices.Contains(src.Inputs, "token_type_ids") {
		schema.Input.TokenTypeIDs = &TensorSpec{DType: "int64", Shape: []string{"batch", "seq_len"}}
	}
	if err := schema.validate(src.Config); err != nil {
		return nil, fmt.Errorf("weights: schema: %w", err)
	}
	labelMap := map[string]string{}
	for i, l := range src.Config.ID2Label {
		labelMap[strconv.Itoa(i)] = l
	}
	privacy := Privacy{Sensitivity: DefaultSensitivity, NoiseLayer: NoiseLayerLogits, Mechanism: "laplace"}
	if opt.Privacy != nil {
		privacy = *opt.Privacy
	}
	t := src.Tokenizer
	manifest := Manifest{
		ModelID: opt.ID, BaseModel: opt.BaseModel, Version: opt.Version,
		Quantization: opt.Quantization, SizeBytes: size,
		Tokenizer: TokenizerManifest{
			Class: firstString(t.Class, "BertTokenizer"), Type: t.Type, VocabSize: t.VocabSize,
			Lowercase: t.Lowercase, SpecialTokens: t.Special,
		},
		SHA256: sums[fileModel],
	}
	metadata := Metadata{
		Version: opt.Version, Created: opt.Created.UTC().Format(time.RFC3339),
		BaseModel: opt.BaseModel, Quantization: opt.Quantization, SizeBytes: size, Privacy: privacy,
		Thresholds: opt.Thresholds, Training: opt.Training, SourceSHA256: sourceSum,
	}
	for name, v := range map[string]any{fileSchema: schema, fileLabelMap: labelMap, fileManifest: manifest, fileMetadata: metadata} {
		if err := writeJSON(filepath.Join(tmp, name), v); err != nil {
			return nil, err
		}
	}
	if err := writeChecksums(filepath.Join(tmp, fileChecksum), sums); err != nil {
		return nil, err
	}
	if err := os.Remove(outDir); err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("weights: %w", err)
	}
	if err := os.Rename(tmp, outDir); err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	return Load(outDir)
}

// copyGraph copies the ONNX file to dir/model.onnx together with any
// external-data files it references (kept at the same relative paths) and
// returns their SHA-256 sums and total size.
func copyGraph(src, dir string) (map[string]string, int64, error) {
	g, err := onnx.Load(src)
	if err != nil {
		return nil, 0, fmt.Errorf("weights: %w", err)
	}
	files := []string{}
	seen := map[string]bool{}
	for _, t := range g.Proto.Graph.Initializer {
		if t.DataLocation != protos.TensorProto_EXTERNAL {
			continue
		}
		for _, kv := range t.ExternalData {
			if kv.Key == "location" && !seen[kv.Value] {
				if !filepath.IsLocal(kv.Value) {
					return nil, 0, fmt.Errorf("weights: %s: external data location must be a path inside the model directory", filepath.Base(src))
				}
				seen[kv.Value] = true
				files = append(files, kv.Value)
			}
		}
	}
	sums := map[string]string{}
	var total int64
	cp := func(from, name string) error {
		sum, n, err := copyFile(from, filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return err
		}
		sums[name] = sum
		total += n
		return nil
	}
	if err := cp(src, fileModel); err != nil {
		return nil, 0, err
	}
	for _, f := range files {
		if err := cp(filepath.Join(filepath.Dir(src), f), filepath.ToSlash(f)); err != nil {
			return nil, 0, err
		}
	}
	return sums, total, nil
}

// copyFile copies a file and returns the SHA-256 and size of what it wrote.
func copyFile(from, to string) (string, int64, error) {
	in, err := os.Open(from)
	if err != nil {
		return "", 0, fmt.Errorf("weights: %w", err)
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return "", 0, fmt.Errorf("weights: %w", err)
	}
	out, err := os.Create(to)
	if err != nil {
		return "", 0, fmt.Errorf("weights: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, fmt.Errorf("weights: copy %s: %w", filepath.Base(from), err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func writeChecksums(path string, sums map[string]string) error {
	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "%s  %s\n", sums[n], n)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	return nil
}

// writeJSONAtomic writes through a temporary file and a rename, so that a
// reader never sees half a file.
func writeJSONAtomic(path string, v any) error {
	tmp := path + ".tmp"
	if err := writeJSON(tmp, v); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("weights: %w", err)
	}
	return nil
}

func firstString(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
