package parse

import (
	"encoding/binary"
	"math"
	"sort"

	"github.com/embproj/projector/parse/internal/tfwire"
	"github.com/embproj/projector/parse/tfckpt"
	"google.golang.org/protobuf/encoding/protowire"
)

// This file writes small one-shard tensor bundles (PREFIX.index and
// PREFIX.data-00000-of-00001) the way TensorFlow's BundleWriter does, so that
// tests can try dtypes, ranks and names the real folders do not have.

// ckT is one tensor of a test bundle: raw bytes as they sit in the shard.
type ckT struct {
	key   string
	dtype tfckpt.DType
	shape []int64
	data  []byte
}

// bundle returns the index and the data shard of tensors.
func bundle(tensors ...ckT) (index, shard []byte) {
	type kv struct {
		key string
		val []byte
	}
	header := varintField(nil, 1, 1) // one shard, little-endian
	header = protowire.AppendTag(header, 3, protowire.BytesType)
	header = protowire.AppendBytes(header, varintField(nil, 1, 1))
	kvs := []kv{{"", header}}
	for _, t := range tensors {
		e := varintField(nil, 1, uint64(t.dtype))
		e = protowire.AppendTag(e, 2, protowire.BytesType)
		e = protowire.AppendBytes(e, shapeProto(t.shape))
		e = varintField(e, 4, uint64(len(shard)))
		e = varintField(e, 5, uint64(len(t.data)))
		e = protowire.AppendTag(e, 6, protowire.Fixed32Type)
		e = protowire.AppendFixed32(e, tfwire.MaskedCRC32C(t.data))
		shard = append(shard, t.data...)
		kvs = append(kvs, kv{t.key, e})
	}
	sort.Slice(kvs, func(i, j int) bool { return kvs[i].key < kvs[j].key })
	var data [][2][]byte
	for _, x := range kvs {
		data = append(data, [2][]byte{[]byte(x.key), x.val})
	}
	index = appendBlock(nil, sstBlock(data))
	meta := len(index)
	index = appendBlock(index, sstBlock(nil))
	idx := len(index)
	last := []byte(kvs[len(kvs)-1].key)
	index = appendBlock(index, sstBlock([][2][]byte{{last, blockHandle(0, meta-5)}}))
	foot := append(blockHandle(meta, idx-meta-5), blockHandle(idx, len(index)-idx-5)...)
	foot = append(foot, make([]byte, 40-len(foot))...)
	index = append(index, foot...)
	return binary.LittleEndian.AppendUint64(index, 0xdb4775248b80fb57), shard
}

func varintField(b []byte, num protowire.Number, v uint64) []byte {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

func shapeProto(shape []int64) []byte {
	var s []byte
	for _, d := range shape {
		var dim []byte
		if d != 0 {
			dim = varintField(nil, 1, uint64(d))
		}
		s = protowire.AppendTag(s, 2, protowire.BytesType)
		s = protowire.AppendBytes(s, dim)
	}
	return s
}

// sstBlock writes entries with a restart point at each (no shared prefixes).
func sstBlock(kvs [][2][]byte) []byte {
	var b []byte
	var restarts []uint32
	for _, x := range kvs {
		restarts = append(restarts, uint32(len(b)))
		b = binary.AppendUvarint(b, 0)
		b = binary.AppendUvarint(b, uint64(len(x[0])))
		b = binary.AppendUvarint(b, uint64(len(x[1])))
		b = append(append(b, x[0]...), x[1]...)
	}
	if len(restarts) == 0 {
		restarts = []uint32{0}
	}
	for _, r := range restarts {
		b = binary.LittleEndian.AppendUint32(b, r)
	}
	return binary.LittleEndian.AppendUint32(b, uint32(len(restarts)))
}

// appendBlock appends block with its trailer: type 0 (uncompressed) and the masked CRC32C.
func appendBlock(out, block []byte) []byte {
	out = append(append(out, block...), 0)
	crc := tfwire.MaskedCRC32C(out[len(out)-len(block)-1:])
	return binary.LittleEndian.AppendUint32(out, crc)
}

func blockHandle(off, size int) []byte {
	return binary.AppendUvarint(binary.AppendUvarint(nil, uint64(off)), uint64(size))
}

// f32Tensor is a float32 tensor of the given shape holding v.
func f32Tensor(key string, shape []int64, v ...float32) ckT {
	return ckT{key, tfckpt.DTFloat, shape, f32bytes(v...)}
}

// f64Tensor is a DT_DOUBLE tensor.
func f64Tensor(key string, shape []int64, v ...float64) ckT {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	}
	return ckT{key, tfckpt.DTDouble, shape, b}
}

// u16Tensor is a 16-bit tensor (DT_HALF, DT_BFLOAT16) from raw values.
func u16Tensor(key string, dtype tfckpt.DType, shape []int64, v ...uint16) ckT {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint16(b, x)
	}
	return ckT{key, dtype, shape, b}
}

// ckptFiles returns a bundle as the files PREFIX.index and PREFIX.data-00000-of-00001.
func ckptFiles(prefix string, tensors ...ckT) []File {
	idx, shard := bundle(tensors...)
	return []File{{Name: prefix + ".index", Data: idx}, {Name: prefix + ".data-00000-of-00001", Data: shard}}
}
