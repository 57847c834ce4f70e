//go:build ignore

// This program generates the coefficient tables vgeluc0 … vgeluc5 of the
// AVX-512 GELU (geluErfAVX512 in ops_amd64.s). Run it from this directory:
//
//	go run gen_gelu_table.go
//
// It prints the six C16 lines to standard output, in the form they take in
// ops_amd64.s (paste them over the old ones), and the fit errors to
// standard error.
//
// The kernel evaluates the tail Ψ(a) = Φ(−a) = erfc(a/√2)/2, a = |x|, in 16
// pieces: u = 2.5·a, j = round(u) (0 … 15), t = u − j, and
//
//	Ψ ≈ c0[j] + t·(c1[j] + t·(c2[j] + t·(c3[j] + t·(c4[j] + t·c5[j])))).
//
// Piece j > 0 covers t ∈ [−0.5, 0.5]; its coefficients are the degree-5
// polynomial of least maximum absolute error against Ψ((j + t)/2.5) there.
// Piece 0 covers only t ∈ [0, 0.5] (a ≥ 0) and keeps c0[0] = 1/2 exactly,
// so that the kernel gives Φ(0) = 1/2 exactly: c1 … c5 of piece 0 minimize
// the maximum of |Ψ(t/2.5) − 1/2 − (c1·t + … + c5·t⁵)| on [0, 0.5].
//
// Each fit is a Remez exchange in float64: solve for the polynomial whose
// error takes equal magnitude and alternating signs on a reference set of
// points (7 for a piece j > 0, 6 for piece 0, whose error is 0 at t = 0),
// then move the reference to the local extrema of the new error, found on
// a dense grid and refined by golden-section search, until the extrema are
// level. By the equioscillation theorem the result is the minimax fit.
//
// The float64 coefficients of a piece j > 0 are then rounded to the
// nearest float32: its fit error (up to 6e-9) and the rounding of c0 (up
// to 1.5e-8, which no other term can offset at t = 0) dominate. Piece 0's
// fit error is only 3e-11, far below the rounding of its coefficients, so
// they are rounded one at a time, c1 first, each time refitting the higher
// ones (minimax over t^k … t^5 on (0, 0.5], a Haar system there since
// t > 0) to absorb the rounding: 6e-11 with float32 coefficients instead
// of 1e-9 for plain rounding.
//
// The refits determine piece 0's small coefficients c2 … c5 only to
// float64 noise, so a change in the stopping tolerances may move their low
// bits (not the error). The output is the same with GOAMD64=v1 and v3 (fused
// multiply-adds); TestGELUTableGenerated checks that ops_amd64.s holds it.
//
// The fit errors printed are measured on a dense grid of each piece: the
// float64 fit, the float32 coefficients evaluated in float64, and the
// float32 coefficients evaluated as the kernel does (Horner's rule with
// one float32 FMA per step, emulated by a float64 FMA rounded to float32).
package main

import (
	"fmt"
	"math"
	"os"
	"strings"
)

const (
	pieces   = 16  // j = 0 … 15
	degree   = 5   // c0 … c5
	perUnit  = 2.5 // pieces per unit of a: u = 2.5·a
	gridN    = 4000
	maxIter  = 60
	levelTol = 1e-10 // stop when the reference errors agree to this ratio …
	noiseTol = 1e-14 // … or to this fraction of the target (float64 noise)
)

// psi returns Ψ(a) = erfc(a/√2)/2.
func psi(a float64) float64 { return 0.5 * math.Erfc(a/math.Sqrt2) }

// piece describes one fit: the target Ψ((j + t)/2.5) − Σ fixed[k]·t^k
// (k outside first … last) on [lo, hi] by Σ c[k]·t^k (k = first … last).
type piece struct {
	j           int
	lo, hi      float64
	first, last int                 // the free powers
	fixed       [degree + 1]float64 // the other coefficients
}

// base returns Ψ((j + t)/2.5), less c0 where c0 is fixed.
func (p piece) base(t float64) float64 {
	a := (float64(p.j) + t) / perUnit
	switch {
	case p.first == 0:
		return psi(a)
	case p.j == 0:
		// Ψ(a) − 1/2 = −erf(a/√2)/2, without the cancellation.
		return -0.5*math.Erf(a/math.Sqrt2) - (p.fixed[0] - 0.5)
	}
	return psi(a) - p.fixed[0]
}

func (p piece) target(t float64) float64 {
	f := p.base(t)
	for k := 1; k <= degree; k++ {
		if k < p.first || k > p.last {
			f -= p.fixed[k] * math.Pow(t, float64(k))
		}
	}
	return f
}

// poly evaluates Σ c[k]·t^k (c[0] included) in float64.
func poly(c []float64, t float64) float64 {
	s := 0.0
	for k := len(c) - 1; k >= 0; k-- {
		s = s*t + c[k]
	}
	return s
}

// errAt is the fit error target − poly at t, c holding the free powers.
func (p piece) errAt(c []float64, t float64) float64 {
	full := make([]float64, p.last+1)
	copy(full[p.first:], c)
	return p.target(t) - poly(full, t)
}

// solve solves the square system m·x = b by Gaussian elimination with
// partial pivoting.
func solve(m [][]float64, b []float64) []float64 {
	n := len(b)
	for col := 0; col < n; col++ {
		piv := col
		for r := col + 1; r < n; r++ {
			if math.Abs(m[r][col]) > math.Abs(m[piv][col]) {
				piv = r
			}
		}
		m[col], m[piv] = m[piv], m[col]
		b[col], b[piv] = b[piv], b[col]
		for r := col + 1; r < n; r++ {
			f := m[r][col] / m[col][col]
			for k := col; k < n; k++ {
				m[r][k] -= f * m[col][k]
			}
			b[r] -= f * b[col]
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := b[r]
		for k := r + 1; k < n; k++ {
			s -= m[r][k] * x[k]
		}
		x[r] = s / m[r][r]
	}
	return x
}

// level returns the free coefficients whose error is ±E, alternating, on
// the reference points ref.
func (p piece) level(ref []float64) (c []float64, e float64) {
	nfree := p.last + 1 - p.first
	m := make([][]float64, len(ref))
	b := make([]float64, len(ref))
	for i, t := range ref {
		row := make([]float64, nfree+1)
		for k := 0; k < nfree; k++ {
			row[k] = math.Pow(t, float64(p.first+k))
		}
		row[nfree] = 1 - 2*float64(i%2) // (−1)^i
		m[i], b[i] = row, p.target(t)
	}
	x := solve(m, b)
	return x[:nfree], x[nfree]
}

// refine returns the point of [lo, hi] where s·err is largest (golden
// section; err is unimodal there for a good reference).
func (p piece) refine(c []float64, s, lo, hi float64) float64 {
	g := (math.Sqrt(5) - 1) / 2
	f := func(t float64) float64 { return s * p.errAt(c, t) }
	x1, x2 := hi-g*(hi-lo), lo+g*(hi-lo)
	f1, f2 := f(x1), f(x2)
	for hi-lo > 1e-14 {
		if f1 < f2 {
			lo, x1, f1 = x1, x2, f2
			x2 = lo + g*(hi-lo)
			f2 = f(x2)
		} else {
			hi, x2, f2 = x2, x1, f1
			x1 = hi - g*(hi-lo)
			f1 = f(x1)
		}
	}
	best := (lo + hi) / 2
	// The endpoints of the piece are candidates too.
	for _, t := range []float64{p.lo, p.hi} {
		if t >= lo-1e-9 && t <= hi+1e-9 && t != 0 && f(t) > f(best) {
			best = t
		}
	}
	return best
}

// extrema returns the local extrema of the error, one per run of equal
// sign on the grid, alternating in sign, cut to want points.
func (p piece) extrema(c []float64, want int) []float64 {
	grid := make([]float64, 0, gridN+1)
	for i := 0; i <= gridN; i++ {
		t := p.lo + (p.hi-p.lo)*float64(i)/gridN
		if p.first > 0 && t == 0 {
			continue // the error is 0 there
		}
		grid = append(grid, t)
	}
	type run struct{ lo, hi, at, e float64 }
	var runs []run
	for i, t := range grid {
		e := p.errAt(c, t)
		if e == 0 {
			continue
		}
		lo, hi := grid[max(i-1, 0)], grid[min(i+1, len(grid)-1)]
		if n := len(runs); n > 0 && (runs[n-1].e > 0) == (e > 0) {
			if math.Abs(e) > math.Abs(runs[n-1].e) {
				runs[n-1] = run{lo, hi, t, e}
			}
			continue
		}
		runs = append(runs, run{lo, hi, t, e})
	}
	// Cut to want points keeping the alternation: drop the smaller end, or
	// the smallest interior extremum with its smaller neighbour.
	for len(runs) > want {
		k := 0
		for i := range runs {
			if math.Abs(runs[i].e) < math.Abs(runs[k].e) {
				k = i
			}
		}
		switch {
		case k == 0 || k == len(runs)-1 || len(runs)-2 < want:
			if math.Abs(runs[0].e) < math.Abs(runs[len(runs)-1].e) {
				runs = runs[1:]
			} else {
				runs = runs[:len(runs)-1]
			}
		default:
			n := k + 1
			if math.Abs(runs[k-1].e) < math.Abs(runs[k+1].e) {
				n = k - 1
			}
			lo := min(k, n)
			runs = append(runs[:lo], runs[lo+2:]...)
		}
	}
	if len(runs) < want {
		fmt.Fprintf(os.Stderr, "piece %d: only %d alternating extrema\n", p.j, len(runs))
		os.Exit(1)
	}
	ref := make([]float64, want)
	for i, r := range runs {
		ref[i] = p.refine(c, math.Copysign(1, r.e), r.lo, r.hi)
	}
	return ref
}

// fit runs the Remez exchange and returns c0 … c5 and the levelled error.
func (p piece) fit() ([]float64, float64) {
	want := p.last + 2 - p.first
	ref := make([]float64, want)
	for i := range ref {
		if p.first > 0 {
			// Chebyshev-like points in (0, hi], the last at hi.
			ref[i] = p.hi * (1 - math.Cos(math.Pi*float64(i+1)/float64(want))) / 2
		} else {
			ref[i] = (p.lo+p.hi)/2 - (p.hi-p.lo)/2*math.Cos(math.Pi*float64(i)/float64(want-1))
		}
	}
	var c []float64
	var e float64
	for iter := 0; ; iter++ {
		c, e = p.level(ref)
		ref = p.extrema(c, want)
		lo, hi, size := math.Inf(1), 0.0, 0.0
		for _, t := range ref {
			a := math.Abs(p.errAt(c, t))
			lo, hi = math.Min(lo, a), math.Max(hi, a)
			size = math.Max(size, math.Abs(p.base(t)))
		}
		if hi-lo <= max(levelTol*hi, noiseTol*size) {
			break
		}
		if iter == maxIter {
			fmt.Fprintf(os.Stderr, "piece %d: no convergence (%g … %g)\n", p.j, lo, hi)
			os.Exit(1)
		}
	}
	full := p.fixed
	copy(full[p.first:], c)
	return full[:], math.Abs(e)
}

// horner32 evaluates the float32 coefficients as the kernel does: one
// float32 FMA per step (the exact product-sum rounded once; emulated by a
// float64 FMA, whose result is then rounded to float32).
func horner32(c []float32, t float32) float32 {
	s := c[degree]
	for k := degree - 1; k >= 0; k-- {
		s = float32(math.FMA(float64(s), float64(t), float64(c[k])))
	}
	return s
}

func main() {
	var table [degree + 1][pieces]float32
	var worst64, worst32, worstK float64
	for j := 0; j < pieces; j++ {
		p := piece{j: j, lo: -0.5, hi: 0.5, last: degree}
		if j == 0 {
			p = piece{j: 0, lo: 0, hi: 0.5, first: 1, last: degree}
			p.fixed[0] = 0.5
		}
		c, e := p.fit()
		if j == 0 {
			// Round c1 … c4 one at a time, refitting the higher ones.
			for p.first < degree {
				p.fixed[p.first] = float64(float32(c[p.first]))
				p.first++
				c, _ = p.fit()
			}
		}
		c32 := make([]float32, degree+1)
		c32f := make([]float64, degree+1)
		for k := range c {
			c32[k] = float32(c[k])
			c32f[k] = float64(c32[k])
			table[k][j] = c32[k]
		}
		// Errors on a dense grid of float32 t in the piece.
		var e64, e32, eK float64
		const n = 1 << 16
		for i := 0; i <= n; i++ {
			t := float32(p.lo + (p.hi-p.lo)*float64(i)/n)
			tf := float64(t)
			want := psi((float64(j) + tf) / perUnit)
			e64 = math.Max(e64, math.Abs(poly(c, tf)-want))
			e32 = math.Max(e32, math.Abs(poly(c32f, tf)-want))
			eK = math.Max(eK, math.Abs(float64(horner32(c32, t))-want))
		}
		fmt.Fprintf(os.Stderr, "piece %2d: minimax %.3g, grid %.3g, float32 coefficients %.3g, float32 Horner %.3g\n", j, e, e64, e32, eK)
		worst64, worst32, worstK = math.Max(worst64, e64), math.Max(worst32, e32), math.Max(worstK, eK)
	}
	fmt.Fprintf(os.Stderr, "max: fit %.3g, float32 coefficients %.3g, float32 Horner %.3g\n", worst64, worst32, worstK)
	for k := 0; k <= degree; k++ {
		hex := make([]string, pieces)
		for j, v := range table[k] {
			hex[j] = fmt.Sprintf("0x%08x", math.Float32bits(v))
		}
		fmt.Printf("C16(vgeluc%d, %s)\n", k, strings.Join(hex, ", "))
	}
}
