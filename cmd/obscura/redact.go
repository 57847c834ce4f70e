package main

import (
	"context"
	"io"
)

func cmdRedact(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return notYet("redact")
}
