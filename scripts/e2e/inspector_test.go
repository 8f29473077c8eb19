package e2e

import (
	"context"
	"fmt"
	"image"
	"image/png"
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
func bruteNeighbours[F float32 | float64](x [][]F, i int, metric string) (rows []int, dist []float64) {
	all := make([]float64, len(x))
	for j := range x {
		var dot, na, nb, sq float64
		for k := range x[i] {
			a, b := float64(x[i][k]), float64(x[j][k])
			dot += a * b
			na += a * a
			nb += b * b
			sq += (a - b) * (a - b)
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

func checkNeighbours[F float32 | float64](t *testing.T, st status, x [][]F, of, k int, metric string) {
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
	key(t, ctx, "Escape", "Escape", 27, 60*time.Millisecond, 0)
	waitStatus(t, ctx, 10*time.Second, "Escape to clear the selection", func(st status) bool { return st.Selection == nil && st.Neighbours == nil })
}

// gesturePath presses the left button at the first point, moves through the
// others and releases at the last.
func gesturePath(t *testing.T, ctx context.Context, pts [][2]float64) {
	t.Helper()
	mouse(t, ctx, input.DispatchMouseEventTypeMousePressed, pts[0][0], pts[0][1], func(p *input.DispatchMouseEventParams) {
		p.Button, p.Buttons, p.ClickCount = input.MouseButtonLeft, 1, 1
	})
	for _, q := range pts[1:] {
		mouse(t, ctx, input.DispatchMouseEventTypeMouseMoved, q[0], q[1], func(p *input.DispatchMouseEventParams) { p.Buttons = 1 })
		time.Sleep(30 * time.Millisecond)
	}
	last := pts[len(pts)-1]
	mouse(t, ctx, input.DispatchMouseEventTypeMouseReleased, last[0], last[1], func(p *input.DispatchMouseEventParams) {
		p.Button, p.ClickCount = input.MouseButtonLeft, 1
	})
	time.Sleep(100 * time.Millisecond)
}

// click presses and releases the left button at (x, y), with shift when asked.
func click(t *testing.T, ctx context.Context, x, y float64, shift bool) {
	t.Helper()
	if shift {
		keyEvent(t, ctx, input.DispatchKeyEventTypeKeyDown, "Shift", "ShiftLeft", 16)
		time.Sleep(60 * time.Millisecond)
	}
	mods := int64(0)
	if shift {
		mods = 8
	}
	mouse(t, ctx, input.DispatchMouseEventTypeMousePressed, x, y, func(p *input.DispatchMouseEventParams) {
		p.Button, p.Buttons, p.ClickCount, p.Modifiers = input.MouseButtonLeft, 1, 1, mods
	})
	time.Sleep(40 * time.Millisecond)
	mouse(t, ctx, input.DispatchMouseEventTypeMouseReleased, x, y, func(p *input.DispatchMouseEventParams) {
		p.Button, p.ClickCount, p.Modifiers = input.MouseButtonLeft, 1, mods
	})
	time.Sleep(100 * time.Millisecond)
	if shift {
		keyEvent(t, ctx, input.DispatchKeyEventTypeKeyUp, "Shift", "ShiftLeft", 16)
	}
}

func keyEvent(t *testing.T, ctx context.Context, typ input.DispatchKeyEventType, k, code string, vk int64) {
	t.Helper()
	if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, input.DispatchKeyEventParams{
		Type: typ, Key: k, Code: code, WindowsVirtualKeyCode: vk, NativeVirtualKeyCode: vk,
	}); err != nil {
		t.Fatal(err)
	}
}

func selectionOf(st status) []int {
	if st.Selection == nil {
		return nil
	}
	return st.Selection.Indices
}

func TestCanvasClickBoxAndLasso(t *testing.T) {
	_, ctx := demoPage(t)
	// Find a drawn point of the demo left of the inspector and click it.
	img := screenshot(t, ctx)
	px, py := findColour(img, 0x4e, 0x79, 0xa7)
	if px < 0 {
		t.Fatal("no point of the first class on screen")
	}
	click(t, ctx, float64(px), float64(py), false)
	st := waitStatus(t, ctx, 10*time.Second, "a click to select a point", func(st status) bool { return st.Selection != nil })
	if st.Selection.Count != 1 {
		t.Fatalf("a click selected %d points", st.Selection.Count)
	}
	picked := st.Selection.Indices[0]
	// The points are drawn dimmed now, except the selection and its neighbours.
	after := screenshot(t, ctx)
	if n := diffPixels(img, after, image.Rect(0, 0, 900, 650)); n < 2000 {
		t.Errorf("selecting changed only %d pixels (others should be dimmed)", n)
	}
	// Shift+click toggles it off; a click on empty space selects nothing.
	click(t, ctx, float64(px), float64(py), true)
	waitStatus(t, ctx, 10*time.Second, "shift+click to deselect", func(st status) bool { return st.Selection == nil })
	click(t, ctx, float64(px), float64(py), false)
	waitStatus(t, ctx, 10*time.Second, "the point again", func(st status) bool { return st.Selection != nil && st.Selection.Indices[0] == picked })
	click(t, ctx, 20, 20, false)
	waitStatus(t, ctx, 10*time.Second, "a click on empty space to clear", func(st status) bool { return st.Selection == nil })

	// A box, then a lasso along the same rectangle: the same points.
	rect := [4]float64{250, 200, 520, 430}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name=drag-mode][value=box]`))); err != nil {
		t.Fatal(err)
	}
	gesturePath(t, ctx, [][2]float64{{rect[0], rect[1]}, {400, 300}, {rect[2], rect[3]}})
	st = waitStatus(t, ctx, 10*time.Second, "a box selection", func(st status) bool { return st.Selection != nil })
	box := selectionOf(st)
	if st.Selection.Count < 20 || st.Selection.Count > 1000 { // all listed in data-state
		t.Fatalf("the box selected %d of 1,797 points, want 20 to 1,000", st.Selection.Count)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name=drag-mode][value=lasso]`))); err != nil {
		t.Fatal(err)
	}
	var outline [][2]float64
	for k := 0; k <= 20; k++ { // along the rectangle's edges, 5 points a side
		f := float64(k%5) / 5
		switch k / 5 {
		case 0:
			outline = append(outline, [2]float64{rect[0] + f*(rect[2]-rect[0]), rect[1]})
		case 1:
			outline = append(outline, [2]float64{rect[2], rect[1] + f*(rect[3]-rect[1])})
		case 2:
			outline = append(outline, [2]float64{rect[2] - f*(rect[2]-rect[0]), rect[3]})
		case 3:
			outline = append(outline, [2]float64{rect[0], rect[3] - f*(rect[3]-rect[1])})
		default:
			outline = append(outline, [2]float64{rect[0], rect[1]})
		}
	}
	clearSelection := func() {
		key(t, ctx, "Escape", "Escape", 27, 60*time.Millisecond, 0)
		waitStatus(t, ctx, 10*time.Second, "Escape to clear", func(st status) bool { return st.Selection == nil })
	}
	clearSelection()
	gesturePath(t, ctx, outline)
	st = waitStatus(t, ctx, 10*time.Second, "the lasso's selection", func(st status) bool { return st.Selection != nil })
	if st.Selection == nil || fmt.Sprint(selectionOf(st)) != fmt.Sprint(box) {
		t.Fatalf("the rectangular lasso selected %d points, the box %d: they differ", st.Selection.Count, len(box))
	}
	// A triangle, half of the rectangle: a subset.
	var tri [][2]float64
	corners := [][2]float64{{rect[0], rect[1]}, {rect[2], rect[1]}, {rect[0], rect[3]}, {rect[0], rect[1]}}
	for c := 0; c < 3; c++ {
		for k := 0; k < 6; k++ {
			f := float64(k) / 6
			tri = append(tri, [2]float64{corners[c][0] + f*(corners[c+1][0]-corners[c][0]), corners[c][1] + f*(corners[c+1][1]-corners[c][1])})
		}
	}
	clearSelection()
	gesturePath(t, ctx, tri)
	st = waitStatus(t, ctx, 10*time.Second, "the triangle's selection", func(st status) bool { return st.Selection != nil })
	inBox := map[int]bool{}
	for _, i := range box {
		inBox[i] = true
	}
	if st.Selection == nil || st.Selection.Count >= len(box) {
		t.Fatalf("the triangle selected %v of the box's %d", st.Selection, len(box))
	}
	for _, i := range st.Selection.Indices {
		if !inBox[i] {
			t.Fatalf("the triangle selected row %d, outside the box", i)
		}
	}
	key(t, ctx, "Escape", "Escape", 27, 60*time.Millisecond, 0)
	waitStatus(t, ctx, 10*time.Second, "Escape to clear", func(st status) bool { return st.Selection == nil })
}

func TestIsolateAndShowAllInThePage(t *testing.T) {
	_, ctx := demoPage(t)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("labels-on"))); err != nil { // compare the points alone
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("search"), "/^3$/\r")); err != nil {
		t.Fatal(err)
	}
	st := waitStatus(t, ctx, 10*time.Second, "the threes to be selected", func(st status) bool { return st.Selection != nil })
	threes := st.Selection.Count
	before := screenshot(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("isolate"))); err != nil {
		t.Fatal(err)
	}
	st = waitStatus(t, ctx, 20*time.Second, "the isolated threes", func(st status) bool { return st.Phase == "ready" && st.Points == threes })
	if st.Method != "pca" {
		t.Fatalf("isolated with %q, want the current projection (pca)", st.Method)
	}
	isolated := screenshot(t, ctx)
	changed := diffPixels(before, isolated, image.Rect(0, 0, 900, 650))
	if changed < 5000 {
		t.Errorf("isolating changed only %d pixels", changed)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("show-all"))); err != nil {
		t.Fatal(err)
	}
	st = waitStatus(t, ctx, 20*time.Second, "all points again", func(st status) bool { return st.Points == 1797 && st.Phase == "ready" })
	if st.Selection == nil || st.Selection.Count != threes {
		t.Fatalf("the selection after show all: %+v, want the %d threes", st.Selection, threes)
	}
	// The earlier layout is back (the rings of overlapping selected points
	// may be stacked in another order: a few hundred pixels at most).
	time.Sleep(300 * time.Millisecond)
	after := screenshot(t, ctx)
	if os.Getenv("E2E_SHOTS") != "" {
		for name, img := range map[string]image.Image{"before": before, "after": after, "isolated": isolated} {
			f, _ := os.Create(filepath.Join(os.Getenv("E2E_SHOTS"), name+".png"))
			png.Encode(f, img)
			f.Close()
		}
	}
	if n := diffPixels(before, after, image.Rect(0, 0, 900, 650)); n > changed/20 {
		t.Errorf("after show all the view differs from before in %d pixels (isolating changed %d)", n, changed)
	}
}

// greyPixels counts the non-background pixels of r whose channels are equal
// (the digits' sprite thumbnails are greyscale; the palette is not).
func greyPixels(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if cr == cg && cg == cb && cr>>8 > 0x40 {
				n++
			}
		}
	}
	return n
}

func TestSpritesAsPoints(t *testing.T) {
	_, ctx := demoPage(t)
	visible, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.getElementById('sprites-row').hidden`))
	if err != nil || !visible {
		t.Fatalf("the demo has a sprite sheet but the toggle is hidden (%v)", err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("labels-on"))); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	discs := greyPixels(screenshot(t, ctx), image.Rect(0, 0, 900, 650))
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("sprites-on"))); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	sprites := greyPixels(screenshot(t, ctx), image.Rect(0, 0, 900, 650))
	if sprites < 20000 || sprites < 10*discs {
		t.Fatalf("with images as points %d grey pixels, with discs %d: the thumbnails are not drawn", sprites, discs)
	}
}
