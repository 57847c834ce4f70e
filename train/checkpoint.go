package train

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
)

// checkpointMagic starts every checkpoint file.
const checkpointMagic = "OBSCURA-TRAIN-CKPT-1\n"

// checkpointHeader is the JSON part of a checkpoint.
type checkpointHeader struct {
	Step        int           `json:"step"`
	Params      int           `json:"params"`
	Fingerprint string        `json:"fingerprint"`
	BestF1      float64       `json:"best_f1"`
	BestEpoch   int           `json:"best_epoch"`
	HasBest     bool          `json:"has_best"`
	History     []EpochResult `json:"history"`
	Losses      []float64     `json:"losses"`
}

// Fingerprint identifies a run's recipe and data, so that a checkpoint is
// not resumed into a different run.
func (t *Trainer) Fingerprint() string {
	h := uint64(len(t.Train))
	for _, s := range t.Train {
		for _, id := range s.IDs {
			h = mix64(h ^ uint64(id))
		}
		for _, l := range s.Labels {
			h = mix64(h ^ uint64(uint32(l)))
		}
	}
	c := t.Cfg
	return fmt.Sprintf("%016x/e%d/b%d/lr%g/w%g/d%g/c%g/%g,%g/s%d/f%d/p%d", h, c.Epochs, c.BatchSize, c.LR,
		c.WarmupFrac, c.WeightDecay, c.ClipNorm, c.Dropout.Hidden, c.Dropout.Attention, c.Seed, c.FreezeBelow, len(t.P.Data))
}

// SaveCheckpoint writes the parameters, the optimizer state and the run's
// progress to path, atomically (a temporary file renamed into place).
func (t *Trainer) SaveCheckpoint(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil { // the bundle's parent may not exist yet
		return fmt.Errorf("train: checkpoint: %w", err)
	}
	f, err := os.CreateTemp(dir, ".ckpt-*")
	if err != nil {
		return fmt.Errorf("train: checkpoint: %w", err)
	}
	defer os.Remove(f.Name())
	w := bufio.NewWriterSize(f, 1<<20)
	hdr := checkpointHeader{Step: t.Opt.Step, Params: len(t.P.Data), Fingerprint: t.Fingerprint(),
		BestF1: t.bestF1, BestEpoch: t.bestEp, HasBest: t.best != nil, History: t.history, Losses: t.Losses}
	js, err := json.Marshal(hdr)
	if err != nil {
		return err
	}
	w.WriteString(checkpointMagic)
	binary.Write(w, binary.LittleEndian, uint64(len(js)))
	w.Write(js)
	arrays := [][]float32{t.P.Data, t.Opt.M, t.Opt.V}
	if t.best != nil {
		arrays = append(arrays, t.best)
	}
	buf := make([]byte, 4<<10)
	for _, a := range arrays {
		for lo := 0; lo < len(a); lo += len(buf) / 4 {
			n := min(len(buf)/4, len(a)-lo)
			for i := 0; i < n; i++ {
				binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(a[lo+i]))
			}
			if _, err := w.Write(buf[:4*n]); err != nil {
				return fmt.Errorf("train: checkpoint: %w", err)
			}
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("train: checkpoint: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("train: checkpoint: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("train: checkpoint: %w", err)
	}
	return nil
}

// LoadCheckpoint restores a checkpoint written by the same recipe on the
// same data; Run then continues where it stopped.
func (t *Trainer) LoadCheckpoint(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("train: resume: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	magic := make([]byte, len(checkpointMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != checkpointMagic {
		return fmt.Errorf("train: resume: %s is not a training checkpoint", filepath.Base(path))
	}
	var n uint64
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil || n > 1<<30 {
		return fmt.Errorf("train: resume: %s: bad header", filepath.Base(path))
	}
	js := make([]byte, n)
	if _, err := io.ReadFull(r, js); err != nil {
		return fmt.Errorf("train: resume: %s: %w", filepath.Base(path), err)
	}
	var hdr checkpointHeader
	if err := json.Unmarshal(js, &hdr); err != nil {
		return fmt.Errorf("train: resume: %s: %w", filepath.Base(path), err)
	}
	if hdr.Params != len(t.P.Data) || hdr.Fingerprint != t.Fingerprint() {
		return errors.New("train: resume: the checkpoint belongs to a different model, recipe or data set")
	}
	arrays := [][]float32{t.P.Data, t.Opt.M, t.Opt.V}
	if hdr.HasBest {
		t.best = make([]float32, len(t.P.Data))
		arrays = append(arrays, t.best)
	}
	buf := make([]byte, 4<<10)
	for _, a := range arrays {
		for lo := 0; lo < len(a); lo += len(buf) / 4 {
			k := min(len(buf)/4, len(a)-lo)
			if _, err := io.ReadFull(r, buf[:4*k]); err != nil {
				return fmt.Errorf("train: resume: %s is truncated", filepath.Base(path))
			}
			for i := 0; i < k; i++ {
				a[lo+i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:]))
			}
		}
	}
	t.Opt.Step, t.bestF1, t.bestEp, t.history, t.Losses = hdr.Step, hdr.BestF1, hdr.BestEpoch, hdr.History, hdr.Losses
	return nil
}
