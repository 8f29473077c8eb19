package tfckpt

import (
	"testing"
)

// benchBundle opens a one-tensor bundle of [rows, 100] elements of dtype t (100 MB of data
// for DT_FLOAT with rows 250000), read from memory through io.ReaderAt.
func benchBundle(b *testing.B, t DType, rows int64) (*Checkpoint, Entry) {
	data := make([]byte, rows*100*int64(t.Size()))
	for i := range data {
		data[i] = byte(i*131) & 0x3f // small finite values in any float format
	}
	c := tBundle{tensors: []tTensor{{key: "emb", dtype: t, shape: []int64{rows, 100}, data: data}}}.open(b)
	e, _, err := c.Resolve("emb")
	if err != nil {
		b.Fatal(err)
	}
	return c, e
}

func benchRead(b *testing.B, t DType, rows int64) {
	c, e := benchBundle(b, t, rows)
	b.SetBytes(e.Size)
	b.ResetTimer()
	for range b.N {
		if _, _, err := c.ReadFloat32(e, ReadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadFloat32 reads a 100 MB DT_FLOAT tensor [250000, 100] (CRC32C included).
func BenchmarkReadFloat32(b *testing.B) { benchRead(b, DTFloat, 250000) }

// BenchmarkReadDouble reads a 100 MB DT_DOUBLE tensor [125000, 100] into float32.
func BenchmarkReadDouble(b *testing.B) { benchRead(b, DTDouble, 125000) }

// BenchmarkReadHalf reads a 50 MB DT_HALF tensor [250000, 100] into float32.
func BenchmarkReadHalf(b *testing.B) { benchRead(b, DTHalf, 250000) }
