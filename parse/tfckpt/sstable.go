package tfckpt

import (
	"bytes"
	"encoding/binary"
	"math"

	"github.com/embproj/projector/parse/internal/tfwire"
)

// SSTable layout constants (tsl/lib/io/format.h).
const (
	footerLen    = 48
	trailerLen   = 5
	tableMagic   = 0xdb4775248b80fb57
	maxBlockSize = 1 << 28 // a decoded block larger than 256 MiB is refused
)

// kv is one key/value pair of an SSTable; off is the file offset of the block holding it.
type kv struct {
	key   string
	value []byte
	off   int64
}

// blockHandle locates a block: size excludes the 5-byte trailer.
type blockHandle struct{ off, size uint64 }

// IsSSTable reports whether tail, the last bytes of a file (at least 8), ends with the
// LevelDB/TensorFlow table magic: true for V2 `.index` files and single-file V1 checkpoints.
func IsSSTable(tail []byte) bool {
	return len(tail) >= 8 && binary.LittleEndian.Uint64(tail[len(tail)-8:]) == tableMagic
}

// Sniff reports whether head, the first bytes of a file (16 are enough), look like the
// start of a tensor-bundle index or V1 checkpoint: the empty header key followed by a
// BundleHeaderProto (field 1 varint) or SavedTensorSlices (field 1 bytes), uncompressed or
// as the first literal of a snappy block. It is a cheap guess; IsSSTable on the tail decides.
func Sniff(head []byte) bool {
	if headerEntry(head) {
		return true
	}
	_, k := binary.Uvarint(head)
	if k <= 0 || k >= len(head) || head[k]&3 != 0 {
		return false
	}
	_, s, err := snappyLiteralLen(head, k)
	return err == nil && s < len(head) && headerEntry(head[s:])
}

// headerEntry reports whether b starts with a block entry for the empty key (shared 0,
// unshared 0, a value length) whose value starts with field 1 as a varint or bytes.
func headerEntry(b []byte) bool {
	if len(b) < 4 || b[0] != 0 || b[1] != 0 {
		return false
	}
	n, k := binary.Uvarint(b[2:])
	return k > 0 && n > 0 && 2+k < len(b) && (b[2+k] == 0x08 || b[2+k] == 0x0a)
}

// readTable decodes every key/value pair of the SSTable in data, checking the footer magic,
// every block trailer CRC, the block layout and that keys strictly increase.
func readTable(name string, data []byte) ([]kv, error) {
	if len(data) < footerLen || !IsSSTable(data) {
		return nil, notTableError(name, data)
	}
	foot := data[len(data)-footerLen:]
	meta, n := readHandle(foot)
	index, m := readHandle(foot[max(n, 0):])
	if n <= 0 || m <= 0 {
		return nil, errf(CodeCorrupt, name, int64(len(data)-footerLen), "footer block handles do not decode")
	}
	if _, err := readBlock(name, data, meta); err != nil {
		return nil, err
	}
	ib, err := readBlock(name, data, index)
	if err != nil {
		return nil, err
	}
	handles, err := blockEntries(name, ib, int64(index.off))
	if err != nil {
		return nil, err
	}
	return readDataBlocks(name, data, handles, meta.off)
}

// readDataBlocks reads the data blocks the index block points to, in order. Blocks must not
// overlap or go backwards (TensorFlow writes them in sequence), so a hostile index cannot
// make the reader decode the same bytes again and again.
func readDataBlocks(name string, data []byte, index []kv, end uint64) ([]kv, error) {
	var out []kv
	var next uint64
	for _, e := range index {
		h, k := readHandle(e.value)
		if k <= 0 || h.off < next || h.off+h.size+trailerLen > end {
			return nil, errf(CodeCorrupt, name, e.off, "index entry %q points to a bad data block (offset %d, size %d)", e.key, h.off, h.size)
		}
		next = h.off + h.size + trailerLen
		b, err := readBlock(name, data, h)
		if err != nil {
			return nil, err
		}
		kvs, err := blockEntries(name, b, int64(h.off))
		if err != nil {
			return nil, err
		}
		for _, x := range kvs {
			if len(out) > 0 && x.key <= out[len(out)-1].key {
				return nil, errf(CodeCorrupt, name, x.off, "keys out of order: %q after %q", x.key, out[len(out)-1].key)
			}
			out = append(out, x)
		}
	}
	return out, nil
}

// readHandle decodes a BlockHandle (two varint64) at the start of b; k ≤ 0 on error.
func readHandle(b []byte) (blockHandle, int) {
	off, n := binary.Uvarint(b)
	if n <= 0 {
		return blockHandle{}, -1
	}
	size, m := binary.Uvarint(b[n:])
	if m <= 0 || off > math.MaxInt64/2 || size > math.MaxInt64/2 {
		return blockHandle{}, -1
	}
	return blockHandle{off, size}, n + m
}

// readBlock returns the contents of the block at h after checking its trailer: the masked
// CRC32C over contents and type byte, and the type (0 none, 1 snappy, decoded here).
func readBlock(name string, data []byte, h blockHandle) ([]byte, error) {
	if h.off > uint64(len(data)) || h.size+trailerLen > uint64(len(data))-h.off {
		return nil, errf(CodeTruncated, name, int64(h.off), "block of %d bytes runs past the end of the %d-byte file", h.size, len(data))
	}
	raw := data[h.off : h.off+h.size+1]
	stored := binary.LittleEndian.Uint32(data[h.off+h.size+1:])
	if tfwire.CRC32C(raw) != tfwire.Unmask(stored) {
		return nil, errf(CodeCRC, name, int64(h.off), "block checksum mismatch (block of %d bytes)", h.size)
	}
	switch raw[h.size] {
	case 0:
		return raw[:h.size], nil
	case 1:
		b, err := decodeSnappy(raw[:h.size], maxBlockSize)
		if err != nil {
			return nil, wrap(CodeCorrupt, name, int64(h.off), err, "snappy block")
		}
		return b, nil
	default:
		return nil, errf(CodeCompression, name, int64(h.off+h.size), "block type %d (only 0 = none and 1 = snappy exist)", raw[h.size])
	}
}

// blockEntries decodes the prefix-compressed entries of a block; base is the block's file
// offset, for error messages and kv.off.
func blockEntries(name string, b []byte, base int64) ([]kv, error) {
	if len(b) < 4 {
		return nil, errf(CodeCorrupt, name, base, "block of %d bytes is too short for its restart count", len(b))
	}
	nr := uint64(binary.LittleEndian.Uint32(b[len(b)-4:]))
	if nr > uint64(len(b)-4)/4 {
		return nil, errf(CodeCorrupt, name, base, "block claims %d restart points in %d bytes", nr, len(b))
	}
	body := b[:len(b)-4-4*int(nr)]
	var out []kv
	var key []byte
	for p := 0; p < len(body); {
		shared, unshared, vlen, n := entryHeader(body[p:])
		if n <= 0 || shared > uint64(len(key)) || unshared > uint64(len(body)-p-n) || vlen > uint64(len(body)-p-n)-unshared {
			return nil, errf(CodeCorrupt, name, base+int64(p), "bad block entry")
		}
		p += n
		key = append(key[:shared], body[p:p+int(unshared)]...)
		p += int(unshared)
		out = append(out, kv{key: string(key), value: body[p : p+int(vlen)], off: base})
		p += int(vlen)
	}
	return out, nil
}

// entryHeader decodes the three varint32 (shared, unshared, value length) of a block entry.
func entryHeader(b []byte) (shared, unshared, vlen uint64, n int) {
	var v [3]uint64
	for i := range v {
		x, k := binary.Uvarint(b[n:])
		if k <= 0 || x > math.MaxUint32 {
			return 0, 0, 0, -1
		}
		v[i] = x
		n += k
	}
	return v[0], v[1], v[2], n
}

// notTableError explains what a file without the table magic is, when its first bytes say.
func notTableError(name string, data []byte) error {
	what := "not a TensorFlow checkpoint index: no SSTable magic in its last 8 bytes"
	switch {
	case bytes.HasPrefix(data, []byte("\x89HDF\r\n\x1a\n")):
		what = "an HDF5 file (Keras .h5 / .weights.h5), not a TensorFlow checkpoint"
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		what = "a zip archive (PyTorch .pt/.ckpt or Keras 3 .keras), not a TensorFlow checkpoint"
	case len(data) > 1 && data[0] == 0x80 && data[1] <= 5:
		what = "a Python pickle (PyTorch legacy .ckpt), not a TensorFlow checkpoint"
	case len(data) < footerLen:
		what = "too short for a TensorFlow checkpoint index (48-byte footer)"
	}
	return errf(CodeFormat, name, -1, "%s", what)
}
