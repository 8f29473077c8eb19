package e2e

// Navigation: wheel zoom per notch, drags that keep their length, quick key
// presses, the camera fitting the area the panels leave free, and every
// control reachable on a phone.

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"math"
	"sort"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// camera is #status's data-state.camera: the world point at the middle of the
// canvas and CSS pixels per world unit.
type camera struct {
	X, Y, Scale float64
}

func readCamera(t testing.TB, ctx context.Context) camera {
	t.Helper()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('status').dataset.state`))
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Camera *camera `json:"camera"`
	}
	if err := json.Unmarshal([]byte(raw), &st); err != nil || st.Camera == nil || st.Camera.Scale <= 0 {
		t.Fatalf("no camera in #status data-state %s (%v)", raw, err)
	}
	return *st.Camera
}

// settle waits until the camera stops changing (two frames apart) and returns it.
func settle(t testing.TB, ctx context.Context) camera {
	t.Helper()
	prev := readCamera(t, ctx)
	for i := 0; i < 50; i++ {
		nextFrames(t, ctx, 3)
		c := readCamera(t, ctx)
		if c == prev {
			return c
		}
		prev = c
	}
	t.Fatalf("the camera keeps moving: %+v", prev)
	return prev
}

// nextFrames waits for n animation frames.
func nextFrames(t testing.TB, ctx context.Context, n int) {
	t.Helper()
	js := fmt.Sprintf(`new Promise(r => { let k = %d; const f = () => (--k <= 0 ? r() : requestAnimationFrame(f)); requestAnimationFrame(f); })`, n)
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](js, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
}

// pointer sends one mouse event with the left button held (buttons 1) or not.
func pointer(t testing.TB, ctx context.Context, typ input.DispatchMouseEventType, x, y float64, held bool) {
	t.Helper()
	p := input.DispatchMouseEventParams{Type: typ, X: x, Y: y}
	if typ != input.DispatchMouseEventTypeMouseMoved {
		p.Button, p.ClickCount = input.MouseButtonLeft, 1
	}
	if held {
		p.Buttons = 1
	}
	dragging(&p)
	if _, err := chromedp.Call(ctx, input.DispatchMouseEvent, p); err != nil {
		t.Fatalf("mouse %s at (%v,%v): %v", typ, x, y, err)
	}
}

// wheelEvent dispatches a synthetic wheel event on the canvas (CDP cannot set deltaMode).
func wheelEvent(t testing.TB, ctx context.Context, x, y, deltaY float64, mode int, ctrl bool) {
	t.Helper()
	js := fmt.Sprintf(`document.querySelector('canvas').dispatchEvent(new WheelEvent('wheel',
		{clientX: %g, clientY: %g, deltaY: %g, deltaMode: %d, ctrlKey: %t, bubbles: true, cancelable: true}))`, x, y, deltaY, mode, ctrl)
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](js)); err != nil {
		t.Fatal(err)
	}
}

// worldAt is the world point under CSS pixel (sx, sy) of a w×h canvas.
func (c camera) worldAt(sx, sy, w, h float64) (float64, float64) {
	return c.X + (sx-w/2)/c.Scale, c.Y - (sy-h/2)/c.Scale
}

func TestWheelZoomPerNotch(t *testing.T) {
	_, ctx := demoPage(t)
	const cx, cy = 500.0, 300.0
	cases := []struct {
		what          string
		deltaY        float64
		mode          int
		ctrl          bool
		cdp           bool // a real wheel event through DevTools rather than a synthetic one
		minIn, maxIn  float64
		zoomsInwardly bool
	}{
		{"one notch, pixels (deltaY 100, mode 0, DevTools)", 100, 0, false, true, 1.1, 1.2, false},
		{"one notch back (deltaY -100)", -100, 0, false, true, 1.1, 1.2, true},
		{"one notch in lines (deltaY 3, mode 1)", 3, 1, false, false, 1.1, 1.2, false},
		{"one notch back in lines (deltaY -3, mode 1)", -3, 1, false, false, 1.1, 1.2, true},
		{"a small trackpad step (deltaY -4)", -4, 0, false, false, 1.001, 1.02, true},
		{"a pinch step (ctrlKey, deltaY -5)", -5, 0, true, false, 1.03, 1.07, true},
	}
	for _, c := range cases {
		before := settle(t, ctx)
		if c.cdp {
			mouse(t, ctx, input.DispatchMouseEventTypeMouseWheel, cx, cy, func(p *input.DispatchMouseEventParams) { p.DeltaX, p.DeltaY = 1e-6, c.deltaY })
		} else {
			wheelEvent(t, ctx, cx, cy, c.deltaY, c.mode, c.ctrl)
		}
		after := settle(t, ctx)
		f := after.Scale / before.Scale
		if !c.zoomsInwardly {
			f = 1 / f
		}
		if !(f >= c.minIn && f <= c.maxIn) {
			t.Errorf("%s: zoomed by %.4f× (scale %.4g → %.4g), want %.3g–%.3g× %s", c.what, f, before.Scale, after.Scale,
				c.minIn, c.maxIn, map[bool]string{true: "in", false: "out"}[c.zoomsInwardly])
		}
		// The point under the cursor stays put.
		bx, by := before.worldAt(cx, cy, 1280, 800)
		ax, ay := after.worldAt(cx, cy, 1280, 800)
		if d := math.Hypot(ax-bx, ay-by) * after.Scale; d > 1 {
			t.Errorf("%s: the point under the cursor moved %.2f px", c.what, d)
		}
	}
	// A page scroll has a bound: at most 4× per event.
	before := settle(t, ctx)
	wheelEvent(t, ctx, cx, cy, 5, 2, false)
	if f := before.Scale / settle(t, ctx).Scale; f < 1.5 || f > 4.001 {
		t.Errorf("a 5-page wheel event zoomed out %.3g×, want 1.5–4×", f)
	}
}

func TestDragMovesTheDataByItsLength(t *testing.T) {
	_, ctx := demoPage(t)
	// Canvas labels off: which points get one depends on what is on screen.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("labels-on"))); err != nil {
		t.Fatal(err)
	}
	// The legend, where points go under it, and the panels (the inspector
	// on the right) are not compared.
	plot := image.Rect(0, 0, 850, 660)
	cases := []struct {
		dx, dy float64
		steps  int
	}{
		{100, 40, 1},   // pressed and moved at once, as a quick flick does
		{100, 40, 10},  // in steps
		{420, 0, 20},   // past the cached layer's margin (a quarter of the width)
		{-60, -260, 5}, // past the vertical margin, the other way
	}
	for _, c := range cases {
		what := fmt.Sprintf("a drag of (%v, %v) px in %d steps", c.dx, c.dy, c.steps)
		before := settle(t, ctx)
		beforeImg := screenshot(t, ctx)
		x, y := 600.0, 400.0
		pointer(t, ctx, input.DispatchMouseEventTypeMousePressed, x, y, true)
		for i := 1; i <= c.steps; i++ {
			f := float64(i) / float64(c.steps)
			pointer(t, ctx, input.DispatchMouseEventTypeMouseMoved, x+c.dx*f, y+c.dy*f, true)
		}
		held := settle(t, ctx)
		heldImg := screenshot(t, ctx) // the button is still down: the cached layer, moved (or redrawn past its margin)
		pointer(t, ctx, input.DispatchMouseEventTypeMouseReleased, x+c.dx, y+c.dy, false)
		pointer(t, ctx, input.DispatchMouseEventTypeMouseMoved, 5, 5, false)
		after := settle(t, ctx)
		afterImg := screenshot(t, ctx) // redrawn once the pan stopped
		if held != after {
			t.Errorf("%s: releasing the button moved the camera (%+v → %+v)", what, held, after)
		}
		dx, dy := (before.X-after.X)*after.Scale, (after.Y-before.Y)*after.Scale
		if math.Abs(dx-c.dx) > 2 || math.Abs(dy-c.dy) > 2 {
			t.Errorf("%s moved the data by (%.1f, %.1f) px", what, dx, dy)
		}
		// The picture moved with the camera, while held and after release:
		// compare what stays inside the plot area.
		ix, iy := int(c.dx), int(c.dy)
		area := plot.Intersect(plot.Sub(image.Pt(ix, iy)))
		for name, img := range map[string]image.Image{"while held": heldImg, "after release": afterImg} {
			if m, n := shiftMatch(beforeImg, img, ix, iy, area); n < 500 || m < 0.9*float64(n) {
				t.Errorf("%s, %s: only %.0f of %d drawn pixels are found that far", what, name, m, n)
			}
		}
	}
}

// shiftMatch counts the non-background pixels of a inside r and how many of
// them have the same colour in b at (x+dx, y+dy).
func shiftMatch(a, b image.Image, dx, dy int, r image.Rectangle) (matched float64, n int) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, ag, ab, _ := a.At(x, y).RGBA()
			c := [3]uint8{uint8(ar >> 8), uint8(ag >> 8), uint8(ab >> 8)}
			if absDiff(c[0], background[0])+absDiff(c[1], background[1])+absDiff(c[2], background[2]) <= 24 {
				continue
			}
			n++
			br, bg, bb, _ := b.At(x+dx, y+dy).RGBA()
			if absDiff(uint8(br>>8), c[0])+absDiff(uint8(bg>>8), c[1])+absDiff(uint8(bb>>8), c[2]) <= 24 {
				matched++
			}
		}
	}
	return matched, n
}

// key presses a key: down, then up dur later; repeats adds auto-repeat keydowns in between.
func key(t testing.TB, ctx context.Context, k, code string, vk int64, dur time.Duration, repeats int) {
	t.Helper()
	text := ""
	if len(k) == 1 {
		text = k
	}
	down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: k, Code: code, Text: text,
		WindowsVirtualKeyCode: vk, NativeVirtualKeyCode: vk}
	if text == "" {
		down.Type = input.DispatchKeyEventTypeRawKeyDown
	}
	send := func(p input.DispatchKeyEventParams) {
		if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, p); err != nil {
			t.Fatalf("key %s: %v", k, err)
		}
	}
	send(down)
	for i := 0; i < repeats; i++ {
		r := down
		repeat := true
		r.AutoRepeat = &repeat
		send(r)
	}
	time.Sleep(dur)
	send(input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyUp, Key: k, Code: code, WindowsVirtualKeyCode: vk, NativeVirtualKeyCode: vk})
}

func TestQuickKeyPresses(t *testing.T) {
	_, ctx := demoPage(t)
	pointer(t, ctx, input.DispatchMouseEventTypeMouseMoved, 5, 5, false)
	near := func(a, b float64) bool { return math.Abs(a-b) <= 0.5 }
	// Each press of 5 ms acts exactly once.
	arrows := []struct {
		key, code string
		vk        int64
		dx, dy    float64 // how far the data moves, CSS px
	}{
		{"ArrowLeft", "ArrowLeft", 37, 60, 0},
		{"ArrowRight", "ArrowRight", 39, -60, 0},
		{"ArrowUp", "ArrowUp", 38, 0, 60},
		{"ArrowDown", "ArrowDown", 40, 0, -60},
	}
	for _, a := range arrows {
		before := settle(t, ctx)
		key(t, ctx, a.key, a.code, a.vk, 5*time.Millisecond, 0)
		after := settle(t, ctx)
		dx, dy := (before.X-after.X)*after.Scale, (after.Y-before.Y)*after.Scale
		if !near(dx, a.dx) || !near(dy, a.dy) {
			t.Errorf("a 5 ms press of %s moved the data by (%.1f, %.1f) px, want (%v, %v)", a.key, dx, dy, a.dx, a.dy)
		}
	}
	zooms := []struct {
		key, code string
		vk        int64
		factor    float64
	}{{"+", "Equal", 187, 1.25}, {"=", "Equal", 187, 1.25}, {"-", "Minus", 189, 0.8}, {"-", "Minus", 189, 0.8}}
	for _, z := range zooms {
		before := settle(t, ctx)
		key(t, ctx, z.key, z.code, z.vk, 5*time.Millisecond, 0)
		if f := settle(t, ctx).Scale / before.Scale; math.Abs(f-z.factor) > 1e-3 {
			t.Errorf("a 5 ms press of %q zoomed by %.4f, want %v", z.key, f, z.factor)
		}
	}
	// Auto-repeat: a held key with three repeat events moves four steps.
	before := settle(t, ctx)
	key(t, ctx, "ArrowLeft", "ArrowLeft", 37, 5*time.Millisecond, 3)
	if dx := (before.X - settle(t, ctx).X) * before.Scale; !near(dx, 240) {
		t.Errorf("ArrowLeft with 3 auto-repeats moved the data by %.1f px, want 240", dx)
	}
	// Keys typed into a form field are the field's.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById('ctl-spherize').focus()`)); err != nil {
		t.Fatal(err)
	}
	before = settle(t, ctx)
	key(t, ctx, "ArrowLeft", "ArrowLeft", 37, 5*time.Millisecond, 0)
	key(t, ctx, "-", "Minus", 189, 5*time.Millisecond, 0)
	if after := settle(t, ctx); after != before {
		t.Errorf("keys typed in a form field moved the camera: %+v → %+v", before, after)
	}
	// 0 fits the data again (the first view).
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`)); err != nil {
		t.Fatal(err)
	}
	key(t, ctx, "0", "Digit0", 48, 5*time.Millisecond, 0)
	fitted := settle(t, ctx)
	key(t, ctx, "Home", "Home", 36, 5*time.Millisecond, 0)
	if again := settle(t, ctx); again != fitted {
		t.Errorf("Home after 0: %+v, then %+v", fitted, again)
	}
}

// panelRects returns the CSS-pixel rectangles of the visible panels.
func panelRects(t testing.TB, ctx context.Context) map[string]image.Rectangle {
	t.Helper()
	rects, err := chromedp.Run(ctx, chromedp.Evaluate[map[string][]float64](`(() => {
		const out = {};
		for (const el of document.querySelectorAll('[data-occludes]')) {
			const r = el.getBoundingClientRect();
			if (r.width > 0 && r.height > 0) out['#' + el.id] = [r.left, r.top, r.right, r.bottom];
		}
		return out;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]image.Rectangle{}
	for k, r := range rects {
		out[k] = image.Rect(int(math.Floor(r[0])), int(math.Floor(r[1])), int(math.Ceil(r[2])), int(math.Ceil(r[3])))
	}
	return out
}

// hidePanels makes the panels invisible without changing the layout, so a
// screenshot shows what they would cover.
func hidePanels(t testing.TB, ctx context.Context, hide bool) {
	t.Helper()
	v := "''"
	if hide {
		v = "'hidden'"
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](
		`for (const el of document.querySelectorAll('[data-occludes]')) el.style.visibility = `+v)); err != nil {
		t.Fatal(err)
	}
}

// checkNothingUnderPanels fails when a drawn point lies under a panel.
func checkNothingUnderPanels(t *testing.T, ctx context.Context, what string, minPanels int) {
	t.Helper()
	rects := panelRects(t, ctx)
	if len(rects) < minPanels {
		t.Fatalf("%s: %d visible panels (%v), want at least %d", what, len(rects), rects, minPanels)
	}
	hidePanels(t, ctx, true)
	img := screenshot(t, ctx)
	hidePanels(t, ctx, false)
	total, _ := pixelStats(img, img.Bounds(), background)
	if total < 3000 {
		t.Fatalf("%s: only %d drawn pixels", what, total)
	}
	for name, r := range rects {
		if n, _ := pixelStats(img, r, background); n > 0 {
			t.Errorf("%s: %d drawn pixels under %s %v", what, n, name, r)
		}
	}
}

func TestFitLeavesThePanelsClear(t *testing.T) {
	_, ctx := demoPage(t)
	pointer(t, ctx, input.DispatchMouseEventTypeMouseMoved, 5, 5, false)
	settle(t, ctx)
	checkNothingUnderPanels(t, ctx, "1280×800", 3)

	// A panel appearing later (here: #controls growing) refits while the user has not moved the camera.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](
		`document.getElementById('controls').style.paddingBottom = '200px'`)); err != nil {
		t.Fatal(err)
	}
	settle(t, ctx)
	checkNothingUnderPanels(t, ctx, "1280×800 with a taller #controls", 3)
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](
		`document.getElementById('controls').style.paddingBottom = ''`)); err != nil {
		t.Fatal(err)
	}

	// A phone.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	settle(t, ctx)
	checkNothingUnderPanels(t, ctx, "390×844", 2)
}

func TestPhoneReachesEveryControl(t *testing.T) {
	s := startServer(t)
	ctx := newBrowser(t, s)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	open(t, ctx, s)
	// The controls may sit in a sheet opened by a toggle.
	openSheet := `(() => { const b = document.getElementById('controls-toggle');
		if (b && b.offsetParent !== null && b.getAttribute('aria-expanded') !== 'true') b.click(); })()`
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](openSheet)); err != nil {
		t.Fatal(err)
	}
	setControl(t, ctx, "ctl-method", "tsne")
	waitStatus(t, ctx, 60*time.Second, "t-SNE iterating", func(st status) bool { return st.Method == "tsne" && st.Iteration >= 10 })
	screenshot(t, ctx)
	reachable := `(sel) => { const el = document.querySelector(sel); const r = el.getBoundingClientRect();
		const x = r.left + r.width / 2, y = r.top + r.height / 2;
		if (r.width === 0 || r.height === 0) return 'not shown';
		if (r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) return 'outside the viewport: ' + JSON.stringify(r);
		const hit = document.elementFromPoint(x, y);
		return hit && (hit === el || el.contains(hit)) ? 'ok' : 'covered by ' + (hit ? hit.tagName + '#' + hit.id + '.' + hit.className : 'nothing'); }`
	for _, sel := range []string{"label:has(> #file-input)", "#ctl-restart", "#ctl-progress", "#ctl-run", "#ctl-perplexity", "#ctl-method", "#ctl-color", "#ctl-dims"} {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(`+reachable+`)(`+fmt.Sprintf("%q", sel)+`)`))
		if err != nil || got != "ok" {
			t.Errorf("%s at 390×844: %s (%v)", sel, got, err)
		}
	}
	// The sheet closes again, and the data is still drawn in what it leaves free.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("ctl-run"))); err != nil { // pause
		t.Fatal(err)
	}
	waitStatus(t, ctx, 10*time.Second, "t-SNE paused", func(st status) bool { return st.Phase == "ready" })

	// The inspector is a sheet too: its toggle opens it (folding the
	// controls), and every one of its controls can be reached, scrolled to
	// within the sheet as a finger would.
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(`+reachable+`)("#inspector-toggle")`))
	if err != nil || got != "ok" {
		t.Fatalf("#inspector-toggle at 390×844: %s (%v)", got, err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("inspector-toggle"))); err != nil {
		t.Fatal(err)
	}
	folded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('controls').classList.contains('collapsed')`))
	if err != nil || !folded {
		t.Errorf("opening the inspector did not fold the controls (%v)", err)
	}
	for _, sel := range []string{"#search", "#search-column", "input[name=drag-mode][value=lasso]", "#neighbour-count", "#metric", "#labels-on", "#label-by",
		"#export-tsv", "#export-csv", "#export-npy", "#export-png", "#save-view", "label:has(> #view-input)"} {
		js := `((sel) => { document.querySelector(sel).scrollIntoView({block: 'nearest'}); return (` + reachable + `)(sel) })(` + fmt.Sprintf("%q", sel) + `)`
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil || got != "ok" {
			t.Errorf("%s at 390×844 with the inspector open: %s (%v)", sel, got, err)
		}
	}
	screenshot(t, ctx) // the export buttons, scrolled to
}

// BenchmarkPanFrames100k measures, in headless Chromium, the time between
// animation frames while a scripted drag pans 100,000 points (16 dims, PCA).
func BenchmarkPanFrames100k(b *testing.B) {
	s := startServer(b)
	ctx := newBrowser(b, s)
	open(b, ctx, s)
	tp, lp := writeClusters(b, 100000, 16, 20)
	upload(b, ctx, tp, lp)
	waitStatus(b, ctx, 120*time.Second, "100,000 points", func(st status) bool { return st.Phase == "ready" && st.Points == 100000 })
	time.Sleep(time.Second)
	idle, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`new Promise(r => { const t = [];
		const f = (x) => { t.push(x); if (t.length < 61) requestAnimationFrame(f); else r(t.slice(1).map((v, i) => v - t[i]).sort((a, b) => a - b)); };
		requestAnimationFrame(f); })`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("idle: median %.1f ms, max %.1f ms between frames", idle[len(idle)/2], idle[len(idle)-1])
	var all []float64
	for i := 0; i < b.N; i++ {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
			const run = window.__run = (window.__run || 0) + 1; // a loop of an earlier run stops
			window.__frames = [];
			const f = (t) => { if (window.__run === run) { window.__frames.push(t); requestAnimationFrame(f); } };
			requestAnimationFrame(f);
		})()`)); err != nil {
			b.Fatal(err)
		}
		x, y := 400.0, 300.0
		pointer(b, ctx, input.DispatchMouseEventTypeMousePressed, x, y, true)
		for k := 1; k <= 60; k++ {
			pointer(b, ctx, input.DispatchMouseEventTypeMouseMoved, x+float64(k)*4, y+float64(k)*2, true)
			time.Sleep(16 * time.Millisecond)
		}
		pointer(b, ctx, input.DispatchMouseEventTypeMouseReleased, x+240, y+120, false)
		frames, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(window.__run++, window.__frames)`))
		if err != nil {
			b.Fatal(err)
		}
		for k := 1; k < len(frames); k++ {
			all = append(all, frames[k]-frames[k-1])
		}
	}
	sort.Float64s(all)
	if len(all) == 0 {
		b.Fatal("no frames recorded")
	}
	q := func(p float64) float64 { return all[int(p*float64(len(all)-1))] }
	b.Logf("%d frames: median %.1f ms, p90 %.1f ms, max %.1f ms", len(all), q(0.5), q(0.9), all[len(all)-1])
	b.ReportMetric(q(0.5), "ms-median-frame")
	b.ReportMetric(q(0.9), "ms-p90-frame")
}

// touch sends one touch event with the given fingers (CSS pixels).
func touch(t testing.TB, ctx context.Context, typ input.DispatchTouchEventType, fingers ...[2]float64) {
	t.Helper()
	pts := make([]*input.TouchPoint, len(fingers))
	for i, f := range fingers {
		id := float64(i + 1)
		pts[i] = &input.TouchPoint{X: f[0], Y: f[1], ID: &id}
	}
	if _, err := chromedp.Call(ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: typ, TouchPoints: pts}); err != nil {
		t.Fatalf("touch %s %v: %v", typ, fingers, err)
	}
}

func TestTouchPanAndPinch(t *testing.T) {
	s := startServer(t)
	ctx := newBrowser(t, s)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		t.Fatal(err)
	}
	open(t, ctx, s)
	// One finger drags the data along.
	before := settle(t, ctx)
	touch(t, ctx, input.DispatchTouchEventTypeTouchStart, [2]float64{150, 300})
	for k := 1; k <= 5; k++ {
		touch(t, ctx, input.DispatchTouchEventTypeTouchMove, [2]float64{150 + 12*float64(k), 300 + 8*float64(k)})
	}
	touch(t, ctx, input.DispatchTouchEventTypeTouchEnd)
	after := settle(t, ctx)
	if dx, dy := (before.X-after.X)*after.Scale, (after.Y-before.Y)*after.Scale; math.Abs(dx-60) > 2 || math.Abs(dy-40) > 2 {
		t.Errorf("a one-finger drag of (60, 40) px moved the data by (%.1f, %.1f) px", dx, dy)
	}
	// Two fingers moving apart from 100 to 200 px zoom 2× around their middle.
	before = after
	touch(t, ctx, input.DispatchTouchEventTypeTouchStart, [2]float64{145, 400}, [2]float64{245, 400})
	for k := 1; k <= 5; k++ {
		d := 50 + 10*float64(k)
		touch(t, ctx, input.DispatchTouchEventTypeTouchMove, [2]float64{195 - d, 400}, [2]float64{195 + d, 400})
	}
	touch(t, ctx, input.DispatchTouchEventTypeTouchEnd)
	after = settle(t, ctx)
	if f := after.Scale / before.Scale; math.Abs(f-2) > 0.02 {
		t.Errorf("a pinch from 100 to 200 px zoomed %.3f×, want 2×", f)
	}
	w, h := 390.0, 844.0
	bx, by := before.worldAt(195, 400, w, h)
	ax, ay := after.worldAt(195, 400, w, h)
	if d := math.Hypot(ax-bx, ay-by) * after.Scale; d > 2 {
		t.Errorf("the point between the fingers moved %.1f px", d)
	}
}
