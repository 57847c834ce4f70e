package synth

import (
	"github.com/brianvoe/gofakeit/v7/data"
)

// lexicon holds the open-class vocabularies, each divided among the splits.
// Closed classes (honorifics, credentials, months, units, routes,
// frequencies, street types, US state codes, e-mail domains, organisation
// forms) are shared by every split: a model must know them, and they carry
// no identity.
type lexicon struct {
	given, family        *vocab
	city, country        *vocab
	street               *vocab
	hospStem             *vocab
	company, companyStem *vocab
	drug, brand          *vocab
	cond, condAbbr       *vocab
	job                  *vocab
	nat                  *vocab
}

// buildLexicon assembles the vocabularies from this package's lists and
// gofakeit's data tables (github.com/brianvoe/gofakeit/v7/data, MIT):
// first and last names, US cities, countries, company names and job titles.
func buildLexicon() *lexicon {
	return &lexicon{
		given:       newVocabBy("given", lastWord, givenNames, data.Person["first"]),
		family:      newVocabBy("family", lastWord, familyNames, data.Person["last"]),
		city:        newVocab("city", worldCities, data.Address["city"]),
		country:     newVocab("country", data.Address["country"]),
		street:      newVocab("street", streetStems),
		hospStem:    newVocab("hospital", hospitalStems),
		company:     newVocab("company", data.Company["name"]),
		companyStem: newVocab("companystem", companyStems),
		drug:        newVocab("drug", drugGeneric),
		brand:       newVocab("brand", drugBrand),
		cond:        newVocab("condition", conditionNames),
		condAbbr:    newVocab("condabbr", conditionAbbrevs),
		job:         newVocab("job", jobTitles, data.Job["title"]),
		nat:         newVocab("nationality", nationalities),
	}
}

// vocabs lists every vocabulary, for counting and tests.
func (l *lexicon) vocabs() []*vocab {
	return []*vocab{l.given, l.family, l.city, l.country, l.street, l.hospStem, l.company, l.companyStem, l.drug, l.brand, l.cond, l.condAbbr, l.job, l.nat}
}
