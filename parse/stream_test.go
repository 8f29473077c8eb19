package parse

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// asReaderAt gives a file to Load through ReaderAt only, as a Blob or *os.File would.
func asReaderAt(f File) File {
	return File{Name: f.Name, ReaderAt: bytes.NewReader(f.Data), Size: int64(len(f.Data))}
}

func npyFile(name string, descr string, fortran bool, n, d int, vals []byte) File {
	fo := "False"
	if fortran {
		fo = "True"
	}
	hdr := fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': (%d, %d), }", descr, fo, n, d)
	for (10+len(hdr)+1)%64 != 0 {
		hdr += " "
	}
	hdr += "\n"
	b := append([]byte("\x93NUMPY\x01\x00"), byte(len(hdr)), byte(len(hdr)>>8))
	b = append(b, hdr...)
	return File{Name: name, Data: append(b, vals...)}
}

func TestStreamedMatchesInMemory(t *testing.T) {
	const n, d = 3000, 100 // > 1 MiB of float32, so the streamed paths are taken
	f32 := make([]byte, n*d*4)
	f64 := make([]byte, n*d*8)
	for i := 0; i < n*d; i++ {
		v := float32(i%1000)/7 - 50
		binary.LittleEndian.PutUint32(f32[i*4:], math.Float32bits(v))
		binary.LittleEndian.PutUint64(f64[i*8:], math.Float64bits(float64(v)))
	}
	var w2v, csvq strings.Builder
	csvq.WriteString("text,embedding\n")
	for i := 0; i < 60000; i++ {
		fmt.Fprintf(&w2v, "w\xe9%d 0.%d 1.%d -2.5\n", i, i, i%97) // Latin-1 words
		fmt.Fprintf(&csvq, "\"a, %d\",\"[0.%d, 1.5, %d]\"\n", i, i, i)
	}
	labels := File{Name: "labels.tsv", Data: []byte(strings.Repeat("x\n", n))}
	sets := []struct {
		name  string
		files []File
	}{
		{"tsv", []File{bigTSV(60000, 4)}},
		{"tsv with labels", []File{bigTSV(n, 100), labels}},
		{"word2vec latin1", []File{{Name: "v.vec", Data: []byte(w2v.String())}}},
		{"csv quoted list column", []File{{Name: "e.csv", Data: []byte(csvq.String())}}},
		{"bytes", []File{{Name: "t.bytes", Data: f32}, labels}},
		{"npy f4", []File{npyFile("e.npy", "<f4", false, n, d, f32)}},
		{"npy f8", []File{npyFile("e.npy", "<f8", false, n, d, f64)}},
		{"npy f4 fortran", []File{npyFile("e.npy", "<f4", true, n, d, f32)}},
		{"small file read whole", []File{{Name: "t.tsv", Data: []byte(t3)}}},
		{"gzip read whole", []File{{Name: "t.tsv.gz", Data: gzipOf(t, bigTSV(1000, 4).Data)}}},
	}
	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			if big := len(set.files[0].Data) > 1<<20; big == strings.Contains(set.name, "whole") && !strings.Contains(set.name, "gzip") {
				t.Fatalf("fixture of %d bytes does not test what its name says", len(set.files[0].Data))
			}
			want, wrep := Load(set.files, Options{})
			if want == nil {
				t.Fatalf("in memory: %v", wrep.Diagnostics)
			}
			var streamed []File
			for _, f := range set.files {
				streamed = append(streamed, asReaderAt(f))
			}
			got, grep := Load(streamed, Options{})
			if got == nil {
				t.Fatalf("streamed: %v", grep.Diagnostics)
			}
			if got.N != want.N || got.D != want.D || !slices.Equal(got.Vectors, want.Vectors) || !slices.Equal(got.Rows, want.Rows) {
				t.Fatalf("streamed %d×%d differs from in-memory %d×%d", got.N, got.D, want.N, want.D)
			}
			if len(got.Columns) != len(want.Columns) {
				t.Fatalf("columns %d vs %d", len(got.Columns), len(want.Columns))
			}
			for j := range got.Columns {
				if !slices.Equal(got.Columns[j].Values, want.Columns[j].Values) {
					t.Errorf("column %d differs: %q… vs %q…", j, got.Columns[j].Values[:2], want.Columns[j].Values[:2])
				}
			}
			var gc, wc []string
			for _, d := range grep.Diagnostics {
				gc = append(gc, string(d.Code))
			}
			for _, d := range wrep.Diagnostics {
				wc = append(wc, string(d.Code))
			}
			slices.Sort(gc)
			slices.Sort(wc)
			if !slices.Equal(gc, wc) {
				t.Errorf("diagnostics differ: streamed %v, in memory %v", gc, wc)
			}
		})
	}
}

// failingReader fails after limit bytes.
type failingReader struct {
	r     io.ReaderAt
	limit int64
}

func (f failingReader) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > f.limit {
		return 0, errors.New("device unplugged")
	}
	return f.r.ReadAt(p, off)
}

func TestStreamReadError(t *testing.T) {
	for _, f := range []File{bigTSV(200000, 4), {Name: "t.bytes", Data: make([]byte, 4<<20)}} {
		in := File{Name: f.Name, ReaderAt: failingReader{bytes.NewReader(f.Data), 2 << 20}, Size: int64(len(f.Data))}
		opts := Options{Shape: [2]int{0, 4}}
		ds, rep := Load([]File{in}, opts)
		if ds != nil || !slices.ContainsFunc(rep.Diagnostics, func(d Diagnostic) bool { return d.Code == "read-error" }) {
			t.Errorf("%s: %v", f.Name, rep.Diagnostics)
		}
	}
}

func TestStreamedStepper(t *testing.T) {
	f := asReaderAt(bigTSV(60000, 4))
	s := NewStepper([]File{f}, Options{})
	steps := 0
	for !s.Step(1) {
		steps++
	}
	ds, rep := s.Result()
	if ds == nil || ds.N != 60000 || steps < 3 {
		t.Fatalf("%d steps: %v", steps, rep.Diagnostics)
	}
	if done, total := s.Progress(); done != total || total != f.Size {
		t.Errorf("progress %d/%d, size %d", done, total, f.Size)
	}
}

// FuzzStreamed checks that reading a tensor through ReaderAt gives what reading it
// from memory gives. The prefix read up front is shrunk so that small inputs stream.
func FuzzStreamed(f *testing.F) {
	for _, b := range seedFiles(f, ".tsv", ".csv", ".vec", ".txt", ".bytes", ".npy") {
		f.Add(b, 0)
	}
	f.Fuzz(func(t *testing.T, data []byte, cut int) {
		saved := prefixSize
		defer func() { prefixSize = saved }()
		prefixSize = 1 + (cut&0xff)%max(len(data), 1)
		for _, name := range []string{"t.tsv", "t.bytes"} {
			if k := Classify(File{Name: name, Data: data}); (k == KindTensorText || k == KindText) && !utf8.Valid(data) {
				// Non-UTF-8 text is re-encoded whole in memory but label by label when
				// streamed, so the sampled window differs in bytes: not comparable.
				continue
			}
			mem := []File{{Name: name, Data: data}}
			want, wrep := Load(mem, Options{Shape: [2]int{0, 2}})
			got, grep := Load([]File{asReaderAt(mem[0])}, Options{Shape: [2]int{0, 2}})
			if (want == nil) != (got == nil) {
				t.Fatalf("%s: in memory %v (%v), streamed %v (%v)", name, want != nil, wrep.Diagnostics, got != nil, grep.Diagnostics)
			}
			if want == nil {
				continue
			}
			if got.N != want.N || got.D != want.D || !slices.Equal(got.Rows, want.Rows) {
				t.Fatalf("%s: %d×%d vs %d×%d", name, got.N, got.D, want.N, want.D)
			}
			for i := range got.Vectors {
				if math.Float32bits(got.Vectors[i]) != math.Float32bits(want.Vectors[i]) {
					t.Fatalf("%s: value %d: %v vs %v", name, i, got.Vectors[i], want.Vectors[i])
				}
			}
		}
	})
}
