package weights

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Int8Suffix makes a model's INT8 bundle's name from the model's: M-int8
// is the sibling directory and the registry id Int8Variant looks for, and
// the name under which the INT8 bundle's reports appear.
const Int8Suffix = "-" + QuantINT8

// How Int8Variant found the directory to load.
const (
	Int8Itself   = "itself"    // the model directory is an INT8 bundle
	Int8Sibling  = "sibling"   // DIR-int8 beside the model directory
	Int8Registry = "registry"  // the registry entry with the model's INT8 id
	Int8AtLoad   = "quantized" // no INT8 bundle: the fp32 graph is quantized at load
)

// Int8Choice is the model directory to load when INT8 is asked for.
type Int8Choice struct {
	// Dir is the directory to load: an INT8 bundle, or the fp32 model
	// itself when it has none (Via Int8AtLoad).
	Dir string
	// Via says how Dir was found: Int8Itself, Int8Sibling, Int8Registry or
	// Int8AtLoad.
	Via string
}

// Bundle reports whether Dir is an INT8 bundle, whose own int8 weights run.
func (c Int8Choice) Bundle() bool { return c.Via != Int8AtLoad }

// Int8Variant returns the INT8 bundle that stands for the model in dir
// when INT8 is asked for (serve --int8 and the other commands' --int8):
//
//  1. dir itself, when it is an INT8 bundle;
//  2. its sibling dir+"-int8", when that is an INT8 bundle (where
//     scripts/models/build-pii.sh and obscura bundle --int8 --out DIR-int8
//     put it);
//  3. in the models directory dir sits in (dir's parent, read as a
//     Registry), the INT8 bundle whose model_id is the INT8 id of dir's
//     model: its id (manifest model_id, else the directory's name) with
//     "-int8" appended, or with "-fp32" replaced by "-int8" (obscura
//     bundle's default ids are NAME-fp32-vV and NAME-int8-vV).
//
// An INT8 bundle is a bundle whose manifest says quantization int8. A
// candidate that is one but whose labels (config.json id2label) differ
// from dir's is an error: it is another model, and serving it silently
// would change what is detected. With no candidate the choice is dir
// itself, to be quantized at load (Via Int8AtLoad). Only manifests and
// configs are read, and the model's graph sum: a candidate that records
// the sum of the graph it was exported from (metadata source_sha256) must
// match dir's graph (its manifest's sum when dir is a bundle, else the
// file's), or it is stale and an error. The chosen bundle's checksums are
// verified when it is loaded.
func Int8Variant(dir string) (Int8Choice, error) {
	if isInt8Bundle(dir) {
		return Int8Choice{Dir: dir, Via: Int8Itself}, nil
	}
	self, err := ReadConfig(filepath.Join(dir, fileConfig))
	if err != nil {
		return Int8Choice{}, err
	}
	check := func(cand, via string) (Int8Choice, bool, error) {
		if !isInt8Bundle(cand) {
			return Int8Choice{}, false, nil
		}
		c, err := ReadConfig(filepath.Join(cand, fileConfig))
		if err != nil {
			return Int8Choice{}, false, fmt.Errorf("weights: INT8 bundle %s for %s: %w", cand, dir, err)
		}
		if !slices.Equal(c.ID2Label, self.ID2Label) {
			return Int8Choice{}, false, fmt.Errorf("weights: INT8 bundle %s has other labels than %s (%d and %d): it is not that model's INT8 variant; rebuild it (obscura bundle --int8) or pass its directory as --model", cand, dir, len(c.ID2Label), len(self.ID2Label))
		}
		var meta Metadata
		if readJSONFile(filepath.Join(cand, fileMetadata), &meta) == nil && meta.SourceSHA256 != "" {
			sum, err := graphSum(dir)
			if err != nil {
				return Int8Choice{}, false, err
			}
			if sum != meta.SourceSHA256 {
				return Int8Choice{}, false, fmt.Errorf("weights: INT8 bundle %s was exported from other weights than %s holds now (its source graph sha256 %.12s…, the model's %.12s…): it is stale; rebuild it with obscura bundle --model %s --int8 --out DIR, or pass the INT8 bundle itself as --model", cand, dir, meta.SourceSHA256, sum, dir)
			}
		}
		return Int8Choice{Dir: cand, Via: via}, true, nil
	}
	clean := filepath.Clean(dir)
	if c, ok, err := check(clean+Int8Suffix, Int8Sibling); ok || err != nil {
		return c, err
	}
	if r, err := OpenRegistry(filepath.Dir(clean)); err == nil {
		var selfID string
		for _, e := range r.Entries {
			if filepath.Clean(e.Dir) == clean {
				selfID = e.ID
			}
		}
		for _, id := range int8IDs(selfID, filepath.Base(clean)) {
			for _, e := range r.Entries {
				if e.ID != id || filepath.Clean(e.Dir) == clean {
					continue
				}
				if c, ok, err := check(e.Dir, Int8Registry); ok || err != nil {
					return c, err
				}
			}
		}
	}
	// An unreadable models directory only means no INT8 bundle is known
	// there; the model itself still loads.
	return Int8Choice{Dir: dir, Via: Int8AtLoad}, nil
}

// int8IDs are the model_ids an INT8 variant of the model with this id (and
// directory name) may have, in order of preference.
func int8IDs(id, base string) []string {
	var out []string
	add := func(s string) {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, s := range []string{id, base} {
		if s == "" {
			continue
		}
		if strings.Contains(s, "-"+QuantFP32) {
			add(strings.Replace(s, "-"+QuantFP32, "-"+QuantINT8, 1))
		}
		add(s + Int8Suffix)
	}
	return out
}

// graphSum is the SHA-256 of the graph of the model in dir, as
// WriteBundle records it for an export's source, without loading the
// model: a bundle's manifest sum, else the first graph file of a Hugging
// Face directory.
func graphSum(dir string) (string, error) {
	var m Manifest
	if readJSONFile(filepath.Join(dir, fileManifest), &m) == nil && m.SHA256 != "" {
		return m.SHA256, nil
	}
	for _, c := range onnxCandidates {
		if p := filepath.Join(dir, c); fileExists(p) {
			return graphSHA256("", p)
		}
	}
	return "", fmt.Errorf("weights: %s: %w (looked for %v)", dir, ErrNoONNX, onnxCandidates)
}

// isInt8Bundle reports whether dir is a bundle whose manifest says int8.
func isInt8Bundle(dir string) bool {
	if !dirExists(dir) || !fileExists(filepath.Join(dir, fileManifest)) {
		return false
	}
	var m Manifest
	return readJSONFile(filepath.Join(dir, fileManifest), &m) == nil && m.Quantization == QuantINT8
}
