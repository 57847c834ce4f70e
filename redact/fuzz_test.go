package redact

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRoundTrip checks restore(redact(x)) == x for any text, on the fake
// model engine (fast to run; it exercises the NER path too), and that the
// streaming restorer agrees with Restore when the masked text is cut in
// three.
func FuzzRoundTrip(f *testing.F) {
	for _, c := range maskCases {
		f.Add(c.text, uint8(0))
	}
	for _, s := range streamTexts {
		f.Add(s, uint8(3))
	}
	f.Add("[PERSON_1]PERSON_1 person 1 <ssn_1>", uint8(7))
	f.Add("Zoë [Credit Card 1] 4111 1111 1111 1111", uint8(9))
	// Propagation: case variants of a detected name, and a fragment.
	f.Add("John Smith; JOHN SMITH, john smith and Smith. ZOË zoë Zoë", uint8(11))
	e := fakeEngine(f)
	f.Fuzz(func(t *testing.T, text string, cut uint8) {
		res, err := e.Redact(context.Background(), text, Options{})
		if text == "" || !utf8.ValidString(text) || len(text) > DefaultMaxBytes {
			if _, ok := err.(*InputError); !ok {
				t.Fatalf("want an InputError, got %v", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		back, unresolved := Restore(res.MaskedText, res.Mapping)
		if back != text {
			t.Fatalf("round trip:\n in  %q\n mid %q\n out %q", text, res.MaskedText, back)
		}
		if len(unresolved) != 0 {
			t.Fatalf("unresolved %v in our own output %q", unresolved, res.MaskedText)
		}
		m := res.MaskedText
		a := int(cut) % (len(m) + 1)
		b := a + (len(m)-a)/2
		r := NewStreamRestorer(res.Mapping)
		var sb strings.Builder
		for _, c := range []string{m[:a], m[a:b], m[b:]} {
			sb.WriteString(r.Write(c))
		}
		sb.WriteString(r.Flush())
		if sb.String() != text {
			t.Fatalf("stream round trip: %q", sb.String())
		}
	})
}
