package synth

import (
	"fmt"
	"sort"
	"strings"
)

// Summary counts what a generated set holds.
type Summary struct {
	Samples  int
	Spans    int
	Families int            // distinct frame families used
	Labels   map[string]int // spans per entity type
	Distinct map[string]int // distinct case-folded span values per type
}

// Summarize counts the spans, label types, distinct values and frame
// families of samples.
func Summarize(samples []Sample) Summary {
	s := Summary{Samples: len(samples), Labels: map[string]int{}, Distinct: map[string]int{}}
	fams := map[string]bool{}
	vals := map[string]map[string]bool{}
	for _, x := range samples {
		for _, f := range x.Frames {
			fams[f] = true
		}
		for _, sp := range x.Spans {
			s.Spans++
			s.Labels[sp.Type]++
			if vals[sp.Type] == nil {
				vals[sp.Type] = map[string]bool{}
			}
			vals[sp.Type][strings.ToLower(sp.Value)] = true
		}
	}
	s.Families = len(fams)
	for t, v := range vals {
		s.Distinct[t] = len(v)
	}
	return s
}

// String prints the summary on one line per part, types in name order:
// "PERSON 1234 (987 distinct)".
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d samples, %d spans, %d frame families\n", s.Samples, s.Spans, s.Families)
	types := make([]string, 0, len(s.Labels))
	for t := range s.Labels {
		types = append(types, t)
	}
	sort.Strings(types)
	for i, t := range types {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d (%d distinct)", t, s.Labels[t], s.Distinct[t])
	}
	return b.String()
}
