package server

import (
	"context"
	"maps"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/obscura-ai/obscura/redact"
)

// RedactRequest is the body of POST /v1/redact. Exactly one of Text and
// Texts is set. In a batch the texts are redacted in order with one
// conversation mapping, so the same value gets the same token throughout.
type RedactRequest struct {
	Text        *string        `json:"text,omitempty"`
	Texts       []string       `json:"texts,omitempty"`
	Entities    []string       `json:"entities,omitempty"`
	Threshold   *float64       `json:"threshold,omitempty"`
	Epsilon     *float64       `json:"epsilon,omitempty"`
	Aggregation string         `json:"aggregation,omitempty"`
	Mode        string         `json:"mode,omitempty"`
	Allow       []string       `json:"allow,omitempty"`
	Deny        []string       `json:"deny,omitempty"`
	Mapping     redact.Mapping `json:"mapping,omitempty"`
}

// RedactResponse answers a single-text request.
type RedactResponse struct {
	MaskedText string          `json:"masked_text"`
	Mapping    redact.Mapping  `json:"mapping"`
	Entities   []redact.Entity `json:"entities"`
	Model      string          `json:"model"`
	Timings    redact.Timings  `json:"timings_ms"`
}

// BatchResponse answers a request with texts: one result per text, in
// order, and the combined mapping of the whole batch.
type BatchResponse struct {
	Results []BatchResult  `json:"results"`
	Mapping redact.Mapping `json:"mapping"`
	Model   string         `json:"model"`
	Timings redact.Timings `json:"timings_ms"` // sums over the batch
}

// BatchResult is one text's part of a BatchResponse.
type BatchResult struct {
	MaskedText string          `json:"masked_text"`
	Entities   []redact.Entity `json:"entities"`
	Timings    redact.Timings  `json:"timings_ms"`
}

var aggregations = map[string]bool{"": true, "none": true, "simple": true, "first": true, "average": true, "max": true}

// options validates the request's settings and turns them into
// redact.Options; it also returns the texts to redact.
func (r *RedactRequest) options(maxBatch int) ([]string, redact.Options, error) {
	var texts []string
	switch {
	case r.Text != nil && r.Texts != nil:
		return nil, redact.Options{}, badRequest(CodeInvalidOption, "give either text or texts, not both")
	case r.Text != nil:
		texts = []string{*r.Text}
	case r.Texts != nil:
		if len(r.Texts) == 0 {
			return nil, redact.Options{}, badRequest(CodeEmptyText, "texts is empty")
		}
		if len(r.Texts) > maxBatch {
			return nil, redact.Options{}, badRequest(CodeInvalidOption, "texts holds more than "+strconv.Itoa(maxBatch)+" items")
		}
		texts = r.Texts
	default:
		return nil, redact.Options{}, badRequest(CodeMissingText, "the request needs text or texts")
	}
	for i, t := range texts {
		if t == "" {
			if r.Text != nil {
				return nil, redact.Options{}, badRequest(CodeEmptyText, "text is empty")
			}
			return nil, redact.Options{}, badRequest(CodeEmptyText, "texts["+strconv.Itoa(i)+"] is empty")
		}
	}
	o := redact.Options{
		Entities:    r.Entities,
		Aggregation: r.Aggregation,
		Allow:       r.Allow,
		Deny:        r.Deny,
		Mapping:     r.Mapping,
	}
	switch m := redact.Mode(r.Mode); m {
	case "", redact.ModeFull, redact.ModeFast: // "" is the engine's default
		o.Mode = m
	default:
		return nil, o, badRequest(CodeInvalidOption, "mode must be full or fast")
	}
	if r.Threshold != nil {
		if *r.Threshold < 0 || *r.Threshold > 1 {
			return nil, o, badRequest(CodeInvalidOption, "threshold must be in [0, 1]")
		}
		o.Threshold = *r.Threshold
	}
	if r.Epsilon != nil {
		if *r.Epsilon < 0 {
			return nil, o, badRequest(CodeInvalidOption, "epsilon must be >= 0 (0 means no noise)")
		}
		o.Epsilon = *r.Epsilon
	}
	if !aggregations[r.Aggregation] {
		return nil, o, badRequest(CodeInvalidOption, "aggregation must be one of none, simple, first, average, max")
	}
	for _, list := range [][]string{r.Entities, r.Allow, r.Deny} {
		for _, v := range list {
			if v == "" {
				return nil, o, badRequest(CodeInvalidOption, "entities, allow and deny must not contain empty strings")
			}
		}
	}
	for k := range r.Mapping {
		if k == "" {
			return nil, o, badRequest(CodeBadMapping, "mapping has an empty token")
		}
	}
	return texts, o, nil
}

func (s *Server) handleRedact(c echo.Context) error {
	m := s.model.Load()
	if m == nil || !s.ready.Load() {
		return &Error{Status: http.StatusServiceUnavailable, Code: CodeNotReady,
			Message: "the model is still loading", RetryAfter: retryAfterNotReady}
	}
	var req RedactRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	texts, opts, err := req.options(s.cfg.MaxBatch)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), s.cfg.RequestTimeout)
	defer cancel()

	mapping := redact.Mapping{}
	maps.Copy(mapping, opts.Mapping)
	results := make([]*redact.Result, len(texts))
	for i, t := range texts {
		opts.Mapping = mapping
		res, err := s.redactOne(ctx, m.Redactor, t, opts)
		if err != nil {
			return err
		}
		mapping = merged(mapping, res.Mapping)
		s.metrics.observeRedact(res)
		results[i] = res
	}
	if req.Text != nil {
		res := results[0]
		return c.JSON(http.StatusOK, RedactResponse{
			MaskedText: res.MaskedText,
			Mapping:    mapping,
			Entities:   nonNil(res.Entities),
			Model:      m.Info.ID,
			Timings:    res.Timings,
		})
	}
	out := BatchResponse{Results: make([]BatchResult, len(results)), Mapping: mapping, Model: m.Info.ID}
	for i, res := range results {
		out.Results[i] = BatchResult{MaskedText: res.MaskedText, Entities: nonNil(res.Entities), Timings: res.Timings}
		addTimings(&out.Timings, res.Timings)
	}
	return c.JSON(http.StatusOK, out)
}

// redactOne runs one Redact call once an inference slot is free.
func (s *Server) redactOne(ctx context.Context, r Redactor, text string, opts redact.Options) (*redact.Result, error) {
	release, err := s.acquireInfer(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	return r.Redact(ctx, text, opts)
}

// acquireInfer waits for a slot of the inference queue (recording the
// wait) and returns the function that frees it.
func (s *Server) acquireInfer(ctx context.Context) (func(), error) {
	t0 := time.Now()
	select {
	case s.infer <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	s.metrics.observeQueue(time.Since(t0))
	return func() { <-s.infer }, nil
}

// merged returns a fresh mapping holding a and then b.
func merged(a, b redact.Mapping) redact.Mapping {
	out := make(redact.Mapping, len(a)+len(b))
	maps.Copy(out, a)
	maps.Copy(out, b)
	return out
}

func nonNil(es []redact.Entity) []redact.Entity {
	if es == nil {
		return []redact.Entity{}
	}
	return es
}

func addTimings(sum *redact.Timings, t redact.Timings) {
	sum.Tokenize += t.Tokenize
	sum.Infer += t.Infer
	sum.Decode += t.Decode
	sum.Regex += t.Regex
	sum.Merge += t.Merge
	sum.Mask += t.Mask
	sum.Total += t.Total
}

// timingStages names the stages of redact.Timings, in order, for metrics.
var timingStages = []string{"tokenize", "infer", "decode", "regex", "merge", "mask", "total"}

func stageValues(t redact.Timings) [7]float64 {
	return [7]float64{t.Tokenize, t.Infer, t.Decode, t.Regex, t.Merge, t.Mask, t.Total}
}
