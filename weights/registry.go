package weights

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Selection criteria understood by Registry.Select.
const (
	Fastest      = "fastest"
	MostAccurate = "most-accurate"
)

// Entry is one model in a models directory, described from its manifest
// without loading (or verifying) the graph.
type Entry struct {
	// Dir is the model's directory; ID its manifest model_id, or for a
	// Hugging Face directory its path relative to the registry root
	// (e.g. "dslim/bert-base-NER" after obscura pull).
	Dir      string `json:"dir"`
	ID       string `json:"id"`
	IsBundle bool   `json:"is_bundle"`
	// HasGraph is whether an ONNX file is present; only such entries can
	// be selected.
	HasGraph bool `json:"has_graph"`
	// Manifest is nil for a Hugging Face directory.
	Manifest *Manifest `json:"manifest,omitempty"`
}

func (e *Entry) f1() *float64 {
	if e.Manifest == nil {
		return nil
	}
	return e.Manifest.Accuracy.F1
}

func (e *Entry) p95() *float64 {
	if e.Manifest == nil {
		return nil
	}
	return e.Manifest.Latency.P95
}

func (e *Entry) quant() string {
	if e.Manifest == nil {
		return QuantFP32
	}
	return e.Manifest.Quantization
}

// Registry is the set of models under one directory: bundles and Hugging
// Face directories found at depth one or two (the latter is where
// `obscura pull ORG/NAME` puts a download).
type Registry struct {
	Dir     string
	Entries []Entry
}

// listModelDirs returns the directories under root (depth 1 and 2) that
// hold a config.json, sorted.
func listModelDirs(root string) ([]string, error) {
	var out []string
	level1, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	for _, e := range level1 {
		d := filepath.Join(root, e.Name())
		if strings.HasPrefix(e.Name(), ".") || !dirExists(d) {
			continue
		}
		if fileExists(filepath.Join(d, fileConfig)) {
			out = append(out, d)
			continue
		}
		level2, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e2 := range level2 {
			d2 := filepath.Join(d, e2.Name())
			if !strings.HasPrefix(e2.Name(), ".") && dirExists(d2) && fileExists(filepath.Join(d2, fileConfig)) {
				out = append(out, d2)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// dirExists follows symbolic links, so a linked model directory counts.
func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// OpenRegistry scans dir. It reads manifests only; a bundle's checksum is
// verified when it is loaded. An unreadable manifest is an error that names
// the bundle.
func OpenRegistry(dir string) (*Registry, error) {
	dirs, err := listModelDirs(dir)
	if err != nil {
		return nil, fmt.Errorf("weights: models directory: %w", err)
	}
	r := &Registry{Dir: dir}
	for _, d := range dirs {
		rel, _ := filepath.Rel(dir, d)
		e := Entry{Dir: d, ID: filepath.ToSlash(rel), IsBundle: isBundleDir(d)}
		if e.IsBundle {
			e.Manifest = &Manifest{}
			if err := readJSONFile(filepath.Join(d, fileManifest), e.Manifest); err != nil {
				return nil, fmt.Errorf("weights: bundle %s: %w", d, err)
			}
			if e.Manifest.ModelID != "" {
				e.ID = e.Manifest.ModelID
			}
			e.HasGraph = fileExists(filepath.Join(d, fileModel))
		} else {
			for _, c := range onnxCandidates {
				e.HasGraph = e.HasGraph || fileExists(filepath.Join(d, c))
			}
		}
		r.Entries = append(r.Entries, e)
	}
	return r, nil
}

// ErrNoSelectable is returned when a registry has no model with a graph.
var ErrNoSelectable = errors.New("no model with an ONNX graph")

// ByID returns the entry whose model_id (or relative directory) is id.
func (r *Registry) ByID(id string) (*Entry, error) {
	var ids []string
	for i := range r.Entries {
		e := &r.Entries[i]
		rel, _ := filepath.Rel(r.Dir, e.Dir)
		if e.ID == id || filepath.ToSlash(rel) == id {
			return e, nil
		}
		ids = append(ids, e.ID)
	}
	return nil, fmt.Errorf("weights: no model %q in %s (have: %s)", id, r.Dir, strings.Join(ids, ", "))
}

// Select returns the entry for a criterion (Fastest, MostAccurate) or, for
// any other string, the entry with that id.
//
// Fastest ranks by measured latency p95 (lowest first), MostAccurate by
// measured F1 (highest first). Entries without the measured figure rank
// after every entry that has it; among themselves they fall back on the
// presumption that INT8 is faster and FP32 more accurate, then bundles
// before plain Hugging Face directories, then id order. So a registry
// with no measurements still gives a deterministic, sensible answer, and
// one measurement is enough to override the presumption.
func (r *Registry) Select(criterion string) (*Entry, error) {
	if criterion != Fastest && criterion != MostAccurate {
		return r.ByID(criterion)
	}
	var cands []*Entry
	for i := range r.Entries {
		if r.Entries[i].HasGraph {
			cands = append(cands, &r.Entries[i])
		}
	}
	if len(cands) == 0 {
		return nil, fmt.Errorf("weights: %s: %w", r.Dir, ErrNoSelectable)
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		var fa, fb *float64
		var higherBetter bool
		var presumed string
		if criterion == Fastest {
			fa, fb, presumed = a.p95(), b.p95(), QuantINT8
		} else {
			fa, fb, higherBetter, presumed = a.f1(), b.f1(), true, QuantFP32
		}
		switch {
		case fa != nil && fb != nil && *fa != *fb:
			return (*fa > *fb) == higherBetter
		case (fa != nil) != (fb != nil):
			return fa != nil
		case fa == nil && (a.quant() == presumed) != (b.quant() == presumed):
			return a.quant() == presumed
		case a.IsBundle != b.IsBundle:
			return a.IsBundle
		}
		return a.ID < b.ID
	})
	return cands[0], nil
}

// Default is the registry's default model: Select(MostAccurate).
func (r *Registry) Default() (*Entry, error) { return r.Select(MostAccurate) }

// DefaultModelsDir is where models live by default, relative to the
// working directory; SharedModelDir is the fallback, the project's shared
// baseline model beside the checkout.
var (
	DefaultModelsDir = "models"
	SharedModelDir   = filepath.Join("..", "shared", "models", "obscura-minilm-conll")
)

// ErrNoModel is returned (wrapped) by Resolve when no model can be found.
var ErrNoModel = errors.New("no model found")

// Resolve turns a --model flag into a model directory. A non-empty flag is
// used as given, except that a models directory (a registry) resolves to
// its default model. Without a flag it tries ./models (a bundle, a Hugging
// Face directory, or a registry), then ../shared/models/obscura-minilm-conll.
// When neither holds a model, the error says how to get one.
func Resolve(flag string) (string, error) {
	if flag != "" {
		st, err := os.Stat(flag)
		if err != nil {
			return "", fmt.Errorf("weights: model %s: %w", flag, err)
		}
		if !st.IsDir() {
			return "", fmt.Errorf("weights: model %s is a file: --model takes the model's directory (a Hugging Face directory or a bundle)", flag)
		}
		return resolveDir(flag)
	}
	for _, cand := range []string{DefaultModelsDir, SharedModelDir} {
		if st, err := os.Stat(cand); err != nil || !st.IsDir() {
			continue
		}
		p, err := resolveDir(cand)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, ErrNoModel) {
			return "", err
		}
	}
	return "", fmt.Errorf("weights: %w: pass --model DIR (a Hugging Face model directory or an Obscura bundle), or download one into ./%s with `obscura pull ORG/NAME` (e.g. a BERT token-classification model with an onnx/model.onnx)", ErrNoModel, DefaultModelsDir)
}

// resolveDir returns dir itself when it is a model, else the default model
// of the registry it is.
func resolveDir(dir string) (string, error) {
	if fileExists(filepath.Join(dir, fileConfig)) {
		return dir, nil
	}
	r, err := OpenRegistry(dir)
	if err != nil {
		return "", err
	}
	if len(r.Entries) == 0 {
		return "", fmt.Errorf("weights: %s: %w (no config.json, and no model directories inside)", dir, ErrNoModel)
	}
	e, err := r.Default()
	if err != nil {
		return "", fmt.Errorf("weights: %w: %w", ErrNoModel, err)
	}
	return e.Dir, nil
}
