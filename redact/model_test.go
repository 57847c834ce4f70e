package redact

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/ner"
)

var (
	realOnce sync.Once
	realRec  *ner.Recognizer
	realErr  error
)

// realEngine builds an engine on the baseline model in ../shared, loaded
// once per test binary; it skips when the model is missing.
func realEngine(t testing.TB) *Engine {
	t.Helper()
	dir := testenv.Shared(t, "models", "obscura-minilm-conll")
	realOnce.Do(func() { realRec, _, realErr = ner.Load(dir, ner.LoadOptions{}) })
	if realErr != nil {
		t.Fatal(realErr)
	}
	e, err := NewEngine(Config{Recognizer: realRec})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// The product plan's round-trip test (§5.1), verbatim, on the real
// baseline model through the full pipeline.
func TestPlanRoundTripRealModel(t *testing.T) {
	planRoundTrip(t, realEngine(t))
}

// A text of about 1,900 tokens goes through four 512-token windows; each
// of its 60 people is found exactly once — one PERSON entity covering the
// first name, none lost at or duplicated across window edges — and the
// text round-trips. (Whether a rare surname's last piece is included may
// differ from a run on the sentence alone: the context differs.)
func TestRealModelLongText(t *testing.T) {
	e := realEngine(t)
	ctx := context.Background()
	first := []string{"John", "Maria", "Ahmed", "Chen", "Olga", "Pierre"}
	last := []string{"Smith", "Garcia", "Khan", "Wei", "Petrova", "Dubois"}
	var sb strings.Builder
	var starts []int
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&sb, "On the %dth visit, the nurse wrote that ", i+1)
		starts = append(starts, sb.Len())
		fmt.Fprintf(&sb, "%s %s felt much better after the new treatment plan was explained in detail. ", first[i%6], last[(i/6)%6])
	}
	text := sb.String()
	if _, st, err := realRec.RecognizeStats(ctx, text, ner.Options{}); err != nil || st.Windows < 3 {
		t.Fatalf("want a text of several windows, got %d (%v)", st.Windows, err)
	}
	res, err := e.Redact(ctx, text, Options{Entities: []string{TypePerson}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entities) != 60 {
		t.Fatalf("found %d people, want 60: %s", len(res.Entities), describe(text, res.Entities))
	}
	for i, en := range res.Entities {
		if en.Start != starts[i] || !strings.HasPrefix(text[en.Start:en.End], first[i%6]+" ") {
			t.Fatalf("person %d: entity %q at %d, want one starting at %d", i, text[en.Start:en.End], en.Start, starts[i])
		}
	}
	back, _ := Restore(res.MaskedText, res.Mapping)
	if back != text {
		t.Fatal("long text did not round-trip")
	}
}

// Noise with a fixed seed is reproducible on the real model, and strong
// noise (ε = 0.05, scale 20) destroys the predictions.
func TestRealModelNoise(t *testing.T) {
	e := realEngine(t)
	ctx := context.Background()
	text := "Angela Merkel met Barack Obama in Berlin at the Siemens headquarters."
	seed := uint64(3)
	a, err := e.Redact(ctx, text, Options{Epsilon: 0.05, Seed: &seed})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := e.Redact(ctx, text, Options{Epsilon: 0.05, Seed: &seed})
	if a.MaskedText != b.MaskedText {
		t.Fatal("seeded noise is not reproducible")
	}
	clean, _ := e.Redact(ctx, text, Options{})
	if clean.MaskedText != "[PERSON_1] met [PERSON_2] in [LOCATION_1] at the [ORGANIZATION_1] headquarters." {
		t.Fatalf("clean run: %q", clean.MaskedText)
	}
	if a.MaskedText == clean.MaskedText {
		t.Fatal("ε=0.05 noise changed nothing")
	}
	weak, _ := e.Redact(ctx, text, Options{Epsilon: 1000, Seed: &seed})
	if weak.MaskedText != clean.MaskedText {
		t.Fatalf("ε=1000 noise changed the result: %q", weak.MaskedText)
	}
}
