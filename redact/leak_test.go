package redact

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

// No log line and no error message may contain input text or entity
// values. The engine logs at debug level into a buffer while it redacts
// texts full of personal data and fails in every way a caller can make it
// fail; then the log and every error message are searched for each value
// and each word of the inputs.
func TestNoInputInLogsOrErrors(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ok, err := NewEngine(Config{Recognizer: fakeRecognizer(t, false), Logger: logger, MaxBytes: 200})
	if err != nil {
		t.Fatal(err)
	}
	failing, err := NewEngine(Config{Recognizer: fakeRecognizer(t, true), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{"John", "Smith", "123-45-6789", "Bluebird", "zq@example.com", "Zürich", "4111 1111 1111 1111"}
	texts := []string{
		"Patient John Smith, SSN 123-45-6789, mail zq@example.com, card 4111 1111 1111 1111, Zürich",
		"John Smith \xff 123-45-6789",                 // invalid UTF-8
		strings.Repeat("John Smith 123-45-6789 ", 20), // too long
	}
	var errs []error
	ctx := context.Background()
	for _, text := range texts {
		for _, e := range []*Engine{ok, failing} {
			for _, o := range []Options{{}, {Mode: "John"}, {Entities: []string{"John Smith"}}, {Entities: []string{"Smith"}}, {Aggregation: "Bluebird"}, {Deny: []string{"Bluebird"}}} {
				if _, err := e.Redact(ctx, text, o); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := ok.Redact(cancelled, texts[0], Options{}); err != nil {
		errs = append(errs, err)
	}
	if _, err := NewEngine(Config{Types: []string{"Smith"}}); err != nil {
		errs = append(errs, err)
	}
	if len(errs) < 10 {
		t.Fatalf("only %d errors provoked", len(errs))
	}
	if logs.Len() == 0 {
		t.Fatal("nothing was logged; the test would prove nothing")
	}
	for _, s := range secrets {
		if strings.Contains(logs.String(), s) {
			t.Errorf("log contains input text: %s", logs.String())
		}
		for _, err := range errs {
			if strings.Contains(err.Error(), s) {
				t.Errorf("error message contains input text: %v", err)
			}
		}
	}
}
