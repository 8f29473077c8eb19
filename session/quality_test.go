package session

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/embproj/projector/render/view"
)

// bruteNeighbours is the k nearest rows of every row of the n×d x, by
// squared euclidean distance in float64, equal distances by index.
func bruteNeighbours(x []float32, n, d, k int) [][]int {
	out := make([][]int, n)
	dist := make([]float64, n)
	for i := 0; i < n; i++ {
		idx := make([]int, 0, n-1)
		for j := 0; j < n; j++ {
			s := 0.0
			for a := 0; a < d; a++ {
				v := float64(x[i*d+a]) - float64(x[j*d+a])
				s += v * v
			}
			dist[j] = s
			if j != i {
				idx = append(idx, j)
			}
		}
		sort.SliceStable(idx, func(a, b int) bool { return dist[idx[a]] < dist[idx[b]] })
		out[i] = idx[:k]
	}
	return out
}

// bruteRecall is every point's share of its k input neighbours among its k
// layout neighbours.
func bruteRecall(x []float32, n, d int, pos []float32, dims, k int) []float64 {
	in, on := bruteNeighbours(x, n, d, k), bruteNeighbours(pos, n, dims, k)
	out := make([]float64, n)
	for i := range out {
		kept := 0
		for _, j := range in[i] {
			if slices.Contains(on[i], j) {
				kept++
			}
		}
		out[i] = float64(kept) / float64(k)
	}
	return out
}

// untilQuality runs Work until the quality is known.
func untilQuality(t *testing.T, s *Session) *QualityStatus {
	t.Helper()
	for i := 0; i < 100000; i++ {
		if q := s.Status().Quality; q != nil && q.Done {
			return q
		}
		s.Work(5 * time.Millisecond)
	}
	t.Fatalf("the quality was never computed: %+v", s.Status().Quality)
	return nil
}

func checkQuality(t *testing.T, s *Session, what string, q *QualityStatus) {
	t.Helper()
	d := s.data
	want := bruteRecall(d.Vectors, d.N, d.D, s.Positions(), s.LayoutDims(), 10)
	got := s.QualityValues()
	if !slices.Equal(got, want) {
		diff := 0
		for i := range want {
			if i < len(got) && got[i] != want[i] {
				diff++
			}
		}
		t.Fatalf("%s: %d of %d points' quality differ from brute force", what, diff, len(want))
	}
	mean := 0.0
	for _, v := range want {
		mean += v
	}
	mean /= float64(len(want))
	if q.K != 10 || math.Abs(q.Mean-mean) > 1e-12 || !q.Exact {
		t.Errorf("%s: status %+v, want mean %g", what, q, mean)
	}
	title, legend := s.Legend()
	if !strings.Contains(title, strconv.FormatFloat(mean, 'f', 3, 64)) || len(legend) < 3 {
		t.Errorf("%s: legend %q %v", what, title, legend)
	}
	for i, c := range s.Colors() {
		if c != view.Ramp(want[i]) {
			t.Fatalf("%s: point %d coloured %v, want the ramp at %g", what, i, c, want[i])
		}
	}
	t.Logf("%s: mean recall@10 %.4f (exact %v, reused %v)", what, q.Mean, q.Exact, q.Reused)
}

// The digits' PCA and t-SNE: every point's quality equals a brute-force
// recall@10; the t-SNE's neighbours are reused; a new layout is measured
// again, and the quality is exported with the coordinates.
func TestQualityMatchesBruteForce(t *testing.T) {
	s := readyDemo(t)
	control(t, s, "color-by", "quality")
	if q := s.Status().Quality; q == nil || q.Done {
		t.Fatalf("quality at once: %+v", q)
	}
	if c := s.Colors()[0]; c != view.OtherColor {
		t.Errorf("colour before the quality is known: %v", c)
	}
	q := untilQuality(t, s)
	checkQuality(t, s, "PCA", q)
	if q.Reused {
		t.Error("PCA reused neighbours it has not got")
	}
	pca := slices.Clone(s.QualityValues())
	if tip := s.Tooltip(5)[0]; tip != fmt.Sprintf("%d of 10 neighbours kept  (point 6)", int(math.Round(pca[5]*10))) {
		t.Errorf("tooltip %q for quality %g", tip, pca[5])
	}

	control(t, s, "axis-y", "3")
	if q := s.Status().Quality; q.Done && s.QualityValues() != nil {
		t.Fatal("the quality of the old layout is still given for the new one")
	}
	q = untilQuality(t, s)
	checkQuality(t, s, "PCA 1 and 3", q)
	if slices.Equal(pca, s.QualityValues()) {
		t.Error("another layout, the same quality")
	}

	control(t, s, "method", "tsne")
	runToEnd(t, s)
	q = untilQuality(t, s)
	checkQuality(t, s, "t-SNE", q)
	if q.Reused || q.Mean < 0.5 {
		t.Errorf("t-SNE: %+v, want the neighbours found for the PCA and a mean over 0.5", q)
	}

	_, _, b, err := s.Export(ExportTSV, false)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = '\t'
	recs, err := r.ReadAll()
	if err != nil || strings.Join(recs[0], "|") != "index|x|y|label|recall@10" {
		t.Fatalf("export header %q (%v)", recs[0], err)
	}
	for i, rec := range recs[1:] {
		if v, _ := strconv.ParseFloat(rec[4], 64); v != s.QualityValues()[i] {
			t.Fatalf("row %d exports quality %q, want %g", i, rec[4], s.QualityValues()[i])
		}
	}
	// A view coloured by quality comes back coloured by quality.
	st, err := s.State()
	if err != nil || st.ColorBy != colorQuality {
		t.Fatalf("a view coloured by quality saves colorBy %d (%v)", st.ColorBy, err)
	}
	b2 := readyDemo(t)
	if _, err := b2.ApplyState(st); err != nil {
		t.Fatal(err)
	}
	if q := untilQuality(t, b2); !slices.Equal(b2.QualityValues(), s.QualityValues()) {
		t.Errorf("the view's quality colouring came back as %+v, values differ", q)
	}
	control(t, s, "color-by", "0")
	if s.Status().Quality != nil {
		t.Error("the quality is still in the status once coloured by a column")
	}
}

// Coloured by quality after a t-SNE run: its neighbour search is reused.
func TestQualityReusesTSNENeighbours(t *testing.T) {
	s := readyDemo(t)
	control(t, s, "method", "tsne")
	runToEnd(t, s)
	control(t, s, "color-by", "quality")
	q := untilQuality(t, s)
	checkQuality(t, s, "t-SNE", q)
	if !q.Reused {
		t.Errorf("t-SNE: %+v, want its neighbours reused", q)
	}
}

// Isolating while coloured by quality measures the subset's own layout.
func TestQualityOfIsolatedSubset(t *testing.T) {
	s := readyDemo(t)
	control(t, s, "color-by", "quality")
	untilQuality(t, s)
	rows := make([]int, 0, 300)
	for i := 0; i < 300; i++ {
		rows = append(rows, i)
	}
	s.Select(rows, SelectReplace)
	control(t, s, "isolate", "")
	runToEnd(t, s)
	q := untilQuality(t, s)
	checkQuality(t, s, "isolated 300", q)
	if len(s.Colors()) != 300 {
		t.Fatalf("%d colours for 300 points", len(s.Colors()))
	}
}

// With a worker (a RemoteIndex factory), the input neighbours of the
// quality are searched there, and give the same values as the search here;
// when the worker fails, the search runs here.
func TestQualityInputNeighboursInTheWorker(t *testing.T) {
	local := readyDemo(t)
	control(t, local, "color-by", "quality")
	untilQuality(t, local)

	s, made := remoteDemo(t, 4)
	before := len(*made)
	control(t, s, "color-by", "quality")
	q := untilQuality(t, s)
	if len(*made) != before+1 {
		t.Fatalf("%d remote indexes made for the quality, want 1", len(*made)-before)
	}
	f := (*made)[before]
	if f.queries != 1 || !f.closed || f.x[0] != s.input()[0] {
		t.Errorf("the quality's remote search: %d queries, closed %v", f.queries, f.closed)
	}
	if !q.Exact || q.Reused || !q.Worker || !slices.Equal(s.QualityValues(), local.QualityValues()) {
		t.Errorf("quality through the worker %+v differs from the search here", q)
	}

	// A worker that fails: the search runs here, with the same result.
	s2, made2 := remoteDemo(t, 4)
	s2.SetRemoteIndexFactory(func(x []float32, n, d int) RemoteIndex {
		f := &fakeRemote{x: x, n: n, d: d, piece: len(x), failWith: errors.New("worker gone")}
		*made2 = append(*made2, f)
		return f
	})
	control(t, s2, "color-by", "quality")
	if q := untilQuality(t, s2); q.Worker {
		t.Error("a failed worker search is reported as the worker's")
	}
	if last := (*made2)[len(*made2)-1]; !last.closed || !slices.Equal(s2.QualityValues(), local.QualityValues()) {
		t.Errorf("after a failing worker: closed %v, values equal %v", last.closed, slices.Equal(s2.QualityValues(), local.QualityValues()))
	}
}
