package server

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/obscura-ai/obscura/internal/cpu"
	"github.com/obscura-ai/obscura/quant"
	"github.com/obscura-ai/obscura/tensor"
)

func TestModelInfo(t *testing.T) {
	s := newTestServer(t, nil, nil)
	s.Install(&Model{Redactor: &fakeRedactor{}, Info: ModelInfo{
		ID: "obscura-test", Labels: []string{"O", "B-PER"}, Quantization: "int8", Epsilon: 8,
		Manifest: json.RawMessage(`{"model_id":"obscura-test","quantization":"int8"}`), Checksum: "abc123",
	}})
	rec := do(t, s, http.MethodGet, "/v1/model", "", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	var res ModelResponse
	decodeBody(t, rec.Body, &res)
	f := cpu.Detect()
	if res.ID != "obscura-test" || res.Quantization != "int8" || res.Epsilon != 8 || len(res.Labels) != 2 || !res.Ready ||
		res.Checksum != "abc123" || !strings.Contains(string(res.Manifest), `"model_id"`) {
		t.Fatalf("model = %+v", res)
	}
	if res.Kernels.FP32 != tensor.KernelFor(f) || res.Kernels.INT8 != quant.KernelFor(f) || res.Kernels.FP32 == "" {
		t.Fatalf("kernels = %+v", res.Kernels)
	}
	if strings.Join(res.CPUFeatures, " ") != strings.Join(f.List(), " ") || res.GOMAXPROCS < 1 {
		t.Fatalf("cpu = %v / %d", res.CPUFeatures, res.GOMAXPROCS)
	}
}

func TestHealthz(t *testing.T) {
	s := newTestServer(t, &fakeRedactor{}, nil)
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready"} {
		rec := do(t, s, http.MethodGet, path, "", nil)
		var st StatusResponse
		decodeBody(t, rec.Body, &st)
		if rec.Code != http.StatusOK || st.Status != want {
			t.Fatalf("%s: %d %+v", path, rec.Code, st)
		}
	}
}

// promLine is one sample line of the Prometheus text format.
var promLine = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*",?)*\})? [-+0-9.eE]+|\+Inf$`)

func TestMetrics(t *testing.T) {
	s := newTestServer(t, &fakeRedactor{}, nil)
	email := secret("metrics.person@example.com")
	postJSON(t, s, "/v1/redact", map[string]string{"text": secret("write to " + email)})
	postJSON(t, s, "/v1/redact", map[string]string{"text": ""})
	do(t, s, http.MethodGet, "/v1/"+email, "", nil) // the URL must not become a label
	rec := do(t, s, http.MethodGet, "/metrics", "", nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("status %d, type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	body := rec.Body.String()
	for _, want := range []string{
		`obscura_http_requests_total{route="/v1/redact",method="POST",code="200"} 1`,
		`obscura_http_requests_total{route="/v1/redact",method="POST",code="400"} 1`,
		`obscura_http_requests_total{route="unmatched",method="GET",code="404"} 1`,
		`obscura_http_request_duration_seconds_bucket{route="/v1/redact",le="+Inf"} 2`,
		`obscura_http_request_duration_seconds_count{route="/v1/redact"} 2`,
		`obscura_redact_stage_duration_seconds_count{stage="regex"} 1`,
		`obscura_redact_stage_duration_seconds_count{stage="total"} 1`,
		`obscura_redact_entities_total{type="EMAIL",source="regex"} 1`,
		`obscura_redact_texts_total 1`,
		`obscura_redact_queue_seconds_count 1`,
		`obscura_redact_queue_seconds_bucket{le="+Inf"} 1`,
		`obscura_model_ready 1`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(body, "example.com") || strings.Contains(body, "write to") {
		t.Fatal("metrics contain request text")
	}
	types := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(body), "\n") {
		if strings.HasPrefix(l, "# TYPE ") {
			name := strings.Fields(l)[2]
			if types[name] {
				t.Errorf("TYPE %s twice", name)
			}
			types[name] = true
			continue
		}
		if strings.HasPrefix(l, "# HELP ") {
			continue
		}
		if !promLine.MatchString(l) {
			t.Errorf("not a Prometheus sample line: %q", l)
		}
	}
	// Histogram buckets are cumulative.
	var last int
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, `obscura_http_request_duration_seconds_bucket{route="/v1/redact"`) {
			var n int
			f := strings.Fields(l)
			if err := json.Unmarshal([]byte(f[len(f)-1]), &n); err != nil || n < last {
				t.Fatalf("bucket line %q not cumulative", l)
			}
			last = n
		}
	}
}

// The OpenAPI document describes exactly the registered routes.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	s := newTestServer(t, &fakeRedactor{}, nil)
	rec := do(t, s, http.MethodGet, "/openapi.json", "", nil)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("status %d type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	var doc struct {
		OpenAPI    string                                `json:"openapi"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi = %q", doc.OpenAPI)
	}
	var documented []string
	for p, ops := range doc.Paths {
		for m := range ops {
			documented = append(documented, strings.ToUpper(m)+" "+p)
		}
	}
	routes := s.Routes()
	sort.Strings(documented)
	sort.Strings(routes)
	if strings.Join(documented, "\n") != strings.Join(routes, "\n") {
		t.Fatalf("OpenAPI paths:\n%s\nregistered routes:\n%s", strings.Join(documented, "\n"), strings.Join(routes, "\n"))
	}
	// Every $ref resolves, and the error codes listed are the ones the code has.
	for _, ref := range regexp.MustCompile(`"#/components/schemas/([A-Za-z]+)"`).FindAllStringSubmatch(rec.Body.String(), -1) {
		if doc.Components.Schemas[ref[1]] == nil {
			t.Errorf("dangling $ref %s", ref[1])
		}
	}
	for _, code := range []string{CodeBadJSON, CodeUnknownField, CodeContentType, CodeInvalidUTF8, CodeMissingText, CodeEmptyText,
		CodeInvalidOption, CodeBadMapping, CodeTooLarge, CodeTextTooLong, CodeUnauthorized, CodeNotFound, CodeMethod, CodeOverloaded, CodeNotReady, CodeTimeout, CodeClientClosed, CodeInternal} {
		if !strings.Contains(string(doc.Components.Schemas["Error"]), `"`+code+`"`) {
			t.Errorf("error code %s is not in the OpenAPI Error schema", code)
		}
	}
	// The request types' JSON fields are the documented properties.
	for schema, v := range map[string]any{"RedactRequest": RedactRequest{}, "RestoreRequest": RestoreRequest{}} {
		var sch struct {
			Properties map[string]json.RawMessage `json:"properties"`
		}
		_ = json.Unmarshal(doc.Components.Schemas[schema], &sch)
		for _, f := range jsonFields(v) {
			if sch.Properties[f] == nil {
				t.Errorf("%s.%s is not documented", schema, f)
			}
		}
		if len(sch.Properties) != len(jsonFields(v)) {
			t.Errorf("%s documents %d properties, the type has %d", schema, len(sch.Properties), len(jsonFields(v)))
		}
	}
}

func jsonFields(v any) []string {
	var out []string
	rt := reflect.TypeOf(v)
	for i := 0; i < rt.NumField(); i++ {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		out = append(out, name)
	}
	return out
}
