package synth

import (
	"fmt"
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
// valid and test by the rank of their hash (rankSplit), so that each pool
// has frames of its own in every split.
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
		sp := rankSplit("frame:"+p.name+":", srcs)
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
