package redact

import (
	"context"
	"fmt"
	"time"
)

// RedactConversation redacts the messages of one conversation together,
// the rule a proxy applies across all messages of a request: a value
// detected in any message — or given a token in opts.Mapping by earlier
// requests — is masked in every message where it occurs (see propagate.go
// for the matching rules), and one mapping covers them all, so a value has
// one token across the conversation.
//
// results[i] is message i's; its Mapping is opts.Mapping plus the tokens
// of messages 0..i, and the last one is the conversation's whole mapping.
// Messages are masked in order, so tokens are numbered by first appearance
// across the conversation. An error names the message by index, never by
// content; no result is returned then.
func (e *Engine) RedactConversation(ctx context.Context, messages []string, opts Options) ([]*Result, error) {
	rq, err := e.request(opts)
	if err != nil {
		return nil, err
	}
	for i, m := range messages {
		if err := e.checkText(m); err != nil {
			return nil, messageErr(i, err)
		}
	}
	merged := make([][]Entity, len(messages))
	results := make([]*Result, len(messages))
	starts := make([]time.Time, len(messages))
	var extra []propValue
	for i, m := range messages {
		starts[i] = time.Now()
		results[i] = &Result{}
		merged[i], err = e.detect(ctx, m, rq, &results[i].Timings)
		if err != nil {
			return nil, messageErr(i, err)
		}
		for _, en := range merged[i] {
			extra = append(extra, propValue{value: m[en.Start:en.End], typ: en.Type, score: en.Score})
		}
		results[i].Timings.Total = ms(time.Since(starts[i]))
	}
	prev := rq.o.Mapping
	for i, m := range messages {
		t := time.Now()
		e.finish(m, merged[i], rq, prev, extra, results[i])
		prev = results[i].Mapping
		results[i].Timings.Total += ms(time.Since(t))
	}
	e.log.Debug("redacted conversation", "messages", len(messages), "mode", string(rq.o.Mode))
	return results, nil
}

// messageErr adds the message index to an input error.
func messageErr(i int, err error) error {
	if ie, ok := err.(*InputError); ok {
		return &InputError{Code: ie.Code, Msg: fmt.Sprintf("message %d: %s", i, ie.Msg)}
	}
	return err
}
