package main

import (
	"context"
	"io"
)

func cmdPrivacy(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return notYet("privacy")
}
