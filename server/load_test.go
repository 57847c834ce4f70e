package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
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

// Load test settings; OBSCURA_LOAD=1 turns the test on,
// OBSCURA_LOAD_DURATION / OBSCURA_LOAD_CLIENTS override the defaults and
// OBSCURA_LOAD_INT8=1 serves the INT8 model.
const (
	loadClients  = 64
	loadDuration = 30 * time.Second
	loadWarmup   = 10 * time.Second
	loadRSSEvery = 500 * time.Millisecond
	// loadRSSGrowthTol bounds leaks: the peak RSS of the run's second half
	// may exceed the first half's by at most this fraction. (Right after
	// warm-up the Go heap may still be below its GOGC target of twice the
	// live heap, so the first half is the baseline, not the warm-up.)
	loadRSSGrowthTol = 0.10
)

// loadTexts are synthetic inputs of a few lengths; no real person's data.
var loadTexts = []string{
	"Call Maria Gonzalez at 555-201-4477 tomorrow.",
	"Patient John Smith, MRN 12345, SSN 123-45-6789, takes Metformin 500 mg twice a day and reports dizziness.",
	"Dear team, please forward the signed contract to anna.keller@example.com before Friday. " +
		"Peter Novak from Acme Corporation in Vienna confirmed the delivery date, and the invoice " +
		"goes to account DE89 3704 0044 0532 0130 00. Thanks, Laura Becker.",
	strings.Repeat("The meeting with Daniel Moreau in Lyon went well and the follow-up is booked. ", 8),
}

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

type loadResult struct {
	latencies []time.Duration
	errors    int64
	elapsed   time.Duration
}

// hammer runs clients that POST /v1/redact back to back for d.
func hammer(url string, clients int, d time.Duration) loadResult {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}, Timeout: time.Minute}
	bodies := make([][]byte, len(loadTexts))
	for i, t := range loadTexts {
		bodies[i], _ = json.Marshal(map[string]string{"text": t})
	}
	var errs atomic.Int64
	var mu sync.Mutex
	var all []time.Duration
	stop := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			var lat []time.Duration
			for i := c; time.Now().Before(stop); i++ {
				t0 := time.Now()
				resp, err := client.Post(url+"/v1/redact", "application/json", bytes.NewReader(bodies[i%len(bodies)]))
				if err != nil {
					errs.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
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
	return loadResult{latencies: all, errors: errs.Load(), elapsed: time.Since(start)}
}

func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(p*float64(len(sorted)-1))]
}

// TestLoadHTTP: 64 concurrent clients for 30 s against the real binary on
// loopback (full mode, baseline model). Zero errors, RSS stable after
// warm-up. Run with OBSCURA_LOAD=1 go test -run TestLoadHTTP -v ./server.
func TestLoadHTTP(t *testing.T) {
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
	for _, s := range loadTexts {
		secret(s)
	}
	args := []string{"--max-concurrency", strconv.Itoa(clients)}
	if os.Getenv("OBSCURA_LOAD_INT8") != "" {
		args = append(args, "--int8")
	}
	bs := startBinary(t, args...)
	pid := bs.cmd.Process.Pid
	rssStart := rssKiB(pid)
	warm := hammer(bs.url, clients, loadWarmup)
	rssBefore := rssKiB(pid)
	var samples []int64
	sampled := make(chan struct{})
	stopSampling := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(loadRSSEvery)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				samples = append(samples, rssKiB(pid))
			case <-stopSampling:
				return
			}
		}
	}()
	res := hammer(bs.url, clients, d)
	close(stopSampling)
	<-sampled
	rssAfter := rssKiB(pid)
	half := len(samples) / 2
	peak1, peak2 := maxOf(samples[:half]), maxOf(samples[half:])
	n := len(res.latencies)
	t.Logf("load: %d clients, %v: %d requests, %.1f req/s, p50 %v, p99 %v, max %v, errors %d (warm-up: %d requests, %d errors)",
		clients, res.elapsed.Round(time.Millisecond), n, float64(n)/res.elapsed.Seconds(),
		pct(res.latencies, 0.50).Round(time.Microsecond), pct(res.latencies, 0.99).Round(time.Microsecond),
		pct(res.latencies, 1).Round(time.Microsecond), res.errors, len(warm.latencies), warm.errors)
	t.Logf("RSS: %d MiB after model load, %d MiB after %v warm-up, %d MiB after the %v run; peak %d MiB in the first half, %d MiB in the second",
		rssStart>>10, rssBefore>>10, loadWarmup, rssAfter>>10, d, peak1>>10, peak2>>10)
	bs.stop(t)
	fmt.Fprint(lockedWriter{}, bs.stderr.String()) // checked for request text by TestMain
	if res.errors != 0 || warm.errors != 0 {
		t.Errorf("%d errors (warm-up %d), want 0", res.errors, warm.errors)
	}
	if n == 0 {
		t.Fatal("no request succeeded")
	}
	if half == 0 || peak1 <= 0 {
		t.Fatal("too few RSS samples")
	}
	if float64(peak2) > float64(peak1)*(1+loadRSSGrowthTol) {
		t.Errorf("RSS keeps growing: peak %d KiB in the first half, %d KiB in the second", peak1, peak2)
	}
}

func maxOf(v []int64) int64 {
	m := int64(-1)
	for _, x := range v {
		m = max(m, x)
	}
	return m
}
