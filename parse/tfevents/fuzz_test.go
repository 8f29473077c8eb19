package tfevents

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// FuzzScan: seeded with the broken fixtures of testdata/ and a few good files; on any
// input Scan must not panic, must keep its invariants (checkResult), must not make
// more values or labels than the input has bytes, and Pair must give one candidate
// per embedding. With framed set, the input is one record's data and is framed with
// right checksums first, so that mutations reach the protobuf decoding instead of
// stopping at a checksum (the seeds give every record of the fixtures that way).
func FuzzScan(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seed fixtures in testdata/ (%v)", err)
	}
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
		for _, rec := range payloads(b) {
			f.Add(rec, true)
		}
	}
	f.Add(file(versionEvent(), summaryEvent(2,
		tensorValue("e", "", halfValTensor(dtHalf, []uint16{1, 2, 3, 4}, 2, 2)),
		tensorValue("l", "text", stringTensor([]string{"a\nb"})))), false)
	for _, ev := range fastPathEdges() {
		f.Add(ev, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, framed bool) {
		if framed {
			data = record(data)
		}
		res := Scan("f", bytes.NewReader(data), int64(len(data)), Options{MaxTensorBytes: 1 << 20})
		checkResult(t, res, int64(len(data)))
		sameResult(t, res, scan("f", bytes.NewReader(data), int64(len(data)), Options{MaxTensorBytes: 1 << 20}, false))
		values, labels := 0, 0
		for _, e := range res.Embeddings {
			values += len(e.Values)
		}
		for _, l := range res.Labels {
			labels += len(l.Values)
		}
		if values > len(data) || labels > len(data) {
			t.Fatalf("%d values and %d labels from %d bytes", values, labels, len(data))
		}
		cands, _ := Pair(res.Embeddings, res.Labels)
		if len(cands) != len(res.Embeddings) {
			t.Fatalf("%d candidates for %d embeddings", len(cands), len(res.Embeddings))
		}
		for _, c := range cands {
			if c.Labels != nil && len(c.Labels.Values) != c.Embedding.Rows {
				t.Fatalf("paired %d labels with %d rows", len(c.Labels.Values), c.Embedding.Rows)
			}
		}
	})
}

// sameResult fails when the fast path changed what Scan found (b: without it).
func sameResult(t *testing.T, a, b *Result) {
	t.Helper()
	if a.Counts != b.Counts || !slices.Equal(findingCodes(a.Findings), findingCodes(b.Findings)) ||
		len(a.Embeddings) != len(b.Embeddings) || len(a.Labels) != len(b.Labels) {
		t.Fatalf("fast path: %+v %q %d %d\nwithout:   %+v %q %d %d", a.Counts, findingCodes(a.Findings), len(a.Embeddings), len(a.Labels),
			b.Counts, findingCodes(b.Findings), len(b.Embeddings), len(b.Labels))
	}
	for i := range a.Findings {
		if a.Findings[i] != b.Findings[i] {
			t.Fatalf("finding %v without the fast path: %v", a.Findings[i], b.Findings[i])
		}
	}
}

// payloads returns the data of the records of b whose length checksum is right.
func payloads(b []byte) [][]byte {
	var out [][]byte
	for len(b) >= headerLen && headerOK(b) {
		n := binary.LittleEndian.Uint64(b)
		if n > uint64(len(b)-headerLen-footerLen) {
			break
		}
		out = append(out, b[headerLen:headerLen+n])
		b = b[headerLen+n+footerLen:]
	}
	return out
}

// FuzzSniffEvents: SniffEvents never panics, and whatever it takes for an event file
// Scan reads as a TFRecord stream (no events-not-tfrecord) with its first record
// counted. With framed set, the input is the first record's data, framed with right
// checksums, so that mutations reach the Event parse.
func FuzzSniffEvents(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
	}
	f.Add(versionEvent(), true)
	f.Add(summaryEvent(3, scalarValue("loss", 1)), true)
	f.Add([]byte{0x0a, 0x02, 0x0a, 0x00}, true) // a tf.train.Example-like message
	f.Fuzz(func(t *testing.T, data []byte, framed bool) {
		if framed {
			data = record(data)
		}
		if !SniffEvents(data) {
			return
		}
		res := Scan("f", bytes.NewReader(data), int64(len(data)), Options{MaxTensorBytes: 1 << 20})
		for _, fd := range res.Findings {
			if fd.Code == "events-not-tfrecord" {
				t.Fatalf("sniffed as events, scanned as not a TFRecord: %v", fd)
			}
		}
		if res.Counts.Records == 0 {
			t.Fatalf("sniffed as events, no record counted: %+v", res.Findings)
		}
	})
}
