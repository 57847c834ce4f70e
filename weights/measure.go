package weights

import (
	"fmt"
	"path/filepath"
	"time"
)

// Measurement carries figures measured by an evaluation or a benchmark.
// Nil fields leave the recorded value unchanged.
type Measurement struct {
	// F1, Precision and Recall are entity-level scores in [0, 1] on Dataset.
	F1, Precision, Recall *float64
	Dataset               string
	// LatencyP50Ms and LatencyP95Ms are end-to-end latency percentiles in
	// milliseconds, measured at SeqLen tokens with Threads threads on
	// MeasuredOn (a CPU description).
	LatencyP50Ms, LatencyP95Ms *float64
	SeqLen, Threads            int
	MeasuredOn                 string
	// Privacy, when set, replaces the recorded privacy parameters.
	Privacy *Privacy
	// Thresholds, when set, replace metadata.json's per-type confidence
	// thresholds (each in (0, 1]).
	Thresholds map[string]float64
	// At is the time of measurement (default now).
	At time.Time
}

// UpdateMeasured records measured figures in a bundle's manifest.json and
// metadata.json. It touches neither model.onnx nor checksum.sha256, so the
// bundle stays verifiable. Each file is replaced atomically.
func UpdateMeasured(dir string, meas Measurement) error {
	if !isBundleDir(dir) {
		return fmt.Errorf("weights: %s is not a bundle: measured figures are recorded in bundles only", dir)
	}
	for _, v := range []*float64{meas.F1, meas.Precision, meas.Recall} {
		if v != nil && !(*v >= 0 && *v <= 1) {
			return fmt.Errorf("weights: accuracy figure %v outside [0, 1]", *v)
		}
	}
	for _, v := range []*float64{meas.LatencyP50Ms, meas.LatencyP95Ms} {
		if v != nil && !(*v > 0) {
			return fmt.Errorf("weights: latency %v ms is not positive", *v)
		}
	}
	if meas.Privacy != nil && meas.Privacy.Epsilon != nil && !(*meas.Privacy.Epsilon > 0) {
		return fmt.Errorf("weights: privacy epsilon %v is not positive", *meas.Privacy.Epsilon)
	}
	if meas.At.IsZero() {
		meas.At = time.Now()
	}
	at := meas.At.UTC().Format(time.RFC3339)
	var man Manifest
	var md Metadata
	if err := readJSONFile(filepath.Join(dir, fileManifest), &man); err != nil {
		return err
	}
	if err := readJSONFile(filepath.Join(dir, fileMetadata), &md); err != nil {
		return err
	}
	if meas.F1 != nil || meas.Precision != nil || meas.Recall != nil {
		a := &man.Accuracy
		a.F1 = firstFloat(meas.F1, a.F1)
		a.Precision = firstFloat(meas.Precision, a.Precision)
		a.Recall = firstFloat(meas.Recall, a.Recall)
		a.Dataset = firstString(meas.Dataset, a.Dataset)
		a.MeasuredAt = at
		md.F1 = a.F1
	}
	if meas.LatencyP50Ms != nil || meas.LatencyP95Ms != nil {
		l := &man.Latency
		l.P50 = firstFloat(meas.LatencyP50Ms, l.P50)
		l.P95 = firstFloat(meas.LatencyP95Ms, l.P95)
		if meas.SeqLen > 0 {
			l.SeqLen = meas.SeqLen
		}
		if meas.Threads > 0 {
			l.Threads = meas.Threads
		}
		l.MeasuredOn = firstString(meas.MeasuredOn, l.MeasuredOn)
		l.MeasuredAt = at
		md.LatencyP95Ms = l.P95
	}
	if meas.Privacy != nil {
		md.Privacy = *meas.Privacy
	}
	for typ, v := range meas.Thresholds {
		if !(v > 0 && v <= 1) {
			return fmt.Errorf("weights: threshold %v for %s outside (0, 1]", v, typ)
		}
	}
	if meas.Thresholds != nil {
		md.Thresholds = meas.Thresholds
	}
	if err := writeJSONAtomic(filepath.Join(dir, fileManifest), man); err != nil {
		return err
	}
	return writeJSONAtomic(filepath.Join(dir, fileMetadata), md)
}

func firstFloat(a, b *float64) *float64 {
	if a != nil {
		return a
	}
	return b
}
