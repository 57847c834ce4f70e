package server

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/obscura-ai/obscura/bert"
	"github.com/obscura-ai/obscura/internal/cpu"
	"github.com/obscura-ai/obscura/quant"
	"github.com/obscura-ai/obscura/tensor"
)

// ModelInfo describes the served model for GET /v1/model. The loader fills
// it; the server adds the kernels and CPU features it detects.
type ModelInfo struct {
	ID           string          `json:"id"`
	Manifest     json.RawMessage `json:"manifest,omitempty"` // the bundle manifest as stored
	Checksum     string          `json:"checksum_sha256,omitempty"`
	Labels       []string        `json:"labels"`
	Quantization string          `json:"quantization"` // "fp32" or "int8"
	Epsilon      float64         `json:"epsilon"`      // default logit noise; 0 means off
	MaxSeqLen    int             `json:"max_seq_len,omitempty"`
	LoadMS       float64         `json:"load_ms"`
	WarmupMS     float64         `json:"warmup_ms"`
}

// ModelResponse is the body of GET /v1/model.
type ModelResponse struct {
	ModelInfo
	Kernels     Kernels  `json:"kernels"`
	CPUFeatures []string `json:"cpu_features"`
	GOMAXPROCS  int      `json:"gomaxprocs"`
	Ready       bool     `json:"ready"`
}

// Kernels names the GEMM kernels chosen for this CPU.
type Kernels struct {
	FP32 string `json:"fp32"`
	INT8 string `json:"int8"`
	// INT8Attention is the attention arithmetic of an INT8 model here:
	// "bf16" (bfloat16 products, fp32 sums) or "fp32" (bert.AutoAttention).
	INT8Attention string `json:"int8_attention"`
}

func (s *Server) handleModel(c echo.Context) error {
	m := s.model.Load()
	if m == nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: CodeNotReady,
			Message: "the model is still loading", RetryAfter: retryAfterNotReady}
	}
	f := cpu.Detect()
	info := m.Info
	if info.Labels == nil {
		info.Labels = []string{}
	}
	feats := f.List()
	if feats == nil {
		feats = []string{}
	}
	return c.JSON(http.StatusOK, ModelResponse{
		ModelInfo:   info,
		Kernels:     Kernels{FP32: tensor.KernelFor(f), INT8: quant.KernelFor(f), INT8Attention: bert.AutoAttention(f)},
		CPUFeatures: feats,
		GOMAXPROCS:  gomaxprocs(),
		Ready:       s.Ready(),
	})
}
