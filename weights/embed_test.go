package weights

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/compute-onnx/support/protos"
	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/weights/onnx"
	"google.golang.org/protobuf/proto"
)

func loadTestGraph(t *testing.T, name string) *protos.ModelProto {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.Shared(t, "testmodels", name), "model.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	mp := &protos.ModelProto{}
	if err := proto.Unmarshal(b, mp); err != nil {
		t.Fatal(err)
	}
	return mp
}

func idsGather(t *testing.T, mp *protos.ModelProto) *protos.NodeProto {
	t.Helper()
	for _, n := range mp.Graph.Node {
		if n.OpType == "Gather" && len(n.Input) == 2 && n.Input[1] == "input_ids" {
			return n
		}
	}
	t.Fatal("no Gather on input_ids")
	return nil
}

func TestEmbeddingRowsAllTestGraphs(t *testing.T) {
	for _, name := range []string{"bert_14", "bert_17", "distilbert_14", "roberta_14"} {
		m, err := onnx.Load(filepath.Join(testenv.Shared(t, "testmodels", name), "model.onnx"))
		if err != nil {
			t.Fatal(err)
		}
		rows, init, err := EmbeddingRows(m)
		if err != nil || rows != smallVocabSize {
			t.Errorf("%s: rows %d from %q, %v", name, rows, init, err)
		}
	}
}

// An INT8 export keeps the table as int8 behind a DequantizeLinear; the
// rows are found through it.
func TestEmbeddingRowsQuantized(t *testing.T) {
	mp := loadTestGraph(t, "bert_14")
	g := idsGather(t, mp)
	table := g.Input[0]
	var dims []int64
	inits := mp.Graph.Initializer[:0]
	for _, in := range mp.Graph.Initializer {
		if in.Name == table {
			dims = in.Dims
			continue
		}
		inits = append(inits, in)
	}
	n := dims[0] * dims[1]
	mp.Graph.Initializer = append(inits,
		&protos.TensorProto{Name: table + "_q", Dims: dims, DataType: int32(protos.TensorProto_INT8), RawData: make([]byte, n)},
		&protos.TensorProto{Name: table + "_scale", DataType: int32(protos.TensorProto_FLOAT), FloatData: []float32{0.01}},
		&protos.TensorProto{Name: table + "_zp", DataType: int32(protos.TensorProto_INT8), RawData: []byte{0}},
	)
	deq := &protos.NodeProto{OpType: "DequantizeLinear", Input: []string{table + "_q", table + "_scale", table + "_zp"}, Output: []string{table + "_deq"}}
	mp.Graph.Node = append([]*protos.NodeProto{deq}, mp.Graph.Node...)
	g.Input[0] = table + "_deq"
	b, err := proto.Marshal(mp)
	if err != nil {
		t.Fatal(err)
	}
	m, err := onnx.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	rows, init, err := EmbeddingRows(m)
	if err != nil || rows != smallVocabSize || init != table+"_q" {
		t.Fatalf("rows %d from %q, %v", rows, init, err)
	}
}

func TestEmbeddingRowsNoGather(t *testing.T) {
	mp := loadTestGraph(t, "bert_14")
	idsGather(t, mp).Input[1] = "something_else"
	b, _ := proto.Marshal(mp)
	m, err := onnx.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := EmbeddingRows(m); err == nil || !strings.Contains(err.Error(), "no Gather on input_ids") {
		t.Fatalf("EmbeddingRows = %v", err)
	}
}
