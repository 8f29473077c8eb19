package parse

import (
	"fmt"
	"strings"
)

// Code names one kind of finding. Codes are stable, lower-case and hyphenated
// (DESIGN.md §3), and each has exactly one meaning: a new kind of finding gets a
// new code rather than borrowing a near one. Every code is documented in Codes
// and in the README's table (TestREADMEDocumentsEveryCode).
type Code string

// The codes of DESIGN.md §3, in its order.
const (
	CodeCountMismatch              Code = "count-mismatch"
	CodeMetadataHeaderSingleColumn Code = "metadata-header-single-column"
	CodeMetadataHeaderMissing      Code = "metadata-header-missing"
	CodeTensorHeaderRow            Code = "tensor-header-row"
	CodeTensorLabelColumn          Code = "tensor-label-column"
	CodeIndexColumn                Code = "index-column"
	CodeBlankLine                  Code = "blank-line"
	CodeDelimiter                  Code = "delimiter"
	CodeRaggedRow                  Code = "ragged-row"
	CodeNonNumeric                 Code = "non-numeric"
	CodeNonFinite                  Code = "non-finite"
	CodeZeroVector                 Code = "zero-vector"
	CodeEncoding                   Code = "encoding"
	CodeLFSPointer                 Code = "lfs-pointer"
	CodeWord2vecHeader             Code = "word2vec-header"
	CodeFilesSwapped               Code = "files-swapped"
	CodeBytesSize                  Code = "bytes-size"
	CodeBytesDtype                 Code = "bytes-dtype"
	CodeShapeMismatch              Code = "shape-mismatch"
	CodeShapeMissing               Code = "shape-missing"
	CodeNpyHeader                  Code = "npy-header"
	CodeDtypeUnsupported           Code = "dtype-unsupported"
	CodeConfigSyntax               Code = "config-syntax"
	CodeConfigMissingFile          Code = "config-missing-file"
	CodeConfigURL                  Code = "config-url"
	CodeSpriteSize                 Code = "sprite-size"
	CodeSpriteGrid                 Code = "sprite-grid"
	CodeSpriteTooFew               Code = "sprite-too-few"
	CodeTooLarge                   Code = "too-large"
)

// Codes for findings that fit none of DESIGN.md's.
const (
	CodeHTMLPage         Code = "html-page"
	CodeExtraFile        Code = "extra-file"
	CodeConfigEmbeddings Code = "config-embeddings"
	CodeConfigNoTensor   Code = "config-no-tensor-path"
	CodeCanceled         Code = "canceled"
	CodeReadError        Code = "read-error"
	CodeInternal         Code = "internal"
	CodeNoFiles          Code = "no-files"
	CodeNoTensor         Code = "no-tensor"
	CodeNotATensor       Code = "not-a-tensor"
	CodeModelFile        Code = "model-file"
	CodeTensorCheckpoint Code = "tensor-is-checkpoint"
	CodeArchiveBroken    Code = "archive-broken"
	CodeShapeInferred    Code = "shape-inferred"
	CodePointsIdentical  Code = "points-identical"
	// CodeStartup is set by the page's loader (site/app.js) when the program
	// itself cannot start; no Go code emits it, but it reaches #status like the others.
	CodeStartup Code = "startup"
	// CodeStopped is set by site/app.js when the running program exits.
	CodeStopped Code = "stopped"
)

// Codes documents every Code the product emits: code → when it occurs (and the
// Options action that fixes it, where there is one). Readers in sub-packages
// (the checkpoint and event-file readers) add theirs with mergeCodes.
var Codes = map[Code]string{
	CodeCountMismatch:              "tensor and metadata row counts differ and no more specific cause was found (or a padding row, blank lines or a final line without newline explain it); action firstN=N, dropTensorRows=1 or dropMetadataRows=1; in an event file: no text summary has as many strings as the embedding has rows (both numbers named), the points are shown without labels",
	CodeMetadataHeaderSingleColumn: "single-column metadata has one row too many: its first line is a header, which TensorBoard's rule does not allow; action metadataHeader=yes",
	CodeMetadataHeaderMissing:      "multi-column metadata has one row too few: its first line (taken as the header) is data; action metadataHeader=no",
	CodeTensorHeaderRow:            "the first line of the tensor is a header (names, a sklearn count line, or 0..D-1 column numbers); numeric headers block with action dropTensorRows=1, others are skipped with a warning",
	CodeTensorLabelColumn:          "a column of the tensor file holds text or a label; it is read as metadata, not as a dimension",
	CodeIndexColumn:                "the first column counts the rows (a pandas index); named ones are dropped, unnamed ones are warned about with action dropTensorColumns=1",
	CodeBlankLine:                  "blank lines: in metadata they are rows (kept), in a tensor they are skipped, trailing ones at the end of metadata are ignored when the counts then match",
	CodeDelimiter:                  "the tensor text is split on commas, semicolons or runs of spaces instead of tabs",
	CodeRaggedRow:                  "a row has a different number of fields than the others",
	CodeNonNumeric:                 "a tensor cell is not a number, or a text or JSON tensor holds no vectors",
	CodeNonFinite:                  "points hold NaN or ±Inf (or values beyond float32); action skipNonFinite=true",
	CodeZeroVector:                 "points are all zeros; action skipZero=true",
	CodeEncoding:                   "text is not UTF-8 (read as Windows-1252) or is UTF-16",
	CodeLFSPointer:                 "the file is a Git LFS pointer, not the data",
	CodeWord2vecHeader:             "a word2vec/fastText \"N D\" first line was skipped, or its N disagrees with the rows",
	CodeFilesSwapped:               "tensor and metadata are the other way round from their names or the config; used by content (action swap=true forces the other reading)",
	CodeBytesSize:                  "a raw .bytes file is not a whole number of values or rows",
	CodeBytesDtype:                 "a .bytes file holds float64 (action dtype=float64) or is really a .npy file",
	CodeShapeMismatch:              "tensorShape (or a .npy shape) disagrees with the data, e.g. transposed; action shape=N,D where it can be inferred; a warning (the real shape is used) for text, JSON, .npy and checkpoint tensors, whose config tensor_shape may come from another run",
	CodeShapeMissing:               "a raw tensor has no shape: no config tensorShape and no metadata to infer it",
	CodeNpyHeader:                  "a .npy/.npz header is broken or announces more bytes than the file holds (info: which .npz array was used)",
	CodeDtypeUnsupported:           "a .npy dtype that cannot be read (complex, object, strings); info when integers were converted",
	CodeConfigSyntax:               "projector_config.json / .pbtxt cannot be parsed or lists no embeddings",
	CodeConfigMissingFile:          "a path in the config is not among the files given: an error for the embedding shown, a warning for every other embedding and for optional files (info when found under another folder by its name)",
	CodeConfigURL:                  "a path in the config is a URL; nothing is downloaded (info when a dropped file of that name was used)",
	CodeSpriteSize:                 "the sprite cannot be read, its singleImageDim is missing or wrong, or it is larger than a texture may be",
	CodeSpriteGrid:                 "the sprite sheet is not a whole number of thumbnails",
	CodeSpriteTooFew:               "the sprite holds fewer thumbnails than there are points",
	CodeTooLarge:                   "the data (or a file unpacked or read whole) needs more memory than Options.MaxBytes allows; action firstN=N that fits",

	CodeHTMLPage:         "an HTML web page was saved instead of the data file",
	CodeExtraFile:        "info: a file that was not used",
	CodeConfigEmbeddings: "info: the config (or a log folder) offers several embeddings (action embedding=I picks another); warning: the embedding asked for does not exist",
	CodeConfigNoTensor:   "info: an embedding of the config has no tensor path, and the one tensor file given with it was used",
	CodeCanceled:         "a Stepper load was canceled",
	CodeReadError:        "a file given by File.ReaderAt could not be read (or has a negative size)",
	CodeInternal:         "a bug in the reader (recovered panic); please report the file",
	CodeNoFiles:          "no file was given (also: a drop or selection on the page held no files)",
	CodeNoTensor:         "none of the files given holds vectors",
	CodeNotATensor:       "the file used as the tensor is an image, a config or another non-tensor file",
	CodeModelFile:        "a model file (Keras/HDF5, PyTorch, pickle, SavedModel) was given: it is explained, with how to export embeddings from it, and not read",
	CodeTensorCheckpoint: "the config's tensor path names a TensorFlow checkpoint file (.data-NNNNN-of-NNNNN or .index), not a tensor file; the message gives the byte arithmetic",
	CodeArchiveBroken:    "a .gz, .zst or .zip wrapper (or one of its members) cannot be unpacked",
	CodeShapeInferred:    "info: the shape of a raw .bytes tensor was inferred (from the metadata row count or a given dimension)",
	CodePointsIdentical:  "warning: every point is the same vector, so projections show nothing",
	CodeStartup:          "the page itself could not start (the program failed to download or run); set by site/app.js",
	CodeStopped:          "the page's program exited while the page was open (reload the page); set by site/app.js",
}

// DesignCodes are the codes DESIGN.md §3 requires, in its order, but for
// checkpoint-unsupported: it was retired when parse/tfckpt came to read
// checkpoints (a checkpoint's problems now have the reader's precise codes).
var DesignCodes = []Code{
	CodeCountMismatch, CodeMetadataHeaderSingleColumn, CodeMetadataHeaderMissing, CodeTensorHeaderRow,
	CodeTensorLabelColumn, CodeIndexColumn, CodeBlankLine, CodeDelimiter, CodeRaggedRow, CodeNonNumeric,
	CodeNonFinite, CodeZeroVector, CodeEncoding, CodeLFSPointer, CodeWord2vecHeader, CodeFilesSwapped,
	CodeBytesSize, CodeBytesDtype, CodeShapeMismatch, CodeShapeMissing, CodeNpyHeader, CodeDtypeUnsupported,
	CodeConfigSyntax, CodeConfigMissingFile, CodeConfigURL, CodeSpriteSize,
	CodeSpriteGrid, CodeSpriteTooFew, CodeTooLarge,
}

// Reader packages own the codes under their prefix: parse/tfckpt every
// "checkpoint-…" code, parse/tfevents every
// "events-…" code. They may also return codes parse already documents (the
// events reader's count-mismatch), which keep parse's meaning.
const (
	CheckpointCodePrefix = "checkpoint-"
	EventsCodePrefix     = "events-"
)

// ReservedCodes are the codes the README documents for the checkpoint and
// event-file readers before they are merged. mergeCodes replaces them with the
// packages' own meanings; TestREADMEDocumentsEveryCode covers both.
var ReservedCodes = map[Code]string{
	"checkpoint-format":           "checkpoint reader: the file is not a TensorFlow checkpoint index",
	"checkpoint-corrupt":          "checkpoint reader: the index or a tensor's bytes break the format (file and byte offset)",
	"checkpoint-crc":              "checkpoint reader: a stored CRC32C does not match the bytes",
	"checkpoint-truncated":        "checkpoint reader: a file is shorter than the index says",
	"checkpoint-shard-missing":    "checkpoint reader: the data shard holding the tensor was not given (names the exact file)",
	"checkpoint-dtype":            "checkpoint reader: the tensor's data type cannot be read as float32",
	"checkpoint-tensor-not-found": "checkpoint reader: no tensor matches the config's tensor_name",
	"checkpoint-slices":           "checkpoint reader: a partitioned variable's slices are missing or inconsistent",
	"checkpoint-too-large":        "checkpoint reader: the tensor or index exceeds the memory limit",
	"checkpoint-v1":               "checkpoint reader: a V1 (pre-2017) checkpoint feature that is not read",
	"checkpoint-version":          "checkpoint reader: the bundle needs a newer reader",
	"checkpoint-compression":      "checkpoint reader: an index block uses an unknown compression",
	"checkpoint-state":            "checkpoint reader: the `checkpoint` state file cannot be read",
	"checkpoint-io":               "checkpoint reader: reading a file failed",
	"events-crc":                  "event-file reader, warning: a record's data checksum is wrong (the record is skipped, scanning goes on) or a later length checksum is wrong (scanning stops there)",
	"events-dtype":                "event-file reader, warning: a rank-2 tensor summary has a dtype that is not float32/float64/float16/bfloat16 (e.g. int32); it is skipped",
	"events-empty-tensor":         "event-file reader, info: a rank-2 tensor has a size-0 dimension; there is nothing to show",
	"events-info-not-tensorboard": "event-file reader, info: TensorBoard's projector does not read event files; this embedding is something TensorBoard itself would not have shown",
	"events-labels-several-lines": "event-file reader, info: a text summary held one string of several lines; each line was taken as one label",
	"events-malformed":            "event-file reader, warning: a record is not a valid Event protobuf; it is skipped",
	"events-more":                 "event-file reader, info: more findings of one code were left out after the first few",
	"events-no-embedding":         "event-file reader, info: the file holds no rank-2 float tensor summary; says what it did hold (scalars, images, …)",
	"events-not-tfrecord":         "event-file reader, error: the file is not a TFRecord stream (too short, or the first record's length checksum is wrong)",
	"events-read-error":           "event-file reader, error: reading the file failed; what was read before is kept",
	"events-tensor-shape":         "event-file reader, warning: a tensor's stored values do not match its shape (wrong byte count, wrong number of values, none at all, or an invalid dimension); it is skipped",
	"events-tensor-too-large":     "event-file reader, warning: an embedding needs more memory than the limit (or a one-value broadcast would exceed the file's size); it is skipped",
	"events-truncated":            "event-file reader, warning: the file ends inside a record (a run still being written, or a cut copy); the records before are kept",
}

// mergeCodes adds a reader package's codes (code → meaning) to Codes. Each code
// must start with prefix (CheckpointCodePrefix or EventsCodePrefix) or already be
// documented by parse; anything else is a programming error and panics, so that a
// code cannot silently take two meanings. Adapters call it from init.
func mergeCodes(prefix string, m map[string]string) {
	for c, meaning := range m {
		code := Code(c)
		_, known := Codes[code]
		switch {
		case strings.HasPrefix(c, prefix):
			Codes[code] = meaning
		case known:
			// A shared code (count-mismatch) keeps parse's meaning.
		default:
			panic(fmt.Sprintf("parse: code %q of a reader is outside its prefix %q", c, prefix))
		}
	}
}
