package train

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/obscura-ai/obscura/bert"
	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/weights/onnx"
)

// Tolerances of the gradient checks. Each tensor's gradient is compared as
// a whole: ‖ours − torch‖₂ ≤ tol·‖torch‖₂ (an element-wise relative error
// is meaningless for the near-zero elements every gradient has).
const (
	gradTol32   = 1e-4  // float32 against torch float32
	gradTol64   = 1e-9  // float64 against torch float64
	logitTol32  = 1e-4  // max |Δlogit|, float32
	fdRelTol    = 1e-5  // finite differences vs analytic, float64, relative part
	fdAbsTol    = 1e-9  // absolute part: the rounding of the loss (~1e-16) over the step
	fdStep      = 1e-5  // central-difference step
	lossRelTol  = 1e-5  // float32 loss, relative
	lossRelTol6 = 1e-12 // float64 loss, relative
)

// role is one torch parameter: its name in export_bert.py's Model, its
// shape, and for each of its elements (torch layout) the index in
// Params.Data that holds it.
type role struct {
	name  string
	shape []int
	idx   []int32
}

func spanIdx(s span) []int32 {
	ix := make([]int32, s.n)
	for i := range ix {
		ix[i] = int32(s.off + i)
	}
	return ix
}

// linIdx maps a torch nn.Linear weight [out×in] onto a [in×ld] row-major
// Go matrix whose columns col0.. hold the layer.
func linIdx(s span, in, out, ld, col0 int) []int32 {
	ix := make([]int32, 0, in*out)
	for o := 0; o < out; o++ {
		for i := 0; i < in; i++ {
			ix = append(ix, int32(s.off+i*ld+col0+o))
		}
	}
	return ix
}

func torchRoles[F Float](p *Params[F]) []role {
	a := p.Arch
	h := a.Hidden
	rs := []role{
		{"word.weight", []int{a.Vocab, h}, spanIdx(p.word)},
		{"pos.weight", []int{a.PosRows, h}, spanIdx(p.pos)},
	}
	if a.TypeRows > 0 {
		rs = append(rs, role{"typ.weight", []int{a.TypeRows, h}, spanIdx(p.typ)})
	}
	rs = append(rs, role{"ln.weight", []int{h}, spanIdx(p.embG)}, role{"ln.bias", []int{h}, spanIdx(p.embB)})
	for li, ls := range p.layers {
		pre := fmt.Sprintf("layers.%d.", li)
		for part, nm := range []string{"q", "k", "v"} {
			rs = append(rs, role{pre + nm + ".weight", []int{h, h}, linIdx(ls.qkvW, h, h, 3*h, part*h)})
			rs = append(rs, role{pre + nm + ".bias", []int{h}, spanIdx(span{ls.qkvB.off + part*h, h})})
		}
		rs = append(rs,
			role{pre + "o.weight", []int{h, h}, linIdx(ls.oW, h, h, h, 0)},
			role{pre + "o.bias", []int{h}, spanIdx(ls.oB)},
			role{pre + "ln1.weight", []int{h}, spanIdx(ls.ln1G)},
			role{pre + "ln1.bias", []int{h}, spanIdx(ls.ln1B)},
			role{pre + "fc1.weight", []int{a.Inter, h}, linIdx(ls.fc1W, h, a.Inter, a.Inter, 0)},
			role{pre + "fc1.bias", []int{a.Inter}, spanIdx(ls.fc1B)},
			role{pre + "fc2.weight", []int{h, a.Inter}, linIdx(ls.fc2W, a.Inter, h, h, 0)},
			role{pre + "fc2.bias", []int{h}, spanIdx(ls.fc2B)},
			role{pre + "ln2.weight", []int{h}, spanIdx(ls.ln2G)},
			role{pre + "ln2.bias", []int{h}, spanIdx(ls.ln2B)},
		)
	}
	return append(rs,
		role{"classifier.weight", []int{a.Labels, h}, linIdx(p.clsW, h, a.Labels, a.Labels, 0)},
		role{"classifier.bias", []int{a.Labels}, spanIdx(p.clsB)})
}

func variantOf(a Arch) string {
	switch {
	case a.TypeRows == 0:
		return "distilbert"
	case a.PaddingPositions:
		return "roberta"
	}
	return "bert"
}

// torchOut is what the oracle computed.
type torchOut struct {
	Loss   float64       `json:"loss"`
	Logits [][][]float64 `json:"logits"`
	grads  []float64     // per slot of Params.Data, summed over tied roles
}

// needTorch returns the Debian interpreter with torch, or skips.
func needTorch(t *testing.T) string {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import torch").Run(); err != nil {
		t.Skip("torch is not installed (apt-get install python3-torch; CI installs it)")
	}
	return py
}

// runTorch runs scripts/train/torch_grads.py on p's weights and b.
func runTorch[F Float](t *testing.T, p *Params[F], b *Batch, f64 bool) torchOut {
	t.Helper()
	py := needTorch(t)
	exp := filepath.Join(testenv.Shared(t, "tools"), "export_bert.py")
	dir := t.TempDir()
	rs := torchRoles(p)
	a := p.Arch
	spec := map[string]any{
		"variant": variantOf(a), "hidden": a.Hidden, "heads": a.Heads, "inter": a.Inter,
		"layers": a.Layers, "vocab": a.Vocab, "labels": a.Labels, "pos_rows": a.PosRows,
		"type_rows": a.TypeRows, "float64": f64,
	}
	var names [][2]any
	var buf []byte
	for _, r := range rs {
		names = append(names, [2]any{r.name, r.shape})
		for _, ix := range r.idx {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(float32(p.Data[ix])))
		}
	}
	spec["tensors"] = names
	var ids, types, labels [][]int32
	for s, n := range b.Lens {
		st := b.Starts[s]
		ids = append(ids, b.IDs[st:st+n])
		labels = append(labels, b.Labels[st:st+n])
		if b.Types != nil {
			types = append(types, b.Types[st:st+n])
		}
	}
	spec["ids"], spec["tags"] = ids, labels
	if types != nil {
		spec["types"] = types
	}
	js, _ := json.Marshal(spec)
	if err := os.WriteFile(filepath.Join(dir, "spec.json"), js, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "params.f32"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(testenv.ModuleRoot(), "scripts", "train", "torch_grads.py")
	cmd := exec.Command(py, script, exp, dir, dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("torch oracle: %v\n%s", err, out)
	}
	var o torchOut
	js, err := os.ReadFile(filepath.Join(dir, "out.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, &o); err != nil {
		t.Fatal(err)
	}
	gb, err := os.ReadFile(filepath.Join(dir, "grads.bin"))
	if err != nil {
		t.Fatal(err)
	}
	o.grads = make([]float64, len(p.Data))
	k, size := 0, 4
	if f64 {
		size = 8
	}
	for _, r := range rs {
		for _, ix := range r.idx {
			if size*(k+1) > len(gb) {
				t.Fatalf("torch wrote %d gradient values, want more", len(gb)/size)
			}
			v := float64(math.Float32frombits(binary.LittleEndian.Uint32(gb[size*k:])))
			if f64 {
				v = math.Float64frombits(binary.LittleEndian.Uint64(gb[size*k:]))
			}
			o.grads[ix] += v
			k++
		}
	}
	if size*k != len(gb) {
		t.Fatalf("torch wrote %d gradient values, want %d", len(gb)/size, k)
	}
	return o
}

// randomBatch makes sequences of the given lengths with [CLS]-like and
// [SEP]-like ends, random ids and types, and labels with some ignored.
func randomBatch(a Arch, seed uint64, lens ...int) *Batch {
	r := rand.New(rand.NewPCG(seed, 7))
	b := &Batch{}
	for _, n := range lens {
		b.Starts = append(b.Starts, len(b.IDs))
		b.Lens = append(b.Lens, n)
		for k := 0; k < n; k++ {
			id := int32(5 + r.IntN(a.Vocab-5))
			if a.PaddingPositions && int64(id) == a.PadID {
				id++
			}
			b.IDs = append(b.IDs, id)
			ty := int32(0)
			if a.TypeRows > 1 {
				ty = int32(r.IntN(a.TypeRows))
			}
			b.Types = append(b.Types, ty)
			l := int32(r.IntN(a.Labels))
			if k == 0 || k == n-1 || r.IntN(4) == 0 {
				l = IgnoreLabel
			}
			b.Labels = append(b.Labels, l)
		}
	}
	if a.TypeRows == 0 {
		b.Types = nil
	}
	return b
}

func loadParams[F Float](t testing.TB, path string, labels int) *Params[F] {
	t.Helper()
	om, err := onnx.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := bert.Inspect(om)
	if err != nil {
		t.Fatal(err)
	}
	p, err := FromEncoder[F](e, labels, 1)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// relErr is ‖a−b‖₂/‖b‖₂ over the elements of a span.
func relErr[F Float](got []F, want []float64, s span) float64 {
	var num, den float64
	for i := s.off; i < s.off+s.n; i++ {
		d := float64(got[i]) - want[i]
		num += d * d
		den += want[i] * want[i]
	}
	if den == 0 {
		return math.Sqrt(num)
	}
	return math.Sqrt(num / den)
}

// spans lists every parameter tensor of p with a name, for reports.
func (p *Params[F]) spans() map[string]span {
	m := map[string]span{"word": p.word, "pos": p.pos, "emb.ln.g": p.embG, "emb.ln.b": p.embB,
		"cls.w": p.clsW, "cls.b": p.clsB}
	if p.Arch.TypeRows > 0 {
		m["type"] = p.typ
	}
	for li, ls := range p.layers {
		for nm, s := range map[string]span{"qkv.w": ls.qkvW, "qkv.b": ls.qkvB, "o.w": ls.oW, "o.b": ls.oB,
			"ln1.g": ls.ln1G, "ln1.b": ls.ln1B, "fc1.w": ls.fc1W, "fc1.b": ls.fc1B, "fc2.w": ls.fc2W,
			"fc2.b": ls.fc2B, "ln2.g": ls.ln2G, "ln2.b": ls.ln2B} {
			m[fmt.Sprintf("layer%d.%s", li, nm)] = s
		}
	}
	return m
}

func checkAgainstTorch[F Float](t *testing.T, p *Params[F], b *Batch, tol, lossTol float64) {
	t.Helper()
	n := NewNet(p)
	logits, err := n.Forward(b, Dropout{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	L := p.Arch.Labels
	dl := make([]F, len(logits))
	loss, _ := Loss(dl, logits, b.Labels, L)
	g := p.Grads()
	n.Backward(b, dl, g)
	_, f64 := any(p.Data).([]float64)
	o := runTorch(t, p, b, f64)
	if math.Abs(loss-o.Loss) > lossTol*math.Abs(o.Loss) {
		t.Errorf("loss %.9g, torch %.9g", loss, o.Loss)
	}
	var maxD float64
	for s, st := range b.Starts {
		for k := 0; k < b.Lens[s]; k++ {
			for j := 0; j < L; j++ {
				maxD = math.Max(maxD, math.Abs(float64(logits[(st+k)*L+j])-o.Logits[s][k][j]))
			}
		}
	}
	if maxD > logitTol32 {
		t.Errorf("logits differ from torch by %.3g", maxD)
	}
	worst, worstName := 0.0, ""
	for name, s := range p.spans() {
		if e := relErr(g, o.grads, s); e > worst {
			worst, worstName = e, name
		}
		if e := relErr(g, o.grads, s); e > tol {
			t.Errorf("%s: gradient relative error %.3g > %.0e", name, e, tol)
		}
	}
	if e := relErr(g, o.grads, span{0, len(g)}); e > tol {
		t.Errorf("whole model: gradient relative error %.3g", e)
	}
	t.Logf("loss %.6f (torch %.6f), max |Δlogit| %.2g, worst tensor %s %.2g", loss, o.Loss, maxD, worstName, worst)
}

// TestGradientsMatchTorch compares the loss, logits and every parameter's
// gradient with torch autograd on the shared test graphs (BERT opset 14 and
// 17, DistilBERT, RoBERTa), in float32 and in float64.
func TestGradientsMatchTorch(t *testing.T) {
	for _, name := range []string{"bert_14", "bert_17", "distilbert_14", "roberta_14"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(testenv.Shared(t, "testmodels", name), "model.onnx")
			p32 := loadParams[float32](t, path, 0)
			b := randomBatch(p32.Arch, 3, 7, 13, 2, 30)
			t.Run("float32", func(t *testing.T) { checkAgainstTorch(t, p32, b, gradTol32, lossRelTol) })
			t.Run("float64", func(t *testing.T) {
				checkAgainstTorch(t, loadParams[float64](t, path, 0), b, gradTol64, lossRelTol6)
			})
		})
	}
}

// TestBaselineGradientsMatchTorch does the same on the 6-layer MiniLM
// encoder under the shipped model, with a new 13-label head.
func TestBaselineGradientsMatchTorch(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	path := filepath.Join(testenv.Shared(t, "models", "all-minilm-l6-base", "onnx"), "model.onnx")
	p := loadParams[float32](t, path, 13)
	b := randomBatch(p.Arch, 5, 24, 9, 61)
	checkAgainstTorch(t, p, b, gradTol32, lossRelTol)
}

// TestFiniteDifferences checks the analytic gradient in float64 against
// central differences of the loss, with dropout on (a fixed key gives a
// fixed mask, so the loss is a smooth function of the weights), on a
// sample of elements of every tensor.
func TestFiniteDifferences(t *testing.T) {
	path := filepath.Join(testenv.Shared(t, "testmodels", "bert_14"), "model.onnx")
	p := loadParams[float64](t, path, 5)
	b := randomBatch(p.Arch, 11, 6, 11)
	drop := Dropout{Hidden: 0.2, Attention: 0.15}
	const key = 12345
	n := NewNet(p)
	lossAt := func() float64 {
		lg, err := n.Forward(b, drop, key)
		if err != nil {
			t.Fatal(err)
		}
		l, _ := Loss(nil, lg, b.Labels, p.Arch.Labels)
		return l
	}
	lg, err := n.Forward(b, drop, key)
	if err != nil {
		t.Fatal(err)
	}
	dl := make([]float64, len(lg))
	Loss(dl, lg, b.Labels, p.Arch.Labels)
	g := p.Grads()
	n.Backward(b, dl, g)
	r := rand.New(rand.NewPCG(1, 2))
	checked := 0
	for name, s := range p.spans() {
		for k := 0; k < 6; k++ {
			i := s.off + r.IntN(s.n)
			if name == "word" || name == "pos" { // rows the batch touches
				row := int(b.IDs[r.IntN(len(b.IDs))])
				if name == "pos" {
					row = r.IntN(6)
				}
				i = s.off + row*p.Arch.Hidden + r.IntN(p.Arch.Hidden)
			}
			old := p.Data[i]
			p.Data[i] = old + fdStep
			up := lossAt()
			p.Data[i] = old - fdStep
			down := lossAt()
			p.Data[i] = old
			fd := (up - down) / (2 * fdStep)
			if math.Abs(fd-g[i]) > fdRelTol*math.Abs(fd)+fdAbsTol {
				t.Errorf("%s[%d]: analytic %.10g, finite difference %.10g", name, i-s.off, g[i], fd)
			}
			checked++
		}
	}
	t.Logf("%d elements checked", checked)
}
