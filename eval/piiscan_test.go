package eval

import "testing"

func TestContainsValue(t *testing.T) {
	log := "time=2026-11-22T04:21:52Z level=DEBUG msg=redacted bytes=27 ms=46.573369 who=Ada Lovelace ssn=123-45-6789\n"
	cases := []struct {
		v    string
		want bool
	}{
		{"3369", false},        // inside a longer number
		{"573369", false},      // the tail of a number
		{"Ada Lovelace", true}, // a whole name
		{"Lovelace", true},     // a whole word
		{"Love", false},        // part of a word
		{"123-45-6789", true},  // punctuation inside the value
		{"-45-", true},         // starts and ends with punctuation: any occurrence
		{"redacted by", false}, // absent
		{"ssn=123-45-6789", true},
	}
	for _, c := range cases {
		if got := ContainsValue(log, c.v); got != c.want {
			t.Errorf("ContainsValue(%q) = %v, want %v", c.v, got, c.want)
		}
	}
	for v, want := range map[string]bool{"2017": false, "12345": false, "123456": true, "Ada": false, "Anna": true} {
		if Scannable(v) != want {
			t.Errorf("Scannable(%q) = %v, want %v", v, !want, want)
		}
	}
	r := ScanLog(log, []string{"Ada Lovelace", "Ada Lovelace", "2017", "Grace Hopper"})
	if r.Checked != 2 || r.Failed != 1 {
		t.Errorf("ScanLog = %+v, want 2 checked, 1 found", r)
	}
}
