package redact

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

func ent(typ, src string, s, e int, score float64) Entity {
	return Entity{Type: typ, Start: s, End: e, Score: score, Source: src}
}

// Rule 1, structured type: the model tags "123-45-6789" (bytes 4–15) as
// MISC and the SSN pattern finds the same span. The span is structured, so
// the regex entity wins even though the model is more confident.
func TestMergeRule1ExactOverlapStructuredRegexWins(t *testing.T) {
	got := Merge([]Entity{ent(TypeMisc, SourceNER, 4, 15, 0.99), ent(TypeSSN, SourceRegex, 4, 15, 0.95)})
	want := []Entity{ent(TypeSSN, SourceRegex, 4, 15, 0.95)}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
}

// Rule 1, semantic type: a deny-list dictionary and the model both mark
// "John Smith" (bytes 0–10) as PERSON. The type is semantic, so the model's
// entity wins even though the dictionary's score is higher.
func TestMergeRule1ExactOverlapSemanticModelWins(t *testing.T) {
	got := Merge([]Entity{ent(TypePerson, SourceDictionary, 0, 10, 1), ent(TypePerson, SourceNER, 0, 10, 0.9)})
	want := []Entity{ent(TypePerson, SourceNER, 0, 10, 0.9)}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
}

// Rule 2: "Dr. John Smith" — the model finds PERSON "Dr. John" (0–8) and a
// name list finds PERSON "John Smith" (4–14); the spans cross. The longer
// span, "John Smith", wins whatever the sources.
func TestMergeRule2PartialOverlapLongerWins(t *testing.T) {
	got := Merge([]Entity{ent(TypePerson, SourceNER, 0, 8, 0.99), ent(TypePerson, SourceDictionary, 4, 14, 0.5)})
	want := []Entity{ent(TypePerson, SourceDictionary, 4, 14, 0.5)}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
	// Equal lengths crossing: the tie-break is precedence (structured regex
	// first), so the DATE regex beats the model's MISC.
	got = Merge([]Entity{ent(TypeMisc, SourceNER, 0, 6, 0.99), ent(TypeDate, SourceRegex, 3, 9, 0.8)})
	if len(got) != 1 || got[0].Type != TypeDate {
		t.Fatalf("equal-length tie: got %+v", got)
	}
}

// Rule 3: "John Smith at Acme Corp" — the model finds PERSON "John Smith"
// (0–10) and a name list finds PERSON "John" (0–4) inside it. Only the outer
// span is kept, so no PERSON("John") is produced.
func TestMergeRule3NestedKeepOuter(t *testing.T) {
	got := Merge([]Entity{ent(TypePerson, SourceDictionary, 0, 4, 1), ent(TypePerson, SourceNER, 0, 10, 0.9), ent(TypeLocation, SourceNER, 5, 10, 0.99)})
	want := []Entity{ent(TypePerson, SourceNER, 0, 10, 0.9)}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
}

// Rule 4: PERSON "John Smith" (0–10) and SSN "123-45-6789" (20–31) do not
// touch; both are kept, in text order. Touching spans (end == start) do not
// overlap either.
func TestMergeRule4NoOverlapKeepBoth(t *testing.T) {
	got := Merge([]Entity{ent(TypeSSN, SourceRegex, 20, 31, 0.95), ent(TypePerson, SourceNER, 0, 10, 0.9), ent(TypeMRN, SourceRegex, 10, 20, 0.9)})
	want := []Entity{ent(TypePerson, SourceNER, 0, 10, 0.9), ent(TypeMRN, SourceRegex, 10, 20, 0.9), ent(TypeSSN, SourceRegex, 20, 31, 0.95)}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
}

// The result does not depend on the order the detectors reported in.
func TestMergeOrderIndependent(t *testing.T) {
	in := []Entity{ent(TypePerson, SourceNER, 0, 8, 0.9), ent(TypePerson, SourceRegex, 4, 14, 0.9), ent(TypePhone, SourceRegex, 14, 20, 0.9),
		ent(TypeSSN, SourceRegex, 14, 20, 0.9), ent(TypeDate, SourceRegex, 30, 40, 0.5), ent(TypeMisc, SourceNER, 30, 40, 0.5)}
	want := Merge(in)
	for i := 0; i < len(in); i++ {
		rot := append(append([]Entity{}, in[i:]...), in[:i]...)
		if got := Merge(rot); !reflect.DeepEqual(got, want) {
			t.Fatalf("rotation %d: %+v vs %+v", i, got, want)
		}
	}
}

// A token-like literal straddling a detected email is fused with it; one
// inside an entity is left to it; a free one becomes a TOKEN entity.
func TestCoverLiterals(t *testing.T) {
	kept := []Entity{ent(TypeEmail, SourceRegex, 10, 30, 1), ent(TypePerson, SourceNER, 40, 50, 0.9)}
	lits := []tokenMatch{{start: 0, end: 5}, {start: 8, end: 12}, {start: 42, end: 45}}
	got := coverLiterals(kept, lits)
	want := []Entity{{Type: TypeToken, Start: 0, End: 5, Score: 1, Source: SourceLiteral}, ent(TypeEmail, SourceRegex, 8, 30, 1), ent(TypePerson, SourceNER, 40, 50, 0.9)}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
}

// The bitmap pass and the sorted-slice fallback agree on random inputs.
func TestMergeBitmapMatchesFallback(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	types := []string{TypePerson, TypeSSN, TypeDate, TypeMisc}
	srcs := []string{SourceNER, SourceRegex, SourceDictionary}
	for trial := 0; trial < 300; trial++ {
		var es []Entity
		for i := rng.IntN(40); i > 0; i-- {
			s := rng.IntN(200)
			es = append(es, ent(types[rng.IntN(4)], srcs[rng.IntN(3)], s, s+rng.IntN(20), float64(rng.IntN(3))/2))
		}
		want := Merge(es)
		// Shift everything past the bitmap bound to force the fallback.
		far := make([]Entity, len(es))
		for i, e := range es {
			e.Start += maxBitmapMerge
			e.End += maxBitmapMerge
			far[i] = e
		}
		got := Merge(far)
		if len(got) != len(want) {
			t.Fatalf("trial %d: %d vs %d entities", trial, len(got), len(want))
		}
		for i := range got {
			got[i].Start -= maxBitmapMerge
			got[i].End -= maxBitmapMerge
			if got[i] != want[i] {
				t.Fatalf("trial %d: %+v vs %+v", trial, got[i], want[i])
			}
		}
	}
}
