package eval

import (
	"context"
	"fmt"
	"sort"

	"github.com/obscura-ai/obscura/ner"
)

// DefaultThresholdGrid is the set of confidence thresholds TuneThresholds
// tries for each type.
var DefaultThresholdGrid = []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95}

// TypeTuning is one type's chosen threshold and its F1 there, beside the
// F1 at the model's single default threshold.
type TypeTuning struct {
	Type      string  `json:"type"`
	Threshold float64 `json:"threshold"`
	F1        float64 `json:"f1"`
	DefaultF1 float64 `json:"default_f1"`
	Gold      int     `json:"gold"`
}

// TuneThresholds chooses, for each entity type, the confidence threshold of
// the grid that maximises that type's entity F1 on exs (plan strategy 6:
// tune on a validation split, never on a test split). The recognizer runs
// once per example at the grid's lowest threshold; each threshold then
// keeps the entities scoring at least that much, projected onto the words
// as Evaluate does. Ties go to the lower threshold (more recall).
// defaultThreshold is the model's single threshold, reported beside.
func TuneThresholds(ctx context.Context, rec *ner.Recognizer, exs []Example, grid []float64, defaultThreshold float64) ([]TypeTuning, error) {
	if len(grid) == 0 {
		grid = DefaultThresholdGrid
	}
	grid = append([]float64(nil), grid...)
	sort.Float64s(grid)
	keep := GoldTypes(exs)
	can := map[string]bool{}
	for _, t := range rec.Types() {
		can[Canonical(t)] = true
	}
	for t := range keep {
		if !can[t] {
			delete(keep, t) // the regex layer's types: nothing to tune
		}
	}
	type counts struct{ tp, pred, gold int }
	at := map[string][]counts{} // type → per grid threshold (the last entry: the default threshold)
	for typ := range keep {
		at[typ] = make([]counts, len(grid)+1)
	}
	ths := append(grid, defaultThreshold)
	for _, ex := range exs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ents, err := rec.Recognize(ctx, ex.Text, ner.Options{Threshold: grid[0]})
		if err != nil {
			return nil, fmt.Errorf("eval: tune: example %s: %w", ex.ID, err)
		}
		goldChunks := map[string]map[Chunk]bool{}
		for _, c := range Chunks(ex.Gold) {
			if goldChunks[c.Type] == nil {
				goldChunks[c.Type] = map[Chunk]bool{}
			}
			goldChunks[c.Type][c] = true
		}
		for k, th := range ths {
			var kept []Entity
			for _, e := range ents {
				if t := Canonical(e.Type); keep[t] && e.Score >= th {
					kept = append(kept, Entity{Type: t, Start: e.Start, End: e.End})
				}
			}
			for _, c := range Chunks(TagWords(ex.Words, kept)) {
				cs := &at[c.Type][k]
				cs.pred++
				if goldChunks[c.Type][c] {
					cs.tp++
				}
			}
			for typ, gs := range goldChunks {
				if keep[typ] {
					at[typ][k].gold += len(gs)
				}
			}
		}
	}
	f1 := func(c counts) float64 {
		if c.pred == 0 || c.gold == 0 || c.tp == 0 {
			return 0
		}
		p, r := float64(c.tp)/float64(c.pred), float64(c.tp)/float64(c.gold)
		return 2 * p * r / (p + r)
	}
	var out []TypeTuning
	for typ, cs := range at {
		best := 0
		for k := range grid {
			if f1(cs[k]) > f1(cs[best]) {
				best = k
			}
		}
		out = append(out, TypeTuning{Type: typ, Threshold: grid[best], F1: f1(cs[best]), DefaultF1: f1(cs[len(grid)]), Gold: cs[best].gold})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type < out[j].Type })
	return out, nil
}
