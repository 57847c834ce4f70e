package tokenize

import (
	"sort"
	"unicode/utf8"
)

// trie is a byte trie over a set of vocabulary pieces, laid out in flat
// arrays: the children of a node are contiguous and sorted by byte, so one
// walk from a word position finds the longest piece that starts there. This
// replaces WordPiece's "try the longest substring, drop one character,
// retry" loop of hash lookups with a single pass over the bytes.
type trie struct {
	id    []int32  // per node: the piece's id, or -1 if no piece ends here
	first []int32  // per node: index of its first child in label/child
	n     []uint16 // per node: number of children
	label []byte   // per edge: the byte
	child []int32  // per edge: the child node
	// root is the root's child along each byte (or -1): the root has the
	// most children, and every walk starts there.
	root [256]int32
}

// newTrie builds a trie of the given pieces and ids. Node 0 is the root.
func newTrie(pieces map[string]int32) *trie {
	keys := make([]string, 0, len(pieces))
	for k := range pieces {
		if k != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	t := &trie{id: []int32{-1}, first: []int32{0}, n: []uint16{0}}
	type span struct {
		node, lo, hi, depth int
	}
	queue := []span{{0, 0, len(keys), 0}}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		lo := s.lo
		if lo < s.hi && len(keys[lo]) == s.depth {
			t.id[s.node] = pieces[keys[lo]]
			lo++
		}
		t.first[s.node] = int32(len(t.label))
		for i := lo; i < s.hi; {
			b := keys[i][s.depth]
			j := i + 1
			for j < s.hi && keys[j][s.depth] == b {
				j++
			}
			node := len(t.id)
			t.id = append(t.id, -1)
			t.first = append(t.first, 0)
			t.n = append(t.n, 0)
			t.label = append(t.label, b)
			t.child = append(t.child, int32(node))
			t.n[s.node]++
			queue = append(queue, span{node, i, j, s.depth + 1})
			i = j
		}
	}
	for b := range t.root {
		t.root[b] = t.next(0, byte(b))
	}
	return t
}

// next returns the child of node along byte b, or -1.
func (t *trie) next(node int32, b byte) int32 {
	lo := int(t.first[node])
	hi := lo + int(t.n[node])
	if hi-lo > 8 {
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if t.label[m] < b {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo < len(t.label) && lo < int(t.first[node])+int(t.n[node]) && t.label[lo] == b {
			return t.child[lo]
		}
		return -1
	}
	for i := lo; i < hi; i++ {
		if t.label[i] == b {
			return t.child[i]
		}
	}
	return -1
}

// longest returns the id and end of the longest piece that w[start:]
// begins with and that ends on a character boundary of w, or found false.
func (t *trie) longest(w []byte, start int) (id int32, end int, found bool) {
	if start >= len(w) {
		return 0, 0, false
	}
	node := t.root[w[start]]
	for i := start; node >= 0; {
		if pid := t.id[node]; pid >= 0 && (i+1 == len(w) || utf8.RuneStart(w[i+1])) {
			id, end, found = pid, i+1, true
		}
		i++
		if i == len(w) {
			break
		}
		node = t.next(node, w[i])
	}
	return id, end, found
}
