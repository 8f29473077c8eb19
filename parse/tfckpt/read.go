package tfckpt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"unsafe"

	"github.com/embproj/projector/parse/internal/tfwire"
)

// DefaultMaxElements is the element limit ReadFloat32 and ReadStrings apply when
// ReadOptions.MaxElements is 0: 2^28 elements, 1 GiB of float32.
const DefaultMaxElements = 1 << 28

// chunkBytes is how much of a tensor is read per ReadAt call (and per Progress report).
const chunkBytes = 4 << 20

// ReadOptions tunes a read. The zero value reads up to DefaultMaxElements without progress.
type ReadOptions struct {
	// Progress, if set, is called after each chunk with the bytes read so far and in all.
	Progress func(done, total int64)
	// MaxElements refuses larger tensors (checkpoint-too-large) before allocating; 0 means
	// DefaultMaxElements.
	MaxElements int64
}

func (o ReadOptions) limit() int64 {
	if o.MaxElements > 0 {
		return o.MaxElements
	}
	return DefaultMaxElements
}

// hostLittle is true on little-endian hosts (amd64, arm64, wasm), where float32 data can be
// read straight into the result.
var hostLittle = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// ReadFloat32 reads tensor e (from Entries, Candidates or Resolve) as float32 in row-major
// order, len = product of e.Shape. DT_FLOAT, DT_DOUBLE, DT_HALF and DT_BFLOAT16 are read,
// the others refused with checkpoint-dtype. The data CRC32C is checked, big-endian data
// swapped and partitioned variables reassembled; notes say what was converted or assembled.
func (c *Checkpoint) ReadFloat32(e Entry, opts ReadOptions) ([]float32, []string, error) {
	e, err := c.lookup(e)
	if err != nil {
		return nil, nil, err
	}
	if !e.DType.IsFloat() {
		return nil, nil, errf(CodeDType, c.index.Name, -1, "tensor %q is %s; only DT_FLOAT, DT_DOUBLE, DT_HALF and DT_BFLOAT16 read as float32", e.Key, e.DType)
	}
	n, ok := e.NumElements()
	if !ok || n > opts.limit() {
		return nil, nil, errf(CodeTooLarge, c.index.Name, -1, "tensor %q of shape %v is above the limit of %d elements", e.Key, e.Shape, opts.limit())
	}
	var notes []string
	if e.DType != DTFloat {
		notes = append(notes, fmt.Sprintf("%s converted to float32", e.DType))
	}
	var out []float32
	switch {
	case c.v1:
		out, err = c.readV1(e, n)
	case len(e.Slices) > 0:
		out, err = c.readPartitioned(e, n, opts)
		if err == nil {
			notes = append(notes, fmt.Sprintf("partitioned variable reassembled from %d slices", len(e.Slices)))
		}
	default:
		out, err = c.readDense(e, n, opts.Progress)
	}
	if err == nil && c.hdr.bigEndian && !c.v1 {
		notes = append(notes, "big-endian tensor data byte-swapped")
	}
	if err != nil {
		return nil, nil, err
	}
	return out, notes, nil
}

// lookup returns the checkpoint's own copy of e, so that a caller's edits cannot point a
// read elsewhere.
func (c *Checkpoint) lookup(e Entry) (Entry, error) {
	i, ok := c.byKey[e.Key]
	if !ok {
		return Entry{}, errf(CodeNotFound, c.index.Name, -1, "no tensor %q in this checkpoint", e.Key)
	}
	return c.entries[i], nil
}

// shardRange checks that e's bytes exist in a given shard and returns that shard.
func (c *Checkpoint) shardRange(e Entry) (File, error) {
	if e.Shard >= c.hdr.numShards {
		return File{}, errf(CodeCorrupt, c.index.Name, -1, "tensor %q is in shard %d of a %d-shard bundle", printable(e.Key), e.Shard, c.hdr.numShards)
	}
	f, ok := c.shards[e.Shard]
	if !ok {
		name := c.shardName(e.Shard)
		return File{}, errf(CodeShardMiss, name, -1, "tensor %q is in data file %s, which was not given: add %s", printable(e.Key), name, name)
	}
	if e.Offset > f.Size || e.Size > f.Size-e.Offset {
		return File{}, errf(CodeTruncated, f.Name, e.Offset, "tensor %q needs bytes %d to %d but the file has %d", printable(e.Key), e.Offset, e.Offset+e.Size, f.Size)
	}
	return f, nil
}

// readDense reads an unpartitioned float tensor of n elements from its shard, in chunks,
// checking its CRC32C.
func (c *Checkpoint) readDense(e Entry, n int64, progress func(done, total int64)) ([]float32, error) {
	es := int64(e.DType.Size())
	if e.Size != n*es {
		return nil, errf(CodeCorrupt, c.index.Name, -1, "tensor %q: size %d bytes, but %v %s needs %d", printable(e.Key), e.Size, e.Shape, e.DType, n*es)
	}
	f, err := c.shardRange(e)
	if err != nil {
		return nil, err
	}
	out := make([]float32, n)
	var crc uint32
	if e.DType == DTFloat && hostLittle {
		crc, err = readRange(f, e.Offset, e.Size, float32Bytes(out), progress, nil)
		if c.hdr.bigEndian {
			swap32(out)
		}
	} else {
		conv := converter(e.DType, c.hdr.bigEndian)
		crc, err = readRange(f, e.Offset, e.Size, nil, progress, func(pos int64, b []byte) {
			conv(out[pos/es:], b)
		})
	}
	if err != nil {
		return nil, err
	}
	if crc != tfwire.Unmask(e.crc) {
		return nil, errf(CodeCRC, f.Name, e.Offset, "tensor %q: data CRC32C mismatch over %d bytes", printable(e.Key), e.Size)
	}
	return out, nil
}

// float32Bytes views out's memory as bytes (little-endian hosts read float32 data into it
// directly, saving a copy and a conversion pass).
func float32Bytes(out []float32) []byte {
	if len(out) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), 4*len(out))
}

// readRange reads size bytes of f at off in chunks of chunkBytes and returns their CRC32C.
// With direct set (len size) the bytes land there; otherwise in one reused chunk buffer,
// handed to each with the chunk's position (chunkBytes is a multiple of every element
// size, so no element straddles two chunks). progress, if set, follows every chunk.
func readRange(f File, off, size int64, direct []byte, progress func(done, total int64), each func(pos int64, b []byte)) (uint32, error) {
	var crc uint32
	var scratch []byte
	if direct == nil {
		scratch = make([]byte, min(size, chunkBytes))
	}
	for pos := int64(0); pos < size; pos += chunkBytes {
		end := min(pos+chunkBytes, size)
		var b []byte
		if direct != nil {
			b = direct[pos:end]
		} else {
			b = scratch[:end-pos]
		}
		k, err := f.R.ReadAt(b, off+pos)
		if k < len(b) {
			if err == nil || errors.Is(err, io.EOF) {
				return 0, errf(CodeTruncated, f.Name, off+pos+int64(k), "file ends inside a tensor")
			}
			return 0, wrap(CodeIO, f.Name, off+pos, err, "reading tensor data")
		}
		crc = tfwire.UpdateCRC32C(crc, b)
		if each != nil {
			each(pos, b)
		}
		if progress != nil {
			progress(end, size)
		}
	}
	return crc, nil
}

func swap32(v []float32) {
	for i, x := range v {
		v[i] = math.Float32frombits(bitsSwap32(math.Float32bits(x)))
	}
}

func bitsSwap32(x uint32) uint32 {
	return x>>24 | x>>8&0xff00 | x<<8&0xff0000 | x<<24
}

// converter returns a function that decodes whole elements of dtype t from b into dst.
// The loops use the concrete byte orders (inlined), and DT_HALF a 256 KiB table, so that
// conversion keeps up with reading under wasm too.
func converter(t DType, big bool) func(dst []float32, b []byte) {
	switch {
	case t == DTDouble && !big:
		return func(dst []float32, b []byte) {
			for i := range len(b) / 8 {
				dst[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])))
			}
		}
	case t == DTDouble:
		return func(dst []float32, b []byte) {
			for i := range len(b) / 8 {
				dst[i] = float32(math.Float64frombits(binary.BigEndian.Uint64(b[8*i:])))
			}
		}
	case t == DTHalf:
		tab := halfTable()
		return func(dst []float32, b []byte) {
			for i := range len(b) / 2 {
				dst[i] = tab[u16(b[2*i:], big)]
			}
		}
	case t == DTBfloat16:
		return func(dst []float32, b []byte) {
			for i := range len(b) / 2 {
				dst[i] = math.Float32frombits(uint32(u16(b[2*i:], big)) << 16)
			}
		}
	case !big: // DTFloat
		return func(dst []float32, b []byte) {
			for i := range len(b) / 4 {
				dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
			}
		}
	default:
		return func(dst []float32, b []byte) {
			for i := range len(b) / 4 {
				dst[i] = math.Float32frombits(binary.BigEndian.Uint32(b[4*i:]))
			}
		}
	}
}

func u16(b []byte, big bool) uint16 {
	if big {
		return uint16(b[0])<<8 | uint16(b[1])
	}
	return uint16(b[0]) | uint16(b[1])<<8
}

// halfTable maps every binary16 bit pattern to its float32 value; built on first use.
var halfTable = sync.OnceValue(func() *[1 << 16]float32 {
	var t [1 << 16]float32
	for i := range t {
		t[i] = halfToFloat32(uint16(i))
	}
	return &t
})

// halfToFloat32 converts IEEE 754 binary16 bits to float32 exactly (subnormals, ±Inf, NaN).
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	man := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0x7f800000 | man<<13)
	case exp == 0 && man == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: man × 2^-24
		f := float32(man) * (1.0 / (1 << 24))
		if sign != 0 {
			return -f
		}
		return f
	}
	return math.Float32frombits(sign | (exp+112)<<23 | man<<13)
}
