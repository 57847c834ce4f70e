package main

import (
	"context"
	"io"
)

func cmdPull(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return notYet("pull")
}
