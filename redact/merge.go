package redact

import "sort"

// Merge resolves overlapping entities from all detectors by the product
// plan's rules (§2.3) and returns non-overlapping entities sorted by start:
//
//  1. Exact overlap (same start and end): for structured types (SSN, PHONE,
//     EMAIL, MRN, ...) the pattern-based detector wins; for semantic types
//     (PERSON, ORGANIZATION, LOCATION, MISC) the model wins.
//  2. Partial overlap: the longer span wins.
//  3. Nested spans: the outer span wins, the inner one is dropped.
//  4. No overlap: both are kept.
//
// Rules 2 and 3 are one rule, "longer wins", so Merge visits candidates from
// the longest to the shortest and keeps each one that overlaps nothing kept
// so far. Empty or negative spans are dropped. Ties between equally long spans (rule 1, or partial overlaps of
// equal length) are broken by precedence, in this order:
//
//   - a rule-based entity (regex, dictionary) of a structured type, then a
//     model entity, then a rule-based entity of a semantic type (so regex
//     beats the model on an SSN, the model beats a name list on a PERSON);
//   - then the higher score;
//   - then the earlier start;
//   - then source and type names, alphabetically, so the result never
//     depends on input order.
//
// In a chain A ⊃∩ B ⊃∩ C where A beats B and B would beat C but A does not
// touch C, C is kept: B no longer competes once A has removed it.
func Merge(es []Entity) []Entity {
	cand := append([]Entity(nil), es...)
	sort.SliceStable(cand, func(i, j int) bool { return beats(cand[i], cand[j]) })
	end := 0
	for _, c := range cand {
		end = max(end, c.End)
	}
	if end <= maxBitmapMerge {
		return mergeBitmap(cand, end)
	}
	var kept []Entity // sorted by start, non-overlapping
	for _, c := range cand {
		if c.End <= c.Start || c.Start < 0 {
			continue
		}
		k := sort.Search(len(kept), func(i int) bool { return kept[i].End > c.Start })
		if k < len(kept) && kept[k].Start < c.End {
			continue // overlaps a kept entity that beat it
		}
		kept = append(kept, Entity{})
		copy(kept[k+1:], kept[k:])
		kept[k] = c
	}
	return kept
}

// maxBitmapMerge bounds the text length for which Merge marks taken bytes
// in a bitmap. Each detector reports disjoint spans, so the candidates'
// total length is at most a small multiple of the text length and the
// bitmap pass is linear; the sorted-slice pass is the fallback for
// entities far out in a huge text.
const maxBitmapMerge = 1 << 26

// mergeBitmap keeps, in candidate order, each span none of whose bytes is
// taken yet.
func mergeBitmap(cand []Entity, end int) []Entity {
	taken := make([]uint64, end/64+1)
	isTaken := func(i int) bool { return taken[i>>6]&(1<<(i&63)) != 0 }
	var kept []Entity
next:
	for _, c := range cand {
		if c.End <= c.Start || c.Start < 0 {
			continue
		}
		for i := c.Start; i < c.End; i++ {
			if isTaken(i) {
				continue next // overlaps a kept entity that beat it
			}
		}
		for i := c.Start; i < c.End; i++ {
			taken[i>>6] |= 1 << (i & 63)
		}
		kept = append(kept, c)
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].Start < kept[j].Start })
	return kept
}

// beats is the total order Merge visits candidates in.
func beats(a, b Entity) bool {
	la, lb := a.End-a.Start, b.End-b.Start
	if la != lb {
		return la > lb
	}
	if ra, rb := precedence(a), precedence(b); ra != rb {
		return ra < rb
	}
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	if a.Start != b.Start {
		return a.Start < b.Start
	}
	if a.Source != b.Source {
		return a.Source < b.Source
	}
	return a.Type < b.Type
}

// precedence ranks equally long spans: 0 beats 1 beats 2 beats 3. A
// propagated occurrence only fills gaps, so it loses every tie.
func precedence(e Entity) int {
	switch {
	case e.Source == SourcePropagated:
		return 3
	case e.Source == SourceNER:
		return 1
	case IsStructured(e.Type):
		return 0
	default:
		return 2
	}
}

// coverLiterals makes sure every pre-existing token-like string ends up
// inside a masked span. A literal inside a kept entity is covered already; a
// literal that overlaps nothing becomes a TOKEN entity of its own; a literal
// that straddles kept entities is fused with them into one span, typed as
// the longest of them, so no part of it is left in plain text and no
// detected value is unmasked.
func coverLiterals(kept []Entity, literals []tokenMatch) []Entity {
	for _, l := range literals {
		lo := sort.Search(len(kept), func(i int) bool { return kept[i].End > l.start })
		hi := lo
		for hi < len(kept) && kept[hi].Start < l.end {
			hi++
		}
		switch {
		case lo == hi:
			e := Entity{Type: TypeToken, Start: l.start, End: l.end, Score: 1, Source: SourceLiteral}
			kept = append(kept, Entity{})
			copy(kept[lo+1:], kept[lo:])
			kept[lo] = e
		case hi == lo+1 && kept[lo].Start <= l.start && kept[lo].End >= l.end:
			// already inside a masked span
		default:
			u := kept[lo]
			for _, k := range kept[lo+1 : hi] {
				if k.End-k.Start > u.End-u.Start {
					u.Type, u.Source = k.Type, k.Source
				}
				u.Score = min(u.Score, k.Score)
			}
			u.Start = min(kept[lo].Start, l.start)
			u.End = max(kept[hi-1].End, l.end)
			kept = append(kept[:lo+1], kept[hi:]...)
			kept[lo] = u
		}
	}
	return kept
}
