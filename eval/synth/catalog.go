package synth

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// framePool is one pool of frames: the lines of text are skeletons (see
// frame.go); blank lines and lines starting with "#" are skipped.
type framePool struct {
	name string
	text string
}

// pools lists every frame pool, in a fixed order; the frames_*.go files fill
// it.
func pools() []framePool {
	var out []framePool
	out = append(out, enterprisePools...)
	out = append(out, clinicalPools...)
	out = append(out, letterPools...)
	out = append(out, promptPools...)
	return out
}

// buildCatalog parses every pool and splits each pool's frames among train,
// valid and test (splitFrames), so that each pool has frames of its own in
// every split.
func buildCatalog() *catalog {
	cat := &catalog{frames: map[string][]frame{}, split: map[string]Split{}, bySplit: map[string]map[Split][]frame{}}
	for _, p := range pools() {
		var srcs []string
		for _, line := range strings.Split(p.text, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			f, err := parseFrame(p.name, line, knownSlot)
			if err != nil {
				if cat.err == nil {
					cat.err = err
				}
				continue
			}
			cat.frames[p.name] = append(cat.frames[p.name], f)
			srcs = append(srcs, line)
		}
		if len(srcs) < len(Splits) && cat.err == nil {
			cat.err = fmt.Errorf("synth: pool %s has %d frames, want at least %d", p.name, len(srcs), len(Splits))
		}
		cat.pools = append(cat.pools, p.name)
		sp := splitFrames(p.name, cat.frames[p.name])
		cat.bySplit[p.name] = map[Split][]frame{}
		for _, f := range cat.frames[p.name] {
			cat.split[f.src] = sp[f.src]
			cat.bySplit[p.name][sp[f.src]] = append(cat.bySplit[p.name][sp[f.src]], f)
		}
	}
	return cat
}

// FrameStats counts, for one split, the frame skeletons (families) it owns
// and the distinct surface frames they expand to.
type FrameStats struct {
	Families int
	Surfaces int
}

// Stats returns, per split, the frame families and surface frames it owns,
// and the open-class vocabulary values it owns.
func Stats() (frames map[Split]FrameStats, vocab map[Split]int, err error) {
	cat, lex, err := catalogAndLexicon()
	if err != nil {
		return nil, nil, err
	}
	frames = map[Split]FrameStats{}
	for _, p := range cat.pools {
		for sp, fs := range cat.bySplit[p] {
			st := frames[sp]
			for _, f := range fs {
				st.Families++
				st.Surfaces += f.Count()
			}
			frames[sp] = st
		}
	}
	vocab = map[Split]int{}
	for _, v := range lex.vocabs() {
		for sp, l := range v.by {
			vocab[sp] += len(l)
		}
	}
	return frames, vocab, nil
}

// Held-out frame shares: each of valid and test gets at least
// heldFrameShare percent of a pool's frames (one at least), and at most
// heldFrameCap percent when more are needed to cover the pool's entity
// types.
const (
	heldFrameShare = 10
	heldFrameCap   = 25
)

// splitFrames assigns the frames of one pool to splits. The frames are
// ordered by the FNV-1a hash of "frame:POOL:SKELETON"; test, then valid,
// first take frames in that order that add an entity type they do not yet
// cover (never the last frame that gives train a type), up to heldFrameCap
// percent, then fill up to heldFrameShare percent in hash order; the rest is
// train. So every split's frames cover the pool's types where the pool
// allows, and the assignment depends only on the pool's skeletons.
func splitFrames(pool string, fs []frame) map[string]Split {
	order := slices.Clone(fs)
	key := func(f frame) uint64 { return hash64("frame:" + pool + ":" + f.src) }
	slices.SortFunc(order, func(a, b frame) int {
		if ka, kb := key(a), key(b); ka != kb {
			return cmp.Compare(ka, kb)
		}
		return strings.Compare(a.src, b.src)
	})
	out := map[string]Split{}
	n := len(order)
	if n < len(Splits) {
		for _, f := range order {
			out[f.src] = Train
		}
		return out
	}
	target := max(1, n*heldFrameShare/shareTotal)
	limit := max(target, n*heldFrameCap/shareTotal)
	types := make([][]string, n)
	remaining := map[string]int{} // unassigned frames per type
	for i, f := range order {
		types[i] = f.seq.types()
		for _, t := range types[i] {
			remaining[t]++
		}
	}
	for _, sp := range []Split{Test, Valid} {
		covered := map[string]bool{}
		count := 0
		take := func(i int) {
			out[order[i].src] = sp
			for _, t := range types[i] {
				covered[t] = true
				remaining[t]--
			}
			count++
		}
		for i := range order {
			if count >= limit {
				break
			}
			if _, done := out[order[i].src]; done {
				continue
			}
			adds, safe := false, true
			for _, t := range types[i] {
				adds = adds || !covered[t]
				safe = safe && remaining[t] >= 2
			}
			if adds && safe {
				take(i)
			}
		}
		for i := range order {
			if count >= target {
				break
			}
			if _, done := out[order[i].src]; !done {
				take(i)
			}
		}
	}
	for _, f := range order {
		if _, done := out[f.src]; !done {
			out[f.src] = Train
		}
	}
	return out
}
