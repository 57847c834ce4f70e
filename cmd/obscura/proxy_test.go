package main

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

// proxy refuses to start without --upstream, serve refuses proxy-only
// flags without it, and a bad upstream URL is refused before listening.
func TestProxyFlags(t *testing.T) {
	for _, c := range []struct {
		args  []string
		usage bool
		msg   string
	}{
		{[]string{"proxy", "--addr", "127.0.0.1:0"}, true, "--upstream"},
		{[]string{"proxy", "--", "--upstream", "http://127.0.0.1:1/v1"}, true, "--upstream"},
		{[]string{"serve", "--return-mapping", "--addr", "127.0.0.1:0"}, true, "need --upstream"},
		{[]string{"proxy", "--upstream=ftp://example.com", "--addr", "127.0.0.1:0"}, false, "http or https"},
	} {
		err := run(context.Background(), c.args, strings.NewReader(""), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.msg) || errors.Is(err, errUsage) != c.usage {
			t.Errorf("%v: %v", c.args, err)
		}
	}
}
