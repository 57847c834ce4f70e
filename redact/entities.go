package redact

import (
	"context"
	"sort"
)

// Entity types.
const (
	TypePerson       = "PERSON"
	TypeLocation     = "LOCATION"
	TypeOrganization = "ORGANIZATION"
	TypeMisc         = "MISC"
	TypeSSN          = "SSN"
	TypePhone        = "PHONE"
	TypeEmail        = "EMAIL"
	TypeMRN          = "MRN"
	TypeCreditCard   = "CREDIT_CARD"
	TypeIP           = "IP"
	TypeDate         = "DATE"
	TypeURL          = "URL"
	TypeAddress      = "ADDRESS"
	TypeNPI          = "NPI"
	TypeIBAN         = "IBAN"
	TypeAge          = "AGE"
	// Types of the PII/PHI model's labels (issue 16); the regex layer finds
	// none of them.
	TypeTitle      = "TITLE"
	TypeMedication = "MEDICATION"
	TypeCondition  = "CONDITION"
	TypeDosage     = "DOSAGE"
	// TypeCustom is the type of per-request deny-list terms.
	TypeCustom = "CUSTOM"
	// TypeToken is the type given to token-like strings that were already in
	// the input, so that they cannot be confused with our tokens.
	TypeToken = "TOKEN"
)

// Detector sources.
const (
	SourceNER        = "ner"
	SourceRegex      = "regex"
	SourceDictionary = "dictionary"
	SourceLiteral    = "literal" // pre-existing token-like text
	// SourcePropagated marks a further occurrence of a detected value (or
	// of a value from an earlier turn's mapping); see propagate.go.
	SourcePropagated = "propagated"
)

// BuiltinTypes are the types the engine knows without configuration.
var BuiltinTypes = []string{
	TypePerson, TypeLocation, TypeOrganization, TypeMisc,
	TypeSSN, TypePhone, TypeEmail, TypeMRN, TypeCreditCard, TypeIP, TypeDate,
	TypeURL, TypeAddress, TypeNPI, TypeIBAN, TypeAge,
	TypeTitle, TypeMedication, TypeCondition, TypeDosage,
	TypeCustom, TypeToken,
}

// semanticTypes are the types the model is better at than patterns. Every
// other type is structured (product plan §2.3): on an exact overlap the
// pattern wins for SSN, PHONE, DATE, AGE, ..., the model for these. AGE is
// structured because its patterns are exact ("58 yo"); TITLE, MEDICATION,
// CONDITION and DOSAGE are the model's (a deployment's drug list in a
// dictionary loses a tie to it, as a name list does for PERSON).
var semanticTypes = map[string]bool{
	TypePerson: true, TypeLocation: true, TypeOrganization: true, TypeMisc: true,
	TypeTitle: true, TypeMedication: true, TypeCondition: true, TypeDosage: true,
}

// IsStructured reports whether a type is structured (SSN, PHONE, AGE, ...),
// as opposed to semantic (PERSON, ORGANIZATION, LOCATION, MISC, TITLE,
// MEDICATION, CONDITION, DOSAGE).
func IsStructured(typ string) bool { return !semanticTypes[typ] }

// Detector finds entities of some types in a text. Implementations are safe
// for concurrent use.
type Detector interface {
	Name() string
	Types() []string
	Detect(ctx context.Context, text string) ([]Entity, error)
}

// sortEntities orders entities by start, then end, then type.
func sortEntities(es []Entity) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		if a.End != b.End {
			return a.End < b.End
		}
		return a.Type < b.Type
	})
}
