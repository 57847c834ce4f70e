package proxy

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Load test settings: OBSCURA_LOAD=1 turns the test on;
// OBSCURA_LOAD_CLIENTS and OBSCURA_LOAD_DURATION override the defaults.
const (
	loadClients  = 64
	loadDuration = 30 * time.Second
	loadWarmup   = 10 * time.Second
	loadRSSEvery = 500 * time.Millisecond
	// loadRSSGrowthTol: the peak RSS of the run's second half may exceed
	// the first half's by at most this fraction (a leak would not stop).
	loadRSSGrowthTol = 0.10
	loadTimeout      = time.Minute // per request
	loadSplit        = "8"         // bytes per streamed event
)

func rssKiB(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			return n
		}
	}
	return -1
}

type loadRun struct {
	lat     []time.Duration
	errors  int64
	elapsed time.Duration
}

// loadMessages is the conversation every load request sends (synthetic).
var loadMessages = []any{
	map[string]any{"role": "system", "content": "You are a scheduling assistant."},
	map[string]any{"role": "user", "content": "I am John Smith, " + email + ", SSN " + ssn + "; book me with Maria Gonzalez."},
}

var loadWant = "You are a scheduling assistant.\nI am John Smith, " + email + ", SSN " + ssn + "; book me with Maria Gonzalez."

// drive runs clients that send the conversation back to back for d, every
// other request streamed, and counts any answer that is not the restored
// text as an error.
func drive(url string, clients int, d time.Duration) loadRun {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}, Timeout: loadTimeout}
	whole, _ := json.Marshal(map[string]any{"model": "echo", "messages": loadMessages})
	streamed, _ := json.Marshal(map[string]any{"model": "echo", "messages": loadMessages, "stream": true, "fake_split": loadSplit})
	var errs atomic.Int64
	var mu sync.Mutex
	var all []time.Duration
	start := time.Now()
	stop := start.Add(d)
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			var lat []time.Duration
			for i := c; time.Now().Before(stop); i++ {
				body := whole
				if i%2 == 1 {
					body = streamed
				}
				t0 := time.Now()
				req, _ := http.NewRequest(http.MethodPost, url+"/v1/chat/completions", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+callerKey)
				resp, err := client.Do(req)
				if err != nil {
					errs.Add(1)
					continue
				}
				got, ok := answerText(resp, i%2 == 1)
				resp.Body.Close()
				if !ok || resp.StatusCode != http.StatusOK || got != loadWant {
					errs.Add(1)
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		}(c)
	}
	wg.Wait()
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	return loadRun{lat: all, errors: errs.Load(), elapsed: time.Since(start)}
}

// answerText reads a whole or streamed chat answer's text.
func answerText(resp *http.Response, stream bool) (string, bool) {
	if !stream {
		var cr chatResponse
		if json.NewDecoder(resp.Body).Decode(&cr) != nil || len(cr.Choices) != 1 || cr.Choices[0].Message.Content == nil {
			return "", false
		}
		return *cr.Choices[0].Message.Content, true
	}
	var b strings.Builder
	sc := bufio.NewScanner(resp.Body)
	done := false
	for sc.Scan() {
		d, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		if d == sseDone {
			done = true
			continue
		}
		var ev struct {
			Choices []struct {
				Delta struct {
					Content string `json:"content"`
				} `json:"delta"`
			} `json:"choices"`
		}
		if json.Unmarshal([]byte(d), &ev) != nil {
			return "", false
		}
		for _, c := range ev.Choices {
			b.WriteString(c.Delta.Content)
		}
	}
	return b.String(), done && sc.Err() == nil
}

func pctOf(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(p*float64(len(sorted)-1))]
}

func peak(v []int64) int64 {
	m := int64(-1)
	for _, x := range v {
		m = max(m, x)
	}
	return m
}

// TestLoadProxy: 64 clients for 30 s through the real binary (`obscura
// proxy`, baseline model, fp32) in front of the fake upstream, half the
// requests streamed. Zero errors (every answer restored exactly), RSS flat
// after warm-up. Run with OBSCURA_LOAD=1 go test -run TestLoadProxy -v ./proxy.
func TestLoadProxy(t *testing.T) {
	if os.Getenv("OBSCURA_LOAD") == "" {
		t.Skip("set OBSCURA_LOAD=1 to run the 30 s load test")
	}
	clients, d := loadClients, loadDuration
	if v, err := strconv.Atoi(os.Getenv("OBSCURA_LOAD_CLIENTS")); err == nil && v > 0 {
		clients = v
	}
	if v, err := time.ParseDuration(os.Getenv("OBSCURA_LOAD_DURATION")); err == nil && v > 0 {
		d = v
	}
	f := newFakeUpstream(t)
	bp := startProxyBinary(t, f.url(), "--max-concurrency", strconv.Itoa(clients))
	pid := bp.cmd.Process.Pid
	rssLoaded := rssKiB(pid)
	warm := drive(bp.url, clients, loadWarmup)
	rssWarm := rssKiB(pid)
	f.mu.Lock()
	f.bodies, f.auth = nil, nil // the fake's own memory, not the proxy's
	f.mu.Unlock()
	var samples []int64
	stopped := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(loadRSSEvery)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				samples = append(samples, rssKiB(pid))
			case <-stopped:
				return
			}
		}
	}()
	res := drive(bp.url, clients, d)
	close(stopped)
	<-finished
	rssEnd := rssKiB(pid)
	half := len(samples) / 2
	n := len(res.lat)
	t.Logf("proxy load: %d clients, %v: %d requests (half streamed), %.1f req/s, p50 %v, p99 %v, max %v, errors %d (warm-up: %d requests, %d errors)",
		clients, res.elapsed.Round(time.Millisecond), n, float64(n)/res.elapsed.Seconds(),
		pctOf(res.lat, 0.5).Round(time.Microsecond), pctOf(res.lat, 0.99).Round(time.Microsecond),
		pctOf(res.lat, 1).Round(time.Microsecond), res.errors, len(warm.lat), warm.errors)
	if half == 0 {
		t.Fatal("too few RSS samples")
	}
	p1, p2 := peak(samples[:half]), peak(samples[half:])
	t.Logf("RSS: %d MiB loaded, %d MiB after the %v warm-up, %d MiB at the end; peak %d MiB in the first half, %d MiB in the second",
		rssLoaded>>10, rssWarm>>10, loadWarmup, rssEnd>>10, p1>>10, p2>>10)
	up := f.received()
	bp.stop(t)
	for _, v := range append([]string{"John Smith", "Maria Gonzalez", email, ssn}, callerKey) {
		if strings.Contains(up, v) {
			t.Errorf("the upstream received %q", v)
		}
		if strings.Contains(bp.stderr.String(), v) {
			t.Errorf("the log holds %q", v)
		}
	}
	if res.errors != 0 || warm.errors != 0 {
		t.Errorf("%d errors (warm-up %d), want 0", res.errors, warm.errors)
	}
	if n == 0 {
		t.Fatal("no request succeeded")
	}
	if float64(p2) > float64(p1)*(1+loadRSSGrowthTol) {
		t.Errorf("RSS keeps growing: peak %d KiB in the first half, %d KiB in the second", p1, p2)
	}
}
