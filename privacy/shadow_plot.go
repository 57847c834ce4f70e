package privacy

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// PlotShadowROC writes the ROC curves of the shadow attack on the target
// (one per noise level, with its AUC and interval in the legend) and of the
// loss-threshold attack without noise, above the chance diagonal, as PNG
// and SVG named <stem>_shadow_roc under dir. It returns the files written.
func PlotShadowROC(r *ShadowReport, dir, stem string) ([]string, error) {
	if len(r.Points) == 0 {
		return nil, fmt.Errorf("privacy: the shadow report has no points to plot")
	}
	p := plot.New()
	name := r.Model
	if name == "" {
		name = "target"
	}
	p.Title.Text = fmt.Sprintf("%s: shadow-model membership inference (%d shadows)\n%d members vs %d non-members; AUC with %.0f%% bootstrap interval",
		name, r.Shadows, r.TargetMembers, r.TargetNonMembers, 100*r.Points[0].Shadow.Confidence)
	p.X.Label.Text = "false-positive rate (non-members flagged)"
	p.Y.Label.Text = "true-positive rate (members flagged)"
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	p.Add(plotter.NewGrid())
	curve := func(pts []ROCPoint, label string, color int, dashes []vg.Length) error {
		xy := make(plotter.XYs, len(pts))
		for i, q := range pts {
			xy[i] = plotter.XY{X: q.FPR, Y: q.TPR}
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return err
		}
		l.Color, l.Width, l.Dashes = plotutil.Color(color), vg.Points(1.5), dashes
		p.Add(l)
		p.Legend.Add(label, l)
		return nil
	}
	for i, pt := range r.Points {
		if err := curve(pt.ROCShadow, fmt.Sprintf("shadow attack, ε=%s: AUC %s", pt.Epsilon, pt.Shadow), i, nil); err != nil {
			return nil, err
		}
	}
	if pt, ok := r.Point(Inf); ok {
		if err := curve(pt.ROCLoss, fmt.Sprintf("loss threshold, no noise: AUC %s", pt.Loss), len(r.Points), []vg.Length{vg.Points(4), vg.Points(2)}); err != nil {
			return nil, err
		}
	}
	diag, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	if err != nil {
		return nil, err
	}
	diag.Color, diag.Dashes = grey, []vg.Length{vg.Points(1), vg.Points(3)}
	p.Add(diag)
	p.Legend.Add("chance (AUC 0.5)", diag)
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(5), vg.Points(5)
	return render(dir, stem+"_shadow_roc", plotHeight, plotHeight, func(dc draw.Canvas) { p.Draw(dc) })
}
