package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/obscura-ai/obscura/redact"
)

func TestRedactSingle(t *testing.T) {
	s := newTestServer(t, &fakeRedactor{}, nil)
	name := secret("Zelda Quuxley")
	email := secret("zelda.quuxley@example.org")
	text := secret("Patient " + name + " wrote from " + email + " about Ärger.")
	rec := postJSON(t, s, "/v1/redact", map[string]any{"text": text, "deny": []string{name}})
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var res RedactResponse
	decodeBody(t, rec.Body, &res)
	want := "Patient [PERSON_1] wrote from [EMAIL_1] about Ärger."
	if res.MaskedText != want {
		t.Fatalf("masked_text = %q, want %q", res.MaskedText, want)
	}
	if res.Mapping["[PERSON_1]"] != name || res.Mapping["[EMAIL_1]"] != email || len(res.Mapping) != 2 {
		t.Fatalf("mapping = %v", res.Mapping)
	}
	if res.Model != "fake-model" {
		t.Fatalf("model = %q", res.Model)
	}
	if len(res.Entities) != 2 {
		t.Fatalf("entities = %+v", res.Entities)
	}
	for _, e := range res.Entities {
		if text[e.Start:e.End] != res.Mapping[e.Token] || e.Source == "" || e.Type == "" || e.Score <= 0 {
			t.Fatalf("entity %+v does not match the text and mapping", e)
		}
	}
	if res.Timings.Total <= 0 {
		t.Fatalf("timings_ms = %+v", res.Timings)
	}
	if id := rec.Header().Get(RequestIDHeader); len(id) != 24 {
		t.Fatalf("request id %q", id)
	}
}

// A valid client request id is echoed; an unsafe one is replaced.
func TestRequestID(t *testing.T) {
	s := newTestServer(t, &fakeRedactor{}, nil)
	rec := do(t, s, http.MethodGet, "/healthz", "", nil, RequestIDHeader, "abc-123_x.y")
	if got := rec.Header().Get(RequestIDHeader); got != "abc-123_x.y" {
		t.Fatalf("echoed id = %q", got)
	}
	rec = do(t, s, http.MethodGet, "/healthz", "", nil, RequestIDHeader, "bad id with spaces")
	if got := rec.Header().Get(RequestIDHeader); got == "" || strings.Contains(got, " ") {
		t.Fatalf("unsafe id not replaced: %q", got)
	}
}

// The mapping of an earlier turn keeps tokens stable, and a batch shares
// one mapping across its texts.
func TestRedactBatchAndConversation(t *testing.T) {
	s := newTestServer(t, &fakeRedactor{}, nil)
	a := secret("ann.vollmer@example.net")
	b := secret("bert.kowalczyk@example.net")
	texts := []string{secret("mail " + a), secret("cc " + b + " and " + a), secret("nothing here")}
	earlier := redact.Mapping{"[EMAIL_1]": a}
	rec := postJSON(t, s, "/v1/redact", map[string]any{"texts": texts, "mapping": earlier})
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var res BatchResponse
	decodeBody(t, rec.Body, &res)
	want := []string{"mail [EMAIL_1]", "cc [EMAIL_2] and [EMAIL_1]", "nothing here"}
	if len(res.Results) != len(want) {
		t.Fatalf("%d results", len(res.Results))
	}
	for i, w := range want {
		if res.Results[i].MaskedText != w {
			t.Errorf("results[%d] = %q, want %q", i, res.Results[i].MaskedText, w)
		}
		if res.Results[i].Entities == nil {
			t.Errorf("results[%d].entities is null", i)
		}
	}
	if len(res.Mapping) != 2 || res.Mapping["[EMAIL_1]"] != a || res.Mapping["[EMAIL_2]"] != b {
		t.Fatalf("mapping = %v", res.Mapping)
	}
	if res.Timings.Total <= 0 {
		t.Fatalf("summed timings = %+v", res.Timings)
	}
}

func TestRedactOptionsPassed(t *testing.T) {
	var got redact.Options
	s := newTestServer(t, nil, nil)
	s.Install(&Model{Redactor: optsSpy{&got}, Info: ModelInfo{ID: "spy"}})
	rec := postJSON(t, s, "/v1/redact", map[string]any{
		"text": secret("some text"), "entities": []string{"PERSON"}, "threshold": 0.7, "epsilon": 4.0,
		"aggregation": "max", "mode": "fast", "allow": []string{"Metformin"}, "deny": []string{"Acme"},
	})
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if got.Mode != redact.ModeFast || got.Threshold != 0.7 || got.Epsilon != 4 || got.Aggregation != "max" ||
		len(got.Entities) != 1 || got.Allow[0] != "Metformin" || got.Deny[0] != "Acme" {
		t.Fatalf("options = %+v", got)
	}
	rec = postJSON(t, s, "/v1/redact", map[string]any{"text": "x"})
	if rec.Code != http.StatusOK || got.Mode != "" {
		t.Fatalf("default mode = %q (status %d)", got.Mode, rec.Code)
	}
}

type optsSpy struct{ got *redact.Options }

func (o optsSpy) Redact(_ context.Context, text string, opts redact.Options) (*redact.Result, error) {
	*o.got = opts
	return &redact.Result{MaskedText: text}, nil
}
