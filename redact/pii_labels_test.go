package redact

import (
	"strings"
	"testing"

	"github.com/obscura-ai/obscura/bert"
	"github.com/obscura-ai/obscura/ner"
	"github.com/obscura-ai/obscura/tokenize"
)

// A fake of the PII/PHI model (issue 16): labels B-/I- of PERSON, DATE,
// AGE, TITLE, MEDICATION, CONDITION, DOSAGE. The tokenizer makes one token
// per space-separated word; a word's id is its class in piiWords (0 = O).

var piiLabels = []string{"O",
	"B-PERSON", "I-PERSON", "B-DATE", "I-DATE", "B-AGE", "I-AGE", "B-TITLE", "I-TITLE",
	"B-MEDICATION", "I-MEDICATION", "B-CONDITION", "I-CONDITION", "B-DOSAGE", "I-DOSAGE"}

var piiWords = map[string]int32{
	"Dr.": 7, "Amara": 1, "Osei": 2, "Metformin": 9, "500": 13, "mg": 14, "type": 11, "2": 12, "diabetes": 12,
	// The model calls the "58" of "58 yo" a DATE and "7/22" a CONDITION;
	// the patterns (structured types) must win those exact overlaps.
	"58": 3, "7/22": 11,
}

type spaceTokenizer struct{}

func (spaceTokenizer) EncodeWindows(text string, maxLen, stride int) []tokenize.Window {
	var e tokenize.Encoding
	add := func(id int32, s, en int, special bool, word int) {
		e.IDs = append(e.IDs, id)
		e.Offsets = append(e.Offsets, [2]int{s, en})
		e.Special = append(e.Special, special)
		e.WordIDs = append(e.WordIDs, word)
	}
	add(1000, 0, 0, true, -1)
	word := 0
	for i := 0; i < len(text); {
		if text[i] == ' ' {
			i++
			continue
		}
		j := i
		for j < len(text) && text[j] != ' ' {
			j++
		}
		w := strings.TrimRight(text[i:j], ",;:")
		add(piiWords[w], i, i+len(w), false, word)
		if len(w) < j-i {
			add(0, i+len(w), j, false, word+1)
			word++
		}
		word++
		i = j
	}
	add(1001, 0, 0, true, -1)
	return []tokenize.Window{{Encoding: e, First: 0, Last: e.Len() - 2}}
}

type piiClassifier struct{}

func (piiClassifier) NumLabels() int { return len(piiLabels) }
func (piiClassifier) Run(b bert.Batch) ([]float32, error) {
	n := len(piiLabels)
	out := make([]float32, b.Size*b.SeqLen*n)
	for i, id := range b.IDs {
		class := 0
		if int(id) < n {
			class = int(id)
		}
		out[i*n+class] = 8
	}
	return out, nil
}

// TestPIIModelLabelsEndToEnd: a model with the PII/PHI labels works through
// the engine — its types are enabled, masked and restored — and on exact
// overlaps the patterns win for structured types (AGE, DATE) as the plan's
// merge rules say.
func TestPIIModelLabelsEndToEnd(t *testing.T) {
	labels, err := ner.NewLabels(piiLabels, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := ner.NewRecognizer(ner.Config{Tokenizer: spaceTokenizer{}, Classifier: piiClassifier{}, Labels: labels})
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(Config{Recognizer: rec})
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{TypeTitle, TypeMedication, TypeCondition, TypeDosage, TypeAge} {
		if !contains(e.Types(), typ) {
			t.Errorf("type %s not enabled; types %v", typ, e.Types())
		}
	}
	text := "Dr. Amara Osei: 58 yo, type 2 diabetes since 7/22, takes Metformin 500 mg daily"
	res := redactOK(t, e, text, Options{})
	want := "[TITLE_1] [PERSON_1]: [AGE_1] yo, [CONDITION_1] since [DATE_1], takes [MEDICATION_1] [DOSAGE_1] daily"
	if res.MaskedText != want {
		t.Errorf("masked\n got %q\nwant %q", res.MaskedText, want)
	}
	src := map[string]string{}
	for _, en := range res.Entities {
		src[en.Type] = en.Source
	}
	if src[TypeAge] != SourceRegex || src[TypeDate] != SourceRegex || src[TypeMedication] != SourceNER {
		t.Errorf("sources by type: %v (AGE and DATE must come from the patterns, MEDICATION from the model)", src)
	}
	// An LLM's loose copy of a new type's token restores.
	if back, _ := Restore("take [Medication 1] with food", res.Mapping); back != "take Metformin with food" {
		t.Errorf("loose MEDICATION token: %q", back)
	}
	// A deployment list of drugs (rule-based, semantic type) loses an exact
	// tie to the model, as a name list does for PERSON.
	got := Merge([]Entity{
		{Type: TypeMedication, Start: 0, End: 9, Score: 1, Source: SourceDictionary},
		{Type: TypeCondition, Start: 0, End: 9, Score: 0.5, Source: SourceNER},
	})
	if len(got) != 1 || got[0].Source != SourceNER {
		t.Errorf("semantic tie: %+v", got)
	}
	if !IsStructured(TypeAge) || IsStructured(TypeMedication) || IsStructured(TypeDosage) || IsStructured(TypeTitle) || IsStructured(TypeCondition) {
		t.Error("AGE must be structured; TITLE, MEDICATION, CONDITION, DOSAGE semantic")
	}
}

// TestPerTypeThresholdOption: a request's per-type threshold reaches the
// decoder (the fake model scores every entity about 0.99), and an
// out-of-range one is an InputError.
func TestPerTypeThresholdOption(t *testing.T) {
	labels, _ := ner.NewLabels(piiLabels, nil)
	rec, err := ner.NewRecognizer(ner.Config{Tokenizer: spaceTokenizer{}, Classifier: piiClassifier{}, Labels: labels})
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(Config{Recognizer: rec})
	if err != nil {
		t.Fatal(err)
	}
	text := "takes Metformin 500 mg daily"
	res := redactOK(t, e, text, Options{Thresholds: map[string]float64{TypeMedication: 1}})
	if res.MaskedText != "takes Metformin [DOSAGE_1] daily" {
		t.Errorf("MEDICATION at threshold 1: %q", res.MaskedText)
	}
	if _, err := e.Redact(t.Context(), text, Options{Thresholds: map[string]float64{TypeMedication: 1.5}}); err == nil {
		t.Error("per-type threshold 1.5 accepted")
	} else if _, ok := err.(*InputError); !ok {
		t.Errorf("per-type threshold 1.5: %v is not an InputError", err)
	}
}
