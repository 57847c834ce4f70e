package redact

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// redactOK redacts and checks the round trip.
func redactOK(t testing.TB, e *Engine, text string, o Options) *Result {
	t.Helper()
	res, err := e.Redact(context.Background(), text, o)
	if err != nil {
		t.Fatal(err)
	}
	if back, _ := Restore(res.MaskedText, res.Mapping); back != text {
		t.Fatalf("round trip broke:\n in  %q\n out %q", text, back)
	}
	return res
}

// Identifiers that the regex layer accepts only with a context word — a
// bare nine-digit SSN, an MRN, a bare ten-digit phone number — are masked
// at every later occurrence once one occurrence had its context word, and
// get the one token of their value.
func TestPropagateIdentifiersWithoutContext(t *testing.T) {
	e := fastEngine(t)
	var b strings.Builder
	b.WriteString("SSN 219099999; MRN 00482913; phone 4155550123.\n")
	for i := range 500 {
		fmt.Fprintf(&b, "line %d: 219099999 then 00482913, ring 4155550123;\n", i)
	}
	text := b.String()
	res := redactOK(t, e, text, Options{})
	for _, v := range []string{"219099999", "00482913", "4155550123"} {
		if n := strings.Count(res.MaskedText, v); n != 0 {
			t.Errorf("%d copies of a detected identifier survive", n)
		}
	}
	if len(res.Mapping) != 3 {
		t.Errorf("mapping has %d tokens, want 3 (one per value): %v", len(res.Mapping), keysOf(res.Mapping))
	}
}

// Values from an earlier turn's mapping are masked in this turn, with
// their old token, although nothing in this turn detects them.
func TestPropagatePreviousMapping(t *testing.T) {
	e := fastEngine(t)
	prev := Mapping{"[PERSON_1]": "Ilse Vandermeer", "[CUSTOM_1]": "Project Kestrel", "[SSN_1]": "219099999"}
	res := redactOK(t, e, "Ilse Vandermeer asked about Project Kestrel (ref 219099999).", Options{Mapping: prev})
	want := "[PERSON_1] asked about [CUSTOM_1] (ref [SSN_1])."
	if res.MaskedText != want {
		t.Errorf("masked = %q, want %q", res.MaskedText, want)
	}
	// Types the request does not want are not propagated, CUSTOM always is.
	res = redactOK(t, e, "Ilse Vandermeer asked about Project Kestrel.", Options{Mapping: prev, Entities: []string{TypeEmail}})
	if want := "Ilse Vandermeer asked about [CUSTOM_1]."; res.MaskedText != want {
		t.Errorf("entities=[EMAIL]: masked = %q, want %q", res.MaskedText, want)
	}
	// An allow-listed term is never propagated.
	res = redactOK(t, e, "Ilse Vandermeer and Project Kestrel.", Options{Mapping: prev, Allow: []string{"project kestrel"}})
	if want := "[PERSON_1] and Project Kestrel."; res.MaskedText != want {
		t.Errorf("allow list: masked = %q, want %q", res.MaskedText, want)
	}
}

// Names match case-insensitively; a case variant gets its own token of the
// same type (one token restores to one string). A one-word name does not
// propagate onto an all-lower-case word; other types match exactly.
func TestPropagateCase(t *testing.T) {
	e := fastEngine(t)
	prev := Mapping{"[PERSON_1]": "Will", "[PERSON_2]": "Jane Roe", "[LOCATION_1]": "Zürich", "[CUSTOM_1]": "Kestrel"}
	cases := []struct{ in, want string }{
		// One-word name: capitalised and upper-case variants yes, the verb no.
		{"Will said he will ask WILL.", "[PERSON_1] said he will ask [PERSON_3]."},
		// Multi-word names match in any case.
		{"JANE ROE; jane roe; Jane Roe.", "[PERSON_3]; [PERSON_4]; [PERSON_2]."},
		// Unicode folding: ZÜRICH is Zürich.
		{"ZÜRICH and Zürich", "[LOCATION_2] and [LOCATION_1]"},
		// Not a name type: exact only.
		{"KESTREL, Kestrel, kestrel", "KESTREL, [CUSTOM_1], kestrel"},
	}
	for _, c := range cases {
		res := redactOK(t, e, c.in, Options{Mapping: prev})
		if res.MaskedText != c.want {
			t.Errorf("%q → %q, want %q", c.in, res.MaskedText, c.want)
		}
		for _, en := range res.Entities {
			if strings.HasPrefix(en.Token, "[PERSON") && en.Type != TypePerson {
				t.Errorf("case variant typed %s", en.Type)
			}
		}
	}
}

// Occurrences are whole words and whole numbers; weak values (one
// character, short digit strings) are not propagated.
func TestPropagateBoundaries(t *testing.T) {
	e := fastEngine(t)
	prev := Mapping{"[PERSON_1]": "Ann", "[SSN_1]": "219-09-9999", "[AGE_1]": "58", "[PERSON_2]": "Q", "[DATE_1]": "1992"}
	cases := []struct{ in, want string }{
		{"Ann, Anna and Joanne", "[PERSON_1], Anna and Joanne"},
		{"219-09-9999 vs 219-09-9999-01 vs x219-09-9999", "[SSN_1] vs 219-09-9999-01 vs x219-09-9999"},
		{"HR 58, Q wave, code 1992", "HR 58, Q wave, code 1992"},
	}
	for _, c := range cases {
		res := redactOK(t, e, c.in, Options{Mapping: prev})
		if res.MaskedText != c.want {
			t.Errorf("%q → %q, want %q", c.in, res.MaskedText, c.want)
		}
	}
}

// A propagated occurrence inside a longer detected span loses (nested:
// outer wins); a propagated value longer than a detected fragment replaces
// the fragment.
func TestPropagateMergeRules(t *testing.T) {
	text := "Jo Baines met Jo Baines-Hart; later Baines left."
	kept := []Entity{
		{Type: TypePerson, Start: 0, End: 9, Score: 0.9, Source: SourceNER},   // Jo Baines
		{Type: TypePerson, Start: 14, End: 28, Score: 0.9, Source: SourceNER}, // Jo Baines-Hart
		{Type: TypePerson, Start: 36, End: 42, Score: 0.9, Source: SourceNER}, // Baines
	}
	got := propagate(text, Merge(kept), nil, nil, nil, nil)
	var spans []string
	for _, g := range got {
		spans = append(spans, text[g.Start:g.End]+"/"+g.Source)
	}
	want := []string{"Jo Baines/ner", "Jo Baines-Hart/ner", "Baines/ner"}
	if strings.Join(spans, "|") != strings.Join(want, "|") {
		t.Errorf("spans = %v, want %v", spans, want)
	}
	// "Baines" detected alone at 36 and "Jo Baines" at 0: the text's other
	// "Jo Baines" (inside nothing) is added.
	text = "Jo Baines; Baines; Jo Baines."
	kept = []Entity{{Type: TypePerson, Start: 0, End: 9, Score: 0.9, Source: SourceNER}, {Type: TypePerson, Start: 22, End: 28, Score: 0.9, Source: SourceNER}}
	got = propagate(text, Merge(kept), nil, nil, nil, nil)
	spans = spans[:0]
	for _, g := range got {
		spans = append(spans, text[g.Start:g.End]+"/"+g.Source)
	}
	want = []string{"Jo Baines/ner", "Baines/propagated", "Jo Baines/propagated"}
	if strings.Join(spans, "|") != strings.Join(want, "|") {
		t.Errorf("spans = %v, want %v", spans, want)
	}
}

// The report: thousands of repetitions of several names, on the
// real model, which on its own misses about one in eight of them (its
// confidence falls in a long run of names). None survives, and each name
// has one token.
func TestPropagateRepeatedNamesRealModel(t *testing.T) {
	e := realEngine(t)
	names := []string{"John Smith", "Maria Garcia", "Ahmed Khan"}
	text := strings.Repeat(strings.Join(names, ", ")+", ", 200)
	res := redactOK(t, e, text, Options{})
	for _, n := range names {
		if c := strings.Count(res.MaskedText, n); c != 0 {
			t.Errorf("%d copies of a detected name survive", c)
		}
	}
	if len(res.Mapping) > len(names)+2 {
		t.Errorf("mapping has %d tokens for %d names: %v", len(res.Mapping), len(names), keysOf(res.Mapping))
	}
}

func keysOf(m Mapping) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// BenchmarkPropagate240KB is the case without the model: 20,000
// repetitions of "John Smith, " with one detected occurrence.
func BenchmarkPropagate240KB(b *testing.B) {
	text := strings.Repeat("John Smith, ", 20000)
	kept := []Entity{{Type: TypePerson, Start: 0, End: 10, Score: 0.9, Source: SourceNER}}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if got := propagate(text, kept, nil, nil, nil, nil); len(got) != 20000 {
			b.Fatalf("%d entities", len(got))
		}
	}
}

// BenchmarkPropagateManyValues scans 240 KB for 2,000 distinct values.
func BenchmarkPropagateManyValues(b *testing.B) {
	var sb strings.Builder
	var kept []Entity
	for i := 0; sb.Len() < 240<<10; i++ {
		s := sb.Len()
		fmt.Fprintf(&sb, "Name%d Surname%d", i%2000, i%2000)
		if i < 2000 {
			kept = append(kept, Entity{Type: TypePerson, Start: s, End: sb.Len(), Score: 0.9, Source: SourceNER})
		}
		sb.WriteString(" wrote to the clinic. ")
	}
	text := sb.String()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		propagate(text, kept, nil, nil, nil, nil)
	}
}

// BenchmarkRedactFast240KBMapping is the 240 KB request through
// the whole regex-only engine, the name known from an earlier turn.
func BenchmarkRedactFast240KBMapping(b *testing.B) {
	e := fastEngine(b)
	text := strings.Repeat("John Smith, ", 20000)
	prev := Mapping{"[PERSON_1]": "John Smith"}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		res, err := e.Redact(context.Background(), text, Options{Mapping: prev})
		if err != nil || strings.Contains(res.MaskedText, "John Smith") || len(res.Mapping) != 1 {
			b.Fatalf("err %v, %d tokens", err, len(res.Mapping))
		}
	}
}
