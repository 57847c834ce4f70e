package train

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// progress draws the training progress line on a writer (stderr): step,
// epoch, a smoothed loss, tokens per second and the time left. It prints
// numbers only, never data.
type progress struct {
	w         io.Writer
	total     int
	tick      time.Duration
	start     time.Time
	last      time.Time
	tokens    int
	loss      float64
	firstStep int
	drawn     bool
	// extra, when set, adds a field after the loss on the progress line
	// and to each epoch line (DP-SGD's ε spent).
	extra func() string
}

func newProgress(w io.Writer, total int, tick time.Duration) *progress {
	now := time.Now()
	return &progress{w: w, total: total, tick: tick, start: now, firstStep: -1}
}

func (p *progress) update(step, epoch int, loss float64, tokens int) {
	if p.w == nil {
		return
	}
	if p.firstStep < 0 {
		p.firstStep = step - 1
		p.loss = loss
	}
	p.loss = 0.95*p.loss + 0.05*loss
	p.tokens += tokens
	now := time.Now()
	if p.tick > 0 && now.Sub(p.last) < p.tick && step != p.total {
		return
	}
	p.last = now
	el := now.Sub(p.start).Seconds()
	done := step - p.firstStep
	eta := time.Duration(float64(p.total-step) * el / float64(max(done, 1)) * float64(time.Second))
	const width = 24
	fill := width * step / max(p.total, 1)
	fmt.Fprintf(p.w, "\r[%s%s] step %d/%d epoch %d loss %.4f%s %.0f tok/s ETA %s ",
		strings.Repeat("=", fill), strings.Repeat(" ", width-fill), step, p.total, epoch, p.loss,
		p.extraField(" "), float64(p.tokens)/math.Max(el, 1e-9), eta.Round(time.Second))
	p.drawn = true
}

func (p *progress) epoch(er EpochResult) {
	if p.w == nil {
		return
	}
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
	fmt.Fprintf(p.w, "epoch %d: train loss %.4f, valid F1 %.4f (macro %.4f)%s, %.0f s, %.0f tok/s\n",
		er.Epoch, er.Loss, er.ValidF1, er.ValidMF1, p.extraField(", "), er.Seconds, er.TokensSec)
}

func (p *progress) extraField(sep string) string {
	if p.extra == nil {
		return ""
	}
	return sep + p.extra()
}

func (p *progress) done() {
	if p.w != nil && p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}
