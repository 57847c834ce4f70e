package eval

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Scan limits: values shorter than MinScanBytes, and all-digit values
// shorter than MinScanDigits (years, ZIP codes, house numbers), match the
// sizes, counts, timestamps and durations of ordinary log lines by chance,
// so the scan skips them.
const (
	MinScanBytes  = 4
	MinScanDigits = 6
)

// Scannable reports whether the PII-in-logs scan looks for v.
func Scannable(v string) bool {
	if len(v) < MinScanBytes {
		return false
	}
	if len(v) < MinScanDigits && strings.IndexFunc(v, func(r rune) bool { return !unicode.IsDigit(r) }) < 0 {
		return false
	}
	return true
}

func alnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// ContainsValue reports whether log holds v as a whole: an occurrence whose
// neighbours do not continue a word or number that v starts or ends
// (so neither "3369" nor "573369" is found in "ms=46.573369").
func ContainsValue(log, v string) bool {
	if v == "" {
		return false
	}
	first, _ := utf8.DecodeRuneInString(v)
	last, _ := utf8.DecodeLastRuneInString(v)
	for off := 0; ; {
		i := strings.Index(log[off:], v)
		if i < 0 {
			return false
		}
		i += off
		before, _ := utf8.DecodeLastRuneInString(log[:i])
		after, _ := utf8.DecodeRuneInString(log[i+len(v):])
		okBefore := i == 0 || !alnum(first) || !alnum(before) && !numberJoin(log[:i], first, true)
		okAfter := i+len(v) == len(log) || !alnum(last) || !alnum(after) && !numberJoin(log[i+len(v):], last, false)
		if okBefore && okAfter {
			return true
		}
		off = i + 1
	}
}

// numberJoin reports whether a digit at the edge of a value continues a
// number across a decimal point or thousands separator in its neighbour
// text ("46.573369"): side is the text before the value when before is true,
// after it otherwise.
func numberJoin(side string, edge rune, before bool) bool {
	if !unicode.IsDigit(edge) {
		return false
	}
	var sep, next rune
	if before {
		r, n := utf8.DecodeLastRuneInString(side)
		sep = r
		next, _ = utf8.DecodeLastRuneInString(side[:len(side)-n])
	} else {
		r, n := utf8.DecodeRuneInString(side)
		sep = r
		next, _ = utf8.DecodeRuneInString(side[n:])
	}
	return (sep == '.' || sep == ',') && unicode.IsDigit(next)
}

// ScanLog counts the scannable values that log contains. Callers report the
// counts, never the values.
func ScanLog(log string, values []string) CheckResult {
	var r CheckResult
	seen := map[string]bool{}
	for _, v := range values {
		if !Scannable(v) || seen[v] {
			continue
		}
		seen[v] = true
		r.Checked++
		if ContainsValue(log, v) {
			r.Failed++
		}
	}
	return r
}

// GoldValues returns the text of every gold entity of the examples.
func GoldValues(exs []Example) []string {
	var out []string
	for _, ex := range exs {
		for _, c := range Chunks(ex.Gold) {
			out = append(out, ex.Text[ex.Words[c.Start].Start:ex.Words[c.End-1].End])
		}
	}
	return out
}
