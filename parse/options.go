package parse

import (
	"fmt"
	"strconv"
	"strings"
)

// DefaultMaxBytes is the default limit on the float32 data of one Dataset and on
// any decompressed file: 1 GiB, a quarter of what a wasm32 page can address.
const DefaultMaxBytes = 1 << 30

// Options steer Load. The zero value means "detect everything". Every one-click
// fix of the banner is one field here; a Diagnostic's Action names it as
// "key=value" (the key is the field's JSON name) and Options.Apply sets it.
type Options struct {
	// MetadataHeader overrides the TensorBoard header rule for the metadata file:
	// "" applies the rule (one column: no header; several: first line is the header),
	// "yes" treats the first line as a header, "no" treats it as data.
	// Actions: "metadataHeader=yes", "metadataHeader=no".
	MetadataHeader string `json:"metadataHeader,omitempty"`
	// DropTensorRows drops that many leading vectors (after any header line Load removed itself).
	// Action: "dropTensorRows=1".
	DropTensorRows int `json:"dropTensorRows,omitempty"`
	// DropMetadataRows drops that many leading metadata rows (after the header).
	// Action: "dropMetadataRows=1".
	DropMetadataRows int `json:"dropMetadataRows,omitempty"`
	// DropTensorColumns says the first K fields of each text tensor row are labels or an
	// index, not dimensions. Action: "dropTensorColumns=1".
	DropTensorColumns int `json:"dropTensorColumns,omitempty"`
	// FirstN keeps only the first N points of the tensor and the metadata (0 = all).
	// Action: "firstN=150".
	FirstN int `json:"firstN,omitempty"`
	// SkipNonFinite drops points holding NaN or ±Inf (and their metadata rows).
	// Action: "skipNonFinite=true".
	SkipNonFinite bool `json:"skipNonFinite,omitempty"`
	// SkipZero drops all-zero points (and their metadata rows). Action: "skipZero=true".
	SkipZero bool `json:"skipZero,omitempty"`
	// Swap exchanges the tensor and metadata roles Load chose. Action: "swap=true".
	Swap bool `json:"swap,omitempty"`
	// Embedding picks the embedding of a config that lists several (0-based).
	// Action: "embedding=2".
	Embedding int `json:"embedding,omitempty"`
	// Shape is [N, D] for a raw .bytes tensor (or a 1-D .npy); text tensors ignore it. Zero values are inferred
	// (D alone gives N = size / (D × element size)). Action: "shape=1797,64".
	Shape [2]int `json:"shape,omitempty"`
	// Dtype is the element type of a raw .bytes tensor: "" or "float32", "float64", "float16".
	// Action: "dtype=float64".
	Dtype string `json:"dtype,omitempty"`
	// Delimiter forces the field separator of a text tensor: "" (sniff), "tab", "comma",
	// "semicolon", "space". Action: "delimiter=comma".
	Delimiter string `json:"delimiter,omitempty"`
	// Tensor and Metadata force the roles of files by File.Name (after unpacking) when
	// no config is given; with a config, its paths decide.
	Tensor   string `json:"tensor,omitempty"`
	Metadata string `json:"metadata,omitempty"`
	// MaxBytes bounds the float32 data of the Dataset and every decompressed file
	// (0 = DefaultMaxBytes).
	MaxBytes int64 `json:"maxBytes,omitempty"`
}

func (o Options) maxBytes() int64 {
	if o.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return o.MaxBytes
}

// Apply returns o with one Diagnostic.Action ("key=value") applied. It returns an
// error wrapping the action text when the key or value is not understood.
func (o Options) Apply(action string) (Options, error) {
	key, val, ok := strings.Cut(action, "=")
	if !ok {
		return o, fmt.Errorf("parse: action %q is not key=value", action)
	}
	atoi := func() (int, error) {
		n, err := strconv.Atoi(val)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("parse: action %q: want a non-negative integer", action)
		}
		return n, nil
	}
	atob := func() (bool, error) {
		b, err := strconv.ParseBool(val)
		if err != nil {
			return false, fmt.Errorf("parse: action %q: want true or false", action)
		}
		return b, nil
	}
	var err error
	switch key {
	case "metadataHeader":
		if val != "yes" && val != "no" && val != "" {
			return o, fmt.Errorf("parse: action %q: want yes or no", action)
		}
		o.MetadataHeader = val
	case "dropTensorRows":
		o.DropTensorRows, err = atoi()
	case "dropMetadataRows":
		o.DropMetadataRows, err = atoi()
	case "dropTensorColumns":
		o.DropTensorColumns, err = atoi()
	case "firstN":
		o.FirstN, err = atoi()
	case "skipNonFinite":
		o.SkipNonFinite, err = atob()
	case "skipZero":
		o.SkipZero, err = atob()
	case "swap":
		o.Swap, err = atob()
	case "embedding":
		o.Embedding, err = atoi()
	case "shape":
		a, b, ok := strings.Cut(val, ",")
		n, err1 := strconv.Atoi(a)
		d, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil || n < 0 || d < 0 {
			return o, fmt.Errorf("parse: action %q: want shape=N,D", action)
		}
		o.Shape = [2]int{n, d}
	case "dtype":
		switch val {
		case "", "float32", "float64", "float16":
			o.Dtype = val
		default:
			return o, fmt.Errorf("parse: action %q: unknown dtype", action)
		}
	case "delimiter":
		if _, ok := delimiterByName[val]; !ok && val != "" {
			return o, fmt.Errorf("parse: action %q: unknown delimiter", action)
		}
		o.Delimiter = val
	default:
		return o, fmt.Errorf("parse: action %q: unknown key", action)
	}
	return o, err
}

// delimiterByName maps Options.Delimiter names to separator bytes (' ' = runs of blanks).
var delimiterByName = map[string]byte{"tab": '\t', "comma": ',', "semicolon": ';', "space": ' '}

func delimiterName(c byte) string {
	switch c {
	case '\t':
		return "tab"
	case ',':
		return "comma"
	case ';':
		return "semicolon"
	case ' ':
		return "space"
	}
	return ""
}
