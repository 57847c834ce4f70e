package privacy

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/obscura-ai/obscura/eval"
	"github.com/obscura-ai/obscura/ner"
	"github.com/obscura-ai/obscura/redact"
)

// Eps is a privacy parameter ε; +Inf means no noise. In JSON it is a number,
// or the string "inf" for +Inf.
type Eps float64

// Inf is ε = ∞: no noise.
var Inf = Eps(math.Inf(1))

// IsInf reports whether e means no noise.
func (e Eps) IsInf() bool { return !ner.NoiseOn(float64(e)) }

// String is "inf" for +Inf, else the shortest decimal.
func (e Eps) String() string {
	if e.IsInf() {
		return "inf"
	}
	return strconv.FormatFloat(float64(e), 'g', -1, 64)
}

// MarshalJSON writes a number, or "inf".
func (e Eps) MarshalJSON() ([]byte, error) {
	if e.IsInf() {
		return []byte(`"inf"`), nil
	}
	return []byte(e.String()), nil
}

// UnmarshalJSON reads a number or "inf".
func (e *Eps) UnmarshalJSON(b []byte) error {
	if string(b) == `"inf"` {
		*e = Inf
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*e = Eps(f)
	return nil
}

// ParseEpsilons reads a comma-separated list such as "0.1,0.5,1,inf"
// ("inf" or "∞" for no noise) and returns it sorted ascending, ∞ last.
func ParseEpsilons(s string) ([]Eps, error) {
	var out []Eps
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != ',' {
			continue
		}
		f := s[start:i]
		start = i + 1
		if f == "" {
			continue
		}
		if f == "inf" || f == "∞" || f == "+inf" {
			out = append(out, Inf)
			continue
		}
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("privacy: bad ε %q (want a positive number or inf)", f)
		}
		out = append(out, Eps(v))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("privacy: no ε given")
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

// DefaultEpsilons are the product plan's sweep (§4.2).
var DefaultEpsilons = []Eps{0.1, 0.5, 1, 2, 5, 10, Inf}

// Stat summarises one figure across seeds: mean, sample standard deviation
// (n−1; 0 for a single run), minimum and maximum.
type Stat struct {
	Mean float64 `json:"mean"`
	Std  float64 `json:"std"`
	Min  float64 `json:"min"`
	Max  float64 `json:"max"`
	N    int     `json:"n"`
}

// Summarise computes a Stat.
func Summarise(xs []float64) Stat {
	if len(xs) == 0 {
		return Stat{}
	}
	s := Stat{Min: xs[0], Max: xs[0], N: len(xs)}
	for _, x := range xs {
		s.Mean += x
		s.Min = math.Min(s.Min, x)
		s.Max = math.Max(s.Max, x)
	}
	s.Mean /= float64(len(xs))
	if len(xs) > 1 {
		for _, x := range xs {
			s.Std += (x - s.Mean) * (x - s.Mean)
		}
		s.Std = math.Sqrt(s.Std / float64(len(xs)-1))
	}
	return s
}

// TypeStat is one entity type's scores across seeds.
type TypeStat struct {
	F1        Stat `json:"f1"`
	Precision Stat `json:"precision"`
	Recall    Stat `json:"recall"`
}

// Point is one ε of a data set's sweep: scores across seeds. Micro pools
// the counts of every type; macro is the unweighted mean over types
// (eval.Scores).
type Point struct {
	Epsilon Eps      `json:"epsilon"`
	Scale   float64  `json:"noise_scale"` // Laplace scale Sensitivity/ε; 0 for ∞
	Seeds   []uint64 `json:"seeds"`       // one run per seed; ∞ needs a single run

	MacroF1        Stat                `json:"macro_f1"`
	MacroPrecision Stat                `json:"macro_precision"`
	MacroRecall    Stat                `json:"macro_recall"`
	MicroF1        Stat                `json:"micro_f1"`
	Precision      Stat                `json:"precision"` // micro
	Recall         Stat                `json:"recall"`    // micro
	Types          map[string]TypeStat `json:"types"`
	// MacroF1Runs are the per-seed macro F1 values, in Seeds order.
	MacroF1Runs []float64 `json:"macro_f1_runs"`
}

// DatasetSweep is the sweep of one data set.
type DatasetSweep struct {
	Name     string `json:"name"`
	Examples int    `json:"examples"`
	Words    int    `json:"words"`
	// NoiseFree are the full scores without noise (ε = ∞): they equal
	// `obscura eval`'s "entities" report for the same data.
	NoiseFree eval.Scores `json:"noise_free"`
	Points    []Point     `json:"points"`
}

// Point returns the point of ε e.
func (d *DatasetSweep) Point(e Eps) (Point, bool) {
	for _, p := range d.Points {
		if p.Epsilon == e || (p.Epsilon.IsInf() && e.IsInf()) {
			return p, true
		}
	}
	return Point{}, false
}

// Dataset is a named set of labelled examples.
type Dataset struct {
	Name     string
	Examples []eval.Example
}

// SweepOptions configure Sweep.
type SweepOptions struct {
	Epsilons []Eps   // default DefaultEpsilons; ∞ is always added
	Method   string  // MethodEntities (default) or MethodPipeline
	Seeds    int     // runs per finite ε (default 5)
	Seed     uint64  // first seed (default 1); run k uses Seed+k
	Workers  int     // parallel (ε, seed) runs after the model pass (default GOMAXPROCS)
	MaxDrop  float64 // operating-point tolerance in F1 (default DefaultMaxDrop)
	// Progress, if set, is told about each finished stage.
	Progress func(stage string)
}

// SweepReport is the result of Sweep, and the JSON file
// reports/privacy/<model>_sweep.json. It holds names, counts and scores
// only: no input text.
type SweepReport struct {
	Kind        string  `json:"kind"` // "privacy-sweep"
	Model       string  `json:"model"`
	Method      string  `json:"method"` // MethodEntities or MethodPipeline, as eval's reports name them
	Aggregation string  `json:"aggregation"`
	Sensitivity float64 `json:"sensitivity"`
	NoiseLayer  string  `json:"noise_layer"`
	Mechanism   string  `json:"mechanism"`
	// SeedBase and Seeds: run k of a finite ε uses seed SeedBase+k; sentence
	// i of that run draws its noise from a ChaCha8 source seeded with a
	// mix of (seed, i). The same seed gives the same numbers.
	SeedBase uint64         `json:"seed_base"`
	Seeds    int            `json:"seeds"`
	Datasets []DatasetSweep `json:"datasets"`
	// Operating is the chosen operating point (see ChooseOperatingPoint).
	Operating OperatingPoint `json:"operating_point"`
	// ModelRuns is how many sentences ran the model; every other
	// evaluation reused their logits.
	ModelRuns int       `json:"model_runs"`
	CacheHits int       `json:"cache_hits"`
	Seconds   float64   `json:"seconds"`
	Time      time.Time `json:"time"`
	GoVersion string    `json:"go"`
	Arch      string    `json:"arch"`
}

// Stem names the report's files: the model, with "_pipeline" for the
// pipeline method.
func (r *SweepReport) Stem() string {
	if r.Method == MethodPipeline {
		return r.Model + "_pipeline"
	}
	return r.Model
}

// Dataset returns the sweep of the named data set.
func (r *SweepReport) Dataset(name string) (*DatasetSweep, bool) {
	for i := range r.Datasets {
		if r.Datasets[i].Name == name {
			return &r.Datasets[i], true
		}
	}
	return nil, false
}

// Methods of the sweep, named as eval's reports name them.
const (
	// MethodEntities scores the recogniser alone (tokenize, infer, noise,
	// decode): what the noise acts on.
	MethodEntities = "entities"
	// MethodPipeline scores the full redaction engine (regex and checksum
	// detectors, merge) around the noised recogniser: what users get.
	MethodPipeline = "pipeline"
)

// Detector returns an eval.Detector that finds entities with the model at
// ε, by method (MethodEntities or MethodPipeline), sentence i of the calls
// drawing its noise from sentenceSeed(seed, i). It counts its calls, so it
// must see the examples in order, once, from one goroutine (as
// eval.Evaluate calls it).
func (m *Model) Detector(method string, eps Eps, seed uint64) (eval.Detector, error) {
	i := 0
	next := func() (float64, *uint64) {
		defer func() { i++ }()
		if eps.IsInf() {
			return 0, nil
		}
		s := sentenceSeed(seed, i)
		return float64(eps), &s
	}
	switch method {
	case MethodEntities, "":
		return eval.DetectorFunc(func(ctx context.Context, text string) ([]eval.Entity, error) {
			e, s := next()
			ents, err := m.Rec.Recognize(ctx, text, ner.Options{Epsilon: e, Seed: s})
			if err != nil {
				return nil, err
			}
			out := make([]eval.Entity, len(ents))
			for k, e := range ents {
				out[k] = eval.Entity{Type: e.Type, Start: e.Start, End: e.End}
			}
			return out, nil
		}), nil
	case MethodPipeline:
		eng, err := redact.NewEngine(redact.Config{Recognizer: m.Rec})
		if err != nil {
			return nil, err
		}
		return eval.DetectorFunc(func(ctx context.Context, text string) ([]eval.Entity, error) {
			e, s := next()
			res, err := eng.Redact(ctx, text, redact.Options{Epsilon: e, Seed: s})
			if err != nil {
				return nil, err
			}
			out := make([]eval.Entity, len(res.Entities))
			for k, e := range res.Entities {
				out[k] = eval.Entity{Type: e.Type, Start: e.Start, End: e.End}
			}
			return out, nil
		}), nil
	}
	return nil, fmt.Errorf("privacy: unknown method %q (want %s or %s)", method, MethodEntities, MethodPipeline)
}

// Sweep evaluates the model on every data set at every ε over several
// seeds. The model runs once per sentence (the noise-free pass); each
// (ε, seed) run then adds fresh noise to the cached logits and decodes and
// scores again with eval.Evaluate, so its numbers are those of the service
// at that ε. Runs are spread over Workers goroutines; the result does not
// depend on their order.
func Sweep(ctx context.Context, m *Model, data []Dataset, o SweepOptions) (*SweepReport, error) {
	t0 := time.Now()
	if len(o.Epsilons) == 0 {
		o.Epsilons = DefaultEpsilons
	}
	if o.Seeds <= 0 {
		o.Seeds = 5
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Method == "" {
		o.Method = MethodEntities
	}
	if _, err := m.Detector(o.Method, Inf, 0); err != nil {
		return nil, err
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.MaxDrop == 0 {
		o.MaxDrop = DefaultMaxDrop
	}
	eps := finite(o.Epsilons)
	progress := func(s string) {
		if o.Progress != nil {
			o.Progress(s)
		}
	}
	rep := &SweepReport{
		Kind: "privacy-sweep", Model: m.Name, Method: o.Method, Aggregation: string(Aggregation),
		Sensitivity: ner.Sensitivity, NoiseLayer: ner.NoiseLayer, Mechanism: "laplace",
		SeedBase: o.Seed, Seeds: o.Seeds, Time: time.Now().UTC(), GoVersion: runtime.Version(), Arch: runtime.GOARCH,
	}
	for _, d := range data {
		// The noise-free pass runs the model and fills the cache.
		det, _ := m.Detector(o.Method, Inf, 0)
		free, err := eval.Evaluate(ctx, det, d.Examples, eval.RunOptions{})
		if err != nil {
			return nil, fmt.Errorf("privacy: %s: %w", d.Name, err)
		}
		progress(fmt.Sprintf("%s: noise-free pass done (%d examples)", d.Name, len(d.Examples)))
		type job struct{ e, s int }
		scores := make([][]eval.Scores, len(eps))
		for i := range scores {
			scores[i] = make([]eval.Scores, o.Seeds)
		}
		jobs := make(chan job)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var firstErr error
		for w := 0; w < o.Workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range jobs {
					det, _ := m.Detector(o.Method, eps[j.e], o.Seed+uint64(j.s))
					out, err := eval.Evaluate(ctx, det, d.Examples, eval.RunOptions{})
					mu.Lock()
					if err != nil && firstErr == nil {
						firstErr = err
					}
					if err == nil {
						scores[j.e][j.s] = out.Scores
					}
					mu.Unlock()
				}
			}()
		}
		for e := range eps {
			for s := 0; s < o.Seeds; s++ {
				jobs <- job{e, s}
			}
		}
		close(jobs)
		wg.Wait()
		if firstErr != nil {
			return nil, fmt.Errorf("privacy: %s: %w", d.Name, firstErr)
		}
		ds := DatasetSweep{Name: d.Name, Examples: free.Examples, Words: free.Words, NoiseFree: free.Scores}
		for e, v := range eps {
			seeds := make([]uint64, o.Seeds)
			for s := range seeds {
				seeds[s] = o.Seed + uint64(s)
			}
			ds.Points = append(ds.Points, summarisePoint(v, seeds, scores[e]))
		}
		ds.Points = append(ds.Points, summarisePoint(Inf, nil, []eval.Scores{free.Scores}))
		rep.Datasets = append(rep.Datasets, ds)
		progress(fmt.Sprintf("%s: %d ε × %d seeds done", d.Name, len(eps), o.Seeds))
	}
	rep.Operating = ChooseOperatingPoint(rep.Datasets, o.MaxDrop)
	rep.ModelRuns, rep.CacheHits = m.Classifier.Counts()
	rep.Seconds = time.Since(t0).Seconds()
	return rep, nil
}

// finite returns the finite ε of es, ascending, without duplicates.
func finite(es []Eps) []Eps {
	var out []Eps
	for _, e := range es {
		if !e.IsInf() {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	k := 0
	for i, e := range out {
		if i == 0 || e != out[k-1] {
			out[k] = e
			k++
		}
	}
	return out[:k]
}

func summarisePoint(e Eps, seeds []uint64, runs []eval.Scores) Point {
	p := Point{Epsilon: e, Seeds: seeds, Types: map[string]TypeStat{}}
	if !e.IsInf() {
		p.Scale = ner.Sensitivity / float64(e)
	}
	col := func(f func(eval.Scores) float64) Stat {
		xs := make([]float64, len(runs))
		for i, r := range runs {
			xs[i] = f(r)
		}
		return Summarise(xs)
	}
	p.MacroF1 = col(func(s eval.Scores) float64 { return s.Macro.F1 })
	p.MacroPrecision = col(func(s eval.Scores) float64 { return s.Macro.Precision })
	p.MacroRecall = col(func(s eval.Scores) float64 { return s.Macro.Recall })
	p.MicroF1 = col(func(s eval.Scores) float64 { return s.Micro.F1 })
	p.Precision = col(func(s eval.Scores) float64 { return s.Micro.Precision })
	p.Recall = col(func(s eval.Scores) float64 { return s.Micro.Recall })
	for _, r := range runs {
		p.MacroF1Runs = append(p.MacroF1Runs, r.Macro.F1)
	}
	types := map[string]bool{}
	for _, r := range runs {
		for _, t := range r.Types {
			types[t.Type] = true
		}
	}
	for t := range types {
		get := func(f func(eval.TypeScore) float64) Stat {
			return col(func(s eval.Scores) float64 {
				ts, _ := s.Type(t) // a type absent from a run scored 0
				return f(ts)
			})
		}
		p.Types[t] = TypeStat{
			F1:        get(func(ts eval.TypeScore) float64 { return ts.F1 }),
			Precision: get(func(ts eval.TypeScore) float64 { return ts.Precision }),
			Recall:    get(func(ts eval.TypeScore) float64 { return ts.Recall }),
		}
	}
	return p
}
