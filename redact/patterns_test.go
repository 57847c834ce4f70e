package redact

import (
	"context"
	"strings"
	"testing"
)

// patternCase is a sentence and the value a pattern must find in it ("" =
// the pattern must find nothing of its type).
type patternCase struct {
	text, want string
}

var patternCases = map[string]struct{ match, reject []patternCase }{
	TypeSSN: {
		match: []patternCase{
			{"SSN 123-45-6789 on file", "123-45-6789"},
			{"her number is 078 05 1120.", "078 05 1120"},
			{"SSN: 219099999", "219099999"},
			{"social security no. 665-12-3456", "665-12-3456"},
			{"(899-99-9999)", "899-99-9999"},
		},
		reject: []patternCase{
			{"SSN 000-12-3456", ""},         // area 000
			{"SSN 666-12-3456", ""},         // area 666
			{"SSN 912-34-5678", ""},         // area 9xx
			{"SSN 123-00-4567", ""},         // group 00
			{"SSN 123-45-0000", ""},         // serial 0000
			{"order 219099999 shipped", ""}, // bare 9 digits without context
			{"SSN 123-45-6789-01", ""},      // part of a longer number
			{"SSN 123-45 6789", ""},         // mixed separators
			{"SSN 1234-56-7890", ""},        // wrong grouping
		},
	},
	TypePhone: {
		match: []patternCase{
			{"call (415) 555-2671 now", "(415) 555-2671"},
			{"tel 415-555-2671.", "415-555-2671"},
			{"at 415.555.2671", "415.555.2671"},
			{"dial +1 415 555 2671", "+1 415 555 2671"},
			{"dial 1-800-555-0199 today", "1-800-555-0199"},
			{"office 415-555-2671 x204", "415-555-2671 x204"},
			{"in London +44 20 7946 0958", "+44 20 7946 0958"},
			{"Fax: 345-899-3560x4587", "345-899-3560x4587"},
			{"Desk: (898)666-3621x0135", "(898)666-3621x0135"},
			{"Mobile: 03.93.92.16.85", "03.93.92.16.85"},
			{"Fax: 9498777106", "9498777106"},
			{"Phone:\n60-56-85-91", "60-56-85-91"},
			{"registered 0961-7596216", "0961-7596216"},
			{"E.164: +14155552671", "+14155552671"},
			{"Berlin +49 (0)30 901820", "+49 (0)30 901820"},
			{"mobile 07700 900 461", "07700 900 461"},
			{"phone: 699 956 915", "699 956 915"},
		},
		reject: []patternCase{
			{"ref 115-555-2671", ""}, // area code cannot start with 1
			{"in 2021 we had 44 20 79 cases", ""},
			{"version 1.2.3", ""},
			{"+12 34", ""},               // too few digits
			{"on 12-05-2021 we met", ""}, // a date, not a phone
			{"the 9498777106 rows", ""},  // bare digits without context
			{"ISBN 415-555-2671-3", ""},  // part of a longer number
		},
	},
	TypeEmail: {
		match: []patternCase{
			{"mail john.smith@example.com today", "john.smith@example.com"},
			{"<a_b+tag@sub.mail.co.uk>", "a_b+tag@sub.mail.co.uk"},
			{"Contact: UtaKortig@jourrapide.com.", "UtaKortig@jourrapide.com"},
		},
		reject: []patternCase{
			{"not an email: john@localhost", ""},
			{"twitter @handle", ""},
			{"john..smith@example.com", ""},
			{"x@y.c", ""},
		},
	},
	TypeMRN: {
		match: []patternCase{
			{"Patient John Smith, MRN 12345, SSN", "12345"},
			{"MRN: AB-1234567", "AB-1234567"},
			{"MRN#00123456", "00123456"},
			{"medical record number 2023-44-1182", "2023-44-1182"},
			{"Medical Record No. 7788123", "7788123"},
			{"patient ID is H4411223", "H4411223"},
		},
		reject: []patternCase{
			{"MRN 123", ""},               // too short
			{"12345 without context", ""}, // no context word
			{"mRNA 12345 vaccine", ""},    // mRNA is not MRN
			{"record label 12345", ""},
		},
	},
	TypeCreditCard: {
		match: []patternCase{
			{"card 4111 1111 1111 1111 exp", "4111 1111 1111 1111"},
			{"card 4111-1111-1111-1111", "4111-1111-1111-1111"},
			{"amex 378282246310005", "378282246310005"},
			{"mc 5555555555554444.", "5555555555554444"},
			{"2-series 2223003122003222", "2223003122003222"},
			{"visa 4454794511390933", "4454794511390933"},
		},
		reject: []patternCase{
			{"card 4111 1111 1111 1112", ""}, // Luhn fails
			{"id 1234567812345670", ""},      // Luhn ok, no issuer starts with 12
			{"card 4111 1111-1111 1111", ""}, // mixed separators
			{"short 4111111", ""},
		},
	},
	TypeIP: {
		match: []patternCase{
			{"from 192.168.1.20 at", "192.168.1.20"},
			{"host 8.8.8.8.", "8.8.8.8"},
			{"v6 2001:db8::8a2e:370:7334 ok", "2001:db8::8a2e:370:7334"},
			{"addr 6e40:4041:c617:e898:c11:40d2:c669:2eb4", "6e40:4041:c617:e898:c11:40d2:c669:2eb4"},
			{"loopback ::1 here", "::1"},
			{"mapped ::ffff:10.0.0.1", "::ffff:10.0.0.1"},
		},
		reject: []patternCase{
			{"from 256.1.1.1", ""},
			{"version 1.2.3.4.5", ""},
			{"at 10:30:45 today", ""},
			{"a 01.02.03.04 b", ""}, // leading zeros
			{"Foo::Bar method", ""},
		},
	},
	TypeDate: {
		match: []patternCase{
			{"born 2/8/1935 in", "2/8/1935"},
			{"on 31.12.1999 we", "31.12.1999"},
			{"at 2000-04-16 11:34:35 UTC", "2000-04-16 11:34:35"},
			{"seen 2021-03-04.", "2021-03-04"},
			{"on March 3, 2021 at", "March 3, 2021"},
			{"on 5th of January 2020", "5th of January 2020"},
			{"since Jan. 2019", "Jan. 2019"},
			{"due Sept 14", "Sept 14"},
			{"the 14 FEBRUARY 2001 visit", "14 FEBRUARY 2001"},
			{"on 12/25/21 we", "12/25/21"},
		},
		reject: []patternCase{
			{"in 13/13/2020", ""},    // no valid month either way
			{"on 2021-13-01", ""},    // month 13
			{"on 2021-02-30", ""},    // 30 February
			{"you may 12 times", ""}, // "may" the verb
			{"version 1.2.21", ""},   // dotted two-digit year
			{"ratio 3/4", ""},
			{"1977 was a vintage", ""}, // a bare year without history context
			{"IP 10.12.97.248", ""},    // inside an IP address
		},
	},
	TypeURL: {
		match: []patternCase{
			{"see https://example.com/a?b=c.", "https://example.com/a?b=c"},
			{"(http://www.TaxAids.ca/)", "http://www.TaxAids.ca/"},
			{"go to www.example.org, then", "www.example.org"},
			{"wiki https://en.wikipedia.org/wiki/Foo_(bar) ok", "https://en.wikipedia.org/wiki/Foo_(bar)"},
		},
		reject: []patternCase{
			{"just https:// alone", ""},
			{"a www. b", ""},
			{"example dot com", ""},
		},
	},
	TypeAddress: {
		match: []patternCase{
			{"lives at 123 Main Street, Springfield, IL 62704 now", "123 Main Street, Springfield, IL 62704"},
			{"ship to 4 Elm St. please", "4 Elm St."},
			{"at 1600 Pennsylvania Ave NW", "1600 Pennsylvania Ave"},
			{"office: 350 5th Avenue, Suite 300", "350 5th Avenue, Suite 300"},
			{"mail P.O. Box 4411 today", "P.O. Box 4411"},
			{"at PSC 0413, Box 8144\nAPO AA 42323.", "PSC 0413, Box 8144\nAPO AA 42323"},
			{"Apt. 595", "Apt. 595"},
			{"at 77 North Martin Luther King Blvd", "77 North Martin Luther King Blvd"},
			{"lives at 252 Clubtown Apt 8, Tulsa, OK 74103.", "252 Clubtown Apt 8, Tulsa, OK 74103"},
			{"send it to 9 Via Roma, Austin, TX 78701-1234 today", "9 Via Roma, Austin, TX 78701-1234"},
			{"home: 841 Lake Wayborough Apt 2", "841 Lake Wayborough Apt 2"},
			{"email me instead of 9120 Grant Blvd.", "9120 Grant Blvd"},                             // the sentence's dot
			{"arrived from 496 Water Ave. EKG done", "496 Water Ave"},                               // a new sentence follows
			{"order to 9156 Water Place, Wrocław, IN 81338", "9156 Water Place, Wrocław, IN 81338"}, // a non-ASCII city
		},
		reject: []patternCase{
			{"I have 3 dogs", ""},
			{"page 12 Street view", ""}, // "12 Street" has no street name
			{"the main street", ""},
			{"aptitude 12", ""},
			{"we watched 12 Angry Men yesterday", ""},  // no suffix, unit or City, ST ZIP
			{"Order 5521 Shipped, Tracking 1Z999", ""}, // no state and ZIP
			{"7 Wonders, Vol 2", ""},
			{"28 YO M POD #10 S/P CABG", ""},         // age and post-op day, not a unit
			{"52 YOM GENTLEMAN POD #8 S/P CABG", ""}, // the same in another layout
			{"73 YEAR-OLD MALE POD #2 S/P HIP", ""},  // and another
		},
	},
	TypeNPI: {
		match: []patternCase{
			{"NPI 1234567893", "1234567893"},
			{"National Provider Identifier: 1245319599", "1245319599"},
		},
		reject: []patternCase{
			{"NPI 1234567890", ""},     // check digit wrong
			{"account 1234567893", ""}, // no context
			{"NPI 3234567893", ""},     // must start with 1 or 2
		},
	},
	TypeIBAN: {
		match: []patternCase{
			{"IBAN GB82 WEST 1234 5698 7654 32 ok", "GB82 WEST 1234 5698 7654 32"},
			{"to DE89370400440532013000.", "DE89370400440532013000"},
			{"iban gb82west12345698765432", "gb82west12345698765432"},
			{"FR1420041010050500013M02606", "FR1420041010050500013M02606"},
		},
		reject: []patternCase{
			{"IBAN GB82 WEST 1234 5698 7654 33", ""}, // mod 97 fails
			{"DE8937040044053201300", ""},            // wrong length for DE
			{"XX82WEST12345698765432", ""},           // no such country
		},
	},
}

func TestPatterns(t *testing.T) {
	d := NewRegexDetector(nil, nil)
	ctx := context.Background()
	for _, typ := range PatternTypes {
		cases := patternCases[typ]
		cases.match = append(append([]patternCase{}, cases.match...), clinicalCases[typ].match...)
		cases.reject = append(append([]patternCase{}, cases.reject...), clinicalCases[typ].reject...)
		if len(cases.match) == 0 || len(cases.reject) == 0 {
			t.Errorf("type %s has no must-match or no must-reject cases", typ)
			continue
		}
		t.Run(typ, func(t *testing.T) {
			for _, c := range cases.match {
				ents, _ := d.detect(ctx, c.text, map[string]bool{typ: true})
				found := false
				for _, e := range Merge(ents) {
					if c.text[e.Start:e.End] == c.want && e.Type == typ && e.Source == SourceRegex {
						found = true
					}
				}
				if !found {
					t.Errorf("%q: want %s %q, got %s", c.text, typ, c.want, describe(c.text, ents))
				}
			}
			for _, c := range cases.reject {
				ents, _ := d.detect(ctx, c.text, map[string]bool{typ: true})
				if len(ents) != 0 {
					t.Errorf("%q: must not match %s, got %s", c.text, typ, describe(c.text, ents))
				}
			}
		})
	}
}

func describe(text string, es []Entity) string {
	var parts []string
	for _, e := range es {
		parts = append(parts, e.Type+":"+text[e.Start:e.End])
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func TestChecksums(t *testing.T) {
	for _, c := range []struct {
		d    string
		want bool
	}{{"79927398713", true}, {"79927398710", false}, {"4111111111111111", true}, {"0", true}, {"", false}} {
		if luhn(c.d) != c.want {
			t.Errorf("luhn(%s) != %v", c.d, c.want)
		}
	}
	if !validNPI("1234567893") || validNPI("1234567890") {
		t.Error("NPI check digit over the 80840 prefix")
	}
	if !validIBAN("GB82WEST12345698765432") || !validIBAN("NO9386011117947") || validIBAN("GB82WEST12345698765433") {
		t.Error("IBAN mod 97")
	}
}

func TestMRNContextConfigurable(t *testing.T) {
	d := NewRegexDetector([]string{TypeMRN}, []string{"hospital number"})
	ents, _ := d.Detect(context.Background(), "Hospital Number: 88112233; MRN 12345")
	if len(ents) != 1 || ents[0].Start != 17 || ents[0].End != 25 {
		t.Fatalf("custom MRN context: %+v", ents)
	}
}
