package redact

import (
	"context"
	"reflect"
	"sync"
	"testing"
)

func TestEngineConfig(t *testing.T) {
	e, err := NewEngine(Config{
		Types:        []string{TypeEmail, "PROJECT", TypeMRN},
		Dictionaries: map[string][]string{"PROJECT": {"Bluebird", "Red Falcon"}},
		Allow:        []string{"help@example.com"},
		MRNContext:   []string{"hospital no"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Types(); !reflect.DeepEqual(got, []string{TypeEmail, "PROJECT", TypeMRN}) {
		t.Fatalf("types %v", got)
	}
	if e.HasModel() {
		t.Fatal("regex-only engine claims a model")
	}
	text := "Red Falcon: mail help@example.com or ann@example.com, hospital no 4455667, MRN 1234567, SSN 123-45-6789"
	res, err := e.Redact(context.Background(), text, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "[PROJECT_1]: mail help@example.com or [EMAIL_1], hospital no [MRN_1], MRN 1234567, SSN 123-45-6789"
	if res.MaskedText != want {
		t.Fatalf("masked %q", res.MaskedText)
	}
	// PERSON has patterns (a title or label before a name); MEDICATION
	// only the model.
	if _, err := NewEngine(Config{Types: []string{TypeMedication}}); err == nil {
		t.Fatal("MEDICATION enabled on an engine without a model")
	}
	if _, err := NewEngine(Config{Defaults: Options{Mode: "slow"}}); err == nil {
		t.Fatal("bad default mode accepted")
	}
	// Without a model every request runs as fast mode, full or not.
	if r, err := e.Redact(context.Background(), "Bluebird", Options{Mode: ModeFull}); err != nil || r.MaskedText != "[PROJECT_1]" {
		t.Fatalf("full mode on a regex-only engine: %v %v", r, err)
	}
}

func TestEngineTimings(t *testing.T) {
	res, err := fakeEngine(t).Redact(context.Background(), "John Smith, SSN 123-45-6789", Options{})
	if err != nil {
		t.Fatal(err)
	}
	tm := res.Timings
	if tm.Total <= 0 || tm.Infer <= 0 || tm.Regex <= 0 || tm.Total < tm.Infer+tm.Regex {
		t.Fatalf("timings %+v", tm)
	}
	fast, _ := fakeEngine(t).Redact(context.Background(), "John Smith", Options{Mode: ModeFast})
	if fast.Timings.Infer != 0 || fast.MaskedText != "John Smith" {
		t.Fatalf("fast mode ran the model: %+v", fast)
	}
}

// One engine serves many goroutines; each gets its own, correct result.
func TestEngineConcurrent(t *testing.T) {
	e := fakeEngine(t)
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c := maskCases[i%len(maskCases)]
			for k := 0; k < 20; k++ {
				res, err := e.Redact(context.Background(), c.text, c.opts)
				if err != nil || res.MaskedText != c.masked {
					t.Errorf("%s: %v %q", c.name, err, res.MaskedText)
					return
				}
			}
		}(i)
	}
	wg.Wait()
}
