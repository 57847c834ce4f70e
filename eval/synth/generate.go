package synth

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
)

// casing is a wholesale change of case applied to a document.
type casing int

const (
	asWritten casing = iota
	upperCase        // nursing-note style: everything upper case
	lowerCase        // chat style: everything lower case
)

// style is one kind of document: how its frames are assembled, and how often
// it is written all upper or all lower case (percent).
type style struct {
	name   string
	domain Domain
	upper  int
	lower  int
}

// styles lists every document style, in a fixed order.
var styles = []style{
	{"email", Enterprise, 3, 5},
	{"ticket", Enterprise, 5, 8},
	{"crm", Enterprise, 4, 6},
	{"chat", Enterprise, 3, 45},
	{"prompt", Enterprise, 0, 0},
	{"nursing", Clinical, 65, 3},
	{"progress", Clinical, 15, 3},
	{"discharge", Clinical, 20, 0},
	{"referral", Clinical, 5, 0},
	{"triage", Clinical, 35, 5},
	{"clinprompt", Clinical, 0, 0},
}

// build composes a document of the style. (A switch, not a func field, so
// that the prompt styles can nest documents without an initialisation
// cycle.)
func (st style) build(c *composer) {
	switch st.name {
	case "email":
		buildEmail(c)
	case "ticket":
		buildTicket(c)
	case "crm":
		buildCRM(c)
	case "chat":
		buildChat(c)
	case "prompt":
		buildPrompt(c)
	case "nursing":
		buildNursing(c)
	case "progress":
		buildProgress(c)
	case "discharge":
		buildDischarge(c)
	case "referral":
		buildReferral(c)
	case "triage":
		buildTriage(c)
	case "clinprompt":
		buildClinPrompt(c)
	default:
		panic("synth: style " + st.name + " has no builder") // TestEveryStyle covers every style
	}
}

// StyleNames returns the names of every document style, in a fixed order.
func StyleNames() []string {
	out := make([]string, len(styles))
	for i, s := range styles {
		out[i] = s.name
	}
	return out
}

// StylesOf returns the names of the styles of one domain, or nil for an
// unknown domain.
func StylesOf(d Domain) []string {
	var out []string
	for _, s := range styles {
		if s.domain == d {
			out = append(out, s.name)
		}
	}
	return out
}

func styleByName(name string) (style, bool) {
	for _, s := range styles {
		if s.name == name {
			return s, true
		}
	}
	return style{}, false
}

// Options select what GenerateWith produces.
type Options struct {
	Split  Split    // train, valid or test (required)
	Styles []string // document styles; empty means all (StyleNames)
	Seed   uint64
	N      int // number of samples, at least 1
}

// GenerateSplit returns n samples of one split ("train", "valid" or "test"),
// every style mixed in turn. The result depends only on (seed, n, split).
// Valid and test samples use frame families and open-class vocabulary values
// that train never uses (see SplitOf).
func GenerateSplit(seed uint64, n int, split string) ([]Sample, error) {
	sp, err := ParseSplit(split)
	if err != nil {
		return nil, err
	}
	return GenerateWith(Options{Split: sp, Seed: seed, N: n})
}

// GenerateWith returns o.N samples of split o.Split in the styles o.Styles,
// which take turns in a seeded order. It is a pure function of o.
func GenerateWith(o Options) ([]Sample, error) {
	if _, err := ParseSplit(string(o.Split)); err != nil {
		return nil, err
	}
	if o.N <= 0 {
		return nil, fmt.Errorf("synth: sample count %d, want at least 1", o.N)
	}
	names := o.Styles
	if len(names) == 0 {
		names = StyleNames()
	}
	var sts []style
	for _, n := range names {
		s, ok := styleByName(n)
		if !ok {
			return nil, fmt.Errorf("synth: unknown style %q (want one of %s)", n, strings.Join(StyleNames(), ", "))
		}
		sts = append(sts, s)
	}
	cat, lex, err := catalogAndLexicon()
	if err != nil {
		return nil, err
	}
	c := &composer{
		r:     rand.New(rand.NewPCG(o.Seed, hash64("split:"+string(o.Split)))),
		split: o.Split,
		lex:   lex,
		cat:   cat,
	}
	out := make([]Sample, 0, o.N)
	var order []int
	for i := range o.N {
		if i%len(sts) == 0 {
			order = c.r.Perm(len(sts))
		}
		st := sts[order[i%len(sts)]]
		s, err := c.document(st)
		if err != nil {
			return nil, fmt.Errorf("synth: %s sample %d (%s): %w", o.Split, i+1, st.name, err)
		}
		s.ID = fmt.Sprintf("%s-%06d", o.Split, i+1)
		out = append(out, s)
	}
	return out, nil
}

// document composes one sample of a style.
func (c *composer) document(st style) (Sample, error) {
	c.cast = cast{}
	c.out = c.out[:0]
	c.used = c.used[:0]
	st.build(c)
	c.applyCasing(0, c.pickCasing(st))
	c.tidySpaces()
	var b strings.Builder
	var spans []Span
	for _, p := range c.out {
		if p.typ != "" {
			spans = append(spans, Span{Type: p.typ, Start: b.Len(), End: b.Len() + len(p.text), Value: p.text})
		}
		b.WriteString(p.text)
	}
	s := Sample{
		Domain: st.domain,
		Text:   b.String(),
		Spans:  spans,
		Style:  st.name,
		Split:  string(c.split),
		Frames: slices.Clone(c.used),
	}
	if err := CheckSample(s); err != nil {
		return Sample{}, err
	}
	return s, nil
}

func (c *composer) pickCasing(st style) casing {
	switch k := c.r.IntN(100); {
	case k < st.upper:
		return upperCase
	case k < st.upper+st.lower:
		return lowerCase
	}
	return asWritten
}

// applyCasing changes the case of pieces from..end. Each piece is cased on
// its own, so span offsets stay exact even where case mapping changes a
// value's length in bytes.
func (c *composer) applyCasing(from int, cs casing) {
	for i := from; i < len(c.out); i++ {
		switch cs {
		case upperCase:
			c.out[i].text = strings.ToUpper(c.out[i].text)
		case lowerCase:
			c.out[i].text = strings.ToLower(c.out[i].text)
		}
	}
}

// tidySpaces collapses the runs of spaces that empty alternatives leave
// ("[my|] [new|] number") in literal pieces, across piece boundaries too,
// and drops spaces at the start of the document and of each line. Entity
// pieces are never changed: they neither start nor end with a space.
func (c *composer) tidySpaces() {
	prevSpace := true // start of document
	for i := range c.out {
		p := &c.out[i]
		if p.typ != "" {
			prevSpace = false
			continue
		}
		var b strings.Builder
		for j := 0; j < len(p.text); j++ {
			ch := p.text[j]
			if ch == ' ' && prevSpace {
				continue
			}
			b.WriteByte(ch)
			prevSpace = ch == ' ' || ch == '\n'
		}
		p.text = b.String()
	}
}

// inner writes a document of another style inside a prompt wrapper, cased on
// its own.
func (c *composer) inner() {
	names := []string{"email", "ticket", "crm", "chat"}
	if c.innerClinical {
		names = []string{"nursing", "progress", "discharge", "referral", "triage"}
	}
	st, _ := styleByName(c.pick(names))
	from := len(c.out)
	st.build(c)
	c.applyCasing(from, c.pickCasing(st))
}

// joinFrames writes n frames of a pool separated by sep; n is capped at the
// number of frames the split owns in the pool, so small pools do not repeat.
func (c *composer) joinFrames(pool string, n int, sep string) {
	n = min(n, len(c.cat.bySplit[pool][c.split]))
	for i := range n {
		if i > 0 {
			c.lit(sep)
		}
		c.frame(pool)
	}
}

func buildEmail(c *composer) {
	if c.chance(40) {
		c.frame("email-subject")
		c.lit("\n\n")
	}
	c.frame("email-greet")
	c.lit(c.pick([]string{"\n\n", "\n", " "}))
	c.joinFrames("email-body", 1+c.r.IntN(3), c.pick([]string{" ", "\n\n", " "}))
	c.lit(c.pick([]string{"\n\n", "\n"}))
	c.frame("email-close")
}

func buildTicket(c *composer) {
	c.frame("ticket-head")
	c.lit("\n")
	c.joinFrames("ticket-body", 1+c.r.IntN(3), c.pick([]string{"\n", " ", "\n- "}))
}

func buildCRM(c *composer) {
	c.joinFrames("crm", 1+c.r.IntN(3), c.pick([]string{" ", "\n", " | "}))
}

func buildChat(c *composer) {
	c.joinFrames("chat", 1+c.r.IntN(3), "\n")
}

func buildPrompt(c *composer) {
	if c.chance(45) {
		c.frame("prompt")
		return
	}
	c.innerClinical = false
	c.frame("wrap-ent")
}

func buildNursing(c *composer) {
	sep := c.pick([]string{"\n", "\n", ". ", "; ", " "})
	c.joinFrames("nursing", 3+c.r.IntN(4), sep)
	if sep == ". " {
		c.lit(".")
	}
}

func buildProgress(c *composer) {
	if c.chance(50) {
		c.frame("progress-head")
		c.lit("\n")
	}
	c.joinFrames("progress", 2+c.r.IntN(3), c.pick([]string{" ", "\n"}))
}

func buildDischarge(c *composer) {
	c.frame("discharge-head")
	c.lit(c.pick([]string{"\n\n", "\n"}))
	c.joinFrames("discharge", 2+c.r.IntN(3), c.pick([]string{"\n", " ", "\n\n"}))
}

func buildReferral(c *composer) {
	c.frame("referral-open")
	c.lit("\n\n")
	c.joinFrames("referral", 1+c.r.IntN(3), " ")
	c.lit("\n\n")
	c.frame("referral-close")
}

func buildTriage(c *composer) {
	c.joinFrames("triage", 1+c.r.IntN(3), c.pick([]string{"\n", " "}))
}

func buildClinPrompt(c *composer) {
	if c.chance(40) {
		c.frame("clinprompt")
		return
	}
	c.innerClinical = true
	c.frame("wrap-clin")
}

// catalog holds the parsed frames of every pool and their split.
type catalog struct {
	pools   []string
	frames  map[string][]frame
	split   map[string]Split // frame src → split
	bySplit map[string]map[Split][]frame
	err     error // the first parse error, if any
}

var loadCatalog = sync.OnceValues(func() (*catalog, *lexicon) {
	return buildCatalog(), buildLexicon()
})

// catalogAndLexicon returns the parsed frames and the vocabularies, built
// once.
func catalogAndLexicon() (*catalog, *lexicon, error) {
	cat, lex := loadCatalog()
	if cat.err != nil {
		return nil, nil, cat.err
	}
	return cat, lex, nil
}
