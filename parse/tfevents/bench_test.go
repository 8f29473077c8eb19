package tfevents

import (
	"bytes"
	"testing"
)

// benchFile synthesizes an events file of about size bytes: a 1 MB block of distinct
// records (steps 0, 1, … of the values made by one) repeated, with one 1000×128
// float32 embedding and its labels in the middle.
func benchFile(size int, one func(step int64) []byte) []byte {
	var block []byte
	for step := int64(0); len(block) < 1<<20; step++ {
		block = append(block, record(one(step))...)
	}
	out := make([]byte, 0, size+len(block)+1<<20)
	out = append(out, record(versionEvent())...)
	for len(out) < size {
		if len(out) >= size/2 && len(out) < size/2+len(block) {
			out = append(out, record(summaryEvent(500, tensorValue("emb", "", contentTensor(seq(128000, 0), 1000, 128)),
				tensorValue("emb/labels", "text", stringTensor(words(1000), 1000))))...)
		}
		out = append(out, block...)
	}
	return out
}

// BenchmarkScan scans 200 MB files of scalars, PyTorch style (simple_value, 49 B per
// record) and TF2 style (a tensor with plugin "scalars" metadata, 69 B per record),
// and of 20 KB images; MB/s is bytes of file scanned. Every record's two checksums
// are checked. Measured on a shared 2-core AMD EPYC (load average ~5), go1.26.8:
// native 1578 / 1468 / 4611 MB/s; js/wasm under Node 20 (-benchtime 5x, JIT warm-up
// included) 303–389 / 353–448 / 1444–1723 MB/s wall clock, about 500 / 600 MB/s of
// CPU time for the scalar files (user time of 6 scans minus 1, /usr/bin/time).
func BenchmarkScan(b *testing.B) {
	scalarsMeta := func(step int64) []byte {
		return summaryEvent(step, tensorValue("epoch_loss", "scalars", contentTensor([]float32{float32(step)})))
	}
	for _, c := range []struct {
		name string
		one  func(step int64) []byte
	}{
		{"pytorch-scalars-200MB", func(step int64) []byte { return summaryEvent(step, scalarValue("train/loss", float32(step))) }},
		{"tf2-scalars-200MB", scalarsMeta},
		{"images-200MB", func(step int64) []byte { return summaryEvent(step, imageValue("pic", 20000)) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			data := benchFile(200<<20, c.one)
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			for b.Loop() {
				res := Scan("bench", bytes.NewReader(data), int64(len(data)), Options{})
				if len(res.Embeddings) != 1 || len(res.Labels) != 1 || len(res.Findings) != 0 {
					b.Fatalf("%d embeddings, %d labels, findings %v", len(res.Embeddings), len(res.Labels), res.Findings)
				}
			}
			b.ReportMetric(float64(len(data))/(1<<20), "MB/file")
		})
	}
}
