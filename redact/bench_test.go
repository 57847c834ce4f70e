package redact

import (
	"context"
	"strings"
	"testing"
)

const benchText = "Patient John Smith, MRN 12345, SSN 123-45-6789, takes Metformin. Call (415) 555-2671 or mail john.smith@example.com; seen on March 3, 2021 at 123 Main Street, Springfield, IL 62704."

func BenchmarkRedactFast(b *testing.B) {
	e := fastEngine(b)
	text := strings.Repeat(benchText+" ", 10)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := e.Redact(context.Background(), text, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRedactRealModel(b *testing.B) {
	e := realEngine(b)
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		if _, err := e.Redact(context.Background(), benchText, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRestore(b *testing.B) {
	res, _ := fastEngine(b).Redact(context.Background(), strings.Repeat(benchText+" ", 10), Options{})
	b.SetBytes(int64(len(res.MaskedText)))
	for b.Loop() {
		Restore(res.MaskedText, res.Mapping)
	}
}
