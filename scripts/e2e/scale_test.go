package e2e

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/chromedp"
)

// pageProfile makes BenchmarkScaleInPage record CPU profiles of the page,
// of its load (choosing the files to ready) and of the interactions once
// ready, and write the functions that took the most time to files in this
// directory (wasm functions are numbered: name them from a build without -s).
var pageProfile = flag.String("pageprofile", "", "directory for the page's hottest functions (BenchmarkScaleInPage)")

// scaleClusters writes n points in 16 dimensions drawn from 20 Gaussian
// clusters (fixed seed) as a float32 .npy, and a one-column labels TSV
// naming each point's cluster, into a temporary directory.
func scaleClusters(t testing.TB, n int) (tensor, labels string) {
	t.Helper()
	const d, k = 16, 20
	r := rand.New(rand.NewSource(8))
	centres := make([]float64, k*d)
	for i := range centres {
		centres[i] = 10 * r.NormFloat64()
	}
	header := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", n, d)
	for (10+len(header)+1)%64 != 0 {
		header += " "
	}
	header += "\n"
	npy := make([]byte, 0, 10+len(header)+4*n*d)
	npy = append([]byte("\x93NUMPY\x01\x00"), byte(len(header)), byte(len(header)>>8))
	npy = append(npy, header...)
	var lab strings.Builder
	lab.Grow(n * 11)
	for i := 0; i < n; i++ {
		c := r.Intn(k)
		for j := 0; j < d; j++ {
			b := math.Float32bits(float32(centres[c*d+j] + r.NormFloat64()))
			npy = append(npy, byte(b), byte(b>>8), byte(b>>16), byte(b>>24))
		}
		lab.WriteString("cluster ")
		lab.WriteString(strconv.Itoa(c))
		lab.WriteByte('\n')
	}
	dir := t.TempDir()
	tensor, labels = filepath.Join(dir, fmt.Sprintf("clusters%d.npy", n)), filepath.Join(dir, fmt.Sprintf("clusters%d_labels.tsv", n))
	if err := os.WriteFile(tensor, npy, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(labels, []byte(lab.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return tensor, labels
}

// loadTimes are a load's times in seconds, read from #status's own changes
// (a MutationObserver's performance.now()), from the moment the files were
// chosen: until the phase became reducing (parsing), then until ready.
type loadTimes struct {
	Parse, Reduce, Total float64
}

// loadScale chooses the files and waits for all n points to be ready,
// timing the phases in the page.
func loadScale(t testing.TB, ctx context.Context, n int, tensor, labels string, limit time.Duration) loadTimes {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		const s = document.getElementById('status');
		window.__phases = [];
		let last = '';
		new MutationObserver(() => {
			let p = '';
			try { p = JSON.parse(s.dataset.state || '{}').phase || ''; } catch (e) {}
			if (p !== last) { last = p; window.__phases.push([p, performance.now()]); }
		}).observe(s, {attributes: true, attributeFilter: ['data-state']});
		window.__chosen = performance.now();
	})()`)); err != nil {
		t.Fatal(err)
	}
	upload(t, ctx, tensor, labels)
	waitStatus(t, ctx, limit, fmt.Sprintf("%d points to be ready", n), func(st status) bool {
		return st.Points == n && (st.Phase == "ready" || st.Phase == "error")
	})
	type mark struct {
		Phase string
		T     float64
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[][]any](`window.__phases.map(([p, t]) => [p, t - window.__chosen])`))
	if err != nil {
		t.Fatal(err)
	}
	var lt loadTimes
	for _, m := range raw {
		p, _ := m[0].(string)
		ms, _ := m[1].(float64)
		switch p {
		case "reducing":
			if lt.Parse == 0 {
				lt.Parse = ms / 1000
			}
		case "ready", "error":
			lt.Total = ms / 1000
		}
	}
	lt.Reduce = lt.Total - lt.Parse
	return lt
}

// pageMouse sends one mouse event at (x, y) CSS pixels.
func pageMouse(t testing.TB, ctx context.Context, p input.DispatchMouseEventParams) {
	t.Helper()
	dragging(&p)
	if _, err := chromedp.Call(ctx, input.DispatchMouseEvent, p); err != nil {
		t.Fatalf("mouse %s at (%v,%v): %v", p.Type, p.X, p.Y, err)
	}
}

// panDrag drags the plot with the left button by (dx, dy) CSS px per step.
func panDrag(t testing.TB, ctx context.Context, x, y, dx, dy float64, steps int) {
	t.Helper()
	pageMouse(t, ctx, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMousePressed, X: x, Y: y,
		Button: input.MouseButtonLeft, Buttons: 1, ClickCount: 1})
	for i := 0; i < steps; i++ {
		x, y = x+dx, y+dy
		pageMouse(t, ctx, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseMoved, X: x, Y: y, Buttons: 1})
		time.Sleep(30 * time.Millisecond)
	}
	pageMouse(t, ctx, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseReleased, X: x, Y: y,
		Button: input.MouseButtonLeft, ClickCount: 1})
}

// interactions is what a user does once the points are ready, each step's
// long tasks recorded apart: pan (drags), zoom (wheel notches in and out),
// hover (the cursor over the plot) and search (typing in #search until the
// matches are counted).
func interactions(t testing.TB, ctx context.Context) map[string][]float64 {
	t.Helper()
	out := map[string][]float64{}
	step := func(name string, f func()) {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.__long.length = 0`)); err != nil {
			t.Fatal(err)
		}
		f()
		time.Sleep(300 * time.Millisecond) // the work the last event caused
		out[name] = longTasks(t, ctx)
	}
	step("pan", func() {
		panDrag(t, ctx, 500, 420, 8, 3, 20)
		panDrag(t, ctx, 660, 480, -8, -3, 20)
	})
	step("zoom", func() {
		for i := 0; i < 12; i++ {
			dy := -120.0
			if i >= 6 {
				dy = 120
			}
			pageMouse(t, ctx, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseWheel, X: 520, Y: 430, DeltaX: 1e-6, DeltaY: dy})
			time.Sleep(80 * time.Millisecond)
		}
	})
	step("hover", func() {
		for i := 0; i < 40; i++ {
			pageMouse(t, ctx, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseMoved,
				X: 300 + float64(11*i), Y: 300 + 150*math.Sin(float64(i)/4)})
			time.Sleep(25 * time.Millisecond)
		}
	})
	step("search", func() {
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("search"), "cluster 1")); err != nil {
			t.Fatal(err)
		}
		waitStatus(t, ctx, 60*time.Second, "the search to be counted", func(st status) bool {
			return st.Search != nil && st.Search.Query == "cluster 1" && st.Search.Matches > 0
		})
		// Clear it again: the emphasis goes.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const s = document.getElementById('search');
			s.value = ''; s.dispatchEvent(new Event('input', {bubbles: true})); return true })()`)); err != nil {
			t.Fatal(err)
		}
		waitStatus(t, ctx, 60*time.Second, "the search to be cleared", func(st status) bool { return st.Search == nil })
	})
	return out
}

// frameTimes returns the mean and the 95th percentile of the intervals
// between animation frames (ms) while the plot is dragged for about 1.5 s:
// every frame then redraws the points.
func frameTimes(t testing.TB, ctx context.Context) (mean, p95 float64) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		window.__frames = []; window.__framing = true;
		let last = 0;
		const f = (ts) => { if (last) window.__frames.push(ts - last); last = ts; if (window.__framing) requestAnimationFrame(f); };
		requestAnimationFrame(f);
	})()`)); err != nil {
		t.Fatal(err)
	}
	panDrag(t, ctx, 480, 400, 4, 2, 25)
	panDrag(t, ctx, 580, 450, -4, -2, 25)
	d, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`window.__framing = false, window.__frames`))
	if err != nil {
		t.Fatal(err)
	}
	if len(d) == 0 {
		return 0, 0
	}
	sort.Float64s(d)
	var sum float64
	for _, x := range d {
		sum += x
	}
	return sum / float64(len(d)), d[int(0.95*float64(len(d)-1))]
}

// toggleLabels clicks the inspector's Labels checkbox and reports whether
// labels are now on.
func toggleLabels(t testing.TB, ctx context.Context) bool {
	t.Helper()
	on, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const c = document.getElementById('labels-on'); c.click(); return c.checked })()`))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	return on
}

// startPageProfile starts the page's CPU profiler (sampling every 500 µs).
func startPageProfile(t testing.TB, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Call(ctx, profiler.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, profiler.SetSamplingInterval, profiler.SetSamplingIntervalParams{Interval: 500}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, profiler.Start, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
}

// writePageProfile stops the profiler and writes the functions with the
// most time, self time and time including callees, to file.
func writePageProfile(t testing.TB, ctx context.Context, file string) {
	t.Helper()
	res, err := chromedp.Call(ctx, profiler.Stop, cdp.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	prof := res.Profile
	parent := map[int64]int64{}
	name := map[int64]string{}
	for _, n := range prof.Nodes {
		name[n.ID] = n.CallFrame.FunctionName
		if name[n.ID] == "" {
			name[n.ID] = "(anonymous " + n.CallFrame.URL + ")"
		}
		for _, c := range n.Children {
			parent[c] = n.ID
		}
	}
	self, total := map[string]float64{}, map[string]float64{}
	var all float64
	for i, id := range prof.Samples {
		dt := float64(prof.TimeDeltas[i]) / 1000 // ms
		all += dt
		self[name[id]] += dt
		seen := map[string]bool{}
		for n, ok := id, true; ok; n, ok = parent[n] {
			if f := name[n]; !seen[f] {
				seen[f] = true
				total[f] += dt
			}
		}
	}
	top := func(m map[string]float64, k int) string {
		var fs []string
		for f := range m {
			fs = append(fs, f)
		}
		sort.Slice(fs, func(i, j int) bool { return m[fs[i]] > m[fs[j]] })
		var b strings.Builder
		for _, f := range fs[:min(k, len(fs))] {
			fmt.Fprintf(&b, "\n  %8.0f ms %5.1f%%  %s", m[f], 100*m[f]/all, f)
		}
		return b.String()
	}
	out := fmt.Sprintf("page profile: %.0f ms sampled\nself:%s\nincluding callees:%s\n", all, top(self, 40), top(total, 80))
	if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

// scaleRun loads n clustered points into a fresh page and reports, as
// benchmark metrics, the time to ready (parse and reduce apart), the
// longest main-thread task during pan, zoom, hover and search once ready,
// and the frame times while panning with labels on and off.
func scaleRun(b *testing.B, n int, tensor, labels string) {
	s := startServer(b)
	ctx, closeBrowser := startBrowserFor(b, s, 15*time.Minute)
	defer closeBrowser()
	open(b, ctx, s)
	watchLongTasks(b, ctx)
	prof := func(what string) {
		if *pageProfile != "" {
			writePageProfile(b, ctx, filepath.Join(*pageProfile, fmt.Sprintf("%dk-%s.txt", n/1000, what)))
		}
	}
	if *pageProfile != "" {
		startPageProfile(b, ctx)
	}
	lt := loadScale(b, ctx, n, tensor, labels, 10*time.Minute)
	prof("load")
	loading := longTasks(b, ctx)
	b.ReportMetric(lt.Total, "s-to-ready")
	b.ReportMetric(lt.Parse, "s-parse")
	b.ReportMetric(lt.Reduce, "s-reduce")
	b.ReportMetric(slices.Max(append(loading, 0)), "longest-task-loading-ms")
	time.Sleep(500 * time.Millisecond)
	if *pageProfile != "" {
		startPageProfile(b, ctx)
	}
	long := interactions(b, ctx)
	prof("ready")
	worst := 0.0
	for what, l := range long {
		w := slices.Max(append(l, 0))
		b.ReportMetric(w, "longest-task-"+what+"-ms")
		worst = max(worst, w)
	}
	b.ReportMetric(worst, "longest-task-ready-ms")
	mean, p95 := frameTimes(b, ctx)
	b.ReportMetric(mean, "frame-labels-on-ms")
	b.ReportMetric(p95, "frame-labels-on-p95-ms")
	if toggleLabels(b, ctx) {
		b.Fatal("the Labels checkbox is still checked after a click")
	}
	mean, p95 = frameTimes(b, ctx)
	b.ReportMetric(mean, "frame-labels-off-ms")
	b.ReportMetric(p95, "frame-labels-off-p95-ms")
	b.Logf("%d points: ready in %.1f s (parse %.1f s, reduce %.1f s); long tasks loading %v, after ready %v",
		n, lt.Total, lt.Parse, lt.Reduce, loading, long)
}

// BenchmarkScaleInPage measures the page on 20 Gaussian clusters in 16
// dimensions of 10,000 to 1,000,000 points (a .npy and a labels TSV): the
// time from choosing the files to ready (parsing and reducing apart, from
// #status's own changes), the longest main-thread task during pan, zoom,
// hover and search once ready, and the frame times while panning with
// labels on and off. -pageprofile logs where the load's time went.
func BenchmarkScaleInPage(b *testing.B) {
	for _, n := range []int{10000, 100000, 500000, 1000000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			tensor, labels := scaleClusters(b, n)
			for i := 0; i < b.N; i++ {
				scaleRun(b, n, tensor, labels)
			}
		})
	}
}

// scaleTestPoints is the size TestScaleStaysResponsive loads (about 30 s
// in all on a 2-core machine).
const scaleTestPoints = 1000000

// TestScaleStaysResponsive loads 1,000,000 points × 16 and, once they are
// ready, pans, zooms, hovers and searches, and reports the page's long
// tasks meanwhile.
func TestScaleStaysResponsive(t *testing.T) {
	_, ctx := demoPage(t)
	tensor, labels := scaleClusters(t, scaleTestPoints)
	watchLongTasks(t, ctx)
	loadScale(t, ctx, scaleTestPoints, tensor, labels, 3*time.Minute)
	st, err := readStatus(ctx)
	if err != nil || st.Phase != "ready" || st.Method != "pca" {
		t.Fatalf("after loading: %+v (%v), want the PCA ready", st, err)
	}
	time.Sleep(500 * time.Millisecond)
	// Reported, not asserted: tests never assert timings.
	for what, long := range interactions(t, ctx) {
		t.Logf("%s: long tasks once ready (ms) %v (longest %.0f)", what, long, slices.Max(append(long, 0)))
	}
}
