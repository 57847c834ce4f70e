package eval

import (
	"context"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Entity is a detected or gold span: Text[Start:End], byte offsets,
// half-open.
type Entity struct {
	Type  string `json:"type"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Detector finds entities in a text. The NER recogniser alone and the full
// redaction pipeline are both adapted to it by the caller.
type Detector interface {
	Detect(ctx context.Context, text string) ([]Entity, error)
}

// Tagger is a Detector that can also label an example's words directly with
// IOB2 tags (for a token classifier: each word's first-subword label), the
// way models are usually scored on CoNLL. Evaluate uses TagWords of a
// Tagger instead of projecting its entities when RunOptions.Tags is set.
type Tagger interface {
	TagWords(ctx context.Context, ex Example) ([]string, error)
}

// DetectorFunc adapts a function to Detector.
type DetectorFunc func(ctx context.Context, text string) ([]Entity, error)

// Detect calls f.
func (f DetectorFunc) Detect(ctx context.Context, text string) ([]Entity, error) { return f(ctx, text) }

// RunOptions configure Evaluate.
type RunOptions struct {
	// Types restricts scoring to these canonical types; predictions of other
	// types are dropped and counted in Outcome.Ignored. Empty means the gold
	// types of the data set.
	Types []string
	// Tags scores the detector's word tags (it must be a Tagger) instead
	// of its entities.
	Tags bool
	// Progress, if set, is called after each example.
	Progress func(done, total int)
}

// Outcome is the result of Evaluate.
type Outcome struct {
	Scores    Scores
	Latencies []float64      // ms per Detect call, in input order
	Pred      [][]string     // predicted IOB2 tags per example
	PredSpans [][]Entity     // predicted entities per example, after type mapping and filtering
	Ignored   map[string]int // dropped predictions by type
	Examples  int
	Words     int
}

// Evaluate runs det on every example, projects its entities onto the words,
// and scores the tags against the gold with seqeval's default rules.
func Evaluate(ctx context.Context, det Detector, exs []Example, opt RunOptions) (*Outcome, error) {
	keep := map[string]bool{}
	for _, t := range opt.Types {
		keep[Canonical(t)] = true
	}
	if len(keep) == 0 {
		keep = GoldTypes(exs)
	}
	out := &Outcome{Ignored: map[string]int{}, Examples: len(exs)}
	tagger, _ := det.(Tagger)
	if opt.Tags && tagger == nil {
		return nil, fmt.Errorf("eval: the detector cannot tag words")
	}
	var sc Scorer
	for i, ex := range exs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var pred []string
		var kept []Entity
		t0 := time.Now()
		if opt.Tags {
			tags, err := tagger.TagWords(ctx, ex)
			out.Latencies = append(out.Latencies, float64(time.Since(t0).Nanoseconds())/1e6)
			if err != nil {
				return nil, fmt.Errorf("eval: example %s: %w", ex.ID, err)
			}
			if len(tags) != len(ex.Words) {
				return nil, fmt.Errorf("eval: example %s: %d tags for %d words", ex.ID, len(tags), len(ex.Words))
			}
			for k := range tags {
				tags[k] = canonicalTag(tags[k])
			}
			for _, c := range Chunks(tags) {
				if !keep[c.Type] {
					out.Ignored[c.Type]++
				} else {
					kept = append(kept, Entity{Type: c.Type, Start: ex.Words[c.Start].Start, End: ex.Words[c.End-1].End})
				}
			}
			pred = filterTags(tags, keep)
		} else {
			ents, err := det.Detect(ctx, ex.Text)
			out.Latencies = append(out.Latencies, float64(time.Since(t0).Nanoseconds())/1e6)
			if err != nil {
				return nil, fmt.Errorf("eval: example %s: %w", ex.ID, err)
			}
			for _, e := range ents {
				e.Type = Canonical(e.Type)
				if !keep[e.Type] {
					out.Ignored[e.Type]++
					continue
				}
				kept = append(kept, e)
			}
			pred = TagWords(ex.Words, kept)
		}
		gold := ex.Gold
		if len(opt.Types) > 0 {
			gold = filterTags(gold, keep)
		}
		if err := sc.Add(gold, pred); err != nil {
			return nil, err
		}
		out.Pred = append(out.Pred, pred)
		out.PredSpans = append(out.PredSpans, kept)
		out.Words += len(ex.Words)
		if opt.Progress != nil {
			opt.Progress(i+1, len(exs))
		}
	}
	out.Scores = sc.Scores()
	return out, nil
}

// filterTags turns tags of types outside keep into O.
func filterTags(tags []string, keep map[string]bool) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		_, typ := splitTag(t)
		if t == "O" || !keep[typ] {
			out[i] = "O"
		} else {
			out[i] = t
		}
	}
	return out
}

// Latency summarises a sample of durations in milliseconds.
type Latency struct {
	N    int     `json:"n"`
	Mean float64 `json:"mean_ms"`
	P50  float64 `json:"p50_ms"`
	P95  float64 `json:"p95_ms"`
	P99  float64 `json:"p99_ms"`
	Max  float64 `json:"max_ms"`
}

// Summarize computes percentiles with linear interpolation between closest
// ranks (numpy.percentile's default).
func Summarize(ms []float64) Latency {
	if len(ms) == 0 {
		return Latency{}
	}
	s := append([]float64(nil), ms...)
	sort.Float64s(s)
	sum := 0.0
	for _, v := range s {
		sum += v
	}
	return Latency{
		N: len(s), Mean: sum / float64(len(s)),
		P50: Percentile(s, 50), P95: Percentile(s, 95), P99: Percentile(s, 99), Max: s[len(s)-1],
	}
}

// Percentile returns the p-th percentile of sorted values, interpolating
// linearly: rank p/100·(n−1).
func Percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	r := p / 100 * float64(len(sorted)-1)
	lo := int(math.Floor(r))
	hi := int(math.Ceil(r))
	return sorted[lo] + (sorted[hi]-sorted[lo])*(r-float64(lo))
}

// PeakRSSBytes returns the process's peak resident set size (VmHWM in
// /proc/self/status), or 0 where that is not available.
func PeakRSSBytes() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				if err == nil {
					return kb * 1024
				}
			}
		}
	}
	return 0
}
