package synth

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// maxRedraws bounds the redraws that keep a document from repeating a frame.
const maxRedraws = 4

// New entity types of the split generator, beside the ones in synth.go.
const (
	Age   = "AGE"
	Title = "TITLE"
	Misc  = "MISC"
)

// piece is one stretch of a document: literal text (typ == "") or an entity.
type piece struct {
	text string
	typ  string
}

// person is one member of a document's cast.
type person struct {
	given, family, middle, suffix string
	female                        bool
}

// cast keeps the people and places a document talks about, so that a note
// names the same patient and doctor throughout.
type cast struct {
	pt, doc, nurse, me, contact person
	hosp, org, city             string
	age                         string // the patient's age, once drawn
	hasPt, hasDoc, hasNurse     bool
	hasMe, hasContact           bool
}

// composer expands frames for one split.
type composer struct {
	r     *rand.Rand
	split Split
	lex   *lexicon
	cat   *catalog
	cast  cast
	out   []piece
	used  []string // families of the frames used in the current document
	// innerClinical selects clinical documents for an {INNER} slot.
	innerClinical bool
	lastDrug      string // the MEDICATION drawn last, whose unit DOSE uses
}

func (c *composer) lit(s string)           { c.out = append(c.out, piece{text: s}) }
func (c *composer) ent(typ, s string)      { c.out = append(c.out, piece{text: s, typ: typ}) }
func (c *composer) pick(l []string) string { return l[c.r.IntN(len(l))] }
func (c *composer) chance(pct int) bool    { return c.r.IntN(100) < pct }

// from picks a value of a vocabulary that belongs to the composer's split.
func (c *composer) from(v *vocab) string { return c.pick(v.by[c.split]) }

// expand writes one parsed sequence.
func (c *composer) expand(q seq) {
	for _, nd := range q {
		switch {
		case nd.alts != nil:
			// Weight alternatives by their own variety so that every
			// surface frame is about equally likely.
			total := 0
			for _, a := range nd.alts {
				total += a.count()
			}
			k := c.r.IntN(total)
			for _, a := range nd.alts {
				if k < a.count() {
					c.expand(a)
					break
				}
				k -= a.count()
			}
		case nd.slot != "":
			c.slot(nd.slot)
		default:
			c.lit(nd.lit)
		}
	}
}

// frame expands a frame of a pool, drawn from the composer's split.
func (c *composer) frame(pool string) {
	fs := c.cat.bySplit[pool][c.split]
	f := fs[c.r.IntN(len(fs))]
	// Avoid repeating a frame within one document where the pool allows.
	for try := 0; try < maxRedraws && slices.Contains(c.used, f.Family()); try++ {
		f = fs[c.r.IntN(len(fs))]
	}
	c.used = append(c.used, f.Family())
	c.expand(f.seq)
}

func (c *composer) newPerson() person {
	p := person{given: c.from(c.lex.given), family: c.from(c.lex.family), female: c.chance(50)}
	if c.chance(15) {
		p.middle = string(middleInitials[c.r.IntN(len(middleInitials))])
	}
	if c.chance(4) {
		p.suffix = c.pick(nameSuffixes)
	}
	return p
}

// full writes a person's name in one of the forms notes and mail use;
// now and then upper case, as record headers write it ("OKAFOR, ADAEZE").
func (c *composer) full(p person) string {
	s := c.fullForm(p)
	if c.chance(upperNamePct) {
		s = strings.ToUpper(s)
	}
	return s
}

// upperNamePct is the share (percent) of full names written upper case in
// text that is otherwise as written.
const upperNamePct = 4

func (c *composer) fullForm(p person) string {
	switch k := c.r.IntN(100); {
	case k < 55:
		if p.suffix != "" {
			return p.given + " " + p.family + " " + p.suffix
		}
		return p.given + " " + p.family
	case k < 70 && p.middle != "":
		return p.given + " " + p.middle + ". " + p.family
	case k < 78:
		return p.given[:firstRuneLen(p.given)] + ". " + p.family
	case k < 88:
		return p.family + ", " + p.given
	case k < 92:
		return p.given + " " + c.from(c.lex.given) + " " + p.family
	}
	return p.given + " " + p.family
}

func firstRuneLen(s string) int {
	for i := range s {
		if i > 0 {
			return i
		}
	}
	return len(s)
}

func (c *composer) honorific(p person) string {
	switch {
	case c.chance(5):
		return c.pick(honorificsAny)
	case p.female:
		return c.pick(honorificsFemale)
	}
	return c.pick(honorificsMale)
}

func (c *composer) patient() person {
	if !c.cast.hasPt {
		c.cast.pt, c.cast.hasPt = c.newPerson(), true
	}
	return c.cast.pt
}

func (c *composer) doctor() person {
	if !c.cast.hasDoc {
		c.cast.doc, c.cast.hasDoc = c.newPerson(), true
	}
	return c.cast.doc
}

func (c *composer) nurse() person {
	if !c.cast.hasNurse {
		c.cast.nurse, c.cast.hasNurse = c.newPerson(), true
	}
	return c.cast.nurse
}

func (c *composer) me() person {
	if !c.cast.hasMe {
		c.cast.me, c.cast.hasMe = c.newPerson(), true
	}
	return c.cast.me
}

func (c *composer) contact() person {
	if !c.cast.hasContact {
		c.cast.contact, c.cast.hasContact = c.newPerson(), true
	}
	return c.cast.contact
}

func (c *composer) hospital() string {
	if c.cast.hosp == "" {
		c.cast.hosp = c.newHospital()
	}
	return c.cast.hosp
}

func (c *composer) newHospital() string {
	stem := c.from(c.lex.hospStem)
	switch k := c.r.IntN(10); {
	case k < 3:
		stem = c.from(c.lex.city)
	case k < 4:
		stem = c.from(c.lex.family)
	}
	return fmt.Sprintf(c.pick(careForms), stem)
}

func (c *composer) company() string {
	if c.cast.org == "" {
		c.cast.org = c.newCompany()
	}
	return c.cast.org
}

func (c *composer) newCompany() string {
	if c.chance(50) {
		return c.from(c.lex.company)
	}
	return fmt.Sprintf(c.pick(companyForms), c.from(c.lex.companyStem))
}

func (c *composer) drug() string {
	var d string
	if c.chance(18) {
		d = c.from(c.lex.brand)
	} else {
		d = c.from(c.lex.drug)
		if c.chance(15) {
			d = strings.ToUpper(d[:1]) + d[1:]
		}
	}
	c.lastDrug = d
	return d
}

func (c *composer) condition() string {
	if c.chance(40) {
		return c.from(c.lex.condAbbr)
	}
	return c.from(c.lex.cond)
}

// dose writes a DOSAGE value for the drug drawn last: a strength in the
// drug's usual unit (doseClasses) or a count of units, then, when they follow
// directly, a route and a frequency.
func (c *composer) dose() string {
	var d string
	cl, ok := doseClasses[strings.ToLower(c.lastDrug)]
	if !ok {
		cl = mgClass
	}
	if c.chance(80) || cl.name != "mg" {
		d = c.pick(cl.numbers) + " " + c.pick(cl.units)
		if c.chance(8) {
			d = strings.Replace(d, " ", "", 1) // "500mg" is one word; keep it whole
		}
	} else {
		d = c.pick(doseCounts) + " " + c.pick(doseForms)
	}
	if c.chance(45) {
		d += " " + c.pick(doseRoutes)
	}
	if c.chance(60) {
		d += " " + c.pick(doseFreqs)
	}
	return d
}

// medLine writes "drug dose", sometimes with an unlabelled tail.
func (c *composer) medLine() {
	c.ent(Medication, c.drug())
	if c.chance(85) {
		c.lit(" ")
		c.ent(Dosage, c.dose())
	}
	if c.chance(10) {
		c.lit(c.pick([]string{" x 7 days", " for 10 days", " (held)", " - taking", " - not taking", " x5d", " since last visit"}))
	}
}

func (c *composer) list(n int, item func(), seps []string) {
	sep := c.pick(seps)
	for i := range n {
		if i > 0 {
			if i == n-1 && sep == ", " && c.chance(40) {
				c.lit(", and ")
			} else {
				c.lit(sep)
			}
		}
		item()
	}
}

func (c *composer) asciiName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if f, ok := foldRune[r]; ok {
			b.WriteString(f)
		} else if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "user"
	}
	return b.String()
}

// foldRune maps common accented letters to ASCII for e-mail local parts.
var foldRune = map[rune]string{
	'á': "a", 'à': "a", 'â': "a", 'ä': "a", 'ã': "a", 'å': "a", 'ā': "a", 'ă': "a", 'é': "e", 'è': "e", 'ê': "e", 'ë': "e", 'ē': "e",
	'í': "i", 'ì': "i", 'î': "i", 'ï': "i", 'ı': "i", 'ó': "o", 'ò': "o", 'ô': "o", 'ö': "o", 'õ': "o", 'ø': "o", 'ú': "u", 'ù': "u",
	'û': "u", 'ü': "u", 'ç': "c", 'ñ': "n", 'ł': "l", 'ś': "s", 'ş': "s", 'ș': "s", 'ğ': "g", 'ž': "z", 'ź': "z", 'ż': "z", 'č': "c",
	'ć': "c", 'ř': "r", 'š': "s", 'ð': "d", 'ß': "ss", 'ễ': "e", 'ý': "y", 'ņ': "n",
}

func (c *composer) email(p person) string {
	g, f := c.asciiName(p.given), c.asciiName(p.family)
	var local string
	switch c.r.IntN(5) {
	case 0:
		local = g + "." + f
	case 1:
		local = g[:1] + f
	case 2:
		local = g + "_" + f + fmt.Sprint(c.r.IntN(100))
	case 3:
		local = f + "." + g
	default:
		local = g + f[:1]
	}
	return local + "@" + c.pick(emailDomainsSplit)
}

func (c *composer) phone() string {
	a := 201 + c.r.IntN(789)
	x := 200 + c.r.IntN(800)
	n := c.r.IntN(10000)
	var s string
	switch c.r.IntN(9) {
	case 0:
		s = fmt.Sprintf("(%03d) %03d-%04d", a, x, n)
	case 1:
		s = fmt.Sprintf("%03d.%03d.%04d", a, x, n)
	case 2:
		s = fmt.Sprintf("+1 %03d %03d %04d", a, x, n)
	case 3:
		s = fmt.Sprintf("(%03d)%03d-%04d", a, x, n)
	case 4:
		s = fmt.Sprintf("1-%03d-%03d-%04d", a, x, n)
	case 5:
		s = fmt.Sprintf("+44 20 %04d %04d", c.r.IntN(10000), n)
	case 6:
		s = fmt.Sprintf("%03d %03d %04d", a, x, n)
	default:
		s = fmt.Sprintf("%03d-%03d-%04d", a, x, n)
	}
	return s
}

func (c *composer) phoneExt() string {
	s := c.phone()
	if c.chance(35) {
		s += c.pick([]string{" ext. ", " ext ", " x", " x.", " extension "}) + fmt.Sprint(100+c.r.IntN(9900))
	}
	return s
}

func (c *composer) street() string {
	stem := c.from(c.lex.street)
	if c.chance(40) {
		stem = c.from(c.lex.family)
	}
	s := fmt.Sprintf("%d %s %s", 1+c.r.IntN(9999), stem, c.pick(streetTypes))
	if c.chance(25) {
		s += c.pick([]string{" ", ", "}) + c.pick(streetUnits) + " " + fmt.Sprint(1+c.r.IntN(40)) + c.pick([]string{"", "", "B", "C"})
	}
	return s
}

func (c *composer) address() string {
	s := c.street()
	if c.chance(60) {
		s += ", " + c.from(c.lex.city) + ", " + c.pick(usStateAbbr) + " " + fmt.Sprintf("%05d", 1000+c.r.IntN(98000))
	}
	return s
}

// date writes a date in one of the forms notes, mail and forms use; dob
// selects a birth year.
func (c *composer) date(dob bool) string {
	y := 2005 + c.r.IntN(22)
	if dob {
		y = 1928 + c.r.IntN(90)
	}
	m := c.r.IntN(12)
	d := 1 + c.r.IntN(28)
	k := c.r.IntN(14)
	if dob && (k == 7 || k == 8 || k == 11 || k == 12) {
		k = 5 // a birth date carries its year: "3/14/1956"
	}
	switch k {
	case 0:
		return fmt.Sprintf("%s %d, %d", monthNames[m], d, y)
	case 1:
		return fmt.Sprintf("%02d/%02d/%d", m+1, d, y)
	case 2:
		return fmt.Sprintf("%d-%02d-%02d", y, m+1, d)
	case 3:
		return fmt.Sprintf("%d %s %d", d, monthAbbr[m], y)
	case 4:
		return fmt.Sprintf("%d/%d/%02d", m+1, d, y%100)
	case 5:
		return fmt.Sprintf("%d/%d/%d", m+1, d, y)
	case 6:
		return fmt.Sprintf("%s %d, %d", monthAbbr[m], d, y)
	case 7:
		return fmt.Sprintf("%s %d", monthNames[m], d)
	case 8:
		return fmt.Sprintf("%d/%d", m+1, d)
	case 9:
		return fmt.Sprintf("%02d-%02d-%d", m+1, d, y)
	case 10:
		return fmt.Sprintf("%d.%d.%d", d, m+1, y)
	case 11:
		return fmt.Sprintf("%s %d%s", monthAbbr[m], d, ordinal(d))
	case 12:
		return fmt.Sprintf("%s %d", monthNames[m], y)
	}
	return fmt.Sprintf("%d %s %d", d, monthNames[m], y)
}

func ordinal(d int) string {
	switch {
	case d%10 == 1 && d != 11:
		return "st"
	case d%10 == 2 && d != 12:
		return "nd"
	case d%10 == 3 && d != 13:
		return "rd"
	}
	return "th"
}

func (c *composer) shortDate() string {
	m, d := 1+c.r.IntN(12), 1+c.r.IntN(28)
	if c.chance(25) {
		return fmt.Sprintf("%02d/%02d", m, d)
	}
	return fmt.Sprintf("%d/%d", m, d)
}

func (c *composer) time() string {
	h, m := c.r.IntN(24), 5*c.r.IntN(12)
	switch c.r.IntN(6) {
	case 0:
		return fmt.Sprintf("%02d%02d", h, m)
	case 1:
		return fmt.Sprintf("%02d:%02d", h, m)
	case 2:
		return fmt.Sprintf("%d:%02d %s", 1+(h+11)%12, m, c.pick([]string{"AM", "PM", "am", "pm", "a.m.", "p.m."}))
	case 3:
		return fmt.Sprintf("%d:%02d%s", 1+(h+11)%12, m, c.pick([]string{"am", "pm"}))
	case 4:
		return fmt.Sprintf("%02d%02d hrs", h, m)
	}
	return fmt.Sprintf("%d:%02d", h, m)
}

// age returns the document's age: one patient per note.
func (c *composer) age() string {
	if c.cast.age == "" {
		if c.chance(8) {
			c.cast.age = fmt.Sprint(1 + c.r.IntN(17))
		} else {
			c.cast.age = fmt.Sprint(18 + c.r.IntN(82))
		}
	}
	return c.cast.age
}

// ageUnits follow an AGE number; the AGE span covers the number alone, as
// presidio-synth labels it.
var ageUnits = []string{" yo", " y/o", " YO", " y.o.", "-year-old", " year old", " year-old", " yr old", " years old", " yrs old", " YEAR OLD", " yoM", " yoF"}

func (c *composer) vitals() string {
	parts := []string{
		fmt.Sprintf("BP %d/%d", 90+c.r.IntN(90), 50+c.r.IntN(50)),
		fmt.Sprintf("HR %d", 48+c.r.IntN(80)),
		fmt.Sprintf("RR %d", 10+c.r.IntN(20)),
		fmt.Sprintf("T %d.%d", 96+c.r.IntN(6), c.r.IntN(10)),
		fmt.Sprintf("SpO2 %d%%", 85+c.r.IntN(15)),
		fmt.Sprintf("O2 sat %d%% on %s", 85+c.r.IntN(15), c.pick([]string{"RA", "2L NC", "room air", "4L"})),
		fmt.Sprintf("Wt %d kg", 40+c.r.IntN(100)),
		fmt.Sprintf("pain %d/10", c.r.IntN(11)),
		fmt.Sprintf("BG %d", 60+c.r.IntN(300)),
	}
	c.r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	return strings.Join(parts[:3+c.r.IntN(4)], c.pick([]string{", ", " ", "; ", "  "}))
}

func (c *composer) labs() string {
	parts := []string{
		fmt.Sprintf("Na %d", 128+c.r.IntN(20)), fmt.Sprintf("K %d.%d", 3+c.r.IntN(3), c.r.IntN(10)),
		fmt.Sprintf("Cr %d.%d", c.r.IntN(4), c.r.IntN(10)), fmt.Sprintf("BUN %d", 5+c.r.IntN(60)),
		fmt.Sprintf("WBC %d.%d", 2+c.r.IntN(20), c.r.IntN(10)), fmt.Sprintf("Hgb %d.%d", 6+c.r.IntN(10), c.r.IntN(10)),
		fmt.Sprintf("Plt %d", 50+c.r.IntN(400)), fmt.Sprintf("A1c %d.%d%%", 5+c.r.IntN(8), c.r.IntN(10)),
		fmt.Sprintf("INR %d.%d", 1+c.r.IntN(3), c.r.IntN(10)), fmt.Sprintf("trop %d.%02d", c.r.IntN(2), c.r.IntN(100)),
		fmt.Sprintf("lactate %d.%d", c.r.IntN(6), c.r.IntN(10)), fmt.Sprintf("glucose %d", 60+c.r.IntN(300)),
	}
	c.r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	return strings.Join(parts[:2+c.r.IntN(4)], c.pick([]string{", ", " ", "; "}))
}
