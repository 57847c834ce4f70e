package tokenize

// EncodeWindows tokenizes text and splits it into windows a model can read:
// each window is [CLS] + at most maxLen-2 content tokens + [SEP] (in
// general, maxLen less the post-processor's special tokens), and
// consecutive windows share stride content tokens, so that a token near a
// window's edge is also seen with context in its neighbour. Offsets and
// WordIDs refer to the whole text. maxLen <= 0 means MaxLen(); stride is
// clamped to [0, capacity-1]. A text with no content tokens gives one window
// holding only the special tokens. Every content token of Encode(text) lies
// in at least one window, in order.
func (t *Tokenizer) EncodeWindows(text string, maxLen, stride int) []Window {
	full := t.Encode(text)
	nh, nt := len(t.head), len(t.tail)
	content := full.Len() - nh - nt
	if maxLen <= 0 {
		maxLen = t.maxLen
	}
	capacity := max(maxLen-nh-nt, 1)
	stride = min(max(stride, 0), capacity-1)
	if content <= capacity {
		return []Window{{Encoding: full, First: 0, Last: content}}
	}
	step := capacity - stride
	var wins []Window
	for first := 0; ; first += step {
		last := min(first+capacity, content)
		wins = append(wins, Window{Encoding: full.window(nh, nt, first, last), First: first, Last: last})
		if last == content {
			break
		}
	}
	return wins
}

// window builds [head] + content[first:last] + [tail] from a full encoding
// with nh leading and nt trailing special tokens.
func (e *Encoding) window(nh, nt, first, last int) Encoding {
	n := e.Len()
	var w Encoding
	size := nh + (last - first) + nt
	w.IDs = make([]int32, 0, size)
	w.Offsets = make([][2]int, 0, size)
	w.Special = make([]bool, 0, size)
	w.WordIDs = make([]int, 0, size)
	for _, r := range [][2]int{{0, nh}, {nh + first, nh + last}, {n - nt, n}} {
		w.IDs = append(w.IDs, e.IDs[r[0]:r[1]]...)
		w.Offsets = append(w.Offsets, e.Offsets[r[0]:r[1]]...)
		w.Special = append(w.Special, e.Special[r[0]:r[1]]...)
		w.WordIDs = append(w.WordIDs, e.WordIDs[r[0]:r[1]]...)
	}
	return w
}
