package tfckpt

import (
	"encoding/binary"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embproj/projector/parse/internal/tfwire"
)

func TestSnappyIndexBlocks(t *testing.T) {
	b := tBundle{snappy: true, perBlock: 2}
	for i, k := range []string{"a", "b/Adam", "b/emb", "c", "d"} {
		b.tensors = append(b.tensors, tTensor{key: k, dtype: DTFloat, shape: []int64{2, 3}, data: f32LE(seq(6 + i)[i:]...)})
	}
	idx, _ := b.build()
	if idx[0] == 0 {
		t.Fatal("fixture's first block is not snappy (starts with 00)")
	}
	c := b.open(t)
	if len(c.Entries()) != 5 {
		t.Fatalf("%d entries", len(c.Entries()))
	}
	e, _, err := c.Resolve("c:0")
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := c.ReadFloat32(e, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkValues(t, v, 0, seq(9)[3:9]...)
}

// TestSnappyRealIndex rewrites the real TF2 index with snappy blocks (as the Swift reader
// says some TF indexes are) and reads the embedding through it.
func TestSnappyRealIndex(t *testing.T) {
	dir := filepath.Join(dataDir(t), "tf2-tutorial-checkpoint")
	kvs, err := readTable("x", mustRead(t, filepath.Join(dir, "embedding.ckpt-1.index")))
	if err != nil {
		t.Fatal(err)
	}
	var tk []tKV
	for _, x := range kvs {
		tk = append(tk, tKV{x.key, x.value})
	}
	idx := writeTable(tk, true, 2)
	if !Sniff(idx) || !IsSSTable(idx[len(idx)-8:]) {
		t.Fatalf("Sniff/IsSSTable refuse the snappy index: % x", idx[:12])
	}
	c, err := Open(memFile("embedding.ckpt-1.index", idx), []File{osFile(t, filepath.Join(dir, "embedding.ckpt-1.data-00000-of-00001"))})
	if err != nil {
		t.Fatal(err)
	}
	e, rule, err := c.Resolve("word_embeddings")
	if err != nil || rule != RuleFullName {
		t.Fatalf("Resolve via graph in snappy index: %v %v", rule, err)
	}
	v, _, err := c.ReadFloat32(e, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkValues(t, v, 0, -0.404628, 0.721136, 0.20194, 0.276878)
}

func TestSnappyDecoder(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		want string
		ok   bool
	}{
		{"literal", []byte{5, 4 << 2, 'h', 'e', 'l', 'l', 'o'}, "hello", true},
		{"overlapping copy1", []byte{9, 0, 'a', 1 | 4<<2, 1}, "aaaaaaaaa", true}, // 1 literal + copy len 8 at distance 1
		{"copy2", []byte{6, 1 << 2, 'a', 'b', 2 | 3<<2, 2, 0}, "ababab", true},
		{"copy4", []byte{4, 1 << 2, 'x', 'y', 3 | 1<<2, 2, 0, 0, 0}, "xyxy", true},
		{"long literal", append([]byte{61, 60 << 2, 60}, strings.Repeat("z", 61)...), strings.Repeat("z", 61), true},
		{"copy before start", []byte{4, 1 | 0<<2, 1}, "", false},
		{"zero offset", []byte{5, 0, 'a', 1, 0}, "", false},
		{"too short", []byte{5, 4 << 2, 'h'}, "", false},
		{"length lie", []byte{0xff, 0xff, 0xff, 0xff, 0x0f, 0}, "", false},
		{"overrun", []byte{2, 4 << 2, 'h', 'e', 'l', 'l', 'o'}, "", false},
		{"short output", []byte{6, 4 << 2, 'h', 'e', 'l', 'l', 'o'}, "", false},
		{"truncated tag", []byte{5, 2}, "", false},
	}
	for _, tc := range cases {
		got, err := decodeSnappy(tc.in, 1<<20)
		if (err == nil) != tc.ok || string(got) != tc.want {
			t.Errorf("%s: got %q, %v", tc.name, got, err)
		}
	}
}

func TestFloatDTypes(t *testing.T) {
	half := []uint16{0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x8000, 0x3555}
	halfWant := []float32{1, -2, 65504, 1.0 / (1 << 24), float32(math.Inf(1)), 0, 0.33325195}
	bf := []uint16{0x3f80, 0xc0a0, 0x4049}
	bfWant := []float32{1, -5, 3.140625}
	dbl := []float64{1.5, -2.25, 1e300, 1.0 / 3}
	dblWant := []float32{1.5, -2.25, float32(math.Inf(1)), float32(1.0 / 3)}
	for _, big := range []bool{false, true} {
		var order binary.AppendByteOrder = binary.LittleEndian
		if big {
			order = binary.BigEndian
		}
		u16 := func(v []uint16) (b []byte) {
			for _, x := range v {
				b = order.AppendUint16(b, x)
			}
			return b
		}
		var d, f []byte
		for _, x := range dbl {
			d = order.AppendUint64(d, math.Float64bits(x))
		}
		for _, x := range []float32{1.25, -7} {
			f = order.AppendUint32(f, math.Float32bits(x))
		}
		c := tBundle{big: big, tensors: []tTensor{
			{key: "bf", dtype: DTBfloat16, shape: []int64{1, 3}, data: u16(bf)},
			{key: "dbl", dtype: DTDouble, shape: []int64{2, 2}, data: d},
			{key: "f", dtype: DTFloat, shape: []int64{2}, data: f},
			{key: "half", dtype: DTHalf, shape: []int64{7, 1}, data: u16(half)},
		}}.open(t)
		for key, want := range map[string][]float32{"bf": bfWant, "dbl": dblWant, "half": halfWant, "f": {1.25, -7}} {
			e, _, _ := c.Resolve(key)
			v, notes, err := c.ReadFloat32(e, ReadOptions{})
			if err != nil {
				t.Fatalf("big=%v %s: %v", big, key, err)
			}
			for i := range want {
				if v[i] != want[i] {
					t.Errorf("big=%v %s[%d] = %v, want %v", big, key, i, v[i], want[i])
				}
			}
			joined := strings.Join(notes, "; ")
			if (key != "f") != strings.Contains(joined, "converted") || big != strings.Contains(joined, "big-endian") {
				t.Errorf("big=%v %s notes %q", big, key, joined)
			}
		}
		if c.BigEndian() != big {
			t.Errorf("BigEndian() = %v", c.BigEndian())
		}
	}
}

func TestHalfNaN(t *testing.T) {
	if v := halfToFloat32(0x7e00); !math.IsNaN(float64(v)) {
		t.Fatalf("0x7e00 = %v, want NaN", v)
	}
	if v := halfToFloat32(0x83ff); v != -float32(0x3ff)/(1<<24) {
		t.Fatalf("largest negative subnormal = %v", v)
	}
}

func TestSignedNumIncreasing(t *testing.T) {
	// Bytes by hand from ordered_code.cc: n bytes cover [-2^(7n-1), 2^(7n-1)), header bits
	// 10, 110, 1110 … for positives, the complement for negatives.
	cases := map[int64]string{0: "80", -1: "7f", 5: "85", 63: "bf", -64: "40", 64: "c040", 70: "c046",
		-65: "3fbf", 8191: "dfff", 8192: "e02000", -8193: "1fdfff", 1 << 20: "f0100000"}
	for v, want := range cases {
		if got := hexs(appendSignedNumIncreasing(nil, v)); got != want {
			t.Errorf("%d: %s, want %s", v, got, want)
		}
	}
	// The V1 file's key for a full rank-2 slice (TF-FORMATS §1.11).
	if got := hexs([]byte(sliceKey("mweight", Slice{{0, -1}, {0, -1}}))); got != "006d776569676874000101028"+"07f807f" {
		t.Errorf("slice key %s", got)
	}
}

func hexs(b []byte) string {
	const d = "0123456789abcdef"
	var s []byte
	for _, x := range b {
		s = append(s, d[x>>4], d[x&15])
	}
	return string(s)
}

// partitioned returns a bundle holding a [rows, 3] DT_FLOAT variable "w" cut into row blocks
// at the given starts, its pieces in the given shards, and the full values.
func partitioned(rows int64, cuts []int64, shardOf func(i int) int, shards int) (tBundle, []float32) {
	full := seq(int(rows) * 3)
	b := tBundle{numShards: shards}
	var sl []Slice
	for i, start := range cuts {
		end := rows
		if i+1 < len(cuts) {
			end = cuts[i+1]
		}
		s := Slice{{start, end - start}, {0, -1}}
		sl = append(sl, s)
		b.tensors = append(b.tensors, tTensor{key: sliceKey("w", s), dtype: DTFloat, shape: []int64{end - start, 3},
			data: f32LE(full[start*3 : end*3]...), shard: shardOf(i)})
	}
	b.tensors = append(b.tensors, tTensor{key: "w", dtype: DTFloat, shape: []int64{rows, 3}, slices: sl})
	return b, full
}

func TestPartitioned(t *testing.T) {
	b, full := partitioned(130, []int64{0, 70, 100}, func(i int) int { return i % 2 }, 2)
	c := b.open(t)
	if n := len(c.Entries()); n != 1 {
		t.Fatalf("%d entries, want 1 (pieces folded)", n)
	}
	e, _, _ := c.Resolve("w:0")
	var last int64
	v, notes, err := c.ReadFloat32(e, ReadOptions{Progress: func(d, tot int64) { last = d }})
	if err != nil || len(v) != len(full) || last != 130*3*4 {
		t.Fatalf("%d values, progress %d, %v", len(v), last, err)
	}
	checkValues(t, v, 0, full...)
	if !strings.Contains(strings.Join(notes, ";"), "3 slices") {
		t.Errorf("notes %v", notes)
	}
	// A 2-D tiling: [4,4] in four 2×2 blocks, stored out of order.
	full = seq(16)
	b = tBundle{}
	var sl []Slice
	for _, o := range [][2]int64{{2, 2}, {0, 0}, {2, 0}, {0, 2}} {
		s := Slice{{o[0], 2}, {o[1], 2}}
		sl = append(sl, s)
		var d []float32
		for r := o[0]; r < o[0]+2; r++ {
			d = append(d, full[r*4+o[1]:r*4+o[1]+2]...)
		}
		b.tensors = append(b.tensors, tTensor{key: sliceKey("grid", s), dtype: DTFloat, shape: []int64{2, 2}, data: f32LE(d...)})
	}
	b.tensors = append(b.tensors, tTensor{key: "grid", dtype: DTFloat, shape: []int64{4, 4}, slices: sl})
	c = b.open(t)
	e, _, _ = c.Resolve("grid")
	v, _, err = c.ReadFloat32(e, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkValues(t, v, 0, full...)
}

func TestPartitionedBroken(t *testing.T) {
	b, _ := partitioned(10, []int64{0, 4}, func(int) int { return 0 }, 1)
	b.tensors = b.tensors[1:] // drop the piece for rows 0..3
	c := b.open(t)
	e, _, _ := c.Resolve("w")
	if _, _, err := c.ReadFloat32(e, ReadOptions{}); code(err) != CodeSlices || !strings.Contains(err.Error(), "not in the index") {
		t.Fatalf("missing piece: %v", err)
	}
	b, _ = partitioned(10, []int64{0, 4}, func(int) int { return 0 }, 1)
	b.tensors[2].slices = append(b.tensors[2].slices, Slice{{2, 3}, {0, -1}})
	c = b.open(t)
	if _, _, err := c.ReadFloat32(e, ReadOptions{}); code(err) != CodeSlices || !strings.Contains(err.Error(), "overlap") {
		t.Fatalf("overlap: %v", err)
	}
	b, _ = partitioned(10, []int64{0, 4}, func(int) int { return 0 }, 1)
	b.tensors[2].slices = b.tensors[2].slices[:1]
	c = b.open(t)
	if _, _, err := c.ReadFloat32(e, ReadOptions{}); code(err) != CodeSlices || !strings.Contains(err.Error(), "cover 12 of 30") {
		t.Fatalf("gap: %v", err)
	}
}

func TestMultiShard(t *testing.T) {
	b := tBundle{numShards: 2, tensors: []tTensor{
		{key: "a", dtype: DTFloat, shape: []int64{2}, data: f32LE(1, 2)},
		{key: "b", dtype: DTFloat, shape: []int64{2}, data: f32LE(3, 4), shard: 1},
	}}
	idx, shards := b.build()
	c, err := Open(memFile("run/m.ckpt-9.index", idx), []File{
		memFile(`C:\other\m.ckpt-9.data-00000-of-00002`, shards[0]),
		memFile("m.ckpt-8.data-00001-of-00002", shards[1]), // another checkpoint's shard: not paired
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "m.ckpt-9.data-00001-of-00002"
	if m := c.MissingShards(); len(m) != 1 || m[0] != want {
		t.Fatalf("MissingShards = %v", m)
	}
	e, _, _ := c.Resolve("a")
	if v, _, err := c.ReadFloat32(e, ReadOptions{}); err != nil || v[1] != 2 {
		t.Fatalf("shard 0: %v %v", v, err)
	}
	e, _, _ = c.Resolve("b")
	if _, _, err := c.ReadFloat32(e, ReadOptions{}); code(err) != CodeShardMiss || !strings.Contains(err.Error(), want) {
		t.Fatalf("shard 1: %v", err)
	}
}

func TestSingleShardOtherName(t *testing.T) {
	b := tBundle{tensors: []tTensor{{key: "a", dtype: DTFloat, shape: []int64{1}, data: f32LE(9)}}}
	idx, shards := b.build()
	c, err := Open(memFile("x.index", idx), []File{memFile("renamed.bin", shards[0])})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.MissingShards()) != 0 || len(c.Notes()) != 1 || !strings.Contains(c.Notes()[0], "renamed.bin") {
		t.Fatalf("missing %v notes %v", c.MissingShards(), c.Notes())
	}
}

func TestCorruption(t *testing.T) {
	good := tBundle{tensors: []tTensor{{key: "a", dtype: DTFloat, shape: []int64{4}, data: f32LE(1, 2, 3, 4)}}}
	bad := good
	bad.tensors = []tTensor{good.tensors[0]}
	bad.tensors[0].badCRC = true
	c := bad.open(t)
	e, _, _ := c.Resolve("a")
	if _, _, err := c.ReadFloat32(e, ReadOptions{}); code(err) != CodeCRC {
		t.Fatalf("data CRC: %v", err)
	}
	idx, shards := good.build()
	for _, tc := range []struct {
		name string
		edit func(idx, shard []byte) ([]byte, []byte)
		open string // expected Open code, or "" if Open succeeds
		read string // expected read code
	}{
		{"index block byte flipped", func(i, s []byte) ([]byte, []byte) { i[3] ^= 0x40; return i, s }, CodeCRC, ""},
		{"magic wrong", func(i, s []byte) ([]byte, []byte) { i[len(i)-1] = 0; return i, s }, CodeFormat, ""},
		{"index cut", func(i, s []byte) ([]byte, []byte) { return i[:40], s }, CodeFormat, ""},
		{"block type 2", func(i, s []byte) ([]byte, []byte) { return setBlockType(i, 2), s }, CodeCompression, ""},
		{"shard truncated", func(i, s []byte) ([]byte, []byte) { return i, s[:10] }, "", CodeTruncated},
		{"shard byte flipped", func(i, s []byte) ([]byte, []byte) { s[5] ^= 1; return i, s }, "", CodeCRC},
	} {
		i, s := tc.edit(append([]byte(nil), idx...), append([]byte(nil), shards[0]...))
		c, err := Open(memFile("m.index", i), []File{memFile("m.data-00000-of-00001", s)})
		if code(err) != tc.open {
			t.Errorf("%s: Open: %v, want %q", tc.name, err, tc.open)
			continue
		}
		if err != nil {
			continue
		}
		_, _, err = c.ReadFloat32(c.Entries()[0], ReadOptions{})
		if code(err) != tc.read {
			t.Errorf("%s: read: %v, want %q", tc.name, err, tc.read)
		}
	}
}

// setBlockType rewrites the first data block's trailer type (with a valid CRC), so only the
// type is wrong.
func setBlockType(idx []byte, typ byte) []byte {
	foot := idx[len(idx)-footerLen:]
	_, n := readHandle(foot)
	ih, _ := readHandle(foot[n:])
	ents, _ := blockEntries("", idx[ih.off:ih.off+ih.size], 0)
	h, _ := readHandle(ents[0].value)
	idx[h.off+h.size] = typ
	binary.LittleEndian.PutUint32(idx[h.off+h.size+1:], tfwire.MaskedCRC32C(idx[h.off:h.off+h.size+1]))
	return idx
}

func TestHostileNumbers(t *testing.T) {
	huge := uint32(0)
	for _, tc := range []struct {
		name string
		t    tTensor
		want string
	}{
		{"huge shape", tTensor{key: "a", dtype: DTFloat, shape: []int64{1 << 40, 1 << 40}, data: f32LE(1)}, CodeTooLarge},
		{"shape over limit", tTensor{key: "a", dtype: DTFloat, shape: []int64{1 << 20, 1 << 10}, data: f32LE(1)}, CodeTooLarge},
		{"size disagrees", tTensor{key: "a", dtype: DTFloat, shape: []int64{3}, data: f32LE(1)}, CodeCorrupt},
		{"string count lie", tTensor{key: "a", dtype: DTString, shape: []int64{1 << 30}, data: []byte{1, 2, 3, 4, 5, 6}, crc: &huge}, CodeTooLarge},
	} {
		c := tBundle{tensors: []tTensor{tc.t}}.open(t)
		var err error
		if tc.t.dtype == DTString {
			_, err = c.ReadStrings(c.Entries()[0], ReadOptions{})
		} else {
			_, _, err = c.ReadFloat32(c.Entries()[0], ReadOptions{MaxElements: 1 << 29})
		}
		if code(err) != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
		}
	}
	// An entry whose offset and size are near 2^63: Open accepts the index, reading refuses.
	e := appendVarintField(appendVarintField(nil, 1, 1), 4, math.MaxInt64-3)
	e = appendVarintField(e, 5, 8)
	idx := writeTable([]tKV{{"", tBundle{}.header()}, {"a", e}}, false, 0)
	c, err := Open(memFile("h.index", idx), []File{memFile("h.data-00000-of-00001", make([]byte, 16))})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.ReadFloat32(c.Entries()[0], ReadOptions{}); code(err) != CodeCorrupt && code(err) != CodeTruncated {
		t.Fatalf("offset near 2^63: %v", err)
	}
	// Ten-byte varints where a small count belongs.
	bad := append([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, make([]byte, 10)...)
	idx = writeTable([]tKV{{"", tBundle{}.header()}, {"a", bad}}, false, 0)
	if _, err := Open(memFile("v.index", idx), nil); code(err) != CodeCorrupt {
		t.Fatalf("huge varint in entry: %v", err)
	}
}

func TestSizeZeroDims(t *testing.T) {
	c := tBundle{tensors: []tTensor{{key: "empty", dtype: DTFloat, shape: []int64{0, 5}, data: nil},
		{key: "vocab", dtype: DTString, shape: []int64{0}}}}.withStrings(map[string][]string{"vocab": {}}).open(t)
	e, _, _ := c.Resolve("empty")
	if !sameInts(e.Shape, 0, 5) {
		t.Fatalf("shape %v, want [0 5] (an empty Dim message is a size-0 dimension)", e.Shape)
	}
	v, _, err := c.ReadFloat32(e, ReadOptions{})
	if err != nil || len(v) != 0 {
		t.Fatalf("%v %v", v, err)
	}
	if len(c.Candidates()) != 1 {
		t.Fatalf("candidates %v", c.Candidates())
	}
	s, _, _ := c.Resolve("vocab")
	if ss, err := c.ReadStrings(s, ReadOptions{}); err != nil || len(ss) != 0 || !sameInts(s.Shape, 0) {
		t.Fatalf("empty strings %v %v %v", ss, s.Shape, err)
	}
}

// withStrings fills the data and crc of the named DT_STRING tensors.
func (b tBundle) withStrings(m map[string][]string) tBundle {
	ts := append([]tTensor(nil), b.tensors...)
	for i := range ts {
		if ss, ok := m[ts[i].key]; ok {
			d, crc := encStrings(ss)
			ts[i].data, ts[i].crc = d, &crc
		}
	}
	b.tensors = ts
	return b
}

func TestStrings(t *testing.T) {
	words := []string{"a", "", "héllo", strings.Repeat("x", 300)}
	c := tBundle{tensors: []tTensor{{key: "vocab", dtype: DTString, shape: []int64{4}}}}.withStrings(map[string][]string{"vocab": words}).open(t)
	e, _, _ := c.Resolve("vocab")
	got, err := c.ReadStrings(e, ReadOptions{})
	if err != nil || strings.Join(got, "|") != strings.Join(words, "|") {
		t.Fatalf("%q %v", got, err)
	}
	if _, _, err := c.ReadFloat32(e, ReadOptions{}); code(err) != CodeDType || !strings.Contains(err.Error(), "DT_STRING") {
		t.Fatalf("strings as floats: %v", err)
	}
	b := tBundle{tensors: []tTensor{{key: "vocab", dtype: DTString, shape: []int64{4}}}}.withStrings(map[string][]string{"vocab": words})
	b.tensors[0].data[len(b.tensors[0].data)-1] ^= 1
	c = b.open(t)
	if _, err := c.ReadStrings(c.Entries()[0], ReadOptions{}); code(err) != CodeCRC {
		t.Fatalf("flipped string byte: %v", err)
	}
}

// keras returns a Keras-2-style object-based bundle: an embedding, its two Adam slots (as
// .OPTIMIZER_SLOT keys and as object-graph slot variables) and a dense kernel.
func keras() tBundle {
	emb := "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"
	m := "layer_with_weights-0/embeddings/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE"
	v := "optimizer/_variables/2/.ATTRIBUTES/VARIABLE_VALUE"
	dense := "layer_with_weights-1/kernel/.ATTRIBUTES/VARIABLE_VALUE"
	graph := encGraph([][2]string{{"embed/embeddings", emb}, {"Adam/m/embed/embeddings", m}, {"Adam/v/embed/embeddings", v}, {"dense/kernel", dense}}, []int{1})
	gd, gcrc := encStrings([]string{string(graph)})
	return tBundle{tensors: []tTensor{
		{key: objectGraphKey, dtype: DTString, shape: []int64{}, data: gd, crc: &gcrc},
		{key: emb, dtype: DTFloat, shape: []int64{3, 2}, data: f32LE(seq(6)...)},
		{key: m, dtype: DTFloat, shape: []int64{3, 2}, data: f32LE(seq(6)...)},
		{key: v, dtype: DTFloat, shape: []int64{3, 2}, data: f32LE(seq(6)...)},
		{key: dense, dtype: DTHalf, shape: []int64{2, 9}, data: make([]byte, 36)},
	}}
}

func TestObjectGraphNames(t *testing.T) {
	c := keras().open(t)
	emb := "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"
	for name, want := range map[string]Rule{"embed/embeddings:0": RuleFullName, emb: RuleExact,
		"layer_with_weights-0/embeddings": RuleAttributes, "embeddings": RuleSuffix} {
		e, rule, err := c.Resolve(name)
		if err != nil || e.Key != emb || rule != want {
			t.Errorf("Resolve(%q) = %q %q %v, want rule %q", name, e.Key, rule, err, want)
		}
	}
	cs := c.Candidates()
	if len(cs) != 2 || cs[0].Key != emb || cs[1].FullName != "dense/kernel" {
		t.Fatalf("candidates %+v", cs)
	}
	if !strings.Contains(cs[0].Reason, "2 optimizer slot copies") || !strings.Contains(cs[0].Reason, "embed/embeddings") {
		t.Errorf("reason %q", cs[0].Reason)
	}
	_, _, err := c.Resolve("kernal")
	if code(err) != CodeNotFound || !strings.Contains(err.Error(), "layer_with_weights-1/kernel") {
		t.Errorf("unknown: %v", err)
	}
}

func TestObjectGraphWithoutShard(t *testing.T) {
	idx, _ := keras().build()
	c, err := Open(memFile("k.index", idx), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Notes()) != 1 || !strings.Contains(c.Notes()[0], "object graph not used") {
		t.Fatalf("notes %v", c.Notes())
	}
	if _, _, err := c.Resolve("embed/embeddings:0"); code(err) != CodeNotFound {
		t.Fatalf("full name without graph: %v", err)
	}
}

func TestVersionAndHeader(t *testing.T) {
	if _, err := (tBundle{minConsume: 2}).openErr("v"); code(err) != CodeVersion {
		t.Fatalf("min_consumer 2: %v", err)
	}
	idx := writeTable([]tKV{{"a", nil}}, false, 0)
	if _, err := Open(memFile("n.index", idx), nil); code(err) != CodeCorrupt {
		t.Fatalf("no header key: %v", err)
	}
}

func TestNotACheckpoint(t *testing.T) {
	for name, data := range map[string]string{"HDF5": "\x89HDF\r\n\x1a\n" + strings.Repeat("\x00", 60),
		"zip": "PK\x03\x04" + strings.Repeat("\x00", 60), "pickle": "\x80\x02" + strings.Repeat("\x00", 60)} {
		_, err := Open(memFile("model.ckpt", []byte(data)), nil)
		if code(err) != CodeFormat || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestCodes(t *testing.T) {
	for c, m := range Codes {
		if !strings.HasPrefix(c, "checkpoint-") || m == "" || strings.ToLower(c) != c {
			t.Errorf("code %q: %q", c, m)
		}
	}
	e := &Error{Code: CodeCRC, File: "a.data", Offset: 12, Msg: "bad"}
	if e.Error() != "checkpoint-crc: a.data at byte 12: bad" {
		t.Errorf("Error() = %q", e.Error())
	}
}
