package onnx

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/compute-onnx/support/protos"
	"google.golang.org/protobuf/proto"
)

// writeModel writes a one-initializer model whose data lives in a file
// beside it at the given location, offset and length, and returns its path.
func writeModel(t *testing.T, loc string, off int64, vals []float32) string {
	t.Helper()
	dir := t.TempDir()
	data := make([]byte, off+int64(4*len(vals)))
	for k, v := range vals {
		binary.LittleEndian.PutUint32(data[off+int64(4*k):], math.Float32bits(v))
	}
	if err := os.WriteFile(filepath.Join(dir, "weights.bin"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	ext := []*protos.StringStringEntryProto{{Key: "location", Value: loc}, {Key: "offset", Value: "8"}, {Key: "length", Value: "12"}}
	mp := &protos.ModelProto{
		OpsetImport: []*protos.OperatorSetIdProto{{Domain: "", Version: 14}},
		Graph: &protos.GraphProto{Initializer: []*protos.TensorProto{{
			Name: "w", Dims: []int64{3}, DataType: int32(protos.TensorProto_FLOAT),
			DataLocation: protos.TensorProto_EXTERNAL, ExternalData: ext,
		}}},
	}
	b, err := proto.Marshal(mp)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "model.onnx")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestExternalData(t *testing.T) {
	want := []float32{1.5, -2, 3.25}
	m, err := Load(writeModel(t, "weights.bin", 8, want))
	if err != nil {
		t.Fatal(err)
	}
	if m.Opset() != 14 {
		t.Fatalf("opset %d", m.Opset())
	}
	if d, ok := m.Shape("w"); !ok || len(d) != 1 || d[0] != 3 {
		t.Fatalf("shape %v %v", d, ok)
	}
	got, err := m.Float32s(m.Inits["w"])
	if err != nil {
		t.Fatal(err)
	}
	for k := range want {
		if got[k] != want[k] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	// Inline moves the external bytes into the tensor itself.
	w := m.Inits["w"]
	if err := m.Inline(w); err != nil {
		t.Fatal(err)
	}
	m.Dir = t.TempDir() // the external file is no longer needed
	again, err := m.Float32s(w)
	if err != nil || len(w.ExternalData) != 0 || len(again) != len(want) || again[2] != want[2] {
		t.Fatalf("after Inline: %v (%v), %d external entries", again, err, len(w.ExternalData))
	}
}

func TestExternalDataMustStayInModelDir(t *testing.T) {
	for _, loc := range []string{"../weights.bin", "/etc/passwd", "sub/../../weights.bin"} {
		m, err := Load(writeModel(t, loc, 8, []float32{1, 2, 3}))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Float32s(m.Inits["w"]); err == nil || !strings.Contains(err.Error(), "inside the model directory") {
			t.Errorf("location %q: want a refusal, got %v", loc, err)
		}
	}
}
