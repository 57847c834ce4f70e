package tokenize

import (
	"github.com/obscura-ai/obscura/internal/testenv"
	"strings"
	"testing"
)

// benchPrompt is a 2,000-character prompt of the kind Obscura redacts:
// English prose with names, contact data, a clinical note and some
// non-ASCII text.
var benchPrompt = func() string {
	const para = "Hi, I'm Dr. José Fernández-López (DOB 03/14/1978, SSN 123-45-6789) and I need help drafting " +
		"a letter to my patient Zoë O'Brien at 42 Königsallee, Düsseldorf 40212. Her phone is +49 (0)211 5550123 " +
		"and her e-mail is zoe.obrien@example.com. Pt presents with chest pain, SpO₂ 94%, BP 150/95 mmHg; Hx of " +
		"T2DM (HbA1c 8.2%) on metformin 500 mg PO BID. Please summarize the attached discharge note — “don't " +
		"mention the MRN 00483921” — and translate it into French: « Madame, votre rendez-vous est confirmé ». "
	s := strings.Repeat(para, 5)
	r := []rune(s)
	return string(r[:2000])
}()

func benchTokenizer(b *testing.B, model string) {
	tk := loadShared(b, model)
	b.SetBytes(int64(len(benchPrompt)))
	b.ReportAllocs()
	cpu0 := testenv.ProcessCPU()
	for b.Loop() {
		tk.Encode(benchPrompt)
	}
	// cpu-ns/op counts the process's CPU time (garbage collection
	// included), which other processes on the machine do not inflate.
	if cpu1 := testenv.ProcessCPU(); cpu1 > 0 {
		b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkEncode2000 tokenizes a 2,000-character prompt (target: under
// 100 µs on one core). Run with -cpu 1:
//
//	go test ./tokenize -run XXX -bench Encode2000 -cpu 1
func BenchmarkEncode2000(b *testing.B) {
	b.Run("uncased", func(b *testing.B) { benchTokenizer(b, "obscura-minilm-conll") })
	b.Run("cased", func(b *testing.B) { benchTokenizer(b, "bert-base-NER-tokenizer") })
}
