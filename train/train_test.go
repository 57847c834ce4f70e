package train

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/obscura-ai/obscura/bert"
	"github.com/obscura-ai/obscura/eval"
	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/ner"
	"github.com/obscura-ai/obscura/tokenize"
	"github.com/obscura-ai/obscura/weights"
)

// adamTol bounds |ours − torch| of parameters after a few AdamW steps,
// relative to max(1, |w|) (float32 arithmetic in a different order).
const adamTol = 1e-6

// TestAdamWMatchesTorch runs five AdamW steps with a linear schedule and
// clipping on fixed gradients, in Go and in torch.optim.AdamW (weight decay
// on the first tensor only), and compares the parameters.
func TestAdamWMatchesTorch(t *testing.T) {
	py := needTorch(t)
	r := rand.New(rand.NewPCG(4, 4))
	const n, steps = 40, 5
	w := make([]float32, n)
	grads := make([][]float32, steps)
	for i := range w {
		w[i] = float32(r.NormFloat64())
	}
	for s := range grads {
		grads[s] = make([]float32, n)
		for i := range grads[s] {
			grads[s][i] = float32(r.NormFloat64() * 3)
		}
	}
	p := &Params[float32]{Data: append([]float32(nil), w...), decay: []span{{0, 25}}}
	o := NewAdamW(p, 0.01)
	sched := Schedule{Peak: 1e-2, Warmup: 2, Total: steps}
	for s := 0; s < steps; s++ {
		g := append([]float32(nil), grads[s]...)
		ClipNorm(g, 1.0)
		o.Update(p.Data, g, sched.LR(s))
	}
	in, _ := json.Marshal(map[string]any{"w": w, "grads": grads})
	script := `
import json, sys, torch
d = json.load(sys.stdin)
a = torch.nn.Parameter(torch.tensor(d["w"][:25])); b = torch.nn.Parameter(torch.tensor(d["w"][25:]))
opt = torch.optim.AdamW([{"params": [a], "weight_decay": 0.01}, {"params": [b], "weight_decay": 0.0}], lr=1e-2)
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: s / 2 if s < 2 else max(0.0, (5 - s) / 3))
for g in d["grads"]:
    a.grad = torch.tensor(g[:25]); b.grad = torch.tensor(g[25:])
    torch.nn.utils.clip_grad_norm_([a, b], 1.0)
    opt.step(); sched.step()
print(json.dumps(a.tolist() + b.tolist()))
`
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("torch: %v", err)
	}
	var want []float64
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for i, v := range want {
		if d := math.Abs(float64(p.Data[i]) - v); d > adamTol*math.Max(1, math.Abs(v)) {
			t.Errorf("w[%d] = %.8g, torch %.8g", i, p.Data[i], v)
		}
	}
}

// TestClipNorm checks that clipping leaves the norm at most the bound and
// the direction unchanged, and leaves a small gradient alone.
func TestClipNorm(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for _, n := range []int{1, 7, 1 << 14, 1<<14 + 3, 100_000} {
		g := make([]float32, n)
		for i := range g {
			g[i] = float32(r.NormFloat64())
		}
		orig := append([]float32(nil), g...)
		norm := ClipNorm(g, 0.5)
		var after float64
		for _, v := range g {
			after += float64(v) * float64(v)
		}
		if math.Sqrt(after) > 0.5*(1+1e-6) {
			t.Errorf("n=%d: norm after clipping %g", n, math.Sqrt(after))
		}
		scale := math.Max(1, norm/0.5)
		for i := range g {
			if math.Abs(float64(g[i])*scale-float64(orig[i])) > 1e-4*math.Max(1, math.Abs(float64(orig[i]))) {
				t.Fatalf("n=%d: direction changed at %d", n, i)
			}
		}
		small := []float32{0.1, -0.2}
		ClipNorm(small, 1)
		if small[0] != 0.1 || small[1] != -0.2 {
			t.Errorf("a gradient below the bound was changed: %v", small)
		}
	}
}

// tinyTrainer builds a trainer for the small BERT test graph on random
// sequences (two epochs of four steps), validating on the training data.
func tinyTrainer(t *testing.T, seed uint64, ckpt string) *Trainer {
	t.Helper()
	path := filepath.Join(testenv.Shared(t, "testmodels", "bert_14"), "model.onnx")
	p := loadParams[float32](t, path, 5)
	labels, _ := NewLabels([]string{"A", "B"})
	b := randomBatch(p.Arch, 21, 5, 9, 12, 7, 3, 8, 15, 4, 6, 11, 10, 5, 9, 8, 7, 6)
	var seqs []Sequence
	for s := range b.Lens {
		st, n := b.Starts[s], b.Lens[s]
		w := make([]int32, n)
		for k := range w {
			w[k] = -1
			if b.Labels[st+k] != IgnoreLabel {
				w[k] = int32(k)
			}
		}
		seqs = append(seqs, Sequence{IDs: b.IDs[st : st+n], Types: b.Types[st : st+n], Labels: b.Labels[st : st+n], Example: s, Words: w})
	}
	v := &Validation{Seqs: seqs}
	for _, s := range seqs {
		g := make([]string, len(s.IDs))
		for k := range g {
			g[k] = "O"
			if s.Labels[k] != IgnoreLabel {
				g[k] = labels.Names[s.Labels[k]]
			}
		}
		v.Gold = append(v.Gold, g)
		v.Examples = append(v.Examples, evalExample(len(g)))
	}
	tr, err := NewTrainer(Config{Epochs: 2, BatchSize: 4, LR: 1e-3, WarmupFrac: 0.25, WeightDecay: 0.01, ClipNorm: 1,
		Dropout: Dropout{Hidden: 0.1, Attention: 0.1}, Seed: seed, CheckpointN: 1, Checkpoint: ckpt}, p, labels, seqs, v)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestRunIsRepeatable trains twice with one seed (bit-identical weights)
// and once with another (different weights), and checks the loss falls.
func TestRunIsRepeatable(t *testing.T) {
	run := func(seed uint64) (*Trainer, *Result) {
		tr := tinyTrainer(t, seed, "")
		tr.Cfg.CheckpointN = 0
		res, err := tr.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return tr, res
	}
	a, ra := run(7)
	b, _ := run(7)
	c, _ := run(8)
	if !equal32(a.P.Data, b.P.Data) {
		t.Error("two runs with the same seed differ")
	}
	if equal32(a.P.Data, c.P.Data) {
		t.Error("runs with different seeds are identical")
	}
	if n := len(a.Losses); n != 8 || !(a.Losses[n-1] < a.Losses[0]) {
		t.Errorf("losses %v: want 8 steps, falling", a.Losses)
	}
	if ra.BestEpoch == 0 {
		t.Error("no best epoch recorded")
	}
}

// TestResumeGivesSameWeights stops a run after three steps (its checkpoint
// written every step), resumes it in a new trainer, and compares the final
// weights with an uninterrupted run, bit for bit.
func TestResumeGivesSameWeights(t *testing.T) {
	dir := t.TempDir()
	full := tinyTrainer(t, 3, filepath.Join(dir, "full.ckpt"))
	if _, err := full.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	ck := filepath.Join(dir, "not-yet", "part.ckpt") // its directory is made on first save
	part := tinyTrainer(t, 3, ck)
	part.Cfg.MaxSteps = 3
	res, err := part.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !res.Stopped {
		t.Fatal("MaxSteps did not stop the run")
	}
	resumed := tinyTrainer(t, 3, ck)
	if err := resumed.LoadCheckpoint(ck); err != nil {
		t.Fatal(err)
	}
	if resumed.Opt.Step != 3 {
		t.Fatalf("resumed at step %d", resumed.Opt.Step)
	}
	if _, err := resumed.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !equal32(full.P.Data, resumed.P.Data) {
		t.Error("resumed run's weights differ from the uninterrupted run's")
	}
	// A checkpoint of another recipe is refused.
	other := tinyTrainer(t, 4, "")
	if err := other.LoadCheckpoint(ck); err == nil {
		t.Error("a checkpoint of another seed was accepted")
	}
}

// TestNaNLossStops checks that a non-finite loss stops training with an
// error that names the step.
func TestNaNLossStops(t *testing.T) {
	tr := tinyTrainer(t, 1, "")
	tr.Cfg.CheckpointN = 0
	tr.P.at(tr.P.clsB)[0] = float32(math.NaN())
	_, err := tr.Run(context.Background())
	var nan *NaNLossError
	if !errors.As(err, &nan) || nan.Step != 1 {
		t.Fatalf("got %v, want a NaN-loss error at step 1", err)
	}
}

// writeCoNLL writes sentences as a CoNLL file.
func writeCoNLL(t *testing.T, path string, sents [][][2]string) {
	t.Helper()
	var b strings.Builder
	for _, s := range sents {
		for _, w := range s {
			fmt.Fprintf(&b, "%s %s\n", w[0], w[1])
		}
		b.WriteString("\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

var tinyCoNLL = [][][2]string{
	{{"Maria", "B-PER"}, {"Lopez", "I-PER"}, {"visited", "O"}, {"Lisbon", "B-LOC"}, {".", "O"}},
	{{"The", "O"}, {"board", "O"}, {"of", "O"}, {"Acme", "B-ORG"}, {"Corp", "I-ORG"}, {"met", "O"}},
	{{"Jan", "B-PER"}, {"Novak", "I-PER"}, {"flew", "O"}, {"to", "O"}, {"Oslo", "B-LOC"}},
	{{"Sales", "O"}, {"at", "O"}, {"Globex", "B-ORG"}, {"rose", "O"}, {"in", "O"}, {"Peru", "B-LOC"}},
}

// TestFitWritesLoadableBundle trains the MiniLM encoder with a new label
// set for one step and checks the bundle: weights.Load and ner.Load accept
// it, the fused plan's logits equal the trainer's, ONNX Runtime runs the
// file to the same logits, and metadata.json records the run.
func TestFitWritesLoadableBundle(t *testing.T) {
	base := testenv.Shared(t, "models", "all-minilm-l6-base")
	dir := t.TempDir()
	data := filepath.Join(dir, "tiny.conll")
	writeCoNLL(t, data, tinyCoNLL)
	out := filepath.Join(dir, "bundle")
	rep, err := Fit(context.Background(), Options{
		Model: base, Data: []Source{{Path: data, Weight: 1}}, Valid: []string{data},
		Types: []string{"PERSON", "LOCATION", "ORGANIZATION", "DATE"}, MaxLen: 32, CaseChannel: true, Out: out,
		Config: Config{Epochs: 1, BatchSize: 4, LR: 1e-4, Seed: 5},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Head != "extended" || len(rep.History) != 1 {
		t.Errorf("report: head %q, %d epochs", rep.Head, len(rep.History))
	}
	m, err := weights.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	if !m.IsBundle || !m.Schema.CaseChannel || len(m.Config.ID2Label) != 9 || m.Config.ID2Label[7] != "B-DATE" {
		t.Fatalf("bundle: schema case channel %v, labels %v", m.Schema.CaseChannel, m.Config.ID2Label)
	}
	var md struct {
		Seed uint64   `json:"seed"`
		Data []any    `json:"data"`
		Lab  []string `json:"labels"`
	}
	if err := json.Unmarshal(m.Metadata.Training, &md); err != nil || md.Seed != 5 || len(md.Data) != 1 || len(md.Lab) != 9 {
		t.Errorf("metadata training record %s (%v)", m.Metadata.Training, err)
	}
	if _, _, err := ner.Load(out, ner.LoadOptions{}); err != nil {
		t.Fatalf("ner.Load: %v", err)
	}
	if m.Manifest.Accuracy.F1 == nil {
		t.Error("manifest.json has no validation F1")
	}
	// Re-bundling (as bundle --int8 does) keeps the contract and the record.
	rb, err := weights.WriteBundle(m, filepath.Join(dir, "rebundled"), weights.BundleOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !rb.Schema.CaseChannel || len(rb.Metadata.Training) == 0 {
		t.Errorf("re-bundled: case channel %v, training record %d bytes", rb.Schema.CaseChannel, len(rb.Metadata.Training))
	}
	// The trainer's own forward pass on the exported weights, with the
	// case channel as inference computes it.
	p := loadParams[float32](t, filepath.Join(out, "model.onnx"), 0)
	tok, err := tokenize.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	text := "Maria Lopez visited Lisbon and acme corp"
	enc := tok.Encode(text)
	caseTypes := tokenize.CaseTypes(text, &enc)
	ids := enc.IDs
	b := &Batch{IDs: ids, Types: make([]int32, len(ids)), Starts: []int{0}, Lens: []int{len(ids)}}
	ones := 0
	for i, v := range caseTypes {
		b.Types[i] = int32(v)
		ones += int(v)
	}
	if ones != 3 {
		t.Fatalf("case channel marks %d tokens, want the 3 of Maria Lopez Lisbon", ones)
	}
	want, err := NewNet(p).Forward(b, Dropout{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	bm, err := bert.Load(filepath.Join(out, "model.onnx"), bert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ids64 := make([]int64, len(ids))
	for i, v := range ids {
		ids64[i] = int64(v)
	}
	got, err := bm.Run(bert.Batch{IDs: ids64, TypeIDs: caseTypes, Size: 1, SeqLen: len(ids)})
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if math.Abs(float64(got[i]-want[i])) > logitTol32 {
			t.Fatalf("fused plan logit %d: %g, trainer %g", i, got[i], want[i])
		}
	}
	// ONNX Runtime (token types all zero there) against the trainer.
	for i := range b.Types {
		b.Types[i] = 0
	}
	want, err = NewNet(p).Forward(b, Dropout{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	// ONNX Runtime on the exported graph.
	qdir := filepath.Join(testenv.ModuleRoot(), "scripts", "quant")
	node, err := exec.LookPath("node")
	if _, serr := os.Stat(filepath.Join(qdir, "node_modules", "onnxruntime-node")); err != nil || serr != nil {
		t.Skip("onnxruntime-node not installed (npm install in scripts/quant; CI does)")
	}
	idsFile, outFile := filepath.Join(dir, "ids.jsonl"), filepath.Join(dir, "ort.jsonl")
	js, _ := json.Marshal(map[string]any{"ids": ids})
	os.WriteFile(idsFile, append(js, '\n'), 0o644)
	cmd := exec.Command(node, filepath.Join(qdir, "logits.mjs"), filepath.Join(out, "model.onnx"), idsFile, outFile)
	cmd.Dir = qdir
	if res, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ONNX Runtime: %v\n%s", err, res)
	}
	f, err := os.Open(outFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	if !sc.Scan() {
		t.Fatal("no ONNX Runtime output")
	}
	var o struct{ Logits []float64 }
	if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
		t.Fatal(err)
	}
	if len(o.Logits) != len(want) {
		t.Fatalf("ONNX Runtime gave %d logits, want %d", len(o.Logits), len(want))
	}
	for i := range want {
		if math.Abs(o.Logits[i]-float64(want[i])) > logitTol32 {
			t.Fatalf("ONNX Runtime logit %d: %g, trainer %g", i, o.Logits[i], want[i])
		}
	}
}

// TestFitBadInput checks that bad data stops training with an error that
// names the file and says what is wrong, without quoting the text, and
// that a failed run leaves an existing bundle as it was.
func TestFitBadInput(t *testing.T) {
	base := testenv.Shared(t, "models", "all-minilm-l6-base")
	dir := t.TempDir()
	good := filepath.Join(dir, "good.conll")
	writeCoNLL(t, good, tinyCoNLL)
	badLabel := filepath.Join(dir, "badlabel.conll")
	writeCoNLL(t, badLabel, [][][2]string{{{"Secretvalue", "B-WEAPON"}, {"here", "O"}}})
	badJSON := filepath.Join(dir, "garbage.jsonl")
	os.WriteFile(badJSON, []byte("Secretvalue is not json\n"), 0o644)
	emptyText := filepath.Join(dir, "empty.jsonl")
	os.WriteFile(emptyText, []byte(`{"id":"a","text":"   ","spans":[]}`+"\n"), 0o644)
	out := filepath.Join(dir, "bundle")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(out, "model.onnx")
	os.WriteFile(marker, []byte("previous bundle"), 0o644)
	types := []string{"PERSON", "LOCATION", "ORGANIZATION"}
	for _, c := range []struct {
		file, want string
	}{
		{badLabel, "badlabel.conll"},
		{badJSON, "garbage.jsonl"},
		{emptyText, "empty.jsonl"},
	} {
		_, err := Fit(context.Background(), Options{Model: base, Data: []Source{{Path: good, Weight: 1}, {Path: c.file, Weight: 1}},
			Types: types, MaxLen: 32, Out: out, Config: Config{Epochs: 1, BatchSize: 4, LR: 1e-4}})
		if err == nil {
			t.Fatalf("%s: no error", c.want)
		}
		if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "Secretvalue") {
			t.Errorf("%s: error %q should name the file and not quote the text", c.want, err)
		}
	}
	_, err := Fit(context.Background(), Options{Model: base, Data: []Source{{Path: badLabel, Weight: 1}},
		Types: types, MaxLen: 32, Out: out, Config: Config{Epochs: 1, BatchSize: 4, LR: 1e-4}})
	if err == nil || !strings.Contains(err.Error(), "WEAPON") {
		t.Errorf("unknown label: %v", err)
	}
	if b, _ := os.ReadFile(marker); string(b) != "previous bundle" {
		t.Error("a failed run changed the existing bundle")
	}
}

// evalExample is an example of n one-letter words (the tiny trainer's
// validation scores tags only, never text).
func evalExample(n int) eval.Example {
	ex := eval.Example{Text: strings.Repeat("x ", n)}
	for i := 0; i < n; i++ {
		ex.Words = append(ex.Words, eval.Word{Start: 2 * i, End: 2*i + 1})
	}
	return ex
}

// TestFreezeBelow checks that freezing the lower layers leaves them (and
// the embeddings) unchanged, trains the rest, and that the gradients of the
// trained part equal those of a full backward pass.
// It uses the MiniLM encoder: the small test graphs tie their LayerNorm
// parameters across layers (the exporter merged equal initializers), so
// no layer of theirs can be frozen alone.
func TestFreezeBelow(t *testing.T) {
	path := filepath.Join(testenv.Shared(t, "models", "all-minilm-l6-base", "onnx"), "model.onnx")
	p := loadParams[float32](t, path, 0)
	b := randomBatch(p.Arch, 2, 6, 9)
	full, part := NewNet(p), NewNet(p)
	part.FreezeBelow = 4
	grad := func(n *Net[float32]) []float32 {
		lg, err := n.Forward(b, Dropout{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		dl := make([]float32, len(lg))
		Loss(dl, lg, b.Labels, p.Arch.Labels)
		g := p.Grads()
		n.Backward(b, dl, g)
		return g
	}
	gf, gp := grad(full), grad(part)
	cut := p.layers[4].qkvW.off
	for i := range gp {
		if i < cut && gp[i] != 0 {
			t.Fatalf("frozen gradient %d is %g", i, gp[i])
		}
		if i >= cut && gp[i] != gf[i] {
			t.Fatalf("gradient %d: %g with freezing, %g without", i, gp[i], gf[i])
		}
	}
	before := append([]float32(nil), p.Data...)
	o := NewAdamW(p, 0.01)
	o.FreezeBelow(p, 4)
	o.Update(p.Data, gp, 1e-3)
	changedAbove := false
	for i := range p.Data {
		if i < cut && p.Data[i] != before[i] {
			t.Fatalf("frozen weight %d changed", i)
		}
		if i >= cut && p.Data[i] != before[i] {
			changedAbove = true
		}
	}
	if !changedAbove {
		t.Error("no trainable weight changed")
	}
}

// TestRebuildIsByteIdentical runs the same small training twice and
// compares the written graphs byte for byte: a bundle's weights are
// rebuilt exactly from its recorded command and seed (on one kernel; see
// obscura version).
func TestRebuildIsByteIdentical(t *testing.T) {
	base := testenv.Shared(t, "models", "all-minilm-l6-base")
	dir := t.TempDir()
	data := filepath.Join(dir, "tiny.conll")
	writeCoNLL(t, data, append(tinyCoNLL, tinyCoNLL...))
	var graphs [2][]byte
	for i := range graphs {
		out := filepath.Join(dir, fmt.Sprint("b", i))
		_, err := Fit(context.Background(), Options{Model: base, Data: []Source{{Path: data, Weight: 1}},
			Types: []string{"PERSON", "LOCATION", "ORGANIZATION"}, MaxLen: 32, Out: out,
			Config: Config{Epochs: 2, BatchSize: 4, LR: 1e-4, Seed: 9, Dropout: Dropout{Hidden: 0.1, Attention: 0.1}}})
		if err != nil {
			t.Fatal(err)
		}
		if graphs[i], err = os.ReadFile(filepath.Join(out, "model.onnx")); err != nil {
			t.Fatal(err)
		}
	}
	if string(graphs[0]) != string(graphs[1]) {
		t.Error("two runs of one recipe wrote different graphs")
	}
}
