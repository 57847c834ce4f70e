package redact

import (
	"strings"
	"testing"
)

// A value detected in one message of a conversation is masked in all of
// them, before and after, with one token; the last mapping restores every
// message.
func TestRedactConversation(t *testing.T) {
	e := fastEngine(t)
	msgs := []string{
		"Please look up 219099999 and A0482913 for me.", // bare: no context in this message
		"SSN 219099999; MRN A0482913.",                  // detected here
		"Is 219099999 still on file?",
	}
	res, err := e.RedactConversation(t.Context(), msgs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	last := res[len(res)-1].Mapping
	for i, r := range res {
		for _, v := range []string{"219099999", "A0482913"} {
			if strings.Contains(r.MaskedText, v) {
				t.Errorf("message %d keeps a detected value: %q", i, r.MaskedText)
			}
		}
		if back, _ := Restore(r.MaskedText, last); back != msgs[i] {
			t.Errorf("message %d does not restore: %q", i, back)
		}
	}
	if res[0].MaskedText != "Please look up [SSN_1] and [MRN_1] for me." || res[2].MaskedText != "Is [SSN_1] still on file?" {
		t.Errorf("tokens differ across messages: %q, %q", res[0].MaskedText, res[2].MaskedText)
	}
	if len(last) != 2 {
		t.Errorf("conversation mapping %v, want two tokens", keysOf(last))
	}
	// An earlier request's mapping continues.
	res, err = e.RedactConversation(t.Context(), []string{"and 219099999 again"}, Options{Mapping: last})
	if err != nil || res[0].MaskedText != "and [SSN_1] again" {
		t.Fatalf("with the earlier mapping: %v %v", res, err)
	}
	// A bad message is named by index.
	if _, err := e.RedactConversation(t.Context(), []string{"fine", ""}, Options{}); err == nil || !strings.Contains(err.Error(), "message 1") {
		t.Errorf("empty second message: %v", err)
	}
}
