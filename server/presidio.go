package server

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"hash"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/obscura-ai/obscura/redact"
)

// Presidio-compatible routes: POST /analyze, POST /anonymize, GET
// /supportedentities and GET /health take and give the field names,
// entity names and offsets of Microsoft Presidio's analyzer and
// anonymizer REST APIs, so that a Presidio client (or the LangChain and
// LiteLLM Presidio integrations) can point at Obscura unchanged.
//
// Offsets are Presidio's: Python string indices, i.e. Unicode code points,
// where Obscura's own API uses bytes; both directions are converted here.
// Errors use Presidio's body {"error": "message"} with the status toError
// chooses. docs/proxy.md lists which request fields are honoured.

// presidioNames maps Obscura's entity types to Presidio's names. Types
// Presidio has no name for keep Obscura's (MISC, CUSTOM,
// MEDICAL_RECORD_NUMBER). ADDRESS is reported as LOCATION, which is what
// Presidio calls a street address; NPI, an identifier of a licensed
// provider, as MEDICAL_LICENSE.
var presidioNames = map[string]string{
	redact.TypePerson:       "PERSON",
	redact.TypeLocation:     "LOCATION",
	redact.TypeAddress:      "LOCATION",
	redact.TypeOrganization: "ORGANIZATION",
	redact.TypeMisc:         "MISC",
	redact.TypeSSN:          "US_SSN",
	redact.TypePhone:        "PHONE_NUMBER",
	redact.TypeEmail:        "EMAIL_ADDRESS",
	redact.TypeMRN:          "MEDICAL_RECORD_NUMBER",
	redact.TypeNPI:          "MEDICAL_LICENSE",
	redact.TypeCreditCard:   "CREDIT_CARD",
	redact.TypeIBAN:         "IBAN_CODE",
	redact.TypeIP:           "IP_ADDRESS",
	redact.TypeURL:          "URL",
	redact.TypeDate:         "DATE_TIME",
	redact.TypeCustom:       "CUSTOM",
}

// presidioName is Presidio's name for an Obscura type.
func presidioName(t string) string {
	if n, ok := presidioNames[t]; ok {
		return n
	}
	return t
}

// presidioLanguages are the languages /analyze accepts.
var presidioLanguages = map[string]bool{"en": true}

// typeLister is implemented by engines that know their enabled types
// (*redact.Engine).
type typeLister interface{ Types() []string }

// servedTypes are the Obscura types the served model can report.
func servedTypes(r Redactor) []string {
	if tl, ok := r.(typeLister); ok {
		return tl.Types()
	}
	return redact.BuiltinTypes
}

// AnalyzeRequest is the body of POST /analyze (Presidio analyzer).
type AnalyzeRequest struct {
	Text                  json.RawMessage `json:"text"` // a string, or an array of strings (batch)
	Language              string          `json:"language"`
	Entities              []string        `json:"entities,omitempty"`
	ScoreThreshold        *float64        `json:"score_threshold,omitempty"`
	ReturnDecisionProcess bool            `json:"return_decision_process,omitempty"`
	AllowList             []string        `json:"allow_list,omitempty"`
	// Accepted and ignored (listed in X-Obscura-Ignored-Fields when given).
	CorrelationID    string          `json:"correlation_id,omitempty"`
	AdHocRecognizers json.RawMessage `json:"ad_hoc_recognizers,omitempty"`
	Context          json.RawMessage `json:"context,omitempty"`
	AllowListMatch   string          `json:"allow_list_match,omitempty"`
	RegexFlags       json.RawMessage `json:"regex_flags,omitempty"`
	Trace            json.RawMessage `json:"trace,omitempty"`
}

// RecognizerResult is one entity in an /analyze answer. Fields are in
// Presidio's (sorted) order; offsets count code points.
type RecognizerResult struct {
	AnalysisExplanation *AnalysisExplanation `json:"analysis_explanation"`
	End                 int                  `json:"end"`
	EntityType          string               `json:"entity_type"`
	Score               float64              `json:"score"`
	Start               int                  `json:"start"`
}

// AnalysisExplanation answers return_decision_process.
type AnalysisExplanation struct {
	Recognizer              string   `json:"recognizer"`
	PatternName             *string  `json:"pattern_name"`
	Pattern                 *string  `json:"pattern"`
	OriginalScore           float64  `json:"original_score"`
	Score                   float64  `json:"score"`
	TextualExplanation      string   `json:"textual_explanation"`
	ScoreContextImprovement float64  `json:"score_context_improvement"`
	SupportiveContextWord   string   `json:"supportive_context_word"`
	ValidationResult        *float64 `json:"validation_result"`
}

// IgnoredFieldsHeader lists the Presidio request fields that were given
// but have no effect here.
const IgnoredFieldsHeader = "X-Obscura-Ignored-Fields"

// UnsupportedEntitiesHeader lists requested entity names this server
// cannot detect (they are skipped, as Presidio skips them).
const UnsupportedEntitiesHeader = "X-Obscura-Unsupported-Entities"

var entityName = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,63}$`)

// presidioError writes err as Presidio's {"error": message}, with the
// status and logging of toError.
func (s *Server) presidioError(c echo.Context, err error) error {
	if c.Response().Committed {
		return err
	}
	de, internal := toError(err)
	if internal {
		s.log.Error("internal error", "request_id", requestID(c), "route", s.routeOf(c), "err", err.Error())
	}
	c.Set(ctxErrorCode, de.Code)
	if de.RetryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(de.RetryAfter))
	}
	return c.JSON(de.Status, map[string]string{"error": de.Message})
}

func (s *Server) handleAnalyze(c echo.Context) error {
	out, err := s.analyze(c)
	if err != nil {
		return s.presidioError(c, err)
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) analyze(c echo.Context) (any, error) {
	m := s.model.Load()
	if m == nil || !s.ready.Load() {
		return nil, &Error{Status: http.StatusServiceUnavailable, Code: CodeNotReady,
			Message: "the model is still loading", RetryAfter: retryAfterNotReady}
	}
	var req AnalyzeRequest
	if err := decodeJSON(c, &req); err != nil {
		return nil, err
	}
	var texts []string
	batch := false
	switch jsonFirst(req.Text) {
	case '"':
		var t string
		if err := json.Unmarshal(req.Text, &t); err != nil {
			return nil, badRequest(CodeBadJSON, "text must be a string or an array of strings")
		}
		texts = []string{t}
	case '[':
		if err := json.Unmarshal(req.Text, &texts); err != nil {
			return nil, badRequest(CodeBadJSON, "text must be a string or an array of strings")
		}
		if len(texts) > s.cfg.MaxBatch {
			return nil, badRequest(CodeInvalidOption, "text holds more than "+strconv.Itoa(s.cfg.MaxBatch)+" items")
		}
		batch = true
	default:
		return nil, badRequest(CodeMissingText, "the request needs text")
	}
	if req.Language == "" {
		return nil, badRequest(CodeInvalidOption, "the request needs language (en)")
	}
	if !presidioLanguages[req.Language] {
		return nil, badRequest(CodeInvalidOption, "language must be en")
	}
	if t := req.ScoreThreshold; t != nil && (*t < 0 || *t > 1) {
		return nil, badRequest(CodeInvalidOption, "score_threshold must be in [0, 1]")
	}
	s.noteIgnored(c, req)

	// The requested Presidio names, as Obscura types.
	types := servedTypes(m.Redactor)
	var want map[string]bool
	if req.Entities != nil {
		want = map[string]bool{}
		var unsupported []string
		for _, name := range req.Entities {
			found := false
			for _, t := range types {
				if presidioName(t) == name {
					want[t] = true
					found = true
				}
			}
			if !found {
				if entityName.MatchString(name) {
					unsupported = append(unsupported, name)
				} else {
					unsupported = append(unsupported, "(invalid name)")
				}
			}
		}
		if len(unsupported) > 0 {
			c.Response().Header().Set(UnsupportedEntitiesHeader, strings.Join(unsupported, ","))
		}
	}
	opts := redact.Options{Allow: req.AllowList}
	for t := range want {
		opts.Entities = append(opts.Entities, t)
	}
	sort.Strings(opts.Entities)

	ctx, cancel := context.WithTimeout(c.Request().Context(), s.cfg.RequestTimeout)
	defer cancel()
	results := make([][]RecognizerResult, len(texts))
	for i, text := range texts {
		results[i] = []RecognizerResult{}
		if text == "" || (want != nil && len(want) == 0) {
			continue // Presidio answers [] for these
		}
		res, err := s.redactOne(ctx, m.Redactor, text, opts)
		if err != nil {
			return nil, err
		}
		s.metrics.observeRedact(res)
		runes := runeIndex(text)
		for _, e := range res.Entities {
			if e.Type == redact.TypeToken || (want != nil && !want[e.Type]) {
				continue
			}
			if req.ScoreThreshold != nil && e.Score < *req.ScoreThreshold {
				continue
			}
			r := RecognizerResult{EntityType: presidioName(e.Type), Start: runes(e.Start), End: runes(e.End), Score: e.Score}
			if req.ReturnDecisionProcess {
				r.AnalysisExplanation = explain(e)
			}
			results[i] = append(results[i], r)
		}
	}
	if batch {
		return results, nil
	}
	return results[0], nil
}

// explain is the decision process of one entity, as far as Obscura has
// one: which detector found it and with what score.
func explain(e redact.Entity) *AnalysisExplanation {
	rec := map[string]string{
		redact.SourceNER:        "ObscuraNERRecognizer",
		redact.SourceRegex:      "ObscuraPatternRecognizer",
		redact.SourceDictionary: "ObscuraDenyListRecognizer",
	}[e.Source]
	if rec == "" {
		rec = "ObscuraRecognizer"
	}
	return &AnalysisExplanation{
		Recognizer:         rec,
		OriginalScore:      e.Score,
		Score:              e.Score,
		TextualExplanation: "Identified as " + e.Type + " by Obscura's " + e.Source + " detector",
	}
}

// noteIgnored lists the given fields that have no effect.
func (s *Server) noteIgnored(c echo.Context, req AnalyzeRequest) {
	var ig []string
	if req.CorrelationID != "" {
		ig = append(ig, "correlation_id")
	}
	for name, raw := range map[string]json.RawMessage{"ad_hoc_recognizers": req.AdHocRecognizers, "context": req.Context,
		"regex_flags": req.RegexFlags, "trace": req.Trace} {
		if len(raw) > 0 && string(raw) != "null" {
			ig = append(ig, name)
		}
	}
	if req.AllowListMatch != "" && req.AllowListMatch != "exact" {
		ig = append(ig, "allow_list_match")
	}
	sort.Strings(ig)
	if len(ig) > 0 {
		c.Response().Header().Set(IgnoredFieldsHeader, strings.Join(ig, ","))
	}
}

func jsonFirst(raw json.RawMessage) byte {
	for _, b := range raw {
		if b != ' ' && b != '\t' && b != '\r' && b != '\n' {
			return b
		}
	}
	return 0
}

// runeIndex returns a function from byte offsets of text (at character
// boundaries) to code-point offsets.
func runeIndex(text string) func(int) int {
	idx := make([]int, len(text)+1)
	n := 0
	for i := range text { // i walks the code points' first bytes
		idx[i] = n
		n++
	}
	idx[len(text)] = n
	return func(b int) int { return idx[b] }
}

// byteOffsets returns the byte offset of each code point of text, plus
// len(text) at the end: element i is where code point i starts.
func byteOffsets(text string) []int {
	out := make([]int, 0, len(text)+1)
	for i := range text {
		out = append(out, i)
	}
	return append(out, len(text))
}

// AnonymizeRequest is the body of POST /anonymize (Presidio anonymizer).
type AnonymizeRequest struct {
	Text            *string                   `json:"text"`
	Anonymizers     map[string]OperatorConfig `json:"anonymizers,omitempty"`
	AnalyzerResults []AnalyzerResultIn        `json:"analyzer_results"`
}

// OperatorConfig is one anonymizer: replace, redact, mask, hash or keep.
type OperatorConfig struct {
	Type        string  `json:"type"`
	NewValue    *string `json:"new_value,omitempty"`
	MaskingChar string  `json:"masking_char,omitempty"`
	CharsToMask *int    `json:"chars_to_mask,omitempty"`
	FromEnd     bool    `json:"from_end,omitempty"`
	HashType    string  `json:"hash_type,omitempty"`
	Key         string  `json:"key,omitempty"` // encrypt's; read only to refuse encrypt clearly
}

// AnalyzerResultIn is one detection given to /anonymize.
type AnalyzerResultIn struct {
	Start      int     `json:"start"`
	End        int     `json:"end"`
	Score      float64 `json:"score"`
	EntityType string  `json:"entity_type"`
	// Accepted as /analyze gives it; not used.
	AnalysisExplanation json.RawMessage `json:"analysis_explanation,omitempty"`
	RecognitionMetadata json.RawMessage `json:"recognition_metadata,omitempty"`
}

// AnonymizeResponse is the answer of /anonymize: the new text and one item
// per replaced span, with code-point offsets in the new text, last first
// (as Presidio lists them).
type AnonymizeResponse struct {
	Text  string          `json:"text"`
	Items []AnonymizeItem `json:"items"`
}

// AnonymizeItem is one replaced span.
type AnonymizeItem struct {
	Operator   string `json:"operator"`
	EntityType string `json:"entity_type"`
	Start      int    `json:"start"`
	End        int    `json:"end"`
	Text       string `json:"text"`
}

// Presidio answers parameter errors with 422.
func unprocessable(msg string) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: CodeInvalidOption, Message: msg}
}

func (s *Server) handleAnonymize(c echo.Context) error {
	var req AnonymizeRequest
	if err := decodeJSON(c, &req); err != nil {
		return s.presidioError(c, err)
	}
	out, err := anonymize(req)
	if err != nil {
		return s.presidioError(c, err)
	}
	return c.JSON(http.StatusOK, out)
}

// anonymize applies the operators to the spans, resolving overlaps the way
// Presidio does: spans of one type that overlap merge; otherwise the
// higher score wins (then the longer span, then the earlier one).
func anonymize(req AnonymizeRequest) (*AnonymizeResponse, error) {
	if req.Text == nil {
		return nil, unprocessable("Invalid input, text can not be empty")
	}
	text := *req.Text
	for k, op := range req.Anonymizers {
		if err := checkOperator(op); err != nil {
			if entityName.MatchString(k) {
				return nil, unprocessable("anonymizers." + k + ": " + err.Error())
			}
			return nil, unprocessable("anonymizers: " + err.Error())
		}
	}
	offs := byteOffsets(text)
	nr := len(offs) - 1
	spans := make([]AnalyzerResultIn, 0, len(req.AnalyzerResults))
	for i, r := range req.AnalyzerResults {
		if r.Start < 0 || r.End < r.Start || r.End > nr {
			return nil, unprocessable("analyzer_results[" + strconv.Itoa(i) + "] has start/end outside the text (" + strconv.Itoa(nr) + " characters)")
		}
		if r.EntityType == "" {
			return nil, unprocessable("analyzer_results[" + strconv.Itoa(i) + "] has no entity_type")
		}
		spans = append(spans, r)
	}
	spans = resolveOverlaps(spans)

	var b strings.Builder
	type placed struct {
		item         AnonymizeItem
		startB, endB int // byte offsets in the new text
	}
	var items []placed
	at := 0
	for _, sp := range spans {
		sb, eb := offs[sp.Start], offs[sp.End]
		b.WriteString(text[at:sb])
		op, ok := req.Anonymizers[sp.EntityType]
		if !ok {
			op, ok = req.Anonymizers["DEFAULT"]
		}
		if !ok {
			op = OperatorConfig{Type: "replace"}
		}
		v := applyOperator(op, sp.EntityType, text[sb:eb])
		start := b.Len()
		b.WriteString(v)
		items = append(items, placed{item: AnonymizeItem{Operator: op.Type, EntityType: sp.EntityType, Text: v}, startB: start, endB: b.Len()})
		at = eb
	}
	b.WriteString(text[at:])
	out := &AnonymizeResponse{Text: b.String(), Items: make([]AnonymizeItem, 0, len(items))}
	runes := runeIndex(out.Text)
	for i := len(items) - 1; i >= 0; i-- {
		it := items[i].item
		it.Start, it.End = runes(items[i].startB), runes(items[i].endB)
		out.Items = append(out.Items, it)
	}
	return out, nil
}

func resolveOverlaps(spans []AnalyzerResultIn) []AnalyzerResultIn {
	sort.SliceStable(spans, func(i, j int) bool {
		if spans[i].Start != spans[j].Start {
			return spans[i].Start < spans[j].Start
		}
		return spans[i].End > spans[j].End
	})
	var out []AnalyzerResultIn
	for _, sp := range spans {
		if len(out) == 0 {
			out = append(out, sp)
			continue
		}
		last := &out[len(out)-1]
		if sp.Start >= last.End && !(sp.Start == sp.End && sp.Start == last.End && last.Start == last.End) {
			out = append(out, sp)
			continue
		}
		switch {
		case sp.EntityType == last.EntityType:
			last.End = max(last.End, sp.End)
			last.Score = max(last.Score, sp.Score)
		case sp.Score > last.Score || (sp.Score == last.Score && sp.End-sp.Start > last.End-last.Start):
			*last = sp
		}
	}
	return out
}

func checkOperator(op OperatorConfig) error {
	switch op.Type {
	case "replace", "redact", "keep":
	case "mask":
		if utf8.RuneCountInString(op.MaskingChar) != 1 {
			return errText("masking_char must be one character")
		}
		if op.CharsToMask == nil || *op.CharsToMask < 0 {
			return errText("chars_to_mask must be a number >= 0")
		}
	case "hash":
		switch op.HashType {
		case "", "sha256", "sha512", "md5":
		default:
			return errText("hash_type must be sha256, sha512 or md5")
		}
	case "encrypt":
		return errText("the encrypt operator is not supported (Obscura's reversible form is /v1/redact)")
	default:
		return errText("type must be replace, redact, mask, hash or keep")
	}
	return nil
}

type errText string

func (e errText) Error() string { return string(e) }

func applyOperator(op OperatorConfig, entity, value string) string {
	switch op.Type {
	case "redact":
		return ""
	case "keep":
		return value
	case "mask":
		r := []rune(value)
		n := min(*op.CharsToMask, len(r))
		mc := []rune(op.MaskingChar)[0]
		if op.FromEnd {
			for i := len(r) - n; i < len(r); i++ {
				r[i] = mc
			}
		} else {
			for i := 0; i < n; i++ {
				r[i] = mc
			}
		}
		return string(r)
	case "hash":
		var h hash.Hash
		switch op.HashType {
		case "sha512":
			h = sha512.New()
		case "md5":
			h = md5.New()
		default:
			h = sha256.New()
		}
		h.Write([]byte(value))
		return hex.EncodeToString(h.Sum(nil))
	}
	if op.NewValue != nil {
		return *op.NewValue
	}
	return "<" + entity + ">"
}

// handleSupportedEntities answers GET /supportedentities?language=en with
// the Presidio names of the served types.
func (s *Server) handleSupportedEntities(c echo.Context) error {
	if l := c.QueryParam("language"); l != "" && !presidioLanguages[l] {
		return s.presidioError(c, badRequest(CodeInvalidOption, "language must be en"))
	}
	m := s.model.Load()
	if m == nil || !s.ready.Load() {
		return s.presidioError(c, &Error{Status: http.StatusServiceUnavailable, Code: CodeNotReady,
			Message: "the model is still loading", RetryAfter: retryAfterNotReady})
	}
	seen := map[string]bool{}
	names := []string{}
	for _, t := range servedTypes(m.Redactor) {
		if t == redact.TypeToken {
			continue
		}
		if n := presidioName(t); !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return c.JSON(http.StatusOK, names)
}

// handleHealth is Presidio's liveness probe: plain text, 200.
func (s *Server) handleHealth(c echo.Context) error {
	return c.String(http.StatusOK, "Obscura (Presidio-compatible) service is up")
}
