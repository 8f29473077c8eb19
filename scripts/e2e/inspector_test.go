package e2e

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// wordsDataset writes n points of d dims in 6 clusters with unique labels
// word0…word{n−1} and a class column; it returns the two paths and the vectors.
func wordsDataset(t *testing.T, n, d int) (tensor, meta string, x [][]float64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 8))
	centres := make([][]float64, 6)
	for c := range centres {
		centres[c] = make([]float64, d)
		for k := range centres[c] {
			centres[c][k] = rng.NormFloat64() * 4
		}
	}
	var tv, mv strings.Builder
	mv.WriteString("word\tclass\n")
	for i := 0; i < n; i++ {
		c := i % 6
		row := make([]float64, d)
		for k := range row {
			row[k] = float64(float32(centres[c][k] + rng.NormFloat64()))
			if k > 0 {
				tv.WriteByte('\t')
			}
			fmt.Fprintf(&tv, "%g", float32(row[k]))
		}
		tv.WriteByte('\n')
		x = append(x, row)
		fmt.Fprintf(&mv, "word%d\tc%d\n", i, c)
	}
	dir := t.TempDir()
	tensor, meta = filepath.Join(dir, "vectors.tsv"), filepath.Join(dir, "metadata.tsv")
	if err := os.WriteFile(tensor, []byte(tv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(meta, []byte(mv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return tensor, meta, x
}

// bruteNeighbours ranks all other rows by distance to row i.
func bruteNeighbours(x [][]float64, i int, metric string) (rows []int, dist []float64) {
	all := make([]float64, len(x))
	for j := range x {
		var dot, na, nb, sq float64
		for k := range x[i] {
			dot += x[i][k] * x[j][k]
			na += x[i][k] * x[i][k]
			nb += x[j][k] * x[j][k]
			sq += (x[i][k] - x[j][k]) * (x[i][k] - x[j][k])
		}
		if metric == "cosine" {
			all[j] = 1 - dot/math.Sqrt(na*nb)
		} else {
			all[j] = math.Sqrt(sq)
		}
		if j != i {
			rows = append(rows, j)
		}
	}
	sort.SliceStable(rows, func(a, b int) bool { return all[rows[a]] < all[rows[b]] })
	for _, r := range rows {
		dist = append(dist, all[r])
	}
	return rows, dist
}

func checkNeighbours(t *testing.T, st status, x [][]float64, of, k int, metric string) {
	t.Helper()
	nb := st.Neighbours
	if nb == nil || nb.Of != of || nb.K != k || nb.Metric != metric || len(nb.Indices) != k || len(nb.Distances) != k {
		t.Fatalf("neighbours %+v, want %d %s neighbours of %d", nb, k, metric, of)
	}
	rows, dist := bruteNeighbours(x, of, metric)
	for r := 0; r < k; r++ {
		if math.Abs(nb.Distances[r]-dist[r]) > 1e-4*(1+dist[r]) {
			t.Fatalf("%s neighbour %d: distance %g, brute force %g", metric, r, nb.Distances[r], dist[r])
		}
		if nb.Indices[r] != rows[r] && math.Abs(dist[r]-dist[min(r+1, len(dist)-1)]) > 1e-6 && math.Abs(dist[r]-dist[max(r-1, 0)]) > 1e-6 {
			t.Fatalf("%s neighbour %d is row %d, brute force row %d", metric, r, nb.Indices[r], rows[r])
		}
	}
}

func TestSearchSelectNeighbours(t *testing.T) {
	_, ctx := demoPage(t)
	tensor, meta, x := wordsDataset(t, 600, 12)
	upload(t, ctx, tensor, meta)
	waitStatus(t, ctx, 60*time.Second, "the words to be ready", func(st status) bool { return st.Phase == "ready" && st.Points == 600 })

	if hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('inspector').hidden`)); err != nil || hidden {
		t.Fatalf("the inspector is hidden (%v) with data loaded", err)
	}
	// A substring: word17, word170…word179.
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("search"), "WORD17")); err != nil {
		t.Fatal(err)
	}
	st := waitStatus(t, ctx, 10*time.Second, "the search to apply", func(st status) bool { return st.Search != nil && st.Search.Query == "WORD17" })
	if st.Search.Matches != 11 || st.Search.Column != -1 {
		t.Fatalf("search WORD17: %+v, want 11 matches in all columns", st.Search)
	}
	listed, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#matches li').length`))
	if err != nil || listed != 11 {
		t.Fatalf("#matches lists %d (%v), want 11", listed, err)
	}
	// A regular expression with one match; Enter selects it.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('search').value = '', true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("search"), "/^word17$/\r")); err != nil {
		t.Fatal(err)
	}
	st = waitStatus(t, ctx, 10*time.Second, "the neighbours of word17", func(st status) bool { return st.Neighbours != nil })
	if st.Selection == nil || st.Selection.Count != 1 || st.Selection.Indices[0] != 17 || st.Search.Matches != 1 {
		t.Fatalf("after Enter: selection %+v, search %+v", st.Selection, st.Search)
	}
	checkNeighbours(t, st, x, 17, 100, "cosine")
	// The list holds the same, nearest first.
	items, err := chromedp.Run(ctx, chromedp.Evaluate[[][2]string](
		`Array.from(document.querySelectorAll('#neighbours > li'), (li) => [li.dataset.index, li.dataset.distance])`))
	if err != nil || len(items) != 100 {
		t.Fatalf("#neighbours has %d children (%v)", len(items), err)
	}
	for r, it := range items {
		var d float64
		fmt.Sscan(it[1], &d)
		if it[0] != fmt.Sprint(st.Neighbours.Indices[r]) || math.Abs(d-st.Neighbours.Distances[r]) > 1e-6 {
			t.Fatalf("#neighbours child %d is %v, data-state says %d at %g", r, it, st.Neighbours.Indices[r], st.Neighbours.Distances[r])
		}
	}

	// Euclidean, k = 7.
	setControl(t, ctx, "metric", "euclidean")
	setControl(t, ctx, "neighbour-count", "7")
	st = waitStatus(t, ctx, 10*time.Second, "7 euclidean neighbours", func(st status) bool {
		return st.Neighbours != nil && st.Neighbours.K == 7 && st.Neighbours.Metric == "euclidean"
	})
	checkNeighbours(t, st, x, 17, 7, "euclidean")

	// Clicking a neighbour in the list selects it (and centres it).
	first := st.Neighbours.Indices[0]
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#neighbours > li:first-child button`))); err != nil {
		t.Fatal(err)
	}
	st = waitStatus(t, ctx, 10*time.Second, "the clicked neighbour's neighbours", func(st status) bool {
		return st.Neighbours != nil && st.Neighbours.Of == first
	})
	checkNeighbours(t, st, x, first, 7, "euclidean")

	// Escape clears the selection (focus on the page, not a field).
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.activeElement.blur(), true`)); err != nil {
		t.Fatal(err)
	}
	key(t, ctx, "Escape", "Escape", 27)
	waitStatus(t, ctx, 10*time.Second, "Escape to clear the selection", func(st status) bool { return st.Selection == nil && st.Neighbours == nil })
}

// key presses and releases a key, held for a few frames.
func key(t *testing.T, ctx context.Context, k, code string, vk int64) {
	t.Helper()
	for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeKeyDown, input.DispatchKeyEventTypeKeyUp} {
		if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, input.DispatchKeyEventParams{
			Type: typ, Key: k, Code: code, WindowsVirtualKeyCode: vk, NativeVirtualKeyCode: vk,
		}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(60 * time.Millisecond)
	}
}
