package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// recordTexts starts recording every text #ctl-progress and #status show
// (a MutationObserver, so no stage is missed between two looks).
func recordTexts(t testing.TB, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		window.__texts = {progress: [], status: [], firstEpoch: 0};
		for (const [id, key] of [['ctl-progress', 'progress'], ['status', 'status']]) {
			const el = document.getElementById(id);
			new MutationObserver(() => {
				const l = window.__texts[key];
				if (l[l.length - 1] === el.textContent) return;
				l.push(el.textContent);
				if (key === 'progress' && !window.__texts.firstEpoch && el.textContent.startsWith('epoch ')) window.__texts.firstEpoch = performance.now();
			}).observe(el, {childList: true, characterData: true, subtree: true});
		}
		window.__longAt = [];
		new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longAt.push([e.startTime, e.duration]); })
			.observe({type: 'longtask'});
	})()`)); err != nil {
		t.Fatal(err)
	}
}

// recordedTexts returns what recordTexts saw in #ctl-progress and #status.
func recordedTexts(t testing.TB, ctx context.Context) (progress, sentences []string) {
	t.Helper()
	type texts struct {
		Progress []string `json:"progress"`
		Status   []string `json:"status"`
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[texts](`window.__texts`))
	if err != nil {
		t.Fatal(err)
	}
	return got.Progress, got.Status
}

// anyContains reports whether some text holds sub.
func anyContains(texts []string, sub string) bool {
	return slices.ContainsFunc(texts, func(s string) bool { return strings.Contains(s, sub) })
}

func TestUMAPFromTheControls(t *testing.T) {
	_, ctx := demoPage(t)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("labels-on"))); err != nil { // compare the points alone
		t.Fatal(err)
	}
	recordTexts(t, ctx)
	// 3,000 epochs: long enough to watch it move, pause and resume.
	setControl(t, ctx, "ctl-epochs", "3000")
	setControl(t, ctx, "ctl-method", "umap")
	st := waitStatus(t, ctx, 60*time.Second, "UMAP optimising", func(st status) bool {
		return st.Method == "umap" && st.UMAPPhase == "optimizing" && st.Iteration >= 10
	})
	if st.Phase != "reducing" || st.Epochs != 3000 || st.Layout != 2 || st.TSNEPhase != "" {
		t.Errorf("while UMAP runs: %+v", st)
	}
	for _, id := range []string{"ctl-umap", "ctl-run-group"} {
		if _, shown := panelText(t, ctx, id); !shown {
			t.Errorf("#%s is not shown with UMAP chosen", id)
		}
	}
	if _, shown := panelText(t, ctx, "ctl-tsne"); shown {
		t.Error("#ctl-tsne is shown with UMAP chosen")
	}
	// It animates: the points move between two samples.
	a := screenshot(t, ctx)
	time.Sleep(800 * time.Millisecond)
	b := screenshot(t, ctx)
	if n := diffPixels(a, b, plotArea); n < 500 {
		t.Errorf("UMAP running: only %d pixels changed in 0.8 s", n)
	}
	if text, shown := panelText(t, ctx, "ctl-progress"); !shown || !strings.HasPrefix(text, "epoch ") || !strings.Contains(text, "/ 3,000") {
		t.Errorf("#ctl-progress shows %q (shown %v)", text, shown)
	}

	// Pause stops it; resume goes on.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("ctl-run"))); err != nil { // "Pause"
		t.Fatal(err)
	}
	paused := waitStatus(t, ctx, 10*time.Second, "UMAP paused", func(st status) bool { return st.Phase == "ready" })
	time.Sleep(300 * time.Millisecond)
	p1 := screenshot(t, ctx)
	time.Sleep(700 * time.Millisecond)
	p2 := screenshot(t, ctx)
	if again, err := readStatus(ctx); err != nil || again.Iteration != paused.Iteration || again.LayoutHash != paused.LayoutHash {
		t.Errorf("paused at epoch %d (%s), then %d (%s) (%v)", paused.Iteration, paused.LayoutHash, again.Iteration, again.LayoutHash, err)
	}
	if n := diffPixels(p1, p2, plotArea); n > 50 {
		t.Errorf("paused UMAP: %d pixels changed", n)
	}
	if label, _ := panelText(t, ctx, "ctl-run"); label != "Resume" || !strings.Contains(paused.Text, "paused at epoch") {
		t.Errorf("run button %q, status %q while paused", label, paused.Text)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("ctl-run"))); err != nil { // "Resume"
		t.Fatal(err)
	}
	waitStatus(t, ctx, 30*time.Second, "UMAP resumed", func(st status) bool { return st.Iteration > paused.Iteration+20 })

	// Fewer epochs start it again; it reaches done.
	setControl(t, ctx, "ctl-epochs", "150")
	done := waitStatus(t, ctx, 90*time.Second, "UMAP done", func(st status) bool {
		return st.Method == "umap" && st.UMAPPhase == "done" && st.Phase == "ready" && st.LayoutHash != ""
	})
	if done.Iteration != 150 || done.Epochs != 150 || !strings.Contains(done.Text, "UMAP 2D finished after 150 epochs") {
		t.Errorf("finished: %+v", done)
	}
	if label, _ := panelText(t, ctx, "ctl-run"); label != "Run again" {
		t.Errorf("run button says %q after UMAP finished", label)
	}
	progress, sentences := recordedTexts(t, ctx)
	t.Logf("#ctl-progress showed %d texts: %q … %q", len(progress), progress[:min(8, len(progress))], progress[max(0, len(progress)-3):])
	if !anyContains(progress, "epoch 1") || !anyContains(progress, "/ 150") ||
		!(anyContains(progress, "finding neighbours…") || anyContains(progress, "building the fuzzy graph…") || anyContains(progress, "reducing the dimensions with PCA…")) {
		t.Errorf("the panel never said a preparation stage and the epochs: %q", progress)
	}
	if !anyContains(sentences, "UMAP 2D: ") || !anyContains(sentences, "epoch ") {
		t.Errorf("the status never said the stages: %q", sentences)
	}

	// A refused n_neighbors is said with the numbers, and changes nothing.
	setControl(t, ctx, "ctl-neighbors", "1")
	msg, shown := waitPanel(t, ctx, "ctl-message", func(text string, shown bool) bool { return shown && strings.Contains(text, "n_neighbors") })
	if !shown || !strings.Contains(msg, "1,797 points it must be from 2 to 1,796") {
		t.Errorf("n_neighbors 1: #ctl-message %q (shown %v)", msg, shown)
	}
	setControl(t, ctx, "ctl-min-dist", "3")
	msg, _ = waitPanel(t, ctx, "ctl-message", func(text string, shown bool) bool { return strings.Contains(text, "Min dist 3") })
	if !strings.Contains(msg, "with spread 1 it must be from 0 to 1") {
		t.Errorf("min dist 3: #ctl-message %q", msg)
	}
	if st, _ := readStatus(ctx); st.LayoutHash != done.LayoutHash || st.Phase != "ready" {
		t.Errorf("a refused value changed the layout: %+v", st)
	}

	// Isolate re-runs UMAP on the selection; Show all brings this layout back.
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("search"), "/^3$/\r")); err != nil {
		t.Fatal(err)
	}
	sel := waitStatus(t, ctx, 10*time.Second, "the threes selected", func(st status) bool { return st.Selection != nil })
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("isolate"))); err != nil {
		t.Fatal(err)
	}
	iso := waitStatus(t, ctx, 60*time.Second, "the isolated threes by UMAP", func(st status) bool {
		return st.Points == sel.Selection.Count && st.Method == "umap" && st.UMAPPhase == "done" && st.Phase == "ready"
	})
	if iso.Iteration != 150 {
		t.Errorf("isolated UMAP: %+v", iso)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("show-all"))); err != nil {
		t.Fatal(err)
	}
	back := waitStatus(t, ctx, 20*time.Second, "every point again", func(st status) bool { return st.Points == 1797 && st.LayoutHash != "" })
	if back.Method != "umap" || back.LayoutHash != done.LayoutHash {
		t.Errorf("show all: method %s, layout %s; before isolating %s", back.Method, back.LayoutHash, done.LayoutHash)
	}

	// Restart computes it again from the start: the same seed, the same layout.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("ctl-restart"))); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, ctx, 10*time.Second, "the restart", func(st status) bool { return st.Phase == "reducing" && st.Method == "umap" })
	again := waitStatus(t, ctx, 90*time.Second, "UMAP done again", func(st status) bool {
		return st.UMAPPhase == "done" && st.Phase == "ready" && st.LayoutHash != ""
	})
	if again.LayoutHash != done.LayoutHash || again.Iteration != 150 {
		t.Errorf("restarted: %s at epoch %d, first run %s", again.LayoutHash, again.Iteration, done.LayoutHash)
	}
}

// reachableJS reports whether the element matched by a selector is shown,
// inside the viewport and not covered ("ok"), or why not.
const reachableJS = `(sel) => { const el = document.querySelector(sel); const r = el.getBoundingClientRect();
	const x = r.left + r.width / 2, y = r.top + r.height / 2;
	if (r.width === 0 || r.height === 0) return 'not shown';
	if (r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) return 'outside the viewport: ' + JSON.stringify(r);
	const hit = document.elementFromPoint(x, y);
	return hit && (hit === el || el.contains(hit)) ? 'ok' : 'covered by ' + (hit ? hit.tagName + '#' + hit.id + '.' + hit.className : 'nothing'); }`

func TestUMAPControlsOnAPhone(t *testing.T) {
	s := startServer(t)
	ctx := newBrowser(t, s)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	open(t, ctx, s)
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => { const b = document.getElementById('controls-toggle');
		if (b && b.offsetParent !== null && b.getAttribute('aria-expanded') !== 'true') b.click(); })()`)); err != nil {
		t.Fatal(err)
	}
	setControl(t, ctx, "ctl-method", "umap")
	waitStatus(t, ctx, 90*time.Second, "UMAP done", func(st status) bool { return st.Method == "umap" && st.UMAPPhase == "done" && st.LayoutHash != "" })
	img := screenshot(t, ctx)
	// The data fill the space above the (tall) controls: the points' extent
	// on screen spans most of its width. (A controls panel taken for a
	// left or right one squeezed them into a corner.)
	top, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.getElementById('controls').getBoundingClientRect().top * devicePixelRatio`))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	bg := img.At(2, 2)
	minX, maxX := b.Max.X, 0
	for y := 0; y < int(top); y++ {
		for x := 0; x < b.Max.X*2/3; x++ { // left of the legend
			if img.At(x, y) != bg {
				minX, maxX = min(minX, x), max(maxX, x)
			}
		}
	}
	if maxX-minX < b.Max.X/3 {
		t.Errorf("the points span %d of %d pixels across above the controls: not fitted to the free space", maxX-minX, b.Max.X)
	}
	for _, sel := range []string{"#ctl-method", "#ctl-neighbors", "#ctl-min-dist", "#ctl-spread", "#ctl-epochs", "#ctl-umap-metric",
		"#ctl-seed", "#ctl-run", "#ctl-restart", "#ctl-progress", "#ctl-dims", "label:has(> #file-input)"} {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(`+reachableJS+`)(`+fmt.Sprintf("%q", sel)+`)`))
		if err != nil || got != "ok" {
			t.Errorf("%s at 390×844: %s (%v)", sel, got, err)
		}
	}
}

func TestPageStaysResponsiveDuringUMAP10k(t *testing.T) {
	_, ctx := demoPage(t)
	tp, lp := writeClusters(t, 10000, 32, 10)
	upload(t, ctx, tp, lp)
	waitStatus(t, ctx, 60*time.Second, "10,000 points by PCA", func(st status) bool {
		return st.Phase == "ready" && st.Points == 10000 && st.Dims == 32
	})
	watchLongTasks(t, ctx)
	recordTexts(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		window.__worker = {progress: 0, error: 0, errors: []};
		projectorWorker().addEventListener('message', (e) => {
			window.__worker[e.data.type] = (window.__worker[e.data.type] || 0) + 1;
			if (e.data.type === 'error') window.__worker.errors.push(e.data.message);
		});
	})()`)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	setControl(t, ctx, "ctl-method", "umap")
	// Hover around while it runs, until it is done.
	var last status
	for i := 0; time.Since(start) < 4*time.Minute; i++ {
		mouse(t, ctx, input.DispatchMouseEventTypeMouseMoved, 300+float64(40*(i%15)), 350, nil)
		time.Sleep(500 * time.Millisecond)
		st, err := readStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		last = st
		if st.UMAPPhase == "done" && st.Phase == "ready" {
			break
		}
	}
	took := time.Since(start)
	long := longTasks(t, ctx)
	progress, _ := recordedTexts(t, ctx)
	// Reported, not asserted: timings depend on the machine and its load.
	t.Logf("UMAP of 10,000 × 32 in the page: done after %.1f s (epoch %d / %d); long tasks (ms): %v (longest %.0f)",
		took.Seconds(), last.Iteration, last.Epochs, long, slices.Max(append(long, 0)))
	t.Logf("#ctl-progress showed %d texts, e.g. %q", len(progress), progress[:min(12, len(progress))])
	type split struct {
		FirstEpoch float64      `json:"firstEpoch"`
		Long       [][2]float64 `json:"long"`
	}
	sp, err := chromedp.Run(ctx, chromedp.Evaluate[split](`({firstEpoch: window.__texts.firstEpoch, long: window.__longAt})`))
	if err != nil {
		t.Fatal(err)
	}
	var before, after []float64
	for _, l := range sp.Long {
		if l[0] < sp.FirstEpoch {
			before = append(before, l[1])
		} else {
			after = append(after, l[1])
		}
	}
	t.Logf("long tasks (ms) before the first epoch (PCA, neighbours, fuzzy graph): %v; while the epochs run (the layout redrawn as it moves): %v", before, after)
	if last.UMAPPhase != "done" || last.Iteration != 500 || last.Epochs != 500 {
		t.Errorf("UMAP of 10,000 points did not finish: %+v", last)
	}
	if !anyContains(progress, "finding neighbours…") || !anyContains(progress, "epoch ") {
		t.Errorf("the panel never said the neighbour search and the epochs: %q", progress)
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
		t.Errorf("the worker sent %d progress and %d error messages (%q): UMAP did not run there", w.Progress, w.Error, w.Errors)
	}
}

func TestUMAPViewSurvivesReload(t *testing.T) {
	_, ctx := demoPage(t)
	dir := downloadsTo(t, ctx)
	setControl(t, ctx, "ctl-neighbors", "20")
	setControl(t, ctx, "ctl-umap-metric", "cosine")
	setControl(t, ctx, "ctl-epochs", "200")
	setControl(t, ctx, "ctl-method", "umap")
	saved := waitStatus(t, ctx, 90*time.Second, "UMAP to finish", func(st status) bool {
		return st.Method == "umap" && st.UMAPPhase == "done" && st.Phase == "ready" && st.LayoutHash != "" && st.View != nil
	})
	b := clickAndDownload(t, ctx, "save-view", dir, "digits_tensors-view.json")
	var vf struct {
		Method string          `json:"method"`
		UMAP   json.RawMessage `json:"umap"`
	}
	if err := json.Unmarshal(b, &vf); err != nil {
		t.Fatalf("the view file: %v", err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, vf.UMAP); err != nil {
		t.Fatal(err)
	}
	if vf.Method != "umap" || compact.String() != `{"neighbors":20,"minDist":0.1,"spread":1,"epochs":200,"metric":"cosine","seed":1,"epoch":200,"maxEpochs":200}` {
		t.Fatalf("view file method %q, umap %s", vf.Method, vf.UMAP)
	}
	viewPath := filepath.Join(t.TempDir(), "view.json")
	if err := os.WriteFile(viewPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	fresh := waitStatus(t, ctx, 90*time.Second, "the demo after the reload", func(st status) bool { return st.Phase == "ready" && st.View != nil })
	if fresh.Method != "pca" {
		t.Fatalf("after the reload: %+v", fresh)
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("view-input"), []string{viewPath})); err != nil {
		t.Fatal(err)
	}
	got := waitStatus(t, ctx, 20*time.Second, "the view applied", func(st status) bool { return st.Method == "umap" && st.LayoutHash != "" })
	if got.LayoutHash != saved.LayoutHash || got.Iteration != 200 || got.Phase != "ready" || got.UMAPPhase != "done" {
		t.Errorf("restored %s at epoch %d (%s, %s), saved %s", got.LayoutHash, got.Iteration, got.Phase, got.UMAPPhase, saved.LayoutHash)
	}
	for id, want := range map[string]string{"ctl-method": "umap", "ctl-neighbors": "20", "ctl-umap-metric": "cosine", "ctl-epochs": "200"} {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('`+id+`').value`))
		if err != nil || v != want {
			t.Errorf("#%s is %q after the view, want %q (%v)", id, v, want, err)
		}
	}
	// The restored layout is not a run: Run again starts one with its settings.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("ctl-run"))); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, ctx, 10*time.Second, "a new run", func(st status) bool { return st.Phase == "reducing" })
	again := waitStatus(t, ctx, 90*time.Second, "the run again", func(st status) bool {
		return st.UMAPPhase == "done" && st.Phase == "ready" && st.LayoutHash != "" && st.Iteration == 200
	})
	if again.LayoutHash != saved.LayoutHash {
		t.Errorf("the same settings and seed gave layout %s, first %s", again.LayoutHash, saved.LayoutHash)
	}
}
