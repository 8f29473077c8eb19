package tfckpt

import (
	"encoding/binary"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/embproj/projector/parse/internal/tfwire"
	"google.golang.org/protobuf/encoding/protowire"
)

var update = flag.Bool("update", false, "rewrite the broken fixtures in testdata/")

// brokenFixtures are the files in testdata/, each named after its defect, with the code
// Open (or, for a pair with a data shard, reading the first tensor) must return.
var brokenFixtures = []struct {
	name  string
	code  string
	build func() (index, shard []byte)
}{
	{"bad-block-crc.index", CodeCRC, func() ([]byte, []byte) {
		i, _ := small().build()
		i[4] ^= 0x10
		return i, nil
	}},
	{"bad-block-type.index", CodeCompression, func() ([]byte, []byte) {
		i, _ := small().build()
		return setBlockType(i, 7), nil
	}},
	{"truncated-footer.index", CodeFormat, func() ([]byte, []byte) {
		i, _ := small().build()
		return i[:len(i)-3], nil
	}},
	{"huge-restart-count.index", CodeCorrupt, func() ([]byte, []byte) {
		return oneBlockTable(binary.LittleEndian.AppendUint32([]byte{0, 0, 0}, 0xffffffff), 0), nil
	}},
	{"huge-varint-entry.index", CodeCorrupt, func() ([]byte, []byte) {
		blk := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0}
		return oneBlockTable(blk, 0), nil
	}},
	{"snappy-length-lie.index", CodeCorrupt, func() ([]byte, []byte) {
		return oneBlockTable([]byte{0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 'a'}, 1), nil
	}},
	{"keys-out-of-order.index", CodeCorrupt, func() ([]byte, []byte) {
		return writeTable([]tKV{{"", tBundle{}.header()}, {"b", nil}, {"a", nil}}, false, 0), nil
	}},
	{"data-crc-mismatch.index", CodeCRC, func() ([]byte, []byte) {
		i, s := small().build()
		s[0][1] ^= 0x80
		return i, s[0]
	}},
	{"truncated-shard.index", CodeTruncated, func() ([]byte, []byte) {
		i, s := small().build()
		return i, s[0][:len(s[0])-2]
	}},
	{"v1-no-values.ckpt", CodeV1, func() ([]byte, []byte) {
		return v1Table("emb", []int64{2, 2}, nil), nil
	}},
}

// small is a valid one-tensor bundle: "emb" DT_FLOAT [2, 3].
func small() tBundle {
	return tBundle{tensors: []tTensor{{key: "emb", dtype: DTFloat, shape: []int64{2, 3}, data: f32LE(seq(6)...)}}}
}

// oneBlockTable wraps raw block contents (typ 0 or 1) in a table with a valid trailer CRC.
func oneBlockTable(block []byte, typ byte) []byte {
	out := append(append([]byte(nil), block...), typ)
	out = binary.LittleEndian.AppendUint32(out, tfwire.MaskedCRC32C(out))
	metaOff := len(out)
	out = appendBlock(out, buildBlock(nil, 16), false)
	idxOff := len(out)
	out = appendBlock(out, buildBlock([]tKV{{"z", handle(0, len(block))}}, 1), false)
	foot := append(handle(metaOff, idxOff-metaOff-trailerLen), handle(idxOff, len(out)-idxOff-trailerLen)...)
	foot = append(foot, make([]byte, 40-len(foot))...)
	return binary.LittleEndian.AppendUint64(append(out, foot...), tableMagic)
}

// v1Table writes a V1 checkpoint holding one DT_FLOAT tensor as a single full slice; values
// nil leaves its TensorProto empty.
func v1Table(name string, shape []int64, values []float32) []byte {
	full := make(Slice, len(shape))
	for i := range full {
		full[i] = Extent{0, -1}
	}
	var sm []byte
	sm = protowire.AppendTag(sm, 1, protowire.BytesType)
	sm = protowire.AppendString(sm, name)
	sm = protowire.AppendTag(sm, 2, protowire.BytesType)
	sm = protowire.AppendBytes(sm, encShape(shape))
	sm = appendVarintField(sm, 3, uint64(DTFloat))
	sm = protowire.AppendTag(sm, 4, protowire.BytesType)
	sm = protowire.AppendBytes(sm, encSlice(full))
	meta := protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), sm)
	head := protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), meta)
	var tp []byte
	if values != nil {
		tp = protowire.AppendTag(tp, 5, protowire.BytesType)
		tp = protowire.AppendBytes(tp, f32LE(values...))
	}
	var ss []byte
	ss = protowire.AppendTag(ss, 1, protowire.BytesType)
	ss = protowire.AppendString(ss, name)
	ss = protowire.AppendTag(ss, 2, protowire.BytesType)
	ss = protowire.AppendBytes(ss, encSlice(full))
	ss = protowire.AppendTag(ss, 3, protowire.BytesType)
	ss = protowire.AppendBytes(ss, tp)
	data := protowire.AppendBytes(protowire.AppendTag(nil, 2, protowire.BytesType), ss)
	return writeTable([]tKV{{"", head}, {sliceKey(name, full), data}}, false, 0)
}

func TestBrokenFixtures(t *testing.T) {
	for _, f := range brokenFixtures {
		path := filepath.Join("testdata", f.name)
		shardPath := path[:len(path)-len(filepath.Ext(path))] + ".data-00000-of-00001"
		if *update {
			i, s := f.build()
			writeFile(t, path, i)
			if s != nil {
				writeFile(t, shardPath, s)
			}
		}
		idx := mustRead(t, path)
		var shards []File
		if s, err := os.ReadFile(shardPath); err == nil {
			shards = []File{memFile(filepath.Base(shardPath), s)}
		}
		c, err := Open(memFile(filepath.Base(path), idx), shards)
		if err == nil {
			_, _, err = c.ReadFloat32(c.Entries()[0], ReadOptions{})
		}
		if code(err) != f.code {
			t.Errorf("%s: %v, want %s", f.name, err, f.code)
		}
	}
}

func TestV1Synthetic(t *testing.T) {
	c, err := Open(memFile("v.ckpt", v1Table("emb", []int64{2, 2}, []float32{1, 2, 3, 4})), nil)
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := c.ReadFloat32(c.Entries()[0], ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkValues(t, v, 0, 1, 2, 3, 4)
	c, _ = Open(memFile("v.ckpt", v1Table("emb", []int64{2, 2}, []float32{1, 2, 3, 4, 5})), nil)
	if _, _, err := c.ReadFloat32(c.Entries()[0], ReadOptions{}); code(err) != CodeV1 {
		t.Fatalf("5 values for 4: %v", err)
	}
}

func writeFile(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
