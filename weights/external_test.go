package weights

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/gomlx/compute-onnx/support/protos"
	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/weights/onnx"
	"google.golang.org/protobuf/proto"
)

// externalDataFile is the side file the re-serialised test graph keeps its
// initializers in, named as torch and optimum name it.
const externalDataFile = "model.onnx_data"

// writeExternal re-serialises the ONNX file src to dir/model.onnx with
// every raw-data initializer moved to dir/model.onnx_data, as ONNX's
// save_model(..., save_as_external_data=True) lays it out. It returns how
// many initializers moved.
func writeExternal(t *testing.T, src, dir string) int {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	mp := &protos.ModelProto{}
	if err := proto.Unmarshal(b, mp); err != nil {
		t.Fatal(err)
	}
	var side []byte
	moved := 0
	for _, init := range mp.Graph.Initializer {
		if len(init.RawData) == 0 {
			continue
		}
		off := len(side)
		side = append(side, init.RawData...)
		init.ExternalData = []*protos.StringStringEntryProto{
			{Key: "location", Value: externalDataFile},
			{Key: "offset", Value: strconv.Itoa(off)},
			{Key: "length", Value: strconv.Itoa(len(init.RawData))},
		}
		init.DataLocation = protos.TensorProto_EXTERNAL
		init.RawData = nil
		moved++
	}
	out, err := proto.Marshal(mp)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "model.onnx"), string(out))
	writeFile(t, filepath.Join(dir, externalDataFile), string(side))
	return moved
}

func TestExternalData(t *testing.T) {
	srcGraph := filepath.Join(testenv.Shared(t, "testmodels", "bert_14"), "model.onnx")
	hf := smallHFDir(t, smallVocabSize)
	os.Remove(filepath.Join(hf, "model.onnx"))
	moved := writeExternal(t, srcGraph, filepath.Join(hf, "onnx"))
	if moved < 10 {
		t.Fatalf("only %d initializers moved to external data", moved)
	}
	m, err := Load(hf)
	if err != nil {
		t.Fatal(err)
	}
	if m.ONNXPath != filepath.Join(hf, "onnx", "model.onnx") || m.EmbeddingRows != smallVocabSize {
		t.Fatalf("ONNX %s, embedding rows %d", m.ONNXPath, m.EmbeddingRows)
	}
	// Every initializer reads back, through the side file, to the values of
	// the original single-file graph.
	orig, err := onnx.Load(srcGraph)
	if err != nil {
		t.Fatal(err)
	}
	for name, ti := range orig.Inits {
		if ti.DataType != int32(protos.TensorProto_FLOAT) {
			continue
		}
		want, err := orig.Float32s(ti)
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.Graph.Float32s(m.Graph.Inits[name])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("initializer %s differs after the external-data round trip", name)
		}
	}

	// A bundle carries and checksums the side file.
	out := filepath.Join(t.TempDir(), "ext")
	b, err := WriteBundle(m, out, BundleOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b.EmbeddingRows != smallVocabSize || !fileExists(filepath.Join(out, externalDataFile)) {
		t.Fatalf("bundle: rows %d, side file present %v", b.EmbeddingRows, fileExists(filepath.Join(out, externalDataFile)))
	}
	sums, order, err := readChecksums(filepath.Join(out, "checksum.sha256"))
	if err != nil || len(order) != 2 || sums[externalDataFile] == "" {
		t.Fatalf("checksum.sha256 lists %v (%v)", order, err)
	}
	side, err := os.ReadFile(filepath.Join(out, externalDataFile))
	if err != nil {
		t.Fatal(err)
	}
	replaceFile(t, filepath.Join(out, externalDataFile), side[:len(side)-4])
	var ce *ChecksumError
	if _, err := Load(out); !errors.As(err, &ce) || ce.File != externalDataFile {
		t.Fatalf("Load(truncated side file) = %v, want a ChecksumError naming %s", err, externalDataFile)
	}
}
