package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/obscura-ai/obscura/proxy"
)

// proxyFlags are the LLM-proxy options of `obscura serve` (and `obscura
// proxy`, which is serve with --upstream required).
type proxyFlags struct {
	upstream         string
	keepPlaceholders bool
	instruction      string
	returnMapping    bool
	maxBody          byteSize
	requestTimeout   time.Duration
	streamIdle       time.Duration
}

func addProxyFlags(fs *flag.FlagSet) *proxyFlags {
	p := &proxyFlags{maxBody: proxy.DefaultMaxBodyBytes}
	fs.StringVar(&p.upstream, "upstream", "", "mount the LLM proxy on POST /v1/chat/completions and /v1/completions, forwarding to this OpenAI-style base URL (e.g. https://api.openai.com/v1)")
	fs.BoolVar(&p.keepPlaceholders, "keep-placeholders", false, "prepend a system message asking the LLM to keep placeholders verbatim")
	fs.StringVar(&p.instruction, "instruction", "", "the text of that message instead of the default (implies --keep-placeholders)")
	fs.BoolVar(&p.returnMapping, "return-mapping", false, "DEBUG ONLY: send each request's mapping (the original values) back in the X-Obscura-Mapping header")
	fs.Var(&p.maxBody, "proxy-max-body", "largest proxied request body, e.g. 4MiB")
	fs.DurationVar(&p.requestTimeout, "upstream-timeout", proxy.DefaultRequestTimeout, "limit on a whole non-streamed proxied exchange")
	fs.DurationVar(&p.streamIdle, "stream-idle-timeout", proxy.DefaultStreamIdleTimeout, "longest gap between two pieces of a streamed upstream answer")
	return p
}

// config is the proxy configuration, or nil without --upstream.
func (p *proxyFlags) config() (*proxy.Config, error) {
	if p.upstream == "" {
		if p.keepPlaceholders || p.instruction != "" || p.returnMapping {
			return nil, fmt.Errorf("%w: --keep-placeholders, --instruction and --return-mapping need --upstream", errUsage)
		}
		return nil, nil
	}
	if _, err := proxy.ParseUpstream(p.upstream); err != nil {
		return nil, err
	}
	c := &proxy.Config{
		Upstream:          p.upstream,
		ReturnMapping:     p.returnMapping,
		MaxBodyBytes:      int64(p.maxBody),
		RequestTimeout:    p.requestTimeout,
		StreamIdleTimeout: p.streamIdle,
	}
	switch {
	case p.instruction != "":
		c.Instruction = p.instruction
	case p.keepPlaceholders:
		c.Instruction = proxy.DefaultInstruction
	}
	return c, nil
}

// cmdProxy is `obscura serve` with --upstream required: the redaction
// service plus the OpenAI-compatible proxy in one process.
func cmdProxy(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	has := false
	for _, a := range args {
		if a == "--" {
			break
		}
		name := strings.TrimLeft(a, "-")
		if strings.HasPrefix(a, "-") && (name == "upstream" || strings.HasPrefix(name, "upstream=")) {
			has = true
		}
	}
	if !has {
		return fmt.Errorf("%w: proxy needs --upstream URL (the OpenAI-style base URL, e.g. https://api.openai.com/v1); other flags are serve's", errUsage)
	}
	return cmdServe(ctx, args, stdin, stdout, stderr)
}
