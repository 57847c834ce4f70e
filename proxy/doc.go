// Package proxy is Obscura's OpenAI-compatible LLM proxy: it takes a
// POST /v1/chat/completions or /v1/completions request, redacts the
// personal data in it, forwards it to an upstream OpenAI-style endpoint and
// restores the original values in the answer, whole JSON or streamed SSE.
//
// Invariants:
//   - One mapping per request. Every string the caller wrote (each message's
//     content, string or text parts, tool-call arguments; a completion's
//     prompt and suffix) is redacted in order with redact.Options.Mapping
//     chained from the previous string, so a value gets the same token in
//     message 1 and message 5. Messages of every role are redacted: an
//     assistant turn of the history holds values an earlier answer restored.
//   - Stateless: the mapping lives in the handler's stack frame and is gone
//     when the response ends. It leaves the process only when
//     Config.ReturnMapping is set (debugging), and then only in the response
//     header MappingHeader.
//   - No original value reaches the upstream: it sees masked text only.
//   - Whole responses are restored string by string (every JSON string of
//     the body, with one mapping). Streamed responses (text/event-stream)
//     are restored event by event with one redact.StreamRestorer per choice
//     (and per tool call), which never emits half a token and holds back no
//     more than what could still become one; each event is written and
//     flushed as soon as it is restored, so nothing is buffered beyond one
//     event.
//   - Upstream answers with status >= 400 reach the caller with their
//     status and body unchanged; the proxy's own errors use OpenAI's error
//     shape {"error": {"message", "type", "param", "code"}}.
//   - The caller's Authorization (and the other headers in forwardHeaders)
//     are passed to the upstream and never logged; logs carry sizes, counts,
//     statuses and durations, never text, values or credentials.
//   - A Proxy is safe for concurrent use.
package proxy
