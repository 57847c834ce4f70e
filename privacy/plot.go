package privacy

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Plot size and the position of ∞ on the log axis (this factor past the
// largest finite ε).
const (
	plotWidth   = 8 * vg.Inch
	plotHeight  = 5 * vg.Inch
	legendWidth = 2.4 * vg.Inch
	infFactor   = 3
	// zeroPerLine is how many always-zero types one title line names.
	zeroPerLine = 8
)

// epsAxis maps ε values onto a log x axis with ∞ drawn past the largest
// finite one, and labels the ticks with the swept values.
type epsAxis struct {
	eps  []Eps // finite, ascending
	xInf float64
}

func newEpsAxis(es []Eps) epsAxis {
	f := finite(es)
	a := epsAxis{eps: f, xInf: 1}
	if len(f) > 0 {
		a.xInf = float64(f[len(f)-1]) * infFactor
	}
	return a
}

func (a epsAxis) x(e Eps) float64 {
	if e.IsInf() {
		return a.xInf
	}
	return float64(e)
}

func (a epsAxis) apply(p *plot.Plot) {
	p.X.Scale = plot.LogScale{}
	var ticks plot.ConstantTicks
	for _, e := range a.eps {
		ticks = append(ticks, plot.Tick{Value: float64(e), Label: e.String()})
	}
	ticks = append(ticks, plot.Tick{Value: a.xInf, Label: "∞ (no noise)"})
	p.X.Tick.Marker = ticks
	p.X.Label.Text = "ε (log scale; Laplace scale 1/ε on the logits)"
	if len(a.eps) > 0 {
		p.X.Min = float64(a.eps[0]) / 1.5
	}
	p.X.Max = a.xInf * 1.5
}

// series draws one curve: mean with min–max error bars over seeds, the
// finite ε joined by a solid line and ∞ by a dotted one.
type series struct {
	name  string
	xs    []float64
	mean  []float64
	lo    []float64
	hi    []float64
	inf   int // index of the ∞ point, -1 if none
	color int
}

type errXY struct {
	plotter.XYs
	plotter.YErrors
}

func (s series) add(p *plot.Plot) error {
	var fin, tail plotter.XYs
	var bars errXY
	for i := range s.xs {
		pt := plotter.XY{X: s.xs[i], Y: s.mean[i]}
		if i == s.inf {
			tail = append(tail, pt)
		} else {
			fin = append(fin, pt)
		}
		bars.XYs = append(bars.XYs, pt)
		bars.YErrors = append(bars.YErrors, struct{ Low, High float64 }{s.mean[i] - s.lo[i], s.hi[i] - s.mean[i]})
	}
	c := plotutil.Color(s.color)
	l, sc, err := plotter.NewLinePoints(fin)
	if err != nil {
		return err
	}
	l.Color, sc.Color = c, c
	l.Width = vg.Points(1.5)
	// Colours repeat after len(DefaultColors) series: dash the repeats.
	l.Dashes = plotutil.Dashes(s.color / len(plotutil.DefaultColors))
	sc.Shape = plotutil.Shape(s.color)
	p.Add(l, sc)
	p.Legend.Add(s.name, l, sc)
	if s.inf >= 0 && len(fin) > 0 {
		conn := plotter.XYs{fin[len(fin)-1], tail[0]}
		cl, err := plotter.NewLine(conn)
		if err != nil {
			return err
		}
		cl.Color, cl.Dashes = c, []vg.Length{vg.Points(2), vg.Points(3)}
		ts, err := plotter.NewScatter(tail)
		if err != nil {
			return err
		}
		ts.Color, ts.Shape, ts.Radius = c, draw.RingGlyph{}, vg.Points(5)
		p.Add(cl, ts)
	}
	eb, err := plotter.NewYErrorBars(bars)
	if err != nil {
		return err
	}
	eb.Color = c
	p.Add(eb)
	return nil
}

// render draws with fn onto a w×h canvas and writes it as PNG and SVG.
func render(dir, stem string, w, h vg.Length, fn func(dc draw.Canvas)) ([]string, error) {
	var out []string
	for _, format := range []string{"png", "svg"} {
		c, err := draw.NewFormattedCanvas(w, h, format)
		if err != nil {
			return nil, err
		}
		fn(draw.New(c))
		path := filepath.Join(dir, stem+"."+format)
		f, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		if _, err := c.WriteTo(f); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
		out = append(out, path)
	}
	return out, nil
}

// save writes p with its legend in a column to the right of the plot, so
// that no entry hides a curve.
func save(p *plot.Plot, dir, stem string) ([]string, error) {
	leg := p.Legend
	p.Legend = plot.NewLegend()
	leg.Top, leg.Left = true, true
	leg.XOffs, leg.YOffs = vg.Points(6), -vg.Points(28)
	return render(dir, stem, plotWidth+legendWidth, plotHeight, func(dc draw.Canvas) {
		pa, la := dc, dc
		pa.Max.X = dc.Min.X + plotWidth
		la.Min.X = pa.Max.X
		p.Draw(pa)
		leg.Draw(la)
	})
}

func hline(p *plot.Plot, a epsAxis, y float64, c color.Color, dashes []vg.Length) error {
	l, err := plotter.NewLine(plotter.XYs{{X: p.X.Min, Y: y}, {X: p.X.Max, Y: y}})
	if err != nil {
		return err
	}
	l.Color, l.Dashes, l.Width = c, dashes, vg.Points(0.8)
	p.Add(l)
	return nil
}

func vline(p *plot.Plot, x float64, c color.Color) error {
	l, err := plotter.NewLine(plotter.XYs{{X: x, Y: 0}, {X: x, Y: 1}})
	if err != nil {
		return err
	}
	l.Color, l.Dashes, l.Width = c, []vg.Length{vg.Points(4), vg.Points(2)}, vg.Points(1)
	p.Add(l)
	return nil
}

func statSeries(name string, color int, a epsAxis, pts []Point, get func(Point) Stat) series {
	s := series{name: name, color: color, inf: -1}
	for _, p := range pts {
		st := get(p)
		if p.Epsilon.IsInf() {
			s.inf = len(s.xs)
		}
		s.xs = append(s.xs, a.x(p.Epsilon))
		s.mean = append(s.mean, st.Mean)
		s.lo = append(s.lo, st.Min)
		s.hi = append(s.hi, st.Max)
	}
	return s
}

func newPlot(title, ylabel string, a epsAxis) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = ylabel
	p.Y.Min, p.Y.Max = 0, 1
	a.apply(p)
	// Every curve is low at small ε, so the top left corner is free.
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.XOffs = vg.Points(10)
	p.Legend.YOffs = -vg.Points(5)
	p.Add(plotter.NewGrid())
	return p
}

var grey = color.RGBA{R: 120, G: 120, B: 120, A: 255}

// PlotSweep writes the utility curve (macro F1 against ε, one curve per data
// set, with the max-drop line of each and the operating point) and one
// per-entity plot per data set, as PNG and SVG under dir. It returns the
// files written.
func PlotSweep(r *SweepReport, dir string) ([]string, error) {
	var es []Eps
	for _, p := range r.Datasets[0].Points {
		es = append(es, p.Epsilon)
	}
	a := newEpsAxis(es)
	p := newPlot(fmt.Sprintf("%s, %s: macro F1 against ε (mean over %d seeds, bars min–max)", r.Model, r.Method, r.Seeds), "macro F1 (entity level)", a)
	for i, d := range r.Datasets {
		s := statSeries(d.Name, i, a, d.Points, func(p Point) Stat { return p.MacroF1 })
		if err := s.add(p); err != nil {
			return nil, err
		}
		if err := hline(p, a, d.NoiseFree.Macro.F1-r.Operating.MaxDrop, plotutil.Color(i), []vg.Length{vg.Points(1), vg.Points(3)}); err != nil {
			return nil, err
		}
	}
	if r.Operating.Found {
		if err := vline(p, a.x(r.Operating.Epsilon), grey); err != nil {
			return nil, err
		}
		p.Legend.Add(fmt.Sprintf("dashed: operating point ε=%s", r.Operating.Epsilon))
		p.Legend.Add(fmt.Sprintf("dotted: noise-free − %.0f pt", 100*r.Operating.MaxDrop))
	}
	files, err := save(p, dir, r.Stem()+"_f1_vs_epsilon")
	if err != nil {
		return nil, err
	}
	for _, d := range r.Datasets {
		p := newPlot(fmt.Sprintf("%s, %s, on %s: F1 per entity type against ε", r.Model, r.Method, d.Name), "F1 (entity level)", a)
		// Types scored 0 at every ε (no label of the model produces them)
		// are named in the title instead of drawn.
		var types, zero []string
		for t := range d.Points[len(d.Points)-1].Types {
			nonzero := false
			for _, pt := range d.Points {
				nonzero = nonzero || pt.Types[t].F1.Max > 0
			}
			if nonzero {
				types = append(types, t)
			} else {
				zero = append(zero, t)
			}
		}
		sort.Strings(types)
		sort.Strings(zero)
		for k := 0; k < len(zero); k += zeroPerLine {
			lead := "F1 0 at every ε: "
			if k > 0 {
				lead = ""
			}
			p.Title.Text += "\n" + lead + strings.Join(zero[k:min(k+zeroPerLine, len(zero))], ", ")
		}
		for i, t := range types {
			s := statSeries(t, i, a, d.Points, func(p Point) Stat { return p.Types[t].F1 })
			if err := s.add(p); err != nil {
				return nil, err
			}
		}
		f, err := save(p, dir, r.Stem()+"_per_entity_"+d.Name)
		if err != nil {
			return nil, err
		}
		files = append(files, f...)
	}
	return files, nil
}

// PlotMIA writes the attack AUCs against ε (top panel) above the macro F1
// of sweep's data set f1Data (bottom panel, when sweep is not nil), on the
// same ε axis, as PNG and SVG.
func PlotMIA(r *MIAReport, sweep *SweepReport, f1Data, dir string) ([]string, error) {
	var es []Eps
	for _, p := range r.Points {
		es = append(es, p.Epsilon)
	}
	a := newEpsAxis(es)
	pa := newPlot(fmt.Sprintf("%s: membership-inference attack\n%d training vs %d unseen sentences; mean over seeds, bars min–max", r.Model, r.Members, r.NonMembers), "ROC AUC (held-out half)", a)
	lo, hi := 0.45, 0.65
	for i, at := range []struct {
		name string
		get  func(MIAPoint) Stat
	}{
		{"confidence threshold (mean max-softmax)", func(p MIAPoint) Stat { return p.Confidence }},
		{"loss threshold (mean gold cross-entropy)", func(p MIAPoint) Stat { return p.Loss }},
		{"logistic regression on 7 statistics", func(p MIAPoint) Stat { return p.Learned }},
	} {
		s := series{name: at.name, color: i, inf: -1}
		for _, pt := range r.Points {
			st := at.get(pt)
			if pt.Epsilon.IsInf() {
				s.inf = len(s.xs)
			}
			s.xs, s.mean, s.lo, s.hi = append(s.xs, a.x(pt.Epsilon)), append(s.mean, st.Mean), append(s.lo, st.Min), append(s.hi, st.Max)
			lo, hi = math.Min(lo, st.Min-0.02), math.Max(hi, st.Max+0.02)
		}
		if err := s.add(pa); err != nil {
			return nil, err
		}
	}
	pa.Y.Min, pa.Y.Max = lo, hi
	if err := hline(pa, a, 0.5, grey, []vg.Length{vg.Points(4), vg.Points(2)}); err != nil {
		return nil, err
	}
	pa.Legend.Add("AUC 0.5: no membership signal")
	var pf *plot.Plot
	if sweep != nil {
		if d, ok := sweep.Dataset(f1Data); ok {
			pf = newPlot("utility at the same ε", "macro F1", a)
			s := statSeries(fmt.Sprintf("macro F1, %s (%s)", d.Name, sweep.Method), 3, a, d.Points, func(p Point) Stat { return p.MacroF1 })
			if err := s.add(pf); err != nil {
				return nil, err
			}
		}
	}
	stem := r.Model + "_mia_auc_f1_vs_epsilon"
	if pf == nil {
		return render(dir, stem, plotWidth, plotHeight, func(dc draw.Canvas) { pa.Draw(dc) })
	}
	return render(dir, stem, plotWidth, 2*plotHeight, func(dc draw.Canvas) {
		cs := plot.Align([][]*plot.Plot{{pa}, {pf}}, draw.Tiles{Rows: 2, Cols: 1, PadY: vg.Points(12), PadTop: vg.Points(4), PadBottom: vg.Points(4), PadLeft: vg.Points(4), PadRight: vg.Points(4)}, dc)
		pa.Draw(cs[0][0])
		pf.Draw(cs[1][0])
	})
}
