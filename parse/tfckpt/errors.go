package tfckpt

import (
	"fmt"
	"strings"
)

// Error codes. They are stable, lower-case and hyphenated so that a loader can show them,
// match on them and list them in its README; Codes gives each a one-line meaning.
const (
	CodeFormat      = "checkpoint-format"
	CodeCorrupt     = "checkpoint-corrupt"
	CodeCRC         = "checkpoint-crc"
	CodeTruncated   = "checkpoint-truncated"
	CodeShardMiss   = "checkpoint-shard-missing"
	CodeDType       = "checkpoint-dtype"
	CodeNotFound    = "checkpoint-tensor-not-found"
	CodeSlices      = "checkpoint-slices"
	CodeTooLarge    = "checkpoint-too-large"
	CodeV1          = "checkpoint-v1"
	CodeVersion     = "checkpoint-version"
	CodeCompression = "checkpoint-compression"
	CodeState       = "checkpoint-state"
	CodeIO          = "checkpoint-io"
)

// Codes maps every error code this package returns to a one-line meaning.
var Codes = map[string]string{
	CodeFormat:      "the file is not a TensorFlow checkpoint index (no SSTable footer magic); HDF5, zip and pickle files are named as such",
	CodeCorrupt:     "the index or a tensor's bytes break the format (bad varint, offset, block layout, protobuf field or size)",
	CodeCRC:         "a stored CRC32C does not match the bytes (index block trailer or tensor data)",
	CodeTruncated:   "a file is shorter than the index says: a block or tensor ends past its end",
	CodeShardMiss:   "the data file (PREFIX.data-NNNNN-of-NNNNN) holding the tensor was not given",
	CodeDType:       "the tensor's data type cannot be read as float32 (or as strings)",
	CodeNotFound:    "no tensor in the checkpoint matches the requested name",
	CodeSlices:      "a partitioned variable's slices are missing, overlapping or inconsistent",
	CodeTooLarge:    "the tensor or index exceeds the configured element or byte limit",
	CodeV1:          "a TF1 V1 checkpoint (pre-2017) feature that this reader does not handle",
	CodeVersion:     "the bundle was written by a TensorFlow version that requires a newer reader",
	CodeCompression: "an index block uses a compression type other than none (0) or snappy (1)",
	CodeState:       "the `checkpoint` state file is not valid text-format CheckpointState",
	CodeIO:          "reading a file failed",
}

// Error is the one error type of this package. Code is one of the keys of Codes; File
// names the file concerned (for checkpoint-shard-missing, the exact file to add); Offset
// is a byte offset in File, or -1 when no single position applies; Err is the cause, if any.
type Error struct {
	Code   string
	File   string
	Offset int64
	Msg    string
	Err    error
}

// Error formats the error as "code: file at byte N: message: cause", leaving out the
// parts that are empty (Offset -1 has no "at byte").
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code)
	if e.File != "" {
		b.WriteString(": ")
		b.WriteString(e.File)
	}
	if e.Offset >= 0 {
		fmt.Fprintf(&b, " at byte %d", e.Offset)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// errf builds an *Error with a formatted message.
func errf(code, file string, off int64, format string, args ...any) *Error {
	return &Error{Code: code, File: file, Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// wrap builds an *Error around a cause.
func wrap(code, file string, off int64, err error, format string, args ...any) *Error {
	return &Error{Code: code, File: file, Offset: off, Msg: fmt.Sprintf(format, args...), Err: err}
}
