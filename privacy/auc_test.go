package privacy

import (
	"math"
	"math/rand/v2"
	"testing"
)

// aucTol bounds float rounding in the rank sums.
const aucTol = 1e-12

// A hand-computed case: positives 0.9, 0.6, 0.4 against negatives 0.7,
// 0.4, 0.2. Of the 9 pairs the positive wins 3 (0.9) + 2 (0.6 beats 0.4 and
// 0.2) + 1 (0.4 beats 0.2), and ties one (0.4 = 0.4): (6 + 0.5) / 9.
func TestAUCHandComputed(t *testing.T) {
	scores := []float64{0.9, 0.7, 0.6, 0.4, 0.4, 0.2}
	pos := []bool{true, false, true, true, false, false}
	got, err := AUC(scores, pos)
	if err != nil {
		t.Fatal(err)
	}
	if want := 6.5 / 9; math.Abs(got-want) > aucTol {
		t.Fatalf("AUC = %v, want %v", got, want)
	}
}

func TestAUCEdges(t *testing.T) {
	for _, c := range []struct {
		name   string
		scores []float64
		pos    []bool
		want   float64
	}{
		{"perfect", []float64{3, 4, 1, 2}, []bool{true, true, false, false}, 1},
		{"reversed", []float64{1, 2, 3, 4}, []bool{true, true, false, false}, 0},
		{"all tied", []float64{5, 5, 5, 5, 5}, []bool{true, false, true, false, false}, 0.5},
	} {
		got, err := AUC(c.scores, c.pos)
		if err != nil || math.Abs(got-c.want) > aucTol {
			t.Errorf("%s: AUC = %v (%v), want %v", c.name, got, err, c.want)
		}
	}
	if _, err := AUC([]float64{1, 2}, []bool{true, true}); err == nil {
		t.Error("AUC without negatives must fail")
	}
}

// The rank statistic equals the brute-force pair count on random scores
// with many ties.
func TestAUCMatchesPairCount(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := 300
	scores := make([]float64, n)
	pos := make([]bool, n)
	for i := range scores {
		scores[i] = float64(r.IntN(20))
		pos[i] = r.IntN(3) == 0
	}
	var wins float64
	var pairs int
	for i := range scores {
		for j := range scores {
			if pos[i] && !pos[j] {
				pairs++
				switch {
				case scores[i] > scores[j]:
					wins++
				case scores[i] == scores[j]:
					wins += 0.5
				}
			}
		}
	}
	got, err := AUC(scores, pos)
	if err != nil {
		t.Fatal(err)
	}
	if want := wins / float64(pairs); math.Abs(got-want) > aucTol {
		t.Fatalf("AUC = %v, pair count %v", got, want)
	}
}

// A logistic regression on a feature that separates the classes ranks
// the held-out points perfectly; on a pure-noise feature it does not.
func TestLogisticSeparates(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var xs [][]float64
	var ys []bool
	for i := 0; i < 400; i++ {
		y := i%2 == 0
		x := r.NormFloat64()
		if y {
			x += 6
		}
		xs = append(xs, []float64{x, r.NormFloat64()})
		ys = append(ys, y)
	}
	lr := FitLogistic(xs[:200], ys[:200])
	scores := make([]float64, 200)
	for i := range scores {
		scores[i] = lr.Score(xs[200+i])
	}
	auc, err := AUC(scores, ys[200:])
	if err != nil {
		t.Fatal(err)
	}
	if auc < 0.99 {
		t.Errorf("held-out AUC %v on separable data", auc)
	}
	if !(lr.W[0] > 0) {
		t.Errorf("weight of the separating feature is %v, want positive", lr.W[0])
	}
}
