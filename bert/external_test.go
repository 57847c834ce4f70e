package bert

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/gomlx/compute-onnx/support/protos"
	"github.com/obscura-ai/obscura/internal/testenv"
	"google.golang.org/protobuf/proto"
)

// TestExternalDataModel moves every raw initializer of bert_14 into one
// external data file, as large exports store them, and checks both
// executors still reproduce the goldens.
func TestExternalDataModel(t *testing.T) {
	src := testenv.Shared(t, "testmodels", "bert_14")
	raw, err := os.ReadFile(filepath.Join(src, "model.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	mp := &protos.ModelProto{}
	if err := proto.Unmarshal(raw, mp); err != nil {
		t.Fatal(err)
	}
	var data []byte
	moved := 0
	for _, init := range mp.Graph.Initializer {
		if len(init.RawData) == 0 {
			continue
		}
		init.ExternalData = []*protos.StringStringEntryProto{
			{Key: "location", Value: "model.onnx_data"},
			{Key: "offset", Value: strconv.Itoa(len(data))},
			{Key: "length", Value: strconv.Itoa(len(init.RawData))},
		}
		init.DataLocation = protos.TensorProto_EXTERNAL
		data = append(data, init.RawData...)
		init.RawData = nil
		moved++
	}
	if moved < 10 {
		t.Fatalf("only %d initializers moved", moved)
	}
	dir := t.TempDir()
	b, err := proto.Marshal(mp)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "model.onnx"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "model.onnx_data"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	gold := readGolden(t, filepath.Join(src, "golden.json"))
	for _, exec := range []string{"graph", "fused"} {
		m, err := Load(filepath.Join(dir, "model.onnx"), Options{Executor: exec})
		if err != nil {
			t.Fatalf("%s: %v", exec, err)
		}
		for ci, c := range gold.Cases {
			got, err := m.Run(Batch{IDs: c.IDs, Mask: c.Mask, Size: 1, SeqLen: len(c.IDs)})
			if err != nil {
				t.Fatal(err)
			}
			if d := maxDiff(t, got, 0, len(c.IDs), m.NumLabels(), c.Logits, c.Mask); d > logitTol {
				t.Errorf("%s case %d: max |Δlogit| %.3g", exec, ci, d)
			}
		}
	}
}
