package weights

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/obscura-ai/obscura/internal/testenv"
)

// fakeCommit is the commit the fake hub reports for every repository.
const fakeCommit = "0123456789abcdef0123456789abcdef01234567"

// fakeHub serves one directory as the hub repository repo, in the hub's URL
// layout: the listing at /api/models/{repo}/revision/{rev} (siblings with
// size, blobId and, for files over lfsOver bytes, lfs.sha256), and files at
// /{repo}/resolve/{rev}/{path}. As on the hub, an LFS file's resolve URL
// answers 302 to a CDN URL and carries X-Linked-Size and X-Linked-Etag; a
// regular file is served directly with its git blob id as ETag.
type fakeHub struct {
	repo    string
	dir     string
	lfsOver int64
	// dropAfter: on the first GET of that path, send this many bytes and
	// then break the connection.
	dropAfter map[string]int64
	// corrupt: serve that path with one byte flipped.
	corrupt map[string]bool
	// bareListing: list file names only (no size, blobId or lfs), so the
	// client must read the resolve URL's headers.
	bareListing bool

	mu      sync.Mutex
	gets    map[string]int
	ranges  map[string][]string
	auth    []string
	dropped map[string]bool
}

func newFakeHub(t *testing.T, repo, dir string) (*fakeHub, *httptest.Server) {
	h := &fakeHub{repo: repo, dir: dir, lfsOver: 10 << 20, dropAfter: map[string]int64{}, corrupt: map[string]bool{},
		gets: map[string]int{}, ranges: map[string][]string{}, dropped: map[string]bool{}}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return h, srv
}

func gitBlobSHA1(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return fmt.Sprintf("%x", h.Sum(nil))
}

func (h *fakeHub) files() ([]string, error) {
	var out []string
	err := filepath.WalkDir(h.dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(h.dir, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	return out, err
}

func (h *fakeHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.auth = append(h.auth, r.Header.Get("Authorization"))
	h.mu.Unlock()
	p := r.URL.Path
	if rest, ok := strings.CutPrefix(p, "/api/models/"); ok {
		repo, rev, ok := strings.Cut(rest, "/revision/")
		if !ok || repo != h.repo || (rev != "main" && rev != fakeCommit) {
			http.Error(w, `{"error":"Repository not found"}`, http.StatusNotFound)
			return
		}
		h.listing(w)
		return
	}
	if rest, ok := strings.CutPrefix(p, "/cdn/"); ok {
		h.serveFile(w, r, rest)
		return
	}
	rest, ok := strings.CutPrefix(p, "/"+h.repo+"/resolve/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	rev, name, _ := strings.Cut(rest, "/")
	if rev != fakeCommit && rev != "main" {
		http.NotFound(w, r)
		return
	}
	b, err := os.ReadFile(filepath.Join(h.dir, filepath.FromSlash(name)))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("X-Repo-Commit", fakeCommit)
	if int64(len(b)) > h.lfsOver {
		w.Header().Set("X-Linked-Size", strconv.Itoa(len(b)))
		w.Header().Set("X-Linked-Etag", fmt.Sprintf("%q", sha256Hex(b)))
		http.Redirect(w, r, "/cdn/"+name, http.StatusFound)
		return
	}
	w.Header().Set("ETag", fmt.Sprintf("%q", gitBlobSHA1(b)))
	h.serveFile(w, r, name)
}

func (h *fakeHub) listing(w http.ResponseWriter) {
	names, err := h.files()
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	var sibs []map[string]any
	for _, n := range names {
		s := map[string]any{"rfilename": n}
		if !h.bareListing {
			b, _ := os.ReadFile(filepath.Join(h.dir, filepath.FromSlash(n)))
			s["size"] = len(b)
			s["blobId"] = gitBlobSHA1(b)
			if int64(len(b)) > h.lfsOver {
				s["lfs"] = map[string]any{"sha256": sha256Hex(b), "size": len(b), "pointerSize": 134}
			}
		}
		sibs = append(sibs, s)
	}
	json.NewEncoder(w).Encode(map[string]any{"id": h.repo, "sha": fakeCommit, "siblings": sibs})
}

func (h *fakeHub) serveFile(w http.ResponseWriter, r *http.Request, name string) {
	b, err := os.ReadFile(filepath.Join(h.dir, filepath.FromSlash(name)))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	h.mu.Lock()
	if r.Method == http.MethodGet {
		h.gets[name]++
		if rg := r.Header.Get("Range"); rg != "" {
			h.ranges[name] = append(h.ranges[name], rg)
		}
	}
	n, drop := h.dropAfter[name]
	drop = drop && r.Method == http.MethodGet && !h.dropped[name]
	if drop {
		h.dropped[name] = true
	}
	h.mu.Unlock()
	if h.corrupt[name] {
		b = bytes.Clone(b)
		b[len(b)/2] ^= 0x20
	}
	if drop {
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(http.StatusOK)
		w.Write(b[:n])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // break the connection mid-file
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// TestPullSharedModelResumes pulls the shared baseline model from the fake
// hub. The connection breaks 40 MB into model.onnx; Pull resumes with a
// Range request and the result is byte-identical (the published sha256)
// and loads.
func TestPullSharedModelResumes(t *testing.T) {
	shared := testenv.Shared(t, "models", "obscura-minilm-conll")
	const repo = "obscura-ai/obscura-minilm-conll"
	const dropAt = 40 << 20
	hub, srv := newFakeHub(t, repo, shared)
	hub.dropAfter["onnx/model.onnx"] = dropAt
	models := t.TempDir()
	var progressCalls int
	res, err := Pull(context.Background(), PullOptions{
		Repo: repo, Dir: models, Endpoint: srv.URL, Token: "hf_test",
		Progress: func(string, int64, int64) { progressCalls++ },
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Commit != fakeCommit || res.Dir != filepath.Join(models, "obscura-ai", "obscura-minilm-conll") {
		t.Errorf("result commit %s dir %s", res.Commit, res.Dir)
	}
	rg := hub.ranges["onnx/model.onnx"]
	if len(rg) != 1 || !strings.HasPrefix(rg[0], "bytes=") {
		t.Fatalf("ranges requested for model.onnx: %v, want one resume", rg)
	}
	start, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(rg[0], "bytes="), "-"))
	if start <= 0 || start > dropAt {
		t.Errorf("resumed from byte %d, want within (0, %d]", start, dropAt)
	}
	byPath := map[string]PulledFile{}
	for _, f := range res.Files {
		byPath[f.Path] = f
	}
	mf := byPath["onnx/model.onnx"]
	if mf.SHA256 != miniLMSHA256 || mf.Verified != "sha256" || !mf.Resumed {
		t.Errorf("model.onnx: %+v", mf)
	}
	if f := byPath["config.json"]; f.Verified != "git-sha1" {
		t.Errorf("config.json verified by %q", f.Verified)
	}
	// PROVENANCE.txt is not a model file: not pulled by default.
	if _, ok := byPath["PROVENANCE.txt"]; ok || len(res.Files) != 6 {
		t.Errorf("pulled %d files: %v", len(res.Files), res.Files)
	}
	for _, a := range hub.auth {
		if a != "Bearer hf_test" {
			t.Fatalf("request without the bearer token: %q", a)
		}
	}
	if progressCalls == 0 {
		t.Error("progress never reported")
	}
	m, err := Load(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.EmbeddingRows != 30522 {
		t.Errorf("pulled model: %d embedding rows", m.EmbeddingRows)
	}
	if fileExists(filepath.Join(res.Dir, "onnx", "model.onnx.part")) {
		t.Error(".part file left behind")
	}

	// A second pull finds everything verified on disk and downloads nothing.
	before := hub.gets["onnx/model.onnx"]
	res2, err := Pull(context.Background(), PullOptions{Repo: repo, Dir: models, Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res2.Files {
		if !f.Cached {
			t.Errorf("%s fetched again", f.Path)
		}
	}
	if hub.gets["onnx/model.onnx"] != before {
		t.Error("model.onnx downloaded again")
	}
}

// smallRepo is a small Hugging Face directory for the hub tests where a
// real vocabulary is not needed; its 680 kB graph is served as an LFS file.
func smallRepo(t *testing.T) (string, *fakeHub, *httptest.Server) {
	dir := smallHFDir(t, smallVocabSize)
	hub, srv := newFakeHub(t, "org/tiny", dir)
	hub.lfsOver = 100 << 10
	return dir, hub, srv
}

// A pull that fails mid-file keeps the .part; the next pull resumes it.
func TestPullResumeAcrossRuns(t *testing.T) {
	_, hub, srv := smallRepo(t)
	hub.dropAfter["model.onnx"] = 300_000
	models := t.TempDir()
	opt := PullOptions{Repo: "org/tiny", Dir: models, Endpoint: srv.URL, Attempts: 1}
	_, err := Pull(context.Background(), opt)
	if err == nil || !strings.Contains(err.Error(), "model.onnx") {
		t.Fatalf("first pull = %v, want a failure on model.onnx", err)
	}
	part := filepath.Join(models, "org", "tiny", "model.onnx.part")
	st, err := os.Stat(part)
	if err != nil || st.Size() == 0 || st.Size() > 300_000 {
		t.Fatalf("partial file: %v, %v", st, err)
	}
	res, err := Pull(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if rg := hub.ranges["model.onnx"]; len(rg) != 1 || rg[0] != fmt.Sprintf("bytes=%d-", st.Size()) {
		t.Errorf("second pull asked for %v, want bytes=%d-", rg, st.Size())
	}
	for _, f := range res.Files {
		if f.Path == "model.onnx" && (!f.Resumed || f.Verified != "sha256") {
			t.Errorf("model.onnx: %+v", f)
		}
	}
	if _, err := Load(res.Dir); err != nil {
		t.Fatal(err)
	}
}

// Without sizes and hashes in the listing, Pull reads them from the
// resolve URL's headers (X-Linked-Size/X-Linked-Etag, ETag) and still
// catches a corrupted file.
func TestPullHeadersAndHashMismatch(t *testing.T) {
	_, hub, srv := smallRepo(t)
	hub.bareListing = true
	models := t.TempDir()
	res, err := Pull(context.Background(), PullOptions{Repo: "org/tiny", Dir: models, Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Files {
		want := "git-sha1"
		if f.Path == "model.onnx" {
			want = "sha256"
		}
		if f.Verified != want {
			t.Errorf("%s verified by %q, want %q", f.Path, f.Verified, want)
		}
	}

	for _, bad := range []struct{ file, algo string }{{"vocab.txt", "git-sha1"}, {"model.onnx", "sha256"}} {
		t.Run(bad.file, func(t *testing.T) {
			hub.corrupt = map[string]bool{bad.file: true}
			models := t.TempDir()
			_, err := Pull(context.Background(), PullOptions{Repo: "org/tiny", Dir: models, Endpoint: srv.URL})
			var he *DownloadHashError
			if !errors.As(err, &he) || he.File != bad.file || he.Algorithm != bad.algo || he.Want == he.Got {
				t.Fatalf("Pull(corrupted %s) = %v, want a %s DownloadHashError", bad.file, err, bad.algo)
			}
			final := filepath.Join(models, "org", "tiny", bad.file)
			if fileExists(final) || fileExists(final+".part") {
				t.Error("the corrupted download was kept")
			}
		})
	}
}

func TestPullNotFound(t *testing.T) {
	_, _, srv := smallRepo(t)
	_, err := Pull(context.Background(), PullOptions{Repo: "org/missing", Dir: t.TempDir(), Endpoint: srv.URL})
	if !errors.Is(err, ErrRepoNotFound) || !strings.Contains(err.Error(), "org/missing") {
		t.Fatalf("Pull(missing) = %v", err)
	}
	_, err = Pull(context.Background(), PullOptions{Repo: "org/tiny", Revision: "v9", Dir: t.TempDir(), Endpoint: srv.URL})
	if !errors.Is(err, ErrRepoNotFound) {
		t.Fatalf("Pull(bad revision) = %v", err)
	}
	for _, bad := range []string{"", "a/b/c", "../x", "org/..", "org/na me"} {
		if _, err := Pull(context.Background(), PullOptions{Repo: bad, Endpoint: srv.URL, Dir: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "not a hub repository name") {
			t.Errorf("Pull(%q) = %v", bad, err)
		}
	}
}
