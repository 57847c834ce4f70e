package train

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// lossSmooth is the window of the moving average drawn over the raw loss.
const lossSmooth = 50

// PlotLoss draws the per-step training loss (raw and a moving average) with
// each epoch's validation F1 marked, as a PNG (or SVG/PDF by extension).
func PlotLoss(losses []float64, epochs []EpochResult, path string) error {
	if len(losses) == 0 {
		return fmt.Errorf("train: no losses to plot")
	}
	p := plot.New()
	p.Title.Text = "training loss"
	p.X.Label.Text = "step"
	p.Y.Label.Text = "cross-entropy"
	raw := make(plotter.XYs, len(losses))
	avg := make(plotter.XYs, len(losses))
	var sum float64
	for i, l := range losses {
		raw[i] = plotter.XY{X: float64(i + 1), Y: l}
		sum += l
		if i >= lossSmooth {
			sum -= losses[i-lossSmooth]
		}
		avg[i] = plotter.XY{X: float64(i + 1), Y: sum / float64(min(i+1, lossSmooth))}
	}
	lr, err := plotter.NewLine(raw)
	if err != nil {
		return err
	}
	lr.Color = plotterGray
	la, err := plotter.NewLine(avg)
	if err != nil {
		return err
	}
	la.Width = vg.Points(1.5)
	p.Add(lr, la)
	p.Legend.Top = true
	p.Legend.Add("loss per step", lr)
	p.Legend.Add(fmt.Sprintf("moving average (%d steps)", lossSmooth), la)
	step := 0
	for _, e := range epochs {
		step += e.Steps
		if e.ValidF1 > 0 {
			lbl, err := plotter.NewLabels(plotter.XYLabels{
				XYs:    []plotter.XY{{X: float64(step), Y: avg[min(step, len(avg))-1].Y}},
				Labels: []string{fmt.Sprintf("epoch %d: F1 %.3f", e.Epoch, e.ValidF1)},
			})
			if err == nil {
				p.Add(lbl)
			}
		}
	}
	return p.Save(8*vg.Inch, 5*vg.Inch, path)
}

var plotterGray = grayColor{}

type grayColor struct{}

func (grayColor) RGBA() (r, g, b, a uint32) { return 0xb000, 0xb000, 0xb000, 0xffff }
