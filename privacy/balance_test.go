package privacy

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"

	"github.com/obscura-ai/obscura/eval"
)

func histogram(lengths []int, idx []int) map[int]int {
	h := map[int]int{}
	for _, i := range idx {
		h[lengths[i]]++
	}
	return h
}

// With enough candidates of every length, the picked members have exactly
// the targets' length histogram, are distinct, and are reproducible.
func TestMatchLengthsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var cands []int
	for i := 0; i < 1000; i++ {
		cands = append(cands, 1+r.IntN(30))
	}
	var targets []int
	for i := 0; i < 200; i++ {
		targets = append(targets, 1+r.IntN(12))
	}
	got, err := MatchLengths(cands, targets, rand.New(rand.NewPCG(9, 9)))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(targets) {
		t.Fatalf("%d members for %d targets", len(got), len(targets))
	}
	all := make([]int, len(targets))
	for i := range all {
		all[i] = i
	}
	if h, want := histogram(cands, got), histogram(targets, all); !reflect.DeepEqual(h, want) {
		t.Errorf("histogram %v, want %v", h, want)
	}
	seen := map[int]bool{}
	for _, i := range got {
		if seen[i] {
			t.Fatalf("candidate %d picked twice", i)
		}
		seen[i] = true
	}
	again, _ := MatchLengths(cands, targets, rand.New(rand.NewPCG(9, 9)))
	if !reflect.DeepEqual(got, again) {
		t.Error("same seed, different sample")
	}
	other, _ := MatchLengths(cands, targets, rand.New(rand.NewPCG(10, 9)))
	if reflect.DeepEqual(got, other) {
		t.Error("another seed gave the same sample")
	}
}

// When a length runs out, the shortfall comes from the nearest length:
// targets 3,3,3 against candidates of lengths 3, 4, 9 and 1 take the 3, the
// 4 and then the 1 (distance 2) before the 9.
func TestMatchLengthsNearest(t *testing.T) {
	cands := []int{9, 3, 4, 1}
	got, err := MatchLengths(cands, []int{3, 3, 3}, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	var lens []int
	for _, i := range got {
		lens = append(lens, cands[i])
	}
	sort.Ints(lens)
	if !reflect.DeepEqual(lens, []int{1, 3, 4}) {
		t.Errorf("picked lengths %v, want [1 3 4]", lens)
	}
	if _, err := MatchLengths([]int{1}, []int{1, 2}, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("more targets than candidates must fail")
	}
}

func exampleOfLen(id, n int) eval.Example {
	ex := eval.Example{ID: fmt.Sprint(id)}
	for i := 0; i < n; i++ {
		ex.Words = append(ex.Words, eval.Word{Start: 2 * i, End: 2*i + 1})
	}
	return ex
}

// SampleMembership balances members and non-members in number and length.
func TestSampleMembership(t *testing.T) {
	var pool, non []eval.Example
	for i := 0; i < 600; i++ {
		pool = append(pool, exampleOfLen(i, 1+i%40))
	}
	for i := 0; i < 300; i++ {
		non = append(non, exampleOfLen(i, 1+(i*7)%25))
	}
	mem, nm, mismatch, err := SampleMembership(pool, non, 120, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(mem) != 120 || len(nm) != 120 || mismatch != 0 {
		t.Fatalf("%d members, %d non-members, %d mismatched", len(mem), len(nm), mismatch)
	}
	hm, hn := map[int]int{}, map[int]int{}
	for _, i := range mem {
		hm[len(pool[i].Words)]++
	}
	for _, i := range nm {
		hn[len(non[i].Words)]++
	}
	if !reflect.DeepEqual(hm, hn) {
		t.Errorf("member lengths %v, non-member lengths %v", hm, hn)
	}
}
