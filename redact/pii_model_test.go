package redact

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/obscura-ai/obscura/internal/testenv"
	"github.com/obscura-ai/obscura/ner"
)

// piiModelDir is where scripts/models/build-pii.sh puts the product's
// PII/PHI model; OBSCURA_PII_MODEL overrides it.
func piiModelDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("OBSCURA_PII_MODEL")
	if dir == "" {
		dir = filepath.Join(testenv.ModuleRoot(), "models", "obscura-minilm-pii")
	}
	if _, err := os.Stat(filepath.Join(dir, "config.json")); err != nil {
		t.Skip("obscura-minilm-pii is not built (scripts/models/build-pii.sh, or OBSCURA_PII_MODEL=DIR)")
	}
	return dir
}

// TestPIIModelPlanRoundTrip runs the product plan's round-trip test on the
// PII/PHI model, where Metformin must also be masked as MEDICATION, and
// measures recall per type on the hand-written notes (never trained on).
func TestPIIModelPlanRoundTrip(t *testing.T) {
	rec, _, err := ner.Load(piiModelDir(t), ner.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(Config{Recognizer: rec})
	if err != nil {
		t.Fatal(err)
	}
	planRoundTrip(t, e)
	res, err := e.Redact(context.Background(), "Patient John Smith, MRN 12345, SSN 123-45-6789, takes Metformin.", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.MaskedText, "takes [MEDICATION_1].") {
		t.Errorf("Metformin is not masked as MEDICATION: %q", res.MaskedText)
	}
	for _, set := range noteSets {
		per, extra := notesRecall(t, e, readNotesJSONL(t, set))
		logRecall(t, set+" pii-model", per)
		t.Logf("%s pii-model: %d detected spans overlap no gold span", set, len(extra))
	}
}
