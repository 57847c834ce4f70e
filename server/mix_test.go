package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/obscura-ai/obscura/redact"
)

// mixRequests is how many requests TestRequestMix sends (fewer with -short).
const (
	mixRequests      = 10000
	mixRequestsShort = 2000
	mixWorkers       = 8
	mixBodyLimit     = 4 << 10
)

var mixEmails = []string{"mix.alpha@example.org", "mix.beta@example.net", "mix.gamma@example.com"}

type mixKind int

const (
	kindValid mixKind = iota
	kindBatch
	kindRestore
	kindMalformed
	kindOversized
	kindOversizedChunked
	kindRandomJSON
	kindRandomType
	kindKinds
)

// mixCase builds one request of the given kind and the status it must get.
func mixCase(r *rand.Rand, kind mixKind) (path, ct string, body []byte, chunked bool, status int) {
	words := []string{"note", "für", "Patientin", "call", "tomorrow", "日本", "ok", "\u00a0", "\t"}
	text := func() string {
		var b strings.Builder
		for i := 0; i < 1+r.IntN(12); i++ {
			if r.IntN(4) == 0 {
				b.WriteString(mixEmails[r.IntN(len(mixEmails))])
			} else {
				b.WriteString(words[r.IntN(len(words))])
			}
			b.WriteByte(' ')
		}
		return b.String()
	}
	valid, _ := json.Marshal(map[string]string{"text": text()})
	switch kind {
	case kindValid:
		return "/v1/redact", "application/json", valid, false, 200
	case kindBatch:
		b, _ := json.Marshal(map[string]any{"texts": []string{text(), text()}, "mode": "fast"})
		return "/v1/redact", "application/json", b, false, 200
	case kindRestore:
		b, _ := json.Marshal(map[string]any{"text": "hi [EMAIL_1] " + text(), "mapping": map[string]string{"[EMAIL_1]": mixEmails[0]}})
		return "/v1/restore", "application/json", b, false, 200
	case kindMalformed:
		return "/v1/redact", "application/json", valid[:r.IntN(len(valid))], false, 400
	case kindOversized, kindOversizedChunked:
		b := []byte(`{"text":"` + strings.Repeat("x", mixBodyLimit+r.IntN(4096)) + `"}`)
		return "/v1/redact", "application/json", b, kind == kindOversizedChunked, 413
	case kindRandomJSON, kindRandomType:
		b := make([]byte, 1+r.IntN(2048))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		ct := "application/json"
		if kind == kindRandomType {
			ct = []string{"", "text/plain", "application/x-www-form-urlencoded", "application/octet-stream", "application/json; charset=latin1"}[r.IntN(5)]
		}
		path := []string{"/v1/redact", "/v1/restore"}[r.IntN(2)]
		return path, ct, b, false, 400
	}
	panic("unknown kind")
}

// Thousands of requests mixing valid ones with malformed JSON, oversized
// bodies and random bytes: each gets the right status and a well-formed
// body, nothing is a 5xx, and the server still serves afterwards.
func TestRequestMix(t *testing.T) {
	n := mixRequests
	if testing.Short() {
		n = mixRequestsShort
	}
	for _, e := range mixEmails {
		secret(e)
	}
	s := newRealServer(t, redact.Config{}, func(c *Config) { c.MaxBodyBytes = mixBodyLimit })
	addr, cancel, errc := serveLoopback(t, s)
	defer func() { cancel(); <-errc }()
	url := "http://" + addr
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: mixWorkers}}

	var next atomic.Int64
	var mu sync.Mutex
	counts := map[mixKind]int{}
	var wg sync.WaitGroup
	for w := 0; w < mixWorkers; w++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, 7))
			for next.Add(1) <= int64(n) {
				kind := mixKind(r.IntN(int(kindKinds)))
				path, ct, body, chunked, want := mixCase(r, kind)
				var rd io.Reader = bytes.NewReader(body)
				if chunked {
					rd = io.MultiReader(rd) // hides the length: sent chunked
				}
				req, _ := http.NewRequest(http.MethodPost, url+path, rd)
				if ct != "" {
					req.Header.Set("Content-Type", ct)
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Errorf("kind %d: %v", kind, err)
					return
				}
				got, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want {
					t.Errorf("kind %d (%s %q, %d bytes): status %d, want %d: %s", kind, path, ct, len(body), resp.StatusCode, want, got)
					return
				}
				if err := checkMixBody(kind, want, got); err != nil {
					t.Errorf("kind %d: %v", kind, err)
					return
				}
				mu.Lock()
				counts[kind]++
				mu.Unlock()
			}
		}(uint64(w))
	}
	wg.Wait()
	total := 0
	for k := mixKind(0); k < kindKinds; k++ {
		if counts[k] == 0 && !t.Failed() {
			t.Errorf("kind %d never sent", k)
		}
		total += counts[k]
	}
	if !t.Failed() && total != n {
		t.Fatalf("%d answers for %d requests", total, n)
	}
	resp, err := http.Get(url + "/readyz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("after the mix: %v %v", resp, err)
	}
	resp.Body.Close()
	t.Logf("%d requests: %v", n, counts)
}

func checkMixBody(kind mixKind, status int, body []byte) error {
	if status != 200 {
		var e errorBody
		if err := json.Unmarshal(body, &e); err != nil || e.Error.Code == "" {
			return fmt.Errorf("bad error body %q", body)
		}
		return nil
	}
	var masked []string
	switch kind {
	case kindValid:
		var r RedactResponse
		if err := json.Unmarshal(body, &r); err != nil {
			return err
		}
		masked = append(masked, r.MaskedText)
	case kindBatch:
		var r BatchResponse
		if err := json.Unmarshal(body, &r); err != nil {
			return err
		}
		for _, x := range r.Results {
			masked = append(masked, x.MaskedText)
		}
	case kindRestore:
		var r RestoreResponse
		if err := json.Unmarshal(body, &r); err != nil {
			return err
		}
		if !strings.HasPrefix(r.Text, "hi "+mixEmails[0]+" ") {
			return fmt.Errorf("not restored: %q", r.Text)
		}
	}
	for _, m := range masked {
		if strings.Contains(m, "@example.") {
			return fmt.Errorf("e-mail not masked: %q", m)
		}
	}
	return nil
}
