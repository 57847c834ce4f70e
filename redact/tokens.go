package redact

import (
	"sort"
	"strconv"
	"strings"
)

// Token grammar. Our tokens are written canonically as [TYPE_N]. Restore
// also accepts the forms an LLM tends to produce when it copies a token:
//
//	[TYPE_N]  [Type N]  <TYPE_N>  [ type_n ]  TYPE_N  type-n]  [Credit Card 2]
//
// that is: an optional opener '[' or '<', a known type name in any case
// (an '_' in the name may be written as a space or '-'), up to three
// separators from " _-", 1–9 digits, and an optional closer ']' or '>'. A
// form is a token only if it has an opener, a closer or an '_' separator, so
// plain prose such as "Date 2" is never one. A bare form (no opener) must
// not be glued to a word on its left, and a form without a closer must not
// be glued to a word on its right. Any canonical [NAME_N] with an upper-case
// name is a token as well, even for a type we do not know.
//
// The same grammar, with the word-boundary checks switched off, finds
// token-like strings that are already in the input of Redact; those are
// masked themselves (type TOKEN), so that after masking the only tokens in
// the masked text are ours. Turning the boundary checks off makes the
// redaction-side scan a superset of the restore-side scan even where masking
// changes a token-like string's neighbours.

const (
	maxTokenDigits = 9
	maxTokenSpaces = 2
	maxTokenSeps   = 3
	// maxCanonicalLen bounds the body of a canonical [NAME_N] token.
	maxCanonicalLen = 64
)

// tokenMatch is one token-like string found in a text.
type tokenMatch struct {
	start, end int
	key        string // canonical form, "[TYPE_N]"
}

type scanStatus int

const (
	scanNone scanStatus = iota // no token starts here
	scanMatch
	scanMore // the text ends before it can be decided
)

// tokenScanner recognises tokens of a set of known type names.
type tokenScanner struct {
	types   []string // upper-case, longest first
	byFirst [256][]string
	loose   bool // ignore word-boundary checks (redaction side)
}

func newTokenScanner(types []string, loose bool) *tokenScanner {
	sc := &tokenScanner{loose: loose}
	seen := map[string]bool{}
	for _, t := range types {
		t = strings.ToUpper(t)
		if t == "" || seen[t] || !validTypeName(t) {
			continue
		}
		seen[t] = true
		sc.types = append(sc.types, t)
	}
	sort.Slice(sc.types, func(i, j int) bool {
		if len(sc.types[i]) != len(sc.types[j]) {
			return len(sc.types[i]) > len(sc.types[j])
		}
		return sc.types[i] < sc.types[j]
	})
	for _, t := range sc.types {
		c := t[0]
		sc.byFirst[c] = append(sc.byFirst[c], t)
		sc.byFirst[c+'a'-'A'] = append(sc.byFirst[c+'a'-'A'], t)
	}
	return sc
}

// validTypeName reports whether t can name a token type: A-Z first, then
// A-Z, 0-9 or '_', not ending in '_'.
func validTypeName(t string) bool {
	if t == "" || t[0] < 'A' || t[0] > 'Z' || t[len(t)-1] == '_' {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// matchAt tries to read a token at s[i]. prev is the byte before s[i] (0 at
// the start of the text). When final is false, scanMore means that more
// text could change the answer.
func (sc *tokenScanner) matchAt(s string, i int, prev byte, final bool) (tokenMatch, scanStatus) {
	c := s[i]
	if c != '[' && c != '<' && len(sc.byFirst[c]) == 0 {
		return tokenMatch{}, scanNone
	}
	more := false
	for _, t := range sc.byFirst[c] {
		m, st := sc.matchType(s, i, prev, t, false, final)
		switch st {
		case scanMatch:
			if !more {
				return m, scanMatch
			}
		case scanMore:
			more = true
		}
	}
	if c == '[' || c == '<' {
		j := i + 1
		for k := 0; k < maxTokenSpaces && j < len(s) && s[j] == ' '; k++ {
			j++
		}
		if j == len(s) && !final {
			return tokenMatch{}, scanMore
		}
		if j < len(s) {
			for _, t := range sc.byFirst[s[j]] {
				m, st := sc.matchType(s, i, prev, t, true, final)
				switch st {
				case scanMatch:
					if !more {
						return m, scanMatch
					}
				case scanMore:
					more = true
				}
			}
		}
		if c == '[' {
			m, st := matchCanonical(s, i, final)
			if st == scanMore {
				more = true
			} else if st == scanMatch && !more {
				return m, scanMatch
			}
		}
	}
	if more {
		return tokenMatch{}, scanMore
	}
	return tokenMatch{}, scanNone
}

// matchType reads one token of type t at s[i], with an opener when opened.
func (sc *tokenScanner) matchType(s string, i int, prev byte, t string, opened, final bool) (tokenMatch, scanStatus) {
	need := func() (tokenMatch, scanStatus) {
		if final {
			return tokenMatch{}, scanNone
		}
		return tokenMatch{}, scanMore
	}
	j := i
	if opened {
		j++
		for k := 0; k < maxTokenSpaces && j < len(s) && s[j] == ' '; k++ {
			j++
		}
	} else if !sc.loose && isWordByte(prev) {
		return tokenMatch{}, scanNone
	}
	// The type name, case-insensitive; '_' also matches ' ' or '-'.
	for k := 0; k < len(t); k++ {
		if j == len(s) {
			return need()
		}
		c := upper(s[j])
		if c != t[k] && !(t[k] == '_' && (c == ' ' || c == '-')) {
			return tokenMatch{}, scanNone
		}
		j++
	}
	underscore := false
	for k := 0; k < maxTokenSeps && j < len(s) && (s[j] == ' ' || s[j] == '_' || s[j] == '-'); k++ {
		underscore = underscore || s[j] == '_'
		j++
	}
	if j == len(s) {
		return need()
	}
	d0 := j
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	nd := j - d0
	if nd == 0 || nd > maxTokenDigits {
		return tokenMatch{}, scanNone
	}
	if j == len(s) && !final {
		return tokenMatch{}, scanMore
	}
	digits := s[d0:j]
	// Optional closer, possibly after spaces.
	k := j
	for n := 0; n < maxTokenSpaces && k < len(s) && s[k] == ' '; n++ {
		k++
	}
	closed := false
	if k == len(s) {
		if !final {
			return tokenMatch{}, scanMore
		}
	} else if s[k] == ']' || s[k] == '>' {
		closed = true
		j = k + 1
	}
	if !opened && !closed && !underscore {
		return tokenMatch{}, scanNone
	}
	if !closed && !sc.loose && j < len(s) && isWordByte(s[j]) {
		return tokenMatch{}, scanNone
	}
	n, _ := strconv.Atoi(digits)
	return tokenMatch{start: i, end: j, key: tokenKey(t, n)}, scanMatch
}

// matchCanonical reads "[NAME_N]" with an upper-case NAME of any type.
func matchCanonical(s string, i int, final bool) (tokenMatch, scanStatus) {
	j := i + 1
	for j < len(s) && j-i <= maxCanonicalLen && (s[j] >= 'A' && s[j] <= 'Z' || isDigit(s[j]) || s[j] == '_') {
		j++
	}
	if j-i > maxCanonicalLen {
		return tokenMatch{}, scanNone
	}
	if j == len(s) {
		if final {
			return tokenMatch{}, scanNone
		}
		return tokenMatch{}, scanMore
	}
	if s[j] != ']' {
		return tokenMatch{}, scanNone
	}
	body := s[i+1 : j]
	u := strings.LastIndexByte(body, '_')
	if u <= 0 || u == len(body)-1 || len(body)-u-1 > maxTokenDigits || !validTypeName(body[:u]) {
		return tokenMatch{}, scanNone
	}
	for _, c := range []byte(body[u+1:]) {
		if !isDigit(c) {
			return tokenMatch{}, scanNone
		}
	}
	return tokenMatch{start: i, end: j + 1, key: s[i : j+1]}, scanMatch
}

// tokenKey is the canonical token for a type and number: [PERSON_1].
func tokenKey(typ string, n int) string {
	return "[" + strings.ReplaceAll(strings.ToUpper(typ), " ", "_") + "_" + strconv.Itoa(n) + "]"
}

// parseTokenKey splits a canonical token into its type and number.
func parseTokenKey(k string) (string, int, bool) {
	if len(k) < 4 || k[0] != '[' || k[len(k)-1] != ']' {
		return "", 0, false
	}
	body := k[1 : len(k)-1]
	u := strings.LastIndexByte(body, '_')
	if u <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(body[u+1:])
	if err != nil || n < 0 || !validTypeName(body[:u]) {
		return "", 0, false
	}
	return body[:u], n, true
}

// findAll returns the non-overlapping tokens of a whole text, leftmost
// first.
func (sc *tokenScanner) findAll(s string) []tokenMatch {
	var out []tokenMatch
	var prev byte
	for i := 0; i < len(s); {
		if m, st := sc.matchAt(s, i, prev, true); st == scanMatch {
			out = append(out, m)
			prev = s[m.end-1]
			i = m.end
			continue
		}
		prev = s[i]
		i++
	}
	return out
}
