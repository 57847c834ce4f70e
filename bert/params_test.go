package bert

import (
	"path/filepath"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/weights/onnx"
)

// TestInspectNamesEveryWeight checks that Inspect finds every trainable
// tensor of the shared test graphs and names the initializer it came from,
// tied tensors sharing one name and one slice, with the shapes the graph declares.
func TestInspectNamesEveryWeight(t *testing.T) {
	for _, name := range []string{"bert_14", "bert_17", "distilbert_14", "roberta_14"} {
		t.Run(name, func(t *testing.T) {
			dir := testenv.Shared(t, "testmodels", name)
			om, err := onnx.Load(filepath.Join(dir, "model.onnx"))
			if err != nil {
				t.Fatal(err)
			}
			shapes := map[string][]int64{}
			for n, init := range om.Inits {
				shapes[n] = init.Dims
			}
			e, err := Inspect(om)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]*float32{} // a tied tensor (one initializer used twice) shares its data
			for _, ts := range e.Tensors() {
				if ts.Name == "" {
					continue
				}
				if p, ok := seen[ts.Name]; ok && p != &ts.Data[0] {
					t.Errorf("initializer %s names two different tensors", ts.Name)
				}
				seen[ts.Name] = &ts.Data[0]
				d := shapes[ts.Name]
				n := 1
				for _, x := range d {
					n *= int(x)
				}
				if n != len(ts.Data) {
					t.Errorf("%s: %d values, initializer has %v", ts.Name, len(ts.Data), d)
				}
			}
			if len(e.Layers) == 0 || e.Heads == 0 || e.Labels == 0 {
				t.Fatalf("encoder %+v", e)
			}
			if e.Word.Name == "" || e.Classifier.W.Name == "" || e.Layers[0].Q.W.Name == "" {
				t.Errorf("unnamed core weights")
			}
		})
	}
}
