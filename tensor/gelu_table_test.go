//go:build amd64 && !purego

package tensor

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Bounds on the AVX-512 GELU's coefficient tables (ops_amd64.s, made by
// gen_gelu_table.go), with float32 coefficients evaluated in float64.
const (
	// geluTableAbsTol is the documented error of Ψ with the coefficients
	// rounded to float32 (the fit alone is within 6e-9).
	geluTableAbsTol = 1.4e-8
	// geluTableRelTol bounds the error relative to Ψ. Each piece is fit
	// on its own, so the error shrinks with Ψ (largest relative error
	// 3.6e-4, at a = 6.2 where Ψ = 2.8e-10): this catches wrong
	// coefficients in the far pieces, far below the absolute bound.
	geluTableRelTol = 5e-4
	// geluTableCut is Ψ(6.2), below which the kernel takes Ψ as 0.
	geluTableCut  = 3e-10
	geluTableGrid = 4096 // points per piece
)

// geluTable holds the tables vgeluc0 … vgeluc5: table[k][j] is ck[j].
type geluTable [6][16]float32

// vgelucLine matches one table's C16 line of ops_amd64.s.
var vgelucLine = regexp.MustCompile(`(?m)^C16\(vgeluc([0-9]+), ([^)]*)\)`)

// readGELUTable parses the C16 vgeluc lines of ops_amd64.s.
func readGELUTable(src string) (geluTable, error) {
	var tb geluTable
	seen := [6]bool{}
	for _, m := range vgelucLine.FindAllStringSubmatch(src, -1) {
		k, err := strconv.Atoi(m[1])
		if err != nil || k >= len(tb) || seen[k] {
			return tb, fmt.Errorf("unexpected table vgeluc%s", m[1])
		}
		seen[k] = true
		vals := strings.Split(m[2], ",")
		if len(vals) != len(tb[k]) {
			return tb, fmt.Errorf("vgeluc%d has %d values, want %d", k, len(vals), len(tb[k]))
		}
		for j, v := range vals {
			bits, err := strconv.ParseUint(strings.TrimSpace(v), 0, 32)
			if err != nil {
				return tb, fmt.Errorf("vgeluc%d[%d]: %v", k, j, err)
			}
			tb[k][j] = math.Float32frombits(uint32(bits))
		}
	}
	for k, ok := range seen {
		if !ok {
			return tb, fmt.Errorf("vgeluc%d not found", k)
		}
	}
	return tb, nil
}

// eval returns piece j's polynomial at t, in float64.
func (tb *geluTable) eval(j int, t float64) float64 {
	s := 0.0
	for k := len(tb) - 1; k >= 0; k-- {
		s = s*t + float64(tb[k][j])
	}
	return s
}

// geluPsi returns Ψ(a) = Φ(−a) = erfc(a/√2)/2.
func geluPsi(a float64) float64 { return 0.5 * math.Erfc(a/math.Sqrt2) }

// check returns the first violation of the table's documented properties,
// and the largest absolute and relative errors of Ψ.
func (tb *geluTable) check() (maxAbs, maxRel float64, err error) {
	if tb[0][0] != 0.5 {
		return 0, 0, fmt.Errorf("c0[0] = %g, want 0.5 exactly", tb[0][0])
	}
	for j := range tb[0] {
		lo := -0.5
		if j == 0 {
			lo = 0
		}
		for i := 0; i <= geluTableGrid; i++ {
			t := float64(float32(lo + (0.5-lo)*float64(i)/geluTableGrid))
			want := geluPsi((float64(j) + t) / 2.5)
			d := math.Abs(tb.eval(j, t) - want)
			maxAbs, maxRel = max(maxAbs, d), max(maxRel, d/want)
			if d > geluTableAbsTol || d > geluTableRelTol*want {
				return maxAbs, maxRel, fmt.Errorf("piece %d, t = %g: Ψ = %g, want %g (error %.3g, %.3g relative)", j, t, tb.eval(j, t), want, d, d/want)
			}
		}
		// Continuity: where piece j ends, piece j+1 (or 0 past the last)
		// must start within both pieces' errors.
		end := tb.eval(j, 0.5)
		next, tol := 0.0, geluTableCut
		if j+1 < len(tb[0]) {
			next = tb.eval(j+1, -0.5)
			tol = 2 * min(geluTableAbsTol, geluTableRelTol*geluPsi(float64(j+1)/2.5-0.2))
		}
		if math.Abs(end-next) > tol {
			return maxAbs, maxRel, fmt.Errorf("pieces %d and %d differ by %.3g at a = %g (tolerance %.3g)", j, j+1, end-next, (float64(j)+0.5)/2.5, tol)
		}
	}
	return maxAbs, maxRel, nil
}

// TestGELUTable checks the coefficient tables of the AVX-512 GELU as
// written in ops_amd64.s against erfc on a dense grid of each piece, and
// that the check catches corrupted coefficients.
func TestGELUTable(t *testing.T) {
	src, err := os.ReadFile("ops_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	tb, err := readGELUTable(string(src))
	if err != nil {
		t.Fatal(err)
	}
	maxAbs, maxRel, err := tb.check()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Ψ from the float32 tables: max abs error %.3g (tolerance %.3g), relative %.3g (%.3g)", maxAbs, geluTableAbsTol, maxRel, geluTableRelTol)

	// The check must catch a corrupted coefficient: a flipped sign or a
	// wrong bit in the upper mantissa, wherever the change δ·0.5^k of Ψ at
	// t = 0.5 exceeds twice the tolerance there (the error is then beyond
	// the tolerance whatever the fit error was). Smaller changes may pass.
	caught, must := 0, 0
	for k := range tb {
		for j := range tb[k] {
			tol := min(geluTableAbsTol, geluTableRelTol*geluPsi((float64(j)+0.5)/2.5))
			for _, flip := range []uint32{1 << 31, 1 << 22, 1 << 19, 1 << 16} {
				bad := tb
				bad[k][j] = math.Float32frombits(math.Float32bits(tb[k][j]) ^ flip)
				_, _, err := bad.check()
				if err != nil {
					caught++
				}
				delta := math.Abs(float64(bad[k][j])-float64(tb[k][j])) * math.Pow(0.5, float64(k))
				if delta > 2*tol {
					must++
					if err == nil {
						t.Errorf("c%d[%d] %g → %g (bit %#x flipped) not caught", k, j, tb[k][j], bad[k][j], flip)
					}
				}
			}
		}
	}
	t.Logf("corrupted coefficients caught: %d of %d (%d that must be)", caught, 4*6*16, must)
}

// TestGELUTableGenerated checks that ops_amd64.s holds the tables that
// gen_gelu_table.go prints, bit for bit (skipped with -short or without
// the go command).
func TestGELUTableGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command(goCmd, "run", "gen_gelu_table.go").Output()
	if err != nil {
		t.Fatalf("go run gen_gelu_table.go: %v", err)
	}
	src, err := os.ReadFile("ops_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	have := vgelucLine.FindAllString(string(src), -1)
	want := vgelucLine.FindAllString(string(out), -1)
	if len(want) != 6 || len(have) != len(want) {
		t.Fatalf("ops_amd64.s has %d vgeluc lines, the generator printed %d, want 6", len(have), len(want))
	}
	for i := range want {
		if have[i] != want[i] {
			t.Errorf("ops_amd64.s differs from gen_gelu_table.go's output:\n%s\nwant\n%s", have[i], want[i])
		}
	}
}
