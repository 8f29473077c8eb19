package tfckpt

import (
	"bytes"
	"encoding/binary"
	"math"
	"sort"
	"testing"

	"github.com/embproj/projector/parse/internal/tfwire"
	"github.com/klauspost/compress/s2"
	"google.golang.org/protobuf/encoding/protowire"
)

// This file is a small tensor-bundle writer for tests: it writes what TensorFlow's
// BundleWriter and TableBuilder write (prefix-compressed blocks with restarts, trailers with
// masked CRC32C, index block, empty metaindex, 48-byte footer), optionally with snappy
// blocks (encoded by klauspost/compress/s2, an independent encoder, test-only).

type tTensor struct {
	key    string
	dtype  DType
	shape  []int64
	data   []byte // raw bytes as they sit in the shard
	shard  int
	slices []Slice // set: a partitioned tensor's full entry (no data)
	badCRC bool
	crc    *uint32 // overrides the computed masked crc
}

type tBundle struct {
	numShards  int
	big        bool
	snappy     bool
	perBlock   int // entries per data block; 0 = all in one
	tensors    []tTensor
	headerRaw  []byte // overrides the header value
	minConsume int
}

type tKV struct {
	key string
	val []byte
}

// build returns the index bytes and one byte slice per shard.
func (b tBundle) build() ([]byte, [][]byte) {
	n := max(b.numShards, 1)
	shards := make([][]byte, n)
	kvs := []tKV{{"", b.header()}}
	for _, t := range b.tensors {
		var e []byte
		e = protowire.AppendTag(e, 1, protowire.VarintType)
		e = protowire.AppendVarint(e, uint64(t.dtype))
		e = protowire.AppendTag(e, 2, protowire.BytesType)
		e = protowire.AppendBytes(e, encShape(t.shape))
		if len(t.slices) > 0 {
			for _, s := range t.slices {
				e = protowire.AppendTag(e, 7, protowire.BytesType)
				e = protowire.AppendBytes(e, encSlice(s))
			}
			kvs = append(kvs, tKV{t.key, e})
			continue
		}
		crc := tfwire.MaskedCRC32C(t.data)
		if t.dtype == DTString && t.crc == nil {
			panic("string tensors need crc")
		}
		if t.crc != nil {
			crc = *t.crc
		}
		if t.badCRC {
			crc ^= 1
		}
		e = appendVarintField(e, 3, uint64(t.shard))
		e = appendVarintField(e, 4, uint64(len(shards[t.shard])))
		e = appendVarintField(e, 5, uint64(len(t.data)))
		e = protowire.AppendTag(e, 6, protowire.Fixed32Type)
		e = protowire.AppendFixed32(e, crc)
		shards[t.shard] = append(shards[t.shard], t.data...)
		kvs = append(kvs, tKV{t.key, e})
	}
	sort.Slice(kvs, func(i, j int) bool { return kvs[i].key < kvs[j].key })
	return writeTable(kvs, b.snappy, b.perBlock), shards
}

func (b tBundle) header() []byte {
	if b.headerRaw != nil {
		return b.headerRaw
	}
	h := appendVarintField(nil, 1, uint64(max(b.numShards, 1)))
	if b.big {
		h = appendVarintField(h, 2, 1)
	}
	v := appendVarintField(nil, 1, 1)
	if b.minConsume > 0 {
		v = appendVarintField(v, 2, uint64(b.minConsume))
	}
	h = protowire.AppendTag(h, 3, protowire.BytesType)
	return protowire.AppendBytes(h, v)
}

func appendVarintField(b []byte, num protowire.Number, v uint64) []byte {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

func encShape(shape []int64) []byte {
	var s []byte
	for _, d := range shape {
		var dim []byte
		if d != 0 { // proto3 drops the default: a size-0 dim is an empty message
			dim = appendVarintField(nil, 1, uint64(d))
		}
		s = protowire.AppendTag(s, 2, protowire.BytesType)
		s = protowire.AppendBytes(s, dim)
	}
	return s
}

func encSlice(sl Slice) []byte {
	var s []byte
	for _, x := range sl {
		var ext []byte
		if x.Start != 0 {
			ext = appendVarintField(ext, 1, uint64(x.Start))
		}
		if x.Length != -1 {
			ext = appendVarintField(ext, 2, uint64(x.Length))
		}
		s = protowire.AppendTag(s, 1, protowire.BytesType)
		s = protowire.AppendBytes(s, ext)
	}
	return s
}

// writeTable writes an SSTable of kvs (sorted), perBlock entries per data block.
func writeTable(kvs []tKV, snappy bool, perBlock int) []byte {
	if perBlock <= 0 {
		perBlock = len(kvs)
	}
	var out []byte
	var index []tKV
	for i := 0; i < len(kvs); i += perBlock {
		chunk := kvs[i:min(i+perBlock, len(kvs))]
		off := len(out)
		out = appendBlock(out, buildBlock(chunk, 16), snappy)
		index = append(index, tKV{chunk[len(chunk)-1].key, handle(off, len(out)-off-trailerLen)})
	}
	metaOff := len(out)
	out = appendBlock(out, buildBlock(nil, 16), false)
	idxOff := len(out)
	out = appendBlock(out, buildBlock(index, 1), false)
	foot := append(handle(metaOff, idxOff-metaOff-trailerLen), handle(idxOff, len(out)-idxOff-trailerLen)...)
	foot = append(foot, make([]byte, 40-len(foot))...)
	return binary.LittleEndian.AppendUint64(append(out, foot...), tableMagic)
}

func handle(off, size int) []byte {
	return binary.AppendUvarint(binary.AppendUvarint(nil, uint64(off)), uint64(size))
}

func buildBlock(kvs []tKV, interval int) []byte {
	var b []byte
	var restarts []uint32
	prev := ""
	for i, x := range kvs {
		shared := 0
		if i%interval == 0 {
			restarts = append(restarts, uint32(len(b)))
		} else {
			for shared < len(prev) && shared < len(x.key) && prev[shared] == x.key[shared] {
				shared++
			}
		}
		b = binary.AppendUvarint(b, uint64(shared))
		b = binary.AppendUvarint(b, uint64(len(x.key)-shared))
		b = binary.AppendUvarint(b, uint64(len(x.val)))
		b = append(append(b, x.key[shared:]...), x.val...)
		prev = x.key
	}
	if len(restarts) == 0 {
		restarts = []uint32{0}
	}
	for _, r := range restarts {
		b = binary.LittleEndian.AppendUint32(b, r)
	}
	return binary.LittleEndian.AppendUint32(b, uint32(len(restarts)))
}

func appendBlock(out, block []byte, snappy bool) []byte {
	typ := byte(0)
	if snappy {
		block, typ = s2.EncodeSnappy(nil, block), 1
	}
	out = append(append(out, block...), typ)
	crc := tfwire.MaskedCRC32C(out[len(out)-len(block)-1:])
	return binary.LittleEndian.AppendUint32(out, crc)
}

// encStrings returns a DT_STRING tensor's bytes and its entry crc, as WriteStringTensor does.
func encStrings(ss []string) ([]byte, uint32) {
	var b []byte
	var crc uint32
	for _, s := range ss {
		b = binary.AppendUvarint(b, uint64(len(s)))
		crc = tfwire.UpdateCRC32C(crc, binary.LittleEndian.AppendUint32(nil, uint32(len(s))))
	}
	lc := binary.LittleEndian.AppendUint32(nil, tfwire.Mask(crc))
	b = append(b, lc...)
	crc = tfwire.UpdateCRC32C(crc, lc)
	for _, s := range ss {
		b = append(b, s...)
		crc = tfwire.UpdateCRC32C(crc, []byte(s))
	}
	return b, tfwire.Mask(crc)
}

// encGraph encodes a TrackableObjectGraph: one node per attribute pair (full_name, key),
// and slot variables as (original node, slot node) pairs on node 0.
func encGraph(attrs [][2]string, slotNodes []int) []byte {
	var g []byte
	for i, a := range attrs {
		var st []byte
		st = protowire.AppendTag(st, 1, protowire.BytesType)
		st = protowire.AppendString(st, "VARIABLE_VALUE")
		st = protowire.AppendTag(st, 2, protowire.BytesType)
		st = protowire.AppendString(st, a[0])
		st = protowire.AppendTag(st, 3, protowire.BytesType)
		st = protowire.AppendString(st, a[1])
		var node []byte
		node = protowire.AppendTag(node, 2, protowire.BytesType)
		node = protowire.AppendBytes(node, st)
		if i == 0 {
			for _, s := range slotNodes {
				sv := appendVarintField(appendVarintField(nil, 1, 1), 3, uint64(s))
				node = protowire.AppendTag(node, 3, protowire.BytesType)
				node = protowire.AppendBytes(node, sv)
			}
		}
		g = protowire.AppendTag(g, 1, protowire.BytesType)
		g = protowire.AppendBytes(g, node)
	}
	return g
}

func f32LE(v ...float32) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

func seq(n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(i)*0.5 - 3
	}
	return v
}

// open builds b and opens it with every shard given, named PREFIX.data-i-of-n.
func (b tBundle) open(t testing.TB) *Checkpoint {
	t.Helper()
	c, err := b.openErr("m.ckpt")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return c
}

func (b tBundle) openErr(prefix string) (*Checkpoint, error) {
	idx, shards := b.build()
	var files []File
	for i, s := range shards {
		files = append(files, memFile(DataFilename(prefix, i, len(shards)), s))
	}
	return Open(memFile(prefix+".index", idx), files)
}

func memFile(name string, b []byte) File {
	return File{Name: name, R: bytes.NewReader(b), Size: int64(len(b))}
}
