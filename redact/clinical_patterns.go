package redact

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Detectors for what clinical notes write (issue 16): dates without a year,
// bare years in history lines, ages, times of day, phone extensions, and
// names after a title or a label. A bare number is ambiguous — 7/22 is a
// date, 4/10 a pain score, 2004 a year or a lab value, 0800 a time or a
// count — so every pattern here has a validation and, where the number
// alone is not enough, context words; the negative cases (vitals such as
// BP 120/80, doses such as 5/325 mg, fractions, scores such as GCS 15, lab
// values) are in clinical_patterns_test.go. Times are DATE: the plan has
// no TIME type, and HIPAA Safe Harbor counts every element of a date,
// times included.

// clinicalPatterns are added to basePatterns.
var clinicalPatterns = []pattern{
	{TypeDate, reDateNoYear, 0, 0.8, checkDateNoYear},
	{TypeDate, finder(findMonDash), 0, 0.9, checkDateTxt},
	{TypeDate, reHistoryYear, 0, 0.75, checkHistoryYear},
	{TypeDate, reTimeColon, 0, 0.85, checkTimeColon},
	{TypeDate, reTimeAMPM, 0, 0.85, checkTimeColon},
	{TypeDate, reTimeMilitary, 0, 0.75, checkTimeMilitary},
	{TypeAge, reAgeUnit, 0, 0.9, checkAgeUnit},
	{TypeAge, finder(findAgeWord), 1, 0.85, checkAgeNumber},
	{TypeAge, reAgeSex, 1, 0.8, checkAgeSex},
	{TypePhone, reExtWord, 0, 0.8, checkExt},
	{TypePhone, reExtX, 0, 0.75, checkExtX},
	{TypePerson, reNameTitle, 0, 0.8, checkNameAfter(1, 3)},
	{TypePerson, finder(findLabel), 0, 0.8, checkNameAfter(1, 4)},
	{TypePerson, finder(findRelation), 0, 0.75, checkNameAfter(1, 3)},
	{TypePerson, finder(findPT), 0, 0.7, checkNameAfter(2, 3)},
}

var (
	// 7/22, 12/05: month/day, US order, no year.
	reDateNoYear = regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})\b`)
	// JAN-05-2019, 05-JAN-2019.
	reDateMonDash = regexp.MustCompile(`\b(?:` + monthRE + `-(?:[0-2]?\d|3[01])-(?:\d{4}|\d{2})|(?:[0-2]?\d|3[01])-` + monthRE + `-(?:\d{4}|\d{2}))\b`)
	// A year 1900–2049 (context decides).
	reHistoryYear = regexp.MustCompile(`\b(?:19\d\d|20[0-4]\d)\b`)
	// 14:30, 02:15:09, 4:45 PM.
	reTimeColon = regexp.MustCompile(`\b(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?: ?` + ampm + `)?`)
	// 2 PM, 11am.
	reTimeAMPM = regexp.MustCompile(`\b(?:1[0-2]|0?[1-9]) ?` + ampm)
	// AM, pm, a.m. (a sentence's full stop after "pm" is not part of it).
	ampm = `(?:[AaPp]\.[Mm]\.|[AaPp][Mm]\b)`
	// 0800, 2300: four digits, a valid 24-hour clock time (context decides).
	reTimeMilitary = regexp.MustCompile(`\b(?:[01]\d|2[0-3])[0-5]\d\b`)

	// 58 YEAR OLD, 58-year-old, 58 yo, 58 y/o, 38 y.o., 3 years of age,
	// 18 months old, 47 YOM / 98 yoF (years old male/female); the number is
	// reported.
	reAgeUnit = regexp.MustCompile(`(?i)\b\d{1,3}(?:[ -]?(?:years?|yrs?|y)[ -]?(?:old|o)\b|[ -]?y/o\b|[ -]?y\.o\.?|[ -]?yo[amf]?\b|[ -]years? of age\b|[ -]?(?:months?|mos?|weeks?|wks?|days?)[ -]old\b)`)
	// 58M, 52 F: the number, in a clinical position (see checkAgeSex).
	reAgeSex = regexp.MustCompile(`\b(\d{1,3}) ?[MF]\b`)

	// EXT. 12, extension 402.
	reExtWord = regexp.MustCompile(`(?i)\b(?:ext|extension)\.? ?\d{1,6}\b`)
	// x1234 after a phone context word.
	reExtX = regexp.MustCompile(`\b[xX]\d{2,6}\b`)
)

// asciiWords calls f with the bounds of every run of ASCII letters in
// text that is not glued to another letter, digit or '_' (Unicode-aware).
func asciiWords(text string, f func(s, e int)) {
	for i := 0; i < len(text); {
		c := text[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			i++
			continue
		}
		j := i + 1
		for j < len(text) && (text[j] >= 'A' && text[j] <= 'Z' || text[j] >= 'a' && text[j] <= 'z') {
			j++
		}
		if wordBounded(text, i, j) {
			f(i, j)
		}
		i = j
	}
}

// upperWord returns text[s:e] upper-cased, in buf.
func upperWord(buf []byte, text string, s, e int) []byte {
	buf = buf[:0]
	for i := s; i < e; i++ {
		buf = append(buf, upper(text[i]))
	}
	return buf
}

// monthWords are the spellings monthRE accepts, for findMonDash.
var monthWords = func() map[string]bool {
	m := map[string]bool{}
	for _, name := range months {
		for _, v := range []string{name, strings.ToUpper(name)} {
			m[v] = true
			m[v[:3]] = true
			if strings.EqualFold(name, "September") {
				m[v[:4]] = true
			}
		}
	}
	return m
}()

// findMonDash finds JAN-05-2019 and 05-JAN-2019: a month word with a '-'
// on one side, checked with reDateMonDash around it.
func findMonDash(text string) [][]int {
	const reach = 8 // "05-" before, "-05-2019" after
	dash := func(s, e int) bool { return e < len(text) && text[e] == '-' || s > 0 && text[s-1] == '-' }
	return findAroundMonth(text, reDateMonDash, reach, reach, dash)
}

// findDateTxt finds reDateTxt's dates (January 5, 2020; 5th of Jan 2020;
// Jan. 2020) by their month word: reDateTxt runs only on a small window
// around each month word, not over the whole text, where its alternation
// of 26 month spellings after every word boundary is the regex layer's
// most expensive scan (328 ms of 240 KB of names).
func findDateTxt(text string) [][]int {
	// "31st of " before the month; ". 31st, 2020" after it.
	return findAroundMonth(text, reDateTxt, len("31st of "), len(". 31st, 2020"), nil)
}

// findAroundMonth runs re on a window reaching before bytes before and
// after bytes after each month word accepted by near (nil: every one), and
// returns the word-bounded matches that contain the month word.
func findAroundMonth(text string, re *regexp.Regexp, before, after int, near func(s, e int) bool) [][]int {
	var out [][]int
	last := -1
	asciiWords(text, func(s, e int) {
		if !monthWords[text[s:e]] || s < last || near != nil && !near(s, e) {
			return
		}
		from, to := max(0, s-before), min(len(text), e+after)
		for from > 0 && !utf8.RuneStart(text[from]) {
			from--
		}
		for to < len(text) && !utf8.RuneStart(text[to]) {
			to++
		}
		for _, m := range re.FindAllStringIndex(text[from:to], -1) {
			ms, me := from+m[0], from+m[1]
			if ms <= s && me >= e && ms >= last && wordBounded(text, ms, me) {
				out = append(out, []int{ms, me})
				last = me
			}
		}
	})
	return out
}

// findAgeWord finds "aged 58", "age 58", "AGE: 93", "age of 58", "turned
// 58" (any case); group 1 is the number.
func findAgeWord(text string) [][]int {
	var out [][]int
	asciiWords(text, func(s, e int) {
		w := strings.ToLower(text[s:e])
		switch w {
		case "age", "aged", "turned", "turns", "turning":
		default:
			return
		}
		i := e
		skipSpace := func() {
			for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
				i++
			}
		}
		skipSpace()
		if i+2 < len(text) && strings.EqualFold(text[i:i+2], "of") && text[i+2] == ' ' {
			i += 2
			skipSpace()
		} else if i < len(text) && text[i] == ':' {
			i++
			skipSpace()
		}
		j := i
		for j < len(text) && j-i < 4 && isDigit(text[j]) {
			j++
		}
		if n := j - i; n == 0 || n > 3 || !wordBounded(text, i, j) {
			return
		}
		out = append(out, []int{s, j, i, j})
	})
	return out
}

// Words around a number that make it something other than a date, time or
// age (upper-case).
var (
	// Before a slash pair: scores and vitals.
	fractionBefore = wordSet("BP", "B/P", "SBP", "DBP", "PAIN", "GCS", "SCORE", "STRENGTH", "POWER", "MOTOR", "GRADE", "RATIO", "APGAR", "X", "PHQ", "MMSE", "MOCA", "VISION", "VA", "BREATHS")
	// Before a card's MM/YY expiry, which dates no person.
	expiryBefore = wordSet("EXP", "EXPIRY", "EXPIRES", "EXPIRATION", "THRU", "VALID")
	// After a number: units, and nouns a number counts.
	unitAfter = wordSet("MG", "MCG", "ML", "G", "GM", "GRAM", "GRAMS", "KG", "LB", "LBS", "L", "CC", "MMOL", "MEQ", "UNITS", "UNIT", "U", "IU", "TAB", "TABS", "TABLET", "TABLETS", "CAP", "CAPS", "PUFF", "PUFFS", "DROPS", "STRENGTH", "OF", "MMHG", "PAIN", "SCALE", "DILUTION", "CELLS", "CM", "MM", "IN", "FT", "PACK", "PK", "X", "PERCENT", "MIN", "MINS", "SEC", "SECS", "BPM", "KCAL")
	// Before a number: lab tests and vitals whose value it is.
	labBefore = wordSet("CK", "CPK", "BNP", "NT-PROBNP", "LDH", "PLT", "PLTS", "WBC", "GLU", "GLUCOSE", "BG", "FSBG", "TROP", "WT", "HT", "UOP", "LDL", "HDL", "TG", "CHOL", "HR", "BP", "RR", "SBP", "AST", "ALT", "ALP", "CR", "BUN", "NA", "K", "CL", "CO2", "HGB", "HCT", "INR", "PTT", "FERRITIN", "B12", "TSH", "PSA", "AFP", "CEA", "CA", "IGE", "LIPASE", "AMYLASE", "INTAKE", "OUTPUT", "I/O", "VOL", "TOTAL", "TV", "PEEP", "FIO2", "SAT", "SPO2", "EBL", "DOSE", "QTC", "QT", "PR", "QRS", "ROOM", "RM", "BED", "#", "NO", "ID")
	// Before a month/day: words that make a fraction-like pair a date.
	dateContext = []string{"on", "since", "date", "dos", "dob", "adm", "admit", "admitted", "d/c", "dc", "discharge", "discharged", "f/u", "fu", "appt", "appointment", "visit", "seen", "labs", "lab", "lmp", "edd", "last", "next", "from", "until", "thru", "through", "by", "after", "before", "dated", "scheduled", "note", "report", "surgery", "due", "service", "today", "started", "stopped", "as of", "@"}
	// Before a bare year.
	yearBefore = wordSet("IN", "SINCE", "QUIT", "DX", "DX'D", "DIAGNOSED", "FROM", "UNTIL", "CIRCA", "C.", "CA.", "AGAIN", "YEAR", "YR", "BACK", "EARLY", "LATE", "MID", "SUMMER", "WINTER", "SPRING", "AUTUMN", "BORN", "DOB", "THRU", "THROUGH", "DURING", "STOPPED", "STARTED", "BEGAN", "TILL")
	// A history marker earlier on the line licenses a year after a
	// condition or procedure word (S/P MI 1992, CABG 2004).
	historyMarks = []string{"s/p", "h/o", "hx", "pmh", "psh", "history", "prior", "previous", "hpi"}
	// Before a four-digit clock time.
	timeBefore = wordSet("@", "AT", "BY", "TIME", "TOD", "DEATH", "UNTIL", "TILL", "APPROX", "APPROX.", "APPROXIMATELY", "AROUND", "BEFORE", "AFTER", "SINCE", "STARTING", "ONSET", "~", "CALLED", "ARRIVED", "NOTIFIED", "GIVEN")
	// After a four-digit clock time.
	timeAfter = wordSet("HRS", "HOURS", "H", "HOURS.", "HRS.")
	// Before a "58M": temperature words (100 F is a fever).
	tempBefore = wordSet("T", "TEMP", "TMAX", "TEMPERATURE", "FEVER", "FEBRILE", "TO", "OF", "AT", "X")
	// Before a "58M": words that open a patient description.
	ageSexBefore = wordSet("A", "AN", "IS", "PT", "PATIENT", "THIS", "PT:", "PATIENT:")
)

func wordSet(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// prevToken returns the upper-cased token (non-space run) before s,
// skipping spaces, and whether a line start lies between it and s (or
// nothing precedes s).
func prevToken(text string, s int) (string, bool) {
	i := s
	for i > 0 && (text[i-1] == ' ' || text[i-1] == '\t') {
		i--
	}
	if i == 0 || text[i-1] == '\n' || text[i-1] == '\r' {
		return "", true
	}
	j := i
	for j > 0 && !isSpaceByte(text[j-1]) {
		j--
	}
	return strings.ToUpper(text[j:i]), false
}

// nextToken returns the upper-cased token after e, skipping spaces (not
// line breaks).
func nextToken(text string, e int) string {
	i := e
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	j := i
	for j < len(text) && !isSpaceByte(text[j]) {
		j++
	}
	return strings.ToUpper(text[i:j])
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// bareWord strips punctuation around a token: "(DX" → "DX", "MG," → "MG".
func bareWord(t string) string {
	return strings.Trim(t, "()[],;:.!?\"'")
}

// unitFollows reports whether the token after e is a unit or counted noun,
// or e is followed directly by '%' or a letter unit ("10MG").
func unitFollows(text string, e int) bool {
	if e < len(text) && (text[e] == '%' || text[e] == '/') {
		return true
	}
	return unitAfter[bareWord(nextToken(text, e))]
}

// labPrecedes reports whether the token before s names a lab test or
// vital sign (the number is its value) or is '#'.
func labPrecedes(text string, s int) bool {
	if s > 0 && (text[s-1] == '#' || text[s-1] == '$') {
		return true
	}
	p, _ := prevToken(text, s)
	return labBefore[bareWord(p)]
}

// checkDateNoYear accepts m/d with a real month and day, not part of a
// longer number, not a score, vital or dose; a pair that reads as a proper
// fraction of a small denominator (1/2, 4/10, 8/9) needs a date word
// before it.
func checkDateNoYear(text string, s, e int) (int, int, bool) {
	sub := reDateNoYear.FindStringSubmatch(text[s:e])
	m, _ := strconv.Atoi(sub[1])
	d, _ := strconv.Atoi(sub[2])
	if !validDay(m, d) || partOfLongerNumber(text, s, e) {
		return 0, 0, false
	}
	p, _ := prevToken(text, s)
	if fractionBefore[bareWord(p)] || expiryBefore[bareWord(p)] || unitFollows(text, e) {
		return 0, 0, false
	}
	const fractionDenominator = 10 // 1/2, 3/4, 4/10, 5/5: scores and fractions
	if d <= fractionDenominator && m <= d && !hasLineContext(text, s, dateContext) && !timeNext(text, e) {
		return 0, 0, false
	}
	return s, e, true
}

// lineContextWindow is how far back, on the same line, hasLineContext
// looks for a context word.
const lineContextWindow = 24

// hasLineContext is hasContext limited to the lineContextWindow bytes
// before s on s's line: a note's previous line is another entry.
func hasLineContext(text string, s int, words []string) bool {
	from := max(strings.LastIndexByte(text[:s], '\n')+1, s-lineContextWindow)
	for from < s && !utf8.RuneStart(text[from]) {
		from++
	}
	return hasContext(text[from:s], s-from, words)
}

// timeNext reports whether a clock time follows e ("7/22 0830").
func timeNext(text string, e int) bool {
	n := bareWord(nextToken(text, e))
	return reTimeMilitary.MatchString(n) && len(n) == 4 || reTimeColon.MatchString(n)
}

// checkHistoryYear accepts a year after a history word (in, since, dx,
// quit, ...), in brackets of its own ("(2011)"), or after a condition or
// procedure word on a line with a history marker (S/P MI 1992); never a
// lab value or a quantity.
func checkHistoryYear(text string, s, e int) (int, int, bool) {
	if partOfLongerNumber(text, s, e) || unitFollows(text, e) || labPrecedes(text, s) {
		return 0, 0, false
	}
	if s > 0 && text[s-1] == '(' && e < len(text) && text[e] == ')' {
		return s, e, true
	}
	p, lineStart := prevToken(text, s)
	if yearBefore[bareWord(p)] {
		return s, e, true
	}
	if lineStart || !isAlphaWord(bareWord(p)) || strings.HasSuffix(p, ".") {
		return 0, 0, false
	}
	ls := strings.LastIndexByte(text[:s], '\n') + 1
	line := strings.ToLower(text[ls:s])
	for _, h := range historyMarks {
		if k := strings.Index(line, h); k >= 0 && wordBounded(line, k, k+len(h)) {
			return s, e, true
		}
	}
	return 0, 0, false
}

// isAlphaWord reports a non-empty run of ASCII letters (with '/', '-' or
// '&' inside: S/P, L-SPINE).
func isAlphaWord(w string) bool {
	if w == "" {
		return false
	}
	letters := 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
			letters++
		case c == '/' || c == '-' || c == '&':
		default:
			return false
		}
	}
	return letters > 0
}

// checkTimeColon accepts h:mm times not inside a longer number or ratio.
func checkTimeColon(text string, s, e int) (int, int, bool) {
	// 12:30:45:10 is no time; "ADDENDUM 14:05: ..." is.
	if partOfLongerNumber(text, s, e) || (s >= 2 && text[s-1] == ':' && isDigit(text[s-2])) || (e+1 < len(text) && text[e] == ':' && isDigit(text[e+1])) {
		return 0, 0, false
	}
	p, _ := prevToken(text, s)
	if w := bareWord(p); w == "RATIO" || w == "DILUTION" || unitFollows(text, e) && !strings.ContainsAny(text[s:e], "AaPp") {
		return 0, 0, false
	}
	return s, e, true
}

// checkTimeMilitary accepts a four-digit clock time after a time word, next
// to a date, before "hrs", or opening a line of a note ("0700 REPORT").
func checkTimeMilitary(text string, s, e int) (int, int, bool) {
	if partOfLongerNumber(text, s, e) || unitFollows(text, e) || labPrecedes(text, s) {
		return 0, 0, false
	}
	p, lineStart := prevToken(text, s)
	bp := bareWord(p)
	n := nextToken(text, e)
	switch {
	case timeBefore[bp], timeAfter[bareWord(n)]:
	case looksLikeDate(bp) || reDateNoYear.MatchString(bp) && len(reDateNoYear.FindString(bp)) == len(bp):
	case looksLikeDate(bareWord(n)) || reDateNoYear.MatchString(bareWord(n)) && len(reDateNoYear.FindString(bareWord(n))) == len(bareWord(n)):
	case lineStart && e < len(text) && text[e] == ' ' && n != "" && isAlphaWord(bareWord(n)):
	default:
		return 0, 0, false
	}
	if m := reHoursSuffix.FindStringIndex(text[e:]); m != nil {
		e += m[1] // "0755 HRS" is one time
	}
	return s, e, true
}

// reHoursSuffix is the "hrs" that may follow a four-digit time.
var reHoursSuffix = regexp.MustCompile(`^ ?(?i:hrs|hours|h)\b`)

// reDateTimeGap joins a date and the time right after it ("7/27 @ 1:25
// PM", "on 3/6/2018 at 22:40", "2/9/05 07:30"), or a time and a date
// ("0412 8/19").
var reDateTimeGap = regexp.MustCompile(`^(?: | ?@ ?| (?i:at) |, )$`)

// reTimeValue tells a time of day from a date among DATE values.
var reTimeValue = regexp.MustCompile(`^(?:\d{1,2}:\d{2}|\d{4}(?: ?(?i:hrs|hours|h))?$|\d{1,2} ?[AaPp]\.?[Mm])`)

// joinDateTimes adds, for every date followed by a time (or a time by a
// date) with only a space, '@', "at" or ", " between them, one DATE entity
// covering both; Merge then prefers it (longer wins), so "7/27 @ 1:25 PM"
// is one token. es are the regex layer's entities, sorted by start.
func joinDateTimes(text string, es []Entity) []Entity {
	var dates []Entity
	for _, e := range es {
		if e.Type == TypeDate {
			dates = append(dates, e)
		}
	}
	n := len(es)
	for i := 0; i+1 < len(dates); i++ {
		a := dates[i]
		for j := i + 1; j < len(dates) && dates[j].Start <= a.End+len(" at "); j++ {
			b := dates[j]
			if b.Start < a.End || !reDateTimeGap.MatchString(text[a.End:b.Start]) {
				continue
			}
			ta, tb := reTimeValue.MatchString(text[a.Start:a.End]), reTimeValue.MatchString(text[b.Start:b.End])
			if ta == tb {
				continue // two dates, or two times
			}
			es = append(es, Entity{Type: TypeDate, Start: a.Start, End: b.End, Score: min(a.Score, b.Score), Source: SourceRegex})
		}
	}
	if len(es) > n {
		sortEntities(es)
	}
	return es
}

// maxAge bounds a plausible age in years.
const maxAge = 120

func ageOK(digits string) bool {
	n, err := strconv.Atoi(digits)
	return err == nil && n <= maxAge
}

// checkAgeUnit accepts "58 yo"-style ages: at most maxAge, not the end of a
// longer number, not glued to a following letter ("38 y.o.x"); it reports
// the number.
func checkAgeUnit(text string, s, e int) (int, int, bool) {
	if !ageOK(leadingDigits(text[s:e])) || partOfLongerNumber(text, s, s+len(leadingDigits(text[s:e]))) {
		return 0, 0, false
	}
	if e < len(text) {
		if r, _ := utf8.DecodeRuneInString(text[e:]); isWordRune(r) {
			return 0, 0, false
		}
	}
	// Only the number is reported, as presidio and i2b2 annotate ages: the
	// unit stays in the text ("[AGE_1] YEAR OLD MALE"), which tells the LLM
	// what the token is, and a bare age is never propagated.
	return s, s + len(leadingDigits(text[s:e])), true
}

func leadingDigits(s string) string {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return s[:i]
}

// checkAgeNumber accepts the number after "age"/"aged" unless a
// gestational or duration unit follows.
func checkAgeNumber(text string, s, e int) (int, int, bool) {
	if !ageOK(text[s:e]) || partOfLongerNumber(text, s, e) {
		return 0, 0, false
	}
	switch bareWord(nextToken(text, e)) {
	case "WEEKS", "WKS", "WK", "DAYS", "MONTHS", "MOS", "HOURS", "HRS", "DEGREES", "DEG", "TIMES", "X", "%", "PERCENT", "MG", "ML", "UNITS", "MINUTES", "MIN", "MINS", "SECONDS", "SEC":
		return 0, 0, false
	}
	return s, e, true
}

// checkAgeSex accepts the number of "58M"/"52 F" where a patient
// description opens: at a line or sentence start, after ':', ',', ';' or
// '(', or after "a"/"is"/"pt"; never after a temperature word, never
// "F/U".
func checkAgeSex(text string, s, e int) (int, int, bool) {
	full := reAgeSex.FindStringIndex(text[s:])
	end := s + full[1]
	if !ageOK(text[s:e]) || partOfLongerNumber(text, s, e) || text[s] == '0' {
		return 0, 0, false
	}
	if end < len(text) && (text[end] == '/' || text[end] == '.' && end+1 < len(text) && !isSpaceByte(text[end+1])) {
		return 0, 0, false
	}
	p, lineStart := prevToken(text, s)
	if tempBefore[bareWord(p)] {
		return 0, 0, false
	}
	if lineStart || ageSexBefore[p] || strings.HasSuffix(p, ".") && len(p) > 2 {
		return s, e, true
	}
	if p != "" && strings.IndexByte(":,;(", p[len(p)-1]) >= 0 {
		return s, e, true
	}
	return 0, 0, false
}

// checkExt accepts a spelled-out extension not glued into a number.
func checkExt(text string, s, e int) (int, int, bool) {
	if partOfLongerNumber(text, s, e) {
		return 0, 0, false
	}
	return s, e, true
}

// extContext are the words that make "x1234" an extension.
var extContext = append(append([]string{}, phoneContext...), "page", "paged", "pager", "beeper", "beep", "extension", "ext")

func checkExtX(text string, s, e int) (int, int, bool) {
	if partOfLongerNumber(text, s, e) || !hasLineContext(text, s, extContext) {
		return 0, 0, false
	}
	return s, e, true
}
