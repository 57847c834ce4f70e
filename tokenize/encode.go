package tokenize

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The pipeline below is Hugging Face's, streamed one character at a time:
//
//  1. added tokens ([CLS], [MASK], ...) are cut out of the raw text;
//  2. BertNormalizer, per character: clean_text drops NUL, U+FFFD and the
//     "other" (control, format, private-use) characters except \t \n \r,
//     and maps whitespace to ' '; handle_chinese_chars puts spaces around
//     CJK ideographs; strip_accents decomposes (NFD) and drops non-spacing
//     marks; lowercase applies the full lowercase mapping;
//  3. BertPreTokenizer splits on whitespace and isolates punctuation;
//  4. WordPiece: greedy longest match, "##" continuations, [UNK] for a word
//     with an unmatched remainder or more than max_input_chars_per_word
//     characters.
//
// Every normalized character keeps the byte range of the original character
// it came from (characters a step inserts share it), so a piece's offsets
// run from its first character's start to its last character's end, as the
// Rust library's alignment tracking gives. Invalid UTF-8 bytes are read as
// U+FFFD, one byte each.

// ASCII character classes, precomputed from the tables.
const (
	clsControl = 1 << iota
	clsSpace
	clsPunct
)

var asciiClass = func() (c [utf8.RuneSelf]uint8) {
	for r := rune(0); r < utf8.RuneSelf; r++ {
		if unicode.Is(controlTable, r) {
			c[r] |= clsControl
		}
		if unicode.Is(spaceTable, r) {
			c[r] |= clsSpace
		}
		if unicode.Is(punctTable, r) {
			c[r] |= clsPunct
		}
	}
	return c
}()

// encoder holds the scratch state of one Encode call.
type encoder struct {
	t   *Tokenizer
	out *Encoding
	buf Encoding // reused across calls through Tokenizer.scratch
	// word is the normalized UTF-8 of the word being built; start and end
	// give, for each of its bytes, the original byte range of the character
	// it belongs to.
	word       []byte
	start, end []int32
	nchars     int
	wordID     int
	// run is the pending combining run of NFD output (strip_accents);
	// origs[orig0:] are the byte ranges of the original characters it has
	// not yet taken, last the range taken most recently.
	run   []nfdChar
	origs []span
	orig0 int
	last  span
	// trace, when set (by tests), receives every normalized character
	// that reaches the pre-tokenizer.
	trace *[]rune
}

// Encode tokenizes text and adds the post-processor's special tokens
// ([CLS] ... [SEP]). It never truncates. Added tokens found in the text
// (such as a literal "[MASK]") get their own ids and real offsets, with
// Special false, as in Hugging Face's special_tokens_mask.
func (t *Tokenizer) Encode(text string) Encoding {
	e, _ := t.scratch.Get().(*encoder)
	if e == nil {
		e = &encoder{t: t}
	}
	// Tokens are collected in the pooled scratch encoding, then copied
	// into exactly sized slices: no growth, no over-allocation kept alive
	// by the caller.
	buf := &e.buf
	buf.truncate(0)
	e.out = buf
	e.wordID = 0
	e.resetWord()
	e.resetRun()
	for _, id := range t.head {
		buf.appendSpecial(id)
	}
	t.splitAdded(e, text)
	for _, id := range t.tail {
		buf.appendSpecial(id)
	}
	n := buf.Len()
	out := Encoding{
		IDs:     make([]int32, n),
		Offsets: make([][2]int, n),
		Special: make([]bool, n),
		WordIDs: make([]int, n),
	}
	copy(out.IDs, buf.IDs)
	copy(out.Offsets, buf.Offsets)
	copy(out.Special, buf.Special)
	copy(out.WordIDs, buf.WordIDs)
	e.out = nil
	t.scratch.Put(e)
	return out
}

func (e *Encoding) appendSpecial(id int32) {
	e.IDs = append(e.IDs, id)
	e.Offsets = append(e.Offsets, [2]int{0, 0})
	e.Special = append(e.Special, true)
	e.WordIDs = append(e.WordIDs, -1)
}

func (e *Encoding) append(id int32, start, end int32, word int) {
	e.IDs = append(e.IDs, id)
	e.Offsets = append(e.Offsets, [2]int{int(start), int(end)})
	e.Special = append(e.Special, false)
	e.WordIDs = append(e.WordIDs, word)
}

// splitAdded cuts the added tokens out of the raw text (leftmost, then
// longest match) and runs the normalizer, pre-tokenizer and model on the
// text between them.
func (t *Tokenizer) splitAdded(e *encoder, text string) {
	if len(t.added) == 0 {
		e.segment(text, 0, len(text))
		return
	}
	seg := 0
	for i := 0; i < len(text); i++ {
		if !t.addedStart[text[i]] {
			continue
		}
		for _, a := range t.added {
			if strings.HasPrefix(text[i:], a.content) {
				e.segment(text, seg, i)
				e.out.append(a.id, int32(i), int32(i+len(a.content)), e.wordID)
				e.wordID++
				i += len(a.content) - 1
				seg = i + 1
				break
			}
		}
	}
	e.segment(text, seg, len(text))
}

func (e *encoder) resetRun() {
	e.run = e.run[:0]
	e.origs = e.origs[:0]
	e.orig0 = 0
}

func (e *encoder) resetWord() {
	e.word = e.word[:0]
	e.start = e.start[:0]
	e.end = e.end[:0]
	e.nchars = 0
}

// segment normalizes and pre-tokenizes text[from:to] and tokenizes each word.
func (e *encoder) segment(text string, from, to int) {
	nm := e.t.norm
	for i := from; i < to; {
		c := text[i]
		if c < utf8.RuneSelf {
			// ASCII: no decomposition, no mark, no CJK.
			cls := asciiClass[c]
			i++
			if nm.cleanText && cls&clsControl != 0 {
				continue
			}
			if len(e.run) > 0 {
				e.flushRun() // an ASCII character is a starter: it ends a combining run
			}
			if cls&(clsSpace|clsPunct) != 0 || e.trace != nil {
				e.emitLower(rune(c), int32(i-1), int32(i))
				continue
			}
			if nm.lowercase && 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			e.word = append(e.word, c)
			e.start = append(e.start, int32(i-1))
			e.end = append(e.end, int32(i))
			e.nchars++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:to])
		s, en := int32(i), int32(i+size)
		i += size
		if nm.cleanText {
			if r == 0 || r == utf8.RuneError || unicode.Is(controlTable, r) {
				continue
			}
		}
		if nm.handleCJK && unicode.Is(hanTable, r) {
			// The ideograph becomes a word of its own; the later steps
			// still apply (compatibility ideographs decompose).
			e.flushRun()
			e.flush()
			e.decompose(r, s, en)
			e.flushRun()
			e.flush()
			continue
		}
		e.decompose(r, s, en)
	}
	e.flushRun()
	e.flush()
}

// decompose applies strip_accents (NFD, then drop non-spacing marks) when
// it is on, and passes each remaining character on. NFD reorders each run
// of combining characters by combining class; like the Rust library, the
// output characters then take the original characters' byte ranges in
// their original order (a character a decomposition adds shares the range
// of the last original character taken). The library's NFD tables are
// Unicode 9's: a kept character it does not know as combining
// (reorderTable) counts as a starter.
func (e *encoder) decompose(r rune, s, en int32) {
	if !e.t.norm.stripAccents {
		e.emitLower(r, s, en)
		return
	}
	e.origs = append(e.origs, span{s, en})
	if r >= hangulBase && r < hangulBase+hangulCount {
		si := r - hangulBase
		e.add(jamoL+si/(jamoV*jamoT), false)
		e.add(jamoVBase+(si%(jamoV*jamoT))/jamoT, true)
		if ti := si % jamoT; ti != 0 {
			e.add(jamoTBase+ti, true)
		}
		return
	}
	var buf [utf8.UTFMax]byte
	d := norm.NFD.Properties(buf[:utf8.EncodeRune(buf[:], r)]).Decomposition()
	if d == nil || nfdKeep(r) {
		e.add(r, false)
		return
	}
	for inserted := false; len(d) > 0; inserted = true {
		dr, dn := utf8.DecodeRune(d)
		d = d[dn:]
		e.add(dr, inserted)
	}
}

// span is a byte range of the original text.
type span struct{ s, e int32 }

// nfdChar is one character of NFD output waiting in a combining run.
type nfdChar struct {
	r   rune
	ccc uint8
	// inserted marks the second and later characters of a decomposition.
	inserted bool
}

// add appends one NFD character to the current combining run; a starter
// first flushes the run before it.
func (e *encoder) add(r rune, inserted bool) {
	c := combiningClass(r)
	if c == 0 {
		e.flushRun()
	}
	e.run = append(e.run, nfdChar{r, c, inserted})
}

// combiningClass is the canonical combining class as the library's NFD
// sees it: Go's value for the marks strip_accents removes and for the kept
// characters in reorderTable, 0 for everything else.
func combiningClass(r rune) uint8 {
	if r < 0x300 || !unicode.Is(markTable, r) && !unicode.Is(reorderTable, r) {
		return 0
	}
	var buf [utf8.UTFMax]byte
	return norm.NFD.Properties(buf[:utf8.EncodeRune(buf[:], r)]).CCC()
}

// flushRun puts the current combining run in canonical order, gives its
// characters their byte ranges, drops non-spacing marks and passes the
// rest on.
func (e *encoder) flushRun() {
	run := e.run
	if len(run) == 0 {
		return
	}
	if len(run) <= 16 {
		for i := 1; i < len(run); i++ { // stable insertion sort by class
			for j := i; j > 0 && run[j-1].ccc > run[j].ccc; j-- {
				run[j-1], run[j] = run[j], run[j-1]
			}
		}
	} else {
		// A long run (adversarial input: thousands of marks on one base)
		// must not cost quadratic time.
		slices.SortStableFunc(run, func(a, b nfdChar) int { return int(a.ccc) - int(b.ccc) })
	}
	for _, c := range run {
		if !c.inserted {
			e.last = e.origs[e.orig0]
			e.orig0++
		}
		if !unicode.Is(markTable, c.r) {
			e.emitLower(c.r, e.last.s, e.last.e)
		}
	}
	e.run = run[:0]
	n := copy(e.origs, e.origs[e.orig0:])
	e.origs = e.origs[:n]
	e.orig0 = 0
}

// Hangul syllables decompose algorithmically (Unicode §3.12).
const (
	hangulBase  = 0xAC00
	hangulCount = 11172
	jamoL       = 0x1100
	jamoVBase   = 0x1161
	jamoTBase   = 0x11A7
	jamoV       = 21
	jamoT       = 28
)

// emitLower lowercases r (if the normalizer does) and passes the result on.
// Rust's char::to_lowercase differs from Go's simple mapping only for
// U+0130, which becomes "i" + U+0307.
func (e *encoder) emitLower(r rune, s, en int32) {
	if e.t.norm.lowercase {
		if r == 'İ' {
			e.emit('i', s, en)
			e.emit('\u0307', s, en)
			return
		}
		if l := unicode.ToLower(r); l != r {
			r = l
		} else if r >= 0x1C89 {
			if l, ok := lowerExtra[r]; ok {
				r = l
			}
		}
	}
	e.emit(r, s, en)
}

// emit is the pre-tokenizer: one normalized character with its original
// byte range.
func (e *encoder) emit(r rune, s, en int32) {
	if e.trace != nil {
		tr := r
		if isSpace(r) {
			tr = ' ' // what clean_text makes of it
		}
		*e.trace = append(*e.trace, tr)
	}
	if r < utf8.RuneSelf {
		cls := asciiClass[r]
		if cls&clsSpace != 0 {
			e.flush()
			return
		}
		if cls&clsPunct != 0 {
			e.flush()
			e.push(r, s, en)
			e.flush()
			return
		}
	} else {
		if unicode.Is(spaceTable, r) {
			e.flush()
			return
		}
		if unicode.Is(punctTable, r) {
			e.flush()
			e.push(r, s, en)
			e.flush()
			return
		}
	}
	e.push(r, s, en)
}

func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&clsSpace != 0
	}
	return unicode.Is(spaceTable, r)
}

// push appends one character to the current word.
func (e *encoder) push(r rune, s, en int32) {
	n := len(e.word)
	e.word = utf8.AppendRune(e.word, r)
	for range len(e.word) - n {
		e.start = append(e.start, s)
		e.end = append(e.end, en)
	}
	e.nchars++
}

// flush tokenizes the current word, if any, with WordPiece.
func (e *encoder) flush() {
	if e.nchars == 0 {
		return
	}
	t := e.t
	w := e.word
	out := e.out
	if e.nchars > t.maxChars {
		out.append(t.unkID, e.start[0], e.end[len(w)-1], e.wordID)
		e.wordID++
		e.resetWord()
		return
	}
	mark := len(out.IDs)
	tr := t.first
	for start := 0; start < len(w); {
		id, end, found := tr.longest(w, start)
		if !found {
			out.truncate(mark)
			out.append(t.unkID, e.start[0], e.end[len(w)-1], e.wordID)
			break
		}
		out.append(id, e.start[start], e.end[end-1], e.wordID)
		start = end
		tr = t.cont
	}
	e.wordID++
	e.resetWord()
}

func (e *Encoding) truncate(n int) {
	e.IDs = e.IDs[:n]
	e.Offsets = e.Offsets[:n]
	e.Special = e.Special[:n]
	e.WordIDs = e.WordIDs[:n]
}
