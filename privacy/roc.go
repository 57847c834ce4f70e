package privacy

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// ROC and bootstrap defaults.
const (
	// DefaultBootstrap is the number of bootstrap resamples of an AUC
	// confidence interval.
	DefaultBootstrap = 1000
	// DefaultConfidence is the coverage of the interval.
	DefaultConfidence = 0.95
	// maxROCPoints bounds the points of a ROC curve kept in a report.
	maxROCPoints = 256
)

// ROCPoint is one operating point of a score threshold: the false-positive
// rate (non-members flagged) and true-positive rate (members flagged).
type ROCPoint struct {
	FPR float64 `json:"fpr"`
	TPR float64 `json:"tpr"`
}

// ROC is the ROC curve of scores that should be higher for positives: one
// point per distinct score, from (0, 0) (threshold above every score) to
// (1, 1), thresholds descending. Tied scores move both rates at once, so
// the trapezoid area under the curve equals AUC (ties counting one half).
func ROC(scores []float64, positive []bool) ([]ROCPoint, error) {
	if len(scores) != len(positive) {
		return nil, errors.New("privacy: ROC needs one label per score")
	}
	var pos, neg int
	for _, p := range positive {
		if p {
			pos++
		} else {
			neg++
		}
	}
	if pos == 0 || neg == 0 {
		return nil, errors.New("privacy: ROC needs positives and negatives")
	}
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	pts := []ROCPoint{{0, 0}}
	tp, fp := 0, 0
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			if positive[idx[j]] {
				tp++
			} else {
				fp++
			}
			j++
		}
		pts = append(pts, ROCPoint{FPR: float64(fp) / float64(neg), TPR: float64(tp) / float64(pos)})
		i = j
	}
	return pts, nil
}

// thinROC keeps at most n points of a curve, evenly spaced by index, always
// with both ends (for plotting and reports; the AUC is computed exactly).
func thinROC(pts []ROCPoint, n int) []ROCPoint {
	if len(pts) <= n {
		return pts
	}
	out := make([]ROCPoint, 0, n)
	for k := 0; k < n; k++ {
		out = append(out, pts[k*(len(pts)-1)/(n-1)])
	}
	return out
}

// AUCInterval is an AUC with a bootstrap confidence interval.
type AUCInterval struct {
	AUC        float64 `json:"auc"`
	Lo         float64 `json:"lo"`
	Hi         float64 `json:"hi"`
	Confidence float64 `json:"confidence"` // coverage, e.g. 0.95
	Resamples  int     `json:"resamples"`
}

func (a AUCInterval) String() string {
	return fmt.Sprintf("%.3f [%.3f, %.3f]", a.AUC, a.Lo, a.Hi)
}

// BootstrapAUC is the AUC of scores with a percentile bootstrap interval:
// b resamples (DefaultBootstrap when 0), each drawing the positives and the
// negatives separately with replacement (a stratified bootstrap, so every
// resample keeps the class sizes), and the interval between the
// (1−conf)/2 and (1+conf)/2 quantiles of the resampled AUCs (conf is
// DefaultConfidence when 0). The same seed gives the same interval.
func BootstrapAUC(scores []float64, positive []bool, b int, conf float64, seed uint64) (AUCInterval, error) {
	if b == 0 {
		b = DefaultBootstrap
	}
	if conf == 0 {
		conf = DefaultConfidence
	}
	if b < 1 {
		return AUCInterval{}, fmt.Errorf("privacy: bootstrap resamples %d must be ≥ 1", b)
	}
	if !(conf > 0 && conf < 1) {
		return AUCInterval{}, fmt.Errorf("privacy: confidence %v must be in (0, 1)", conf)
	}
	auc, err := AUC(scores, positive)
	if err != nil {
		return AUCInterval{}, err
	}
	var posIdx, negIdx []int
	for i, p := range positive {
		if p {
			posIdx = append(posIdx, i)
		} else {
			negIdx = append(negIdx, i)
		}
	}
	r := rand.New(rand.NewPCG(seed, 0x626f6f74))
	n := len(scores)
	rs, rl := make([]float64, n), make([]bool, n)
	aucs := make([]float64, b)
	for k := range aucs {
		m := 0
		for _, group := range [][]int{posIdx, negIdx} {
			for range group {
				i := group[r.IntN(len(group))]
				rs[m], rl[m] = scores[i], positive[i]
				m++
			}
		}
		if aucs[k], err = AUC(rs, rl); err != nil {
			return AUCInterval{}, err
		}
	}
	sort.Float64s(aucs)
	// Quantiles by rank, rounded outwards so that the interval is never
	// narrower than the nominal coverage.
	lo := aucs[int(math.Floor((1-conf)/2*float64(b-1)))]
	hi := aucs[int(math.Ceil((1+conf)/2*float64(b-1)))]
	return AUCInterval{AUC: auc, Lo: lo, Hi: hi, Confidence: conf, Resamples: b}, nil
}
