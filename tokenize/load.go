package tokenize

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrUnsupported is wrapped by the errors Load and LoadFile return for a
// tokenizer component this package does not implement (another normalizer,
// pre-tokenizer, model or post-processor, or an added-token option). The
// error message names the component.
var ErrUnsupported = errors.New("tokenize: unsupported tokenizer component")

// defaultMaxLen is the sequence length used when the model directory does
// not state one (BERT's position-embedding count).
const defaultMaxLen = 512

// hfUnboundedLen is the value transformers writes for model_max_length when
// a tokenizer has no limit (int(1e30) rounds to a huge value); anything this
// large means "not stated".
const hfUnboundedLen = 1 << 40

// tokenizerJSON is the subset of Hugging Face's tokenizer.json that a BERT
// WordPiece tokenizer uses.
type tokenizerJSON struct {
	AddedTokens   []addedTokenJSON `json:"added_tokens"`
	Normalizer    json.RawMessage  `json:"normalizer"`
	PreTokenizer  json.RawMessage  `json:"pre_tokenizer"`
	PostProcessor json.RawMessage  `json:"post_processor"`
	Model         struct {
		Type                    string           `json:"type"`
		UnkToken                string           `json:"unk_token"`
		ContinuingSubwordPrefix *string          `json:"continuing_subword_prefix"`
		MaxInputCharsPerWord    *int             `json:"max_input_chars_per_word"`
		Vocab                   map[string]int32 `json:"vocab"`
	} `json:"model"`
}

type addedTokenJSON struct {
	ID         int32  `json:"id"`
	Content    string `json:"content"`
	SingleWord bool   `json:"single_word"`
	LStrip     bool   `json:"lstrip"`
	RStrip     bool   `json:"rstrip"`
	Normalized bool   `json:"normalized"`
	Special    bool   `json:"special"`
}

type typed struct {
	Type string `json:"type"`
}

type bertNormalizerJSON struct {
	CleanText          *bool `json:"clean_text"`
	HandleChineseChars *bool `json:"handle_chinese_chars"`
	StripAccents       *bool `json:"strip_accents"`
	Lowercase          *bool `json:"lowercase"`
}

type templateJSON struct {
	Single []struct {
		SpecialToken *struct {
			ID string `json:"id"`
		} `json:"SpecialToken"`
		Sequence *struct {
			ID string `json:"id"`
		} `json:"Sequence"`
	} `json:"single"`
	SpecialTokens map[string]struct {
		IDs []int32 `json:"ids"`
	} `json:"special_tokens"`
}

type bertProcessingJSON struct {
	Sep [2]json.RawMessage `json:"sep"`
	Cls [2]json.RawMessage `json:"cls"`
}

// Load reads the tokenizer of a model directory: tokenizer.json if present,
// otherwise vocab.txt with tokenizer_config.json (the slow BertTokenizer
// layout, converted the way transformers converts it). model_max_length in
// tokenizer_config.json, when present, sets MaxLen.
func Load(dir string) (*Tokenizer, error) {
	cfg, err := readTokenizerConfig(filepath.Join(dir, "tokenizer_config.json"))
	if err != nil {
		return nil, err
	}
	var t *Tokenizer
	tj := filepath.Join(dir, "tokenizer.json")
	if _, statErr := os.Stat(tj); statErr == nil {
		t, err = LoadFile(tj)
	} else {
		t, err = loadVocabTxt(filepath.Join(dir, "vocab.txt"), cfg)
	}
	if err != nil {
		return nil, err
	}
	if cfg != nil && cfg.ModelMaxLength != nil && *cfg.ModelMaxLength > 0 && *cfg.ModelMaxLength < hfUnboundedLen {
		t.maxLen = int(*cfg.ModelMaxLength)
	}
	return t, nil
}

// LoadFile reads a Hugging Face tokenizer.json. Only the components of a
// BERT WordPiece tokenizer are accepted; anything else is refused with an
// error wrapping ErrUnsupported that names it. Truncation and padding
// settings in the file are ignored: Encode never truncates, and
// EncodeWindows splits long text instead.
func LoadFile(tokenizerJSONPath string) (*Tokenizer, error) {
	data, err := os.ReadFile(tokenizerJSONPath)
	if err != nil {
		return nil, fmt.Errorf("tokenize: %w", err)
	}
	var tj tokenizerJSON
	if err := json.Unmarshal(data, &tj); err != nil {
		return nil, fmt.Errorf("tokenize: parse %s: %w", filepath.Base(tokenizerJSONPath), err)
	}
	return fromJSON(&tj)
}

func fromJSON(tj *tokenizerJSON) (*Tokenizer, error) {
	if tj.Model.Type != "WordPiece" {
		return nil, fmt.Errorf("%w: model %s (only WordPiece)", ErrUnsupported, orNone(tj.Model.Type))
	}
	norm, err := parseNormalizer(tj.Normalizer)
	if err != nil {
		return nil, err
	}
	var pre typed
	if !isNull(tj.PreTokenizer) {
		if err := json.Unmarshal(tj.PreTokenizer, &pre); err != nil {
			return nil, fmt.Errorf("tokenize: pre_tokenizer: %w", err)
		}
	}
	if pre.Type != "BertPreTokenizer" {
		return nil, fmt.Errorf("%w: pre_tokenizer %s (only BertPreTokenizer)", ErrUnsupported, orNone(pre.Type))
	}
	prefix := "##"
	if tj.Model.ContinuingSubwordPrefix != nil {
		prefix = *tj.Model.ContinuingSubwordPrefix
	}
	maxChars := 100
	if tj.Model.MaxInputCharsPerWord != nil {
		maxChars = *tj.Model.MaxInputCharsPerWord
	}
	unk := tj.Model.UnkToken
	if unk == "" {
		unk = "[UNK]"
	}
	t, err := newTokenizer(tj.Model.Vocab, unk, prefix, maxChars, norm)
	if err != nil {
		return nil, err
	}
	for _, a := range tj.AddedTokens {
		if err := t.addToken(a); err != nil {
			return nil, err
		}
	}
	if err := t.parsePostProcessor(tj.PostProcessor); err != nil {
		return nil, err
	}
	t.finish()
	return t, nil
}

func parseNormalizer(raw json.RawMessage) (normalizer, error) {
	if isNull(raw) {
		return normalizer{}, nil
	}
	var ty typed
	if err := json.Unmarshal(raw, &ty); err != nil {
		return normalizer{}, fmt.Errorf("tokenize: normalizer: %w", err)
	}
	if ty.Type != "BertNormalizer" {
		return normalizer{}, fmt.Errorf("%w: normalizer %s (only BertNormalizer)", ErrUnsupported, orNone(ty.Type))
	}
	var b bertNormalizerJSON
	if err := json.Unmarshal(raw, &b); err != nil {
		return normalizer{}, fmt.Errorf("tokenize: normalizer: %w", err)
	}
	// Defaults are those of the Rust library's BertNormalizer.
	n := normalizer{cleanText: true, handleCJK: true, lowercase: true}
	if b.CleanText != nil {
		n.cleanText = *b.CleanText
	}
	if b.HandleChineseChars != nil {
		n.handleCJK = *b.HandleChineseChars
	}
	if b.Lowercase != nil {
		n.lowercase = *b.Lowercase
	}
	// strip_accents: null means "follow lowercase".
	n.stripAccents = n.lowercase
	if b.StripAccents != nil {
		n.stripAccents = *b.StripAccents
	}
	return n, nil
}

func (t *Tokenizer) parsePostProcessor(raw json.RawMessage) error {
	if isNull(raw) {
		return nil // no special tokens around the sequence
	}
	var ty typed
	if err := json.Unmarshal(raw, &ty); err != nil {
		return fmt.Errorf("tokenize: post_processor: %w", err)
	}
	switch ty.Type {
	case "TemplateProcessing":
		var tp templateJSON
		if err := json.Unmarshal(raw, &tp); err != nil {
			return fmt.Errorf("tokenize: post_processor: %w", err)
		}
		seen := false
		for _, it := range tp.Single {
			switch {
			case it.Sequence != nil:
				if seen || it.Sequence.ID != "A" {
					return fmt.Errorf("%w: post_processor TemplateProcessing with single template other than specials, $A, specials", ErrUnsupported)
				}
				seen = true
			case it.SpecialToken != nil:
				st, ok := tp.SpecialTokens[it.SpecialToken.ID]
				if !ok {
					return fmt.Errorf("tokenize: post_processor: special token %q is not defined", it.SpecialToken.ID)
				}
				if seen {
					t.tail = append(t.tail, st.IDs...)
				} else {
					t.head = append(t.head, st.IDs...)
				}
			default:
				return fmt.Errorf("%w: post_processor TemplateProcessing item", ErrUnsupported)
			}
		}
		if !seen {
			return fmt.Errorf("%w: post_processor TemplateProcessing without $A", ErrUnsupported)
		}
		return nil
	case "BertProcessing":
		var bp bertProcessingJSON
		if err := json.Unmarshal(raw, &bp); err != nil {
			return fmt.Errorf("tokenize: post_processor: %w", err)
		}
		var cls, sep int32
		if err := json.Unmarshal(bp.Cls[1], &cls); err != nil {
			return fmt.Errorf("tokenize: post_processor cls: %w", err)
		}
		if err := json.Unmarshal(bp.Sep[1], &sep); err != nil {
			return fmt.Errorf("tokenize: post_processor sep: %w", err)
		}
		t.head = []int32{cls}
		t.tail = []int32{sep}
		return nil
	default:
		return fmt.Errorf("%w: post_processor %s (only TemplateProcessing and BertProcessing)", ErrUnsupported, orNone(ty.Type))
	}
}

// tokenizerConfig is the subset of tokenizer_config.json the vocab.txt
// fallback and MaxLen use.
type tokenizerConfig struct {
	DoLowerCase          *bool    `json:"do_lower_case"`
	StripAccents         *bool    `json:"strip_accents"`
	TokenizeChineseChars *bool    `json:"tokenize_chinese_chars"`
	UnkToken             any      `json:"unk_token"`
	ClsToken             any      `json:"cls_token"`
	SepToken             any      `json:"sep_token"`
	PadToken             any      `json:"pad_token"`
	MaskToken            any      `json:"mask_token"`
	TokenizerClass       string   `json:"tokenizer_class"`
	ModelMaxLength       *float64 `json:"model_max_length"`
	AddedTokensDecoder   map[string]struct {
		Content    string `json:"content"`
		SingleWord bool   `json:"single_word"`
		LStrip     bool   `json:"lstrip"`
		RStrip     bool   `json:"rstrip"`
		Normalized bool   `json:"normalized"`
		Special    bool   `json:"special"`
	} `json:"added_tokens_decoder"`
}

// readTokenizerConfig returns nil, nil when the file does not exist.
func readTokenizerConfig(path string) (*tokenizerConfig, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tokenize: %w", err)
	}
	var c tokenizerConfig
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("tokenize: parse tokenizer_config.json: %w", err)
	}
	return &c, nil
}

// tokenName reads a special-token entry of tokenizer_config.json: a string,
// or an AddedToken object with a "content" field.
func tokenName(v any, def string) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if s, ok := x["content"].(string); ok {
			return s
		}
	}
	return def
}

// loadVocabTxt builds the tokenizer transformers' BertConverter would build
// from a slow BertTokenizer: BertNormalizer(clean_text=true,
// handle_chinese_chars=tokenize_chinese_chars, strip_accents,
// lowercase=do_lower_case), BertPreTokenizer, WordPiece("##", 100 chars),
// and [CLS] $A [SEP].
func loadVocabTxt(path string, cfg *tokenizerConfig) (*Tokenizer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tokenize: no tokenizer.json and %w", err)
	}
	defer f.Close()
	vocab := map[string]int32{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	var n int32
	for sc.Scan() {
		tok := strings.TrimRight(sc.Text(), "\r")
		if _, dup := vocab[tok]; !dup {
			vocab[tok] = n
		}
		n++
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("tokenize: read vocab.txt: %w", err)
	}
	if cfg == nil {
		cfg = &tokenizerConfig{}
	}
	if cfg.TokenizerClass != "" && !strings.HasPrefix(cfg.TokenizerClass, "BertTokenizer") &&
		!strings.HasPrefix(cfg.TokenizerClass, "DistilBertTokenizer") {
		return nil, fmt.Errorf("%w: tokenizer_class %s with vocab.txt (only BertTokenizer)", ErrUnsupported, cfg.TokenizerClass)
	}
	norm := normalizer{cleanText: true, handleCJK: true, lowercase: true}
	if cfg.DoLowerCase != nil {
		norm.lowercase = *cfg.DoLowerCase
	}
	if cfg.TokenizeChineseChars != nil {
		norm.handleCJK = *cfg.TokenizeChineseChars
	}
	norm.stripAccents = norm.lowercase
	if cfg.StripAccents != nil {
		norm.stripAccents = *cfg.StripAccents
	}
	unk := tokenName(cfg.UnkToken, "[UNK]")
	t, err := newTokenizer(vocab, unk, "##", 100, norm)
	if err != nil {
		return nil, err
	}
	// The special tokens are added tokens that are matched in the raw text.
	specials := map[string]bool{}
	for _, name := range []string{
		unk,
		tokenName(cfg.SepToken, "[SEP]"),
		tokenName(cfg.PadToken, "[PAD]"),
		tokenName(cfg.ClsToken, "[CLS]"),
		tokenName(cfg.MaskToken, "[MASK]"),
	} {
		specials[name] = true
	}
	for _, a := range cfg.AddedTokensDecoder {
		id, ok := vocab[a.Content]
		if !ok {
			continue
		}
		if err := t.addToken(addedTokenJSON{ID: id, Content: a.Content, SingleWord: a.SingleWord, LStrip: a.LStrip,
			RStrip: a.RStrip, Normalized: a.Normalized, Special: a.Special}); err != nil {
			return nil, err
		}
		delete(specials, a.Content)
	}
	for name := range specials {
		if id, ok := vocab[name]; ok {
			if err := t.addToken(addedTokenJSON{ID: id, Content: name, Special: true}); err != nil {
				return nil, err
			}
		}
	}
	cls, okC := vocab[tokenName(cfg.ClsToken, "[CLS]")]
	sep, okS := vocab[tokenName(cfg.SepToken, "[SEP]")]
	if !okC || !okS {
		return nil, errors.New("tokenize: vocab.txt lacks the [CLS] or [SEP] token")
	}
	t.head = []int32{cls}
	t.tail = []int32{sep}
	t.finish()
	return t, nil
}

func isNull(raw json.RawMessage) bool {
	s := bytes.TrimSpace(raw)
	return len(s) == 0 || string(s) == "null"
}

func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}
