package synth

import (
	"fmt"
	"strings"
)

// Split names one of the three disjoint parts of the generated data.
type Split string

const (
	Train Split = "train"
	Valid Split = "valid"
	Test  Split = "test"
)

// Splits lists every split, in output order.
var Splits = []Split{Train, Valid, Test}

// Shares of the hash space given to each split, in percent: train takes
// [0, trainShare), valid [trainShare, trainShare+validShare), test the rest.
const (
	trainShare = 80
	validShare = 10
	shareTotal = 100
)

// ParseSplit returns the split named s, or an error naming the valid ones.
func ParseSplit(s string) (Split, error) {
	for _, sp := range Splits {
		if s == string(sp) {
			return sp, nil
		}
	}
	return "", fmt.Errorf("synth: unknown split %q (want train, valid or test)", s)
}

// hash64 is FNV-1a, 64 bits: stable across processes, platforms and Go
// versions, unlike maps or hash/maphash.
func hash64(s string) uint64 {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// splitOfHash maps a hash to a split by the shares above.
func splitOfHash(h uint64) Split {
	switch p := h % shareTotal; {
	case p < trainShare:
		return Train
	case p < trainShare+validShare:
		return Valid
	}
	return Test
}

// SplitOf assigns any key (an example id, a frame, a vocabulary value) to
// train, valid or test by the FNV-1a hash of the key: about 80/10/10, and the
// same answer on every run and platform. Callers that split different kinds
// of keys should prefix them ("presidio:17") so that the splits are
// independent.
func SplitOf(key string) Split { return splitOfHash(hash64(key)) }

// vocabKey is the key a vocabulary value is split by: lower-cased, so that
// "Jordan" the given name, "JORDAN" and "Jordan" the family name or country
// fall in the same split whichever list they come from.
func vocabKey(v string) string { return "vocab:" + strings.ToLower(v) }

// VocabSplit returns the split that owns a vocabulary value.
func VocabSplit(v string) Split { return SplitOf(vocabKey(v)) }

// vocab is an open-class word list divided among the splits. Every value
// belongs to exactly one split, chosen by VocabSplit.
type vocab struct {
	name string
	all  []string
	by   map[Split][]string
}

// newVocab builds a split vocabulary from lists, dropping duplicates (case
// sensitive) and keeping first-seen order. Each value goes to
// VocabSplit(value).
func newVocab(name string, lists ...[]string) *vocab {
	return newVocabBy(name, func(s string) string { return s }, lists...)
}

// lastWord keys a multi-word name by its last word, so that "de la Cruz"
// and "Cruz" fall in the same split and no name word is shared by two
// splits.
func lastWord(s string) string {
	if i := strings.LastIndexByte(s, ' '); i >= 0 {
		return s[i+1:]
	}
	return s
}

// newVocabBy is newVocab with each value split by VocabSplit(key(value)).
func newVocabBy(name string, key func(string) string, lists ...[]string) *vocab {
	v := &vocab{name: name, by: map[Split][]string{}}
	seen := map[string]bool{}
	for _, l := range lists {
		for _, s := range l {
			if s == "" || seen[s] {
				continue
			}
			seen[s] = true
			v.all = append(v.all, s)
			sp := VocabSplit(key(s))
			v.by[sp] = append(v.by[sp], s)
		}
	}
	return v
}
