package redact

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// digitsOf returns the ASCII digits of s.
func digitsOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// luhn reports whether a digit string passes the Luhn check.
func luhn(d string) bool {
	if d == "" {
		return false
	}
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if double {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		double = !double
	}
	return sum%10 == 0
}

// validSSN applies the SSA's rules: area not 000, 666 or 900–999; group not
// 00; serial not 0000.
func validSSN(d string) bool {
	if len(d) != 9 {
		return false
	}
	area, group, serial := d[:3], d[3:5], d[5:]
	return area != "000" && area != "666" && area[0] != '9' && group != "00" && serial != "0000"
}

// validNPI checks an NPI: 10 digits starting with 1 or 2 whose Luhn check
// digit is computed over the card-issuer prefix 80840 followed by the first
// nine digits (CMS's NPI check-digit rule).
func validNPI(d string) bool {
	return len(d) == 10 && (d[0] == '1' || d[0] == '2') && luhn("80840"+d)
}

// ibanLengths is the IBAN length of each registered country (SWIFT IBAN
// registry).
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
	"BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
	"ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
	"HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
	"LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
	"MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29,
	"RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28,
	"TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}

// validIBAN checks an IBAN without spaces: registered country and length,
// then ISO 7064 mod 97-10 (move the first four characters to the end,
// letters to 10..35, the number mod 97 must be 1).
func validIBAN(s string) bool {
	s = strings.ToUpper(s)
	if len(s) < 15 || ibanLengths[s[:2]] != len(s) || !isDigit(s[2]) || !isDigit(s[3]) {
		return false
	}
	var num strings.Builder
	for _, c := range []byte(s[4:] + s[:4]) {
		switch {
		case isDigit(c):
			num.WriteByte(c)
		case c >= 'A' && c <= 'Z':
			num.WriteString(strconv.Itoa(int(c - 'A' + 10)))
		default:
			return false
		}
	}
	// Piecewise mod 97 keeps the numbers small.
	rem := 0
	for _, c := range []byte(num.String()) {
		rem = (rem*10 + int(c-'0')) % 97
	}
	return rem == 1
}

// isWordRune reports letters, digits and '_'.
func isWordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// wordBounded reports whether text[s:e] is not glued to a letter or digit on
// either side (Unicode-aware, unlike RE2's ASCII \b).
func wordBounded(text string, s, e int) bool {
	if s > 0 {
		r, _ := utf8.DecodeLastRuneInString(text[:s])
		if isWordRune(r) {
			return false
		}
	}
	if e < len(text) {
		r, _ := utf8.DecodeRuneInString(text[e:])
		if isWordRune(r) {
			return false
		}
	}
	return true
}

// partOfLongerNumber reports whether text[s:e] continues a longer number
// such as 1.2.3.4.5 or 123-45-6789-01: a digit joined by '-', '.' or '/' on
// either side.
func partOfLongerNumber(text string, s, e int) bool {
	if s >= 2 && strings.IndexByte("-./", text[s-1]) >= 0 && isDigit(text[s-2]) {
		return true
	}
	if e+1 < len(text) && strings.IndexByte("-./", text[e]) >= 0 && isDigit(text[e+1]) {
		return true
	}
	return false
}

// contextWindow is how far before a match a context word is looked for.
const contextWindow = 40

// hasContext reports whether one of words (lower-case) occurs as a word in
// the contextWindow bytes before position s.
func hasContext(text string, s int, words []string) bool {
	from := max(0, s-contextWindow)
	for from > 0 && !utf8.RuneStart(text[from]) {
		from--
	}
	before := strings.ToLower(text[from:s])
	for _, w := range words {
		for off := 0; ; {
			k := strings.Index(before[off:], w)
			if k < 0 {
				break
			}
			k += off
			if wordBounded(before, k, k+len(w)) {
				return true
			}
			off = k + 1
		}
	}
	return false
}
