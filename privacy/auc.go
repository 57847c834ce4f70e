package privacy

import (
	"errors"
	"sort"
)

// AUC is the area under the ROC curve of scores that should be higher for
// positives: the probability that a random positive outscores a random
// negative, ties counting one half. It is computed exactly from the ranks
// (the Mann–Whitney U statistic): with average ranks for ties,
// AUC = (Σ ranks of positives − P(P+1)/2) / (P·N).
func AUC(scores []float64, positive []bool) (float64, error) {
	if len(scores) != len(positive) {
		return 0, errors.New("privacy: AUC needs one label per score")
	}
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] < scores[idx[b]] })
	var rankSum float64
	var pos, neg int
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		avg := float64(i+1+j) / 2 // mean of ranks i+1 … j
		for k := i; k < j; k++ {
			if positive[idx[k]] {
				rankSum += avg
			}
		}
		i = j
	}
	for _, p := range positive {
		if p {
			pos++
		} else {
			neg++
		}
	}
	if pos == 0 || neg == 0 {
		return 0, errors.New("privacy: AUC needs positives and negatives")
	}
	return (rankSum - float64(pos)*float64(pos+1)/2) / (float64(pos) * float64(neg)), nil
}
