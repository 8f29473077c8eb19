package session

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/embproj/projector/parse"
)

func TestCoordinateColumns(t *testing.T) {
	num := []string{"1.5", "-2", "3e2"}
	text := []string{"a", "b", "c"}
	cases := []struct {
		names []string
		text  []int // columns holding text instead of numbers
		want  []int
	}{
		{[]string{"label", "x", "y"}, nil, []int{1, 2}},
		{[]string{"y", "x", "z", "label"}, nil, []int{1, 0, 2}},
		{[]string{"X", "Y"}, nil, []int{0, 1}},
		{[]string{"umap_1", "umap_2", "label"}, nil, []int{0, 1}},
		{[]string{"tsne-2d-one", "tsne-2d-two", "y"}, nil, []int{0, 1}},
		{[]string{"pca-0", "pca-1", "pca-2"}, nil, []int{0, 1, 2}},
		{[]string{"PC1", "PC2", "PC3", "PC4"}, nil, []int{0, 1, 2}},
		{[]string{"UMAP 1", "UMAP 2"}, nil, []int{0, 1}},
		{[]string{"label", "tsne_x", "tsne_y"}, nil, []int{1, 2}},
		{[]string{"pca-0", "pca-1", "x", "y", "z"}, nil, []int{2, 3, 4}}, // three beat two
		{[]string{"x", "y"}, []int{1}, nil},                              // y is text
		{[]string{"x"}, nil, nil},                                        // one axis
		{[]string{"score_1", "score_2"}, nil, nil},                       // not a projection's name
		{[]string{"index", "max"}, nil, nil},
		{[]string{"1", "2"}, nil, nil}, // bare numbers
		{[]string{"label", "class"}, nil, nil},
	}
	for _, c := range cases {
		values := make([][]string, len(c.names))
		for i := range values {
			values[i] = num
			if slices.Contains(c.text, i) {
				values[i] = text
			}
		}
		if got := CoordinateColumns(c.names, values); !slices.Equal(got, c.want) {
			t.Errorf("%q (text %v): %v, want %v", c.names, c.text, got, c.want)
		}
	}
	if got := CoordinateColumns([]string{"x", "y"}, [][]string{{"1", "NaN"}, {"1", "2"}}); got != nil {
		t.Errorf("a NaN coordinate: %v", got)
	}
}

// xyFiles is a tensor of n points and metadata whose x and y columns hold a
// precomputed layout: point i at (i·0.25 − 3, (i mod 7)·1.5).
func xyFiles(n int) []parse.File {
	var tensor, meta strings.Builder
	meta.WriteString("label\tx\ty\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&tensor, "%d\t%d\t%d\n", i%5, i%3, i*i%11)
		fmt.Fprintf(&meta, "p%d\t%g\t%g\n", i, float64(i)*0.25-3, float64(i%7)*1.5)
	}
	return []parse.File{{Name: "v.tsv", Data: []byte(tensor.String())}, {Name: "m.tsv", Data: []byte(meta.String())}}
}

func TestColumnsMethodDrawsThePrecomputedLayout(t *testing.T) {
	s := New()
	s.Open(xyFiles(40), "xy")
	runToEnd(t, s)
	if c := s.Controls(); c.CoordinateColumns != 2 {
		t.Fatalf("controls %+v: want 2 coordinate columns offered", c)
	}
	ch, err := s.Control("method", "columns")
	if err != nil || !ch.Refit || !ch.Points {
		t.Fatalf("method columns: %v %+v", err, ch)
	}
	want := make([]float32, 0, 80)
	for i := 0; i < 40; i++ {
		want = append(want, float32(float64(i)*0.25-3), float32(float64(i%7)*1.5))
	}
	st := s.Status()
	if !slices.Equal(s.Positions(), want) || s.LayoutDims() != 2 || st.Phase != Ready || st.Method != "columns" ||
		!strings.Contains(s.Sentence(), "precomputed coordinates x, y") {
		t.Fatalf("layout %v, status %+v, %q", s.Positions()[:6], st, s.Sentence())
	}
	if _, err := s.Control("dims", "3"); err == nil {
		t.Error("dims 3 accepted for two precomputed columns")
	}
	saved, err := s.State()
	if err != nil || saved.Method != MethodColumns || saved.Dims != 2 {
		t.Fatalf("state %v %v", saved.Method, err)
	}
	b := New()
	b.Open(xyFiles(40), "xy")
	runToEnd(t, b)
	if _, err := b.ApplyState(viaJSON(t, saved)); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(b.Positions(), want) || b.Status().Method != "columns" {
		t.Error("the columns view did not come back")
	}
	control(t, s, "method", "pca")
	runToEnd(t, s)
	if slices.Equal(s.Positions(), want) {
		t.Error("PCA drew the precomputed layout")
	}

	none := readyDemo(t)
	if _, err := none.Control("method", "columns"); err == nil || none.Controls().CoordinateColumns != 0 {
		t.Errorf("the demo has no coordinate columns: %v", err)
	}
}

// A CSV tensor whose header names umap_1 and umap_2 among its columns: those
// dimensions are offered and drawn as they are.
func TestColumnsFromTheTensorHeader(t *testing.T) {
	var b strings.Builder
	b.WriteString("word,f1,umap_1,umap_2\n")
	var want []float32
	for i := 0; i < 30; i++ {
		u1, u2 := float32(i)*0.5+0.25, float32(i%4)-1.5
		fmt.Fprintf(&b, "w%d,%g,%g,%g\n", i, float32(i%3)+0.5, u1, u2)
		want = append(want, u1, u2)
	}
	s := New()
	s.Open([]parse.File{{Name: "t.csv", Data: []byte(b.String())}}, "csv")
	runToEnd(t, s)
	if s.Controls().CoordinateColumns != 2 {
		t.Fatalf("the header's umap_1, umap_2 are not offered (dims %q)", s.data.DimNames)
	}
	control(t, s, "method", "columns")
	if !slices.Equal(s.Positions(), want) || !strings.Contains(s.Sentence(), "coordinates umap_1, umap_2") {
		t.Errorf("layout %v…, %q", s.Positions()[:4], s.Sentence())
	}
}
