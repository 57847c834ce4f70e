package redact

import (
	"reflect"
	"strings"
	"testing"
)

var testMapping = Mapping{
	"[PERSON_1]":      "John Smith",
	"[PERSON_12]":     "Zoë Müller",
	"[SSN_1]":         "123-45-6789",
	"[CREDIT_CARD_2]": "4111 1111 1111 1111",
	"[DRUG_1]":        "Metformin", // a deployment-specific type
}

func TestRestoreTolerant(t *testing.T) {
	cases := []struct {
		in, want   string
		unresolved []string
	}{
		{"[PERSON_1] said hi", "John Smith said hi", nil},
		{"PERSON_1 said hi", "John Smith said hi", nil},
		{"person_1 said hi", "John Smith said hi", nil},
		{"[Person 1] said hi", "John Smith said hi", nil},
		{"<PERSON_1> said hi", "John Smith said hi", nil},
		{"[ person_1 ] said hi", "John Smith said hi", nil},
		{"[PERSON-1] and PERSON 1]", "John Smith and John Smith", nil},
		{"(PERSON_1)", "(John Smith)", nil},
		{"[PERSON_12] not [PERSON_1]2", "Zoë Müller not John Smith2", nil},
		{"[Credit Card 2]", "4111 1111 1111 1111", nil},
		{"credit_card_2.", "4111 1111 1111 1111.", nil},
		{"take [DRUG_1] daily", "take Metformin daily", nil},
		{"[drug 1]", "Metformin", nil},
		{"SSN_1SSN_1", "SSN_1SSN_1", nil},                   // glued to a word: not a token
		{"xPERSON_1", "xPERSON_1", nil},                     // glued on the left
		{"Person 1 and Date 2", "Person 1 and Date 2", nil}, // prose, not tokens
		{"[PERSON_3] left", "[PERSON_3] left", []string{"[PERSON_3]"}},
		{"[Person 3], PERSON_3, [FOO_1]", "[Person 3], PERSON_3, [FOO_1]", []string{"[PERSON_3]", "[FOO_1]"}},
		{"[PERSON_1", "John Smith", nil},                // missing closer at the end
		{"PERSON_1234567890", "PERSON_1234567890", nil}, // too many digits
		{"", "", nil},
		{"no tokens here ✓", "no tokens here ✓", nil},
	}
	for _, c := range cases {
		got, un := Restore(c.in, testMapping)
		if got != c.want || !reflect.DeepEqual(un, c.unresolved) {
			t.Errorf("Restore(%q) = %q %v, want %q %v", c.in, got, un, c.want, c.unresolved)
		}
	}
}

// Replaced values are not scanned again, even when they look like tokens.
func TestRestoreNoRescan(t *testing.T) {
	got, un := Restore("[TOKEN_1] [PERSON_1]", Mapping{"[TOKEN_1]": "[PERSON_1]", "[PERSON_1]": "Ann"})
	if got != "[PERSON_1] Ann" || len(un) != 0 {
		t.Fatalf("got %q %v", got, un)
	}
}

var streamTexts = []string{
	"[PERSON_1] took [DRUG_1].",
	"Hi PERSON_1, <SSN_1>!",
	"[Person 12]é[PERSON_3]",
	"ü[ person_1 ]ß",
	"x[PERSON_1",
	"PERSON_1",
	"[[SSN_1]]",
	"Zoë 😀 [CREDIT_CARD_2]",
	"PERSON_12a PERSON_12 z",
	"[FOO_7] <Person-1> credit card 2]",
}

// compositions calls f with every way of cutting s into non-empty chunks.
func compositions(s string, f func([]string)) {
	var rec func(at int, chunks []string)
	rec = func(at int, chunks []string) {
		if at == len(s) {
			f(chunks)
			return
		}
		for end := at + 1; end <= len(s); end++ {
			rec(end, append(chunks, s[at:end]))
		}
	}
	rec(0, nil)
}

// streamCheck feeds chunks to a StreamRestorer and compares with Restore.
func streamCheck(t *testing.T, chunks []string, want string, wantUn []string) {
	t.Helper()
	r := NewStreamRestorer(testMapping)
	var out strings.Builder
	for _, c := range chunks {
		w := r.Write(c)
		if strings.Contains(w, "\uFFFD") {
			t.Fatalf("chunks %q: emitted a broken character", chunks)
		}
		out.WriteString(w)
		// Never half a token: what was emitted so far is a prefix of the
		// final output.
		if !strings.HasPrefix(want, out.String()) {
			t.Fatalf("chunks %q: emitted %q, not a prefix of %q", chunks, out.String(), want)
		}
	}
	out.WriteString(r.Flush())
	if out.String() != want || !reflect.DeepEqual(r.Unresolved(), wantUn) {
		t.Fatalf("chunks %q: got %q %v, want %q %v", chunks, out.String(), r.Unresolved(), want, wantUn)
	}
}

// Every possible chunk split of every test text gives exactly Restore's
// output, and every intermediate output is a prefix of it. The texts are
// short enough (≤ 27 bytes) that all 2^(n-1) compositions are tried for the
// ones up to 16 bytes; longer ones try every split into up to four chunks.
func TestStreamRestorerEverySplit(t *testing.T) {
	for _, text := range streamTexts {
		want, wantUn := Restore(text, testMapping)
		if len(text) <= 16 {
			compositions(text, func(chunks []string) { streamCheck(t, chunks, want, wantUn) })
			continue
		}
		n := len(text)
		for a := 0; a <= n; a++ {
			for b := a; b <= n; b++ {
				for c := b; c <= n; c++ {
					streamCheck(t, []string{text[:a], text[a:b], text[b:c], text[c:]}, want, wantUn)
				}
			}
		}
		// And one byte at a time.
		var bytes []string
		for i := 0; i < n; i++ {
			bytes = append(bytes, text[i:i+1])
		}
		streamCheck(t, bytes, want, wantUn)
	}
}

// The restorer emits text as soon as it is safe: plain text immediately,
// and a token as soon as it is complete.
func TestStreamRestorerEmitsEarly(t *testing.T) {
	r := NewStreamRestorer(testMapping)
	if got := r.Write("Hello "); got != "Hello " {
		t.Fatalf("plain text held back: %q", got)
	}
	if got := r.Write("[PERS"); got != "" {
		t.Fatalf("half a token emitted: %q", got)
	}
	if got := r.Write("ON_1] and"); got != "John Smith and" {
		t.Fatalf("after the token: %q", got)
	}
	if got := r.Write(" P"); got != " " {
		t.Fatalf("possible token start not held: %q", got)
	}
	if got := r.Write("eople"); got != "People" {
		t.Fatalf("a word that is no token was held: %q", got)
	}
	if got := r.Write(" \xc3"); got != " " {
		t.Fatalf("half a character emitted: %q", got)
	}
	if got := r.Write("\xa9"); got != "é" {
		t.Fatalf("completed character: %q", got)
	}
	if got := r.Flush(); got != "" {
		t.Fatalf("flush: %q", got)
	}
}
