package tfckpt

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/s2"
)

// fuzzLimit keeps fuzzed reads small: a hostile shape must be refused, not allocated.
var fuzzLimit = ReadOptions{MaxElements: 1 << 16}

// seedFiles adds every testdata file with the given extension.
func seedFiles(f *testing.F, exts ...string) {
	for _, ext := range exts {
		names, _ := filepath.Glob(filepath.Join("testdata", "*"+ext))
		for _, n := range names {
			b, err := os.ReadFile(n)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

// exercise runs every reader over c; any error must be an *Error.
func exercise(t *testing.T, c *Checkpoint) {
	for _, e := range c.Entries() {
		v, _, err := c.ReadFloat32(e, fuzzLimit)
		checkErr(t, err)
		if n, _ := e.NumElements(); err == nil && int64(len(v)) != n {
			t.Fatalf("%q: %d values for shape %v", e.Key, len(v), e.Shape)
		}
		_, err = c.ReadStrings(e, fuzzLimit)
		checkErr(t, err)
		_, _, err = c.Resolve(e.Key + ":0")
		checkErr(t, err)
		_, _, err = c.Resolve(Readable(e.Key))
		checkErr(t, err)
	}
	c.Candidates()
	c.MissingShards()
	_, _, err := c.Resolve("no/such/tensor")
	checkErr(t, err)
}

func checkErr(t *testing.T, err error) {
	var e *Error
	if err != nil && !errors.As(err, &e) {
		t.Fatalf("untyped error %T: %v", err, err)
	}
}

func FuzzIndex(f *testing.F) {
	seedFiles(f, ".index")
	for _, b := range []tBundle{small(), keras(), escaped(), {snappy: true, perBlock: 1, tensors: small().tensors}} {
		i, _ := b.build()
		f.Add(i)
	}
	p, _ := partitioned(10, []int64{0, 4}, func(int) int { return 0 }, 1)
	i, _ := p.build()
	f.Add(i)
	shard := make([]byte, 256)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Open(memFile("f.index", data), []File{memFile("f.data-00000-of-00001", shard)})
		checkErr(t, err)
		if err == nil {
			exercise(t, c)
		}
	})
}

func FuzzReadTensor(f *testing.F) {
	b := keras()
	b.tensors = append(b.tensors, tTensor{key: "bf", dtype: DTBfloat16, shape: []int64{2, 2}, data: make([]byte, 8)},
		tTensor{key: "d", dtype: DTDouble, shape: []int64{2}, data: make([]byte, 16)})
	idx, shards := b.build()
	f.Add(shards[0])
	seedFiles(f, ".data-00000-of-00001")
	f.Fuzz(func(t *testing.T, shard []byte) {
		c, err := Open(memFile("k.index", idx), []File{memFile("k.data-00000-of-00001", shard)})
		if err != nil {
			t.Fatal(err) // the index is fixed and valid
		}
		exercise(t, c)
	})
}

func FuzzSnappy(f *testing.F) {
	f.Add([]byte{5, 4 << 2, 'h', 'e', 'l', 'l', 'o'})
	f.Add(s2.EncodeSnappy(nil, bytes.Repeat([]byte("abcabcabd"), 40)))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 'a'})
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeSnappy(data, 1<<20)
		if err == nil {
			want, err2 := s2.Decode(nil, data)
			if err2 == nil && !bytes.Equal(got, want) {
				t.Fatalf("decoded %q, s2 says %q", got, want)
			}
		}
		// Round trip through the independent encoder.
		back, err := decodeSnappy(s2.EncodeSnappy(nil, data), 1<<20)
		if err != nil || !bytes.Equal(back, data) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func FuzzV1(f *testing.F) {
	seedFiles(f, ".ckpt")
	f.Add(v1Table("emb", []int64{2, 2}, []float32{1, 2, 3, 4}))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Open(memFile("v1.ckpt", data), nil)
		checkErr(t, err)
		if err == nil {
			exercise(t, c)
		}
	})
}

func FuzzState(f *testing.F) {
	f.Add([]byte("model_checkpoint_path: \"E:\\\\a\\\\b.ckpt-1\"\nall_model_checkpoint_paths: 'b.ckpt-1'\n"))
	f.Add([]byte(`model_checkpoint_path: "\x41\101\'"`))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := ParseState(data)
		checkErr(t, err)
		if err == nil {
			p, ok := LatestPrefix([]string{"b.ckpt-1.index", "b.ckpt-1"}, st)
			if ok && p == "" {
				t.Fatal("empty prefix found")
			}
		}
	})
}

// FuzzBlock fuzzes the contents of a data block (entries, header, BundleEntryProto, object
// graph, V1 messages) behind a valid trailer CRC, which mutations of a whole file rarely keep.
func FuzzBlock(f *testing.F) {
	p, _ := partitioned(10, []int64{0, 4}, func(int) int { return 0 }, 1)
	for _, b := range []tBundle{small(), keras(), p} {
		i, _ := b.build()
		f.Add(firstBlock(i), false)
	}
	f.Add(firstBlock(v1Table("emb", []int64{2, 2}, []float32{1, 2, 3, 4})), true)
	shard := make([]byte, 256)
	for i := range shard {
		shard[i] = byte(i * 7)
	}
	f.Fuzz(func(t *testing.T, block []byte, snappy bool) {
		typ := byte(0)
		if snappy {
			block, typ = s2.EncodeSnappy(nil, block), 1
		}
		c, err := Open(memFile("b.index", oneBlockTable(block, typ)), []File{memFile("b.data-00000-of-00001", shard)})
		checkErr(t, err)
		if err == nil {
			exercise(t, c)
		}
	})
}

// firstBlock returns the contents of the first data block of a table.
func firstBlock(idx []byte) []byte {
	foot := idx[len(idx)-footerLen:]
	_, n := readHandle(foot)
	ih, _ := readHandle(foot[n:])
	ents, _ := blockEntries("", idx[ih.off:ih.off+ih.size], 0)
	h, _ := readHandle(ents[0].value)
	return idx[h.off : h.off+h.size]
}

// FuzzLocalName checks that unescaping inverts TensorFlow's escape_local_name, and that
// Readable keeps the segments of any key.
func FuzzLocalName(f *testing.F) {
	for _, s := range []string{"emb", "emb.v2", "dense/block", "a./b", "..S", ".S.S", "x.", "model/dense.Sblock/emb..v2/.ATTRIBUTES/VARIABLE_VALUE"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := UnescapeLocalName(EscapeLocalName(s)); got != s {
			t.Fatalf("UnescapeLocalName(EscapeLocalName(%q)) = %q", s, got)
		}
		if r := Readable(s); strings.Count(r, "/") < strings.Count(s, "/") || len(r) > len(s) {
			t.Fatalf("Readable(%q) = %q", s, r)
		}
	})
}
