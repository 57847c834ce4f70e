package weights

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DefaultEndpoint is the Hugging Face hub. PullOptions.Endpoint overrides
// it (the CLI reads HF_ENDPOINT, as the hub's own clients do).
const DefaultEndpoint = "https://huggingface.co"

// DefaultPullPatterns are the files pulled when PullOptions.Include is
// empty: what Load reads from a Hugging Face directory (config, tokenizer,
// the fp32 ONNX graph and its external data) or from a bundle, plus the
// model card. Other weights formats (safetensors, PyTorch, TF, quantized
// ONNX variants) are left on the hub unless asked for.
var DefaultPullPatterns = []string{
	"config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt",
	"onnx/model.onnx", "onnx/model.onnx_data", "onnx/model.onnx.data",
	"model.onnx", "model.onnx_data", "model.onnx.data",
	"schema.json", "label_map.json", "checksum.sha256", "metadata.json", "manifest.json",
	"README.md",
}

// PullOptions controls Pull.
type PullOptions struct {
	// Repo is "ORG/NAME" (or a legacy single "NAME").
	Repo string
	// Revision is a branch, tag or commit (default "main"). The listing's
	// commit is then used for every file, so one pull reads one commit.
	Revision string
	// Dir is the models directory; files land in Dir/ORG/NAME.
	Dir string
	// Endpoint is the hub's base URL (default DefaultEndpoint).
	Endpoint string
	// Token, if set, is sent as a bearer token (private or gated repos).
	Token string
	// Include are path.Match patterns over repo paths (default
	// DefaultPullPatterns).
	Include []string
	// Client is the HTTP client (default one with a 30 s header timeout and
	// no overall timeout, so large files can stream).
	Client *http.Client
	// Attempts is how many times one file is tried; each retry resumes
	// from the bytes already on disk (default 4).
	Attempts int
	// Progress, if set, is called as bytes arrive.
	Progress func(file string, done, total int64)
}

// PulledFile describes one file after Pull.
type PulledFile struct {
	Path   string `json:"path"` // repo path, slash-separated
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	// Verified names the check passed: "sha256" (LFS files), "git-sha1"
	// (regular files: the hub's blob id), "size", or "" when the hub gave
	// neither size nor hash.
	Verified string `json:"verified"`
	// Cached is true when a verified copy was already on disk.
	Cached bool `json:"cached,omitempty"`
	// Resumed is true when the download continued a partial file.
	Resumed bool `json:"resumed,omitempty"`
}

// PullResult is what Pull fetched.
type PullResult struct {
	Dir    string // the model directory written
	Repo   string
	Commit string // the commit the listing resolved to, if reported
	Files  []PulledFile
}

// HubError is an HTTP failure from the hub.
type HubError struct {
	URL    string
	Status int
	Hint   string
}

func (e *HubError) Error() string {
	s := fmt.Sprintf("weights: hub: %s: HTTP %d", e.URL, e.Status)
	if e.Hint != "" {
		s += ": " + e.Hint
	}
	return s
}

// ErrRepoNotFound is wrapped by Pull's error for a 404 listing.
var ErrRepoNotFound = errors.New("repository or revision not found")

// DownloadHashError reports a downloaded file whose digest or size differs
// from what the hub stated. The partial file is deleted.
type DownloadHashError struct {
	File      string
	Algorithm string // "sha256", "git-sha1" or "size"
	Want, Got string
}

func (e *DownloadHashError) Error() string {
	return fmt.Sprintf("weights: pull: %s: %s mismatch: the hub says %s, the download has %s (corrupted in transit or altered; the partial file was deleted)", e.File, e.Algorithm, e.Want, e.Got)
}

var repoPart = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

func validRepo(repo string) bool {
	parts := strings.Split(repo, "/")
	if len(parts) > 2 {
		return false
	}
	for _, p := range parts {
		if !repoPart.MatchString(p) || strings.Contains(p, "..") {
			return false
		}
	}
	return true
}

type hubSibling struct {
	RFilename string `json:"rfilename"`
	Size      *int64 `json:"size"`
	BlobID    string `json:"blobId"`
	LFS       *struct {
		SHA256 string `json:"sha256"`
		Size   int64  `json:"size"`
	} `json:"lfs"`
}

type hubInfo struct {
	SHA      string       `json:"sha"`
	Siblings []hubSibling `json:"siblings"`
}

// expect is what the hub says a file should be.
type expect struct {
	size   int64 // -1 when unknown
	sha256 string
	gitSHA string
}

// Pull downloads a model repository's files from the hub into
// Dir/ORG/NAME. It lists the files with the hub API
// (/api/models/{repo}/revision/{rev}?blobs=true), fetches each matching
// file from /{repo}/resolve/{commit}/{path} into a ".part" file, resumes a
// partial file with an HTTP Range request (within this call after a
// dropped connection, and across calls), checks size and hash where the hub
// states them (the LFS sha256 for large files, the git blob sha1 otherwise,
// from the listing or from the X-Linked-Size / X-Linked-Etag / ETag headers
// of the resolve URL), and only then renames the file into place. A file
// already present and verifying is not fetched again.
func Pull(ctx context.Context, opt PullOptions) (*PullResult, error) {
	if !validRepo(opt.Repo) {
		return nil, fmt.Errorf("weights: pull: %q is not a hub repository name (want ORG/NAME)", opt.Repo)
	}
	if opt.Revision == "" {
		opt.Revision = "main"
	}
	if opt.Endpoint == "" {
		opt.Endpoint = DefaultEndpoint
	}
	opt.Endpoint = strings.TrimRight(opt.Endpoint, "/")
	if opt.Dir == "" {
		opt.Dir = DefaultModelsDir
	}
	if len(opt.Include) == 0 {
		opt.Include = DefaultPullPatterns
	}
	if opt.Attempts <= 0 {
		opt.Attempts = 4
	}
	if opt.Client == nil {
		opt.Client = &http.Client{Transport: &http.Transport{
			Proxy: http.ProxyFromEnvironment, ResponseHeaderTimeout: 30 * time.Second,
		}}
	}
	h := &hub{opt: opt}
	info, err := h.listing(ctx)
	if err != nil {
		return nil, err
	}
	rev := opt.Revision
	if isCommit(info.SHA) {
		rev = info.SHA
	}
	dest := filepath.Join(opt.Dir, filepath.FromSlash(opt.Repo))
	res := &PullResult{Dir: dest, Repo: opt.Repo, Commit: info.SHA}
	var picked []hubSibling
	for _, s := range info.Siblings {
		if matchAny(opt.Include, s.RFilename) {
			picked = append(picked, s)
		}
	}
	if len(picked) == 0 {
		return nil, fmt.Errorf("weights: pull: %s@%s has no files matching %s", opt.Repo, opt.Revision, strings.Join(opt.Include, ","))
	}
	for _, s := range picked {
		if !filepath.IsLocal(filepath.FromSlash(s.RFilename)) {
			return nil, fmt.Errorf("weights: pull: the hub listed a file outside the repository: %q", s.RFilename)
		}
		pf, err := h.file(ctx, rev, s, dest)
		if err != nil {
			return res, err
		}
		res.Files = append(res.Files, pf)
	}
	return res, writeJSON(filepath.Join(dest, ".pull.json"), map[string]any{
		"repo": opt.Repo, "revision": opt.Revision, "commit": info.SHA,
		"pulled": time.Now().UTC().Format(time.RFC3339), "files": res.Files,
	})
}

func isCommit(s string) bool {
	if len(s) != 40 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

func matchAny(patterns []string, p string) bool {
	for _, pat := range patterns {
		if ok, _ := path.Match(pat, p); ok {
			return true
		}
	}
	return false
}

type hub struct{ opt PullOptions }

func (h *hub) request(ctx context.Context, method, u string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "obscura-pull")
	if h.opt.Token != "" {
		req.Header.Set("Authorization", "Bearer "+h.opt.Token)
	}
	return req, nil
}

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

func (h *hub) listing(ctx context.Context) (*hubInfo, error) {
	u := fmt.Sprintf("%s/api/models/%s/revision/%s?blobs=true", h.opt.Endpoint, escapePath(h.opt.Repo), url.PathEscape(h.opt.Revision))
	req, err := h.request(ctx, http.MethodGet, u)
	if err != nil {
		return nil, err
	}
	resp, err := h.opt.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("weights: pull: list %s: %w", h.opt.Repo, err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound:
		return nil, fmt.Errorf("weights: pull: %s@%s: %w on %s (check the name and revision; a private or gated repository also answers 404 without a token: set HF_TOKEN)", h.opt.Repo, h.opt.Revision, ErrRepoNotFound, h.opt.Endpoint)
	case http.StatusUnauthorized, http.StatusForbidden:
		return nil, &HubError{URL: u, Status: resp.StatusCode, Hint: "access refused: set HF_TOKEN to a token that can read this repository"}
	default:
		return nil, &HubError{URL: u, Status: resp.StatusCode}
	}
	var info hubInfo
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&info); err != nil {
		return nil, fmt.Errorf("weights: pull: %s: bad listing: %w", h.opt.Repo, err)
	}
	return &info, nil
}

func (h *hub) fileURL(rev, p string) string {
	return fmt.Sprintf("%s/%s/resolve/%s/%s", h.opt.Endpoint, escapePath(h.opt.Repo), url.PathEscape(rev), escapePath(p))
}

// expectation combines the listing with, when it lacks them, the headers
// of the resolve URL (without following the redirect to the CDN, whose
// headers describe the CDN object instead).
func (h *hub) expectation(ctx context.Context, rev string, s hubSibling) (expect, error) {
	e := expect{size: -1}
	if s.LFS != nil {
		e.size, e.sha256 = s.LFS.Size, strings.ToLower(s.LFS.SHA256)
	} else {
		if s.Size != nil {
			e.size = *s.Size
		}
		if isCommit(s.BlobID) {
			e.gitSHA = strings.ToLower(s.BlobID)
		}
	}
	if e.size >= 0 && (e.sha256 != "" || e.gitSHA != "") {
		return e, nil
	}
	req, err := h.request(ctx, http.MethodHead, h.fileURL(rev, s.RFilename))
	if err != nil {
		return e, err
	}
	client := *h.opt.Client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		return e, fmt.Errorf("weights: pull: %s: %w", s.RFilename, err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 400 {
		return e, &HubError{URL: req.URL.String(), Status: resp.StatusCode}
	}
	if e.size < 0 {
		for _, k := range []string{"X-Linked-Size", "Content-Length"} {
			if n, err := strconv.ParseInt(resp.Header.Get(k), 10, 64); err == nil && n >= 0 {
				e.size = n
				break
			}
		}
	}
	if e.sha256 == "" && e.gitSHA == "" {
		tag := normalizeETag(resp.Header.Get("X-Linked-Etag"))
		if tag == "" {
			tag = normalizeETag(resp.Header.Get("ETag"))
		}
		switch _, err := hex.DecodeString(tag); {
		case err == nil && len(tag) == 64:
			e.sha256 = tag
		case err == nil && len(tag) == 40:
			e.gitSHA = tag
		}
	}
	return e, nil
}

func normalizeETag(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "W/")
	return strings.ToLower(strings.Trim(s, `"`))
}

// file fetches one file into dest, verifying it.
func (h *hub) file(ctx context.Context, rev string, s hubSibling, dest string) (PulledFile, error) {
	pf := PulledFile{Path: s.RFilename}
	final := filepath.Join(dest, filepath.FromSlash(s.RFilename))
	exp, err := h.expectation(ctx, rev, s)
	if err != nil {
		return pf, err
	}
	if fileExists(final) {
		if v, sum, size, err := verify(final, s.RFilename, exp); err == nil {
			pf.Cached, pf.Verified, pf.SHA256, pf.Size = true, v, sum, size
			return pf, nil
		}
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return pf, fmt.Errorf("weights: %w", err)
	}
	part := final + ".part"
	var lastErr error
	for attempt := 0; attempt < h.opt.Attempts; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return pf, ctx.Err()
			case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
			}
		}
		resumed, err := h.fetch(ctx, rev, s.RFilename, part, exp.size)
		pf.Resumed = pf.Resumed || resumed
		if err == nil {
			lastErr = nil
			break
		}
		lastErr = err
		var he *HubError
		if errors.As(err, &he) && he.Status < 500 || ctx.Err() != nil {
			break // a 4xx will not heal by retrying
		}
	}
	if lastErr != nil {
		return pf, fmt.Errorf("weights: pull: %s: %w (the partial download is kept and resumes on the next pull)", s.RFilename, lastErr)
	}
	v, sum, size, err := verify(part, s.RFilename, exp)
	if err != nil {
		os.Remove(part)
		return pf, err
	}
	if err := os.Rename(part, final); err != nil {
		return pf, fmt.Errorf("weights: %w", err)
	}
	pf.Verified, pf.SHA256, pf.Size = v, sum, size
	return pf, nil
}

// fetch appends the rest of the file to part, using a Range request when
// part already holds bytes. It reports whether it resumed.
func (h *hub) fetch(ctx context.Context, rev, name, part string, size int64) (bool, error) {
	f, err := os.OpenFile(part, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return false, err
	}
	defer f.Close()
	have, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return false, err
	}
	if size >= 0 && have > size {
		// Longer than the file: not a prefix of it. Start again.
		if err := f.Truncate(0); err != nil {
			return false, err
		}
		have, _ = f.Seek(0, io.SeekStart)
	}
	if size >= 0 && have == size {
		return have > 0, nil
	}
	req, err := h.request(ctx, http.MethodGet, h.fileURL(rev, name))
	if err != nil {
		return false, err
	}
	if have > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", have))
	}
	resp, err := h.opt.Client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	resumed := false
	switch resp.StatusCode {
	case http.StatusPartialContent:
		start, ok := contentRangeStart(resp.Header.Get("Content-Range"))
		if !ok || start != have {
			return false, fmt.Errorf("server answered range %q to a request from byte %d", resp.Header.Get("Content-Range"), have)
		}
		resumed = true
	case http.StatusOK:
		// No range support (or a fresh start): rewrite from the beginning.
		if err := f.Truncate(0); err != nil {
			return false, err
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return false, err
		}
		have = 0
	case http.StatusRequestedRangeNotSatisfiable:
		// The partial file is not a prefix we can continue: start over.
		if err := f.Truncate(0); err != nil {
			return false, err
		}
		return false, fmt.Errorf("server refused to resume (HTTP 416); restarting")
	default:
		return false, &HubError{URL: req.URL.String(), Status: resp.StatusCode}
	}
	total := size
	if total < 0 && resp.ContentLength >= 0 {
		total = have + resp.ContentLength
	}
	var w io.Writer = f
	if h.opt.Progress != nil {
		h.opt.Progress(name, have, total)
		w = &progressWriter{w: f, done: have, total: total, name: name, fn: h.opt.Progress}
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		return resumed, err
	}
	return resumed, f.Sync()
}

func contentRangeStart(v string) (int64, bool) {
	// "bytes START-END/TOTAL"
	v, ok := strings.CutPrefix(v, "bytes ")
	if !ok {
		return 0, false
	}
	startS, _, ok := strings.Cut(v, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(startS, 10, 64)
	return n, err == nil
}

type progressWriter struct {
	w           io.Writer
	done, total int64
	name        string
	fn          func(string, int64, int64)
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.done += int64(n)
	p.fn(p.name, p.done, p.total)
	return n, err
}

// verify checks a file against what the hub stated and returns the check
// made, the file's sha256 and size.
func verify(p, name string, e expect) (string, string, int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", "", 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", "", 0, err
	}
	size := st.Size()
	if e.size >= 0 && size != e.size {
		return "", "", size, &DownloadHashError{File: name, Algorithm: "size", Want: strconv.FormatInt(e.size, 10), Got: strconv.FormatInt(size, 10)}
	}
	s256 := sha256.New()
	var git hash.Hash = sha1.New()
	fmt.Fprintf(git, "blob %d\x00", size)
	if _, err := io.Copy(io.MultiWriter(s256, git), f); err != nil {
		return "", "", size, err
	}
	sum := hex.EncodeToString(s256.Sum(nil))
	gitSum := hex.EncodeToString(git.Sum(nil))
	switch {
	case e.sha256 != "":
		if sum != e.sha256 {
			return "", sum, size, &DownloadHashError{File: name, Algorithm: "sha256", Want: e.sha256, Got: sum}
		}
		return "sha256", sum, size, nil
	case e.gitSHA != "":
		if gitSum != e.gitSHA {
			return "", sum, size, &DownloadHashError{File: name, Algorithm: "git-sha1", Want: e.gitSHA, Got: gitSum}
		}
		return "git-sha1", sum, size, nil
	case e.size >= 0:
		return "size", sum, size, nil
	}
	return "", sum, size, nil
}
