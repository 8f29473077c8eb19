// Package parse reads embedding files (tensors and metadata) and validates
// them, returning the data together with every finding as a Diagnostic.
//
// It imports neither Ebiten nor syscall/js: the page and the native CLI share it.
package parse

// File is one input file as the user gave it.
type File struct {
	// Name is the path relative to what the user dropped or named
	// ("logs/projector_config.pbtxt", "vectors.tsv"), with '/' separators.
	Name string
	// Data is the whole content of the file.
	Data []byte
}

// Severity ranks a Diagnostic. Errors block drawing; warnings do not.
type Severity string

// Severities, lowest to highest.
const (
	Info    Severity = "info"
	Warning Severity = "warning"
	Error   Severity = "error"
)

// Diagnostic is one finding about the input, in the user's terms.
type Diagnostic struct {
	Severity Severity `json:"severity"`
	// Code is stable, lower-case and hyphenated (see DESIGN.md §3), e.g. "count-mismatch".
	Code string `json:"code"`
	// File is the File.Name the finding is about ("" when it concerns several).
	File string `json:"file,omitempty"`
	// Line and Column are 1-based; 0 means not applicable.
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
	// Message says what is wrong, with the actual numbers.
	Message string `json:"message"`
	// Fix names the action that would repair it ("" when there is none).
	Fix string `json:"fix,omitempty"`
}

// Column is one metadata column: a name and one value per point.
type Column struct {
	Name   string
	Values []string
}

// Dataset is a validated set of N points of D dimensions.
type Dataset struct {
	// N is the number of points, D the number of dimensions per point.
	N, D int
	// Vectors holds N×D float32 values, row-major (point i is Vectors[i*D:(i+1)*D]).
	Vectors []float32
	// Columns holds the metadata columns, each with exactly N values. It may be empty.
	Columns []Column
	// Format names the tensor format that was read, e.g. "tsv", "bytes", "npy".
	Format string
	// TensorFile and MetadataFile are the File.Name values that were used.
	TensorFile, MetadataFile string
}

// Report is everything Load found, in the order it found it.
type Report struct {
	Diagnostics []Diagnostic `json:"diagnostics"`
}

// Blocking reports whether the report holds an error, i.e. the data must not be drawn.
func (r Report) Blocking() bool {
	for _, d := range r.Diagnostics {
		if d.Severity == Error {
			return true
		}
	}
	return false
}
