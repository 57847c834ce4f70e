package privacy

import "math"

// Logistic training settings: full-batch gradient descent on standardised
// features with a small L2 penalty; the problem is convex and tiny.
const (
	logisticIters = 400
	logisticRate  = 0.5
	logisticL2    = 1e-3
)

// Logistic is a fitted logistic regression on standardised features.
type Logistic struct {
	Mean, Scale []float64
	W           []float64
	B           float64
}

// FitLogistic fits P(y | x) = σ(w·z + b), z the features standardised with
// the training mean and standard deviation.
func FitLogistic(xs [][]float64, ys []bool) *Logistic {
	d := len(xs[0])
	m := &Logistic{Mean: make([]float64, d), Scale: make([]float64, d), W: make([]float64, d)}
	n := float64(len(xs))
	for _, x := range xs {
		for j, v := range x {
			m.Mean[j] += v / n
		}
	}
	for _, x := range xs {
		for j, v := range x {
			m.Scale[j] += (v - m.Mean[j]) * (v - m.Mean[j]) / n
		}
	}
	for j := range m.Scale {
		m.Scale[j] = math.Sqrt(m.Scale[j])
		if m.Scale[j] == 0 {
			m.Scale[j] = 1
		}
	}
	z := make([][]float64, len(xs))
	for i, x := range xs {
		z[i] = m.standardise(x)
	}
	gw := make([]float64, d)
	for it := 0; it < logisticIters; it++ {
		for j := range gw {
			gw[j] = logisticL2 * m.W[j]
		}
		gb := 0.0
		for i, zi := range z {
			y := 0.0
			if ys[i] {
				y = 1
			}
			r := (sigmoid(dot(m.W, zi)+m.B) - y) / n
			for j, v := range zi {
				gw[j] += r * v
			}
			gb += r
		}
		for j := range m.W {
			m.W[j] -= logisticRate * gw[j]
		}
		m.B -= logisticRate * gb
	}
	return m
}

// Score is the fitted probability that x is a member.
func (m *Logistic) Score(x []float64) float64 { return sigmoid(dot(m.W, m.standardise(x)) + m.B) }

func (m *Logistic) standardise(x []float64) []float64 {
	z := make([]float64, len(x))
	for j, v := range x {
		z[j] = (v - m.Mean[j]) / m.Scale[j]
	}
	return z
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
