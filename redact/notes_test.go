package redact

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The hand-written clinical notes of testdata/notes (upper-case nursing
// notes, S/P, PMH, dates without a year, ages, times, extensions; every
// value invented, see the README there). notes.txt is the source, with
// {{TYPE|value}} markup; notes.jsonl is the same in the repository's JSONL
// format, byte offsets.

const notesDir = "../testdata/notes"

type noteSpan struct {
	Type  string `json:"type"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

type note struct {
	ID    string     `json:"id"`
	Text  string     `json:"text"`
	Spans []noteSpan `json:"spans"`
}

// noteSets are the sets of testdata/notes: notes (the development set,
// written with the detectors) and fresh (written after the detectors were
// finished, never used to tune them).
var noteSets = []string{"notes", "fresh"}

func readNotesJSONL(t *testing.T, set string) []note {
	t.Helper()
	f, err := os.Open(filepath.Join(notesDir, set+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []note
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var n note
		if err := json.Unmarshal(sc.Bytes(), &n); err != nil {
			t.Fatalf("notes.jsonl line %d: %v", len(out)+1, err)
		}
		out = append(out, n)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// parseNotesSource reads notes.txt: "=== id" starts a note, its lines up to
// the next one are its text (trailing newlines dropped), and {{TYPE|value}}
// marks a gold span.
func parseNotesSource(t *testing.T, set string) []note {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(notesDir, set+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []note
	var src []string
	flush := func() {
		if len(out) == 0 {
			return
		}
		s := strings.TrimRight(strings.Join(src, "\n"), "\n")
		n := &out[len(out)-1]
		var text strings.Builder
		for {
			i := strings.Index(s, "{{")
			if i < 0 {
				text.WriteString(s)
				break
			}
			text.WriteString(s[:i])
			j := strings.Index(s[i:], "}}")
			typ, val, ok := strings.Cut(s[i+2:i+j], "|")
			if j < 0 || !ok {
				t.Fatalf("note %s: bad markup", n.ID)
			}
			n.Spans = append(n.Spans, noteSpan{typ, text.Len(), text.Len() + len(val)})
			text.WriteString(val)
			s = s[i+j+2:]
		}
		n.Text = text.String()
		src = src[:0]
	}
	for _, line := range strings.Split(string(b), "\n") {
		if id, ok := strings.CutPrefix(line, "=== "); ok {
			flush()
			out = append(out, note{ID: strings.TrimSpace(id)})
			continue
		}
		if len(out) > 0 {
			src = append(src, line)
		}
	}
	flush()
	return out
}

var updateNotes = flag.Bool("update-notes", false, "rewrite testdata/notes/*.jsonl from the .txt sources")

// TestNotesJSONLMatchesSource: the JSONL is exactly the markup source.
// After editing notes.txt, regenerate it with
//
//	go test ./redact/ -run TestNotesJSONLMatchesSource -update-notes
func TestNotesJSONLMatchesSource(t *testing.T) {
	for _, set := range noteSets {
		checkNotesSet(t, set)
	}
}

func checkNotesSet(t *testing.T, set string) {
	src := parseNotesSource(t, set)
	if *updateNotes {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		for _, n := range src {
			if err := enc.Encode(n); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(notesDir, set+".jsonl"), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	js := readNotesJSONL(t, set)
	if len(src) != len(js) || len(src) < 10 {
		t.Fatalf("%d notes in %s.txt, %d in %s.jsonl", len(src), set, len(js), set)
	}
	for i := range src {
		a, _ := json.Marshal(src[i])
		b, _ := json.Marshal(js[i])
		if string(a) != string(b) {
			t.Errorf("note %s differs between %s.txt and %s.jsonl", src[i].ID, set, set)
		}
	}
}

// recallCounts tallies, per gold type, the spans fully covered by masked
// entities (of any type: nothing of the value is left in the text) and by
// entities of the gold type.
type recallCounts struct{ gold, covered, typed int }

func notesRecall(t *testing.T, e *Engine, notes []note) (map[string]*recallCounts, []string) {
	t.Helper()
	per := map[string]*recallCounts{}
	var extra []string // detected spans that overlap no gold span
	for _, n := range notes {
		res, err := e.Redact(context.Background(), n.Text, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if back, _ := Restore(res.MaskedText, res.Mapping); back != n.Text {
			t.Fatalf("note %s: round trip broke", n.ID)
		}
		for _, g := range n.Spans {
			c := per[g.Type]
			if c == nil {
				c = &recallCounts{}
				per[g.Type] = c
			}
			c.gold++
			if coveredBy(g, res.Entities, "") {
				c.covered++
			}
			if coveredBy(g, res.Entities, g.Type) {
				c.typed++
			}
		}
		for _, en := range res.Entities {
			hit := false
			for _, g := range n.Spans {
				if en.Start < g.End && g.Start < en.End {
					hit = true
				}
			}
			if !hit {
				extra = append(extra, n.ID+" "+en.Type+" "+n.Text[en.Start:en.End])
			}
		}
	}
	return per, extra
}

// coveredBy reports whether every byte of g lies in some entity (of type
// typ, unless typ is "").
func coveredBy(g noteSpan, es []Entity, typ string) bool {
	at := g.Start
	for _, e := range es { // sorted by start, disjoint
		if typ != "" && e.Type != typ {
			continue
		}
		if e.Start <= at && e.End > at {
			at = e.End
		}
	}
	return at >= g.End
}

func logRecall(t *testing.T, name string, per map[string]*recallCounts) {
	t.Helper()
	types := make([]string, 0, len(per))
	for k := range per {
		types = append(types, k)
	}
	sort.Strings(types)
	var all recallCounts
	for _, k := range types {
		c := per[k]
		all.gold += c.gold
		all.covered += c.covered
		all.typed += c.typed
		t.Logf("%s %-12s gold %3d  covered %5.1f%%  same type %5.1f%%", name, k, c.gold, pct(c.covered, c.gold), pct(c.typed, c.gold))
	}
	t.Logf("%s %-12s gold %3d  covered %5.1f%%  same type %5.1f%%", name, "ALL", all.gold, pct(all.covered, all.gold), pct(all.typed, all.gold))
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// Minimum recall (gold spans of the type fully covered by an entity of
// that type, percent) of the regex-only engine on the notes, for the types
// its patterns cover.
// Before the clinical detectors (commit fe42a8f) these were DATE 27.6,
// AGE 0, PHONE 85.7, PERSON 0.
var notesRegexFloor = map[string]float64{TypeDate: 95, TypeAge: 95, TypePhone: 95, TypePerson: 85, TypeMRN: 95}

// notesRegexMaxExtra bounds the regex engine's detected spans on the notes
// that overlap no gold span (false positives).
const notesRegexMaxExtra = 2

// TestNotesRecallRegex measures the regex layer (no model) on the notes,
// per type, and holds it to notesRegexFloor.
func TestNotesRecallRegex(t *testing.T) {
	for _, set := range noteSets[1:] {
		per, extra := notesRecall(t, fastEngine(t), readNotesJSONL(t, set))
		logRecall(t, set+" regex", per)
		t.Logf("%s regex: %d detected spans overlap no gold span: %q", set, len(extra), extra)
	}
	per, extra := notesRecall(t, fastEngine(t), readNotesJSONL(t, "notes"))
	logRecall(t, "regex", per)
	t.Logf("regex: %d detected spans overlap no gold span: %q", len(extra), extra)
	if len(extra) > notesRegexMaxExtra {
		t.Errorf("%d false positives on the notes, more than %d", len(extra), notesRegexMaxExtra)
	}
	for typ, floor := range notesRegexFloor {
		if c := per[typ]; c == nil || pct(c.typed, c.gold) < floor {
			t.Errorf("%s recall below %.0f%%", typ, floor)
		}
	}
}

// TestNotesRecallModel measures the full pipeline with the shared CoNLL
// model (skips without it).
func TestNotesRecallModel(t *testing.T) {
	for _, set := range noteSets {
		per, extra := notesRecall(t, realEngine(t), readNotesJSONL(t, set))
		logRecall(t, set+" model", per)
		t.Logf("%s model: %d detected spans overlap no gold span: %q", set, len(extra), extra)
	}
}
