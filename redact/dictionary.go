package redact

import (
	"context"
	"regexp"
	"sort"
	"strings"
)

// DictionaryDetector finds user-supplied terms (a deny list): whole-word,
// case-insensitive (Unicode case folding) occurrences of each term, reported
// with the term's type and score 1.
type DictionaryDetector struct {
	res   []*regexp.Regexp // one per type, in types order
	types []string
}

// NewDictionaryDetector builds a detector from type → terms. Empty terms
// are ignored; it returns nil when there is no term at all.
func NewDictionaryDetector(terms map[string][]string) *DictionaryDetector {
	d := &DictionaryDetector{}
	types := make([]string, 0, len(terms))
	for t := range terms {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		re := termsRegexp(terms[t])
		if re == nil {
			continue
		}
		d.types = append(d.types, t)
		d.res = append(d.res, re)
	}
	if len(d.types) == 0 {
		return nil
	}
	return d
}

// termsRegexp matches any of the terms, longest first, case-insensitively.
func termsRegexp(terms []string) *regexp.Regexp {
	var alts []string
	seen := map[string]bool{}
	for _, t := range terms {
		t = strings.TrimSpace(t)
		k := strings.ToLower(t)
		if t == "" || seen[k] {
			continue
		}
		seen[k] = true
		alts = append(alts, t)
	}
	if len(alts) == 0 {
		return nil
	}
	sort.Slice(alts, func(i, j int) bool { return len(alts[i]) > len(alts[j]) })
	for i, a := range alts {
		alts[i] = regexp.QuoteMeta(a)
	}
	return regexp.MustCompile(`(?i)(?:` + strings.Join(alts, "|") + `)`)
}

func (d *DictionaryDetector) Name() string    { return SourceDictionary }
func (d *DictionaryDetector) Types() []string { return append([]string(nil), d.types...) }

// Detect returns every whole-word occurrence of every term.
func (d *DictionaryDetector) Detect(ctx context.Context, text string) ([]Entity, error) {
	var out []Entity
	for i, re := range d.res {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for _, loc := range re.FindAllStringIndex(text, -1) {
			if wordBounded(text, loc[0], loc[1]) {
				out = append(out, Entity{Type: d.types[i], Start: loc[0], End: loc[1], Score: 1, Source: SourceDictionary})
			}
		}
	}
	sortEntities(out)
	return out, nil
}

// allowList holds terms that are never redacted.
type allowList map[string]bool

func newAllowList(lists ...[]string) allowList {
	a := allowList{}
	for _, l := range lists {
		for _, t := range l {
			if t = strings.TrimSpace(t); t != "" {
				a[strings.ToLower(t)] = true
			}
		}
	}
	return a
}

// allowed reports whether an entity's value is an allow-listed term
// (case-insensitive, ignoring surrounding space).
func (a allowList) allowed(value string) bool {
	return len(a) > 0 && a[strings.ToLower(strings.TrimSpace(value))]
}
