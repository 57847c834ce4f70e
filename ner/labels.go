package ner

import (
	"fmt"
	"strings"
)

// DefaultTypeMap maps the CoNLL-2003 tags of the baseline model to Obscura's
// entity types.
var DefaultTypeMap = map[string]string{
	"PER":  "PERSON",
	"LOC":  "LOCATION",
	"ORG":  "ORGANIZATION",
	"MISC": "MISC",
}

// Label is one class of the token classifier, split into its IOB2 prefix and
// tag: "B-PER" is {Prefix: 'B', Tag: "PER"}; "O" is {Prefix: 'O'}.
type Label struct {
	Name   string
	Prefix byte // 'B', 'I' or 'O'
	Tag    string
}

// ParseLabel splits an IOB2 label. A label without a B-/I- prefix other than
// "O" is treated as an inside tag of itself, as Hugging Face's pipeline does.
func ParseLabel(name string) Label {
	switch {
	case name == "O" || name == "":
		return Label{Name: name, Prefix: 'O'}
	case strings.HasPrefix(name, "B-"):
		return Label{Name: name, Prefix: 'B', Tag: name[2:]}
	case strings.HasPrefix(name, "I-"):
		return Label{Name: name, Prefix: 'I', Tag: name[2:]}
	}
	return Label{Name: name, Prefix: 'I', Tag: name}
}

// Labels is the classifier's label set, indexed by class id, with the
// mapping of tags to entity types.
type Labels struct {
	classes []Label
	types   map[string]string // tag -> entity type
}

// NewLabels builds a label set from id2label names (index = class id) and a
// tag→type map. A nil typeMap means DefaultTypeMap; a tag missing from the
// map keeps its own name, upper-cased, as its type.
func NewLabels(names []string, typeMap map[string]string) (*Labels, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("ner: empty label set")
	}
	if typeMap == nil {
		typeMap = DefaultTypeMap
	}
	l := &Labels{types: map[string]string{}}
	for k, v := range typeMap {
		l.types[k] = v
	}
	hasO := false
	for i, n := range names {
		if n == "" {
			return nil, fmt.Errorf("ner: label %d has no name", i)
		}
		lab := ParseLabel(n)
		if lab.Prefix == 'O' {
			hasO = true
		}
		l.classes = append(l.classes, lab)
	}
	if !hasO {
		return nil, fmt.Errorf("ner: label set has no O class")
	}
	return l, nil
}

// LabelsFromID2Label builds a label set from a config.json-style id2label
// map ("0" → "O", ...). The ids must be exactly 0..n-1.
func LabelsFromID2Label(id2label map[string]string, typeMap map[string]string) (*Labels, error) {
	names := make([]string, len(id2label))
	for k, v := range id2label {
		var id int
		if _, err := fmt.Sscanf(k, "%d", &id); err != nil || id < 0 || id >= len(names) || fmt.Sprint(id) != k {
			return nil, fmt.Errorf("ner: id2label key %q is not an id in 0..%d", k, len(names)-1)
		}
		names[id] = v
	}
	return NewLabels(names, typeMap)
}

// Len is the number of classes.
func (l *Labels) Len() int { return len(l.classes) }

// Class returns class id's label.
func (l *Labels) Class(id int) Label { return l.classes[id] }

// Type returns the entity type of a tag.
func (l *Labels) Type(tag string) string {
	if t, ok := l.types[tag]; ok {
		return t
	}
	return strings.ToUpper(tag)
}

// Types lists the entity types the label set can produce, in class order,
// without duplicates.
func (l *Labels) Types() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range l.classes {
		if c.Prefix == 'O' {
			continue
		}
		t := l.Type(c.Tag)
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}
