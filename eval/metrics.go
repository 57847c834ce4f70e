package eval

import (
	"fmt"
	"sort"
	"strings"
)

// Chunk is one entity read from a tag sequence: tokens [Start, End), half-open.
type Chunk struct {
	Type  string
	Start int
	End   int
}

// splitTag splits a prefix-style tag ("B-PER") into its position letter and
// type. A bare tag ("O", "B") has type "_", as in seqeval.
func splitTag(t string) (byte, string) {
	if t == "" {
		return 'O', "_"
	}
	typ := t[1:]
	if _, after, ok := strings.Cut(typ, "-"); ok {
		typ = after
	}
	if typ == "" {
		typ = "_"
	}
	return t[0], typ
}

// endsChunk and startsChunk are conlleval's chunk rules, as seqeval's default
// (non-strict) mode applies them to IOB1, IOB2, IOE and IOBES tags alike.
func endsChunk(prevTag, tag byte, prevType, typ string) bool {
	switch {
	case prevTag == 'E' || prevTag == 'S':
		return true
	case (prevTag == 'B' || prevTag == 'I') && (tag == 'B' || tag == 'S' || tag == 'O'):
		return true
	}
	return prevTag != 'O' && prevTag != '.' && prevType != typ
}

func startsChunk(prevTag, tag byte, prevType, typ string) bool {
	switch {
	case tag == 'B' || tag == 'S':
		return true
	case (prevTag == 'E' || prevTag == 'S' || prevTag == 'O') && (tag == 'E' || tag == 'I'):
		return true
	}
	return tag != 'O' && tag != '.' && prevType != typ
}

// Chunks returns the entities of one sentence's tags under conlleval's rules:
// an I- after O or after another type starts a chunk, a B- always starts one,
// and a change of type ends one.
func Chunks(tags []string) []Chunk {
	var out []Chunk
	prevTag, prevType := byte('O'), ""
	begin := 0
	for i := 0; i <= len(tags); i++ {
		tag, typ := byte('O'), "_"
		if i < len(tags) {
			tag, typ = splitTag(tags[i])
		}
		if endsChunk(prevTag, tag, prevType, typ) {
			out = append(out, Chunk{Type: prevType, Start: begin, End: i})
		}
		if startsChunk(prevTag, tag, prevType, typ) {
			begin = i
		}
		prevTag, prevType = tag, typ
	}
	return out
}

// Counts are entity counts for one type.
type Counts struct {
	TP   int `json:"tp"`   // predicted chunks equal to a gold chunk (type, start, end)
	Pred int `json:"pred"` // predicted chunks
	Gold int `json:"gold"` // gold chunks (support)
}

// PRF is precision, recall and F1, as fractions in [0,1].
type PRF struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

// prf computes scores from counts; an empty denominator gives 0, as seqeval's
// default zero_division does.
func prf(c Counts) PRF {
	var s PRF
	if c.Pred > 0 {
		s.Precision = float64(c.TP) / float64(c.Pred)
	}
	if c.Gold > 0 {
		s.Recall = float64(c.TP) / float64(c.Gold)
	}
	if s.Precision+s.Recall > 0 {
		s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
	}
	return s
}

// TypeScore is one entity type's row of the report.
type TypeScore struct {
	Type string `json:"type"`
	PRF
	Counts
}

// Scores are entity-level results: one row per type that occurs in the gold
// or the predictions (sorted by name), their micro average (pooled counts)
// and macro average (unweighted mean over the rows), as seqeval reports them.
type Scores struct {
	Types []TypeScore `json:"types"`
	Micro PRF         `json:"micro"`
	Macro PRF         `json:"macro"`
	Total Counts      `json:"total"`
}

// Type returns the row for typ, if any.
func (s Scores) Type(typ string) (TypeScore, bool) {
	for _, t := range s.Types {
		if t.Type == typ {
			return t, true
		}
	}
	return TypeScore{}, false
}

// Scorer accumulates entity counts over sentences. The zero value is ready to
// use; it is not safe for concurrent use.
type Scorer struct {
	counts map[string]*Counts
}

func (s *Scorer) get(typ string) *Counts {
	if s.counts == nil {
		s.counts = map[string]*Counts{}
	}
	c := s.counts[typ]
	if c == nil {
		c = &Counts{}
		s.counts[typ] = c
	}
	return c
}

// Add scores one sentence. gold and pred are its tags, one per token.
func (s *Scorer) Add(gold, pred []string) error {
	if len(gold) != len(pred) {
		return fmt.Errorf("eval: %d gold tags but %d predicted", len(gold), len(pred))
	}
	g := Chunks(gold)
	in := make(map[Chunk]bool, len(g))
	for _, c := range g {
		in[c] = true
		s.get(c.Type).Gold++
	}
	for _, c := range Chunks(pred) {
		n := s.get(c.Type)
		n.Pred++
		if in[c] {
			n.TP++
		}
	}
	return nil
}

// Scores returns the results so far.
func (s *Scorer) Scores() Scores {
	var out Scores
	types := make([]string, 0, len(s.counts))
	for t := range s.counts {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		c := *s.counts[t]
		r := prf(c)
		out.Types = append(out.Types, TypeScore{Type: t, PRF: r, Counts: c})
		out.Total.TP += c.TP
		out.Total.Pred += c.Pred
		out.Total.Gold += c.Gold
		out.Macro.Precision += r.Precision
		out.Macro.Recall += r.Recall
		out.Macro.F1 += r.F1
	}
	if n := float64(len(types)); n > 0 {
		out.Macro.Precision /= n
		out.Macro.Recall /= n
		out.Macro.F1 /= n
	}
	out.Micro = prf(out.Total)
	return out
}
