package bert

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gomlx/compute-onnx/support/protos"
	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/weights/onnx"
)

// randomBatch makes a padded batch: row lengths vary, row 0 is full, row 1
// is left-padded (its padding precedes the tokens), the others are
// right-padded, and when size > 2 the last row is entirely padding.
func randomBatch(rng *rand.Rand, size, seq, vocab int, pad int64) Batch {
	b := Batch{Size: size, SeqLen: seq, IDs: make([]int64, size*seq), Mask: make([]int64, size*seq), TypeIDs: make([]int64, size*seq)}
	for r := 0; r < size; r++ {
		n := seq
		if r > 0 {
			n = 1 + rng.IntN(seq)
		}
		if size > 2 && r == size-1 {
			n = 0
		}
		for p := 0; p < seq; p++ {
			k := r*seq + p
			real := p < n
			if r == 1 {
				real = p >= seq-n
			}
			if real {
				b.IDs[k] = int64(5 + rng.IntN(vocab-5))
				b.Mask[k] = 1
			} else {
				b.IDs[k] = pad
			}
		}
	}
	return b
}

// compareAttended returns the largest |a-b| over positions with mask 1.
func compareAttended(a, b []float32, mask []int64, labels int) float64 {
	worst := 0.0
	for k := range a {
		if mask[k/labels] == 0 {
			continue
		}
		d := math.Abs(float64(a[k] - b[k]))
		if math.IsNaN(d) {
			return math.Inf(1)
		}
		worst = max(worst, d)
	}
	return worst
}

// TestFusedMatchesGraphOnPaddedBatches checks the two executors against each
// other on batches with padding, as the graph executor is the reference for
// inputs the goldens do not cover.
func TestFusedMatchesGraphOnPaddedBatches(t *testing.T) {
	paths := map[string]string{"baseline": baselineModel(t)}
	for _, name := range testModels {
		paths[name] = filepath.Join(testenv.Shared(t, "testmodels", name), "model.onnx")
	}
	for name, path := range paths {
		t.Run(name, func(t *testing.T) {
			fused, err := Load(path, Options{Executor: "fused"})
			if err != nil {
				t.Fatal(err)
			}
			graph, err := Load(path, Options{Executor: "graph"})
			if err != nil {
				t.Fatal(err)
			}
			pad := int64(0)
			if name == "roberta_14" {
				pad = 1
			}
			rng := rand.New(rand.NewPCG(1, 2))
			for _, shape := range [][2]int{{1, 1}, {2, 5}, {3, 17}, {4, 33}} {
				b := randomBatch(rng, shape[0], shape[1], fused.VocabSize(), pad)
				want, err := graph.Run(b)
				if err != nil {
					t.Fatal(err)
				}
				got, err := fused.Run(b)
				if err != nil {
					t.Fatal(err)
				}
				if d := compareAttended(got, want, b.Mask, fused.NumLabels()); d > logitTol {
					t.Errorf("batch %v: fused vs graph max |Δlogit| %.3g > %g", shape, d, logitTol)
				}
				// A row that is all padding yields zero logits on the fused path.
				if shape[0] > 2 {
					last := got[(shape[0]-1)*shape[1]*fused.NumLabels():]
					for _, v := range last {
						if v != 0 {
							t.Fatalf("fully padded row has logit %g, want 0", v)
						}
					}
				}
			}
		})
	}
}

func TestConcurrentRunsAgree(t *testing.T) {
	m, err := Load(baselineModel(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var batches []Batch
	var want [][]float32
	for k := 0; k < 6; k++ {
		b := randomBatch(rng, 1+k%3, 8+7*k, m.VocabSize(), 0)
		out, err := m.Run(b)
		if err != nil {
			t.Fatal(err)
		}
		batches, want = append(batches, b), append(want, out)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rep := 0; rep < 3; rep++ {
				for k, b := range batches {
					out, err := m.Run(b)
					if err != nil {
						errs <- err.Error()
						return
					}
					for i := range out {
						if out[i] != want[k][i] {
							errs <- "concurrent result differs from the sequential one"
							return
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

// maxWarmAllocs bounds a warm fused Run's allocations: the result slice and
// a few closures handed to tensor's worker pool, independent of model size.
const maxWarmAllocs = 64

func TestWarmRunAllocatesLittle(t *testing.T) {
	m, err := Load(baselineModel(t), Options{Executor: "fused"})
	if err != nil {
		t.Fatal(err)
	}
	b := Batch{IDs: benchIDs(64), Size: 1, SeqLen: 64}
	if _, err := m.Run(b); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(5, func() {
		if _, err := m.Run(b); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > maxWarmAllocs {
		t.Fatalf("warm Run allocates %.0f times, want ≤ %d", allocs, maxWarmAllocs)
	}
}

// loadEdited parses a test model and lets edit change its graph first.
func loadEdited(t *testing.T, name string, opts Options, edit func(m *onnx.Model)) (*Model, error) {
	t.Helper()
	path := filepath.Join(testenv.Shared(t, "testmodels", name), "model.onnx")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	om, err := onnx.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	om.Dir = filepath.Dir(path)
	edit(om)
	return FromONNX(om, opts)
}

func TestUnsupportedOpNamesNode(t *testing.T) {
	_, err := loadEdited(t, "bert_14", Options{}, func(m *onnx.Model) {
		for _, n := range m.Proto.Graph.Node {
			if n.OpType == "Erf" {
				n.OpType = "Hardmax2"
				n.Name = "the_odd_one"
				return
			}
		}
	})
	if err == nil || !strings.Contains(err.Error(), "Hardmax2") || !strings.Contains(err.Error(), "the_odd_one") {
		t.Fatalf("want an error naming node the_odd_one and op Hardmax2, got %v", err)
	}
}

// TestUnrecognisedStructure swaps a LayerNorm's Sqrt for Reciprocal: the
// graph still runs, but it is no BERT, so "fused" must refuse it, naming the
// node, and "auto" must fall back to the graph executor.
func TestUnrecognisedStructure(t *testing.T) {
	edit := func(m *onnx.Model) {
		for _, n := range m.Proto.Graph.Node {
			if n.OpType == "Sqrt" {
				n.OpType = "Reciprocal"
				return
			}
		}
	}
	_, err := loadEdited(t, "bert_14", Options{Executor: "fused"}, edit)
	if err == nil || !strings.Contains(err.Error(), "op Reciprocal") {
		t.Fatalf("want an error naming the Reciprocal node, got %v", err)
	}
	m, err := loadEdited(t, "bert_14", Options{Executor: "auto"}, edit)
	if err != nil {
		t.Fatal(err)
	}
	if m.Executor() != "graph" {
		t.Fatalf("auto chose %s for an unrecognised graph, want graph", m.Executor())
	}
	if _, err := m.Run(Batch{IDs: []int64{101, 7, 102}, Size: 1, SeqLen: 3}); err != nil {
		t.Fatal(err)
	}
}

// TestWrongActivationRejected swaps GELU's Erf for Tanh: the graph runs but
// the activation is no GELU form, and the load-time checks must see that.
func TestWrongActivationRejected(t *testing.T) {
	_, err := loadEdited(t, "bert_14", Options{Executor: "fused"}, func(m *onnx.Model) {
		for _, n := range m.Proto.Graph.Node {
			if n.OpType == "Erf" {
				n.OpType = "Tanh"
				return
			}
		}
	})
	if err == nil || !strings.Contains(err.Error(), "activation") {
		t.Fatalf("want an activation error, got %v", err)
	}
}

func TestRunRejectsBadBatches(t *testing.T) {
	m, err := Load(filepath.Join(testenv.Shared(t, "testmodels", "bert_14"), "model.onnx"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string]Batch{
		"empty":        {Size: 0, SeqLen: 0},
		"short ids":    {IDs: []int64{1, 2}, Size: 1, SeqLen: 3},
		"bad mask":     {IDs: []int64{1, 2, 3}, Mask: []int64{1}, Size: 1, SeqLen: 3},
		"out of vocab": {IDs: []int64{1, 2, int64(m.VocabSize())}, Size: 1, SeqLen: 3},
		"too long":     {IDs: make([]int64, m.MaxPositions()+1), Size: 1, SeqLen: m.MaxPositions() + 1},
	} {
		if _, err := m.Run(b); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

// TestExpandedMaskRecognised expands bert_14's additive mask from [B,1,1,S]
// to the scores' shape [B,h,S,S] before the Add, as some exports do: the
// fused plan must still be recognised and match the goldens.
func TestExpandedMaskRecognised(t *testing.T) {
	m, err := loadEdited(t, "bert_14", Options{Executor: "fused"}, func(om *onnx.Model) {
		g := om.Proto.Graph
		var out []*protos.NodeProto
		done := false
		for _, n := range g.Node {
			if !done && n.OpType == "Add" && len(n.Input) == 2 && n.Input[1] == "/Mul_output_0" {
				scores := n.Input[0]
				out = append(out,
					&protos.NodeProto{OpType: "Shape", Name: "scores_shape", Input: []string{scores}, Output: []string{"scores_shape_out"}},
					&protos.NodeProto{OpType: "Expand", Name: "mask_expand", Input: []string{"/Mul_output_0", "scores_shape_out"}, Output: []string{"mask_expanded"}})
				n.Input[1] = "mask_expanded"
				done = true
			}
			out = append(out, n)
		}
		if !done {
			t.Fatal("no mask Add found in bert_14")
		}
		g.Node = out
	})
	if err != nil {
		t.Fatal(err)
	}
	gold := readGolden(t, filepath.Join(testenv.Shared(t, "testmodels", "bert_14"), "golden.json"))
	for ci, c := range gold.Cases {
		got, err := m.Run(Batch{IDs: c.IDs, Mask: c.Mask, Size: 1, SeqLen: len(c.IDs)})
		if err != nil {
			t.Fatal(err)
		}
		if d := maxDiff(t, got, 0, len(c.IDs), m.NumLabels(), c.Logits, c.Mask); d > logitTol {
			t.Errorf("case %d: max |Δlogit| %.3g", ci, d)
		}
	}
}

// TestMaxPositionsBothExecutors: RoBERTa's 514-row table holds 512
// positions (ids start after the padding id), on either path.
func TestMaxPositionsBothExecutors(t *testing.T) {
	for name, want := range map[string]int{"roberta_14": 512, "bert_14": 512, "distilbert_14": 512} {
		for _, exec := range []string{"graph", "fused"} {
			m, err := Load(filepath.Join(testenv.Shared(t, "testmodels", name), "model.onnx"), Options{Executor: exec})
			if err != nil {
				t.Fatal(err)
			}
			if m.MaxPositions() != want {
				t.Errorf("%s/%s: MaxPositions %d, want %d", name, exec, m.MaxPositions(), want)
			}
		}
	}
}

// TestShapeFoldCache: runs at one input shape reuse one folded entry, a new
// shape adds one, and the folded shape subgraphs give the same logits as the
// first (unfolded) run.
func TestShapeFoldCache(t *testing.T) {
	m, err := Load(filepath.Join(testenv.Shared(t, "testmodels", "roberta_14"), "model.onnx"), Options{Executor: "graph"})
	if err != nil {
		t.Fatal(err)
	}
	m.g.mu.Lock()
	clear(m.g.folds)
	m.g.mu.Unlock()
	b := Batch{IDs: []int64{0, 9, 8, 7, 2, 1}, Mask: []int64{1, 1, 1, 1, 1, 0}, Size: 1, SeqLen: 6}
	first, err := m.Run(b)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		again, err := m.Run(b)
		if err != nil {
			t.Fatal(err)
		}
		for k := range again {
			if again[k] != first[k] {
				t.Fatalf("run %d differs from the first at %d", i, k)
			}
		}
	}
	if n := len(m.g.folds); n != 1 {
		t.Fatalf("%d folded entries after runs at one shape, want 1", n)
	}
	b2 := Batch{IDs: []int64{0, 9, 2}, Size: 1, SeqLen: 3}
	if _, err := m.Run(b2); err != nil {
		t.Fatal(err)
	}
	if n := len(m.g.folds); n != 2 {
		t.Fatalf("%d folded entries after a second shape, want 2", n)
	}
}

// whereMaskEdit rewrites every attention-mask Add of bert_14 into the
// masked_fill form Where(Unsqueeze(attention_mask) == 0, fill, scores), as
// DistilBERT exports write it.
func whereMaskEdit(t *testing.T, fill float32) func(om *onnx.Model) {
	return func(om *onnx.Model) {
		g := om.Proto.Graph
		i64 := func(name string, dims []int64, vals ...int64) *protos.TensorProto {
			raw := make([]byte, 8*len(vals))
			for k, v := range vals {
				binary.LittleEndian.PutUint64(raw[8*k:], uint64(v))
			}
			return &protos.TensorProto{Name: name, Dims: dims, DataType: int32(protos.TensorProto_INT64), RawData: raw}
		}
		fillRaw := make([]byte, 4)
		binary.LittleEndian.PutUint32(fillRaw, math.Float32bits(fill))
		g.Initializer = append(g.Initializer, i64("wm_axes", []int64{2}, 1, 2), i64("wm_zero", nil, 0),
			&protos.TensorProto{Name: "wm_fill", DataType: int32(protos.TensorProto_FLOAT), RawData: fillRaw})
		out := []*protos.NodeProto{
			{OpType: "Unsqueeze", Name: "wm_unsqueeze", Input: []string{"attention_mask", "wm_axes"}, Output: []string{"wm_m4"}},
			{OpType: "Equal", Name: "wm_equal", Input: []string{"wm_m4", "wm_zero"}, Output: []string{"wm_cond"}},
		}
		edited := 0
		for _, n := range g.Node {
			if n.OpType == "Add" && len(n.Input) == 2 && n.Input[1] == "/Mul_output_0" {
				n.OpType, n.Input = "Where", []string{"wm_cond", "wm_fill", n.Input[0]}
				edited++
			}
			out = append(out, n)
		}
		if edited != 2 {
			t.Fatalf("edited %d mask Adds, want 2", edited)
		}
		g.Node = out
	}
}

func TestWhereMaskRecognised(t *testing.T) {
	gold := readGolden(t, filepath.Join(testenv.Shared(t, "testmodels", "bert_14"), "golden.json"))
	for _, fill := range []float32{-math.MaxFloat32, float32(math.Inf(-1))} {
		for _, exec := range []string{"graph", "fused"} {
			m, err := loadEdited(t, "bert_14", Options{Executor: exec}, whereMaskEdit(t, fill))
			if err != nil {
				t.Fatalf("fill %g, %s: %v", fill, exec, err)
			}
			for ci, c := range gold.Cases {
				got, err := m.Run(Batch{IDs: c.IDs, Mask: c.Mask, Size: 1, SeqLen: len(c.IDs)})
				if err != nil {
					t.Fatal(err)
				}
				if d := maxDiff(t, got, 0, len(c.IDs), m.NumLabels(), c.Logits, c.Mask); d > logitTol {
					t.Errorf("fill %g, %s, case %d: max |Δlogit| %.3g", fill, exec, ci, d)
				}
			}
		}
	}
	// A fill that is not a masking value is refused by the fused plan.
	if _, err := loadEdited(t, "bert_14", Options{Executor: "fused"}, whereMaskEdit(t, -1)); err == nil || !strings.Contains(err.Error(), "op Where") {
		t.Fatalf("want a refusal naming the Where node, got %v", err)
	}
}
