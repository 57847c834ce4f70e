package quant_test

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/quant"
	"github.com/obscura-ai/obscura/weights/onnx"
	"google.golang.org/protobuf/proto"
)

// minArgmaxORTDynamic is the floor for ONNX Runtime's own default
// dynamic-quantization form against ONNX Runtime fp32. One weight scale per
// matrix and one u8 activation scale per tensor are coarser than our
// per-column export: on the full CoNLL-2003 valid set it agrees on 98.89 %
// of tokens (99.16 % on the first 300 sentences), below the 99.5 % that
// minArgmaxAgreement asks of our own INT8 forms. This floor guards the
// writer against a regression; it does not claim the 99.5 % bar.
const minArgmaxORTDynamic = 0.985

// TestQuantizeONNXDynamicStructure checks the quantize_dynamic default
// pattern on the small test graph: every weight MatMul becomes
// DynamicQuantizeLinear (shared per input) + MatMulInteger with a scalar
// int8 zero point 0 + Cast + Mul(xs, Bs) + Mul, its weights are one
// per-tensor scale whose steps reproduce the fp32 weights within half a
// step, and the input model is left unchanged.
func TestQuantizeONNXDynamicStructure(t *testing.T) {
	dir := testenv.Shared(t, "testmodels", "bert_14")
	m, err := onnx.Load(filepath.Join(dir, "model.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	before := proto.Clone(m.Proto)
	out, err := quant.QuantizeONNXDynamic(m)
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(before, m.Proto) {
		t.Fatal("QuantizeONNXDynamic modified its input model")
	}
	weightMMs := 0
	for _, n := range m.Proto.Graph.Node {
		if n.OpType == "MatMul" && len(n.Input) == 2 {
			if b, ok := m.Inits[n.Input[1]]; ok && len(b.Dims) == 2 {
				weightMMs++
			}
		}
	}
	b, err := proto.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	qm, err := onnx.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]int{}
	producer := map[string]string{}
	for _, n := range qm.Proto.Graph.Node {
		ops[n.OpType]++
		for _, o := range n.Output {
			producer[o] = n.OpType
		}
	}
	if weightMMs == 0 || ops["MatMulInteger"] != weightMMs || ops["DynamicQuantizeLinear"] == 0 || ops["DynamicQuantizeLinear"] >= weightMMs {
		t.Fatalf("ops %v: want %d MatMulInteger and fewer shared DynamicQuantizeLinear", ops, weightMMs)
	}
	checked := 0
	for _, n := range qm.Proto.Graph.Node {
		if n.OpType != "MatMulInteger" {
			continue
		}
		if len(n.Input) != 4 || producer[n.Input[0]] != "DynamicQuantizeLinear" || producer[n.Input[2]] != "DynamicQuantizeLinear" {
			t.Fatalf("MatMulInteger %s inputs %v", n.Name, n.Input)
		}
		bq, bz := qm.Inits[n.Input[1]], qm.Inits[n.Input[3]]
		if bq == nil || bz == nil || len(bz.Dims) != 0 {
			t.Fatalf("MatMulInteger %s: weight or scalar zero point missing", n.Name)
		}
		z, err := quant.ReadInt8(qm, bz)
		if err != nil || len(z) != 1 || z[0] != 0 {
			t.Fatalf("zero point %v %v, want [0]", z, err)
		}
		base := strings.TrimSuffix(bq.Name, "_quantized")
		s, err := qm.Float32s(qm.Inits[base+"_scale"])
		if err != nil || len(s) != 1 {
			t.Fatalf("per-tensor scale of %s: %v %v", base, s, err)
		}
		q, err := quant.ReadInt8(qm, bq)
		if err != nil {
			t.Fatal(err)
		}
		w, err := m.Float32s(m.Inits[base])
		if err != nil {
			t.Fatal(err)
		}
		var amax float64
		for i := range w {
			amax = max(amax, math.Abs(float64(w[i])))
			if d := math.Abs(float64(q[i])*float64(s[0]) - float64(w[i])); d > float64(s[0])/2*(1+1e-5) {
				t.Fatalf("%s[%d]: %d·%g is %g from %g (over half a step)", base, i, q[i], s[0], d, w[i])
			}
		}
		if d := math.Abs(float64(s[0]) - amax/127); d > 1e-6*amax {
			t.Fatalf("%s: scale %g, want max|w|/127 = %g", base, s[0], amax/127)
		}
		checked++
	}
	if checked != weightMMs {
		t.Fatalf("checked %d of %d", checked, weightMMs)
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
// dynamic-quantization form, runs ONNX Runtime on it and on the fp32 file
// (scripts/quant/logits.mjs) over CoNLL-2003 valid, and requires the INT8
// argmax to equal ONNX Runtime fp32's on at least minArgmaxORTDynamic of
// the tokens ([CLS]/[SEP] excluded), and logs the share against the 99.5 %
// bar (minArgmaxAgreement). OBSCURA_CONLL_FULL=1 runs every sentence.
func TestCoNLLORTDynamicArgmax(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ONNX Runtime twice on CoNLL-2003 valid")
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
	q, err := quant.QuantizeONNXDynamic(om)
	if err != nil {
		t.Fatal(err)
	}
	b, err := proto.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	dqFile := filepath.Join(tmp, "model-ortdq.onnx")
	if err := os.WriteFile(dqFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
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
	dq, fp := logits(dqFile, filepath.Join(tmp, "dq.jsonl")), logits(file, filepath.Join(tmp, "fp32.jsonl"))
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
	t.Logf("%d sentences, %d tokens: ONNX Runtime on its dynamic-quantization form (%.1f MB) = ONNX Runtime fp32 argmax on %d (%.4f%%)",
		len(ids), tokens, float64(len(b))/1e6, agree, 100*share)
	if share < minArgmaxAgreement {
		t.Logf("below the %.1f%% bar of our own INT8 forms (expected for per-tensor weights)", 100*minArgmaxAgreement)
	}
	if share < minArgmaxORTDynamic {
		t.Errorf("argmax agreement %.4f%% < %.1f%%", 100*share, 100*minArgmaxORTDynamic)
	}
}
