package train

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/obscura-ai/obscura/eval"
	"github.com/obscura-ai/obscura/tokenize"
)

// Labels is an IOB2 label set: "O", then B- and I- of each type in order.
type Labels struct {
	Names []string
	index map[string]int32
	types map[string]bool
}

// NewLabels builds the label set of the given entity types (canonical
// names such as PERSON).
func NewLabels(types []string) (*Labels, error) {
	l := &Labels{Names: []string{"O"}, index: map[string]int32{"O": 0}, types: map[string]bool{}}
	for _, t := range types {
		t = strings.TrimSpace(t)
		if t == "" || strings.ContainsAny(t, " -") {
			return nil, fmt.Errorf("train: bad entity type name %q", t)
		}
		if l.types[t] {
			return nil, fmt.Errorf("train: entity type %s listed twice", t)
		}
		l.types[t] = true
		for _, p := range []string{"B-", "I-"} {
			l.index[p+t] = int32(len(l.Names))
			l.Names = append(l.Names, p+t)
		}
	}
	return l, nil
}

// LabelsFromNames rebuilds a label set from id2label order (a bundle's
// head), which must be O plus B-/I- pairs.
func LabelsFromNames(names []string) (*Labels, error) {
	if len(names) == 0 || names[0] != "O" || len(names)%2 != 1 {
		return nil, fmt.Errorf("train: label set %d names is not O plus B-/I- pairs", len(names))
	}
	var types []string
	for i := 1; i < len(names); i += 2 {
		b, ib := strings.CutPrefix(names[i], "B-")
		in, ii := strings.CutPrefix(names[i+1], "I-")
		if !ib || !ii || b != in {
			return nil, fmt.Errorf("train: labels %d and %d are not a B-/I- pair", i, i+1)
		}
		types = append(types, b)
	}
	return NewLabels(types)
}

// Types are the entity types in order.
func (l *Labels) Types() []string {
	var t []string
	for i := 1; i < len(l.Names); i += 2 {
		t = append(t, l.Names[i][2:])
	}
	return t
}

// Sequence is one tokenized training sequence: [CLS] … [SEP] ids, token
// types, and per-token labels (the first subword of each word carries the
// word's tag; other pieces and special tokens are IgnoreLabel).
type Sequence struct {
	IDs, Types, Labels []int32
	Source             int // index of the data source it came from
	// Example and Words locate the sequence in its data: the example's
	// index and, per token, the word whose first piece it is (-1 for
	// every other token). Validation reads word tags through them.
	Example int
	Words   []int32
}

// EncodeOptions control how examples become sequences.
type EncodeOptions struct {
	MaxLen int // tokens per sequence including [CLS] and [SEP]
	// CaseChannel sets the token types to tokenize.CaseTypes (1 on every
	// piece of a word that starts with an upper-case letter), so that an
	// uncased encoder sees capitals; inference applies the same function.
	CaseChannel bool
	// DropTypes maps gold types outside the label set to O instead of
	// failing (for data whose structured types the regex layer handles).
	DropTypes bool
	Source    int
}

// Encode tokenizes examples into sequences. An example longer than MaxLen
// is cut into several sequences at word boundaries. what names the data in
// errors (a file name), which never quote the text.
func Encode(tok *tokenize.Tokenizer, exs []eval.Example, labels *Labels, o EncodeOptions, what string) ([]Sequence, error) {
	if o.MaxLen < 3 {
		return nil, fmt.Errorf("train: max length %d leaves no room for a token", o.MaxLen)
	}
	cls, sep, _, _ := tok.SpecialIDs()
	var out []Sequence
	for ei, ex := range exs {
		if len(ex.Words) == 0 || strings.TrimSpace(ex.Text) == "" {
			return nil, fmt.Errorf("train: %s: example %d (id %s) has no words", what, ei+1, ex.ID)
		}
		wordTag := make([]int32, len(ex.Words))
		for wi, tag := range ex.Gold {
			id, ok := labels.index[tag]
			if !ok {
				if !o.DropTypes {
					return nil, fmt.Errorf("train: %s: example %d (id %s): label %s is not in the label set %v (use the data's types in --labels, or drop them)", what, ei+1, ex.ID, tag, labels.Types())
				}
				id = 0
			}
			wordTag[wi] = id
		}
		enc := tok.Encode(ex.Text)
		var caseTypes []int64
		if o.CaseChannel {
			caseTypes = tokenize.CaseTypes(ex.Text, &enc)
		}
		// Assign each content token to the example word holding its start.
		var ids, types, labs []int32
		var wordOf []int
		w := 0
		for t := 0; t < enc.Len(); t++ {
			if enc.Special[t] {
				continue
			}
			st := enc.Offsets[t][0]
			for w < len(ex.Words) && ex.Words[w].End <= st {
				w++
			}
			wi := -1
			if w < len(ex.Words) && ex.Words[w].Start <= st {
				wi = w
			}
			lab := int32(IgnoreLabel)
			if wi >= 0 && (len(wordOf) == 0 || wordOf[len(wordOf)-1] != wi) {
				lab = wordTag[wi]
			}
			ty := int32(0)
			if caseTypes != nil {
				ty = int32(caseTypes[t])
			}
			ids = append(ids, enc.IDs[t])
			types = append(types, ty)
			labs = append(labs, lab)
			wordOf = append(wordOf, wi)
		}
		if len(ids) == 0 {
			return nil, fmt.Errorf("train: %s: example %d (id %s) has no tokens after tokenization", what, ei+1, ex.ID)
		}
		room := o.MaxLen - 2
		for lo := 0; lo < len(ids); {
			hi := min(lo+room, len(ids))
			if hi < len(ids) { // back off to a word boundary when one is in reach
				b := hi
				for b > lo+1 && wordOf[b] == wordOf[b-1] {
					b--
				}
				if b > lo+1 {
					hi = b
				}
			}
			s := Sequence{Source: o.Source, Example: ei}
			s.IDs = append(append(append(s.IDs, cls), ids[lo:hi]...), sep)
			s.Words = append(s.Words, -1)
			for k := lo; k < hi; k++ {
				wi := int32(-1)
				if k == lo || wordOf[k] != wordOf[k-1] {
					wi = int32(wordOf[k])
				}
				s.Words = append(s.Words, wi)
			}
			s.Words = append(s.Words, -1)
			s.Types = append(append(append(s.Types, 0), types[lo:hi]...), 0)
			s.Labels = append(append(append(s.Labels, IgnoreLabel), labs[lo:hi]...), IgnoreLabel)
			if lo > 0 && s.Labels[1] == IgnoreLabel && wordOf[lo] >= 0 {
				s.Labels[1] = wordTag[wordOf[lo]] // a word cut in two: its second part starts here
			}
			out = append(out, s)
			lo = hi
		}
	}
	return out, nil
}

// Batches groups sequences into mini-batches of at most size sequences:
// the sequences are shuffled with the epoch's stream, ordered by length
// (so a batch holds sequences of similar length, and the packed batch
// wastes nothing), cut into batches, and the batches shuffled again.
func Batches(seqs []Sequence, size int, seed uint64, epoch int) []*Batch {
	r := newRNG(seed, streamOrder, uint64(epoch))
	idx := r.Perm(len(seqs))
	sort.SliceStable(idx, func(i, j int) bool { return len(seqs[idx[i]].IDs) < len(seqs[idx[j]].IDs) })
	var bs []*Batch
	for lo := 0; lo < len(idx); lo += size {
		bs = append(bs, pack(seqs, idx[lo:min(lo+size, len(idx))]))
	}
	r.Shuffle(len(bs), func(i, j int) { bs[i], bs[j] = bs[j], bs[i] })
	return bs
}

// pack concatenates the chosen sequences into one batch.
func pack(seqs []Sequence, idx []int) *Batch {
	b := &Batch{}
	for _, i := range idx {
		s := seqs[i]
		b.Starts = append(b.Starts, len(b.IDs))
		b.Lens = append(b.Lens, len(s.IDs))
		b.IDs = append(b.IDs, s.IDs...)
		b.Types = append(b.Types, s.Types...)
		b.Labels = append(b.Labels, s.Labels...)
	}
	return b
}

// Weighted repeats or subsamples each source's sequences to weight × its
// size (weights ≥ 0; 1 keeps a source as it is), drawing with the seed.
func Weighted(seqs []Sequence, weights []float64, seed uint64) []Sequence {
	by := map[int][]Sequence{}
	for _, s := range seqs {
		by[s.Source] = append(by[s.Source], s)
	}
	var out []Sequence
	for src := 0; src < len(weights); src++ {
		ss := by[src]
		w := weights[src]
		if w == 1 || len(ss) == 0 {
			out = append(out, ss...)
			continue
		}
		r := rand.New(rand.NewPCG(seed, uint64(src)+101))
		n := int(w*float64(len(ss)) + 0.5)
		for k := 0; k < n; k++ {
			if k < len(ss)*(n/len(ss)) {
				out = append(out, ss[k%len(ss)])
			} else {
				out = append(out, ss[r.IntN(len(ss))])
			}
		}
	}
	return out
}
