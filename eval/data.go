package eval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/obscura-ai/obscura/eval/synth"
)

// Word is one word of an example's text: Text[Start:End], byte offsets.
type Word struct {
	Start int
	End   int
}

// Example is one evaluation unit: a text split into words with one gold IOB2
// tag per word. Tags use canonical types (see Canonical).
type Example struct {
	ID    string
	Text  string
	Words []Word
	Gold  []string
	// RawGold are the gold tags as the file spells them (CoNLL only), so
	// that predictions can be written back in the input's label names.
	RawGold []string
}

// RawTypes maps each canonical type of the examples' gold to the spelling
// the data file uses (PERSON → PER for CoNLL-2003).
func RawTypes(exs []Example) map[string]string {
	m := map[string]string{}
	for _, ex := range exs {
		for i, t := range ex.RawGold {
			if _, raw := splitTag(t); raw != "_" {
				_, c := splitTag(ex.Gold[i])
				m[c] = raw
			}
		}
	}
	return m
}

// Format names an input format.
type Format string

const (
	FormatCoNLL    Format = "conll"    // TOKEN ... TAG per line, blank line between sentences
	FormatJSONL    Format = "jsonl"    // one {"id","text","spans":[{"type","start","end"}]} per line, byte offsets
	FormatPresidio Format = "presidio" // presidio-research JSON list, character offsets
)

// DetectFormat guesses a file's format from its extension.
func DetectFormat(path string) Format {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl":
		return FormatJSONL
	case ".json":
		return FormatPresidio
	}
	return FormatCoNLL
}

// canonical maps label types of the data sets and models we evaluate to
// Obscura's entity names. presidio-synth's labels map as follows (docs/data.md
// states the same table):
//
//	PERSON → PERSON              ORGANIZATION → ORGANIZATION
//	GPE, LOCATION → LOCATION     STREET_ADDRESS, ZIP_CODE → ADDRESS
//	DATE_TIME → DATE             (dates, times, weekdays and years alike)
//	TITLE → TITLE                (honorifics "Dr.", "Mrs." apart from the
//	                             PERSON after them, and job titles)
//	AGE → AGE                    (the number only: "79" in "79 year old")
//	NRP → MISC                   (nationalities, religious and political
//	                             groups: CoNLL-2003 tags "German" MISC)
//	PHONE_NUMBER → PHONE         EMAIL_ADDRESS → EMAIL
//	US_SSN → SSN                 CREDIT_CARD → CREDIT_CARD
//	IBAN_CODE → IBAN             IP_ADDRESS → IP
//	DOMAIN_NAME → URL            (host names and URLs)
//	US_DRIVER_LICENSE            unchanged: Obscura has no such type (5
//	                             spans), so it is scored as its own type
//
// CoNLL-2003's PER, ORG, LOC and MISC map to PERSON, ORGANIZATION, LOCATION
// and MISC; the synthetic sets already use these names.
var canonical = map[string]string{
	"PER": "PERSON", "PERSON": "PERSON",
	"ORG": "ORGANIZATION", "ORGANIZATION": "ORGANIZATION",
	"LOC": "LOCATION", "LOCATION": "LOCATION", "GPE": "LOCATION",
	"STREET_ADDRESS": "ADDRESS", "ADDRESS": "ADDRESS", "ZIP_CODE": "ADDRESS",
	"DATE_TIME": "DATE", "DATE": "DATE",
	"TITLE": "TITLE", "AGE": "AGE",
	"NRP": "MISC", "MISC": "MISC",
	"PHONE_NUMBER": "PHONE", "PHONE": "PHONE",
	"EMAIL_ADDRESS": "EMAIL", "EMAIL": "EMAIL",
	"US_SSN": "SSN", "SSN": "SSN",
	"CREDIT_CARD": "CREDIT_CARD",
	"IBAN_CODE":   "IBAN", "IBAN": "IBAN",
	"IP_ADDRESS": "IP", "IP": "IP",
	// presidio's DOMAIN_NAME values are host names and URLs; our closest
	// type is URL.
	"DOMAIN_NAME": "URL", "URL": "URL",
}

// Canonical returns Obscura's name for an entity type: PER → PERSON, ORG →
// ORGANIZATION, LOC and GPE → LOCATION, presidio's STREET_ADDRESS → ADDRESS,
// NRP → MISC, and so on (the table above). Unknown types are returned
// unchanged.
func Canonical(typ string) string {
	if c, ok := canonical[typ]; ok {
		return c
	}
	return typ
}

// SplitOf assigns an example id to "train", "valid" or "test" by a stable
// hash (FNV-1a of "example:"+id; about 80/10/10, the same on every run and
// platform), so that a held-out split of a fixed data set such as
// presidio-synth (ids "0" … "1499", the record's index, as ReadPresidio
// numbers them) is never trained on. Trainers keep the "train" examples;
// evaluations of held-out accuracy use "test".
//
// The split generator's ids already name their split ("test-000017", from
// obscura gen --split): SplitOf returns that split, so that filtering a
// generated file keeps all of it and never moves a generated test sample
// into training.
func SplitOf(id string) string {
	if sp, num, ok := strings.Cut(id, "-"); ok && num != "" && strings.Trim(num, "0123456789") == "" {
		if _, err := synth.ParseSplit(sp); err == nil {
			return sp
		}
	}
	return string(synth.SplitOf("example:" + id))
}

// FilterSplit returns the examples whose id SplitOf assigns to split.
func FilterSplit(exs []Example, split string) []Example {
	var out []Example
	for _, ex := range exs {
		if SplitOf(ex.ID) == split {
			out = append(out, ex)
		}
	}
	return out
}

func canonicalTag(tag string) string {
	if len(tag) > 2 && tag[1] == '-' {
		return tag[:2] + Canonical(tag[2:])
	}
	return tag
}

// LoadFile reads a data set in the given format ("" guesses from the name).
func LoadFile(path string, f Format) ([]Example, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	if f == "" {
		f = DetectFormat(path)
	}
	switch f {
	case FormatCoNLL:
		return ReadCoNLL(fh)
	case FormatJSONL:
		return ReadJSONL(fh)
	case FormatPresidio:
		return ReadPresidio(fh)
	}
	return nil, fmt.Errorf("eval: unknown format %q", f)
}

// ReadCoNLL reads pre-split sentences: the first field of a line is the word,
// the last its tag; blank lines and -DOCSTART- lines end a sentence. The text
// of a sentence is its words joined by single spaces. A sentence's ID is its
// number (from 1), or N where its document starts "-DOCSTART- id=N", as
// presidio-synth's IOB2 file does, so that it matches the JSON record's id.
func ReadCoNLL(r io.Reader) ([]Example, error) {
	var out []Example
	var cur Example
	var b strings.Builder
	docID := ""
	flush := func() {
		if len(cur.Words) > 0 {
			cur.Text = b.String()
			cur.ID = fmt.Sprint(len(out) + 1)
			if docID != "" {
				cur.ID = docID
				docID = ""
			}
			out = append(out, cur)
		}
		cur = Example{}
		b.Reset()
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<24)
	line := 0
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if len(f) == 0 || f[0] == "-DOCSTART-" {
			flush()
			if len(f) == 2 && f[0] == "-DOCSTART-" && strings.HasPrefix(f[1], "id=") {
				docID = strings.TrimPrefix(f[1], "id=")
			} else if len(f) > 0 {
				docID = ""
			}
			continue
		}
		if len(f) < 2 {
			return nil, fmt.Errorf("eval: CoNLL line %d has no tag", line)
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		start := b.Len()
		b.WriteString(f[0])
		cur.Words = append(cur.Words, Word{Start: start, End: b.Len()})
		cur.Gold = append(cur.Gold, canonicalTag(f[len(f)-1]))
		cur.RawGold = append(cur.RawGold, f[len(f)-1])
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	flush()
	return out, nil
}

// SpanExample builds an example from a text and gold spans (byte offsets):
// words come from synth.Tokenize, and a word inside a span is tagged with it.
func SpanExample(id, text string, spans []Entity) Example {
	ex := Example{ID: id, Text: text}
	for _, t := range synth.Tokenize(text) {
		ex.Words = append(ex.Words, Word{Start: t.Start, End: t.End})
	}
	ex.Gold = TagWords(ex.Words, spans)
	return ex
}

// TagWords projects entities (byte offsets) onto words as IOB2 tags, by the
// first-subword rule: a word takes the type of the entity that contains its
// first byte, B- when that entity starts inside the word, I- when it started
// in an earlier word. A word whose first byte no entity covers is O. Where
// entities overlap, the one that starts first wins.
func TagWords(words []Word, ents []Entity) []string {
	e := append([]Entity(nil), ents...)
	sort.SliceStable(e, func(i, j int) bool { return e[i].Start < e[j].Start })
	tags := make([]string, len(words))
	k := 0
	for i, w := range words {
		tags[i] = "O"
		for k < len(e) && e[k].End <= w.Start {
			k++
		}
		for c := k; c < len(e) && e[c].Start <= w.Start; c++ {
			if w.Start < e[c].End {
				if e[c].Start >= w.Start || i == 0 || words[i-1].Start < e[c].Start {
					tags[i] = "B-" + e[c].Type
				} else {
					tags[i] = "I-" + e[c].Type
				}
				break
			}
		}
	}
	return tags
}

// ReadJSONL reads one {"id","text","spans":[{"type","start","end"}]} object
// per line (obscura gen's output); offsets are bytes.
func ReadJSONL(r io.Reader) ([]Example, error) {
	var out []Example
	dec := json.NewDecoder(r)
	for {
		var rec struct {
			ID    string   `json:"id"`
			Text  string   `json:"text"`
			Spans []Entity `json:"spans"`
		}
		if err := dec.Decode(&rec); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("eval: JSONL record %d: %w", len(out)+1, err)
		}
		for i := range rec.Spans {
			sp := rec.Spans[i]
			if sp.Start < 0 || sp.End > len(rec.Text) || sp.Start >= sp.End {
				return nil, fmt.Errorf("eval: JSONL record %d: span %d out of range", len(out)+1, i)
			}
			rec.Spans[i].Type = Canonical(sp.Type)
		}
		if rec.ID == "" {
			rec.ID = fmt.Sprint(len(out) + 1)
		}
		out = append(out, SpanExample(rec.ID, rec.Text, rec.Spans))
	}
	return out, nil
}

// ReadPresidio reads presidio-research's JSON list of {full_text, spans:
// [{entity_type, start_position, end_position}]}, whose offsets count
// characters (code points); they are converted to bytes.
func ReadPresidio(r io.Reader) ([]Example, error) {
	var recs []struct {
		Text  string `json:"full_text"`
		Spans []struct {
			Type  string `json:"entity_type"`
			Start int    `json:"start_position"`
			End   int    `json:"end_position"`
		} `json:"spans"`
	}
	if err := json.NewDecoder(r).Decode(&recs); err != nil {
		return nil, fmt.Errorf("eval: presidio JSON: %w", err)
	}
	out := make([]Example, 0, len(recs))
	for n, rec := range recs {
		// byteAt[i] is the byte offset of code point i.
		byteAt := make([]int, 0, len(rec.Text)+1)
		for i := range rec.Text {
			byteAt = append(byteAt, i)
		}
		byteAt = append(byteAt, len(rec.Text))
		var ents []Entity
		for i, sp := range rec.Spans {
			if sp.Start < 0 || sp.End >= len(byteAt) || sp.Start >= sp.End {
				return nil, fmt.Errorf("eval: presidio record %d: span %d out of range", n, i)
			}
			ents = append(ents, Entity{Type: Canonical(sp.Type), Start: byteAt[sp.Start], End: byteAt[sp.End]})
		}
		out = append(out, SpanExample(fmt.Sprint(n), rec.Text, ents))
	}
	return out, nil
}

// GoldTypes returns the set of canonical types in the examples' gold tags.
func GoldTypes(exs []Example) map[string]bool {
	set := map[string]bool{}
	for _, ex := range exs {
		for _, c := range Chunks(ex.Gold) {
			set[c.Type] = true
		}
	}
	return set
}
