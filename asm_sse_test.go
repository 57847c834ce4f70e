package obscura_test

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestNoLegacySSEAfterVEX256 reads every amd64 assembly function of the
// module and fails on a legacy-SSE instruction (no V prefix, an X register
// operand) that runs after the function has written a Y or Z register and
// before it has cleared the upper halves with VZEROUPPER or VZEROALL, and
// on a RET reached with the upper halves still dirty (Go's own code, SSE,
// runs next).
// Such an instruction costs a state transition on every call: on the AMD
// Zen 3 of 2026-12-07 a `MOVL AX, X0` after a VBROADCASTSS into Y15 made
// scaleMaskMaxAVX2 take 124 ns per 128-float row instead of 12. Macros
// (#define, in the file or its #include'd headers) are expanded by name;
// the order is the text's, which is how the module's functions are laid out
// (the clearing instruction sits on the path to each RET).
func TestNoLegacySSEAfterVEX256(t *testing.T) {
	var files []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if strings.HasSuffix(path, "_amd64.s") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no amd64 assembly found")
	}
	funcs := 0
	for _, f := range files {
		macros := map[string][]string{}
		lines := asmLines(t, f)
		for _, l := range lines {
			if m := includeRe.FindStringSubmatch(l); m != nil && m[1] != "textflag.h" {
				readMacros(asmLines(t, filepath.Join(filepath.Dir(f), m[1])), macros)
			}
		}
		readMacros(lines, macros)
		fn, dirty := "", false
		for _, l := range lines {
			if strings.HasPrefix(l, "#") {
				continue
			}
			if strings.HasPrefix(l, "TEXT ") {
				fn, dirty = strings.TrimSuffix(strings.TrimSuffix(strings.Fields(l)[1], ","), "(SB)"), false
				funcs++
				continue
			}
			if fn == "" {
				continue
			}
			for _, ins := range expand(l, macros, 0) {
				mn := mnemonic(ins)
				switch {
				case mn == "VZEROUPPER" || mn == "VZEROALL":
					dirty = false
				case mn == "RET" && dirty:
					t.Errorf("%s: %s: returns with the upper vector state dirty (the caller's SSE code would pay the transition)", f, fn)
				case wideRe.MatchString(ins) && strings.HasPrefix(mn, "V"):
					dirty = true
				case dirty && !strings.HasPrefix(mn, "V") && xmmRe.MatchString(ins):
					t.Errorf("%s: %s: legacy-SSE %q while the upper vector state is dirty (use the VEX form, or clear it first)", f, fn, ins)
				}
			}
		}
	}
	t.Logf("%d amd64 assembly files, %d functions", len(files), funcs)
}

var (
	includeRe = regexp.MustCompile(`^#include\s+"([^"]+)"`)
	defineRe  = regexp.MustCompile(`^#define\s+(\w+)`)
	wideRe    = regexp.MustCompile(`\b[YZ]\d+\b`)
	xmmRe     = regexp.MustCompile(`\bX\d+\b`)
	callRe    = regexp.MustCompile(`^(\w+)(\(.*\))?$`)
)

// asmLines returns a file's lines with comments removed and continuation
// lines joined, trimmed, empty ones dropped.
func asmLines(t *testing.T, path string) []string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	var cur strings.Builder
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		if i := strings.Index(l, "//"); i >= 0 {
			l = l[:i]
		}
		l = strings.TrimSpace(l)
		if strings.HasSuffix(l, `\`) {
			cur.WriteString(strings.TrimSuffix(l, `\`))
			cur.WriteString(" ")
			continue
		}
		cur.WriteString(l)
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// readMacros adds each #define's body, split into instructions at ';'.
func readMacros(lines []string, macros map[string][]string) {
	for _, l := range lines {
		m := defineRe.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		body := strings.TrimSpace(l[len(m[0]):])
		if strings.HasPrefix(body, "(") { // parameters
			if i := strings.Index(body, ")"); i >= 0 {
				body = body[i+1:]
			}
		}
		var ins []string
		for _, s := range strings.Split(body, ";") {
			if s = strings.TrimSpace(s); s != "" {
				ins = append(ins, s)
			}
		}
		macros[m[1]] = ins
	}
}

// expand splits a line into instructions, replacing macro uses by their
// bodies (parameters are not substituted: register names in a body are
// the parameters' names or real registers, and only real ones match).
func expand(l string, macros map[string][]string, depth int) []string {
	var out []string
	for _, s := range strings.Split(l, ";") {
		s = strings.TrimSpace(s)
		if s == "" || strings.HasSuffix(s, ":") {
			continue
		}
		if m := callRe.FindStringSubmatch(s); m != nil && depth < 8 {
			if body, ok := macros[m[1]]; ok {
				for _, b := range body {
					out = append(out, expand(b, macros, depth+1)...)
				}
				continue
			}
		}
		out = append(out, s)
	}
	return out
}

func mnemonic(ins string) string {
	if f := strings.Fields(ins); len(f) > 0 {
		return f[0]
	}
	return ""
}
