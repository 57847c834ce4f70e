package eval

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/obscura-ai/obscura/weights"
)

// Status is a gate's verdict.
type Status string

const (
	Pass    Status = "PASS"
	Warn    Status = "WARN"
	Fail    Status = "FAIL"
	Missing Status = "MISSING" // no report carries the evidence
)

// The product plan's go/no-go thresholds (section 5.4, with 1.4's targets).
const (
	GateMacroF1      = 0.90  // macro F1, hard
	GateTypeF1       = 0.85  // every type's F1, hard
	GateRecall       = 0.88  // macro recall, hard
	GateP95MS        = 30.0  // latency p95, hard
	GateP95WarnMS    = 25.0  // latency p95 warning
	GateP99MS        = 45.0  // latency p99, soft
	GateInt8DeltaPts = 0.5   // |macro F1 INT8 − fp32| in points, hard
	GateModelMB      = 300.0 // model file size, hard
)

// GateResult is one line of obscura gate's output.
type GateResult struct {
	Name   string `json:"name"`
	Scope  string `json:"scope,omitempty"` // data set or model the gate was applied to
	Status Status `json:"status"`
	Hard   bool   `json:"hard"`
	Value  string `json:"value"`
	Limit  string `json:"limit"`
}

// GateOptions filter the reports that the gates read.
type GateOptions struct {
	Model   string // only reports of this model (and the INT8 reports of its INT8 bundle), if set
	Dataset string // only eval reports of this data set, if set
}

// baseModel is the model r is evidence about: its own name, or for an
// INT8 report of an INT8 bundle (M-int8) the model M it stands for.
func baseModel(r *Report) string {
	if r.Int8 {
		return strings.TrimSuffix(r.Model, weights.Int8Suffix)
	}
	return r.Model
}

// covers reports whether r is evidence about opt.Model: its own reports,
// and the INT8 reports of its INT8 bundle, which is what --int8 loads.
func (opt GateOptions) covers(r *Report) bool {
	return r.Model == opt.Model || r.Int8 && r.Model == opt.Model+weights.Int8Suffix
}

func pct(x float64) string { return fmt.Sprintf("%.2f%%", 100*x) }

// Gates applies the go/no-go table to the latest reports: for every data set,
// its latest eval report; the latest bench and check reports; and the INT8
// against fp32 pairs. A hard gate without evidence is Missing.
func Gates(reports []*Report, opt GateOptions) []GateResult {
	var evals, benches, checks []*Report
	for _, r := range reports {
		if opt.Model != "" && !opt.covers(r) {
			continue
		}
		switch r.Kind {
		case KindEval:
			if r.Scores != nil && (opt.Dataset == "" || r.Dataset == opt.Dataset) {
				evals = append(evals, r)
			}
		case KindBench:
			benches = append(benches, r)
		case KindCheck:
			checks = append(checks, r)
		}
	}
	var out []GateResult
	add := func(g GateResult) { out = append(out, g) }

	// Latest eval report per model, data set, method and precision
	// (reports are sorted oldest first). Without a model filter the scope
	// names the model: two models' reports are two pieces of evidence.
	who := func(r *Report) string {
		if opt.Model != "" {
			return ""
		}
		return baseModel(r) + " "
	}
	latest := map[string]*Report{}
	for _, r := range evals {
		latest[who(r)+r.Dataset+label(r)] = r
	}
	scopes := make([]string, 0, len(latest))
	for d := range latest {
		scopes = append(scopes, d)
	}
	sort.Strings(scopes)
	if len(scopes) == 0 {
		for _, n := range []string{"macro F1", "per-entity F1", "recall (macro)"} {
			add(GateResult{Name: n, Status: Missing, Hard: true, Value: "no eval report"})
		}
	}
	for _, scope := range scopes {
		r := latest[scope]
		s := r.Scores
		add(threshold("macro F1", scope, s.Macro.F1, GateMacroF1, true))
		worst, worstType := math.Inf(1), ""
		for _, t := range s.Types {
			if t.F1 < worst {
				worst, worstType = t.F1, t.Type
			}
		}
		g := threshold("per-entity F1", scope, worst, GateTypeF1, true)
		g.Value = worstType + " " + g.Value
		add(g)
		add(threshold("recall (macro)", scope, s.Macro.Recall, GateRecall, true))
	}

	// INT8 against fp32, per data set and method.
	type key struct {
		model  string
		ds     string
		method string
	}
	fp, q := map[key]*Report{}, map[key]*Report{}
	for _, r := range evals {
		k := key{who(r), r.Dataset, method(r)}
		if r.Int8 {
			q[k] = r
		} else {
			fp[k] = r
		}
	}
	var pairs []key
	for k := range q {
		if fp[k] != nil {
			pairs = append(pairs, k)
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		a, b := pairs[i], pairs[j]
		if a.model != b.model {
			return a.model < b.model
		}
		return a.ds < b.ds || a.ds == b.ds && a.method < b.method
	})
	if len(pairs) == 0 {
		add(GateResult{Name: "INT8 vs fp32", Status: Missing, Hard: true, Value: "no INT8/fp32 pair of eval reports", Limit: fmt.Sprintf("≤ %.1f pt", GateInt8DeltaPts)})
	}
	for _, k := range pairs {
		d := 100 * math.Abs(q[k].Scores.Macro.F1-fp[k].Scores.Macro.F1)
		st := Pass
		if d > GateInt8DeltaPts {
			st = Fail
		}
		add(GateResult{Name: "INT8 vs fp32", Scope: k.model + k.ds + " " + k.method, Status: st, Hard: true, Value: fmt.Sprintf("%.2f pt", d), Limit: fmt.Sprintf("≤ %.1f pt", GateInt8DeltaPts)})
	}

	// Latency from the latest bench report.
	if len(benches) == 0 {
		add(GateResult{Name: "latency p95", Status: Missing, Hard: true, Value: "no bench report", Limit: fmt.Sprintf("≤ %.0f ms", GateP95MS)})
		add(GateResult{Name: "latency p99", Status: Missing, Value: "no bench report", Limit: fmt.Sprintf("≤ %.0f ms", GateP99MS)})
	}
	// Per precision: the newest report with the plan's mixed-length run,
	// else the newest report.
	for _, int8 := range []bool{false, true} {
		var b *Report
		mixed := false
		for _, r := range benches {
			if r.Int8 != int8 {
				continue
			}
			hasMixed := false
			for _, row := range r.Bench {
				hasMixed = hasMixed || row.Len == 0
			}
			if hasMixed || !mixed {
				b, mixed = r, mixed || hasMixed
			}
		}
		if b == nil {
			continue
		}
		row, scope := benchRow(b)
		p95 := GateResult{Name: "latency p95", Scope: scope, Hard: true, Status: Pass, Value: fmt.Sprintf("%.2f ms", row.Latency.P95), Limit: fmt.Sprintf("≤ %.0f ms (warn > %.0f)", GateP95MS, GateP95WarnMS)}
		switch {
		case row.Latency.P95 > GateP95MS:
			p95.Status = Fail
		case row.Latency.P95 > GateP95WarnMS:
			p95.Status = Warn
		}
		add(p95)
		p99 := GateResult{Name: "latency p99", Scope: scope, Status: Pass, Value: fmt.Sprintf("%.2f ms", row.Latency.P99), Limit: fmt.Sprintf("≤ %.0f ms (soft)", GateP99MS)}
		if row.Latency.P99 > GateP99MS {
			p99.Status = Warn
		}
		add(p99)
	}

	// Model size from the newest report that measured it.
	var sized *Report
	for _, r := range reports {
		if (opt.Model == "" || opt.covers(r)) && r.ModelMB > 0 {
			sized = r
		}
	}
	if sized == nil {
		add(GateResult{Name: "model size", Status: Missing, Hard: true, Value: "no report with a model size", Limit: fmt.Sprintf("≤ %.0f MB", GateModelMB)})
	} else {
		st := Pass
		if sized.ModelMB > GateModelMB {
			st = Fail
		}
		add(GateResult{Name: "model size", Scope: sized.Model + label(sized), Status: st, Hard: true, Value: fmt.Sprintf("%.1f MB", sized.ModelMB), Limit: fmt.Sprintf("≤ %.0f MB", GateModelMB)})
	}

	// Round trip and PII in logs: the sums over each data set's latest
	// check report.
	latestCheck := map[string]*Report{}
	for _, r := range checks {
		latestCheck[r.Dataset+label(r)] = r
	}
	var rt, pii *CheckResult
	for _, r := range latestCheck {
		if r.RoundTrip != nil {
			if rt == nil {
				rt = &CheckResult{}
			}
			rt.Checked += r.RoundTrip.Checked
			rt.Failed += r.RoundTrip.Failed
		}
		if r.PIIInLogs != nil {
			if pii == nil {
				pii = &CheckResult{}
			}
			pii.Checked += r.PIIInLogs.Checked
			pii.Failed += r.PIIInLogs.Failed
		}
	}
	add(check("round trip", rt, "100% restored", "failed"))
	add(check("PII in logs", pii, "0 findings", "findings"))
	return out
}

// method names how a report's predictions were made; reports from before
// Report.Method existed are "pipeline" or "entities".
func method(r *Report) string {
	switch {
	case r.Method != "":
		return r.Method
	case r.Pipeline:
		return "pipeline"
	}
	return "entities"
}

func label(r *Report) string {
	if r.Kind != KindEval {
		if r.Int8 {
			return " int8"
		}
		return " fp32"
	}
	if r.Int8 {
		return " int8 " + method(r)
	}
	return " fp32 " + method(r)
}

// benchRow picks the mixed-length row, or else the row with the worst p95.
func benchRow(b *Report) (BenchRow, string) {
	var worst BenchRow
	for _, r := range b.Bench {
		if r.Len == 0 {
			return r, b.Model + label(b) + " mixed 50-500 tokens"
		}
		if r.Latency.P95 >= worst.Latency.P95 {
			worst = r
		}
	}
	return worst, fmt.Sprintf("%s%s %d tokens", b.Model, label(b), worst.Len)
}

func threshold(name, scope string, v, min float64, hard bool) GateResult {
	st := Pass
	if v < min {
		st = Fail
		if !hard {
			st = Warn
		}
	}
	return GateResult{Name: name, Scope: scope, Status: st, Hard: hard, Value: pct(v), Limit: "≥ " + pct(min)}
}

func check(name string, c *CheckResult, limit, what string) GateResult {
	if c == nil {
		return GateResult{Name: name, Status: Missing, Hard: true, Value: "no check report", Limit: limit}
	}
	st := Pass
	if c.Failed > 0 || c.Checked == 0 {
		st = Fail
	}
	return GateResult{Name: name, Status: st, Hard: true, Value: fmt.Sprintf("%d %s of %d", c.Failed, what, c.Checked), Limit: limit}
}

// HardFailure reports whether any hard gate failed, or lacks evidence when
// allowMissing is false.
func HardFailure(gs []GateResult, allowMissing bool) bool {
	for _, g := range gs {
		if g.Hard && (g.Status == Fail || g.Status == Missing && !allowMissing) {
			return true
		}
	}
	return false
}
