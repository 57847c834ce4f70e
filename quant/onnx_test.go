package quant

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gomlx/compute-onnx/support/protos"
	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/weights/onnx"
	"google.golang.org/protobuf/proto"
)

const (
	// ortInt8LogitTol bounds |ORT(int8 export) − ORT(fp32)| on the random-
	// weight test graph: ORT quantizes activations per tensor (u8 with zero
	// point), so logits move by a few percent of their range.
	ortInt8LogitTol = 0.05
	// minArgmaxAgree is the share of tokens whose argmax must not change
	// (the acceptance bar).
	minArgmaxAgree = 0.995
	// minArgmaxAgreePerTensor is the bar for ONNX Runtime's own per-tensor
	// u8 activation form, which is coarser than our per-row algebra.
	minArgmaxAgreePerTensor = 0.985
	// ortMatMulTol is the relative difference allowed between ONNX Runtime
	// running the PerRow export of one MatMul and Matrix.MatMul: none. They
	// compute the same integer products and the same float32 operations in
	// the same order.
	ortMatMulTol = 0
)

// weightMatMuls counts MatMul nodes whose B is a float initializer.
func weightMatMuls(g *protos.GraphProto) int {
	inits := map[string]*protos.TensorProto{}
	for _, t := range g.Initializer {
		inits[t.Name] = t
	}
	n := 0
	for _, nd := range g.Node {
		if nd.OpType == "MatMul" && len(nd.Input) == 2 {
			if b, ok := inits[nd.Input[1]]; ok && b.DataType == int32(protos.TensorProto_FLOAT) && len(b.Dims) == 2 {
				n++
			}
		}
	}
	return n
}

func TestQuantizeONNXStructure(t *testing.T) {
	dir := testenv.Shared(t, "testmodels", "bert_14")
	m, err := onnx.Load(filepath.Join(dir, "model.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	before := proto.Clone(m.Proto)
	want := weightMatMuls(m.Proto.Graph)
	if want == 0 {
		t.Fatal("test graph has no weight MatMul")
	}
	out, err := QuantizeONNX(m)
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(before, m.Proto) {
		t.Fatal("QuantizeONNX modified its input model")
	}
	if got := weightMatMuls(out.Graph); got != 0 {
		t.Fatalf("%d float-weight MatMuls left", got)
	}
	ops := map[string]int{}
	for _, n := range out.Graph.Node {
		ops[n.OpType]++
	}
	if ops["MatMulInteger"] != want || ops["Cast"] < want || ops["DynamicQuantizeLinear"] == 0 || ops["DynamicQuantizeLinear"] > want {
		t.Fatalf("ops after quantization: %v (want %d MatMulInteger)", ops, want)
	}
	// Each int8 weight times its column scale must reproduce the fp32
	// weight within half a quantization step.
	b, err := proto.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	qm, err := onnx.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, n := range qm.Proto.Graph.Node {
		if n.OpType != "MatMulInteger" {
			continue
		}
		bq := qm.Inits[n.Input[1]]
		q, err := ReadInt8(qm, bq)
		if err != nil {
			t.Fatal(err)
		}
		// The original weight name is the quantized one minus its suffix.
		orig := m.Inits[bq.Name[:len(bq.Name)-len("_quantized")]]
		w, err := m.Float32s(orig)
		if err != nil {
			t.Fatal(err)
		}
		var scaleName string
		for _, c := range qm.Proto.Graph.Node {
			if c.OpType == "Mul" && len(c.Input) == 2 && c.Input[0] == n.Input[0][:len(n.Input[0])-len("_quantized")]+"_scale" {
				if _, ok := qm.Inits[c.Input[1]]; ok && c.Input[1] == orig.Name+"_scale" {
					scaleName = c.Input[1]
				}
			}
		}
		if scaleName == "" {
			t.Fatalf("no scale Mul for %s", bq.Name)
		}
		s, err := qm.Float32s(qm.Inits[scaleName])
		if err != nil {
			t.Fatal(err)
		}
		nn := int(bq.Dims[1])
		for i, v := range q {
			if d := math.Abs(float64(float32(v)*s[i%nn] - w[i])); d > float64(s[i%nn])/2*(1+boundSlack) {
				t.Fatalf("%s[%d]: dequantized weight off by %g (step %g)", orig.Name, i, d, s[i%nn])
			}
		}
		checked++
	}
	if checked != want {
		t.Fatalf("checked %d of %d quantized weights", checked, want)
	}
}

// ortScripts returns the scripts/quant directory and node, or skips.
func ortScripts(t testing.TB) (dir, node string) {
	t.Helper()
	dir = filepath.Join(testenv.ModuleRoot(), "scripts", "quant")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "onnxruntime-node")); err != nil {
		t.Skip("onnxruntime-node not installed: run npm ci --ignore-scripts in scripts/quant")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	return dir, node
}

// ortCompare writes the INT8 export of model to a temporary file and runs
// scripts/quant/compare.mjs (ONNX Runtime for Node) on both graphs.
func ortCompare(t *testing.T, modelPath, golden string, opt ExportOptions) map[string]float64 {
	t.Helper()
	script, node := ortScripts(t)
	m, err := onnx.Load(modelPath)
	if err != nil {
		t.Fatal(err)
	}
	out, err := QuantizeONNXWith(m, opt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := proto.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	int8Path := filepath.Join(t.TempDir(), "model.int8.onnx")
	if err := os.WriteFile(int8Path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(modelPath)
	t.Logf("fp32 %d bytes, int8 export %d bytes", st.Size(), len(b))
	args := []string{filepath.Join(script, "compare.mjs"), modelPath, int8Path}
	if golden != "" {
		args = append(args, golden)
	}
	cmd := exec.Command(node, args...)
	cmd.Dir = script
	res, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("compare.mjs: %v\n%s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	var r map[string]float64
	if err := json.Unmarshal(res, &r); err != nil {
		t.Fatalf("compare.mjs output: %v", err)
	}
	t.Logf("ONNX Runtime int8 (per-row %v) vs fp32: %v", opt.PerRow, r)
	return r
}

func TestQuantizeONNXRunsInORT(t *testing.T) {
	dir := testenv.Shared(t, "testmodels", "bert_14")
	for _, opt := range []ExportOptions{{}, {PerRow: true}} {
		r := ortCompare(t, filepath.Join(dir, "model.onnx"), filepath.Join(dir, "golden.json"), opt)
		// The random-weight graph's logits sit close together, so argmax
		// agreement says little there; the baseline test checks it.
		if r["maxAbsDiff"] > ortInt8LogitTol || r["maxAbsDiffVsTorch"] > ortInt8LogitTol {
			t.Errorf("per-row %v: max |int8 − fp32| = %g, vs torch %g, > %g", opt.PerRow, r["maxAbsDiff"], r["maxAbsDiffVsTorch"], ortInt8LogitTol)
		}
	}
}

func TestQuantizeONNXBaselineInORT(t *testing.T) {
	if testing.Short() {
		t.Skip("quantizes and runs the 6-layer baseline model: not in -short")
	}
	dir := testenv.Shared(t, "models", "obscura-minilm-conll")
	valid := testenv.Shared(t, "data", "conll2003", "valid.txt")
	const sentences = 300
	for _, c := range []struct {
		opt      ExportOptions
		minAgree float64
	}{{ExportOptions{}, minArgmaxAgreePerTensor}, {ExportOptions{PerRow: true}, minArgmaxAgree}} {
		r := ortCompare(t, filepath.Join(dir, "onnx", "model.onnx"),
			fmt.Sprintf("conll:%s:%s:%d", valid, filepath.Join(dir, "vocab.txt"), sentences), c.opt)
		if r["argmaxAgree"] < c.minAgree {
			t.Errorf("per-row %v: argmax agreement %g < %g", c.opt.PerRow, r["argmaxAgree"], c.minAgree)
		}
	}
}

// TestQuantizeONNXPerRowMatchesMatMul runs a one-MatMul graph, exported in
// the PerRow form, through ONNX Runtime and compares it with Matrix.MatMul:
// the two must compute the same numbers.
func TestQuantizeONNXPerRowMatchesMatMul(t *testing.T) {
	const m, k, n = 9, 70, 13
	r := rand.New(rand.NewPCG(15, 16))
	x, w := randFloats(r, m*k, 1), randFloats(r, k*n, 0.1)
	for p := 0; p < k; p++ {
		x[4*k+p] = 0 // a zero row
		// Row 6 and column 2 at full scale (±127 after quantization): the
		// products that overflow an int16 pair sum in a VPMADDUBSW kernel.
		x[6*k+p] = float32(1 - 2*(p%2))
		w[p*n+2] = float32(1 - 2*(p%2))
	}
	mp := oneMatMulModel(w, 1, m, k, n)
	q, err := QuantizeONNXWith(mp, ExportOptions{PerRow: true})
	if err != nil {
		t.Fatal(err)
	}
	got := runORTMatMul(t, q, x, m, k)
	for _, kern := range availableKernels(t) {
		mat, err := PackWeightsWith(w, k, n, Options{Kernel: kern.name})
		if err != nil {
			t.Fatal(err)
		}
		want := make([]float32, m*n)
		mat.MatMul(want, x, m, nil, nil)
		for i := range want {
			if d := math.Abs(float64(got[i] - want[i])); d > ortMatMulTol*math.Abs(float64(want[i])) {
				t.Fatalf("%s: y[%d,%d]: ONNX Runtime %g, MatMul %g", kern.name, i/n, i%n, got[i], want[i])
			}
		}
	}
}

// runORTMatMul runs a one-MatMul graph (input x of shape [1, m, k]) through
// ONNX Runtime (scripts/quant/run.mjs, one thread) and returns its output.
func runORTMatMul(t *testing.T, q *protos.ModelProto, x []float32, m, k int) []float32 {
	t.Helper()
	script, node := ortScripts(t)
	b, err := proto.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	modelPath, inPath := filepath.Join(tmp, "mm.onnx"), filepath.Join(tmp, "in.json")
	in, _ := json.Marshal(map[string]any{"x": map[string]any{"dims": []int{1, m, k}, "data": x}})
	if err := os.WriteFile(modelPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(inPath, in, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join(script, "run.mjs"), modelPath, inPath)
	cmd.Dir = script
	res, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("run.mjs: %v\n%s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	var got struct{ Data []float32 }
	if err := json.Unmarshal(res, &got); err != nil {
		t.Fatal(err)
	}
	return got.Data
}

// oneMatMulModel is a graph y = x·w with x of shape [batch, m, k] and the
// initializer w (k×n).
func oneMatMulModel(w []float32, batch, m, k, n int) *onnx.Model {
	f32 := int32(protos.TensorProto_FLOAT)
	valueInfo := func(name string, dims ...int) *protos.ValueInfoProto {
		shape := &protos.TensorShapeProto{}
		for _, d := range dims {
			shape.Dim = append(shape.Dim, &protos.TensorShapeProto_Dimension{Value: &protos.TensorShapeProto_Dimension_DimValue{DimValue: int64(d)}})
		}
		return &protos.ValueInfoProto{Name: name, Type: &protos.TypeProto{Value: &protos.TypeProto_TensorType{
			TensorType: &protos.TypeProto_Tensor{ElemType: f32, Shape: shape}}}}
	}
	init := &protos.TensorProto{Name: "w", Dims: []int64{int64(k), int64(n)}, DataType: f32, FloatData: append([]float32(nil), w...)}
	mp := &protos.ModelProto{IrVersion: 8, OpsetImport: []*protos.OperatorSetIdProto{{Version: 14}},
		Graph: &protos.GraphProto{Name: "matmul",
			Node:        []*protos.NodeProto{{OpType: "MatMul", Name: "mm", Input: []string{"x", "w"}, Output: []string{"y"}}},
			Initializer: []*protos.TensorProto{init},
			Input:       []*protos.ValueInfoProto{valueInfo("x", batch, m, k)},
			Output:      []*protos.ValueInfoProto{valueInfo("y", batch, m, n)},
		}}
	return &onnx.Model{Proto: mp, Inits: map[string]*protos.TensorProto{"w": init}}
}
