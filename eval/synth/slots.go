package synth

import (
	"fmt"
	"slices"
)

// slotNames lists every slot a frame may use. Entity slots write labelled
// values; the rest write unlabelled fillers (vitals, labs, ticket numbers)
// that look like data but are not personal data, so that the model learns
// to leave them alone.
//
//	PERSON  NAME (a new person), FIRST, LAST, PT / PTF / PTL (the note's
//	        patient, given or family name alone), DOC / DOCL (the doctor),
//	        NURSE / NURSEF, ME / MEF (the writer), CONTACT / CONTACTF /
//	        CONTACTL (the addressee)
//	TITLE + PERSON  DR / DRL (Dr. and the doctor), HONPT (Mr./Ms. and the
//	        patient's family name), HONC (the addressee), HON (a new person)
//	TITLE   JOB (a job title), CRED (MD, RN, ...), TDR (Dr.), TMR (Mr.),
//	        TMRS (Mrs.): honorifics alone, before a PERSON slot
//	AGE     AGE (the number), AGEP (a number and its unit, "58 yo")
//	DATE    DATE, DOB, SDATE (no year: 7/22), YEAR, TIME, DATETIME, DOW
//	ORGANIZATION  ORG (the company), ORG2 (another), HOSP (the care
//	        organisation), HOSP2 (another)
//	LOCATION  CITY, CITYST (city and state, two spans), STATE, COUNTRY
//	MEDICATION / DOSAGE  MED, DOSE, MEDLINE, MEDS (a list)
//	CONDITION  COND, CONDS (a list)
//	MISC    NAT (a nationality, people or religious group: "Haitian")
//	structured  PHONE, PHONEX (with extension), EMAIL (the addressee's),
//	        MYEMAIL, SSN, MRN, NPI, CC, ADDR
//	unlabelled  SEX, VITALS, LABS, BED, TKT, AMT, NUM, INNER (an inner
//	        document, for prompts)
var slotNames = []string{
	"NAME", "FIRST", "LAST", "PT", "PTF", "PTL", "DOC", "DOCL", "NURSE", "NURSEF", "ME", "MEF", "CONTACT", "CONTACTF", "CONTACTL",
	"DR", "DRL", "HONPT", "HONC", "HON", "JOB", "CRED", "TDR", "TMR", "TMRS",
	"AGE", "AGEP", "DATE", "DOB", "SDATE", "YEAR", "TIME", "DATETIME", "DOW",
	"ORG", "ORG2", "HOSP", "HOSP2", "CITY", "CITYST", "STATE", "COUNTRY",
	"MED", "DOSE", "MEDLINE", "MEDS", "COND", "CONDS",
	"PHONE", "PHONEX", "EMAIL", "MYEMAIL", "SSN", "MRN", "NPI", "CC", "ADDR", "NAT",
	"SEX", "VITALS", "LABS", "BED", "TKT", "AMT", "NUM", "INNER",
}

func knownSlot(name string) bool { return slices.Contains(slotNames, name) }

// slotTypes returns the entity types a slot writes (none for fillers and
// for "" , the empty slot of a literal node).
func slotTypes(name string) []string {
	switch name {
	case "NAME", "FIRST", "LAST", "PT", "PTF", "PTL", "DOC", "DOCL", "NURSE", "NURSEF", "ME", "MEF", "CONTACT", "CONTACTF", "CONTACTL":
		return []string{Person}
	case "DR", "DRL", "HONPT", "HONC", "HON":
		return []string{Title, Person}
	case "JOB", "CRED", "TDR", "TMR", "TMRS":
		return []string{Title}
	case "AGE", "AGEP":
		return []string{Age}
	case "DATE", "DOB", "SDATE", "YEAR", "TIME", "DATETIME", "DOW":
		return []string{Date}
	case "ORG", "ORG2", "HOSP", "HOSP2":
		return []string{Organization}
	case "CITY", "CITYST", "STATE", "COUNTRY":
		return []string{Location}
	case "MED":
		return []string{Medication}
	case "DOSE":
		return []string{Dosage}
	case "MEDLINE", "MEDS":
		return []string{Medication, Dosage}
	case "COND", "CONDS":
		return []string{Condition}
	case "PHONE", "PHONEX":
		return []string{Phone}
	case "EMAIL", "MYEMAIL":
		return []string{Email}
	case "SSN":
		return []string{SSNType}
	case "MRN":
		return []string{MRNType}
	case "NPI":
		return []string{NPIType}
	case "CC":
		return []string{CreditCard}
	case "ADDR":
		return []string{Address}
	case "NAT":
		return []string{Misc}
	}
	return nil
}

// slot writes one slot's value.
func (c *composer) slot(name string) {
	switch name {
	case "NAME":
		c.ent(Person, c.full(c.newPerson()))
	case "FIRST":
		c.ent(Person, c.from(c.lex.given))
	case "LAST":
		c.ent(Person, c.from(c.lex.family))
	case "PT":
		c.ent(Person, c.full(c.patient()))
	case "PTF":
		c.ent(Person, c.patient().given)
	case "PTL":
		c.ent(Person, c.patient().family)
	case "DOC":
		c.ent(Person, c.full(c.doctor()))
	case "DOCL":
		c.ent(Person, c.doctor().family)
	case "NURSE":
		c.ent(Person, c.full(c.nurse()))
	case "NURSEF":
		c.ent(Person, c.nurse().given)
	case "ME":
		c.ent(Person, c.full(c.me()))
	case "MEF":
		c.ent(Person, c.me().given)
	case "CONTACT":
		c.ent(Person, c.full(c.contact()))
	case "CONTACTF":
		c.ent(Person, c.contact().given)
	case "CONTACTL":
		c.ent(Person, c.contact().family)
	case "DR":
		c.ent(Title, c.pick(doctorTitles))
		c.lit(" ")
		if c.chance(50) {
			c.ent(Person, c.doctor().family)
		} else {
			c.ent(Person, c.full(c.doctor()))
		}
	case "DRL":
		c.ent(Title, c.pick(doctorTitles))
		c.lit(" ")
		c.ent(Person, c.doctor().family)
	case "HONPT":
		p := c.patient()
		c.ent(Title, c.honorific(p))
		c.lit(" ")
		c.ent(Person, p.family)
	case "HONC":
		p := c.contact()
		c.ent(Title, c.honorific(p))
		c.lit(" ")
		c.ent(Person, p.family)
	case "HON":
		p := c.newPerson()
		c.ent(Title, c.honorific(p))
		c.lit(" ")
		if c.chance(70) {
			c.ent(Person, p.family)
		} else {
			c.ent(Person, p.given+" "+p.family)
		}
	case "JOB":
		c.ent(Title, c.from(c.lex.job))
	case "CRED":
		c.ent(Title, c.pick(credentials))
	case "TDR":
		c.ent(Title, c.pick(doctorTitles))
	case "TMR":
		c.ent(Title, c.pick(honorificsMale))
	case "TMRS":
		c.ent(Title, c.pick([]string{"Mrs.", "Mrs", "Ms."}))
	case "AGE":
		c.ent(Age, c.age())
	case "AGEP":
		c.ent(Age, c.age())
		c.lit(c.pick(ageUnits))
	case "DATE":
		c.ent(Date, c.date(false))
	case "DOB":
		c.ent(Date, c.date(true))
	case "SDATE":
		c.ent(Date, c.shortDate())
	case "YEAR":
		c.ent(Date, fmt.Sprint(1960+c.r.IntN(66)))
	case "TIME":
		c.ent(Date, c.time())
	case "DATETIME":
		d := c.shortDate()
		if c.chance(50) {
			d = c.date(false)
		}
		c.ent(Date, d+c.pick([]string{" ", " @ ", " at "})+c.time())
	case "DOW":
		c.ent(Date, c.pick(weekdays))
	case "ORG":
		c.ent(Organization, c.company())
	case "ORG2":
		c.ent(Organization, c.newCompany())
	case "HOSP":
		c.ent(Organization, c.hospital())
	case "HOSP2":
		c.ent(Organization, c.newHospital())
	case "CITY":
		c.ent(Location, c.from(c.lex.city))
	case "CITYST":
		c.ent(Location, c.from(c.lex.city))
		c.lit(", ")
		c.ent(Location, c.pick(usStateAbbr))
	case "STATE":
		c.ent(Location, c.pick(usStateAbbr))
	case "COUNTRY":
		c.ent(Location, c.from(c.lex.country))
	case "MED":
		c.ent(Medication, c.drug())
	case "DOSE":
		c.ent(Dosage, c.dose())
	case "MEDLINE":
		c.medLine()
	case "MEDS":
		c.list(2+c.r.IntN(4), c.medLine, []string{", ", "; ", "\n- ", "\n", " / "})
	case "COND":
		c.ent(Condition, c.condition())
	case "CONDS":
		var seen []string
		c.list(2+c.r.IntN(4), func() {
			v := c.condition()
			for try := 0; try < maxRedraws && slices.Contains(seen, v); try++ {
				v = c.condition()
			}
			seen = append(seen, v)
			c.ent(Condition, v)
		}, []string{", ", "; ", ", ", " + ", "\n- "})
	case "PHONE":
		c.ent(Phone, c.phone())
	case "PHONEX":
		c.ent(Phone, c.phoneExt())
	case "EMAIL":
		c.ent(Email, c.email(c.contact()))
	case "MYEMAIL":
		c.ent(Email, c.email(c.me()))
	case "SSN":
		s := SSN(c.r)
		if c.chance(20) {
			s = onlyDigits(s)
		}
		c.ent(SSNType, s)
	case "MRN":
		c.ent(MRNType, MRN(c.r))
	case "NPI":
		c.ent(NPIType, NPI(c.r))
	case "CC":
		c.ent(CreditCard, Card(c.r))
	case "ADDR":
		c.ent(Address, c.address())
	case "NAT":
		c.ent(Misc, c.from(c.lex.nat))
	case "SEX":
		c.lit(c.pick([]string{"M", "F", "male", "female", "man", "woman", "gentleman", "lady", "W/M", "B/F"}))
	case "VITALS":
		c.lit(c.vitals())
	case "LABS":
		c.lit(c.labs())
	case "BED":
		c.lit(c.pick([]string{"bed ", "rm ", "room ", "Bed ", "RM "}) + fmt.Sprint(1+c.r.IntN(60)) + c.pick([]string{"", "", "A", "B", "-2"}))
	case "TKT":
		c.lit(c.pick([]string{"INC", "REQ", "CS-", "#", "TKT-", "CHG"}) + fmt.Sprintf("%0*d", 4+c.r.IntN(4), c.r.IntN(10000000)))
	case "AMT":
		c.lit(fmt.Sprintf("%s%d.%02d", c.pick([]string{"$", "$", "€", "£", "USD "}), 5+c.r.IntN(20000), c.r.IntN(100)))
	case "NUM":
		c.lit(fmt.Sprint(2 + c.r.IntN(11)))
	case "INNER":
		c.inner()
	default:
		panic("synth: slot " + name + " listed but not handled") // TestSlotsHandled covers every name
	}
}
