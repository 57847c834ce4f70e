package privacy

import (
	"sort"
)

// DefaultMaxDrop is the product plan's acceptable degradation (§4.3): at
// most 3 points of macro F1 below the noise-free model.
const DefaultMaxDrop = 0.03

// dropSlack absorbs float rounding when a drop equals the tolerance.
const dropSlack = 1e-12

// OperatingPoint is the chosen ε and what it costs on each data set.
type OperatingPoint struct {
	// Found is false when no finite ε of the sweep stays within MaxDrop;
	// Epsilon is then ∞ (no noise).
	Found     bool    `json:"found"`
	Epsilon   Eps     `json:"epsilon"`
	MaxDrop   float64 `json:"max_drop"`
	Criterion string  `json:"criterion"`
	// Drops are, per data set, the noise-free macro F1 less the mean macro
	// F1 at Epsilon (positive = worse).
	Drops map[string]float64 `json:"macro_f1_drop"`
	// MacroF1 are the mean macro F1 at Epsilon per data set.
	MacroF1 map[string]float64 `json:"macro_f1"`
}

// ChooseOperatingPoint picks the smallest finite ε of the sweep whose mean
// macro F1 (over seeds) is within maxDrop of the noise-free macro F1 on every
// data set. Smaller ε means more noise, so this is the most private setting
// the product plan's tolerance allows.
func ChooseOperatingPoint(ds []DatasetSweep, maxDrop float64) OperatingPoint {
	op := OperatingPoint{
		Epsilon: Inf, MaxDrop: maxDrop,
		Criterion: "smallest ε whose mean macro F1 over seeds is within max_drop of the noise-free macro F1 on every data set",
	}
	var eps []Eps
	seen := map[Eps]bool{}
	for _, d := range ds {
		for _, p := range d.Points {
			if !p.Epsilon.IsInf() && !seen[p.Epsilon] {
				seen[p.Epsilon] = true
				eps = append(eps, p.Epsilon)
			}
		}
	}
	sort.Slice(eps, func(i, j int) bool { return eps[i] < eps[j] })
	for _, e := range eps {
		drops, f1s, ok := map[string]float64{}, map[string]float64{}, len(ds) > 0
		for _, d := range ds {
			p, has := d.Point(e)
			if !has {
				ok = false
				break
			}
			drop := d.NoiseFree.Macro.F1 - p.MacroF1.Mean
			drops[d.Name], f1s[d.Name] = drop, p.MacroF1.Mean
			if drop > maxDrop+dropSlack {
				ok = false
			}
		}
		if ok {
			op.Found, op.Epsilon, op.Drops, op.MacroF1 = true, e, drops, f1s
			return op
		}
	}
	return op
}
