package tfevents

import (
	"bytes"
	"encoding/binary"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

var update = flag.Bool("update", false, "rewrite the fixtures in testdata/")

// fixture is an events file kept in testdata/ (a broken one named after its defect), what
// Scan must report for it, and how many embeddings and labels survive.
type fixture struct {
	name   string
	make   func() []byte
	codes  []string // finding codes of Scan, in order
	embs   int
	labels int
}

// corrupt flips one byte of b at i.
func corrupt(b []byte, i int) []byte {
	b = slices.Clone(b)
	b[i] ^= 0x40
	return b
}

// rawRecord frames data with a length field that may lie (its CRC is right).
func rawRecord(length uint64, data []byte) []byte {
	r := record(data)
	binary.LittleEndian.PutUint64(r, length)
	h := record(r[:8]) // reuse the writer's CRC: masked CRC of the 8 length bytes
	copy(r[8:12], h[len(h)-4:])
	return r
}

var fixtures = []fixture{
	{
		name: "count-mismatch-100-vectors-90-labels.tfevents",
		make: func() []byte {
			return file(versionEvent(),
				summaryEvent(1, scalarValue("loss", 0.5)),
				summaryEvent(1, tensorValue("emb/vectors", "", contentTensor(seq(400, 0), 100, 4))),
				summaryEvent(1, tensorValue("emb/labels", "text", stringTensor(words(90), 90))))
		},
		codes: nil, embs: 1, labels: 1,
	},
	{
		name: "bad-data-crc-in-the-middle.tfevents",
		make: func() []byte {
			a := record(summaryEvent(1, tensorValue("emb", "", contentTensor(seq(6, 0), 3, 2))))
			bad := corrupt(record(summaryEvent(2, scalarValue("loss", 1))), 14)
			c := record(summaryEvent(3, tensorValue("emb", "", contentTensor(seq(6, 10), 3, 2))))
			return slices.Concat(record(versionEvent()), a, bad, c)
		},
		codes: []string{"events-crc"}, embs: 2,
	},
	{
		name: "truncated-last-record.tfevents",
		make: func() []byte {
			b := file(versionEvent(), summaryEvent(1, tensorValue("emb", "", contentTensor(seq(6, 0), 3, 2))))
			last := record(summaryEvent(2, tensorValue("emb", "", contentTensor(seq(6, 0), 3, 2))))
			return append(b, last[:len(last)/2]...)
		},
		codes: []string{"events-truncated"}, embs: 1,
	},
	{
		name:  "truncated-header.tfevents",
		make:  func() []byte { return append(file(versionEvent()), 1, 2, 3, 4, 5) },
		codes: []string{"events-truncated", "events-no-embedding"},
	},
	{
		name: "bad-length-crc.tfevents",
		make: func() []byte {
			a := record(summaryEvent(1, tensorValue("emb", "", contentTensor(seq(6, 0), 3, 2))))
			return slices.Concat(record(versionEvent()), a, corrupt(a, 9))
		},
		codes: []string{"events-crc"}, embs: 1,
	},
	{
		name:  "huge-record-length.tfevents",
		make:  func() []byte { return append(file(versionEvent()), rawRecord(1<<62, []byte("tiny"))...) },
		codes: []string{"events-truncated", "events-no-embedding"},
	},
	{
		name: "huge-shape-broadcast.tfevents",
		make: func() []byte {
			return file(versionEvent(),
				summaryEvent(1, tensorValue("a", "", floatValTensor([]float32{1}, true, 1<<40, 1<<20))),
				summaryEvent(1, tensorValue("b", "", floatValTensor([]float32{1}, true, 1<<20, 4))),
				summaryEvent(1, tensorValue("t", "text", stringTensor([]string{"x"}, 1<<50))))
		},
		codes: []string{"events-tensor-too-large", "events-tensor-too-large", "events-tensor-shape", "events-no-embedding"},
	},
	{
		name: "huge-varints.tfevents",
		make: func() []byte {
			badKey := append(summaryEvent(1), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)
			// a dimension of size 2⁶⁴−1 (a 10-byte varint): -1 as int64
			dim := appendBytesField(nil, shDim, []byte{0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
			sh := appendBytesField(tensorHead(dtFloat), tpShape, append(dim, dim...))
			tooLong := protowire.AppendVarint(nil, 1<<63) // a bytes field longer than anything
			return file(versionEvent(), badKey,
				summaryEvent(1, tensorValue("neg", "", sh)),
				summaryEvent(1, append(appendBytesField(nil, valTag, []byte("x")), append([]byte{valTensor<<3 | 2}, tooLong...)...)))
		},
		codes: []string{"events-malformed", "events-tensor-shape", "events-malformed", "events-no-embedding"},
	},
	{
		name: "zero-size-dimensions.tfevents",
		make: func() []byte {
			return file(versionEvent(),
				summaryEvent(1, tensorValue("rows0", "", contentTensor(nil, 0, 5))),
				summaryEvent(1, tensorValue("cols0", "", floatValTensor(nil, true, 5, 0))),
				summaryEvent(1, tensorValue("labels0", "text", stringTensor(nil, 0))))
		},
		codes: []string{"events-empty-tensor", "events-empty-tensor", "events-no-embedding"},
	},
	{
		name:  "not-tfrecord.txt",
		make:  func() []byte { return []byte("word\t0.1\t0.2\nother\t0.3\t0.4\n") },
		codes: []string{"events-not-tfrecord"},
	},
	{
		name: "int32-rank2.tfevents",
		make: func() []byte {
			t := appendBytesField(tensorHead(3, 2, 2), tpContent, make([]byte, 16))
			return file(versionEvent(), summaryEvent(1, tensorValue("ids", "", t)))
		},
		codes: []string{"events-dtype", "events-no-embedding"},
	},
	{
		name: "content-size-mismatch.tfevents",
		make: func() []byte {
			t := appendBytesField(tensorHead(dtFloat, 10, 4), tpContent, make([]byte, 156))
			return file(versionEvent(), summaryEvent(1, tensorValue("emb", "", t)))
		},
		codes: []string{"events-tensor-shape", "events-no-embedding"},
	},
	// Good files, read by parse's tests and the page's browser tests: an embedding
	// of 100 points in 16 dimensions with 100 labels at the same step, among scalars.
	{
		name: "ok-embedding-100x16-with-labels.tfevents",
		make: func() []byte {
			return file(versionEvent(),
				summaryEvent(0, scalarValue("loss", 0.9)),
				summaryEvent(1, scalarValue("loss", 0.5)),
				summaryEvent(1, tensorValue("emb/vectors", "", contentTensor(wave(100, 16), 100, 16))),
				summaryEvent(1, tensorValue("emb/labels", "text", stringTensor(words(100), 100))))
		},
		embs: 1, labels: 1,
	},
	// Two tags, one of them at two steps, labels for tag a (5 rows) at step 10:
	// parse offers "a @ step 10", "a @ step 0" and "b".
	{
		name: "several-tags-and-steps.tfevents",
		make: func() []byte {
			return file(versionEvent(),
				summaryEvent(0, tensorValue("a", "", contentTensor(wave(5, 3), 5, 3))),
				summaryEvent(10, tensorValue("a", "", contentTensor(seq(15, 1), 5, 3))),
				summaryEvent(10, tensorValue("b", "", contentTensor(wave(4, 2), 4, 2))),
				summaryEvent(10, tensorValue("a_labels", "text", stringTensor(words(5), 5))))
		},
		embs: 3, labels: 1,
	},
}

// TestFixtures scans each file of testdata/ (rewritten from the generators
// above with -update) and checks the findings, in order, and what survives.
func TestFixtures(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			path := filepath.Join("testdata", fx.name)
			if *update {
				if err := os.WriteFile(path, fx.make(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestFixtures -update to write it)", err)
			}
			if !bytes.Equal(b, fx.make()) {
				t.Fatalf("%s differs from its generator; rerun with -update", path)
			}
			res := Scan(fx.name, bytes.NewReader(b), int64(len(b)), Options{})
			checkResult(t, res, int64(len(b)))
			if got := findingCodes(res.Findings); !slices.Equal(got, fx.codes) {
				t.Errorf("codes %q, want %q\n%v", got, fx.codes, res.Findings)
			}
			if len(res.Embeddings) != fx.embs || len(res.Labels) != fx.labels {
				t.Errorf("%d embeddings and %d labels, want %d and %d", len(res.Embeddings), len(res.Labels), fx.embs, fx.labels)
			}
		})
	}
}
