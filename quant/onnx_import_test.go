package quant

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/gomlx/compute-onnx/support/protos"
	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/weights/onnx"
	"google.golang.org/protobuf/proto"
)

// exportParsed exports m with opt and parses the bytes back, as a loader
// would see the file.
func exportParsed(t *testing.T, m *onnx.Model, opt ExportOptions) *onnx.Model {
	t.Helper()
	out, err := QuantizeONNXWith(m, opt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := proto.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	qm, err := onnx.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return qm
}

// TestFindQuantizedMatMuls exports the test graph in both forms and checks
// that every weight MatMul is recovered with its input, output, int8
// weights and scales.
func TestFindQuantizedMatMuls(t *testing.T) {
	dir := testenv.Shared(t, "testmodels", "bert_14")
	m, err := onnx.Load(filepath.Join(dir, "model.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	type orig struct {
		in, out string
		q       []int8
		s       []float32
	}
	want := map[string]orig{}
	for _, n := range m.Proto.Graph.Node {
		if n.OpType != "MatMul" || len(n.Input) != 2 {
			continue
		}
		if b, ok := m.Inits[n.Input[1]]; ok && len(b.Dims) == 2 {
			w, err := m.Float32s(b)
			if err != nil {
				t.Fatal(err)
			}
			q, s := QuantizeWeights(w, int(b.Dims[0]), int(b.Dims[1]))
			want[n.Output[0]] = orig{n.Input[0], n.Output[0], q, s}
		}
	}
	for _, opt := range []ExportOptions{{}, {PerRow: true}} {
		qm := exportParsed(t, m, opt)
		found, err := FindQuantizedMatMuls(qm)
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != len(want) {
			t.Fatalf("per-row %v: found %d quantized MatMuls, want %d", opt.PerRow, len(found), len(want))
		}
		for _, f := range found {
			w, ok := want[f.Output]
			if !ok || f.Input != w.in {
				t.Fatalf("per-row %v: recovered %s → %s, not a MatMul of the original graph", opt.PerRow, f.Input, f.Output)
			}
			if !slices.Equal(f.Weights, w.q) || !slices.Equal(f.Scales, w.s) {
				t.Fatalf("per-row %v: %s: weights or scales differ", opt.PerRow, f.Output)
			}
			if last := f.Nodes[len(f.Nodes)-1]; last.Output[0] != f.Output {
				t.Fatalf("per-row %v: %s: last node does not produce the output", opt.PerRow, f.Output)
			}
		}
	}

	// ONNX Runtime's quantize_dynamic may store weights as uint8 with a
	// zero point; rewrite the export that way and recover the same int8.
	qm := exportParsed(t, m, ExportOptions{})
	for _, n := range qm.Proto.Graph.Node {
		if n.OpType != "MatMulInteger" {
			continue
		}
		b, zp := qm.Inits[n.Input[1]], qm.Inits[n.Input[3]]
		for i := range b.RawData {
			b.RawData[i] += 128 // int8 bits + 128 = uint8 value with zero point 128
		}
		b.DataType = int32(protos.TensorProto_UINT8)
		zp.DataType = int32(protos.TensorProto_UINT8)
		for i := range zp.RawData {
			zp.RawData[i] = 128
		}
	}
	found, err := FindQuantizedMatMuls(qm)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		if !slices.Equal(f.Weights, want[f.Output].q) {
			t.Fatalf("uint8 weights of %s not recovered", f.Output)
		}
	}

	// A MatMulInteger outside both forms is an error, not a silent skip.
	for _, n := range qm.Proto.Graph.Node {
		if n.OpType == "MatMulInteger" {
			n.Input[1] = n.Input[0] // B is no longer an initializer
			break
		}
	}
	if _, err := FindQuantizedMatMuls(qm); err == nil {
		t.Fatal("a MatMulInteger with a non-initializer B was accepted")
	}
}
