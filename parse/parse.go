// Package parse reads embedding files (tensors and metadata) and validates
// them, returning the data together with every finding as a Diagnostic.
//
// It imports neither Ebiten nor syscall/js: the page and the native CLI share it.
package parse

import "io"

// File is one input file as the user gave it.
type File struct {
	// Name is the path relative to what the user dropped or named
	// ("logs/projector_config.pbtxt", "vectors.tsv"), with '/' separators.
	Name string
	// Data is the whole content of the file (nil when ReaderAt is used).
	Data []byte
	// ReaderAt, when Data is nil, reads the file piece by piece (an *os.File, a
	// browser Blob behind a synchronous bridge) and Size is its length in bytes.
	// Large tensors (raw .bytes, .npy, delimited text) are then read in 1 MiB
	// pieces straight into the result, so memory stays near the float32 size of
	// the result plus one read buffer; every other file is read whole.
	ReaderAt io.ReaderAt
	Size     int64

	kind Kind // what Load found the file to hold, for a streamed file
}

// size returns the length of the file in bytes.
func (f File) size() int64 {
	if f.ReaderAt != nil && f.Size > int64(len(f.Data)) {
		return f.Size
	}
	return int64(len(f.Data))
}

// streamed reports whether only a prefix of the file is in Data and the rest must
// be read through ReaderAt.
func (f File) streamed() bool { return f.ReaderAt != nil && f.Size > int64(len(f.Data)) }

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
	// Code is stable, lower-case and hyphenated (see Codes), e.g. CodeCountMismatch.
	Code Code `json:"code"`
	// File is the File.Name the finding is about ("" when it concerns several).
	File string `json:"file,omitempty"`
	// Line and Column are 1-based; 0 means not applicable.
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
	// Offset is the 0-based byte offset in File of a finding in a binary format
	// (a checkpoint block, an event record), or nil.
	Offset *int64 `json:"offset,omitempty"`
	// Message says what is wrong, with the actual numbers.
	Message string `json:"message"`
	// Fix names the action that would repair it ("" when there is none).
	Fix string `json:"fix,omitempty"`
	// Action is the machine-usable form of Fix: a "key=value" change of Options
	// (see Options.Apply) that applies the fix when Load is run again, e.g.
	// "metadataHeader=yes" or "firstN=150". "" when no one-click fix exists.
	Action string `json:"action,omitempty"`
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
	// Format names the tensor format that was read: "tsv", "csv" (comma or semicolon),
	// "txt" (runs of spaces), "word2vec", "bytes", "npy", "npz", "json",
	// "checkpoint" or "events" (a tensor summary of a TensorBoard event file).
	Format string
	// TensorFile and MetadataFile are the File.Name values that were used.
	TensorFile, MetadataFile string
	// Compression names the wrapper the tensor file was unpacked from ("gzip", "zstd", "zip"), or "".
	Compression string
	// Delimiter names the field separator of a text tensor ("tab", "comma", "semicolon", "space"), or "".
	Delimiter string
	// Sprite is the sprite sheet of the chosen embedding, or nil.
	Sprite *Sprite
	// BookmarksFile is the File.Name of the bookmarks a config pointed to and that was found, or "";
	// Bookmarks is its content (TensorBoard's JSON list of saved views), unparsed.
	BookmarksFile string
	Bookmarks     []byte
	// Embeddings lists the names of all embeddings a config offered; Embedding is the index used.
	Embeddings []string
	Embedding  int
	// Rows maps each point to the 1-based line (text) or row (binary) of the tensor file it
	// came from (int32: 4 bytes per point, so that even D = 2 stays within 1.5× the vectors).
	Rows []int32
	// DimNames are the names of the D dimensions when a text tensor's header line named its
	// columns (a CSV from pandas, say), else nil.
	DimNames []string
}

// Sprite is a sheet of thumbnails, one per point, laid out row-major in cells.
type Sprite struct {
	// File is the File.Name of the image; Data its encoded bytes (PNG or JPEG).
	File string
	Data []byte
	// Width and Height are the sheet size in pixels; CellWidth and CellHeight the
	// size of one thumbnail in pixels (singleImageDim = [width, height]).
	Width, Height         int
	CellWidth, CellHeight int
	// Columns is the number of cells per row of the sheet (Width / CellWidth).
	Columns int
}

// Cell returns the pixel rectangle [x0, y0, x1, y1) of point i's thumbnail: cells
// are laid out row-major, Columns per row. ok is false when the sheet has no cell i.
func (s *Sprite) Cell(i int) (x0, y0, x1, y1 int, ok bool) {
	if s == nil || s.Columns <= 0 || i < 0 || s.CellWidth <= 0 || s.CellHeight <= 0 {
		return 0, 0, 0, 0, false
	}
	x0, y0 = (i%s.Columns)*s.CellWidth, (i/s.Columns)*s.CellHeight
	x1, y1 = x0+s.CellWidth, y0+s.CellHeight
	if y1 > s.Height {
		return 0, 0, 0, 0, false
	}
	return x0, y0, x1, y1, true
}

// Report is everything Load found, in the order it found it.
type Report struct {
	Diagnostics []Diagnostic `json:"diagnostics"`
	// Embeddings lists the embedding names a config offered (Options.Embedding picks one),
	// filled even when the report is blocking so the page can offer the choice.
	Embeddings []string `json:"embeddings,omitempty"`
	// Offers describes each embedding of Embeddings (or the one embedding the
	// files offer): where it was found and whether it can be drawn.
	Offers []Offer `json:"offers,omitempty"`
	// Tensors lists every tensor of the TensorFlow checkpoint that was opened
	// (name, dtype, shape), nil when no checkpoint was.
	Tensors []TensorInfo `json:"tensors,omitempty"`
}

// Offer is one embedding the files offer (see candidate.go).
type Offer struct {
	Name string `json:"name"`
	// Source is where it was found: "config", "pytorch", "checkpoint",
	// "events", "files".
	Source       string `json:"source"`
	TensorFile   string `json:"tensorFile,omitempty"`
	MetadataFile string `json:"metadataFile,omitempty"`
	// Drawable is false when its files are missing (the report says which).
	Drawable bool `json:"drawable"`
}

// TensorInfo describes one tensor of a checkpoint.
type TensorInfo struct {
	// Name is the checkpoint key, exactly as stored.
	Name  string  `json:"name"`
	Dtype string  `json:"dtype"`
	Shape []int64 `json:"shape"`
	// Readable is Name with a TF2 key's escaped local names unescaped
	// ("dense.Sblock" → "dense/block", "emb..v2" → "emb.v2"); empty when equal to Name.
	Readable string `json:"readable,omitempty"`
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
