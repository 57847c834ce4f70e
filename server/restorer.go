package server

import "github.com/obscura-ai/obscura/redact"

// RedactRestorer is the production Restorer: redact.Restore and
// redact.StreamRestorer. It is the default when Config.Restorer is nil.
type RedactRestorer struct{}

// Restore calls redact.Restore.
func (RedactRestorer) Restore(text string, m redact.Mapping) (string, []string) {
	return redact.Restore(text, m)
}

// NewStream returns a redact.StreamRestorer.
func (RedactRestorer) NewStream(m redact.Mapping) StreamRestorer {
	return redact.NewStreamRestorer(m)
}
