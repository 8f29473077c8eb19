package e2e

import (
	"context"
	"image"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// wineWithLabels writes the wine vectors and their metadata with the class
// column's values 0, 1, 2 renamed to labels[0..2] into a new folder, as
// vectors_<tag>.tsv and metadata_<tag>.tsv, and returns their paths.
func wineWithLabels(t *testing.T, tag string, labels [3]string) []string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(string(readShared(t, "sklearn-wine-tsv/metadata.tsv")), "\n"), "\n")
	for i := 1; i < len(lines); i++ { // line 0 is the header
		class, rest, ok := strings.Cut(lines[i], "\t")
		k := int(class[0] - '0')
		if !ok || len(class) != 1 || k < 0 || k > 2 {
			t.Fatalf("wine metadata line %d: class %q is not 0, 1 or 2", i+1, class)
		}
		lines[i] = labels[k] + "\t" + rest
	}
	dir := t.TempDir()
	vec, meta := "vectors_"+tag+".tsv", "metadata_"+tag+".tsv"
	writeFiles(t, dir, map[string][]byte{
		vec:  readShared(t, "sklearn-wine-tsv/vectors.tsv"),
		meta: []byte(strings.Join(lines, "\n") + "\n"),
	})
	return []string{filepath.Join(dir, vec), filepath.Join(dir, meta)}
}

// loadWine uploads the files and waits until the page shows them.
func loadWine(t *testing.T, ctx context.Context, paths []string) image.Image {
	t.Helper()
	upload(t, ctx, paths...)
	name := filepath.Base(paths[0])
	st := waitStatus(t, ctx, 60*time.Second, name+" to be ready", func(st status) bool {
		return (st.Phase == "ready" && st.Points == 178 && strings.Contains(st.Source, name)) || st.Phase == "error"
	})
	if st.Phase != "ready" {
		t.Fatalf("status %+v, want the 178 wine points from %s", st, name)
	}
	time.Sleep(200 * time.Millisecond)
	return screenshot(t, ctx)
}

// legendRows locates the legend (top right, drawn by render at 1280 CSS
// pixels and device ratio 1): the rectangles of the text of its title
// (row 0) and of its n entries, right of their colour dots. It finds the
// panel's left edge on the row just inside its top, where no point is drawn.
func legendRows(t *testing.T, img image.Image, n, right int) []image.Rectangle {
	t.Helper()
	const top, pad, lh = 12, 8, 13 * 1.35
	left := -1
	for x := right - 2; x > 600; x-- {
		r, g, b, _ := img.At(x, top+3).RGBA()
		if [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)} == background {
			left = x + 1
			break
		}
	}
	if left < 0 || left > right-40 {
		t.Fatalf("no legend panel found in the top right (left edge %d)", left)
	}
	rows := make([]image.Rectangle, n+1)
	for i := range rows {
		y0 := top + pad + lh*float64(i)
		x0 := left + pad
		if i > 0 {
			x0 += int(math.Ceil(lh)) // right of the dot
		}
		rows[i] = image.Rect(x0, int(math.Floor(y0)), right-pad+4, int(math.Ceil(y0+lh)))
	}
	return rows
}

// legendRight is the x (CSS px) of the legend's right edge: 12 px left of
// the inspector panel on the right, which the canvas keeps clear.
func legendRight(t *testing.T, ctx context.Context) int {
	t.Helper()
	left, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.getElementById('inspector').getBoundingClientRect().left`))
	if err != nil {
		t.Fatal(err)
	}
	return int(math.Round(left)) - 12
}

// textMask marks the light grey to white pixels of r, indexed from r.Min:
// overlay text is #e8eaed or #a0a6ad, while the wine classes' point colours
// (#4e79a7, #f28e2b, #e15759) all have a channel below 0x58.
func textMask(img image.Image, r image.Rectangle) map[image.Point]bool {
	m := map[image.Point]bool{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if min(cr, cg, cb)>>8 > 120 {
				m[image.Pt(x-r.Min.X, y-r.Min.Y)] = true
			}
		}
	}
	return m
}

// maskXOR counts the points set in exactly one of a and b.
func maskXOR(a, b map[image.Point]bool) int {
	n := 0
	for p := range a {
		if !b[p] {
			n++
		}
	}
	for p := range b {
		if !a[p] {
			n++
		}
	}
	return n
}

// saturated counts the pixels of r that are strongly coloured (not grey).
func saturated(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			hi, lo := max(cr, cg, cb)>>8, min(cr, cg, cb)>>8
			if hi >= 120 && hi-lo >= 80 {
				n++
			}
		}
	}
	return n
}

// TestLegendDrawsAnyScript loads the wine data with its classes named in
// Thai with an emoji, Chinese and Arabic, then again with the same
// characters in another order. Missing glyphs would draw as identical
// boxes both times (same character counts); real glyphs differ, and the
// emoji keeps its colour. It also hovers a point: the tooltip shows the
// label in its script.
func TestLegendDrawsAnyScript(t *testing.T) {
	_, ctx := demoPage(t)
	// Canvas labels off: this test counts the legend's and the tooltip's text pixels.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("labels-on"))); err != nil {
		t.Fatal(err)
	}
	// Sorted, the legend reads Arabic, Thai, Chinese in both sets.
	first := [3]string{"ไวน์แดง 🍷", "白葡萄酒", "نبيذ وردي"}
	second := [3]string{"แดงไวน์ 🍷", "葡萄白酒", "وردي نبيذ"}
	a := loadWine(t, ctx, wineWithLabels(t, "a", first))
	b := loadWine(t, ctx, wineWithLabels(t, "b", second))
	right := legendRight(t, ctx)
	rowsA, rowsB := legendRows(t, a, 3, right), legendRows(t, b, 3, right)
	names := []string{"title", "Arabic", "Thai and emoji", "Chinese"}
	for i := range rowsA {
		ma, mb := textMask(a, rowsA[i]), textMask(b, rowsB[i])
		if len(ma) < 40 || len(mb) < 40 {
			t.Errorf("legend %s row: %d and %d text pixels in %v and %v; want text drawn", names[i], len(ma), len(mb), rowsA[i], rowsB[i])
			continue
		}
		d := maskXOR(ma, mb)
		t.Logf("legend %s row: %d/%d text pixels, %d differ between the two namings", names[i], len(ma), len(mb), d)
		if i == 0 && d != 0 {
			t.Errorf("the legend title changed (%d pixels) though it did not", d)
		}
		if i > 0 && d < 40 {
			t.Errorf("legend %s row: the two namings (same characters, other order) draw alike (%d pixels differ): boxes, not glyphs?", names[i], d)
		}
	}
	for i, r := range rowsA[1:] {
		n := saturated(a, r)
		t.Logf("legend %s row: %d saturated pixels", names[i+1], n)
		if i == 1 && n < 8 {
			t.Errorf("the emoji 🍷 drew only %d coloured pixels in %v: not a colour glyph", n, r)
		}
		if i != 1 && n > 5 {
			t.Errorf("legend %s row has %d coloured pixels but no emoji", names[i+1], n)
		}
	}

	// Hover a point of the first colour (#4e79a7, the Arabic class) away from the legend.
	px, py := findColour(b, 0x4e, 0x79, 0xa7)
	if px < 0 {
		t.Fatal("no point of the first class on screen")
	}
	mouse(t, ctx, input.DispatchMouseEventTypeMouseMoved, float64(px), float64(py), nil)
	time.Sleep(300 * time.Millisecond)
	hovered := screenshot(t, ctx)
	tip := image.Rect(px+14, py+14, px+220, py+40)
	if px+240 > 1280 {
		tip = image.Rect(px-220, py+14, px-14, py+40)
	}
	if n := len(textMask(hovered, tip)) - len(textMask(b, tip)); n < 60 {
		t.Errorf("hovering (%d,%d) added only %d text pixels where the tooltip goes", px, py, n)
	}

	// Redrawing strings drawn before (legend, this tooltip) never calls the
	// browser's text engine again: count measureText and fillText calls
	// while the cursor leaves the point and comes back twice.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		window.__textCalls = 0;
		for (const C of [window.OffscreenCanvasRenderingContext2D, window.CanvasRenderingContext2D]) {
			if (!C) continue;
			for (const m of ['measureText', 'fillText']) {
				const f = C.prototype[m];
				C.prototype[m] = function(...a) { window.__textCalls++; return f.apply(this, a); };
			}
		}
	})()`)); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		mouse(t, ctx, input.DispatchMouseEventTypeMouseMoved, 5, 5, nil)
		time.Sleep(200 * time.Millisecond)
		mouse(t, ctx, input.DispatchMouseEventTypeMouseMoved, float64(px), float64(py), nil)
		time.Sleep(200 * time.Millisecond)
	}
	again := screenshot(t, ctx)
	if n := diffPixels(hovered, again, tip); n != 0 {
		t.Errorf("the tooltip drawn again differs in %d pixels", n)
	}
	if calls, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__textCalls`)); err != nil || calls != 0 {
		t.Errorf("redrawing cached text made %d calls to the canvas text engine (%v), want 0", calls, err)
	}
	// The counter works: a point of another class shows new text.
	if qx, qy := findColour(b, 0xf2, 0x8e, 0x2b); qx < 0 {
		t.Error("no point of the second class on screen")
	} else {
		mouse(t, ctx, input.DispatchMouseEventTypeMouseMoved, float64(qx), float64(qy), nil)
		time.Sleep(300 * time.Millisecond)
		if calls, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__textCalls`)); err != nil || calls == 0 {
			t.Errorf("a new tooltip made no calls to the canvas text engine (%v): is the counter broken?", err)
		}
	}

	// A phone's screen: the legend still fits and draws every row.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	mouse(t, ctx, input.DispatchMouseEventTypeMouseMoved, 5, 5, nil)
	time.Sleep(500 * time.Millisecond)
	phone := screenshot(t, ctx)
	if nonBG, _ := pixelStats(phone, image.Rect(150, 12, 390, 100), background); nonBG < 500 {
		t.Errorf("at 390×844 the legend area has only %d non-background pixels", nonBG)
	}
}

// findColour returns a pixel of exactly that colour in the plot area away
// from the legend, or (-1, -1).
func findColour(img image.Image, r, g, b uint8) (int, int) {
	for y := 120; y < 650; y++ {
		for x := 100; x < 850; x++ { // left of the legend and the inspector
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if uint8(cr>>8) == r && uint8(cg>>8) == g && uint8(cb>>8) == b {
				return x, y
			}
		}
	}
	return -1, -1
}

// TestCanvasLabelsInAnyScript: the labels drawn next to the points come
// from the browser's text engine too. The wine classes named in Thai,
// Chinese and Arabic, then the same characters in another order: missing
// glyphs would draw the same boxes both times; real ones differ. Without
// labels the plot has (almost) no text pixels.
func TestCanvasLabelsInAnyScript(t *testing.T) {
	_, ctx := demoPage(t)
	plot := image.Rect(0, 0, 850, 650) // left of the legend and the inspector
	a := loadWine(t, ctx, wineWithLabels(t, "a", [3]string{"ไวน์แดง", "白葡萄酒", "نبيذ وردي"}))
	b := loadWine(t, ctx, wineWithLabels(t, "b", [3]string{"แดงไวน์", "葡萄白酒", "وردي نبيذ"}))
	ma, mb := textMask(a, plot), textMask(b, plot)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("labels-on"))); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	none := textMask(screenshot(t, ctx), plot)
	t.Logf("text pixels in the plot: %d and %d with labels, %d without; %d differ between the namings", len(ma), len(mb), len(none), maskXOR(ma, mb))
	if len(ma) < 2000 || len(mb) < 2000 || len(none) > len(ma)/10 {
		t.Fatalf("labels drew %d and %d text pixels, %d without them: no labels on the canvas?", len(ma), len(mb), len(none))
	}
	if d := maskXOR(ma, mb); d < len(ma)/4 {
		t.Errorf("the two namings (same characters, other order) draw alike (%d of %d text pixels differ): boxes, not glyphs?", d, len(ma))
	}
}
