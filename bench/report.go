package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/obscura-ai/obscura/eval"
)

// File is the JSON report of a bench run: eval.Report (which obscura gate
// reads) plus, with --vs-ort, every peer's figures. The rows' infer, ort
// and ort_ratio (p50 over p50, as eval documents it) are ours against the
// headline peer: PeerExport with INT8, PeerFP32 in fp32.
type File struct {
	*eval.Report
	ORTIdleThreads string       `json:"ort_idle_threads,omitempty"` // "spin" (ONNX Runtime's default) or "blocked"
	Turns          *TurnOptions `json:"turns,omitempty"`
	Peers          []PeerReport `json:"peers,omitempty"`
	LoadStart      float64      `json:"load_avg_start,omitempty"` // 1-minute load average before the run
	LoadEnd        float64      `json:"load_avg_end,omitempty"`   // and after
}

// SetComparison stores c in f and fills the rows' headline figures.
func (f *File) SetComparison(c *Comparison, noSpin bool, turns TurnOptions) {
	f.ORTVersion = c.Version
	f.ORTIdleThreads = "spin"
	if noSpin {
		f.ORTIdleThreads = "blocked"
	}
	f.Turns = &turns
	f.Peers = c.Peers
	head := 0 // PeerExport with INT8, PeerFP32 alone in fp32: both first
	for i := range f.Bench {
		ours, peer := c.Ours[i], c.Peers[head].Rows[i].ORT
		f.Bench[i].Infer, f.Bench[i].ORT = &ours, &peer
		f.Bench[i].Ratio = ours.P50 / peer.P50
	}
}

// Write stores the report under dir with eval's file name, and with
// --vs-ort its Markdown tables beside it (same name, .md); it returns the
// JSON file's path.
func (f *File) Write(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, f.FileName())
	if err := os.WriteFile(p, append(b, '\n'), 0o644); err != nil {
		return "", err
	}
	if len(f.Peers) > 0 {
		md := strings.TrimSuffix(p, ".json") + ".md"
		if err := os.WriteFile(md, []byte(f.Markdown()), 0o644); err != nil {
			return "", err
		}
	}
	return p, nil
}

// LenName names a row's length; 0 is the mixed run.
func LenName(n int) string {
	if n == 0 {
		return "50-500"
	}
	return strconv.Itoa(n)
}

// Markdown renders the comparison as a table: p50 / p95 / p99 of ours and
// of every peer, then the ratios (paired, and p50 over p50 in brackets).
func (f *File) Markdown() string {
	var sb strings.Builder
	mode := "fp32"
	if f.Int8 {
		mode = "INT8"
	}
	fmt.Fprintf(&sb, "%s, ours %s, %d threads, ONNX Runtime %s (idle threads %s), turns %+v, load average %.2f → %.2f, %s\n\n",
		f.Model, mode, f.Threads, f.ORTVersion, f.ORTIdleThreads, *f.Turns, f.LoadStart, f.LoadEnd, f.Time.Format("2006-01-02 15:04Z"))
	sb.WriteString("| tokens | ours p50 / p95 / p99 |")
	for _, p := range f.Peers {
		fmt.Fprintf(&sb, " %s p50 / p95 / p99 |", p.Name)
	}
	for _, p := range f.Peers {
		fmt.Fprintf(&sb, " ours / %s |", p.Name)
	}
	sb.WriteString("\n|---|---|")
	sb.WriteString(strings.Repeat("---|", 2*len(f.Peers)))
	sb.WriteString("\n")
	for i, row := range f.Bench {
		if row.Infer == nil {
			continue
		}
		fmt.Fprintf(&sb, "| %s | %s |", LenName(row.Len), triple(*row.Infer))
		for _, p := range f.Peers {
			fmt.Fprintf(&sb, " %s |", triple(p.Rows[i].ORT))
		}
		for _, p := range f.Peers {
			fmt.Fprintf(&sb, " %.2f (%.2f) |", p.Rows[i].Ratio, p.Rows[i].P50Ratio)
		}
		sb.WriteString("\n")
	}
	sb.WriteString("\nms; ratio = median over turns of ours' median / the peer's median (in brackets: ours p50 / peer p50 over the run); below 1: ours is faster. Peers:")
	for _, p := range f.Peers {
		fmt.Fprintf(&sb, " %s = %s (%.1f MB);", p.Name, p.File, p.MB)
	}
	sb.WriteString("\n")
	return sb.String()
}

func triple(l eval.Latency) string {
	return fmt.Sprintf("%.2f / %.2f / %.2f", l.P50, l.P95, l.P99)
}

// LoadAverage returns the machine's 1-minute load average, or 0 where
// /proc/loadavg is not available.
func LoadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}
