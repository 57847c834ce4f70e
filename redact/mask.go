package redact

import (
	"sort"
	"strings"
)

// mask replaces non-overlapping entities (sorted by start) with tokens.
//
// Tokens are [TYPE_N], numbered per type in order of first appearance,
// continuing after the highest number prev already uses for that type. A
// value that already has a token — earlier in this text, or in prev, the
// mapping of earlier turns of a conversation — gets that token again, even
// if this time it was detected with another type. The returned mapping is
// prev plus the new tokens, ready to be passed to the next turn. ents get
// their Token set.
func mask(text string, ents []Entity, prev Mapping) (string, Mapping) {
	mapping := make(Mapping, len(prev)+len(ents))
	byValue := map[string]string{}
	next := map[string]int{}
	keys := make([]string, 0, len(prev))
	for k := range prev {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic choice when prev maps one value twice
	for _, k := range keys {
		v := prev[k]
		mapping[k] = v
		if _, ok := byValue[v]; !ok {
			byValue[v] = k
		}
		if t, n, ok := parseTokenKey(k); ok && n > next[t] {
			next[t] = n
		}
	}
	var b strings.Builder
	b.Grow(len(text))
	at := 0
	for i := range ents {
		e := &ents[i]
		v := text[e.Start:e.End]
		tok, ok := byValue[v]
		if !ok {
			for {
				next[e.Type]++
				tok = tokenKey(e.Type, next[e.Type])
				if _, taken := mapping[tok]; !taken {
					break
				}
			}
			mapping[tok] = v
			byValue[v] = tok
		}
		e.Token = tok
		b.WriteString(text[at:e.Start])
		b.WriteString(tok)
		at = e.End
	}
	b.WriteString(text[at:])
	return b.String(), mapping
}
