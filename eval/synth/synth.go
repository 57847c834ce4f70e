package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/brianvoe/gofakeit/v7"
)

// Domain names a family of templates.
type Domain string

const (
	Enterprise Domain = "enterprise"
	Clinical   Domain = "clinical"
)

// Domains lists every domain, in output order.
var Domains = []Domain{Enterprise, Clinical}

// Entity types produced by the generator. The first twelve are the product
// plan's; CREDIT_CARD and NPI carry the checksum-valid card and provider
// numbers, so that no generated identifier is left unlabelled.
const (
	Person       = "PERSON"
	SSNType      = "SSN"
	Phone        = "PHONE"
	Email        = "EMAIL"
	Organization = "ORGANIZATION"
	Address      = "ADDRESS"
	Location     = "LOCATION"
	Date         = "DATE"
	MRNType      = "MRN"
	Medication   = "MEDICATION"
	Condition    = "CONDITION"
	Dosage       = "DOSAGE"
	CreditCard   = "CREDIT_CARD"
	NPIType      = "NPI"
)

// Span is one gold entity: Text[Start:End] == Value, byte offsets, half-open.
type Span struct {
	Type  string `json:"type"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Value string `json:"value"`
}

// Sample is one generated text with its gold spans, sorted by Start.
// Template is the index of Generate's template; GenerateWith leaves it 0 and
// names the frames in Frames instead.
type Sample struct {
	ID       string `json:"id"`
	Domain   Domain `json:"domain"`
	Template int    `json:"template"`
	Text     string `json:"text"`
	Spans    []Span `json:"spans"`
	// Style, Split and Frames are set by GenerateWith only: the document
	// style, the split, and the families of the frames the text was
	// composed from.
	Style  string   `json:"style,omitempty"`
	Split  string   `json:"split,omitempty"`
	Frames []string `json:"frames,omitempty"`
}

// Templates returns the templates of a domain (a copy), or nil for an unknown
// domain.
func Templates(d Domain) []string {
	switch d {
	case Enterprise:
		return append([]string(nil), enterpriseTemplates...)
	case Clinical:
		return append([]string(nil), clinicalTemplates...)
	}
	return nil
}

// domainSalt separates the random streams of the domains for one seed.
func domainSalt(d Domain) uint64 {
	var h uint64 = 14695981039346656037 // FNV-1a
	for i := 0; i < len(d); i++ {
		h ^= uint64(d[i])
		h *= 1099511628211
	}
	return h
}

// Generate returns n samples of domain d. The result depends only on (d, seed,
// n): seed 0 is an ordinary seed (gofakeit's New(0) would pick a random one,
// so the faker is built on an explicit PCG source instead).
func Generate(d Domain, seed uint64, n int) ([]Sample, error) {
	tpls := Templates(d)
	if tpls == nil {
		return nil, fmt.Errorf("synth: unknown domain %q", d)
	}
	salt := domainSalt(d)
	g := &gen{
		d: d,
		r: rand.New(rand.NewPCG(seed, salt)),
		f: gofakeit.NewFaker(rand.NewPCG(seed^0x9e3779b97f4a7c15, salt+1), false),
	}
	out := make([]Sample, 0, n)
	for i := range n {
		// Walk the templates in a seeded order so every template appears
		// n/len(tpls) times, give or take one.
		if i%len(tpls) == 0 {
			g.order = g.r.Perm(len(tpls))
		}
		t := g.order[i%len(tpls)]
		s, err := g.fill(tpls[t])
		if err != nil {
			return nil, fmt.Errorf("synth: %s template %d: %w", d, t, err)
		}
		s.ID = fmt.Sprintf("%s-%05d", d, i+1)
		s.Domain = d
		s.Template = t
		out = append(out, s)
	}
	return out, nil
}

type gen struct {
	d     Domain
	r     *rand.Rand
	f     *gofakeit.Faker
	order []int
	last  string // last name of the most recent PERSON
}

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

// fill expands one template, wrapped in a random prefix and suffix.
func (g *gen) fill(tpl string) (Sample, error) {
	var b strings.Builder
	var spans []Span
	b.WriteString(g.pick(prefixes))
	if b.Len() > 0 && g.r.IntN(2) == 0 {
		// Vary the case of the first letter after a prefix.
		tpl = lowerFirst(tpl)
	}
	for len(tpl) > 0 {
		i := strings.IndexByte(tpl, '{')
		if i < 0 {
			b.WriteString(tpl)
			break
		}
		b.WriteString(tpl[:i])
		j := strings.IndexByte(tpl[i:], '}')
		if j < 0 {
			return Sample{}, fmt.Errorf("unclosed placeholder")
		}
		name := tpl[i+1 : i+j]
		tpl = tpl[i+j+1:]
		typ, val, err := g.value(name)
		if err != nil {
			return Sample{}, err
		}
		spans = append(spans, Span{Type: typ, Start: b.Len(), End: b.Len() + len(val), Value: val})
		b.WriteString(val)
	}
	b.WriteString(g.pick(suffixes))
	s := Sample{Text: b.String(), Spans: spans}
	if err := CheckSample(s); err != nil {
		return Sample{}, err
	}
	return s, nil
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == '{' || !unicode.IsUpper(r) {
		return s
	}
	// Keep acronyms ("ED", "HPI", "MRN") as they are.
	if n < len(s) {
		r2, _ := utf8.DecodeRuneInString(s[n:])
		if unicode.IsUpper(r2) {
			return s
		}
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// value returns the entity type and a fresh value for a placeholder.
func (g *gen) value(name string) (string, string, error) {
	switch name {
	case "PERSON":
		return Person, g.person(), nil
	case "FIRST":
		return Person, g.f.FirstName(), nil
	case "LAST":
		g.last = g.f.LastName()
		return Person, g.last, nil
	case "REF":
		if g.last == "" {
			g.last = g.f.LastName()
		}
		return Person, g.last, nil
	case "SSN":
		s := SSN(g.r)
		if g.r.IntN(5) == 0 {
			s = onlyDigits(s)
		}
		return SSNType, s, nil
	case "PHONE":
		return Phone, g.phone(), nil
	case "EMAIL":
		return Email, g.email(), nil
	case "ORGANIZATION":
		if g.d == Clinical {
			place := g.f.City()
			if g.r.IntN(2) == 0 {
				place = g.f.LastName()
			}
			return Organization, fmt.Sprintf(g.pick(hospitalForms), place), nil
		}
		return Organization, g.f.Company(), nil
	case "ADDRESS":
		return Address, g.address(), nil
	case "LOCATION":
		switch g.r.IntN(4) {
		case 0:
			return Location, g.f.City() + ", " + g.f.StateAbr(), nil
		case 1:
			return Location, g.f.Country(), nil
		default:
			return Location, g.f.City(), nil
		}
	case "DATE":
		return Date, g.date(), nil
	case "MRN":
		return MRNType, MRN(g.r), nil
	case "NPI":
		return NPIType, NPI(g.r), nil
	case "CREDIT_CARD":
		return CreditCard, Card(g.r), nil
	case "MEDICATION":
		m := g.pick(medications)
		if g.r.IntN(10) == 0 {
			m = strings.ToUpper(m[:1]) + m[1:]
		}
		return Medication, m, nil
	case "CONDITION":
		return Condition, g.pick(conditions), nil
	case "DOSAGE":
		d := g.pick(doseAmounts) + " " + g.pick(doseUnits)
		if f := g.pick(doseFrequencies); f != "" {
			d += " " + f
		}
		return Dosage, d, nil
	}
	return "", "", fmt.Errorf("unknown placeholder {%s}", name)
}

func (g *gen) person() string {
	first, last := g.f.FirstName(), g.f.LastName()
	g.last = last
	if g.r.IntN(6) == 0 {
		return first + " " + string(rune('A'+g.r.IntN(26))) + ". " + last
	}
	return first + " " + last
}

func (g *gen) phone() string {
	a := 201 + g.r.IntN(789) // NANP area codes start 2-9
	x := 200 + g.r.IntN(800)
	n := g.r.IntN(10000)
	switch g.r.IntN(5) {
	case 0:
		return fmt.Sprintf("(%03d) %03d-%04d", a, x, n)
	case 1:
		return fmt.Sprintf("%03d.%03d.%04d", a, x, n)
	case 2:
		return fmt.Sprintf("+1 %03d %03d %04d", a, x, n)
	default:
		return fmt.Sprintf("%03d-%03d-%04d", a, x, n)
	}
}

func asciiLower(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "user"
	}
	return b.String()
}

func (g *gen) email() string {
	first, last := asciiLower(g.f.FirstName()), asciiLower(g.f.LastName())
	var local string
	switch g.r.IntN(4) {
	case 0:
		local = first + "." + last
	case 1:
		local = first[:1] + last
	case 2:
		local = first + "_" + last + fmt.Sprint(g.r.IntN(100))
	default:
		local = last + "." + first
	}
	return local + "@" + g.pick(emailDomains)
}

func (g *gen) address() string {
	street := g.f.Street()
	if g.r.IntN(4) == 0 {
		street += fmt.Sprintf(" Apt %d", 1+g.r.IntN(40))
	}
	switch g.r.IntN(3) {
	case 0:
		return street
	default:
		return street + ", " + g.f.City() + ", " + g.f.StateAbr() + " " + g.f.Zip()
	}
}

func (g *gen) date() string {
	y := 1940 + g.r.IntN(87)
	m := g.r.IntN(12)
	d := 1 + g.r.IntN(28)
	switch g.r.IntN(6) {
	case 0:
		return fmt.Sprintf("%s %d, %d", monthNames[m], d, y)
	case 1:
		return fmt.Sprintf("%02d/%02d/%d", m+1, d, y)
	case 2:
		return fmt.Sprintf("%d-%02d-%02d", y, m+1, d)
	case 3:
		return fmt.Sprintf("%d %s %d", d, monthAbbr[m], y)
	case 4:
		return fmt.Sprintf("%s, %s %d", g.pick(weekdays), monthNames[m], d)
	default:
		return fmt.Sprintf("%d/%d/%02d", m+1, d, y%100)
	}
}
