package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Luhn reports whether the decimal digit string s passes the Luhn (mod 10)
// check. Non-digit characters make it false.
func Luhn(s string) bool {
	if s == "" {
		return false
	}
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// luhnDigit returns the check digit that makes payload+digit Luhn-valid.
func luhnDigit(payload string) byte {
	for d := byte('0'); d <= '9'; d++ {
		if Luhn(payload + string(d)) {
			return d
		}
	}
	panic("synth: no Luhn digit") // unreachable: exactly one digit fits
}

func digits(r *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(byte('0' + r.IntN(10)))
	}
	return b.String()
}

func onlyDigits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// ValidSSN reports whether s is a structurally valid US Social Security
// number, "AAA-GG-SSSS" or nine digits: area 001-899 except 666, group 01-99,
// serial 0001-9999.
func ValidSSN(s string) bool {
	var d string
	switch len(s) {
	case 11:
		if s[3] != '-' || s[6] != '-' {
			return false
		}
		d = s[:3] + s[4:6] + s[7:]
	case 9:
		d = s
	default:
		return false
	}
	if len(onlyDigits(d)) != 9 {
		return false
	}
	area, group, serial := d[:3], d[3:5], d[5:]
	return area != "000" && area != "666" && area[0] != '9' && group != "00" && serial != "0000"
}

// SSN returns a valid SSN in the dashed form.
func SSN(r *rand.Rand) string {
	area := 1 + r.IntN(899)
	if area == 666 {
		area = 667
	}
	return fmt.Sprintf("%03d-%02d-%04d", area, 1+r.IntN(99), 1+r.IntN(9999))
}

// mrnDigits is the number of digits of an MRN, check digit included.
const mrnDigits = 8

// ValidMRN reports whether s is a medical record number in Obscura's synthetic
// format: an optional "MR" prefix, then 8 digits whose last is a Luhn check
// digit. (Real MRN formats are institution-specific; this one is ours.)
func ValidMRN(s string) bool {
	s = strings.TrimPrefix(s, "MR")
	return len(s) == mrnDigits && Luhn(s)
}

// MRN returns a valid MRN, sometimes with the "MR" prefix.
func MRN(r *rand.Rand) string {
	p := digits(r, mrnDigits-1)
	m := p + string(luhnDigit(p))
	if r.IntN(3) == 0 {
		return "MR" + m
	}
	return m
}

// npiPrefix is the ISO card-issuer prefix that the NPI check digit covers
// (CMS, "The Luhn Formula for the NPI").
const npiPrefix = "80840"

// ValidNPI reports whether s is a valid 10-digit US National Provider
// Identifier: first digit 1 or 2, and Luhn-valid when prefixed with 80840.
func ValidNPI(s string) bool {
	return len(s) == 10 && (s[0] == '1' || s[0] == '2') && Luhn(npiPrefix+s)
}

// NPI returns a valid NPI.
func NPI(r *rand.Rand) string {
	p := string(byte('1'+r.IntN(2))) + digits(r, 8)
	return p + string(luhnDigit(npiPrefix+p))
}

// ValidCard reports whether s, with spaces or dashes removed, is a 15- or
// 16-digit Luhn-valid card number.
func ValidCard(s string) bool {
	d := strings.NewReplacer(" ", "", "-", "").Replace(s)
	return (len(d) == 15 || len(d) == 16) && Luhn(d)
}

// Card returns a Luhn-valid 16-digit card number with a test-range issuer
// prefix, grouped by fours with spaces or dashes, or ungrouped.
func Card(r *rand.Rand) string {
	prefixes := []string{"4", "51", "52", "53", "54", "55", "6011"}
	p := prefixes[r.IntN(len(prefixes))]
	p += digits(r, 15-len(p))
	n := p + string(luhnDigit(p))
	switch r.IntN(3) {
	case 0:
		return n
	case 1:
		return n[:4] + " " + n[4:8] + " " + n[8:12] + " " + n[12:]
	default:
		return n[:4] + "-" + n[4:8] + "-" + n[8:12] + "-" + n[12:]
	}
}
