package parse

// Codes documents every Diagnostic.Code that Load produces: code → when it occurs
// (and the Options action that fixes it, where there is one). The first thirty are
// the codes of DESIGN.md §3; the rest name situations that fit none of those.
var Codes = map[string]string{
	"count-mismatch":                "tensor and metadata row counts differ and no more specific cause was found (or a padding row, blank lines or a final line without newline explain it); action firstN=N, dropTensorRows=1 or dropMetadataRows=1",
	"metadata-header-single-column": "single-column metadata has one row too many: its first line is a header, which TensorBoard's rule does not allow; action metadataHeader=yes",
	"metadata-header-missing":       "multi-column metadata has one row too few: its first line (taken as the header) is data; action metadataHeader=no",
	"tensor-header-row":             "the first line of the tensor is a header (names, a sklearn count line, or 0..D-1 column numbers); numeric headers block with action dropTensorRows=1, others are skipped with a warning",
	"tensor-label-column":           "a column of the tensor file holds text or a label; it is read as metadata, not as a dimension",
	"index-column":                  "the first column counts the rows (a pandas index); named ones are dropped, unnamed ones are warned about with action dropTensorColumns=1",
	"blank-line":                    "blank lines: in metadata they are rows (kept), in a tensor they are skipped, trailing ones at the end of metadata are ignored when the counts then match",
	"delimiter":                     "the tensor text is split on commas, semicolons or runs of spaces instead of tabs",
	"ragged-row":                    "a row has a different number of fields than the others",
	"non-numeric":                   "a tensor cell is not a number (or a file given as tensor holds no numbers)",
	"non-finite":                    "points hold NaN or ±Inf (or values beyond float32); action skipNonFinite=true",
	"zero-vector":                   "points are all zeros; action skipZero=true",
	"encoding":                      "text is not UTF-8 (read as Windows-1252) or is UTF-16; also used when a .gz/.zst/.zip wrapper is broken",
	"lfs-pointer":                   "the file is a Git LFS pointer, not the data",
	"word2vec-header":               "a word2vec/fastText \"N D\" first line was skipped, or its N disagrees with the rows",
	"files-swapped":                 "tensor and metadata are the other way round from their names or the config; used by content (action swap=true forces the other reading)",
	"bytes-size":                    "a raw .bytes file is not a whole number of values or rows",
	"bytes-dtype":                   "a .bytes file holds float64 (action dtype=float64) or is really a .npy file",
	"shape-mismatch":                "tensorShape (or a .npy shape) disagrees with the data, e.g. transposed; action shape=N,D where it can be inferred",
	"shape-missing":                 "a raw tensor has no shape: no config tensorShape and no metadata to infer it",
	"npy-header":                    "a .npy/.npz header is broken or announces more bytes than the file holds (info: which .npz array was used)",
	"dtype-unsupported":             "a .npy dtype that cannot be read (complex, object, strings); info when integers were converted",
	"config-syntax":                 "projector_config.json / .pbtxt cannot be parsed or lists no embeddings",
	"config-missing-file":           "a path in the config is not among the files given (info when found under another folder by its name)",
	"config-url":                    "a path in the config is a URL; nothing is downloaded (info when a dropped file of that name was used)",
	"checkpoint-unsupported":        "the tensor lives in a TensorFlow checkpoint, which cannot be read",
	"sprite-size":                   "the sprite cannot be read, its singleImageDim is missing or wrong, or it is larger than a texture may be",
	"sprite-grid":                   "the sprite sheet is not a whole number of thumbnails",
	"sprite-too-few":                "the sprite holds fewer thumbnails than there are points",
	"too-large":                     "the data needs more float32 memory than Options.MaxBytes; action firstN=N that fits",

	"html-page":         "an HTML web page was saved instead of the data file",
	"extra-file":        "info: a file that was not used",
	"config-embeddings": "info: the config offers several embeddings (action embedding=I picks another); warning: the embedding asked for does not exist",
	"canceled":          "a Stepper load was canceled",
	"read-error":        "a file given by File.ReaderAt could not be read (or has a negative size)",
	"internal":          "a bug in the reader (recovered panic); please report the file",
}

// DesignCodes are the codes DESIGN.md §3 requires, in its order.
var DesignCodes = []string{
	"count-mismatch", "metadata-header-single-column", "metadata-header-missing", "tensor-header-row",
	"tensor-label-column", "index-column", "blank-line", "delimiter", "ragged-row", "non-numeric",
	"non-finite", "zero-vector", "encoding", "lfs-pointer", "word2vec-header", "files-swapped",
	"bytes-size", "bytes-dtype", "shape-mismatch", "shape-missing", "npy-header", "dtype-unsupported",
	"config-syntax", "config-missing-file", "config-url", "checkpoint-unsupported", "sprite-size",
	"sprite-grid", "sprite-too-few", "too-large",
}
