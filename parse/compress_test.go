package parse

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"slices"
	"testing"

	"github.com/klauspost/compress/zstd"
)

const t3 = "0.1\t0.2\n0.3\t0.4\n0.5\t0.6\n"

func zstdOf(t *testing.T, b []byte) []byte {
	t.Helper()
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	return enc.EncodeAll(b, nil)
}

func gzipOf(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func TestCompressed(t *testing.T) {
	npy := loadCase(t, "ok-npy-f4")[0].Data
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	w, _ := zw.Create("logs/vectors.tsv.zst")
	w.Write(zstdOf(t, []byte(t3)))
	w, _ = zw.Create("logs/labels.tsv")
	w.Write([]byte("a\nb\nc\n"))
	zw.Close()
	cases := []struct {
		name        string
		files       []File
		format, wrp string
		cols        int
	}{
		{"zstd tsv", []File{{Name: "v.tsv.zst", Data: zstdOf(t, []byte(t3))}}, "tsv", "zstd", 0},
		{"zstd without suffix", []File{{Name: "v.tsv", Data: zstdOf(t, []byte(t3))}}, "tsv", "zstd", 0},
		{"gzip npy", []File{{Name: "e.npy.gz", Data: gzipOf(t, npy)}}, "npy", "gzip", 0},
		{"gzip of zstd", []File{{Name: "v.tsv.zst.gz", Data: gzipOf(t, zstdOf(t, []byte(t3)))}}, "tsv", "zstd", 0},
		{"zstd metadata", []File{{Name: "v.tsv", Data: []byte(t3)}, {Name: "l.tsv.zst", Data: zstdOf(t, []byte("a\nb\nc\n"))}}, "tsv", "", 1},
		{"zip holding zstd", []File{{Name: "run.zip", Data: zbuf.Bytes()}}, "tsv", "zstd", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ds, rep := Load(c.files, Options{})
			if ds == nil {
				t.Fatal(rep.Diagnostics)
			}
			if ds.N != 3 || ds.D != 2 || ds.Format != c.format || ds.Compression != c.wrp || len(ds.Columns) != c.cols {
				t.Errorf("%d×%d %s %q cols %d", ds.N, ds.D, ds.Format, ds.Compression, len(ds.Columns))
			}
		})
	}
}

func TestDecompressionBomb(t *testing.T) {
	// 64 MiB of zeros compresses to a few KiB; the limit must stop it before it is all in memory.
	big := make([]byte, 64<<20)
	for _, f := range []File{{Name: "z.tsv.gz", Data: gzipOf(t, big)}, {Name: "z.tsv.zst", Data: zstdOf(t, big)}} {
		ds, rep := Load([]File{f}, Options{MaxBytes: 1 << 20})
		if ds != nil || !rep.Blocking() || rep.Diagnostics[0].Code != "too-large" {
			t.Errorf("%s: %+v", f.Name, rep.Diagnostics)
		}
	}
	big = nil
}

func TestBrokenCompressed(t *testing.T) {
	gz := gzipOf(t, []byte(t3))
	ds, rep := Load([]File{{Name: "v.tsv.gz", Data: gz[:len(gz)-6]}}, Options{})
	if ds != nil || !rep.Blocking() || rep.Diagnostics[0].Code != CodeArchiveBroken {
		t.Errorf("truncated gzip: %+v", rep.Diagnostics)
	}
}

func TestChooseEmbedding(t *testing.T) {
	files := loadCase(t, "ok-config-two-embeddings")
	ds, rep := Load(files, Options{Embedding: 1})
	if ds == nil {
		t.Fatal(rep.Diagnostics)
	}
	if ds.N != 2 || ds.D != 3 || ds.Embedding != 1 || len(ds.Embeddings) != 2 || ds.Columns[0].Values[1] != "y" {
		t.Errorf("embedding 1: %d×%d, %d of %v, cols %+v", ds.N, ds.D, ds.Embedding, ds.Embeddings, ds.Columns)
	}
	if len(rep.Embeddings) != 2 || rep.Embeddings[1] != "second" {
		t.Errorf("report embeddings %v", rep.Embeddings)
	}
	ds, rep = Load(files, Options{Embedding: 5})
	if ds == nil || ds.Embedding != 0 {
		t.Fatalf("out-of-range embedding: %v", rep.Diagnostics)
	}
}

func TestBookmarks(t *testing.T) {
	cfg := `{"embeddings":[{"tensorName":"t","tensorPath":"t.tsv","bookmarksPath":"bookmarks.txt"}]}`
	bm := `[{"label":"view 1"}]`
	ds, rep := Load([]File{{Name: "projector_config.json", Data: []byte(cfg)}, {Name: "t.tsv", Data: []byte(t3)}, {Name: "bookmarks.txt", Data: []byte(bm)}}, Options{})
	if ds == nil || ds.BookmarksFile != "bookmarks.txt" || string(ds.Bookmarks) != bm {
		t.Fatalf("bookmarks not read: %+v", rep.Diagnostics)
	}
	// A missing bookmarks file is a warning, not a block.
	ds, rep = Load([]File{{Name: "projector_config.json", Data: []byte(cfg)}, {Name: "t.tsv", Data: []byte(t3)}}, Options{})
	if ds == nil || rep.Diagnostics[0].Code != "config-missing-file" || rep.Diagnostics[0].Severity != Warning {
		t.Fatalf("missing bookmarks: %+v", rep.Diagnostics)
	}
}

// TestOfferOtherEmbedding: when the default (first) embedding's files are not
// here, the first one that can be drawn is shown and the other is reported as
// a warning; when the user asks for an embedding whose files are absent, the
// error offers one that can be drawn.
func TestOfferOtherEmbedding(t *testing.T) {
	cfg := `{"embeddings":[{"tensorName":"remote","tensorPath":"https://example.org/a.tsv"},{"tensorName":"local","tensorPath":"b.tsv"}]}`
	files := []File{{Name: "projector_config.json", Data: []byte(cfg)}, {Name: "b.tsv", Data: []byte(t3)}}
	ds, rep := Load(files, Options{})
	if ds == nil || ds.N != 3 || ds.Embedding != 1 {
		t.Fatalf("the local embedding was not shown: %+v", rep.Diagnostics)
	}
	if !slices.ContainsFunc(rep.Diagnostics, func(d Diagnostic) bool { return d.Code == CodeConfigURL && d.Severity == Warning }) {
		t.Errorf("the remote embedding is not reported: %+v", rep.Diagnostics)
	}
	cfg = `{"embeddings":[{"tensorName":"local","tensorPath":"b.tsv"},{"tensorName":"remote","tensorPath":"https://example.org/a.tsv"}]}`
	files[0].Data = []byte(cfg)
	ds, rep = Load(files, Options{Embedding: 1})
	if ds != nil {
		t.Fatal("loaded the remote embedding")
	}
	var action string
	for _, d := range rep.Diagnostics {
		if d.Code == CodeConfigURL && d.Severity == Error {
			action = d.Action
		}
	}
	if action != "embedding=0" {
		t.Fatalf("action %q, want embedding=0: %+v", action, rep.Diagnostics)
	}
	opts, _ := Options{}.Apply(action)
	if ds, rep = Load(files, opts); ds == nil || ds.N != 3 {
		t.Fatalf("after choosing the local embedding: %v", rep.Diagnostics)
	}
}
