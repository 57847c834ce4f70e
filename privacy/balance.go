package privacy

import (
	"errors"
	"math/rand/v2"
	"sort"
)

// MatchLengths picks, from candidates (lengths of the member pool), one
// distinct candidate per target (lengths of the non-members), so that the
// picked lengths have the targets' histogram: for each length L it draws as
// many candidates of length L as there are targets of length L, uniformly
// at random with r. When a length has too few candidates, the remaining
// ones come from the nearest lengths that still have some (shorter first on
// a tie); the result then matches as closely as the pool allows. It returns
// indexes into candidates, sorted.
func MatchLengths(candidates, targets []int, r *rand.Rand) ([]int, error) {
	if len(targets) > len(candidates) {
		return nil, errors.New("privacy: fewer candidate members than non-members")
	}
	pool := map[int][]int{} // length -> shuffled candidate indexes
	for i, l := range candidates {
		pool[l] = append(pool[l], i)
	}
	var lens []int
	for l := range pool {
		lens = append(lens, l)
	}
	sort.Ints(lens) // shuffle in a fixed order: the draw depends on r only
	for _, l := range lens {
		p := pool[l]
		r.Shuffle(len(p), func(a, b int) { p[a], p[b] = p[b], p[a] })
	}
	want := map[int]int{}
	for _, l := range targets {
		want[l]++
	}
	var wl []int
	for l := range want {
		wl = append(wl, l)
	}
	sort.Ints(wl)
	var out []int
	take := func(l int) bool {
		p := pool[l]
		if len(p) == 0 {
			return false
		}
		out = append(out, p[len(p)-1])
		pool[l] = p[:len(p)-1]
		return true
	}
	short := 0
	for _, l := range wl {
		for k := 0; k < want[l]; k++ {
			if !take(l) {
				short++
			}
		}
	}
	// Second pass: fill the shortfall from the nearest lengths.
	if short > 0 {
		need := map[int]int{}
		for _, l := range wl {
			need[l] = want[l]
		}
		for _, i := range out {
			need[candidates[i]]--
		}
		for _, l := range wl {
			for ; need[l] > 0; need[l]-- {
				best, found := 0, false
				for _, c := range lens {
					if len(pool[c]) == 0 {
						continue
					}
					if !found || abs(c-l) < abs(best-l) {
						best, found = c, true
					}
				}
				if !found {
					return nil, errors.New("privacy: member pool exhausted")
				}
				take(best)
			}
		}
	}
	sort.Ints(out)
	return out, nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
