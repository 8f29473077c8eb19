// Package e2e tests the built site (the folder `make build` writes) in a real
// headless Chromium, driven by chromedp, against a server on 127.0.0.1.
//
// Each test's server is also its HTTP proxy (with loopback not bypassed),
// so it sees every request that leaves the test's pages. Most tests open
// their tab in a browser context of their own (an incognito-like profile)
// of one browser they share (newBrowser); the privacy test starts a
// browser of its own (startBrowser) whose proxy also sees Chromium's own
// background traffic (HTTPS tunnels to Google hosts, which it opens even on
// about:blank), attributes requests to the page and the service worker
// with the DevTools protocol and checks both logs.
//
// Chromium must be installed (scripts/ensure-chromium.sh); the tests fail,
// never skip, when it is missing.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/png"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/embproj/projector/scripts/static"
)

var (
	distFlag   = flag.String("dist", "../../dist", "the built site folder")
	chromeFlag = flag.String("chromium", "", "Chromium binary (default: $CHROMIUM, then chromium on PATH)")
)

// dataDir holds real inputs copied from the shared data folder (see its README).
const dataDir = "../../testdata/shared"

// sharedData returns the path of a real input file, failing the test when
// it is absent.
func sharedData(t testing.TB, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(dataDir, rel))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("test input missing: %v", err)
	}
	return p
}

func distDir(t testing.TB) string {
	t.Helper()
	d, err := filepath.Abs(*distFlag)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(d, "index.html")); err != nil {
		t.Fatalf("no built site at %s (run 'make build' first): %v", d, err)
	}
	return d
}

func chromiumPath(t testing.TB) string {
	t.Helper()
	for _, c := range []string{*chromeFlag, os.Getenv("CHROMIUM"), "chromium", "chromium-browser"} {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	t.Fatal("Chromium is not installed: run 'sudo apt-get install -y chromium' (make test does this itself when run as root)")
	return ""
}

// request is one request the server saw.
type request struct {
	Method string
	URL    string // absolute
	Proxy  bool   // arrived in proxy form (absolute URI or CONNECT)
	Served bool   // answered from the build output
}

// server serves the build output on 127.0.0.1 and doubles as the browser's proxy.
type server struct {
	URL     string // "http://127.0.0.1:port/"
	host    string // "127.0.0.1:port"
	dist    string
	files   http.Handler
	offline atomic.Bool // when set, every connection is dropped, as if the server were down
	// hold, when set, delays every request whose path matches it until
	// the channel is closed (a slow download of that file).
	hold atomic.Pointer[heldPath]

	mu  sync.Mutex
	log []request
	srv *http.Server
}

func startServer(t testing.TB) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &server{host: ln.Addr().String(), dist: distDir(t)}
	s.URL = "http://" + s.host + "/"
	s.files = static.Handler(s.dist)
	s.srv = &http.Server{Handler: s}
	go s.srv.Serve(ln)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req := request{Method: r.Method, Proxy: r.URL.IsAbs() || r.Method == http.MethodConnect}
	switch {
	case r.Method == http.MethodConnect:
		req.URL = "https://" + r.Host + "/"
	case r.URL.IsAbs():
		req.URL = r.URL.String()
	default:
		req.URL = "http://" + r.Host + r.URL.RequestURI()
	}
	ours := r.Method != http.MethodConnect && (r.Host == s.host || r.URL.Host == s.host)
	if ours && !s.offline.Load() {
		req.Served = true
	}
	s.mu.Lock()
	s.log = append(s.log, req)
	s.mu.Unlock()
	if s.offline.Load() {
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				c.Close()
				return
			}
		}
		http.Error(w, "offline", http.StatusServiceUnavailable)
		return
	}
	if !ours {
		http.Error(w, "the test proxy refuses every request that leaves 127.0.0.1", http.StatusForbidden)
		return
	}
	if h := s.hold.Load(); h != nil && h.path.MatchString(r.URL.Path) {
		select {
		case <-h.release:
		case <-r.Context().Done():
			return
		}
	}
	s.files.ServeHTTP(w, r)
}

// heldPath is a server's hold: paths matching path wait for release.
type heldPath struct {
	path    *regexp.Regexp
	release chan struct{}
}

// requests returns a copy of the log since index from.
func (s *server) requests(from int) []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]request(nil), s.log[from:]...)
}

func (s *server) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.log)
}

// netLog collects the requests DevTools reports for the page and its service worker.
type netLog struct {
	mu   sync.Mutex
	reqs []request
}

func (l *netLog) all() []request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]request(nil), l.reqs...)
}

// watch records every Network.requestWillBeSent of the target of ctx.
func (l *netLog) watch(t testing.TB, ctx context.Context) {
	t.Helper()
	err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			l.mu.Lock()
			l.reqs = append(l.reqs, request{Method: e.Request.Method, URL: e.Request.URL})
			l.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatalf("listening to network events: %v", err)
	}
}

// watchWorkers attaches to every target of the given type ("service_worker",
// "worker") and records its requests from then on (chromedp enables Network
// when it attaches). It returns how many it attached to.
func (l *netLog) watchWorkers(t testing.TB, ctx context.Context, typ string) int {
	t.Helper()
	infos, err := targetsOf(ctx)
	if err != nil {
		t.Fatalf("listing targets: %v", err)
	}
	n := 0
	for _, info := range infos {
		if info.Type != typ {
			continue
		}
		swCtx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(info.TargetID))
		t.Cleanup(cancel)
		if err := chromedp.Do(swCtx); err != nil {
			t.Fatalf("attaching to the %s: %v", typ, err)
		}
		l.watch(t, swCtx)
		n++
	}
	return n
}

// waitForTarget waits up to 15 s for a target of the given type to exist.
func waitForTarget(t testing.TB, ctx context.Context, typ string) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		infos, err := targetsOf(ctx)
		if err != nil {
			t.Fatalf("listing targets: %v", err)
		}
		for _, info := range infos {
			if info.Type == typ {
				return
			}
		}
	}
	t.Fatalf("no %s target appeared", typ)
}

// newBrowser opens a tab in a new browser context (an incognito-like
// profile of its own: no cache, storage or service worker carries over
// between tests) of the browser the tests share, with the server as that
// context's proxy, and returns a context for the tab with a 1280×800
// viewport. Sharing one browser saves its start (about 2 s) per test. A
// test that must see the browser's own traffic too, or needs a browser to
// itself, uses startBrowser.
func newBrowser(t testing.TB, s *server) context.Context {
	t.Helper()
	parallel(t)
	proxy := func(p *target.CreateBrowserContextParams) {
		p.ProxyServer = "http://" + s.host
		p.ProxyBypassList = "<-loopback>"
	}
	ctx, cancelC := chromedp.NewContext(sharedBrowser(t), chromedp.WithNewBrowserContext(proxy))
	ctx, cancelT := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC() })
	setUpTab(t, ctx)
	return ctx
}

// parallel lets a test with a tab of its own in the shared browser run
// beside others (as many as go test's -parallel, GOMAXPROCS by default)
// once the serial tests (those with a browser of their own, which measure
// or watch the whole browser) have finished. Much of a test's time is
// spent waiting on the page, so two at a time on two cores finish sooner
// (the suite took 604 s instead of 716 s on the same loaded machine). A
// test asking again stays as it is.
func parallel(t testing.TB) {
	if tt, ok := t.(*testing.T); ok {
		if _, again := parallelTests.LoadOrStore(tt, true); !again {
			tt.Parallel()
		}
	}
}

// parallelTests holds the tests parallel has made parallel.
var parallelTests sync.Map

// shared is the browser newBrowser opens its tabs in: started by the first
// test that needs it, closed by TestMain after the last.
var shared struct {
	mu   sync.Mutex
	ctx  context.Context
	stop func()
}

// sharedBrowser returns the shared browser's context, starting it (again,
// if it has ended) when needed. Its own traffic goes to a closed port:
// every tab has its test's server as its proxy.
func sharedBrowser(t testing.TB) context.Context {
	t.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.ctx != nil && shared.ctx.Err() == nil {
		return shared.ctx
	}
	dir, err := os.MkdirTemp("", "e2e-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), chromiumOptions(t, dir, "127.0.0.1:9")...)
	ctx, cancelC := chromedp.NewContext(actx)
	shared.ctx = ctx
	shared.stop = func() { cancelC(); cancelA(); os.RemoveAll(dir) }
	if err := chromedp.Do(ctx); err != nil {
		shared.stop()
		shared.ctx = nil
		t.Fatalf("starting Chromium: %v", err)
	}
	return ctx
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.stop != nil {
		shared.stop()
	}
	os.Exit(code)
}

// startBrowser starts a fresh headless Chromium of its own (own profile)
// with the server as the proxy of all its traffic, its own included, and
// returns a context for one tab with a 1280×800 viewport and a func
// closing the browser before the test ends (benchmarks start one browser
// after another).
func startBrowser(t testing.TB, s *server) (context.Context, func()) {
	t.Helper()
	return startBrowserFor(t, s, 4*time.Minute)
}

// startBrowserFor is startBrowser with the browser's lifetime given: its
// context, and so the browser, ends after limit.
func startBrowserFor(t testing.TB, s *server, limit time.Duration) (context.Context, func()) {
	t.Helper()
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), chromiumOptions(t, t.TempDir(), s.host)...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, limit)
	closeAll := func() { cancelT(); cancelC(); cancelA() }
	t.Cleanup(closeAll)
	setUpTab(t, ctx)
	return ctx, closeAll
}

// chromiumOptions are the flags of every browser the tests start: headless,
// software WebGL, no background updates, proxy (host:port) for all traffic.
func chromiumOptions(t testing.TB, userDataDir, proxy string) []chromedp.ExecAllocatorOption {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.UserDataDir(userDataDir),
		chromedp.Flag("headless", "new"),
		chromedp.NoSandbox,
		chromedp.Flag("use-angle", "swiftshader"),
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		// Chromium's own plain-HTTP background query (clients2.google.com/time).
		chromedp.Flag("disable-features", "Translate,BlinkGenPropertyTrees,NetworkTimeServiceQuerying"),
		chromedp.Flag("proxy-server", "http://"+proxy),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"),
		chromedp.WindowSize(1280, 800),
	)
	// E2E_JS_FLAGS passes V8 flags, for experiments on start-up.
	if f := os.Getenv("E2E_JS_FLAGS"); f != "" {
		opts = append(opts, chromedp.Flag("js-flags", f))
	}
	return opts
}

// setUpTab gives a new tab the 1280×800 viewport and the dark theme the
// tests' pixels assume (the page follows the system's, and headless
// Chromium says light).
func setUpTab(t testing.TB, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	if err := emulateColorScheme(ctx, "dark"); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
}

// targetsOf lists the targets of ctx's browser context (its page, the
// page's workers and service worker), not those of other tests' contexts.
func targetsOf(ctx context.Context) ([]*target.Info, error) {
	infos, err := chromedp.Targets(ctx)
	if err != nil {
		return nil, err
	}
	id := chromedp.FromContext(ctx).BrowserContextID
	if id == "" {
		return infos, nil // a browser of its own
	}
	var own []*target.Info
	for _, info := range infos {
		if info.BrowserContextID == id {
			own = append(own, info)
		}
	}
	return own, nil
}

// emulateColorScheme makes the page see prefers-color-scheme: scheme.
func emulateColorScheme(ctx context.Context, scheme string) error {
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
	return err
}

// status is the JSON of #status's data-state.
type status struct {
	Phase       string `json:"phase"`
	Points      int    `json:"points"`
	Dims        int    `json:"dims"`
	Method      string `json:"method"`
	Iteration   int    `json:"iteration"`
	Diagnostics []struct {
		Severity string `json:"severity"`
		Code     string `json:"code"`
		Message  string `json:"message"`
	} `json:"diagnostics"`
	Source string  `json:"source"`
	Layout int     `json:"layout"`
	KL     float64 `json:"kl"`
	// The inspector's parts (README: search, selection, neighbours).
	Search *struct {
		Query   string `json:"query"`
		Column  int    `json:"column"`
		Matches int    `json:"matches"`
	} `json:"search"`
	Selection *struct {
		Count   int   `json:"count"`
		Indices []int `json:"indices"`
	} `json:"selection"`
	Neighbours *struct {
		Of        int       `json:"of"`
		Metric    string    `json:"metric"`
		K         int       `json:"k"`
		Indices   []int     `json:"indices"`
		Distances []float64 `json:"distances"`
		Worker    bool      `json:"worker"`
	} `json:"neighbours"`
	// TSNEPhase and Progress: the t-SNE stage and how far it is within it.
	TSNEPhase string  `json:"tsnePhase"`
	Progress  float64 `json:"progress"`
	// UMAPPhase: the UMAP stage; Epochs the epoch count the run goes to.
	UMAPPhase string `json:"umapPhase"`
	Epochs    int    `json:"epochs"`
	// View is the fingerprint of the loaded data, LayoutHash the hash of
	// the layout once ready, ViewError why a view file was refused.
	View *struct {
		Points int    `json:"points"`
		Dims   int    `json:"dims"`
		Hash   string `json:"hash"`
	} `json:"view"`
	LayoutHash string  `json:"layoutHash"`
	ViewError  string  `json:"viewError"`
	Camera     *camera `json:"camera"`
	// Text is the readable sentence (#status's text), not part of the JSON.
	Text string `json:"-"`
}

func (st status) codes() []string {
	var c []string
	for _, d := range st.Diagnostics {
		c = append(c, d.Code)
	}
	return c
}

func readStatus(ctx context.Context) (status, error) {
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`(() => { const s = document.getElementById('status'); return s ? [s.dataset.state || '', s.textContent] : ['', ''] })()`))
	if err != nil {
		return status{}, err
	}
	var st status
	if err := json.Unmarshal([]byte(raw[0]), &st); err != nil {
		return status{}, fmt.Errorf("#status data-state %q is not JSON: %w", raw[0], err)
	}
	st.Text = raw[1]
	return st, nil
}

// waitStatus polls #status until ok accepts it, failing after timeout with the last status seen.
func waitStatus(t testing.TB, ctx context.Context, timeout time.Duration, what string, ok func(status) bool) status {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last status
	var lastErr error
	for time.Now().Before(deadline) {
		if ctx.Err() != nil {
			t.Fatalf("waiting for %s: the browser is gone (%v); last status %+v", what, ctx.Err(), last)
		}
		st, err := readStatus(ctx)
		if err == nil {
			last = st
			if ok(st) {
				return st
			}
		} else {
			lastErr = err
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("waiting for %s: timed out after %v; last status %+v (error %v)", what, timeout, last, lastErr)
	return last
}

// open navigates to the site and waits until the demo is ready.
func open(t testing.TB, ctx context.Context, s *server) status {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(s.URL)); err != nil {
		t.Fatalf("navigate: %v", err)
	}
	return waitStatus(t, ctx, 90*time.Second, "the demo to be ready", func(st status) bool {
		return st.Phase == "ready" || st.Phase == "error"
	})
}

// demoPage starts a server and a browser and opens the page until the demo is ready.
func demoPage(t testing.TB) (*server, context.Context) {
	t.Helper()
	s := startServer(t)
	ctx := newBrowser(t, s)
	open(t, ctx, s)
	return s, ctx
}

// upload sets files on #file-input, as a user picking them would.
func upload(t testing.TB, ctx context.Context, paths ...string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("file-input"), paths)); err != nil {
		t.Fatalf("choosing files %v: %v", paths, err)
	}
}

// screenshot captures the viewport as an image.
func screenshot(t testing.TB, ctx context.Context) image.Image {
	t.Helper()
	// Two animation frames let a pending redraw reach the screen.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](
		`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decoding screenshot: %v", err)
	}
	if dir := os.Getenv("E2E_SCREENSHOTS"); dir != "" {
		name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()) + fmt.Sprintf("-%d.png", time.Now().UnixNano())
		_ = os.WriteFile(filepath.Join(dir, name), b, 0o644)
	}
	return img
}

// pixelStats counts, inside r, pixels that differ from the background by more
// than a small tolerance, and the distinct colours among them (quantised to
// 4 bits per channel so anti-aliasing does not inflate the count).
func pixelStats(img image.Image, r image.Rectangle, bg [3]uint8) (nonBG int, colours map[[3]uint8]int) {
	colours = map[[3]uint8]int{}
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			c := [3]uint8{uint8(cr >> 8), uint8(cg >> 8), uint8(cb >> 8)}
			if absDiff(c[0], bg[0])+absDiff(c[1], bg[1])+absDiff(c[2], bg[2]) <= 24 {
				continue
			}
			nonBG++
			colours[[3]uint8{c[0] >> 4, c[1] >> 4, c[2] >> 4}]++
		}
	}
	return nonBG, colours
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// background is the canvas colour (render.Background).
var background = [3]uint8{0x16, 0x18, 0x1d}

// frequentColours returns the colours that cover at least min pixels.
func frequentColours(colours map[[3]uint8]int, min int) int {
	n := 0
	for _, c := range colours {
		if c >= min {
			n++
		}
	}
	return n
}

// profilePage starts Chromium's CPU profiler on the page when E2E_PROFILE
// names a file, and returns what stops it and writes the profile there (a
// .cpuprofile for Chromium's DevTools; wasm functions are numbered: build
// the wasm without -s to map the numbers to names).
func profilePage(t testing.TB, ctx context.Context) (stop func()) {
	path := os.Getenv("E2E_PROFILE")
	if path == "" {
		return func() {}
	}
	if _, err := chromedp.Call(ctx, profiler.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, profiler.Start, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	return func() {
		res, err := chromedp.Call(ctx, profiler.Stop, cdp.Empty{})
		if err != nil {
			t.Errorf("stopping the profiler: %v", err)
			return
		}
		b, err := json.Marshal(res.Profile)
		if err == nil {
			err = os.WriteFile(path, b, 0o644)
		}
		if err != nil {
			t.Errorf("writing the profile: %v", err)
		}
	}
}
