package synth

import (
	"fmt"
	"sort"
	"strings"
)

// A frame is one sentence skeleton written in a small template language:
//
//	literal text      copied as it is; `\n` is a line break
//	{SLOT}            a value from the slot table (slots.go): an entity, a
//	                  composite such as "Dr. Okafor" (TITLE + PERSON), or an
//	                  unlabelled filler such as vitals
//	\| \[ \] \{ \}    the literal character
//	[a|b|c]           one of the alternatives, each itself a sequence, so
//	                  "[with|w/] {COND}" or "[|very ]" (empty allowed)
//
// A frame's family is the skeleton: every surface form it expands to shares
// the skeleton's split. Count() is the number of distinct surface frames
// (alternatives multiplied out, slots counted once).
type frame struct {
	pool string // the pool (document part) the frame belongs to
	src  string // the skeleton as written: its identity and split key
	seq  seq
}

type node struct {
	lit  string
	slot string
	alts []seq
}

type seq []node

// parseFrame parses one skeleton; slots must be in the known set.
func parseFrame(pool, src string, known func(string) bool) (frame, error) {
	p := &frameParser{s: strings.ReplaceAll(src, `\n`, "\n"), known: known}
	q, err := p.seq(0)
	if err != nil {
		return frame{}, fmt.Errorf("synth: frame %q: %w", src, err)
	}
	if p.i < len(p.s) {
		return frame{}, fmt.Errorf("synth: frame %q: unexpected %q at byte %d", src, p.s[p.i], p.i)
	}
	return frame{pool: pool, src: src, seq: q}, nil
}

type frameParser struct {
	s     string
	i     int
	known func(string) bool
}

// seq parses until the end, or a '|' or ']' at depth > 0.
func (p *frameParser) seq(depth int) (seq, error) {
	var out seq
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			out = append(out, node{lit: lit.String()})
			lit.Reset()
		}
	}
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch c {
		case '|', ']':
			if depth == 0 {
				return nil, fmt.Errorf("stray %q at byte %d", c, p.i)
			}
			flush()
			return out, nil
		case '[':
			flush()
			p.i++
			var alts []seq
			for {
				a, err := p.seq(depth + 1)
				if err != nil {
					return nil, err
				}
				alts = append(alts, a)
				if p.i >= len(p.s) {
					return nil, fmt.Errorf("unclosed [")
				}
				c := p.s[p.i]
				p.i++
				if c == ']' {
					break
				}
			}
			out = append(out, node{alts: alts})
		case '{':
			flush()
			j := strings.IndexByte(p.s[p.i:], '}')
			if j < 0 {
				return nil, fmt.Errorf("unclosed {")
			}
			name := p.s[p.i+1 : p.i+j]
			if !p.known(name) {
				return nil, fmt.Errorf("unknown slot {%s}", name)
			}
			out = append(out, node{slot: name})
			p.i += j + 1
		case '}':
			return nil, fmt.Errorf("stray } at byte %d", p.i)
		case '\\':
			// \| \[ \] \{ \} are the literal characters.
			if p.i+1 < len(p.s) && strings.IndexByte("|[]{}", p.s[p.i+1]) >= 0 {
				lit.WriteByte(p.s[p.i+1])
				p.i += 2
				continue
			}
			lit.WriteByte(c)
			p.i++
		default:
			lit.WriteByte(c)
			p.i++
		}
	}
	if depth > 0 {
		return nil, fmt.Errorf("unclosed [")
	}
	flush()
	return out, nil
}

// count returns the number of distinct surface forms of a sequence.
func (q seq) count() int {
	n := 1
	for _, nd := range q {
		if nd.alts != nil {
			k := 0
			for _, a := range nd.alts {
				k += a.count()
			}
			n *= k
		}
	}
	return n
}

// Count is the number of distinct surface frames the skeleton expands to.
func (f frame) Count() int { return f.seq.count() }

// Family is a short stable name of the skeleton: its pool and hash.
func (f frame) Family() string { return fmt.Sprintf("%s-%08x", f.pool, uint32(hash64("frame:"+f.src))) }

// types returns the entity types a sequence can write, sorted, each once.
func (q seq) types() []string {
	set := map[string]bool{}
	var walk func(seq)
	walk = func(q seq) {
		for _, nd := range q {
			for _, t := range slotTypes(nd.slot) {
				set[t] = true
			}
			for _, a := range nd.alts {
				walk(a)
			}
		}
	}
	walk(q)
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}
