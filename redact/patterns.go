package redact

import (
	"context"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// pattern is one regular expression with its validation. check receives the
// whole text and the candidate span (the match, or its span group) and
// returns the span to report, which may be trimmed, and whether to keep it.
type pattern struct {
	typ   string
	re    matcher
	group int // submatch holding the entity; 0 = whole match
	score float64
	check func(text string, s, e int) (int, int, bool)
}

// matcher finds a pattern's candidates: a *regexp.Regexp, or a finder (a
// word scan is much faster than a case-insensitive alternation of many
// words in RE2).
type matcher interface {
	FindAllStringSubmatchIndex(s string, n int) [][]int
}

// finder is a matcher written in Go; it returns every candidate (n is
// ignored) in FindAllStringSubmatchIndex's shape.
type finder func(text string) [][]int

func (f finder) FindAllStringSubmatchIndex(s string, _ int) [][]int { return f(s) }

// Context words (lower-case) that license formats too ambiguous alone.
var (
	ssnContext   = []string{"ssn", "ss#", "ss #", "social security", "soc sec", "social"}
	npiContext   = []string{"npi", "national provider"}
	phoneContext = []string{"phone", "tel", "telephone", "mobile", "cell", "fax", "call", "call me on", "contact", "number", "reach", "desk", "office", "answering", "messages", "registered", "whatsapp", "sms", "text me"}
)

// phoneExt is an optional extension after a phone number, part of the
// number's span: x6847, x.3015, ext 3218, ext. 12, extension 4.
const phoneExt = `(?: ?(?:[xX]\.?|[eE][xX][tT]\.?|[eE]xtension|EXTENSION) ?\d{1,6}\b)?`

// DefaultMRNContext are the words that introduce a medical record number.
var DefaultMRNContext = []string{"mrn", "mr#", "mr #", "medical record number", "medical record no", "medical record", "med rec", "record number", "record no", "patient id", "chart number", "chart no"}

var (
	reSSN = regexp.MustCompile(`\b(?:\d{3}-\d{2}-\d{4}|\d{3} \d{2} \d{4}|\d{9})\b`)

	rePhoneUS   = regexp.MustCompile(`(?:\+1[-. ]?|\b1[-. ])?(?:\(\d{3}\) ?|\b\d{3}[-. ])\d{3}[-. ]\d{4}` + phoneExt + `\b`)
	rePhoneIntl = regexp.MustCompile(`(?:\+|\b00)[1-9]\d{0,3}[-. ]?(?:\(0\)[-. ]?)?(?:\(\d{1,4}\)[-. ]?)?\d{1,5}(?:[-. ]?\d{1,5}){1,5}` + phoneExt + `\b`)
	rePhoneNat  = regexp.MustCompile(`(?:\(0?\d{1,4}\) ?\d{2,4}(?:[-. ]\d{2,4}){1,3}|\b0\d{1,4}[-. ]\d{2,8}(?:[-. ]\d{2,4}){0,3})` + phoneExt + `\b`)
	rePhoneCtx  = regexp.MustCompile(`\b(?:\d{2,4}(?:[-. ]\d{2,4}){1,4}|\d{7,12})\b`)

	reEmail = regexp.MustCompile(`\b[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}\b`)

	reCard = regexp.MustCompile(`\b\d(?:[ -]?\d){11,18}\b`)

	reIPv4 = regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}\b`)
	reIPv6 = regexp.MustCompile(`(?i)[0-9a-f:]*:[0-9a-f:]*:[0-9a-f:.]*(?:%[0-9a-z]+)?`)

	reURL = regexp.MustCompile(`(?i)\b(?:https?://|ftp://|www\.)[^\s<>"'\x60]+`)

	reNPI  = regexp.MustCompile(`\b[12]\d{9}\b`)
	reIBAN = regexp.MustCompile(`(?i)\b[a-z]{2}\d{2}(?: ?[a-z0-9]{4}){2,7}(?: ?[a-z0-9]{1,4})?\b`)
)

// Date patterns: numeric (ISO y-m-d with an optional time, m/d/y or d/m/y)
// and textual (January 5, 2020; 5th of Jan 2020; Jan. 2020). Month names
// must be capitalised or upper-case, so "may" the verb is not a date. A bare
// weekday is not reported, nor a bare year outside the history context of
// clinical_patterns.go (S/P MI 1992, in 2004, (2011)).
var (
	reDateISO = regexp.MustCompile(`\b(\d{4})([-/.])(\d{1,2})([-/.])(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?\b`)
	reDateNum = regexp.MustCompile(`\b(\d{1,2})([-/.])(\d{1,2})([-/.])(\d{4}|\d{2})\b`)
	monthRE   = monthAlternation()
	ordinalRE = `(?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?`
	reDateTxt = regexp.MustCompile(`\b(?:` +
		monthRE + `\.? ` + ordinalRE + `(?:,? \d{4})?` + // January 5(, 2020)
		`|` + ordinalRE + `(?: of)? ` + monthRE + `\.?(?:,? \d{4})?` + // 5(th)( of) January( 2020)
		`|` + monthRE + `\.?,? \d{4}` + // January 2020
		`)\b`)
)

var months = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

func monthAlternation() string {
	var alts []string
	for _, m := range months {
		for _, v := range []string{m, strings.ToUpper(m)} {
			if len(v) > 4 {
				// Jan(uary)?, with "Sept" as well as "Sep".
				alt := v[:3] + "(?:" + v[3:] + ")?"
				if strings.EqualFold(m, "September") {
					alt = v[:3] + "(?:" + v[3:4] + "(?:" + v[4:] + ")?)?"
				}
				alts = append(alts, alt)
			} else {
				alts = append(alts, v)
			}
		}
	}
	return "(?:" + strings.Join(alts, "|") + ")"
}

// Street addresses: a house number, a capitalised street name of one to
// four words (or an ordinal, 5th), a street suffix, then optionally a unit
// and "City, ST 12345". Also PO boxes.
var (
	streetSuffix = `(?:Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Loop|Alley|Aly|Plaza|Plz|Crescent|Row|Path|Pike|Route|Rte|Expressway|Expy|Freeway|Fwy|Center|Ctr|Point|Pt|Ridge|Run|Walk)`
	usStates     = `(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|GU|VI|AA|AE|AP)`
	addressUnit  = `,? (?:Apt|Apartment|Suite|Ste|Unit|Room|Rm|Floor|Fl|#)\.? ?#?[A-Za-z0-9-]+`
	cityStateZip = `,?\s+\p{Lu}[\p{L}.'-]*(?: \p{Lu}[\p{L}.'-]*){0,3},? ` + usStates + `\.?,? \d{5}(?:-\d{4})?\b`
	reAddress    = regexp.MustCompile(`\b\d{1,6}[A-Z]?(?: (?:[NSEW]\.?|North|South|East|West|NE|NW|SE|SW))?(?: (?:[A-Z][A-Za-z'-]*|\d{1,3}(?:st|nd|rd|th))){1,4} ` +
		streetSuffix + `\b\.?` +
		`(?:` + addressUnit + `)?(?:` + cityStateZip + `)?`)
	// reAddressNoSuffix covers addresses whose street name carries no
	// suffix word ("252 Clubtown Apt 8, Tulsa, OK 74103", "9 Via Roma,
	// Austin, TX 78701"): a house number and a capitalised name are accepted
	// only when a unit or a "City, ST 12345" trailer follows, which keeps
	// "3 Dogs" and "12 Angry Men" out.
	reAddressNoSuffix = regexp.MustCompile(`\b\d{1,6}[A-Z]?(?: (?:[NSEW]\.?|North|South|East|West|NE|NW|SE|SW))?(?: [A-Z][A-Za-z'-]*){1,4}` +
		`(?:` + addressUnit + `(?:` + cityStateZip + `)?|` + cityStateZip + `)`)
	rePOBox = regexp.MustCompile(`(?i)\bP\.? ?O\.? Box \d{1,6}\b`)
	// US military mail: PSC 0413, Box 8144 APO AA 42323 (the last line
	// optional).
	reMilitary = regexp.MustCompile(`\b(?:PSC|CMR|Unit) \d{1,5},? Box \d{1,5}(?:,?\s+[AFD]PO (?:AA|AE|AP) \d{5})?\b`)
	// A unit on its own: Apt. 595, Suite 501.
	reUnit = regexp.MustCompile(`\b(?:Apt|Apartment|Suite|Ste)\.? ?#?\d{1,5}[A-Z]?\b`)
)

// mrnPattern builds the MRN expression: a context word, optional
// punctuation and "no."/"number"/"is"/"#", then the number. The number is
// up to three letters followed by 4–12 digits, or 2–4 digit groups joined by
// '-'. Only the number is reported.
func mrnPattern(words []string) *regexp.Regexp {
	var alts []string
	for _, w := range words {
		w = strings.TrimSpace(strings.ToLower(w))
		if w == "" {
			continue
		}
		alts = append(alts, strings.ReplaceAll(regexp.QuoteMeta(w), `\ `, `\s+`))
	}
	if len(alts) == 0 {
		return nil
	}
	return regexp.MustCompile(`(?i)\b(?:` + strings.Join(alts, "|") + `)(?:\s*(?:no\.?|num\.?|number|#|is|:|-))*\s*(\d{2,4}-\d{2,4}-\d{2,4}|[a-z]{0,3}-?\d{4,12})\b`)
}

func keep(_ string, s, e int) (int, int, bool) { return s, e, true }

// notStreetWords are the words of clinical shorthand that a house number
// and capitalised words before a "#N" would otherwise read as an address
// without a street suffix: 28 YO M POD #10, 52 YOM GENTLEMAN POD #8.
var notStreetWords = wordSet("YO", "YOM", "YOF", "Y/O", "YR", "YRS", "YEAR", "YEARS", "YEAR-OLD", "YEARS-OLD", "OLD",
	"POD", "HD", "DAY", "DAYS", "WK", "WKS", "WEEK", "WEEKS", "MO", "MOS", "MONTH", "MONTHS", "M", "F", "MAN", "WOMAN",
	"MALE", "FEMALE", "GENTLEMAN", "LADY", "BOY", "GIRL", "PT", "PATIENT", "BED", "G", "P", "GRAVIDA", "PARA")

// checkAddress leaves a final abbreviation dot to the sentence when the
// sentence ends there: "moved to 12 Oak Ave." and "from 12 Oak Ave. EKG
// done" end the address before the dot, "ship to 4 Elm St. please" keeps it.
func checkAddress(text string, s, e int) (int, int, bool) {
	if text[e-1] == '.' && sentenceEnds(text, e) {
		e--
	}
	return s, e, true
}

// sentenceEnds reports whether a '.' just before text[i:] ends a sentence:
// the text ends, a line ends, or a space and a capital or digit follow.
func sentenceEnds(text string, i int) bool {
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	if i == len(text) || text[i] == '\n' || text[i] == '\r' {
		return true
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return (unicode.IsUpper(r) || unicode.IsDigit(r)) && i > 0 && (text[i-1] == ' ' || text[i-1] == '\t')
}

// checkAddressNoSuffix refuses a suffix-less address whose street words
// are clinical shorthand.
func checkAddressNoSuffix(text string, s, e int) (int, int, bool) {
	m := text[s:e]
	if c := strings.IndexAny(m, ",#"); c >= 0 {
		m = m[:c]
	}
	for _, w := range strings.Fields(m) {
		if notStreetWords[strings.ToUpper(w)] {
			return 0, 0, false
		}
	}
	return s, e, true
}

func checkSSN(text string, s, e int) (int, int, bool) {
	m := text[s:e]
	if partOfLongerNumber(text, s, e) || !validSSN(digitsOf(m)) {
		return 0, 0, false
	}
	// Bare nine digits are too common (order numbers, ids) to be an SSN
	// without a nearby context word.
	if len(m) == 9 && !hasContext(text, s, ssnContext) {
		return 0, 0, false
	}
	return s, e, true
}

func checkPhoneUS(text string, s, e int) (int, int, bool) {
	d := phoneDigits(text[s:e])
	if len(d) == 11 {
		d = d[1:]
	}
	// NANP: the area code starts with 2–9. (The exchange should too, but
	// generated and mistyped numbers often break that rule, and a 3-3-4
	// grouped number is a phone number whatever its exchange.)
	if len(d) != 10 || d[0] < '2' || partOfLongerNumber(text, s, e) {
		return 0, 0, false
	}
	return s, e, true
}

// phoneDigits returns the digits of a phone match without its extension.
func phoneDigits(m string) string {
	if ext := strings.IndexAny(strings.ToLower(m), "xe"); ext >= 0 {
		m = m[:ext]
	}
	return digitsOf(m)
}

func checkPhoneIntl(text string, s, e int) (int, int, bool) {
	n := len(phoneDigits(text[s:e]))
	if n < 8 || n > 15 || partOfLongerNumber(text, s, e) {
		return 0, 0, false
	}
	return s, e, true
}

func checkPhoneNat(text string, s, e int) (int, int, bool) {
	n := len(phoneDigits(text[s:e]))
	min := 9
	if text[s] == '(' {
		min = 8 // (37) 788-063: an area code in brackets is evidence enough
	}
	if n < min || n > 12 || partOfLongerNumber(text, s, e) || looksLikeDate(text[s:e]) {
		return 0, 0, false
	}
	return s, e, true
}

// checkPhoneCtx accepts loosely grouped numbers after a word such as
// "phone" or "call".
func checkPhoneCtx(text string, s, e int) (int, int, bool) {
	n := len(digitsOf(text[s:e]))
	if n < 7 || n > 15 || partOfLongerNumber(text, s, e) || looksLikeDate(text[s:e]) || !hasContext(text, s, phoneContext) {
		return 0, 0, false
	}
	return s, e, true
}

// looksLikeDate reports whether all of m is a valid numeric date.
func looksLikeDate(m string) bool {
	for _, p := range []struct {
		re    *regexp.Regexp
		check func(string, int, int) (int, int, bool)
	}{{reDateISO, checkDateISO}, {reDateNum, checkDateNum}} {
		if loc := p.re.FindStringIndex(m); loc != nil && loc[0] == 0 && loc[1] == len(m) {
			if _, _, ok := p.check(m, 0, len(m)); ok {
				return true
			}
		}
	}
	return false
}

func checkEmail(text string, s, e int) (int, int, bool) {
	local := text[s : strings.IndexByte(text[s:e], '@')+s]
	if strings.Contains(local, "..") || strings.HasSuffix(local, ".") || len(local) > 64 {
		return 0, 0, false
	}
	return s, e, true
}

func checkCard(text string, s, e int) (int, int, bool) {
	m := text[s:e]
	d := digitsOf(m)
	if len(d) < 12 || len(d) > 19 || !luhn(d) || partOfLongerNumber(text, s, e) {
		return 0, 0, false
	}
	// Separators, if any, must be all spaces or all dashes.
	if strings.Contains(m, " ") && strings.Contains(m, "-") {
		return 0, 0, false
	}
	if !cardPrefix(d) {
		return 0, 0, false
	}
	return s, e, true
}

// cardPrefix accepts the issuer ranges of the major networks: Visa 4,
// Mastercard 51–55 and 2221–2720, Amex 34/37, Diners 30/36/38/39, JCB 35,
// 2131, 1800, Discover/UnionPay/Maestro 6, Maestro 50/56–58.
func cardPrefix(d string) bool {
	p2, _ := strconv.Atoi(d[:2])
	p4, _ := strconv.Atoi(d[:4])
	switch {
	case d[0] == '4', d[0] == '6', d[0] == '3':
		return true
	case p2 >= 50 && p2 <= 58:
		return true
	case p4 >= 2221 && p4 <= 2720, p4 == 2131, p4 == 1800:
		return true
	}
	return false
}

func checkIPv4(text string, s, e int) (int, int, bool) {
	if partOfLongerNumber(text, s, e) {
		return 0, 0, false
	}
	a, err := netip.ParseAddr(text[s:e]) // rejects octets > 255 and leading zeros
	if err != nil || !a.Is4() {
		return 0, 0, false
	}
	return s, e, true
}

func checkIPv6(text string, s, e int) (int, int, bool) {
	m := text[s:e]
	// Trim a trailing '.' or ':' that ends a sentence.
	for len(m) > 0 && (m[len(m)-1] == '.' || m[len(m)-1] == ':') && !strings.HasSuffix(m, "::") {
		m = m[:len(m)-1]
	}
	e = s + len(m)
	if !wordBounded(text, s, e) || strings.Count(m, ":") < 2 || digitsOrHex(m) < 1 {
		return 0, 0, false
	}
	a, err := netip.ParseAddr(m)
	if err != nil || !a.Is6() || a.Is4In6() && !strings.Contains(m, ".") {
		return 0, 0, false
	}
	return s, e, true
}

func digitsOrHex(m string) int {
	n := 0
	for i := 0; i < len(m); i++ {
		c := upper(m[i])
		if isDigit(c) || c >= 'A' && c <= 'F' {
			n++
		}
	}
	return n
}

func checkURL(text string, s, e int) (int, int, bool) {
	// Trailing punctuation ends the sentence, not the URL; a closing
	// bracket stays only if the URL opened one.
	for e > s {
		c := text[e-1]
		if strings.IndexByte(".,;:!?'\"", c) >= 0 {
			e--
			continue
		}
		if (c == ')' && strings.Count(text[s:e], "(") < strings.Count(text[s:e], ")")) ||
			(c == ']' && strings.Count(text[s:e], "[") < strings.Count(text[s:e], "]")) {
			e--
			continue
		}
		break
	}
	m := strings.ToLower(text[s:e])
	for _, p := range []string{"https://", "http://", "ftp://", "www."} {
		if m == p || strings.TrimPrefix(m, p) == "" {
			return 0, 0, false
		}
	}
	if !strings.Contains(strings.TrimPrefix(strings.TrimPrefix(m, "www."), "//"), ".") && !strings.Contains(m, "localhost") {
		return 0, 0, false
	}
	return s, e, true
}

func checkNPI(text string, s, e int) (int, int, bool) {
	if !validNPI(text[s:e]) || partOfLongerNumber(text, s, e) || !hasContext(text, s, npiContext) {
		return 0, 0, false
	}
	return s, e, true
}

func checkIBAN(text string, s, e int) (int, int, bool) {
	if !validIBAN(strings.ReplaceAll(text[s:e], " ", "")) {
		return 0, 0, false
	}
	return s, e, true
}

func checkDateISO(text string, s, e int) (int, int, bool) {
	sub := reDateISO.FindStringSubmatch(text[s:e])
	y, _ := strconv.Atoi(sub[1])
	m, _ := strconv.Atoi(sub[3])
	d, _ := strconv.Atoi(sub[5])
	if sub[2] != sub[4] || y < 1000 || y > 2999 || !validDay(m, d) || partOfLongerNumber(text, s, e) {
		return 0, 0, false
	}
	return s, e, true
}

func checkDateNum(text string, s, e int) (int, int, bool) {
	sub := reDateNum.FindStringSubmatch(text[s:e])
	a, _ := strconv.Atoi(sub[1])
	b, _ := strconv.Atoi(sub[3])
	if sub[2] != sub[4] || partOfLongerNumber(text, s, e) {
		return 0, 0, false
	}
	// Either month/day or day/month must be a real date.
	if !validDay(a, b) && !validDay(b, a) {
		return 0, 0, false
	}
	// Dots with two-digit years are version numbers more often than dates.
	if sub[2] == "." && len(sub[5]) == 2 {
		return 0, 0, false
	}
	return s, e, true
}

func checkDateTxt(text string, s, e int) (int, int, bool) {
	if partOfLongerNumber(text, s, e) {
		return 0, 0, false
	}
	return s, e, true
}

func validDay(m, d int) bool {
	days := [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	return m >= 1 && m <= 12 && d >= 1 && d <= days[m]
}

func checkMRN(text string, s, e int) (int, int, bool) {
	if len(digitsOf(text[s:e])) < 4 {
		return 0, 0, false
	}
	return s, e, true
}

// basePatterns are every built-in pattern except MRN, whose context words
// are configurable.
var basePatterns = []pattern{
	{TypeSSN, reSSN, 0, 0.95, checkSSN},
	{TypePhone, rePhoneUS, 0, 0.9, checkPhoneUS},
	{TypePhone, rePhoneIntl, 0, 0.9, checkPhoneIntl},
	{TypePhone, rePhoneNat, 0, 0.75, checkPhoneNat},
	{TypePhone, rePhoneCtx, 0, 0.7, checkPhoneCtx},
	{TypeEmail, reEmail, 0, 0.99, checkEmail},
	{TypeCreditCard, reCard, 0, 0.95, checkCard},
	{TypeIP, reIPv4, 0, 0.95, checkIPv4},
	{TypeIP, reIPv6, 0, 0.95, checkIPv6},
	{TypeDate, reDateISO, 0, 0.9, checkDateISO},
	{TypeDate, reDateNum, 0, 0.85, checkDateNum},
	{TypeDate, finder(findDateTxt), 0, 0.9, checkDateTxt},
	{TypeURL, reURL, 0, 0.95, checkURL},
	{TypeAddress, reAddress, 0, 0.85, checkAddress},
	{TypeAddress, reAddressNoSuffix, 0, 0.8, checkAddressNoSuffix},
	{TypeAddress, rePOBox, 0, 0.85, keep},
	{TypeAddress, reMilitary, 0, 0.85, keep},
	{TypeAddress, reUnit, 0, 0.7, keep},
	{TypeNPI, reNPI, 0, 0.95, checkNPI},
	{TypeIBAN, reIBAN, 0, 0.99, checkIBAN},
}

// RegexDetector finds structured identifiers with regular expressions and
// validates each candidate (checksums, value ranges, context words).
type RegexDetector struct {
	patterns []pattern
	types    []string
}

// NewRegexDetector returns a detector for the given types (nil = all
// pattern types) with the given MRN context words (nil =
// DefaultMRNContext).
func NewRegexDetector(types []string, mrnContext []string) *RegexDetector {
	if mrnContext == nil {
		mrnContext = DefaultMRNContext
	}
	all := append(append([]pattern{}, basePatterns...), clinicalPatterns...)
	if re := mrnPattern(mrnContext); re != nil {
		all = append(all, pattern{TypeMRN, re, 1, 0.9, checkMRN})
	}
	want := map[string]bool{}
	for _, t := range types {
		want[t] = true
	}
	d := &RegexDetector{}
	seen := map[string]bool{}
	for _, p := range all {
		if types != nil && !want[p.typ] {
			continue
		}
		d.patterns = append(d.patterns, p)
		if !seen[p.typ] {
			seen[p.typ] = true
			d.types = append(d.types, p.typ)
		}
	}
	return d
}

// PatternTypes are the types the regex detector can find.
var PatternTypes = []string{TypeSSN, TypePhone, TypeEmail, TypeMRN, TypeCreditCard, TypeIP, TypeDate, TypeURL, TypeAddress, TypeNPI, TypeIBAN, TypeAge, TypePerson}

func (d *RegexDetector) Name() string    { return SourceRegex }
func (d *RegexDetector) Types() []string { return append([]string(nil), d.types...) }

// Detect returns every validated match. Matches of different patterns may
// overlap; the engine's merge resolves them.
func (d *RegexDetector) Detect(ctx context.Context, text string) ([]Entity, error) {
	return d.detect(ctx, text, nil)
}

func (d *RegexDetector) detect(ctx context.Context, text string, only map[string]bool) ([]Entity, error) {
	var out []Entity
	for i := range d.patterns {
		p := &d.patterns[i]
		if only != nil && !only[p.typ] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for _, loc := range p.re.FindAllStringSubmatchIndex(text, -1) {
			s, e := loc[2*p.group], loc[2*p.group+1]
			if s < 0 {
				continue
			}
			if s, e, ok := p.check(text, s, e); ok && e > s {
				out = append(out, Entity{Type: p.typ, Start: s, End: e, Score: p.score, Source: SourceRegex})
			}
		}
	}
	sortEntities(out)
	if only == nil || only[TypeDate] {
		out = joinDateTimes(text, out)
	}
	return out, nil
}
