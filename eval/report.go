package eval

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"time"
)

// Report kinds.
const (
	KindEval  = "eval"
	KindBench = "bench"
	KindCheck = "check" // round-trip and PII-in-logs results
)

// Machine describes where a report was measured.
type Machine struct {
	Version string `json:"version"` // obscura version
	Go      string `json:"go"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
	CPU     string `json:"cpu,omitempty"`
	Cores   int    `json:"cores"`
	Kernels string `json:"kernels,omitempty"`
}

// ThisMachine fills the fields that the runtime knows.
func ThisMachine(version, cpu, kernels string) Machine {
	return Machine{Version: version, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH, CPU: cpu, Cores: runtime.NumCPU(), Kernels: kernels}
}

// Report is one JSON file under reports/. Kind says which sections are set.
type Report struct {
	Kind     string `json:"kind"`
	Model    string `json:"model"`
	Dataset  string `json:"dataset,omitempty"`
	Format   string `json:"format,omitempty"`
	Int8     bool   `json:"int8"`
	Pipeline bool   `json:"pipeline,omitempty"`
	// Method is how predictions were made: "entities" (tokenize, infer,
	// decode, then entities projected onto words), "tags" (each word's
	// first-subword label, no decoder) or "pipeline" (the redaction engine).
	Method  string `json:"method,omitempty"`
	Threads int    `json:"threads,omitempty"`
	// Aggregation and Threshold are the NER decoding settings used; a zero
	// threshold means the model's default.
	Aggregation string    `json:"aggregation,omitempty"`
	Threshold   float64   `json:"threshold,omitempty"`
	Time        time.Time `json:"time"`
	Machine     Machine   `json:"machine"`
	ModelFile   string    `json:"model_file,omitempty"` // base name only
	ModelMB     float64   `json:"model_mb,omitempty"`
	PeakRSSMB   float64   `json:"peak_rss_mb,omitempty"`

	// Eval.
	Examples int            `json:"examples,omitempty"`
	Words    int            `json:"words,omitempty"`
	Scores   *Scores        `json:"scores,omitempty"`
	Ignored  map[string]int `json:"ignored_predictions,omitempty"`
	Latency  *Latency       `json:"latency,omitempty"`

	// Bench.
	Bench      []BenchRow `json:"bench,omitempty"`
	ORTVersion string     `json:"ort_version,omitempty"` // ONNX Runtime of --vs-ort

	// Check.
	RoundTrip *CheckResult `json:"round_trip,omitempty"`
	PIIInLogs *CheckResult `json:"pii_in_logs,omitempty"`
}

// BenchRow is one length's latency profile. Len 0 is the product plan's mixed
// run (lengths drawn from 50–500 tokens).
type BenchRow struct {
	Len     int                `json:"len"`
	Latency Latency            `json:"latency"`
	Stages  map[string]Latency `json:"stages,omitempty"`    // tokenize, infer, decode, regex, merge, mask
	Infer   *Latency           `json:"infer,omitempty"`     // our runtime alone, on the ids ONNX Runtime ran
	ORT     *Latency           `json:"ort,omitempty"`       // ONNX Runtime, inference only
	Ratio   float64            `json:"ort_ratio,omitempty"` // our infer p50 / ORT p50
}

// CheckResult is a pass count for a property check.
type CheckResult struct {
	Checked int `json:"checked"`
	Failed  int `json:"failed"`
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// FileName returns reports/<model>_<dataset>_<timestamp>.json's base name.
func (r *Report) FileName() string {
	parts := []string{r.Model}
	if r.Dataset != "" {
		parts = append(parts, r.Dataset)
	} else {
		parts = append(parts, r.Kind)
	}
	if r.Int8 {
		parts[len(parts)-1] += "-int8"
	}
	if r.Pipeline {
		parts[len(parts)-1] += "-pipeline"
	}
	if r.Method == "tags" {
		parts[len(parts)-1] += "-tags"
	}
	if r.Kind != KindEval && r.Dataset != "" {
		parts[len(parts)-1] += "-" + r.Kind
	}
	for i, p := range parts {
		parts[i] = strings.Trim(unsafeName.ReplaceAllString(p, "-"), "-")
	}
	return strings.Join(parts, "_") + "_" + r.Time.UTC().Format("20060102T150405Z") + ".json"
}

// Write stores the report in dir and returns its path.
func (r *Report) Write(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, r.FileName())
	return p, os.WriteFile(p, append(b, '\n'), 0o644)
}

// ReadReports reads every *.json report in dir, oldest first.
func ReadReports(dir string) ([]*Report, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	var out []*Report
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		var r Report
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("eval: report %s: %w", filepath.Base(n), err)
		}
		if r.Kind == "" {
			continue
		}
		out = append(out, &r)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, nil
}
