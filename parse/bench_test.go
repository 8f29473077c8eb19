package parse

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
)

// Benchmarks read ≥ 100 MB inputs generated here with a fixed seed; b.SetBytes makes
// `go test -bench` print MB/s of input. Run natively and as js/wasm:
//
//	go test -run XXX -bench . ./parse/
//	PATH=$PATH:$(go env GOROOT)/lib/wasm GOOS=js GOARCH=wasm go test -run XXX -bench . ./parse/
const benchBytes = 100 << 20

const benchD = 128

var (
	tsvOnce, csvOnce, f32Once              sync.Once
	benchTSV, benchCSV, benchF32, benchNpy []byte
	benchTSVRows, benchCSVRows, bfN        int
)

// genTSV makes a TensorBoard tensor file of ≥ benchBytes, values like -0.123456.
func genTSV() {
	tsvOnce.Do(func() {
		rng := rand.New(rand.NewPCG(1, 2))
		var t bytes.Buffer
		t.Grow(benchBytes + 1<<16)
		for t.Len() < benchBytes {
			for j := 0; j < benchD; j++ {
				if j > 0 {
					t.WriteByte('\t')
				}
				t.Write(strconv.AppendFloat(nil, rng.NormFloat64()*0.3, 'f', 6, 32))
			}
			t.WriteByte('\n')
			benchTSVRows++
		}
		benchTSV = t.Bytes()
	})
}

// genCSV makes a pandas to_csv file (index column, text column, header) of ≥ benchBytes.
func genCSV() {
	csvOnce.Do(func() {
		rng := rand.New(rand.NewPCG(3, 4))
		var c bytes.Buffer
		c.Grow(benchBytes + 1<<16)
		c.WriteString(",word")
		for j := 0; j < benchD; j++ {
			fmt.Fprintf(&c, ",%d", j)
		}
		c.WriteByte('\n')
		for c.Len() < benchBytes {
			fmt.Fprintf(&c, "%d,w%d", benchCSVRows, benchCSVRows)
			for j := 0; j < benchD; j++ {
				c.WriteByte(',')
				c.Write(strconv.AppendFloat(nil, rng.NormFloat64()*0.3, 'f', 6, 32))
			}
			c.WriteByte('\n')
			benchCSVRows++
		}
		benchCSV = c.Bytes()
	})
}

// genF32 makes benchBytes of raw float32 and the same array as a .npy file.
func genF32() {
	f32Once.Do(func() {
		rng := rand.New(rand.NewPCG(5, 6))
		bfN = benchBytes / (4 * benchD)
		benchF32 = make([]byte, bfN*benchD*4)
		for i := 0; i < bfN*benchD; i++ {
			binary.LittleEndian.PutUint32(benchF32[i*4:], math.Float32bits(float32(rng.NormFloat64())))
		}
		hdr := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", bfN, benchD)
		for (10+len(hdr)+1)%64 != 0 {
			hdr += " "
		}
		hdr += "\n"
		benchNpy = append([]byte("\x93NUMPY\x01\x00"), byte(len(hdr)), byte(len(hdr)>>8))
		benchNpy = append(benchNpy, hdr...)
		benchNpy = append(benchNpy, benchF32...)
	})
}

func benchLoad(b *testing.B, files []File, opts Options, n, d int) {
	b.Helper()
	var size int64
	for _, f := range files {
		size += int64(len(f.Data))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ds, rep := Load(files, opts)
		if ds == nil {
			b.Fatalf("blocked: %+v", rep.Diagnostics)
		}
		if ds.N != n || ds.D != d {
			b.Fatalf("shape %d×%d, want %d×%d", ds.N, ds.D, n, d)
		}
	}
}

func BenchmarkLoadTSV(b *testing.B) {
	genTSV()
	benchLoad(b, []File{{Name: "tensors.tsv", Data: benchTSV}}, Options{MaxBytes: 1 << 30}, benchTSVRows, benchD)
}

func BenchmarkLoadCSV(b *testing.B) {
	genCSV()
	benchLoad(b, []File{{Name: "emb.csv", Data: benchCSV}}, Options{MaxBytes: 1 << 30}, benchCSVRows, benchD)
}

func BenchmarkLoadNpy(b *testing.B) {
	genF32()
	benchLoad(b, []File{{Name: "emb.npy", Data: benchNpy}}, Options{}, bfN, benchD)
}

func BenchmarkLoadBytes(b *testing.B) {
	genF32()
	benchLoad(b, []File{{Name: "t.bytes", Data: benchF32}}, Options{Shape: [2]int{0, benchD}}, bfN, benchD)
}

// BenchmarkLoadTSVStreamed reads the same TSV through File.ReaderAt: B/op shows the
// memory of the streamed path (the float32 result plus read buffers, not the text).
func BenchmarkLoadTSVStreamed(b *testing.B) {
	genTSV()
	benchLoadStreamed(b, File{Name: "tensors.tsv", Data: benchTSV}, Options{MaxBytes: 1 << 30}, benchTSVRows, benchD)
}

func BenchmarkLoadBytesStreamed(b *testing.B) {
	genF32()
	benchLoadStreamed(b, File{Name: "t.bytes", Data: benchF32}, Options{Shape: [2]int{0, benchD}}, bfN, benchD)
}

func benchLoadStreamed(b *testing.B, f File, opts Options, n, d int) {
	b.Helper()
	b.SetBytes(int64(len(f.Data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in := File{Name: f.Name, ReaderAt: bytes.NewReader(f.Data), Size: int64(len(f.Data))}
		ds, rep := Load([]File{in}, opts)
		if ds == nil || ds.N != n || ds.D != d {
			b.Fatalf("%v", rep.Diagnostics)
		}
	}
}
