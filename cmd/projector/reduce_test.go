package main

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/embproj/projector/parse"
	"github.com/embproj/projector/reduce"
)

// writeClusters writes a TSV tensor of n points in d dims around 3 centres
// and returns its path and the vectors.
func writeClusters(t *testing.T, n, d int) (string, []float32) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	var sb strings.Builder
	x := make([]float32, n*d)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			v := float32(float64(10*(i%3)*(j%2)) + rng.NormFloat64())
			v = float32(math.Round(float64(v)*1000) / 1000)
			x[i*d+j] = v
			if j > 0 {
				sb.WriteByte('\t')
			}
			sb.WriteString(strconv.FormatFloat(float64(v), 'g', -1, 32))
		}
		sb.WriteByte('\n')
	}
	p := filepath.Join(t.TempDir(), "vectors.tsv")
	if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p, x
}

// readTSV parses the command's output into rows of floats.
func readTSV(t *testing.T, s string) [][]float64 {
	t.Helper()
	var rows [][]float64
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		var row []float64
		for _, f := range strings.Split(line, "\t") {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatalf("output line %q: %v", line, err)
			}
			row = append(row, v)
		}
		rows = append(rows, row)
	}
	return rows
}

func TestReducePCAMatchesLibrary(t *testing.T) {
	path, x := writeClusters(t, 60, 5)
	var out, errb bytes.Buffer
	if code := run([]string{"reduce", "--method", "pca", "--quiet", path}, &out, &errb); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errb.String())
	}
	rows := readTSV(t, out.String())
	p := reduce.NewPCA(x, 60, 5, reduce.PCAConfig{Components: 2})
	for !p.Step() {
	}
	want := p.Positions()
	if len(rows) != 60 {
		t.Fatalf("%d output rows, want 60", len(rows))
	}
	for i, r := range rows {
		if len(r) != 2 {
			t.Fatalf("row %d has %d columns, want 2", i, len(r))
		}
		for c, v := range r {
			if float32(v) != want[i*2+c] {
				t.Fatalf("row %d col %d: %v, library gives %v", i, c, v, want[i*2+c])
			}
		}
	}
}

func TestReduceTSNESeededAndOutFile(t *testing.T) {
	path, _ := writeClusters(t, 90, 4)
	dir := t.TempDir()
	outs := make([]string, 2)
	for k := range outs {
		f := filepath.Join(dir, fmt.Sprintf("out%d.tsv", k))
		var out, errb bytes.Buffer
		// The second run shares the iterations among 4 goroutines: same output.
		workers := []string{"1", "4"}[k]
		args := []string{"reduce", "--method=tsne", "--dims", "3", "--perplexity", "10", "--iterations", "60", "--seed", "5", "--workers", workers, "--out", f, path}
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("exit %d, stderr %s", code, errb.String())
		}
		if out.Len() != 0 {
			t.Errorf("with --out, standard output should be empty, got %q", out.String())
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		outs[k] = string(b)
	}
	if outs[0] != outs[1] {
		t.Error("same seed, 1 and 4 workers: different output")
	}
	rows := readTSV(t, outs[0])
	if len(rows) != 90 || len(rows[0]) != 3 {
		t.Fatalf("%d rows of %d columns, want 90 of 3", len(rows), len(rows[0]))
	}
}

// The PCA's passes shared among 1 or 3 goroutines give the same output.
func TestReducePCAWorkers(t *testing.T) {
	path, _ := writeClusters(t, 1000, 70)
	outs := make([]string, 2)
	for k, workers := range []string{"1", "3"} {
		var out, errb bytes.Buffer
		args := []string{"reduce", "--method", "pca", "--spherize", "--seed", "2", "--workers", workers, "--quiet", path}
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("exit %d, stderr %s", code, errb.String())
		}
		outs[k] = out.String()
	}
	if outs[0] != outs[1] {
		t.Error("same seed, 1 and 3 workers: different output")
	}
	if rows := readTSV(t, outs[0]); len(rows) != 1000 || len(rows[0]) != 2 {
		t.Fatalf("%d rows of %d columns, want 1000 of 2", len(rows), len(rows[0]))
	}
}

func TestReduceUMAPMatchesLibrary(t *testing.T) {
	path, x := writeClusters(t, 90, 4)
	for _, tc := range []struct {
		args []string
		cfg  reduce.UMAPConfig
	}{
		// 3 goroutines search the neighbours here, 1 in the library: same layout.
		{[]string{"--epochs", "40", "--seed", "3", "--workers", "3"}, reduce.UMAPConfig{Epochs: 40, Seed: 3}},
		{[]string{"--dims=3", "--metric", "cosine", "--neighbors", "8", "--min-dist", "0", "--spread", "2",
			"--epochs", "30", "--negative-sample-rate", "3", "--learning-rate", "0.5"},
			reduce.UMAPConfig{Dims: 3, Metric: reduce.Cosine, Neighbors: 8, MinDist: -1, Spread: 2,
				Epochs: 30, NegativeSampleRate: 3, LearningRate: 0.5}},
	} {
		var out, errb bytes.Buffer
		args := append([]string{"reduce", "--method", "umap", "--quiet"}, tc.args...)
		if code := run(append(args, path), &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d, stderr %s", tc.args, code, errb.String())
		}
		u := reduce.NewUMAP(x, 90, 4, tc.cfg)
		for !u.Step() {
		}
		want, dims := u.Positions(), u.Dims()
		rows := readTSV(t, out.String())
		if len(rows) != 90 || len(rows[0]) != dims {
			t.Fatalf("%v: %d rows of %d columns, want 90 of %d", tc.args, len(rows), len(rows[0]), dims)
		}
		for i, r := range rows {
			for c, v := range r {
				if float32(v) != want[i*dims+c] {
					t.Fatalf("%v: row %d col %d: %v, library gives %v", tc.args, i, c, v, want[i*dims+c])
				}
			}
		}
	}
}

func TestReduceUMAPReportsPhases(t *testing.T) {
	path, _ := writeClusters(t, 60, 3)
	var out, errb bytes.Buffer
	if code := run([]string{"reduce", "--method", "umap", "--epochs", "150", path}, &out, &errb); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errb.String())
	}
	for _, want := range []string{"UMAP neighbours", "UMAP fuzzy-set", "UMAP optimizing", " / 150\n", "UMAP 150 epochs"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb.String())
		}
	}
}

func TestReduceExitCodes(t *testing.T) {
	path, _ := writeClusters(t, 20, 3)
	bad := filepath.Join(t.TempDir(), "ragged.tsv")
	if err := os.WriteFile(bad, []byte("1\t2\t3\n4\t5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"no path", []string{"--method", "pca"}, 2},
		{"bad method", []string{"--method", "lda", path}, 2},
		{"bad neighbors", []string{"--method", "umap", "--neighbors", "1", path}, 2},
		{"negative min-dist", []string{"--method", "umap", "--min-dist", "-0.1", path}, 2},
		{"zero spread", []string{"--method", "umap", "--spread", "0", path}, 2},
		{"zero epochs", []string{"--method", "umap", "--epochs", "0", path}, 2},
		{"bad dims", []string{"--dims", "4", path}, 2},
		{"bad number", []string{"--perplexity", "x", path}, 2},
		{"missing value", []string{path, "--seed"}, 2},
		{"unknown flag", []string{"--frobnicate", path}, 2},
		{"missing file", []string{filepath.Join(t.TempDir(), "nope.tsv")}, 2},
		{"blocking data error", []string{"--quiet", bad}, 1},
		{"help", []string{"--help"}, 0},
		{"ok", []string{"--quiet", path}, 0},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		if code := run(append([]string{"reduce"}, c.args...), &out, &errb); code != c.code {
			t.Errorf("%s: exit %d, want %d (stderr %q)", c.name, code, c.code, errb.String())
		}
	}
}

// TestReduceStreamsLargeFile: reduce opens its inputs as validate does
// (read piece by piece through ReaderAt); on a tensor file of a few MB the
// coordinates are those of the same file loaded whole into memory.
func TestReduceStreamsLargeFile(t *testing.T) {
	const n, d = 4000, 96
	path, _ := writeClusters(t, n, d)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 2<<20 {
		t.Fatalf("test file is %d bytes, want a few MB", len(data))
	}
	ds, rep := parse.Load([]parse.File{{Name: filepath.Base(path), Data: data}}, parse.Options{})
	if ds == nil || rep.Blocking() || ds.N != n || ds.D != d {
		t.Fatalf("whole-file load: %v, %+v", ds, rep.Diagnostics)
	}
	p := reduce.NewPCA(ds.Vectors, n, d, reduce.PCAConfig{Components: 3, Seed: 4})
	for !p.Step() {
	}
	want := p.Positions()

	var out, errb bytes.Buffer
	if code := run([]string{"reduce", path, "--dims", "3", "--seed", "4", "--quiet"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errb.String())
	}
	rows := readTSV(t, out.String())
	if len(rows) != n {
		t.Fatalf("%d output rows, want %d", len(rows), n)
	}
	for i, r := range rows {
		for c, v := range r {
			if float32(v) != want[i*3+c] {
				t.Fatalf("row %d col %d: %v, whole-file load gives %v", i, c, v, want[i*3+c])
			}
		}
	}
}
