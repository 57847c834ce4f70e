package redact

import (
	"context"
	"strings"
	"testing"
)

// maskCase is one redaction: the text, the options, and the exact masked
// text expected. Every case is also checked for the round trip and for the
// mapping holding one entry per distinct masked value.
type maskCase struct {
	name   string
	text   string
	opts   Options
	masked string
}

var maskCases = []maskCase{
	// Model (fake) entities.
	{"person", "John Smith called.", Options{}, "[PERSON_1] called."},
	{"two people", "John Smith met Jane Doe.", Options{}, "[PERSON_1] met [PERSON_2]."},
	{"repeat same token", "John Smith, then John Smith again.", Options{}, "[PERSON_1], then [PERSON_1] again."},
	{"org and loc", "Acme Corp in Paris", Options{}, "[ORGANIZATION_1] in [LOCATION_1]"},
	{"numbering per type", "Paris, Berlin, Paris, John Smith", Options{}, "[LOCATION_1], [LOCATION_2], [LOCATION_1], [PERSON_1]"},
	{"plan round trip", "Patient John Smith, MRN 12345, SSN 123-45-6789, takes Metformin.", Options{}, "Patient [PERSON_1], MRN [MRN_1], SSN [SSN_1], takes Metformin."},
	// Multi-byte text.
	{"umlaut name", "Zoë Müller lives in Zürich.", Options{}, "[PERSON_1] lives in [LOCATION_1]."},
	{"accents", "José García — SSN 219-09-9999 ✓", Options{}, "[PERSON_1] — SSN [SSN_1] ✓"},
	{"cyrillic", "Пациент Алексей Иванов, тел. +7 495 123 45 67", Options{}, "Пациент [PERSON_1], тел. [PHONE_1]"},
	{"cjk", "李雷 住在 東京。邮箱 li.lei@example.cn", Options{}, "李雷 住在 [LOCATION_1]。邮箱 [EMAIL_1]"},
	{"emoji around email", "📧 a@b.io 🎉", Options{}, "📧 [EMAIL_1] 🎉"},
	{"emoji in deny term", "call 🦄Unicorn🦄 now", Options{Deny: []string{"unicorn"}}, "call 🦄[CUSTOM_1]🦄 now"},
	{"combining marks", "Zoe\u0301 paid with 4111 1111 1111 1111", Options{}, "Zoe\u0301 paid with [CREDIT_CARD_1]"},
	// Structured identifiers.
	{"ssn dashed", "SSN 123-45-6789", Options{}, "SSN [SSN_1]"},
	{"ssn spaced", "ssn 123 45 6789.", Options{}, "ssn [SSN_1]."},
	{"ssn bare with context", "social security 123456789", Options{}, "social security [SSN_1]"},
	{"ssn bare no context", "order 123456789", Options{}, "order 123456789"},
	{"phone us", "Call (415) 555-2671.", Options{}, "Call [PHONE_1]."},
	{"phone intl", "Ring +44 20 7946 0958 today", Options{}, "Ring [PHONE_1] today"},
	{"email", "mail john.smith@example.com", Options{}, "mail [EMAIL_1]"},
	{"two emails same", "a@x.org b@x.org a@x.org", Options{}, "[EMAIL_1] [EMAIL_2] [EMAIL_1]"},
	{"mrn", "MRN: 00123456", Options{}, "MRN: [MRN_1]"},
	{"card", "card 4111-1111-1111-1111 exp 12/25", Options{}, "card [CREDIT_CARD_1] exp 12/25"},
	{"card luhn fail", "card 4111-1111-1111-1112", Options{}, "card 4111-1111-1111-1112"},
	{"ipv4", "from 10.1.2.3", Options{}, "from [IP_1]"},
	{"ipv6", "from 2001:db8::1.", Options{}, "from [IP_1]."},
	{"date", "seen on March 3, 2021", Options{}, "seen on [DATE_1]"},
	{"date numeric", "DOB 02/08/1935", Options{}, "DOB [DATE_1]"},
	{"url", "see https://example.com/x.", Options{}, "see [URL_1]."},
	{"address", "at 123 Main Street, Springfield, IL 62704", Options{}, "at [ADDRESS_1]"},
	{"npi", "NPI 1234567893", Options{}, "NPI [NPI_1]"},
	{"iban", "IBAN DE89370400440532013000", Options{}, "IBAN [IBAN_1]"},
	{"adjacent entities", "a@b.io,c@d.io", Options{}, "[EMAIL_1],[EMAIL_2]"},
	{"entity at start and end", "10.0.0.1 to 10.0.0.2", Options{}, "[IP_1] to [IP_2]"},
	{"nothing to mask", "The weather is nice.", Options{}, "The weather is nice."},
	{"whitespace only", "   \n\t", Options{}, "   \n\t"},
	// Options.
	{"entities filter", "John Smith, SSN 123-45-6789", Options{Entities: []string{TypeSSN}}, "John Smith, SSN [SSN_1]"},
	{"fast mode", "John Smith, SSN 123-45-6789", Options{Mode: ModeFast}, "John Smith, SSN [SSN_1]"},
	{"allow list", "John Smith and Jane Doe", Options{Allow: []string{"jane doe"}}, "[PERSON_1] and Jane Doe"},
	{"allow structured", "mail help@example.com or a@b.io", Options{Allow: []string{"help@example.com"}}, "mail help@example.com or [EMAIL_1]"},
	{"deny list", "Project Bluebird is secret", Options{Deny: []string{"Project Bluebird"}}, "[CUSTOM_1] is secret"},
	{"deny case insensitive", "bluebird BLUEBIRD", Options{Deny: []string{"Bluebird"}}, "[CUSTOM_1] [CUSTOM_2]"},
	{"deny whole words only", "bluebirds", Options{Deny: []string{"bluebird"}}, "bluebirds"},
	{"deny beats entity filter", "Bluebird and John Smith", Options{Deny: []string{"bluebird"}, Entities: []string{TypeSSN}}, "[CUSTOM_1] and John Smith"},
	// Token-like strings already in the input.
	{"literal canonical token", "[PERSON_1] is John Smith", Options{}, "[TOKEN_1] is [PERSON_1]"},
	{"literal variants", "see person_2, <SSN_1> and [Person 3]", Options{}, "see [TOKEN_1], [TOKEN_2] and [TOKEN_3]"},
	{"literal unknown type", "[FOO_12] stays safe", Options{}, "[TOKEN_1] stays safe"},
	{"literal token type", "[TOKEN_1] and John Smith", Options{}, "[TOKEN_1] and [PERSON_1]"},
	{"prose is not a token", "Date 2 of Person 3", Options{}, "Date 2 of Person 3"},
	{"literal inside email", "PERSON_1@example.com", Options{}, "[EMAIL_1]"},
	{"literal glued to word", "xPERSON_1y", Options{}, "x[TOKEN_1]y"},
	{"literal of value", "John Smith wrote [PERSON_1]", Options{}, "[PERSON_1] wrote [TOKEN_1]"},
	// Conversation: the previous mapping carries tokens forward.
	{"conversation reuse", "Jane Doe and John Smith", Options{Mapping: Mapping{"[PERSON_1]": "John Smith"}}, "[PERSON_2] and [PERSON_1]"},
	{"conversation continue numbering", "Paris", Options{Mapping: Mapping{"[LOCATION_4]": "Berlin"}}, "[LOCATION_5]"},
	{"conversation literal of old token", "[PERSON_1] means John Smith", Options{Mapping: Mapping{"[PERSON_1]": "John Smith"}}, "[TOKEN_1] means [PERSON_1]"},
}

func TestMaskCases(t *testing.T) {
	e := fakeEngine(t)
	ctx := context.Background()
	if len(maskCases) < 50 {
		t.Fatalf("only %d masking cases", len(maskCases))
	}
	for _, c := range maskCases {
		t.Run(c.name, func(t *testing.T) {
			res, err := e.Redact(ctx, c.text, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.MaskedText != c.masked {
				t.Fatalf("masked %q, want %q (entities %s)", res.MaskedText, c.masked, describe(c.text, res.Entities))
			}
			back, unresolved := Restore(res.MaskedText, res.Mapping)
			if back != c.text {
				t.Fatalf("restored %q, want %q", back, c.text)
			}
			if len(unresolved) != 0 {
				t.Fatalf("unresolved %v", unresolved)
			}
			checkResult(t, c.text, res, c.opts.Mapping)
		})
	}
}

// checkResult checks the invariants of a Result: entities sorted and
// disjoint, each token mapping to its value, one new mapping entry per
// distinct new value, and no masked value left in the masked text.
func checkResult(t *testing.T, text string, res *Result, prev Mapping) {
	t.Helper()
	values := map[string]bool{}
	for i, en := range res.Entities {
		if i > 0 && res.Entities[i-1].End > en.Start {
			t.Fatalf("entities overlap: %+v %+v", res.Entities[i-1], en)
		}
		v := text[en.Start:en.End]
		if res.Mapping[en.Token] != v {
			t.Fatalf("token %s maps to %q, entity value %q", en.Token, res.Mapping[en.Token], v)
		}
		values[v] = true
	}
	newEntries := 0
	for k := range res.Mapping {
		if _, old := prev[k]; !old {
			newEntries++
		}
	}
	oldValues := map[string]bool{}
	for _, v := range prev {
		oldValues[v] = true
	}
	distinctNew := 0
	for v := range values {
		if !oldValues[v] {
			distinctNew++
		}
	}
	if newEntries != distinctNew {
		t.Fatalf("%d new mapping entries for %d distinct new values", newEntries, distinctNew)
	}
	for _, en := range res.Entities {
		// A pre-existing token-like string is itself token-shaped, so it
		// may reappear as one of our tokens; every other value must be gone.
		if v := text[en.Start:en.End]; en.Type != TypeToken && strings.Contains(res.MaskedText, v) {
			t.Fatalf("masked text still holds a masked value (entity %s)", en.Type)
		}
	}
}

// The product plan's round-trip test (§5.1), verbatim, on the fake model.
func TestPlanRoundTripFakeModel(t *testing.T) {
	planRoundTrip(t, fakeEngine(t))
}

func planRoundTrip(t *testing.T, e *Engine) {
	t.Helper()
	input := "Patient John Smith, MRN 12345, SSN 123-45-6789, takes Metformin."
	res, err := e.Redact(context.Background(), input, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, pii := range []string{"John Smith", "12345", "123-45-6789"} {
		if strings.Contains(res.MaskedText, pii) {
			t.Errorf("masked text still contains a value (%d bytes)", len(pii))
		}
	}
	for _, tok := range []string{"[PERSON_1]", "[SSN_1]"} {
		if !strings.Contains(res.MaskedText, tok) {
			t.Errorf("masked text lacks %s: %q", tok, res.MaskedText)
		}
	}
	restored, unresolved := Restore(res.MaskedText, res.Mapping)
	if restored != input || len(unresolved) != 0 {
		t.Errorf("restore gave %q (unresolved %v)", restored, unresolved)
	}
	if len(res.Mapping) != len(res.Entities) {
		t.Errorf("mapping has %d entries for %d entities", len(res.Mapping), len(res.Entities))
	}
}

// Across a conversation, the mapping of turn 1 passed into turn 2 keeps
// John Smith's token, and the combined mapping restores both turns.
func TestConversationMapping(t *testing.T) {
	e := fakeEngine(t)
	ctx := context.Background()
	r1, err := e.Redact(ctx, "John Smith lives in Paris.", Options{})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := e.Redact(ctx, "Jane Doe visited John Smith in Berlin.", Options{Mapping: r1.Mapping})
	if err != nil {
		t.Fatal(err)
	}
	if r2.MaskedText != "[PERSON_2] visited [PERSON_1] in [LOCATION_2]." {
		t.Fatalf("turn 2 masked %q", r2.MaskedText)
	}
	for k, v := range r1.Mapping {
		if r2.Mapping[k] != v {
			t.Fatalf("turn 2 mapping lost %s", k)
		}
	}
	both, _ := Restore(r1.MaskedText+"\n"+r2.MaskedText, r2.Mapping)
	if both != "John Smith lives in Paris.\nJane Doe visited John Smith in Berlin." {
		t.Fatalf("restored %q", both)
	}
}

func TestRedactInputErrors(t *testing.T) {
	e := fakeEngine(t)
	ctx := context.Background()
	cases := []struct {
		text string
		opts Options
		code string
	}{
		{"", Options{}, CodeEmptyText},
		{"John \xff Smith", Options{}, CodeInvalidUTF8},
		{"x", Options{Mode: "turbo"}, CodeBadOption},
		{"x", Options{Threshold: 1.5}, CodeBadOption},
		{"x", Options{Epsilon: -1}, CodeBadOption},
		{"x", Options{Aggregation: "median"}, CodeBadOption},
		{"x", Options{Entities: []string{"SHOE_SIZE"}}, CodeBadOption},
	}
	for _, c := range cases {
		_, err := e.Redact(ctx, c.text, c.opts)
		ie, ok := err.(*InputError)
		if !ok || ie.Code != c.code {
			t.Errorf("%+v: error %v, want code %s", c.opts, err, c.code)
		}
	}
	small, _ := NewEngine(Config{MaxBytes: 4})
	if _, err := small.Redact(ctx, "hello", Options{}); err == nil || err.(*InputError).Code != CodeTooLong {
		t.Errorf("too long: %v", err)
	}
}
