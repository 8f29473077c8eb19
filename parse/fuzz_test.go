package parse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedFiles returns the fixture files of testdata/cases whose name ends with one of exts.
func seedFiles(f *testing.F, exts ...string) [][]byte {
	var out [][]byte
	_ = filepath.Walk(filepath.Join("testdata", "cases"), func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		for _, e := range exts {
			if strings.HasSuffix(p, e) {
				b, err := os.ReadFile(p)
				if err == nil {
					out = append(out, b)
				}
				break
			}
		}
		return nil
	})
	if len(out) == 0 {
		f.Fatal("no seed fixtures found")
	}
	return out
}

// checkTensor asserts the invariants of a decoded tensor.
func checkTensor(t *testing.T, tt *tensor, r *reporter) {
	t.Helper()
	if tt == nil {
		if !r.blocking() {
			t.Fatalf("nil tensor without an error: %+v", r.diags)
		}
		return
	}
	if tt.n <= 0 || tt.d <= 0 || len(tt.vals) != tt.n*tt.d {
		t.Fatalf("tensor %d×%d with %d values", tt.n, tt.d, len(tt.vals))
	}
	for _, c := range tt.labels {
		if len(c.Values) != tt.n {
			t.Fatalf("label column %q has %d values for %d rows", c.Name, len(c.Values), tt.n)
		}
	}
}

func FuzzTextTensor(f *testing.F) {
	for _, b := range seedFiles(f, ".tsv", ".csv", ".txt", ".vec") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &reporter{}
		tt := parseTextTensor(File{Name: "t.tsv", Data: data}, Options{MaxBytes: 1 << 24}, r)
		checkTensor(t, tt, r)
		if tt != nil && len(tt.rows) != tt.n {
			t.Fatalf("%d row numbers for %d rows", len(tt.rows), tt.n)
		}
		// Every value comes from at least one byte of text.
		if tt != nil && len(tt.vals) > len(data) {
			t.Fatalf("%d values from %d bytes", len(tt.vals), len(data))
		}
	})
}

func FuzzMetadata(f *testing.F) {
	for _, b := range seedFiles(f, ".tsv") {
		f.Add(b, "")
	}
	f.Add([]byte("a\tb\n1\t2\n"), "no")
	f.Add([]byte("label\nx\n"), "yes")
	f.Fuzz(func(t *testing.T, data []byte, header string) {
		r := &reporter{}
		m := parseMetadata(File{Name: "m.tsv", Data: data}, Options{MetadataHeader: header}, r)
		if m == nil {
			return
		}
		for _, c := range m.cols {
			if len(c.Values) != m.n {
				t.Fatalf("column %q has %d values for %d rows", c.Name, len(c.Values), m.n)
			}
		}
		if m.n > len(data)+1 {
			t.Fatalf("%d rows from %d bytes", m.n, len(data))
		}
	})
}

func FuzzBytes(f *testing.F) {
	for _, b := range seedFiles(f, ".bytes") {
		f.Add(b, 0, 0, 3, "")
	}
	f.Add([]byte{0, 0, 128, 63, 0, 0, 0, 64}, 2, 1, 0, "float32")
	f.Add(make([]byte, 48), 3, 2, 0, "float64")
	f.Fuzz(func(t *testing.T, data []byte, n, d, metaRows int, dtype string) {
		if n < 0 || d < 0 || metaRows < 0 {
			return
		}
		r := &reporter{}
		opts := Options{Dtype: dtype, MaxBytes: 1 << 24}
		tt := parseBytes(File{Name: "t.bytes", Data: data}, shapeHint{shape: [2]int{n, d}, metaRows: metaRows}, opts, r)
		checkTensor(t, tt, r)
		if tt != nil && len(tt.vals)*2 > len(data) && dtype != "float16" {
			t.Fatalf("%d values from %d bytes", len(tt.vals), len(data))
		}
	})
}

func FuzzNpy(f *testing.F) {
	for _, b := range seedFiles(f, ".npy") {
		f.Add(b, 0)
	}
	f.Add([]byte("\x93NUMPY\x01\x00\x20\x00{'descr': '<f4', 'shape': (9999999999,9999999), 'fortran_order': True}"), 0)
	f.Fuzz(func(t *testing.T, data []byte, metaRows int) {
		if metaRows < 0 {
			return
		}
		r := &reporter{}
		tt := parseNpy(File{Name: "a.npy", Data: data}, shapeHint{metaRows: metaRows}, Options{MaxBytes: 1 << 24}, r)
		checkTensor(t, tt, r)
		if tt != nil && len(tt.vals) > len(data) {
			t.Fatalf("%d values from %d bytes", len(tt.vals), len(data))
		}
	})
}

func FuzzNpz(f *testing.F) {
	for _, b := range seedFiles(f, ".npz") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &reporter{}
		tt := parseNpz("a.npz", data, shapeHint{}, Options{MaxBytes: 1 << 24}, r)
		checkTensor(t, tt, r)
	})
}

func FuzzConfig(f *testing.F) {
	for _, b := range seedFiles(f, ".json", ".pbtxt") {
		f.Add(b)
	}
	if real, err := filepath.Glob(filepath.Join(sharedData, "real-configs", "*")); err == nil {
		for _, p := range real {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Neither decoder may panic; a nil config always comes with an error.
		if c, err := ParseConfigJSON(data); c == nil && err == nil {
			t.Fatal("nil JSON config without error")
		}
		if c, err := ParseConfigPbtxt(data); c == nil && err == nil {
			t.Fatal("nil pbtxt config without error")
		}
	})
}

// FuzzLoad feeds two arbitrary files (named like a tensor and its metadata) to Load.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"ok-tsv-single-column", "metadata-header-missing", "ok-bytes-metadata", "csv-pandas-index", "word2vec-header", "ok-multi-column-header"} {
		files := loadCase(f, name)
		if len(files) == 1 {
			files = append(files, File{Name: "none.tsv"})
		}
		f.Add(files[0].Name, files[0].Data, files[1].Name, files[1].Data)
	}
	// An event file recognised by content only, and a checkpoint whose TF2 key
	// has escaped local names.
	ev := eventsFixture(f, "ok-embedding-100x16-with-labels.tfevents", "run1.events")
	f.Add(ev.Name, ev.Data, "labels.tsv", []byte("a\nb\n"))
	ck := ckptFiles("m.ckpt-1", f32Tensor("m/d.Sb/e..v/.ATTRIBUTES/VARIABLE_VALUE", []int64{2, 2}, 1, 2, 3, 4))
	f.Add(ck[0].Name, ck[0].Data, ck[1].Name, ck[1].Data)
	f.Fuzz(func(t *testing.T, n1 string, d1 []byte, n2 string, d2 []byte) {
		ds, rep := Load([]File{{Name: n1, Data: d1}, {Name: n2, Data: d2}}, Options{MaxBytes: 1 << 24})
		for _, d := range rep.Diagnostics {
			if d.Code == "internal" {
				t.Fatalf("panic inside Load: %s", d.Message)
			}
		}
		if (ds == nil) != rep.Blocking() {
			t.Fatalf("dataset nil %v, blocking %v", ds == nil, rep.Blocking())
		}
		if ds != nil {
			if ds.N <= 0 || ds.D <= 0 || len(ds.Vectors) != ds.N*ds.D || len(ds.Rows) != ds.N {
				t.Fatalf("bad dataset %d×%d, %d values, %d rows", ds.N, ds.D, len(ds.Vectors), len(ds.Rows))
			}
			for _, c := range ds.Columns {
				if len(c.Values) != ds.N {
					t.Fatalf("column %q: %d values for %d points", c.Name, len(c.Values), ds.N)
				}
			}
		}
	})
}

func FuzzJSONRows(f *testing.F) {
	for _, b := range seedFiles(f, ".json", ".jsonl") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &reporter{}
		tt := parseJSONRows(File{Name: "rows.json", Data: data}, Options{MaxBytes: 1 << 24}, r)
		checkTensor(t, tt, r)
		if tt != nil && len(tt.vals) > len(data) {
			t.Fatalf("%d values from %d bytes", len(tt.vals), len(data))
		}
	})
}
