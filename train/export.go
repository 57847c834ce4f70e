package train

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/gomlx/compute-onnx/support/protos"
	"github.com/obscura-ai/obscura/bert"
	"github.com/obscura-ai/obscura/weights"
	"github.com/obscura-ai/obscura/weights/onnx"
	"google.golang.org/protobuf/proto"
)

// ExportOptions describe the bundle Export writes.
type ExportOptions struct {
	ID          string             // manifest model_id; default the output directory's name
	CaseChannel bool               // the model was trained with the case channel
	Training    any                // metadata.json's training record (JSON-marshalled)
	Thresholds  map[string]float64 // per-type confidence thresholds
}

// tokenizerFiles are the files of a Hugging Face tokenizer a bundle carries
// when the source has them.
var tokenizerFiles = []string{"tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt"}

// Export writes p as a complete Obscura bundle in out: the source model's
// graph with p's weights in its initializers (a new head resized, the
// logits' declared label dimension with it), config.json with the label
// set, the tokenizer, schema, checksums and metadata. enc is the source's
// inspected encoder (its tensors' names and shapes; its data is replaced).
// The bundle is assembled beside out and moved into place whole, so a
// failure never leaves a half bundle, and an existing bundle in out is
// replaced only by a complete one.
func Export(p *Params[float32], enc *bert.Encoder, src *weights.Model, labels *Labels, out string, o ExportOptions) (*weights.Model, error) {
	if len(labels.Names) != p.Arch.Labels {
		return nil, fmt.Errorf("train: export: %d label names for %d outputs", len(labels.Names), p.Arch.Labels)
	}
	om, err := onnx.Load(src.ONNXPath)
	if err != nil {
		return nil, fmt.Errorf("train: export: %w", err)
	}
	p.ToEncoder(enc)
	written := map[string][]float32{}
	for _, t := range enc.Tensors() {
		if t.Name == "" {
			continue
		}
		init, ok := om.Inits[t.Name]
		if !ok {
			return nil, fmt.Errorf("train: export: initializer %s is not in the source graph", t.Name)
		}
		if prev, ok := written[t.Name]; ok {
			if !equal32(prev, t.Data) {
				return nil, fmt.Errorf("train: export: tied initializer %s took different values", t.Name)
			}
			continue
		}
		written[t.Name] = t.Data
		raw := make([]byte, 4*len(t.Data))
		for i, v := range t.Data {
			binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
		}
		dims := make([]int64, len(t.Shape))
		for i, d := range t.Shape {
			dims[i] = int64(d)
		}
		if len(t.Shape) == 1 && len(init.Dims) == 0 { // a scalar-shaped original stays as declared
			dims = init.Dims
		}
		init.Dims, init.RawData, init.FloatData = dims, raw, nil
		init.DataType = int32(protos.TensorProto_FLOAT)
		init.ExternalData, init.DataLocation = nil, protos.TensorProto_DEFAULT
	}
	// Resolve any other external data so that the graph is one file.
	for _, t := range om.Proto.Graph.Initializer {
		if err := om.Inline(t); err != nil {
			return nil, fmt.Errorf("train: export: %w", err)
		}
	}
	for _, gout := range om.Proto.Graph.Output {
		if tt := gout.GetType().GetTensorType(); tt != nil && tt.Shape != nil && len(tt.Shape.Dim) > 0 {
			last := tt.Shape.Dim[len(tt.Shape.Dim)-1]
			if _, ok := last.Value.(*protos.TensorShapeProto_Dimension_DimValue); ok {
				last.Value = &protos.TensorShapeProto_Dimension_DimValue{DimValue: int64(p.Arch.Labels)}
			}
		}
	}
	graph, err := proto.Marshal(om.Proto)
	if err != nil {
		return nil, fmt.Errorf("train: export: %w", err)
	}
	parent := filepath.Dir(filepath.Clean(out))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("train: export: %w", err)
	}
	stage, err := os.MkdirTemp(parent, ".train-stage-")
	if err != nil {
		return nil, fmt.Errorf("train: export: %w", err)
	}
	defer os.RemoveAll(stage)
	if err := os.MkdirAll(filepath.Join(stage, "onnx"), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(stage, "onnx", "model.onnx"), graph, 0o644); err != nil {
		return nil, fmt.Errorf("train: export: %w", err)
	}
	if err := writeConfig(src.ConfigPath, filepath.Join(stage, "config.json"), labels); err != nil {
		return nil, err
	}
	for _, f := range tokenizerFiles {
		b, err := os.ReadFile(filepath.Join(src.TokenizerDir, f))
		if os.IsNotExist(err) {
			continue
		} else if err != nil {
			return nil, fmt.Errorf("train: export: %w", err)
		}
		if err := os.WriteFile(filepath.Join(stage, f), b, 0o644); err != nil {
			return nil, fmt.Errorf("train: export: %w", err)
		}
	}
	staged, err := weights.Load(stage)
	if err != nil {
		return nil, fmt.Errorf("train: export: the written model does not load: %w", err)
	}
	bo := weights.BundleOptions{ID: o.ID, Thresholds: o.Thresholds}
	if bo.ID == "" {
		bo.ID = filepath.Base(filepath.Clean(out))
	}
	if o.Training != nil {
		js, err := json.Marshal(o.Training)
		if err != nil {
			return nil, fmt.Errorf("train: export: %w", err)
		}
		bo.Training = js
	}
	if o.CaseChannel {
		sc := weights.DefaultSchema(staged.Config, "")
		sc.CaseChannel = true
		bo.Schema = &sc
	}
	bundleTmp := filepath.Join(stage, "bundle")
	if _, err := weights.WriteBundle(staged, bundleTmp, bo); err != nil {
		return nil, fmt.Errorf("train: export: %w", err)
	}
	if err := replaceDir(bundleTmp, out); err != nil {
		return nil, err
	}
	return weights.Load(out)
}

func equal32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

// writeConfig copies config.json with the new label set.
func writeConfig(from, to string, labels *Labels) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return fmt.Errorf("train: export: %w", err)
	}
	var cfg map[string]any
	if err := json.Unmarshal(b, &cfg); err != nil {
		return fmt.Errorf("train: export: %s: %w", filepath.Base(from), err)
	}
	id2, l2i := map[string]string{}, map[string]int{}
	for i, n := range labels.Names {
		id2[strconv.Itoa(i)] = n
		l2i[n] = i
	}
	cfg["id2label"], cfg["label2id"] = id2, l2i
	delete(cfg, "num_labels")
	b, err = json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(to, append(b, '\n'), 0o644)
}

// replaceDir moves the complete directory from into to's place; an
// existing to is set aside first and removed only once the new one is in.
func replaceDir(from, to string) error {
	old := ""
	if entries, err := os.ReadDir(to); err == nil {
		if len(entries) > 0 {
			old = to + ".old-" + strconv.Itoa(os.Getpid())
			if err := os.Rename(to, old); err != nil {
				return fmt.Errorf("train: export: %w", err)
			}
		} else if err := os.Remove(to); err != nil {
			return fmt.Errorf("train: export: %w", err)
		}
	}
	if err := os.Rename(from, to); err != nil {
		if old != "" {
			os.Rename(old, to)
		}
		return fmt.Errorf("train: export: %w", err)
	}
	if old != "" {
		os.RemoveAll(old)
	}
	return nil
}
