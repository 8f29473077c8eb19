// Package tfckpt reads TensorFlow checkpoints in pure Go (no cgo, usable in js/wasm):
// V2 tensor bundles (PREFIX.index, an SSTable of BundleEntryProto, plus data shards
// PREFIX.data-NNNNN-of-NNNNN holding raw tensor bytes) and single-file TF1 V1 checkpoints
// (an SSTable of SavedTensorSlices). The index is read whole; a tensor is read through
// io.ReaderAt from exactly its byte range, so a browser can hand in a Blob-backed reader and
// never load a whole shard. See the project's TF-FORMATS.md for the format.
//
// Every count, size, offset and varint from a file is checked against the bytes that
// exist before it is used, every CRC is verified, and errors are *Error values with a
// stable Code (see Codes).
package tfckpt

import (
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
)

// MaxIndexBytes is the largest index (or V1 checkpoint) file Open reads; real indexes are
// a few KB, even for large models well under 1 MB.
const MaxIndexBytes = 256 << 20

// objectGraphKey is the key of the TrackableObjectGraph in TF2 object-based checkpoints.
const objectGraphKey = "_CHECKPOINTABLE_OBJECT_GRAPH"

// File is one file of a checkpoint: its name (a base name or path; only the base name's
// suffix matters for data shards), random access to its bytes and its size in bytes.
type File struct {
	Name string
	R    io.ReaderAt
	Size int64
}

// Extent is one dimension of a slice: Start and Length in elements; Length -1 means the
// whole dimension (TensorFlow's kFullExtent).
type Extent struct {
	Start, Length int64
}

// Slice is one stored piece of a partitioned variable: one Extent per dimension.
type Slice []Extent

// Entry describes one tensor of a checkpoint.
type Entry struct {
	Key      string  // the bundle key, e.g. "embedding/.ATTRIBUTES/VARIABLE_VALUE" or "Variable"
	FullName string  // the TF1-style variable name from the object graph ("word_embeddings"), if known
	DType    DType   // element type
	Shape    []int64 // dimensions in elements, row-major; [] for a scalar
	Shard    int     // data shard index (V2, unpartitioned only)
	Offset   int64   // byte offset of the tensor in its shard
	Size     int64   // byte length of the tensor in its shard
	Slices   []Slice // non-empty for a partitioned variable: the stored pieces; Shard/Offset/Size unused
	crc      uint32  // masked CRC32C of the Size bytes
}

// NumElements returns the product of Shape, and false if it overflows int64.
func (e Entry) NumElements() (int64, bool) { return numElements(e.Shape) }

func numElements(shape []int64) (int64, bool) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 || (d > 0 && n > (1<<62)/d) {
			return 0, false
		}
		n *= d
	}
	return n, true
}

// Checkpoint is an opened checkpoint: its entries from the index and the data shards given.
// It is safe for concurrent reads if the ReaderAts are.
type Checkpoint struct {
	prefix    string
	index     File
	v1        bool
	hdr       header
	shards    map[int]File       // by shard id
	entries   []Entry            // sorted by key; slice pieces excluded
	byKey     map[string]int     // key → index into entries
	pieces    map[string]Entry   // V2 slice pieces by their raw OrderedCode key
	v1data    map[string][]piece // V1 data slices by tensor name
	fullNames map[string]string  // object-graph full_name → key
	readable  map[string]string  // Readable(key) → key for keys with escapes ("" when two read alike)
	slotKeys  map[string]bool    // keys the object graph names as optimizer slot variables
	notes     []string
}

// Open reads the index (a V2 PREFIX.index, or a single-file V1 checkpoint) and pairs it
// with the data shards given, by their ".data-NNNNN-of-NNNNN" name suffix. Missing shards
// are not an error here (see MissingShards); reading a tensor from one is.
func Open(index File, shards []File) (*Checkpoint, error) {
	data, err := readIndexFile(index)
	if err != nil {
		return nil, err
	}
	kvs, err := readTable(index.Name, data)
	if err != nil {
		return nil, err
	}
	if len(kvs) == 0 || kvs[0].key != "" {
		return nil, errf(CodeCorrupt, index.Name, -1, "the first key is not the empty header key")
	}
	c := &Checkpoint{index: index, prefix: strings.TrimSuffix(index.Name, ".index"),
		byKey: map[string]int{}, pieces: map[string]Entry{}, fullNames: map[string]string{}, slotKeys: map[string]bool{}}
	if v := kvs[0].value; len(v) > 0 && v[0] == 0x0a {
		c.prefix = index.Name
		if len(shards) > 0 {
			c.notes = append(c.notes, "a V1 checkpoint holds its own data: the data files given are not used")
		}
		if err := c.openV1(kvs); err != nil {
			return nil, err
		}
		c.indexReadable()
		return c, nil
	}
	if err := c.openV2(kvs); err != nil {
		return nil, err
	}
	c.pairShards(shards)
	c.loadObjectGraph()
	c.indexReadable()
	return c, nil
}

// readIndexFile reads the whole index, bounded by its Size and MaxIndexBytes.
func readIndexFile(f File) ([]byte, error) {
	if f.Size > MaxIndexBytes {
		return nil, errf(CodeTooLarge, f.Name, -1, "index of %d bytes is above the %d-byte limit", f.Size, MaxIndexBytes)
	}
	if f.Size < 0 || f.R == nil {
		return nil, errf(CodeIO, f.Name, -1, "no reader or negative size")
	}
	data := make([]byte, f.Size)
	n, err := f.R.ReadAt(data, 0)
	if n < len(data) {
		if err == nil || errors.Is(err, io.EOF) {
			return nil, errf(CodeTruncated, f.Name, int64(n), "file ends after %d of %d bytes", n, len(data))
		}
		return nil, wrap(CodeIO, f.Name, int64(n), err, "reading the index")
	}
	return data, nil
}

// openV2 decodes the header and the entries of a V2 bundle index.
func (c *Checkpoint) openV2(kvs []kv) error {
	h, err := parseHeader(kvs[0].value)
	if err != nil {
		return wrap(CodeCorrupt, c.index.Name, kvs[0].off, err, "bundle header")
	}
	if h.minConsumer > 1 || h.badConsumer {
		return errf(CodeVersion, c.index.Name, -1, "bundle needs reader version %d (this reader is version 1)", h.minConsumer)
	}
	c.hdr = h
	for _, x := range kvs[1:] {
		e := Entry{Key: x.key}
		if err := parseEntry(x.value, &e); err != nil {
			return wrap(CodeCorrupt, c.index.Name, x.off, err, "entry %q", printable(x.key))
		}
		if strings.HasPrefix(x.key, "\x00") {
			c.pieces[x.key] = e
			continue
		}
		c.byKey[e.Key] = len(c.entries)
		c.entries = append(c.entries, e)
	}
	return nil
}

// pairShards files the given data shards by shard id. A file whose base name is the
// index's prefix plus ".data-i-of-n" (n the header's shard count) fills shard i; when the
// bundle has one shard and no file matches by name but exactly one was given, it is used
// with a note.
func (c *Checkpoint) pairShards(files []File) {
	c.shards = map[int]File{}
	base := path.Base(slashes(c.prefix))
	for _, f := range files {
		stem, i, n, ok := ParseDataFilename(path.Base(slashes(f.Name)))
		if _, dup := c.shards[i]; ok && !dup && stem == base && n == c.hdr.numShards && i < n {
			c.shards[i] = f
		}
	}
	if len(c.shards) == 0 && len(files) == 1 && c.hdr.numShards == 1 {
		c.shards[0] = files[0]
		c.notes = append(c.notes, fmt.Sprintf("using %s as the data file %s", files[0].Name, DataFilename(base, 0, 1)))
	}
}

// ParseDataFilename splits a data shard name "PREFIX.data-0000i-of-0000n" into PREFIX, i
// and n; ok is false for other names.
func ParseDataFilename(name string) (prefix string, i, n int, ok bool) {
	k := strings.LastIndex(name, ".data-")
	if k < 0 {
		return "", 0, 0, false
	}
	a, b, found := strings.Cut(name[k+len(".data-"):], "-of-")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !found || err1 != nil || err2 != nil || len(a) < 5 || len(b) < 5 || i < 0 || n <= 0 {
		return "", 0, 0, false
	}
	return name[:k], i, n, true
}

// slashes turns Windows separators into slashes so that path.Base works on foreign names.
func slashes(s string) string { return strings.ReplaceAll(s, `\`, "/") }

// DataFilename returns TensorFlow's name for data shard i of n: PREFIX.data-0000i-of-0000n.
func DataFilename(prefix string, i, n int) string {
	return fmt.Sprintf("%s.data-%05d-of-%05d", prefix, i, n)
}

// Entries returns the checkpoint's tensors sorted by key (slice pieces of partitioned
// variables are folded into their full tensor's entry).
func (c *Checkpoint) Entries() []Entry {
	out := make([]Entry, len(c.entries))
	for i, e := range c.entries {
		out[i] = e.clone()
	}
	return out
}

// clone copies e's slices, so that callers cannot change the checkpoint's own entries.
func (e Entry) clone() Entry {
	e.Shape = append([]int64{}, e.Shape...)
	e.Slices = append([]Slice(nil), e.Slices...)
	return e
}

// NumShards returns the number of data shards the header declares (0 for V1).
func (c *Checkpoint) NumShards() int { return c.hdr.numShards }

// IsV1 reports whether the checkpoint is a single-file TF1 V1 checkpoint.
func (c *Checkpoint) IsV1() bool { return c.v1 }

// BigEndian reports whether the header declares big-endian tensor data.
func (c *Checkpoint) BigEndian() bool { return c.hdr.bigEndian }

// Notes returns remarks made while opening (a shard paired by position, an unreadable
// object graph, ...), for the user's report.
func (c *Checkpoint) Notes() []string { return append([]string(nil), c.notes...) }

// MissingShards returns the exact file names (prefix base name + ".data-NNNNN-of-NNNNN")
// of the data shards that hold tensors but were not given to Open, in shard order.
func (c *Checkpoint) MissingShards() []string {
	need := map[int]bool{}
	for _, e := range c.entries {
		if len(e.Slices) == 0 && !c.v1 {
			need[e.Shard] = true
		}
	}
	for _, e := range c.pieces {
		need[e.Shard] = true
	}
	ids := make([]int, 0, len(need))
	for i := range need {
		if _, ok := c.shards[i]; !ok {
			ids = append(ids, i)
		}
	}
	sort.Ints(ids)
	out := make([]string, len(ids))
	for k, i := range ids {
		out[k] = c.shardName(i)
	}
	return out
}

// shardName is the base name of data shard i, as TensorFlow names it.
func (c *Checkpoint) shardName(i int) string {
	return DataFilename(path.Base(slashes(c.prefix)), i, c.hdr.numShards)
}

// printable quotes a key for messages, showing binary slice keys as hex.
func printable(key string) string {
	if strings.HasPrefix(key, "\x00") {
		return fmt.Sprintf("slice key %x", key)
	}
	return key
}
