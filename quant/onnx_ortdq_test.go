package quant_test

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/compute-onnx/support/protos"
	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/quant"
	"github.com/obscura-ai/obscura/weights/onnx"
	"google.golang.org/protobuf/proto"
)

// minArgmaxORTDynamic is the floor for ONNX Runtime's own default
// dynamic-quantization form (quantize_dynamic's defaults: per-tensor
// weights, u8 embedding tables) against ONNX Runtime fp32. One weight
// scale per matrix cannot resolve the FFN output projections: on the full
// CoNLL-2003 valid set it agrees on 98.85 % of tokens (98.98 % on the first
// 300 sentences), below the 99.5 % bar (minArgmaxAgreement), which the
// per-channel form below meets. This floor guards the writer against a
// regression; it does not claim the bar.
const minArgmaxORTDynamic = 0.985

// ortPerChannel is quantize_dynamic(per_channel=True,
// op_types_to_quantize=["MatMul"]): the form of ONNX Runtime's own dynamic
// quantization held to minArgmaxAgreement (full CoNLL-2003 valid: 99.54 %;
// first 300 sentences: 99.57 %).
var ortPerChannel = quant.DynamicOptions{PerChannel: true, OpTypes: []string{"MatMul"}}

// dynamicForm is what TestQuantizeONNXDynamicStructure reads back from one
// output of QuantizeONNXDynamicWith.
type dynamicForm struct {
	in, out *onnx.Model
	ops     map[string]int
	// producer and consumers of each value
	producer  map[string]*protos.NodeProto
	consumers map[string][]*protos.NodeProto
}

func readDynamic(t *testing.T, in *onnx.Model, opt quant.DynamicOptions) *dynamicForm {
	t.Helper()
	before := proto.Clone(in.Proto)
	q, err := quant.QuantizeONNXDynamicWith(in, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(before, in.Proto) {
		t.Fatal("QuantizeONNXDynamicWith modified its input model")
	}
	b, err := proto.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	qm, err := onnx.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	f := &dynamicForm{in: in, out: qm, ops: map[string]int{},
		producer: map[string]*protos.NodeProto{}, consumers: map[string][]*protos.NodeProto{}}
	for _, n := range qm.Proto.Graph.Node {
		f.ops[n.OpType]++
		for _, o := range n.Output {
			f.producer[o] = n
		}
		for _, i := range n.Input {
			f.consumers[i] = append(f.consumers[i], n)
		}
	}
	return f
}

// weightMatMuls and tableGathers are the nodes of the fp32 graph that
// quantize_dynamic quantizes: MatMuls whose B is a 2-D float initializer
// and Gathers whose data is a float initializer.
func weightMatMuls(m *onnx.Model) (names []string) {
	for _, n := range m.Proto.Graph.Node {
		if n.OpType == "MatMul" && len(n.Input) == 2 {
			if b, ok := m.Inits[n.Input[1]]; ok && len(b.Dims) == 2 {
				names = append(names, n.Name)
			}
		}
	}
	return names
}

func tableGathers(m *onnx.Model) (names []string) {
	for _, n := range m.Proto.Graph.Node {
		if n.OpType == "Gather" {
			if d, ok := m.Inits[n.Input[0]]; ok && d.DataType == int32(protos.TensorProto_FLOAT) {
				names = append(names, n.Name)
			}
		}
	}
	return names
}

// checkMatMuls checks every MatMulInteger: its A comes from a
// DynamicQuantizeLinear, its zero point is int8 0 (a scalar, or one per
// column with perColumn), and its weights are symmetric int8 whose scale
// (max|column| or max|B| over qmax) reproduces the fp32 weights within half
// a step. It returns how many it checked.
func (f *dynamicForm) checkMatMuls(t *testing.T, perColumn bool, qmax float64) int {
	t.Helper()
	checked := 0
	for _, n := range f.out.Proto.Graph.Node {
		if n.OpType != "MatMulInteger" {
			continue
		}
		if len(n.Input) != 4 || f.producer[n.Input[0]].GetOpType() != "DynamicQuantizeLinear" || f.producer[n.Input[2]].GetOpType() != "DynamicQuantizeLinear" {
			t.Fatalf("MatMulInteger %s inputs %v", n.Name, n.Input)
		}
		bq, bz := f.out.Inits[n.Input[1]], f.out.Inits[n.Input[3]]
		if bq == nil || bz == nil || len(bq.Dims) != 2 {
			t.Fatalf("MatMulInteger %s: weight or zero point missing", n.Name)
		}
		k, nn := int(bq.Dims[0]), int(bq.Dims[1])
		cols := 1
		if perColumn {
			cols = nn
		}
		z, err := quant.ReadInt8(f.out, bz)
		if err != nil || len(z) != cols || (perColumn != (len(bz.Dims) == 1)) {
			t.Fatalf("%s: zero point %v dims %v %v, want %d zeros", n.Name, z, bz.Dims, err, cols)
		}
		for _, v := range z {
			if v != 0 {
				t.Fatalf("%s: zero point %v, want zeros", n.Name, z)
			}
		}
		base := strings.TrimSuffix(bq.Name, "_quantized")
		s, err := f.out.Float32s(f.out.Inits[base+"_scale"])
		if err != nil || len(s) != cols {
			t.Fatalf("%s: %d scales %v, want %d", base, len(s), err, cols)
		}
		q, err := quant.ReadInt8(f.out, bq)
		if err != nil {
			t.Fatal(err)
		}
		w, err := f.in.Float32s(f.in.Inits[base])
		if err != nil {
			t.Fatal(err)
		}
		amax := make([]float64, cols)
		for p := 0; p < k; p++ {
			for j := 0; j < nn; j++ {
				i, c := p*nn+j, 0
				if perColumn {
					c = j
				}
				amax[c] = max(amax[c], math.Abs(float64(w[i])))
				if math.Abs(float64(q[i])) > qmax {
					t.Fatalf("%s[%d] = %d outside ±%g", base, i, q[i], qmax)
				}
				if d := math.Abs(float64(q[i])*float64(s[c]) - float64(w[i])); d > float64(s[c])/2*(1+1e-5) {
					t.Fatalf("%s[%d]: %d·%g is %g from %g (over half a step)", base, i, q[i], s[c], d, w[i])
				}
			}
		}
		for c, a := range amax {
			if a > 0 && math.Abs(float64(s[c])-a/qmax) > 1e-6*a {
				t.Fatalf("%s: scale %g, want max|w|/%g = %g", base, s[c], qmax, a/qmax)
			}
		}
		checked++
	}
	return checked
}

// TestQuantizeONNXDynamicStructure checks quantize_dynamic's default form on
// the small test graph: every weight MatMul becomes DynamicQuantizeLinear
// (shared per input) + MatMulInteger with a scalar int8 zero point 0 + Cast
// + Mul(xs, Bs) + Mul, with one symmetric scale max|B|/127 per matrix
// whose steps reproduce the fp32 weights within half a step; every
// embedding Gather reads a u8 table with zero point 127 and scale
// max|T|/127 (within half a step of the fp32 table) and feeds a
// DequantizeLinear; the input model is left unchanged. The options
// per_channel, reduce_range, op_types_to_quantize and nodes_to_exclude
// change what they say and nothing else.
func TestQuantizeONNXDynamicStructure(t *testing.T) {
	dir := testenv.Shared(t, "testmodels", "bert_14")
	m, err := onnx.Load(filepath.Join(dir, "model.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	mms, gathers := weightMatMuls(m), tableGathers(m)
	if len(mms) == 0 || len(gathers) == 0 {
		t.Fatalf("test graph: %d weight MatMuls, %d embedding Gathers", len(mms), len(gathers))
	}

	f := readDynamic(t, m, quant.DynamicOptions{})
	if f.ops["MatMulInteger"] != len(mms) || f.ops["DynamicQuantizeLinear"] == 0 || f.ops["DynamicQuantizeLinear"] >= len(mms) {
		t.Fatalf("ops %v: want %d MatMulInteger and fewer shared DynamicQuantizeLinear", f.ops, len(mms))
	}
	if n := f.checkMatMuls(t, false, 127); n != len(mms) {
		t.Fatalf("checked %d of %d MatMuls", n, len(mms))
	}
	if f.ops["DequantizeLinear"] != len(gathers) {
		t.Fatalf("ops %v: want a DequantizeLinear for each of %d embedding Gathers", f.ops, len(gathers))
	}
	for _, n := range f.out.Proto.Graph.Node {
		if n.OpType != "Gather" {
			continue
		}
		tq, ok := f.out.Inits[n.Input[0]]
		if !ok {
			continue
		}
		if tq.DataType != int32(protos.TensorProto_UINT8) {
			t.Fatalf("Gather %s reads %s of type %d, want UINT8", n.Name, tq.Name, tq.DataType)
		}
		cs := f.consumers[n.Output[0]]
		if len(cs) != 1 || cs[0].OpType != "DequantizeLinear" || cs[0].Input[1] != strings.TrimSuffix(tq.Name, "_quantized")+"_scale" {
			t.Fatalf("Gather %s output read by %v, want one DequantizeLinear with the table's scale", n.Name, cs)
		}
		base := strings.TrimSuffix(tq.Name, "_quantized")
		s, err := f.out.Float32s(f.out.Inits[base+"_scale"])
		if err != nil || len(s) != 1 {
			t.Fatalf("%s scale %v %v", base, s, err)
		}
		zp, err := f.out.RawData(f.out.Inits[base+"_zero_point"])
		if err != nil || len(zp) != 1 || zp[0] != 127 {
			t.Fatalf("%s zero point %v %v, want [127]", base, zp, err)
		}
		q, err := f.out.RawData(tq)
		if err != nil {
			t.Fatal(err)
		}
		w, err := m.Float32s(m.Inits[base])
		if err != nil || len(q) != len(w) {
			t.Fatalf("%s: %d values for %d, %v", base, len(q), len(w), err)
		}
		var amax float64
		for i := range w {
			amax = max(amax, math.Abs(float64(w[i])))
			if d := math.Abs((float64(q[i])-127)*float64(s[0]) - float64(w[i])); d > float64(s[0])/2*(1+1e-5) {
				t.Fatalf("%s[%d]: (%d−127)·%g is %g from %g", base, i, q[i], s[0], d, w[i])
			}
		}
		if math.Abs(float64(s[0])-amax/127) > 1e-6*amax {
			t.Fatalf("%s: scale %g, want max|t|/127 = %g", base, s[0], amax/127)
		}
	}

	f = readDynamic(t, m, quant.DynamicOptions{PerChannel: true})
	if n := f.checkMatMuls(t, true, 127); n != len(mms) {
		t.Fatalf("per channel: checked %d of %d MatMuls", n, len(mms))
	}
	f = readDynamic(t, m, quant.DynamicOptions{ReduceRange: true})
	if n := f.checkMatMuls(t, false, 64); n != len(mms) || f.ops["DequantizeLinear"] != len(gathers) {
		t.Fatalf("reduce range: checked %d of %d MatMuls, ops %v", n, len(mms), f.ops)
	}
	f = readDynamic(t, m, ortPerChannel)
	if n := f.checkMatMuls(t, true, 127); n != len(mms) || f.ops["DequantizeLinear"] != 0 {
		t.Fatalf("per channel, MatMul only: checked %d of %d MatMuls, ops %v", n, len(mms), f.ops)
	}
	f = readDynamic(t, m, quant.DynamicOptions{OpTypes: []string{"Gather"}})
	if f.ops["MatMulInteger"] != 0 || f.ops["DequantizeLinear"] != len(gathers) {
		t.Fatalf("Gather only: ops %v", f.ops)
	}
	f = readDynamic(t, m, quant.DynamicOptions{NodesToExclude: []string{mms[0], gathers[0]}})
	if f.ops["MatMulInteger"] != len(mms)-1 || f.ops["DequantizeLinear"] != len(gathers)-1 {
		t.Fatalf("two nodes excluded: ops %v", f.ops)
	}
	if _, err := quant.QuantizeONNXDynamicWith(m, quant.DynamicOptions{OpTypes: []string{"Conv"}}); err == nil {
		t.Error("op type Conv: no error")
	}
}

func TestQuantizeWeightsPerTensor(t *testing.T) {
	q, s := quant.QuantizeWeightsPerTensor([]float32{0, 0, 0})
	if s != 1 || q[0] != 0 || q[1] != 0 || q[2] != 0 {
		t.Errorf("zero matrix: %v %g", q, s)
	}
	// 127 steps of 0.02 span max|w| = 2.54; 0.03 is 1.5 steps: ties to even → 2.
	q, s = quant.QuantizeWeightsPerTensor([]float32{-2.54, 0.03, 0.05, 2.54})
	if math.Abs(float64(s)-0.02) > 1e-7 || q[0] != -127 || q[1] != 2 || q[3] != 127 {
		t.Errorf("got %v scale %g", q, s)
	}
}

// TestCoNLLORTDynamicArgmax exports the baseline model in ONNX Runtime's own
// dynamic-quantization forms, runs ONNX Runtime on them and on the fp32
// file (scripts/quant/logits.mjs, one thread) over CoNLL-2003 valid, and
// compares the argmax with ONNX Runtime fp32's ([CLS]/[SEP] excluded):
// quantize_dynamic's default form must agree on minArgmaxORTDynamic of the
// tokens (it is below the bar, and logged against it), and its per-channel
// form (ortPerChannel) on minArgmaxAgreement, the 99.5 % bar.
// OBSCURA_CONLL_FULL=1 runs every sentence.
func TestCoNLLORTDynamicArgmax(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ONNX Runtime three times on CoNLL-2003 valid")
	}
	scripts := filepath.Join(testenv.ModuleRoot(), "scripts", "quant")
	if _, err := os.Stat(filepath.Join(scripts, "node_modules", "onnxruntime-node")); err != nil {
		t.Skip("scripts/quant is not installed: (cd scripts/quant && npm install --ignore-scripts --no-package-lock)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	dir := testenv.Shared(t, "models", "obscura-minilm-conll")
	file := filepath.Join(dir, "onnx", "model.onnx")
	om, err := onnx.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	ids, special := conllIDs(t, dir, conllSubset)
	in := filepath.Join(tmp, "ids.jsonl")
	var sb strings.Builder
	for _, row := range ids {
		line, _ := json.Marshal(map[string][]int64{"ids": row})
		sb.Write(line)
		sb.WriteByte('\n')
	}
	if err := os.WriteFile(in, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	logits := func(model, out string) [][]float32 {
		cmd := exec.Command(node, filepath.Join(scripts, "logits.mjs"), model, in, out)
		cmd.Dir = scripts
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("logits.mjs on %s: %v\n%s", filepath.Base(model), err, msg)
		}
		return readLogits(t, out, len(ids))
	}
	fp := logits(file, filepath.Join(tmp, "fp32.jsonl"))

	for _, form := range []struct {
		name  string
		opt   quant.DynamicOptions
		floor float64
	}{
		{"default", quant.DynamicOptions{}, minArgmaxORTDynamic},
		{"per_channel=True, op_types_to_quantize=[MatMul]", ortPerChannel, minArgmaxAgreement},
	} {
		q, err := quant.QuantizeONNXDynamicWith(om, form.opt)
		if err != nil {
			t.Fatal(err)
		}
		b, err := proto.Marshal(q)
		if err != nil {
			t.Fatal(err)
		}
		qFile := filepath.Join(tmp, "model-ortdq.onnx")
		if err := os.WriteFile(qFile, b, 0o644); err != nil {
			t.Fatal(err)
		}
		dq := logits(qFile, filepath.Join(tmp, "dq.jsonl"))
		var tokens, agree int
		for s, row := range ids {
			labels := len(fp[s]) / len(row)
			if labels == 0 || len(dq[s]) != len(fp[s]) {
				t.Fatalf("sentence %d: %d INT8 and %d fp32 logits for %d tokens", s, len(dq[s]), len(fp[s]), len(row))
			}
			for i := range row {
				if special[s][i] {
					continue
				}
				tokens++
				if argmax(dq[s][i*labels:(i+1)*labels]) == argmax(fp[s][i*labels:(i+1)*labels]) {
					agree++
				}
			}
		}
		share := float64(agree) / float64(tokens)
		t.Logf("%d sentences, %d tokens: ONNX Runtime on quantize_dynamic's form (%s, %.1f MB) = ONNX Runtime fp32 argmax on %d (%.4f%%; bar %.1f%%)",
			len(ids), tokens, form.name, float64(len(b))/1e6, agree, 100*share, 100*minArgmaxAgreement)
		if share < form.floor {
			t.Errorf("%s: argmax agreement %.4f%% < %.1f%%", form.name, 100*share, 100*form.floor)
		}
	}
}
