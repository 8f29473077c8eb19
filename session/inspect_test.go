package session

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"
)

// readyDemo returns a session showing the demo digits (labels 0–9).
func readyDemo(t *testing.T) *Session {
	t.Helper()
	s := New()
	s.Open(demoFiles(t), "demo")
	runToEnd(t, s)
	return s
}

// settle runs Work until the inspector has nothing left to compute.
func settle(t *testing.T, s *Session) {
	t.Helper()
	for i := 0; i < 10000 && s.inspectorBusy(); i++ {
		s.Work(2 * time.Millisecond)
	}
	if s.inspectorBusy() {
		t.Fatal("inspector still busy")
	}
}

func control(t *testing.T, s *Session, name, value string) {
	t.Helper()
	if _, err := s.Control(name, value); err != nil {
		t.Fatalf("Control(%q, %q): %v", name, value, err)
	}
}

func TestSearchSubstringRegexAndColumn(t *testing.T) {
	s := readyDemo(t)
	labels := s.data.Columns[0].Values
	count := func(pred func(string) bool) int {
		n := 0
		for _, v := range labels {
			if pred(v) {
				n++
			}
		}
		return n
	}
	control(t, s, "search", "7")
	if s.Status().Search != nil && s.inspectorBusy() {
		t.Fatal("a running search is reported as applied")
	}
	settle(t, s)
	st := s.Status().Search
	want := count(func(v string) bool { return strings.Contains(v, "7") })
	if st == nil || st.Query != "7" || st.Column != -1 || st.Matches != want || want == 0 {
		t.Fatalf("search 7: %+v, want %d matches", st, want)
	}
	if v := s.Inspector(); len(v.Listed) != min(want, 100) || v.Listed[0].Label != labels[v.Listed[0].Index] {
		t.Fatalf("listed %d matches (first %+v), want %d", len(v.Listed), v.Listed[0], min(want, 100))
	}
	if v := s.Inspector(); !strings.HasPrefix(v.SearchText, fmt.Sprintf("%d matches, the first 100 listed.", want)) {
		t.Fatalf("search text %q for %d matches", v.SearchText, want)
	}
	control(t, s, "search", "/^[12]$/")
	settle(t, s)
	want = count(func(v string) bool { return v == "1" || v == "2" })
	if st := s.Status().Search; st.Matches != want {
		t.Fatalf("regex: %d matches, want %d", st.Matches, want)
	}
	control(t, s, "search-column", "0")
	settle(t, s)
	if st := s.Status().Search; st.Column != 0 || st.Matches != want {
		t.Fatalf("column 0: %+v", st)
	}
	if _, err := s.Control("search", "/([/"); err == nil {
		t.Fatal("a broken regular expression was accepted")
	}
	if _, err := s.Control("search-column", "9"); err == nil {
		t.Fatal("column 9 of 1 accepted")
	}
	// Enter selects every match; matches and selection are emphasised.
	control(t, s, "select-matches", "")
	if sel := s.Status().Selection; sel == nil || sel.Count != want || len(sel.Indices) != min(want, 1000) {
		t.Fatalf("selection after Enter: %+v, want %d", sel, want)
	}
	em := s.Emphasis()
	for i, v := range labels {
		hit := v == "1" || v == "2"
		if hit != (em[i] == EmphasisSelected) {
			t.Fatalf("row %d (%q): emphasis %d", i, v, em[i])
		}
		if !hit && em[i] != EmphasisDimmed {
			t.Fatalf("row %d not dimmed: %d", i, em[i])
		}
	}
	control(t, s, "search", "")
	if s.Status().Search != nil {
		t.Fatal("an empty query still reports a search")
	}
}

func TestContainsFold(t *testing.T) {
	for _, c := range []struct {
		s, sub string
		want   bool
	}{{"Hello World", "o w", true}, {"HELLO", "hello", true}, {"abc", "abcd", false}, {"", "a", false},
		{"Ärger", "är", true}, {"ไวน์แดง", "แดง", true}, {"straße", "SS", false}, {"x", "", true}} {
		if got := containsFold(c.s, strings.ToLower(c.sub)); got != c.want {
			t.Errorf("containsFold(%q, %q) = %v", c.s, c.sub, got)
		}
	}
}

func TestSelectionModesAndSurvival(t *testing.T) {
	s := readyDemo(t)
	control(t, s, "select", "5")
	control(t, s, "select", "+9")
	control(t, s, "select", "+5")
	if sel := s.Status().Selection; sel == nil || sel.Count != 1 || sel.Indices[0] != 9 {
		t.Fatalf("after 5, +9, +5: %+v", sel)
	}
	s.Select([]int{1, 2, 3, -1, 99999}, SelectAdd)
	s.Select([]int{2}, SelectRemove)
	if sel := s.Status().Selection; sel.Count != 3 || sel.Indices[0] != 1 || sel.Indices[1] != 3 || sel.Indices[2] != 9 {
		t.Fatalf("after add/remove: %+v", sel)
	}
	// Projection and colour changes keep it.
	control(t, s, "axis-x", "3")
	control(t, s, "color-by", "none")
	control(t, s, "dims", "3")
	if sel := s.Status().Selection; sel == nil || sel.Count != 3 {
		t.Fatalf("selection lost by a projection change: %+v", sel)
	}
	control(t, s, "select", "")
	if s.Status().Selection != nil {
		t.Fatal("clearing left a selection")
	}
	if em := s.Emphasis(); em[9] != EmphasisNone {
		t.Fatalf("nothing selected but emphasis %d", em[9])
	}
	// New data clears it.
	control(t, s, "select", "4")
	s.Open(demoFiles(t), "again")
	runToEnd(t, s)
	if s.Status().Selection != nil {
		t.Fatal("new data kept the old selection")
	}
}

func TestNeighboursOfASelectedPoint(t *testing.T) {
	s := readyDemo(t)
	d := s.data
	for _, metric := range []string{"cosine", "euclidean"} {
		control(t, s, "metric", metric)
		control(t, s, "neighbours", "25")
		control(t, s, "select", "42")
		if s.Status().Neighbours != nil && s.inspectorBusy() {
			t.Fatal("neighbours reported while computing")
		}
		settle(t, s)
		nb := s.Status().Neighbours
		if nb == nil || nb.Of != 42 || nb.K != 25 || nb.Metric != metric || len(nb.Indices) != 25 {
			t.Fatalf("%s: %+v", metric, nb)
		}
		// Brute force in float64.
		dist := make([]float64, d.N)
		x := func(i, t int) float64 { return float64(d.Vectors[i*d.D+t]) }
		for j := range dist {
			var dot, na, nb2, sq float64
			for k := 0; k < d.D; k++ {
				dot += x(42, k) * x(j, k)
				na += x(42, k) * x(42, k)
				nb2 += x(j, k) * x(j, k)
				sq += (x(42, k) - x(j, k)) * (x(42, k) - x(j, k))
			}
			if metric == "cosine" {
				dist[j] = 1 - dot/math.Sqrt(na*nb2)
			} else {
				dist[j] = math.Sqrt(sq)
			}
		}
		order := make([]int, 0, d.N)
		for j := range dist {
			if j != 42 {
				order = append(order, j)
			}
		}
		sort.SliceStable(order, func(a, b int) bool { return dist[order[a]] < dist[order[b]] })
		for r := 0; r < 25; r++ {
			if math.Abs(nb.Distances[r]-dist[order[r]]) > 1e-4 {
				t.Fatalf("%s neighbour %d: distance %g, brute force %g (row %d)", metric, r, nb.Distances[r], dist[order[r]], order[r])
			}
		}
		em := s.Emphasis()
		if em[42] != EmphasisSelected || em[nb.Indices[0]] != EmphasisNeighbour {
			t.Fatalf("emphasis of the point %d and its nearest %d", em[42], em[nb.Indices[0]])
		}
		if v := s.Inspector(); len(v.Neighbours) != 25 || v.Of.Index != 42 || v.Neighbours[0].Label != d.Columns[0].Values[nb.Indices[0]] {
			t.Fatalf("inspector view: of %+v, %d neighbours", v.Of, len(v.Neighbours))
		}
	}
	control(t, s, "select", "+43")
	if s.Status().Neighbours != nil {
		t.Fatal("two selected points still report neighbours")
	}
	for _, bad := range [][2]string{{"neighbours", "0"}, {"neighbours", "1001"}, {"neighbours", "x"}, {"metric", "manhattan"}, {"select", "1797"}} {
		if _, err := s.Control(bad[0], bad[1]); err == nil {
			t.Errorf("Control(%q, %q) accepted", bad[0], bad[1])
		}
	}
}

func TestEnterDuringASearchSelectsWhenItEnds(t *testing.T) {
	s := readyDemo(t)
	control(t, s, "search", "3")
	control(t, s, "select-matches", "") // before any Work: the search has not run
	if s.Status().Selection != nil {
		t.Fatal("selected before the search ran")
	}
	settle(t, s)
	st, sel := s.Status().Search, s.Status().Selection
	if st == nil || sel == nil || sel.Count != st.Matches || st.Matches == 0 {
		t.Fatalf("search %+v, selection %+v", st, sel)
	}
}

func TestIsolateAndShowAll(t *testing.T) {
	s := readyDemo(t)
	full := append([]float32(nil), s.Positions()...)
	// t-SNE first, run to the end, so Show all must bring its layout back.
	control(t, s, "method", "tsne")
	for i := 0; i < 200000 && s.runState != runDone; i++ {
		s.Work(5 * time.Millisecond)
	}
	if s.runState != runDone {
		t.Fatal("t-SNE did not finish")
	}
	tsneLayout := append([]float32(nil), s.Positions()...)
	control(t, s, "search", "/^7$/")
	control(t, s, "select-matches", "")
	settle(t, s)
	sevens := append([]int(nil), s.Status().Selection.Indices...)
	if _, err := s.Control("show-all", ""); err == nil {
		t.Fatal("show-all without isolation accepted")
	}
	control(t, s, "isolate", "")
	if iso, n := s.Isolated(); !iso || n != len(sevens) || s.Status().Points != n {
		t.Fatalf("isolated %v with %d points, want %d (status %d)", iso, n, len(sevens), s.Status().Points)
	}
	for i := 0; i < 200000 && s.Status().Phase != Ready; i++ {
		s.Work(5 * time.Millisecond)
	}
	if st := s.Status(); st.Phase != Ready || st.Method != "tsne" || len(s.Positions()) != 2*len(sevens) {
		t.Fatalf("the isolated t-SNE: %+v, %d positions", st, len(s.Positions()))
	}
	// Rows are the full data's: selecting row sevens[3] selects it.
	control(t, s, "select", fmt.Sprint(sevens[3]))
	settle(t, s)
	nb := s.Status().Neighbours
	if sel := s.Status().Selection; sel == nil || sel.Indices[0] != sevens[3] || nb == nil || nb.Of != sevens[3] {
		t.Fatalf("selection %+v, neighbours %+v, want row %d", sel, nb, sevens[3])
	}
	for _, r := range nb.Indices {
		if k := s.shownRow(r); k < 0 || s.data.Columns[0].Values[k] != "7" {
			t.Fatalf("a neighbour (row %d) is not among the isolated sevens", r)
		}
	}
	outside := 0
	for s.iso.full.Columns[0].Values[outside] == "7" {
		outside++
	}
	if _, err := s.Control("select", fmt.Sprint(outside)); err == nil {
		t.Fatal("selecting a row outside the isolated points was accepted")
	}
	control(t, s, "show-all", "")
	if iso, _ := s.Isolated(); iso || s.Status().Points != 1797 || s.Status().Method != "tsne" {
		t.Fatalf("after show-all: %+v", s.Status())
	}
	if !sameLayout(s.Positions(), tsneLayout) {
		t.Fatal("show-all did not restore the t-SNE layout as it was")
	}
	if sel := s.Status().Selection; sel == nil || sel.Count != 1 || sel.Indices[0] != sevens[3] {
		t.Fatalf("the selection did not survive show-all: %+v", sel)
	}
	control(t, s, "method", "pca")
	if !sameLayout(s.Positions(), full) {
		t.Fatal("the PCA layout changed")
	}
	if _, err := s.Control("isolate", ""); err == nil {
		t.Fatal("isolating one point accepted")
	}
}
