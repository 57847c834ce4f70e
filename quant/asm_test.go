package quant

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The assembler lacks some instructions, so the .s files emit them through
// macros (WORD/BYTE) with the mnemonic in a comment at each use. These
// tests keep the comments honest: each use's mnemonic must name exactly the
// registers the macro arguments encode, and the encoders below, which
// mirror the macros' formulas, must reproduce encodings taken from GNU as.

var macroUse = regexp.MustCompile(`^\s*(I_[A-Z0-9_]+|VPDPBUSD_VEX)\(([^)]*)\)\s*//\s*(.*)$`)

func macroUses(t *testing.T, file string) [][3]string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out [][3]string
	for _, line := range strings.Split(string(b), "\n") {
		if m := macroUse.FindStringSubmatch(line); m != nil {
			out = append(out, [3]string{m[1], m[2], m[3]})
		}
	}
	return out
}

func atoiList(t *testing.T, s string) []int {
	t.Helper()
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			t.Fatalf("macro argument %q: %v", f, err)
		}
		out = append(out, v)
	}
	return out
}

// arm64Mnemonic renders what a macro use encodes, in Arm syntax.
func arm64Mnemonic(name string, a []int) (string, uint32) {
	switch name {
	case "I_SDOT_ELEM":
		d, n, m, i := a[0], a[1], a[2], a[3]
		return fmt.Sprintf("SDOT V%d.4S, V%d.16B, V%d.4B[%d]", d, n, m, i),
			0x4F80E000 | uint32(i&1)<<21 | uint32(m>>4)<<20 | uint32(m&15)<<16 | uint32(i>>1)<<11 | uint32(n)<<5 | uint32(d)
	case "I_SMMLA":
		return fmt.Sprintf("SMMLA V%d.4S, V%d.16B, V%d.16B", a[0], a[1], a[2]), 0x4E80A400 | uint32(a[2])<<16 | uint32(a[1])<<5 | uint32(a[0])
	case "I_SMULL":
		return fmt.Sprintf("SMULL V%d.8H, V%d.8B, V%d.8B", a[0], a[1], a[2]), 0x0E20C000 | uint32(a[2])<<16 | uint32(a[1])<<5 | uint32(a[0])
	case "I_SMULL2":
		return fmt.Sprintf("SMULL2 V%d.8H, V%d.16B, V%d.16B", a[0], a[1], a[2]), 0x4E20C000 | uint32(a[2])<<16 | uint32(a[1])<<5 | uint32(a[0])
	case "I_SMLAL":
		return fmt.Sprintf("SMLAL V%d.8H, V%d.8B, V%d.8B", a[0], a[1], a[2]), 0x0E208000 | uint32(a[2])<<16 | uint32(a[1])<<5 | uint32(a[0])
	case "I_SMLAL2":
		return fmt.Sprintf("SMLAL2 V%d.8H, V%d.16B, V%d.16B", a[0], a[1], a[2]), 0x4E208000 | uint32(a[2])<<16 | uint32(a[1])<<5 | uint32(a[0])
	case "I_SADALP":
		return fmt.Sprintf("SADALP V%d.4S, V%d.8H", a[0], a[1]), 0x4E606800 | uint32(a[1])<<5 | uint32(a[0])
	}
	three := map[string]struct {
		op   string
		base uint32
	}{"I_FMUL": {"FMUL", 0x6E20DC00}, "I_FADD": {"FADD", 0x4E20D400}, "I_FMAX": {"FMAX", 0x4E20F400}}
	if o, ok := three[name]; ok {
		return fmt.Sprintf("%s V%d.4S, V%d.4S, V%d.4S", o.op, a[0], a[1], a[2]), o.base | uint32(a[2])<<16 | uint32(a[1])<<5 | uint32(a[0])
	}
	two := map[string]struct {
		format string
		base   uint32
	}{
		"I_SCVTF":    {"SCVTF V%d.4S, V%d.4S", 0x4E21D800},
		"I_FABS":     {"FABS V%d.4S, V%d.4S", 0x4EA0F800},
		"I_FCVTNS":   {"FCVTNS V%d.4S, V%d.4S", 0x4E21A800},
		"I_SQXTN_H":  {"SQXTN V%d.4H, V%d.4S", 0x0E614800},
		"I_SQXTN2_H": {"SQXTN2 V%d.8H, V%d.4S", 0x4E614800},
		"I_SQXTN_B":  {"SQXTN V%d.8B, V%d.8H", 0x0E214800},
		"I_SQXTN2_B": {"SQXTN2 V%d.16B, V%d.8H", 0x4E214800},
	}
	if o, ok := two[name]; ok {
		return fmt.Sprintf(o.format, a[0], a[1]), o.base | uint32(a[1])<<5 | uint32(a[0])
	}
	return "", 0
}

// vexDPBUSD encodes VPDPBUSD ymm_d, ymm_v, ymm_m (VEX.256.66.0F38.W0 50 /r).
func vexDPBUSD(d, v, m int) []byte {
	b1 := byte(0xE2)
	if d >= 8 {
		b1 &^= 0x80 // R̄
	}
	if m >= 8 {
		b1 &^= 0x20 // B̄
	}
	return []byte{0xC4, b1, byte((15-v)&15)<<3 | 5, 0x50, 0xC0 | byte(d&7)<<3 | byte(m&7)}
}

func TestKernelEncodingsMatchGNUAs(t *testing.T) {
	// Encodings printed by GNU as/objdump (binutils 2.40) for these lines.
	arm := []struct {
		macro string
		args  []int
		want  uint32
	}{
		{"I_SDOT_ELEM", []int{0, 20, 16, 0}, 0x4f90e280},  // sdot v0.4s, v20.16b, v16.4b[0]
		{"I_SDOT_ELEM", []int{15, 23, 19, 3}, 0x4fb3eaef}, // sdot v15.4s, v23.16b, v19.4b[3]
		{"I_SDOT_ELEM", []int{5, 21, 17, 2}, 0x4f91eaa5},  // sdot v5.4s, v21.16b, v17.4b[2]
		{"I_SMMLA", []int{0, 16, 20}, 0x4e94a600},         // smmla v0.4s, v16.16b, v20.16b
		{"I_SMMLA", []int{15, 19, 23}, 0x4e97a66f},        // smmla v15.4s, v19.16b, v23.16b
		{"I_SMULL", []int{26, 20, 24}, 0x0e38c29a},        // smull v26.8h, v20.8b, v24.8b
		{"I_SMULL2", []int{26, 20, 24}, 0x4e38c29a},       // smull2 v26.8h, v20.16b, v24.16b
		{"I_SMLAL", []int{26, 22, 25}, 0x0e3982da},        // smlal v26.8h, v22.8b, v25.8b
		{"I_SMLAL2", []int{26, 22, 25}, 0x4e3982da},       // smlal2 v26.8h, v22.16b, v25.16b
		{"I_SADALP", []int{3, 26}, 0x4e606b43},            // sadalp v3.4s, v26.8h
		{"I_SCVTF", []int{5, 7}, 0x4e21d8e5},              // scvtf v5.4s, v7.4s
		{"I_FMUL", []int{5, 6, 7}, 0x6e27dcc5},            // fmul v5.4s, v6.4s, v7.4s
		{"I_FADD", []int{5, 6, 7}, 0x4e27d4c5},            // fadd v5.4s, v6.4s, v7.4s
		{"I_FABS", []int{5, 6}, 0x4ea0f8c5},               // fabs v5.4s, v6.4s
		{"I_FMAX", []int{5, 6, 7}, 0x4e27f4c5},            // fmax v5.4s, v6.4s, v7.4s
		{"I_FCVTNS", []int{5, 6}, 0x4e21a8c5},             // fcvtns v5.4s, v6.4s
		{"I_SQXTN_H", []int{5, 6}, 0x0e6148c5},            // sqxtn v5.4h, v6.4s
		{"I_SQXTN2_H", []int{1, 2}, 0x4e614841},           // sqxtn2 v1.8h, v2.4s
		{"I_SQXTN_B", []int{5, 6}, 0x0e2148c5},            // sqxtn v5.8b, v6.8h
		{"I_SQXTN2_B", []int{1, 3}, 0x4e214861},           // sqxtn2 v1.16b, v3.8h
	}
	for _, c := range arm {
		if _, got := arm64Mnemonic(c.macro, c.args); got != c.want {
			t.Errorf("%s%v = %#08x, GNU as %#08x", c.macro, c.args, got, c.want)
		}
	}
	x86 := []struct {
		d, v, m int
		want    []byte
	}{
		{0, 14, 12, []byte{0xc4, 0xc2, 0x0d, 0x50, 0xc4}},  // {vex} vpdpbusd %ymm12,%ymm14,%ymm0
		{11, 15, 13, []byte{0xc4, 0x42, 0x05, 0x50, 0xdd}}, // {vex} vpdpbusd %ymm13,%ymm15,%ymm11
		{9, 14, 12, []byte{0xc4, 0x42, 0x0d, 0x50, 0xcc}},  // {vex} vpdpbusd %ymm12,%ymm14,%ymm9
	}
	for _, c := range x86 {
		if got := vexDPBUSD(c.d, c.v, c.m); string(got) != string(c.want) {
			t.Errorf("VPDPBUSD_VEX(%d,%d,%d) = % x, GNU as % x", c.d, c.v, c.m, got, c.want)
		}
	}
}

func TestKernelAsmComments(t *testing.T) {
	uses := macroUses(t, "gemm_arm64.s")
	if len(uses) < 100 {
		t.Fatalf("found only %d macro uses in gemm_arm64.s", len(uses))
	}
	for _, u := range uses {
		want, _ := arm64Mnemonic(u[0], atoiList(t, u[1]))
		if want == "" || u[2] != want {
			t.Errorf("%s(%s): comment %q, encodes %q", u[0], u[1], u[2], want)
		}
	}
	uses = macroUses(t, "gemm_amd64.s")
	if len(uses) != 12 {
		t.Fatalf("found %d VPDPBUSD_VEX uses in gemm_amd64.s, want 12", len(uses))
	}
	for _, u := range uses {
		a := atoiList(t, u[1])
		want := fmt.Sprintf("VPDPBUSD Y%d, Y%d, Y%d (Intel order, VEX)", a[0], a[1], a[2])
		if u[2] != want {
			t.Errorf("VPDPBUSD_VEX(%s): comment %q, encodes %q", u[1], u[2], want)
		}
	}
}

// gnuAMX is what GNU objdump (binutils 2.40) prints for the AMX
// instructions gemm_amd64.s writes as BYTE directives: the bytes of each
// mnemonic (AT&T operand order) as the .s file's comments spell it.
var gnuAMX = map[string]string{
	"ldtilecfg (%rax)":                    "c4 e2 78 49 00",
	"tilerelease":                         "c4 e2 78 49 c0",
	"tilezero %tmm0":                      "c4 e2 7b 49 c0",
	"tilezero %tmm1":                      "c4 e2 7b 49 c8",
	"tilezero %tmm2":                      "c4 e2 7b 49 d0",
	"tilezero %tmm3":                      "c4 e2 7b 49 d8",
	"tileloadd (%r8,%r11,1),%tmm4":        "c4 82 7b 4b 24 18",
	"tileloadd (%r9,%r11,1),%tmm5":        "c4 82 7b 4b 2c 19",
	"tileloadd (%r10,%r13,1),%tmm6":       "c4 82 7b 4b 34 2a",
	"tileloadd 0x40(%r10,%r13,1),%tmm7":   "c4 82 7b 4b 7c 2a 40",
	"tdpbusd %tmm6,%tmm4,%tmm0":           "c4 e2 49 5e c4",
	"tdpbusd %tmm7,%tmm4,%tmm1":           "c4 e2 41 5e cc",
	"tdpbusd %tmm6,%tmm5,%tmm2":           "c4 e2 49 5e d5",
	"tdpbusd %tmm7,%tmm5,%tmm3":           "c4 e2 41 5e dd",
	"tilestored %tmm0,(%rdx,%r13,1)":      "c4 a2 7a 4b 04 2a",
	"tilestored %tmm1,0x40(%rdx,%r13,1)":  "c4 a2 7a 4b 4c 2a 40",
	"tilestored %tmm2,0x800(%rdx,%r13,1)": "c4 a2 7a 4b 94 2a 00 08 00 00",
	"tilestored %tmm3,0x840(%rdx,%r13,1)": "c4 a2 7a 4b 9c 2a 40 08 00 00",
}

var amxLine = regexp.MustCompile(`^\s*BYTE \$0x[0-9a-f]{2}((?:; BYTE \$0x[0-9a-f]{2})*)\s*//\s*((?:ldtilecfg|tile|tdp).*)$`)

// TestAMXEncodings checks every AMX instruction of gemm_amd64.s, written
// as BYTE directives, against GNU objdump's bytes for the mnemonic in its
// comment.
func TestAMXEncodings(t *testing.T) {
	b, err := os.ReadFile("gemm_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	byteRe := regexp.MustCompile(`\$0x([0-9a-f]{2})`)
	n := 0
	for i, line := range strings.Split(string(b), "\n") {
		m := amxLine.FindStringSubmatch(line)
		if m == nil {
			if strings.Contains(line, "BYTE") && regexp.MustCompile(`//\s*(tile|tdp|ldtile)`).MatchString(line) {
				t.Errorf("gemm_amd64.s:%d: AMX line not in the expected form: %q", i+1, line)
			}
			continue
		}
		n++
		var got []string
		for _, h := range byteRe.FindAllStringSubmatch(strings.SplitN(line, "//", 2)[0], -1) {
			got = append(got, h[1])
		}
		want, ok := gnuAMX[m[2]]
		if !ok {
			t.Errorf("gemm_amd64.s:%d: %q has no recorded GNU encoding", i+1, m[2])
			continue
		}
		if g := strings.Join(got, " "); g != want {
			t.Errorf("gemm_amd64.s:%d: %q encodes % s, GNU objdump %s", i+1, m[2], g, want)
		}
	}
	if n != 27 {
		t.Fatalf("found %d AMX instructions in gemm_amd64.s, want 27 (gemmDeqAMX)", n)
	}
}
