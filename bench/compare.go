package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gomlx/compute-onnx/support/protos"
	"github.com/obscura-ai/obscura/bert"
	"github.com/obscura-ai/obscura/eval"
	"github.com/obscura-ai/obscura/quant"
	"github.com/obscura-ai/obscura/weights/onnx"
	"google.golang.org/protobuf/proto"
)

// The peers of a comparison, in report order.
const (
	// PeerExport is ONNX Runtime on our INT8 export (quant.QuantizeONNX,
	// the model.onnx that obscura bundle --int8 ships), or on
	// Config.ORTModel.
	PeerExport = "ort-int8-export"
	// PeerDynamic is ONNX Runtime on its own quantize_dynamic default form
	// of the same fp32 graph (quant.QuantizeONNXDynamic).
	PeerDynamic = "ort-int8-dynamic"
	// PeerFP32 is ONNX Runtime on the fp32 file.
	PeerFP32 = "ort-fp32"
)

// Config is one comparison of our runtime with ONNX Runtime.
type Config struct {
	FP32File string // the model's fp32 ONNX graph
	// Int8: ours runs INT8 and takes turns with PeerExport, PeerDynamic and
	// PeerFP32; otherwise ours runs fp32 and takes turns with PeerFP32.
	Int8     bool
	ORTModel string // with Int8: the file PeerExport runs instead of the QuantizeONNX export
	Dir      string // bench/ort
	Threads  int    // the same for every runner
	NoSpin   bool   // block ONNX Runtime's idle threads (old configuration, labelled)
	Turns    TurnOptions
}

// Group is the inputs of one report row; Len 0 is the mixed run.
type Group struct {
	Len int
	IDs [][]int64
}

// PeerReport is one peer's figures.
type PeerReport struct {
	Name string    `json:"name"`
	File string    `json:"file"` // base name, or the export it came from
	MB   float64   `json:"mb"`
	Rows []PeerRow `json:"rows"`
}

// PeerRow is one peer at one length.
type PeerRow struct {
	Len int          `json:"len"`
	ORT eval.Latency `json:"ort"`
	// Ratio is PairedRatio(ours, peer): the median over turns of ours'
	// median / the peer's median, the headline figure.
	Ratio float64 `json:"ratio"`
	// P50Ratio is ours p50 / the peer's p50 over the whole run; on a quiet
	// machine it agrees with Ratio, on a busy one it moves with the load.
	P50Ratio float64 `json:"p50_ratio"`
}

// Comparison is the result of Compare.
type Comparison struct {
	Version string         // ONNX Runtime's
	Ours    []eval.Latency // per group
	Peers   []PeerReport
}

type peerFile struct{ name, path, label string }

// Compare starts one peer process per ONNX Runtime configuration, has
// them and ours (m) take turns on every group's ids, and summarises.
// Export files are written to a temporary directory removed on return.
func Compare(ctx context.Context, m *bert.Model, groups []Group, cfg Config) (*Comparison, error) {
	var files []peerFile
	if cfg.Int8 {
		tmp, err := os.MkdirTemp("", "obscura-bench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		om, err := onnx.Load(cfg.FP32File)
		if err != nil {
			return nil, err
		}
		base := filepath.Base(cfg.FP32File)
		exp := peerFile{PeerExport, cfg.ORTModel, filepath.Base(cfg.ORTModel)}
		if cfg.ORTModel == "" {
			p, err := writeModel(tmp, "export.onnx", om, quant.QuantizeONNX)
			if err != nil {
				return nil, err
			}
			exp = peerFile{PeerExport, p, "quant.QuantizeONNX(" + base + ")"}
		}
		dyn, err := writeModel(tmp, "dynamic.onnx", om, quant.QuantizeONNXDynamic)
		if err != nil {
			return nil, err
		}
		files = []peerFile{exp, {PeerDynamic, dyn, "quant.QuantizeONNXDynamic(" + base + ")"}}
	}
	files = append(files, peerFile{PeerFP32, cfg.FP32File, filepath.Base(cfg.FP32File)})

	c := &Comparison{}
	var peers []*Peer
	defer func() {
		for _, p := range peers {
			p.Close()
		}
	}()
	runners := []Runner{Ours{Label: "ours", Model: m}}
	for _, f := range files {
		p, err := StartPeer(ctx, PeerOptions{Name: f.name, Dir: cfg.Dir, Model: f.path, Threads: cfg.Threads, NoSpin: cfg.NoSpin})
		if err != nil {
			return nil, err
		}
		peers = append(peers, p)
		runners = append(runners, p)
		st, err := os.Stat(f.path)
		if err != nil {
			return nil, err
		}
		c.Peers = append(c.Peers, PeerReport{Name: f.name, File: f.label, MB: float64(st.Size()) / 1e6})
	}
	c.Version = peers[0].Version
	for _, g := range groups {
		times, err := Turns(ctx, runners, g.IDs, cfg.Turns)
		if err != nil {
			return nil, err
		}
		ours := eval.Summarize(times[0])
		c.Ours = append(c.Ours, ours)
		for j := range c.Peers {
			l := eval.Summarize(times[j+1])
			c.Peers[j].Rows = append(c.Peers[j].Rows, PeerRow{Len: g.Len, ORT: l,
				Ratio: PairedRatio(times[0], times[j+1], cfg.Turns.Block), P50Ratio: ours.P50 / l.P50})
		}
	}
	for _, p := range peers {
		if err := p.Close(); err != nil {
			peers = nil
			return nil, err
		}
	}
	peers = nil
	return c, nil
}

func writeModel(dir, name string, m *onnx.Model, export func(*onnx.Model) (*protos.ModelProto, error)) (string, error) {
	q, err := export(m)
	if err != nil {
		return "", fmt.Errorf("bench: int8 export: %w", err)
	}
	b, err := proto.Marshal(q)
	if err != nil {
		return "", fmt.Errorf("bench: int8 export: %w", err)
	}
	p := filepath.Join(dir, name)
	return p, os.WriteFile(p, b, 0o644)
}
