package redact

// Entity is one span of personal data found in a text.
type Entity struct {
	Type   string  `json:"type"`   // PERSON, SSN, EMAIL, ...
	Start  int     `json:"start"`  // byte offset, inclusive
	End    int     `json:"end"`    // byte offset, exclusive
	Score  float64 `json:"score"`  // detector confidence in [0,1]
	Source string  `json:"source"` // detector name: "ner", "regex", "dictionary"
	Token  string  `json:"token,omitempty"`
}

// Mapping maps each token in masked text to the original value:
// {"[PERSON_1]": "John Smith"}.
type Mapping map[string]string

// Mode selects which detectors run.
type Mode string

const (
	ModeFull Mode = "full" // model plus regex and dictionaries
	ModeFast Mode = "fast" // regex and dictionaries only
)

// Options are per-request settings. The zero value means the engine's
// defaults.
type Options struct {
	Entities  []string // entity types to redact; empty means all enabled types
	Mode      Mode
	Threshold float64 // NER confidence threshold; 0 means the bundle default
	// Thresholds are per-type NER thresholds (after the type map); they
	// override Threshold and the bundle's tuned per-type thresholds for
	// their types. nil means none.
	Thresholds  map[string]float64
	Epsilon     float64  // Laplace noise on logits; 0 or +Inf means off
	Aggregation string   // none|simple|first|average|max; "" means the default
	Allow       []string // terms never redacted
	Deny        []string // terms always redacted (dictionary detector)
	Mapping     Mapping  // mapping from earlier turns, for consistent tokens
	Seed        *uint64  // seeds the Laplace noise (reproducible evaluation); nil = crypto-seeded
}

// Timings are per-stage wall-clock durations of one Redact call, in ms.
type Timings struct {
	Tokenize float64 `json:"tokenize"`
	Infer    float64 `json:"infer"`
	Decode   float64 `json:"decode"`
	Regex    float64 `json:"regex"`
	Merge    float64 `json:"merge"`
	Mask     float64 `json:"mask"`
	Total    float64 `json:"total"`
}

// Result is the outcome of redacting one text.
type Result struct {
	MaskedText string   `json:"masked_text"`
	Mapping    Mapping  `json:"mapping"`
	Entities   []Entity `json:"entities"`
	Timings    Timings  `json:"timings_ms"`
}
