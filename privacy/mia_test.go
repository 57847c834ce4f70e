package privacy

import (
	"context"
	"reflect"
	"testing"

	"github.com/obscura-ai/obscura/eval"
	"github.com/obscura-ai/obscura/internal/testenv"
)

// The attack runs end to end on a small sample: members from the training
// file, balanced non-members, AUCs in [0, 1] at every ε, reproducible for a
// seed.
func TestMembershipInferenceSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the CoNLL-2003 training file")
	}
	m, _ := baseline(t)
	train, err := eval.LoadFile(testenv.Shared(t, "data", "conll2003", "train.txt"), eval.FormatCoNLL)
	if err != nil {
		t.Fatal(err)
	}
	non, err := eval.LoadFile(testenv.Shared(t, "data", "conll2003", "valid.txt"), eval.FormatCoNLL)
	if err != nil {
		t.Fatal(err)
	}
	o := MIAOptions{N: 40, Epsilons: []Eps{1}, Seeds: 2, Seed: 3}
	a, err := MembershipInference(context.Background(), m, train, non, o)
	if err != nil {
		t.Fatal(err)
	}
	if a.Members != 40 || a.NonMembers != 40 || a.LengthMismatch != 0 || len(a.Points) != 2 {
		t.Fatalf("report: members %d non-members %d mismatch %d points %d", a.Members, a.NonMembers, a.LengthMismatch, len(a.Points))
	}
	for _, p := range a.Points {
		for _, r := range p.Runs {
			for _, v := range []float64{r.Confidence, r.Loss, r.Learned} {
				if !(v >= 0 && v <= 1) {
					t.Errorf("ε=%s: AUC %v outside [0, 1]", p.Epsilon, v)
				}
			}
		}
	}
	if p, _ := a.Point(1); len(p.Runs) != 2 {
		t.Errorf("ε=1 has %d runs, want 2", len(p.Runs))
	}
	b, err := MembershipInference(context.Background(), m, train, non, o)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Points, b.Points) {
		t.Error("same seed, different AUCs")
	}
}
