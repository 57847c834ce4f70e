package server

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/obscura-ai/obscura/redact"
)

// presidioServer serves the regex-only engine (no model needed).
func presidioServer(t testing.TB) *Server {
	t.Helper()
	eng, err := redact.NewEngine(redact.Config{})
	if err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, nil, nil)
	s.Install(&Model{Redactor: eng, Info: ModelInfo{ID: "regex-only"}})
	return s
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "presidio", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The fixture values are synthetic; none may reach the log.
func registerFixtureSecrets() {
	for _, v := range []string{"maria.gonzalez@example.org", "555-0132", "123-45-6789", "Núñez"} {
		secret(v)
	}
}

// A request in the shape of Presidio's API documentation (our own values,
// with non-ASCII text before the entities so that code-point and byte
// offsets differ) is answered in Presidio's shape with Presidio's offsets.
// The expected offsets were computed with Python string indices, which is
// what Presidio returns.
func TestPresidioAnalyzeFixture(t *testing.T) {
	registerFixtureSecrets()
	s := presidioServer(t)
	rec := do(t, s, http.MethodPost, "/analyze", "application/json", fixture(t, "analyze_request.json"))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var got, want []map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(fixture(t, "analyze_response.json"), &want); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d results, want %d: %s", len(got), len(want), rec.Body)
	}
	sort.Slice(got, func(i, j int) bool { return got[i]["start"].(float64) < got[j]["start"].(float64) })
	for i := range want {
		if keys(got[i]) != keys(want[i]) {
			t.Fatalf("result %d has fields %s, Presidio's have %s", i, keys(got[i]), keys(want[i]))
		}
		for _, k := range []string{"entity_type", "start", "end", "analysis_explanation"} {
			if !reflect.DeepEqual(got[i][k], want[i][k]) {
				t.Fatalf("result %d: %s = %v, want %v", i, k, got[i][k], want[i][k])
			}
		}
		if sc := got[i]["score"].(float64); sc < 0.3 || sc > 1 {
			t.Fatalf("result %d: score %v outside [score_threshold, 1]", i, sc)
		}
	}
	if h := rec.Header().Get(UnsupportedEntitiesHeader); h != "US_DRIVER_LICENSE" {
		t.Fatalf("%s = %q", UnsupportedEntitiesHeader, h)
	}
	if h := rec.Header().Get(IgnoredFieldsHeader); h != "correlation_id" {
		t.Fatalf("%s = %q", IgnoredFieldsHeader, h)
	}
}

func keys(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

// The documented anonymizer example shape (replace as DEFAULT, mask, redact)
// on our own values; the expected answer was built in Python by Presidio's
// operator definitions and code-point offsets.
func TestPresidioAnonymizeFixture(t *testing.T) {
	registerFixtureSecrets()
	s := presidioServer(t)
	rec := do(t, s, http.MethodPost, "/anonymize", "application/json", fixture(t, "anonymize_request.json"))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var got, want any
	_ = json.Unmarshal(rec.Body.Bytes(), &got)
	if err := json.Unmarshal(fixture(t, "anonymize_response.json"), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %s\nwant %s", rec.Body, fixture(t, "anonymize_response.json"))
	}
}

// LiteLLM's guardrail calls /analyze, then /anonymize with the results and
// no operators: every entity becomes <ENTITY_TYPE>.
func TestPresidioAnalyzeThenAnonymize(t *testing.T) {
	s := presidioServer(t)
	text := "Grüße! Mail " + secret("jonas.berg@example.net") + ", SSN " + secret("078-05-1120") + "."
	rec := postJSON(t, s, "/analyze", map[string]any{"text": text, "language": "en"})
	if rec.Code != http.StatusOK {
		t.Fatalf("analyze %d: %s", rec.Code, rec.Body)
	}
	var results []RecognizerResult
	decodeBody(t, rec.Body, &results)
	rec = postJSON(t, s, "/anonymize", map[string]any{"text": text, "analyzer_results": results})
	var out AnonymizeResponse
	decodeBody(t, rec.Body, &out)
	if out.Text != "Grüße! Mail <EMAIL_ADDRESS>, SSN <US_SSN>." {
		t.Fatalf("anonymized %q", out.Text)
	}
	if len(out.Items) != 2 || out.Items[0].EntityType != "US_SSN" || out.Items[0].Start != 33 || out.Items[0].End != 41 {
		t.Fatalf("items %+v", out.Items)
	}

	// A batch answers one list per text.
	rec = postJSON(t, s, "/analyze", map[string]any{"text": []string{text, "nothing here"}, "language": "en", "entities": []string{"US_SSN"}})
	var batch [][]RecognizerResult
	decodeBody(t, rec.Body, &batch)
	if len(batch) != 2 || len(batch[0]) != 1 || batch[0][0].EntityType != "US_SSN" || len(batch[1]) != 0 {
		t.Fatalf("batch %+v", batch)
	}
}

func TestPresidioOperators(t *testing.T) {
	s := presidioServer(t)
	text := "id abc and Ωmega"
	anon := func(ops map[string]any, results ...map[string]any) (int, string) {
		rec := postJSON(t, s, "/anonymize", map[string]any{"text": text, "anonymizers": ops, "analyzer_results": results})
		var out map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &out)
		if rec.Code != http.StatusOK {
			return rec.Code, out["error"].(string)
		}
		return rec.Code, out["text"].(string)
	}
	r := func(start, end int, typ string, score float64) map[string]any {
		return map[string]any{"start": start, "end": end, "entity_type": typ, "score": score}
	}
	cases := []struct {
		name string
		ops  map[string]any
		res  []map[string]any
		want string
	}{
		// sha256("abc") from FIPS 180-2's example.
		{"hash", map[string]any{"ID": map[string]any{"type": "hash"}}, []map[string]any{r(3, 6, "ID", 1)},
			"id ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad and Ωmega"},
		{"mask from start, code points", map[string]any{"DEFAULT": map[string]any{"type": "mask", "masking_char": "#", "chars_to_mask": 2}},
			[]map[string]any{r(11, 16, "WORD", 1)}, "id abc and ##ega"},
		{"mask more than the value", map[string]any{"DEFAULT": map[string]any{"type": "mask", "masking_char": "*", "chars_to_mask": 9, "from_end": true}},
			[]map[string]any{r(3, 6, "ID", 1)}, "id *** and Ωmega"},
		{"keep", map[string]any{"ID": map[string]any{"type": "keep"}}, []map[string]any{r(3, 6, "ID", 1)}, text},
		// Overlap of one type merges the spans.
		{"same type merges", nil, []map[string]any{r(3, 5, "ID", 0.5), r(4, 6, "ID", 0.5)}, "id <ID> and Ωmega"},
		// Overlap of two types: the higher score wins.
		{"higher score wins", nil, []map[string]any{r(3, 6, "ID", 0.4), r(3, 10, "PHRASE", 0.9)}, "id <PHRASE> Ωmega"},
	}
	for _, c := range cases {
		if code, got := anon(c.ops, c.res...); code != http.StatusOK || got != c.want {
			t.Errorf("%s: %d %q, want %q", c.name, code, got, c.want)
		}
	}
	for name, ops := range map[string]map[string]any{
		"encrypt":         {"DEFAULT": map[string]any{"type": "encrypt", "key": "0123456789abcdef"}},
		"unknown type":    {"DEFAULT": map[string]any{"type": "scramble"}},
		"mask no char":    {"DEFAULT": map[string]any{"type": "mask", "chars_to_mask": 2}},
		"bad hash":        {"DEFAULT": map[string]any{"type": "hash", "hash_type": "crc32"}},
		"mask no count":   {"DEFAULT": map[string]any{"type": "mask", "masking_char": "*"}},
		"mask two chars":  {"DEFAULT": map[string]any{"type": "mask", "masking_char": "**", "chars_to_mask": 1}},
		"out of the text": nil,
	} {
		res := []map[string]any{r(3, 6, "ID", 1)}
		if name == "out of the text" {
			res = []map[string]any{r(3, 17, "ID", 1)}
		}
		if code, msg := anon(ops, res...); code != http.StatusUnprocessableEntity || msg == "" {
			t.Errorf("%s: status %d %q, want 422", name, code, msg)
		}
	}
}

func TestPresidioErrorsAndInfo(t *testing.T) {
	s := presidioServer(t)
	for name, body := range map[string]map[string]any{
		"no language":  {"text": "hello"},
		"german":       {"text": "hello", "language": "de"},
		"no text":      {"language": "en"},
		"bad score":    {"text": "hello", "language": "en", "score_threshold": 2},
		"number text":  {"text": 5, "language": "en"},
		"unknown name": {"text": "hello", "language": "en", "colour": "red"},
	} {
		rec := postJSON(t, s, "/analyze", body)
		var e map[string]string
		if rec.Code != http.StatusBadRequest || json.Unmarshal(rec.Body.Bytes(), &e) != nil || e["error"] == "" {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body)
		}
	}
	rec := do(t, s, http.MethodGet, "/supportedentities?language=en", "", nil)
	var names []string
	decodeBody(t, rec.Body, &names)
	joined := "," + strings.Join(names, ",") + ","
	for _, n := range []string{"EMAIL_ADDRESS", "US_SSN", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS", "URL", "DATE_TIME", "LOCATION", "MEDICAL_LICENSE"} {
		if !strings.Contains(joined, ","+n+",") {
			t.Errorf("supported entities %v lack %s", names, n)
		}
	}
	if strings.Contains(joined, ",TOKEN,") || strings.Contains(joined, ",SSN,") {
		t.Errorf("supported entities %v hold Obscura-only names", names)
	}
	if rec := do(t, s, http.MethodGet, "/supportedentities?language=fr", "", nil); rec.Code != http.StatusBadRequest {
		t.Errorf("language fr: %d", rec.Code)
	}
	rec = do(t, s, http.MethodGet, "/health", "", nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "up") {
		t.Errorf("health %d %q", rec.Code, rec.Body)
	}
	// Not ready: 503 in Presidio's shape.
	nr := newTestServer(t, nil, nil)
	rec = postJSON(t, nr, "/analyze", map[string]any{"text": "hello", "language": "en"})
	var e map[string]string
	if rec.Code != http.StatusServiceUnavailable || json.Unmarshal(rec.Body.Bytes(), &e) != nil || e["error"] == "" {
		t.Errorf("not ready: %d %s", rec.Code, rec.Body)
	}
}
