package redact

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Value propagation: once a value is detected anywhere in a request (or was
// given a token in an earlier turn, Options.Mapping), every other
// occurrence of the same string is masked too, whatever the detectors said
// about that occurrence. A model's confidence is a property of one
// occurrence in its context — in a long run of repeated names it falls
// below the threshold for about one occurrence in eight — but a value is
// personal data wherever it appears, so one detection must be enough.
//
// The rules, per value:
//
//   - Occurrences are whole words: not glued to a letter, digit or '_' on
//     either side (Unicode-aware), and a value that starts or ends with a
//     digit is not taken out of a longer number (1-555-0104, 7/22/19).
//   - Names — PERSON, LOCATION, ORGANIZATION — match case-insensitively
//     (Unicode simple folding), because notes write "JOHN SMITH" for "John
//     Smith". A one-word name does not propagate onto an all-lower-case
//     word, so a detected "Will" or "Hope" does not mask "will" or "hope".
//     Every other type (identifiers, dates, ages, medications, custom
//     terms) matches exactly, byte for byte.
//   - A value too weak to identify anything alone is not propagated: fewer
//     than two letters or digits, or digits only and fewer than
//     minPropagateDigits of them (a detected age "58" or year "1992"
//     elsewhere would mask heart rates and lab values).
//   - Mapping values from earlier turns propagate whatever types this
//     engine detects itself; when the request names its entity types
//     (Options.Entities), only values of those types and CUSTOM do. TOKEN
//     values are left to the token-like-string scan (see coverLiterals).
//
// An exact occurrence gets the very token of its value (mask maps a value
// to one token). A case variant ("JOHN SMITH" for "John Smith") is a
// different string and gets a token of its own, of the same type: one token
// restores to one string, and restore(redact(x)) == x must hold byte for
// byte.
//
// Propagated entities have Source "propagated" and compete in Merge with
// the detectors' entities by the usual rules, losing ties: a longer
// detected span around an occurrence wins, and a propagated span longer
// than a detected fragment ("John Smith" over a detected "Smith") replaces
// it.
//
// The scan is one pass over the text: at each token start (a run of word
// runes, or one other non-space rune) the token is looked up in an index
// of the values by their first token, so the cost is linear in the text
// plus the candidates that share a first token, not values × text.

// minPropagateDigits is the fewest digits a digits-only value needs to be
// propagated.
const minPropagateDigits = 5

// foldsCase reports whether values of a type match case-insensitively.
func foldsCase(typ string) bool {
	switch typ {
	case TypePerson, TypeLocation, TypeOrganization:
		return true
	}
	return false
}

// propValue is one value to propagate.
type propValue struct {
	value string
	typ   string
	score float64
	fold  bool
	multi bool // more than one word
}

// propagator finds the occurrences of a set of values in a text.
type propagator struct {
	values []propValue
	exact  map[string][]int // first token → values, longest first
	folded map[string][]int // lower-case first token → values, longest first
}

// propagatable reports whether a value identifies enough to be propagated.
func propagatable(v string) bool {
	alnum, digits := 0, 0
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
			alnum++
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			alnum++
		}
	}
	if alnum < 2 {
		return false
	}
	if digits == alnum && digits < minPropagateDigits {
		return false
	}
	// A value must itself be bounded by word or symbol runes, not space.
	r0, _ := utf8.DecodeRuneInString(v)
	r1, _ := utf8.DecodeLastRuneInString(v)
	return !unicode.IsSpace(r0) && !unicode.IsSpace(r1)
}

// newPropagator indexes the values of the kept entities of text, the extra
// values and the values of the previous mapping (types filtered by want; nil want means every type).
// Values the allow list allows are skipped. It returns nil when there is
// nothing to propagate.
func newPropagator(text string, kept []Entity, prev Mapping, want map[string]bool, allow allowList, extra []propValue) *propagator {
	p := &propagator{exact: map[string][]int{}, folded: map[string][]int{}}
	seen := map[string]bool{}
	add := func(v, typ string, score float64) {
		if seen[v] || !propagatable(v) || allow.allowed(v) {
			return
		}
		seen[v] = true
		p.values = append(p.values, propValue{value: v, typ: typ, score: score, fold: foldsCase(typ), multi: strings.ContainsFunc(v, unicode.IsSpace)})
	}
	for _, e := range kept {
		if e.Type == TypeToken || e.Source == SourceLiteral {
			continue
		}
		add(text[e.Start:e.End], e.Type, e.Score)
	}
	for _, v := range extra {
		add(v.value, v.typ, v.score)
	}
	keys := make([]string, 0, len(prev))
	for k := range prev {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic type when prev maps one value twice
	for _, k := range keys {
		t, _, ok := parseTokenKey(k)
		if !ok || t == TypeToken || (want != nil && !want[t] && t != TypeCustom) {
			continue
		}
		add(prev[k], t, 1)
	}
	if len(p.values) == 0 {
		return nil
	}
	// Longest first, so the first candidate that matches at a position is
	// the longest value there.
	sort.SliceStable(p.values, func(i, j int) bool { return len(p.values[i].value) > len(p.values[j].value) })
	for i, v := range p.values {
		first := v.value[:firstTokenLen(v.value, 0)]
		p.exact[first] = append(p.exact[first], i)
		if v.fold {
			lf := strings.ToLower(first)
			p.folded[lf] = append(p.folded[lf], i)
		}
	}
	return p
}

// firstTokenLen returns the length of the token that starts at s[i]: a run
// of word runes, or one other rune.
func firstTokenLen(s string, i int) int {
	r, n := utf8.DecodeRuneInString(s[i:])
	if !isWordRune(r) {
		return n
	}
	j := i + n
	for j < len(s) {
		r, n := utf8.DecodeRuneInString(s[j:])
		if !isWordRune(r) {
			break
		}
		j += n
	}
	return j - i
}

// find returns one entity per occurrence of a value in text that is not
// already an entity's own position, in text order.
func (p *propagator) find(text string) []Entity {
	var out []Entity
	var lower []byte
	prevWord := false
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			prevWord = false
			i += n
			continue
		}
		word := isWordRune(r)
		if word && prevWord {
			i += n // inside a word: not a token start
			continue
		}
		tl := firstTokenLen(text, i)
		tok := text[i : i+tl]
		end := -1
		var hit *propValue
		for _, k := range p.exact[tok] {
			v := &p.values[k]
			if strings.HasPrefix(text[i:], v.value) && p.bounded(text, i, i+len(v.value), v.value) {
				hit, end = v, i+len(v.value)
				break
			}
		}
		if len(p.folded) > 0 {
			lower = appendLower(lower[:0], tok)
			for _, k := range p.folded[string(lower)] {
				v := &p.values[k]
				if hit != nil && len(v.value) <= end-i {
					break
				}
				m := foldPrefix(text[i:], v.value)
				if m < 0 || !p.bounded(text, i, i+m, v.value) {
					continue
				}
				if !v.multi && text[i:i+m] != v.value && isAllLower(text[i:i+m]) {
					continue
				}
				if hit == nil || i+m > end {
					hit, end = v, i+m
				}
				break
			}
		}
		if hit != nil {
			out = append(out, Entity{Type: hit.typ, Start: i, End: end, Score: hit.score, Source: SourcePropagated})
			i = end
			prevWord = false
			if r, _ := utf8.DecodeLastRuneInString(text[:end]); isWordRune(r) {
				prevWord = true
			}
			continue
		}
		prevWord = word
		if word {
			i += tl
		} else {
			i += n
		}
	}
	return out
}

// bounded reports whether an occurrence of v at text[s:e] is a whole word
// and, for a value with a digit at an edge, not part of a longer number.
func (p *propagator) bounded(text string, s, e int, v string) bool {
	if !wordBounded(text, s, e) {
		return false
	}
	if (isDigit(v[0]) || isDigit(v[len(v)-1])) && partOfLongerNumber(text, s, e) {
		return false
	}
	return true
}

// appendLower appends the lower-case form of s (unicode.ToLower per rune).
func appendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return append(b, strings.ToLower(s)...)
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// foldPrefix returns the length of the prefix of s that equals v under
// Unicode simple case folding, or -1.
func foldPrefix(s, v string) int {
	i := 0
	for _, rv := range v {
		if i >= len(s) {
			return -1
		}
		rs, n := utf8.DecodeRuneInString(s[i:])
		if rs != rv && !equalFoldRune(rs, rv) {
			return -1
		}
		i += n
	}
	return i
}

// equalFoldRune reports whether a and b are equal under simple folding.
func equalFoldRune(a, b rune) bool {
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}

// isAllLower reports whether s has no upper- or title-case letter.
func isAllLower(s string) bool {
	for _, r := range s {
		if unicode.IsUpper(r) || unicode.IsTitle(r) {
			return false
		}
	}
	return true
}

// propagate adds to the merged entities every further occurrence of their
// values, of extra's (values detected in other messages of a conversation)
// and of prev's, and merges again (see the rules above).
func propagate(text string, merged []Entity, prev Mapping, want map[string]bool, allow allowList, extra []propValue) []Entity {
	p := newPropagator(text, merged, prev, want, allow, extra)
	if p == nil {
		return merged
	}
	occ := p.find(text)
	if len(occ) == 0 {
		return merged
	}
	// Drop the occurrences that are exactly a kept entity already.
	at := make(map[[2]int]bool, len(merged))
	for _, e := range merged {
		at[[2]int{e.Start, e.End}] = true
	}
	add := occ[:0]
	for _, o := range occ {
		if !at[[2]int{o.Start, o.End}] {
			add = append(add, o)
		}
	}
	if len(add) == 0 {
		return merged
	}
	return Merge(append(append(make([]Entity, 0, len(merged)+len(add)), merged...), add...))
}
