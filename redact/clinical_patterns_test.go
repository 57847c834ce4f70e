package redact

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// clinicalCases are the clinical detectors' cases, run by TestPatterns
// with patternCases: each match case must yield the value as a regex
// entity of the type, each reject case no entity of the type at all.
var clinicalCases = map[string]struct{ match, reject []patternCase }{
	TypeDate: {
		match: []patternCase{
			// Dates without a year.
			{"ADM 7/22 FOR CP", "7/22"},
			{"LAST SEEN 12/05 @ 2100", "12/05 @ 2100"},
			{"WHEEZING SINCE 3/14.", "3/14"},
			{"PLAN D/C HOME 8/9 IF CLEARED", "8/9"},
			{"LABS 2/7: HGB 13.9", "2/7"},
			{"HOME HEALTH VISIT 9/4", "9/4"},
			{"7/22 0830 PT FOUND ON FLOOR", "7/22 0830"},
			// With a year, and month names.
			{"NOTE 2/3/09 2300", "2/3/09 2300"}, // a date and its time are one span
			{"ADMITTED: 07-22-2019", "07-22-2019"},
			{"F/U Jan 5 w/ cardiology", "Jan 5"},
			{"TRIAGE 5 January 2019", "5 January 2019"},
			{"FALL AT HOME JAN-05-2019, XRAY NEG", "JAN-05-2019"},
			{"seen 05-JAN-19 in clinic", "05-JAN-19"},
			{"DATE OF SERVICE: APR 2, 2021", "APR 2, 2021"},
			// Bare years in history context.
			{"S/P MI 1992, CABG 2004; PMH HTN", "1992"},
			{"S/P MI 1992, CABG 2004; PMH HTN", "2004"},
			{"HX: HLD, S/P APPY (2011).", "2011"},
			{"prior SA in 2015, no HI", "2015"},
			{"ASTHMA (DX 1987), OSA", "1987"},
			{"SEIZURES SINCE 1996 ON KEPPRA", "1996"},
			{"FORMER SMOKER, QUIT 2010.", "2010"},
			{"PCI in 2006 and again 2012", "2012"},
			// Times.
			{"SEEN BY DR. OKAFOR @ 1430.", "1430"},
			{"ONSET APPROX 0600 THIS AM", "0600"},
			{"TIME OF DEATH 0412 8/19.", "0412 8/19"},
			{"0700 REPORT RECEIVED FROM NIGHT RN", "0700"},
			{"REPEAT BMP AT 2200.", "2200"},
			{"CODE BLUE CALLED 03:12.", "03:12"},
			{"10/31/22 4:45 PM SPOKE WITH DR", "10/31/22 4:45 PM"},
			{"triage at 14:30 today", "14:30"},
			{"meds due at 2 PM", "2 PM"},
			{"seen at 8:35pm.", "8:35pm"},
			{"seen at 1:00 a.m. today", "1:00 a.m."},
			{"on 12/23 @ 0515 hrs. Switch", "12/23 @ 0515 hrs"},
			{"opened 2022-05-13 at 1:20 AM", "2022-05-13 at 1:20 AM"},
			{"BP checked 0800 hrs", "0800 hrs"},
			{"ADDENDUM 14:05: RESULTS CALLED", "14:05"},
		},
		reject: []patternCase{
			{"BP 120/80 HR 88", ""},                     // vitals
			{"BP 96/58 RR 28", ""},                      // vitals
			{"PERCOCET 5/325 MG 1 TAB PO", ""},          // dose
			{"FLUTICASONE 250/50 1 PUFF BID", ""},       // dose
			{"PAIN 4/10, RESTING", ""},                  // pain score
			{"STRENGTH 5/5 BILATERALLY", ""},            // motor score
			{"TAKE 1/2 TAB DAILY", ""},                  // fraction
			{"2/3 of patients improved", ""},            // fraction
			{"GCS 15, A&O X3", ""},                      // score
			{"GCS 14 on arrival, now 15.", ""},          // score
			{"care available 24/7", ""},                 // not a month/day
			{"ASA 325 MG GIVEN BY EMS", ""},             // dose
			{"CK 1992, TROP 2.4", ""},                   // lab value in year range
			{"UOP 2000 ML OVERNIGHT", ""},               // volume
			{"IN 2000 ML NS", ""},                       // volume after "in"
			{"BNP 1200 ON ADMIT", ""},                   // lab value in time range
			{"PLT 2004 (CLUMPED)", ""},                  // lab value
			{"ROOM 1412 BED 2", ""},                     // room number
			{"ordered 1500 units of heparin", ""},       // quantity
			{"walked 1200 feet", ""},                    // no time context
			{"CKD 3. CR 3.1", ""},                       // decimals
			{"dilution 1:10 prepared", ""},              // ratio
			{"frame 12:30:45:10", ""},                   // a timecode, not a time of day
			{"version 2.10.33", ""},                     // not a time
			{"grade 3/4 toxicity", ""},                  // grade
			{"ratio of 3/4 was seen", ""},               // fraction after a non-date word
			{"APGARS 8/9 AT BIRTH", ""},                 // Apgar scores (APGARS: no date word)
			{"a 1992 study of 2004 patients", ""},       // years without history context
			{"the team of 2010 members", ""},            // number, not a year
			{"HR 58, RR 18, SAT 97% ON 2L", ""},         // vitals
			{"K 4.1, MG 2.0, INR 2.3, HGB 9.8", ""},     // labs
			{"WBC 12.4 (H), GLUCOSE 212, A1C 7.2%", ""}, // labs
		},
	},
	TypeAge: {
		match: []patternCase{
			{"58 YEAR OLD MALE BIBA", "58"},
			{"A 64-year-old man", "64"},
			{"82 yo F from NH", "82"},
			{"47 y/o MR. KAMINSKI", "47"},
			{"19 Y/O F, UNINSURED", "19"},
			{"38 y.o. G3P2 here", "38"},
			{"IS A 57-YEAR-OLD MAN", "57"},
			{"a 70 year old gentleman", "70"},
			{"3 years of age", "3"},
			{"18 months old infant", "18"},
			{"lives alone, aged 90", "90"},
			{"AGE: 93", "93"},
			{"Age 45, nonsmoker", "45"},
			{"35F G2P1 @ 32 WKS", "35"},
			{"NEURO: 50F, H/O SEIZURES", "50"},
			{"JORGE ALMEIDA, 66M, POD 2", "66"},
			{"SEEN IN CLINIC. 52 F W/ RA", "52"},
			{"pt is a 29 M w/ MDD", "29"},
			{"PT JOHNSTON 75 YOM WITH RA", "75"},
			{"Pt Vincent 98 yoF w/ bladder ca", "98"},
			{"Jayne turned 38 last week", "38"},
		},
		reject: []patternCase{
			{"T 101 F, HR 110", ""},          // temperature
			{"TMAX 100.4 F", ""},             // temperature
			{"TEMP 99 F ORAL", ""},           // temperature
			{"RTC 4 WKS, F/U 2 M", ""},       // durations; F/U
			{"52 F/U VISITS", ""},            // F/U, not female
			{"GA 32 WKS", ""},                // gestational age
			{"gestational age 32 weeks", ""}, // gestational age
			{"page 12 of the chart", ""},     // "age" inside a word
			{"stage 3 CKD, dosage 500", ""},  // "age" inside words
			{"walked 200 M", ""},             // a distance
			{"X 2 YRS", ""},                  // a duration
			{"GCS 15", ""},                   // score
			{"age 150 is impossible", ""},    // out of range
			{"2.5 year old child", ""},       // decimal: leave to the model
			{"HR 58, BP 120/80, RR 18", ""},  // vitals
			{"CALL 555-010-4477 x22 F", ""},  // a phone
			{"he turned 180 degrees", ""},    // not an age
			{"turned 2 times per shift", ""}, // a count
		},
	},
	TypePerson: {
		match: []patternCase{
			{"PT: JOHN SMITH  71 YO", "JOHN SMITH"},
			{"ATTENDING: DR. JANE DOE, MERCY", "JANE DOE"},
			{"SEEN BY DR. OKAFOR @ 1430", "OKAFOR"},
			{"MR. SMITH REPORTS PAIN", "SMITH"},
			{"MRS. ODUYA CHECKS DAILY", "ODUYA"},
			{"D/W DR ISAKSEN.", "ISAKSEN"},
			{"followed by Dr. Sanjay Iyer at Oakmont", "Sanjay Iyer"},
			{"SURGEON: R. HOLLOWAY, MD", "R. HOLLOWAY"},
			{"PATIENT NAME: WILHELMINA ACHTERBERG\nAGE: 93", "WILHELMINA ACHTERBERG"},
			{"PCP: DR. GRETA LINDQVIST, NORTHSIDE", "GRETA LINDQVIST"},
			{"WIFE ROSA DELACROIX CALLED, UPDATED.", "ROSA DELACROIX"},
			{"DAUGHTER LINDA AT BEDSIDE", "LINDA"},
			{"DAUGHTER (SUSAN MCALLISTER) AGREES", "SUSAN MCALLISTER"},
			{"PER PHARMACIST OMAR, 10 MG DAILY", "OMAR"},
			{"PT NADIA PETROVA SEEN IN CLINIC", "NADIA PETROVA"},
			{"PT: SAMUEL OYELARAN-BRIGGS", "SAMUEL OYELARAN-BRIGGS"},
			{"Dr. Müller saw her", "Müller"},
			{"PCP: Doctor O'Brien, Liberty Clinic", "O'Brien"}, // the title is not the name
			{"PCP: DOCTOR CATHY PHIRI, ALBUQUERQUE", "CATHY PHIRI"},
			{"seen by Doctor Keegan Haddad today", "Keegan Haddad"},
		},
		reject: []patternCase{
			{"PT RESTING IN BED, A&O X3", ""},        // verb after PT
			{"PT FOUND ON FLOOR BY CNA", ""},         // verb after PT
			{"PT IS A 45 YO M", ""},                  // PT is ...
			{"PT INSTRUCTED TO HOLD METOPROLOL", ""}, // verb
			{"DAUGHTER AT BEDSIDE", ""},              // no name
			{"WIFE CALLED, UPDATED", ""},             // verb
			{"MS CONTIN 15 MG BID", ""},              // morphine, not a title
			{"MR 2+, TR MILD", ""},                   // mitral regurgitation
			{"DR. TO CALL BACK", ""},                 // no name
			{"SON WILL PROVIDE TRANSPORT", ""},       // verb
			{"PT: HTN, CKD", ""},                     // abbreviations
			{"DRIVE HOME SAFELY", ""},                // DR inside a word
			{"Patient Information leaflet", ""},      // one token after Patient
			{"PT TOOK SUBOXONE 125 MG SC", ""},       // an irregular past tense
			{"PT GOT LASIX 40 MG IV", ""},            // another
		},
	},
	TypePhone: {
		match: []patternCase{
			{"CELL 555.010.4477.", "555.010.4477"},
			{"CALL BACK (555)010-2291.", "(555)010-2291"},
			{"PCP +1 555 010 4471", "+1 555 010 4471"},
			{"son DAVID 555 010 8812.", "555 010 8812"},
			{"REFERRED, 555-010-5151 X22.", "555-010-5151 X22"},
			{"QUESTIONS: 555-010-6060 EXT. 402", "555-010-6060 EXT. 402"},
			{"OB PAGED, EXT. 12.", "EXT. 12"},
			{"call the desk at x1234", "x1234"},
			{"extension 4021 for the nurse", "extension 4021"},
			{"reach me at +44 20 4057 1387 ext 3218 if", "+44 20 4057 1387 ext 3218"}, // an international number's extension
			{"reach me at +1 653 690 9903 x.3015 with", "+1 653 690 9903 x.3015"},
			{"call 020 7946 0018 x6847 today", "020 7946 0018 x6847"},
		},
		reject: []patternCase{
			{"A&O X3, MAE X4", ""},      // orientation, not extensions
			{"NEURO CHECKS Q1H X4", ""}, // times four
			{"WOUND 2X3 CM", ""},        // dimensions
			{"SYMPTOMS X 22 DAYS", ""},  // duration
			{"LASIX 40 MG X1 NOW", ""},  // once
			{"text x1234 without reason", ""},
		},
	},
}

// TestClinicalNoFalseDatesInVitals runs a whole nursing note of vitals,
// doses and labs (no personal data) through the regex engine: nothing in
// it may be masked.
func TestClinicalNoFalseDatesInVitals(t *testing.T) {
	text := strings.Join([]string{
		"VS: T 98.6 F, HR 88, BP 120/80, RR 18, SPO2 97% ON 2L NC.",
		"PAIN 4/10 -> 2/10 AFTER PERCOCET 5/325 MG 1 TAB PO.",
		"GCS 15. STRENGTH 5/5 X4. PERRLA 3 MM.",
		"LABS: NA 138, K 4.1, CL 101, CO2 24, BUN 18, CR 1.1, GLU 142, HGB 11.2, PLT 244, INR 1.1, BNP 1200.",
		"I/O 1200/800. UOP 2000 ML. IVF NS @ 75 ML/HR.",
		"HEPARIN 5000 UNITS SQ Q8H; METOPROLOL 25 MG PO BID; 1/2 TAB ASA.",
		"WOUND 2X3 CM, NO DRAINAGE. TURNED Q2H. A&O X3.",
	}, "\n")
	res, err := fastEngine(t).Redact(context.Background(), text, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.MaskedText != text {
		t.Errorf("masked %s", describe(text, res.Entities))
	}
}

// TestFindAroundMonthMatchesFullScan: the month-word finders return exactly
// what their regular expressions find scanning the whole text, on the notes
// and on every pattern case joined into one text.
func TestFindAroundMonthMatchesFullScan(t *testing.T) {
	texts := []string{benchText, "on 5th of January 2020 and Jan. 2019, 31st of December, 2021; JAN-05-2019 vs 05-JAN-19 and March 3, 2021."}
	var all []string
	for _, cs := range []map[string]struct{ match, reject []patternCase }{patternCases, clinicalCases} {
		for _, c := range cs {
			for _, p := range append(append([]patternCase{}, c.match...), c.reject...) {
				all = append(all, p.text)
			}
		}
	}
	sort.Strings(all)
	texts = append(texts, strings.Join(all, "\n"), strings.Join(all, " "))
	for _, set := range noteSets {
		for _, n := range readNotesJSONL(t, set) {
			texts = append(texts, n.Text)
		}
	}
	for _, c := range []struct {
		name string
		find func(string) [][]int
		re   *regexp.Regexp
	}{{"text", findDateTxt, reDateTxt}, {"dash", findMonDash, reDateMonDash}} {
		for _, text := range texts {
			want := c.re.FindAllStringIndex(text, -1)
			got := c.find(text)
			if len(want) != len(got) {
				t.Errorf("%s: %d matches, full scan %d, in %q", c.name, len(got), len(want), text[:min(len(text), 80)])
				continue
			}
			for i := range want {
				if want[i][0] != got[i][0] || want[i][1] != got[i][1] {
					t.Errorf("%s: match %d at %v, full scan %v", c.name, i, got[i], want[i])
				}
			}
		}
	}
}
