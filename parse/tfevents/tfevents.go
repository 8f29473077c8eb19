// Package tfevents scans TensorBoard event files (events.out.tfevents.*) for embeddings
// and their labels.
//
// An event file is a TFRecord stream (uint64 length, masked CRC32C of the length, data,
// masked CRC32C of the data) of Event protos; see TF-FORMATS.md §3. Scan walks it in
// bounded pieces from an io.ReaderAt, checks both checksums of every record, counts the
// scalars, images, histograms and graphs it passes, and keeps
//
//   - rank-2 floating-point tensor summaries (DT_FLOAT, DT_DOUBLE, DT_HALF, DT_BFLOAT16)
//     as embeddings: Tensor, Rows×Cols float32 row-major;
//   - string tensor summaries (tf.summary.text, plugin "text", or without plugin) of
//     shape [N] or [N, 1], or one string of several lines, as labels: Labels, N strings.
//
// Pair then matches embeddings with labels by row count. TensorBoard's projector never
// reads event files, so what is found here is something TensorBoard would not show.
//
// The package is pure Go (no cgo, no syscall/js) and decodes protobuf with
// google.golang.org/protobuf/encoding/protowire only. Bad input never panics or loops
// forever, and Scan allocates only in proportion to bytes the file really has: a
// record length is checked against what remains (a larger one is a truncation, not
// an allocation), shapes and counts against the bytes that hold the values (a
// one-value broadcast may not exceed the file's size), and one embedding against
// Options.MaxTensorBytes.
package tfevents

import "fmt"

// Severity of a Finding.
type Severity string

// The severities: an error means nothing in the file could be read; a warning means
// part of it was skipped or does not fit; info explains what was (not) found.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Info    Severity = "info"
)

// Finding is one thing Scan or Pair has to tell the user.
type Finding struct {
	Severity Severity `json:"severity"`
	// Code is stable, lower-case and hyphenated; Codes explains each one.
	Code string `json:"code"`
	// File is the name given to Scan ("" when the finding concerns several files).
	File string `json:"file,omitempty"`
	// Offset is the byte offset of the record concerned (-1 when none).
	Offset int64 `json:"offset"`
	// Msg says what happened in the user's terms, with the numbers.
	Msg string `json:"message"`
}

// String formats a finding for logs: "warning events-crc FILE@OFFSET: message".
func (f Finding) String() string {
	return fmt.Sprintf("%s %s %s@%d: %s", f.Severity, f.Code, f.File, f.Offset, f.Msg)
}

// Codes documents every Finding.Code: code → when it occurs.
var Codes = map[string]string{
	"events-not-tfrecord":         "error: the file is not a TFRecord stream (too short, or the first record's length checksum is wrong)",
	"events-read-error":           "error: reading the file failed; what was read before is kept",
	"events-crc":                  "warning: a record's data checksum is wrong (the record is skipped, scanning goes on) or a later length checksum is wrong (scanning stops there)",
	"events-truncated":            "warning: the file ends inside a record (a run still being written, or a cut copy); the records before are kept",
	"events-malformed":            "warning: a record is not a valid Event protobuf; it is skipped",
	"events-no-embedding":         "info: the file holds no rank-2 float tensor summary; says what it did hold (scalars, images, …)",
	"events-tensor-too-large":     "warning: an embedding needs more memory than Options.MaxTensorBytes (or a one-value broadcast would exceed the file's size); it is skipped",
	"events-dtype":                "warning: a rank-2 tensor summary has a dtype that is not float32/float64/float16/bfloat16 (e.g. int32); it is skipped",
	"events-tensor-shape":         "warning: a tensor's stored values do not match its shape (wrong byte count, wrong number of values, none at all, or an invalid dimension); it is skipped",
	"events-empty-tensor":         "info: a rank-2 tensor has a size-0 dimension; there is nothing to show",
	"events-labels-several-lines": "info: a text summary held one string of several lines; each line was taken as one label",
	"events-more":                 "info: more findings of one code were left out after the first few",
	"count-mismatch":              "warning: no text summary has as many rows as an embedding; names both numbers",
	"events-info-not-tensorboard": "info: TensorBoard's projector does not read event files; this embedding is something TensorBoard itself would not have shown",
}

// DefaultMaxTensorBytes is Options.MaxTensorBytes when it is 0: 512 MiB of float32.
const DefaultMaxTensorBytes = 512 << 20

// Options tune Scan. The zero value is ready to use.
type Options struct {
	// Progress, when set, is called now and then with the bytes scanned so far and the
	// file's size, and once at the end with done == total (unless reading failed).
	Progress func(done, total int64)
	// MaxTensorBytes bounds one embedding's decoded size in bytes (Rows×Cols×4) and the
	// size of a record that is read whole; 0 means DefaultMaxTensorBytes.
	MaxTensorBytes int64
	// AnyPlugin also takes tensors written by TensorBoard's own plugins (pr_curves,
	// histograms, scalars, …) as embeddings, and string tensors of any plugin but images
	// and audio as labels. Without it, embeddings come from tensors without a plugin or
	// with a plugin TensorBoard does not ship, and labels from plugin "text" or none.
	AnyPlugin bool
}

// Tensor is one rank-2 tensor summary: a candidate embedding.
type Tensor struct {
	Tag string `json:"tag"` // Summary.Value tag (or node_name when the tag is empty)
	// Plugin is the SummaryMetadata plugin name ("" when the value has none).
	Plugin   string  `json:"plugin,omitempty"`
	Step     int64   `json:"step"`
	WallTime float64 `json:"wallTime"` // seconds since the Unix epoch
	Rows     int     `json:"rows"`     // N, shape[0]
	Cols     int     `json:"cols"`     // D, shape[1]
	// DType is the stored type: "float32", "float64", "float16" or "bfloat16".
	DType string `json:"dtype"`
	// Values holds Rows×Cols float32, row-major (row i is Values[i*Cols:(i+1)*Cols]).
	Values []float32 `json:"-"`
	File   string    `json:"file"`
	Offset int64     `json:"offset"` // byte offset of the record in File
}

// Labels is one string tensor summary: a candidate label column.
type Labels struct {
	Tag      string   `json:"tag"`
	Plugin   string   `json:"plugin,omitempty"`
	Step     int64    `json:"step"`
	WallTime float64  `json:"wallTime"`
	Values   []string `json:"values"` // one label per row, raw bytes of the file
	File     string   `json:"file"`
	Offset   int64    `json:"offset"`
}

// Counts says what a file held, by kind. Tensor summaries are counted by plugin:
// plugin "scalars" counts as a scalar, "images" as an image, and so on.
type Counts struct {
	Records    int `json:"records"`    // records whose checksums were right
	Scalars    int `json:"scalars"`    // simple_value and plugin "scalars"
	Images     int `json:"images"`     // image and plugin "images"
	Histograms int `json:"histograms"` // histo and plugin "histograms"
	Audio      int `json:"audio"`      // audio and plugin "audio"
	Text       int `json:"text"`       // plugin "text"
	Tensors    int `json:"tensors"`    // other tensor summaries (embeddings, pr_curves, …)
	Graphs     int `json:"graphs"`     // graph_def, meta_graph_def, tagged_run_metadata events
	Other      int `json:"other"`      // file_version, session_log, unknown values, …
}

// Result is what Scan found in one file.
type Result struct {
	File       string    `json:"file"`
	Embeddings []Tensor  `json:"embeddings"` // in file order
	Labels     []Labels  `json:"labels"`     // in file order
	Findings   []Finding `json:"findings"`
	Counts     Counts    `json:"counts"`
}
