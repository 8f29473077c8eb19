//go:build js && wasm

// Command wasm is the projector's browser entry point, compiled to
// WebAssembly and started by site/app.js. With wasm/worker it is the only
// code that imports syscall/js: it turns DOM events into commands, runs the
// session (session/) inside Ebiten's Update under a time budget, and
// mirrors the session into #status and into the render.Viewer.
package main

import (
	"embed"
	"fmt"
	"math"
	"strconv"
	"sync"
	"syscall/js"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/embproj/projector/parse"
	"github.com/embproj/projector/render"
	"github.com/embproj/projector/render/view"
	"github.com/embproj/projector/session"
)

//go:embed demo/projector_config.json demo/digits_tensors.bytes demo/digits_labels.tsv demo/digits_sprite.png
var demo embed.FS

// workBudget is the time per frame spent on parsing and projection; the rest
// of the frame keeps the page responsive (tasks stay well under 100 ms).
const workBudget = 20 * time.Millisecond

// maxWorkBudget bounds the work per frame while loading when frames come
// slowly (a slow or busy machine, a software-rendered canvas): Ebiten then
// runs one Update per frame, and most of each frame would be idle.
const maxWorkBudget = 50 * time.Millisecond

// readyLayerBudget is the longest slice a frame gives the redraw of a big
// point layer once the data are ready (render.Viewer.SetLayerBudget).
const readyLayerBudget = 32 * time.Millisecond

// command is what the page asks for: open files, or apply a fix (a
// parse.Diagnostic.Action such as "metadataHeader=yes" or "embedding=2").
type command struct {
	files  []parse.File
	source string
	fix    string
	// control and value are a projection control (session.Control).
	control, value string
	// view is the text of a view file to apply (session.ApplyState).
	view string
	// hasView: view is set (an empty file is still a file to refuse).
	hasView bool
	// link is a URL fragment to apply (hashchange).
	link string
	// bookmarks is the text of a bookmarks file called bookmarksName.
	bookmarks, bookmarksName string
	hasBookmarks             bool
}

// inputEvent is a pointer, wheel or key event for the viewer, or a note that
// the panels over the canvas changed. Input is handled every tick, apart
// from commands, so it never holds up the session's work.
type inputEvent struct {
	pointer *render.PointerEvent
	wheel   *wheelEvent
	key     string // KeyboardEvent.key of a keydown (or its auto-repeat)
	shift   bool
	panels  bool
}

// wheelEvent is a wheel event as the browser gave it.
type wheelEvent struct {
	x, y       float64 // CSS pixels from the canvas's corner
	deltaY     float64 // in deltaMode units
	mode       int     // WheelEvent.deltaMode: 0 pixels, 1 lines, 2 pages
	pinch      bool    // ctrlKey: a trackpad pinch
	pageHeight float64 // CSS pixels of one page (the canvas height)
}

// queue is a list that JS callbacks append to and Update drains.
type queue[T any] struct {
	mu    sync.Mutex
	items []T
}

func (q *queue[T]) push(v T) {
	q.mu.Lock()
	q.items = append(q.items, v)
	q.mu.Unlock()
}

func (q *queue[T]) drain() []T {
	q.mu.Lock()
	defer q.mu.Unlock()
	v := q.items
	q.items = nil
	return v
}

// inbox carries commands and input from JS callbacks to Update; callbacks never touch state.
type inbox struct {
	cmds  queue[command]
	input queue[inputEvent]
}

func (b *inbox) push(c command)           { b.cmds.push(c) }
func (b *inbox) drain() []command         { return b.cmds.drain() }
func (b *inbox) pushInput(e inputEvent)   { b.input.push(e) }
func (b *inbox) drainInput() []inputEvent { return b.input.drain() }

type app struct {
	viewer  *render.Viewer
	sess    *session.Session
	inbox   *inbox
	dom     *dom
	lastSet string // the status JSON + sentence last written to the DOM

	// drawn: the first frame is on screen; until then the sprite sheet
	// (only hover cards need it) waits in thumbsPending.
	drawn, thumbsPending bool

	// Points changed but not yet handed to the viewer, as the pacer allows.
	pendingPoints, pendingRefit bool
	pacer                       session.RedrawPacer
	lastUpdate                  time.Time // when the last Update started

	inspector *inspectorDOM
	lines     bool // lines from the selected point to its neighbours
	labels    bool // labels on the canvas

	// exportSelection: the exports hold only the selected points (when
	// there are any); pngPending: Draw saves the canvas as a PNG.
	exportSelection, pngPending bool

	link      linkState      // the view in the URL fragment (link.go)
	bookmarks bookmarksShown // what #bookmarks shows (bookmarks.go)
}

func main() {
	mark("go-main")
	a := &app{viewer: render.NewViewer(), sess: session.New(), inbox: &inbox{}, dom: newDOM(), lines: true, labels: true}
	a.inspector = newInspectorDOM(a.dom.doc)
	if f := newWorkerFactory(); f != nil {
		a.sess.SetEmbedderFactory(f) // t-SNE in a Web Worker, off this thread
	}
	if f := newRemoteIndexFactory(); f != nil {
		a.sess.SetRemoteIndexFactory(f) // neighbour queries of large data in the same worker
	}
	if te, err := newCanvasText(); err == nil {
		a.viewer.SetTextEngine(te) // canvas text in any script the browser draws
	} else {
		js.Global().Get("console").Call("warn", err.Error())
	}
	// app.js sets the theme before Go starts, so the first frame has it.
	a.viewer.SetTheme(a.dom.doc.Get("documentElement").Get("dataset").Get("theme").String() == "light")
	a.viewer.SetTooltip(a.sess.Tooltip)
	a.viewer.OnFirstFrame(func() {
		a.dom.firstFrame()
		a.drawn = true
	})
	a.startLink()
	a.openDemo()
	a.dom.listen(a.inbox)

	ebiten.SetScreenClearedEveryFrame(false)
	ebiten.SetWindowTitle("Embedding Projector")
	ebiten.SetRunnableOnUnfocused(true)
	if err := ebiten.RunGame(a); err != nil {
		a.dom.setStatus(fmt.Sprintf("The projector stopped: %v. Reload the page to start again.", err),
			session.Status{Phase: session.Error}.JSON(), true)
	}
}

// openDemo reads and projects the bundled sklearn digits dataset at once,
// before the game loop starts: the loading screen is still up, and the first
// frame then shows the finished PCA instead of waiting for a frame per 20 ms
// slice (each one a frame of a canvas that may be software-rendered).
func (a *app) openDemo() {
	var files []parse.File
	for _, name := range []string{"projector_config.json", "digits_tensors.bytes", "digits_labels.tsv", "digits_sprite.png"} {
		b, err := demo.ReadFile("demo/" + name)
		if err != nil {
			panic(err) // embedded at build time: cannot fail
		}
		files = append(files, parse.File{Name: name, Data: b})
	}
	a.sess.Open(files, "sklearn digits (demo)")
	parsed := false
	for i := 0; i < maxDemoSlices; i++ {
		a.apply(a.sess.Work(workBudget))
		ph := a.sess.Status().Phase
		if ph != session.Parsing && !parsed {
			parsed = true
			mark("demo-parsed")
		}
		if ph != session.Parsing && ph != session.Reducing {
			break
		}
	}
	mark("demo-projected")
}

// maxDemoSlices bounds the work openDemo does before the loop starts (the
// demo needs about ten slices; whatever is left goes on in Update).
const maxDemoSlices = 100

// Update drains commands, advances the session within the work budget,
// mirrors changes into the viewer and #status, then handles input.
func (a *app) Update() error {
	defer a.slow("update", time.Now())
	// Commands first: a control set just before a press (the drag mode,
	// say) applies to it. Then the input, in the order it came.
	cmds := a.inbox.drain()
	for _, c := range cmds {
		a.command(c)
	}
	a.handleInput()
	if len(cmds) == 0 {
		if a.drawn && a.thumbsPending {
			a.viewer.SetThumbnails(a.sess.Thumbnails()) // decoded once the first frame is up
			a.inspector.showSprites(a.viewer.HasSprites())
			a.thumbsPending = false
		}
		a.apply(a.sess.Work(a.budget()))
		a.dom.placeFixes(a.viewer.BannerBottom())
	} // else: publish the new phase now; the work starts with the next frame
	a.syncPanels()
	a.syncLink()
	a.syncBookmarks()
	a.publish()
	err := a.viewer.Update()
	a.takeSelections()
	return err
}

// command carries out one queued command.
func (a *app) command(c command) {
	switch {
	case c.control != "" && a.viewControl(c.control, c.value):
	case c.control != "" && a.bookmarkControl(c.control, c.value):
	case c.control != "":
		ch, err := a.sess.Control(c.control, c.value)
		if err != nil {
			js.Global().Get("console").Call("warn", err.Error())
		}
		if inspectorControls[c.control] {
			a.inspector.message(err) // said in the panel, or cleared
		}
		a.apply(ch)
	case c.hasView:
		a.applyView(c.view)
	case c.link != "":
		a.openLink(c.link, false)
	case c.hasBookmarks:
		a.addBookmarks(c.bookmarksName, c.bookmarks)
	case c.fix != "":
		if err := a.sess.ApplyFix(c.fix); err != nil {
			js.Global().Get("console").Call("error", err.Error())
		}
	default:
		a.sess.Open(c.files, c.source)
	}
}

// inspectorControls are the session controls of the inspector panel,
// whose errors it shows (#inspector-message).
var inspectorControls = map[string]bool{"search": true, "search-column": true, "select": true, "select-matches": true,
	"metric": true, "neighbours": true, "label-by": true, "isolate": true, "show-all": true}

// budget is this Update's work time: workBudget, or while the data load,
// half the time since the last Update, up to maxWorkBudget.
func (a *app) budget() time.Duration {
	now := time.Now()
	gap := now.Sub(a.lastUpdate)
	a.lastUpdate = now
	if ph := a.sess.Status().Phase; ph != session.Parsing && ph != session.Reducing {
		a.viewer.SetLayerBudget(readyLayerBudget)
		return workBudget
	}
	a.viewer.SetLayerBudget(0)
	return min(maxWorkBudget, max(workBudget, gap/2))
}

// viewControl applies the controls that only concern the canvas, and
// reports whether name was one:
//
//	focus       a row (0-based): centre the camera on it
//	drag-mode   "pan" | "box" | "lasso": what a plain drag does
//	lines       "true" | "false": lines from the selected point to its neighbours
//	labels      "true" | "false": labels on the canvas
//	sprites     "true" | "false": points drawn as their sprite thumbnails
//	theme       "light" | "dark": the canvas colours
func (a *app) viewControl(name, value string) bool {
	switch name {
	case "focus":
		var i int
		if _, err := fmt.Sscan(value, &i); err == nil {
			a.viewer.CenterOn(i)
		}
	case "drag-mode":
		a.viewer.SetDragMode(map[string]render.DragMode{"box": render.DragBox, "lasso": render.DragLasso}[value])
	case "theme":
		a.viewer.SetTheme(value == "light")
	case "sprites":
		a.viewer.SetSpritesAsPoints(value == "true")
	case "labels":
		a.labels = value == "true"
		a.viewer.SetLabels(a.sess.Label, a.labels)
	case "lines":
		a.lines = value == "true"
		a.emphasise()
	case "export":
		a.export(session.ExportKind(value))
	case "export-selection":
		a.exportSelection = value == "true"
	default:
		return false
	}
	return true
}

// takeSelections hands the canvas's clicks, boxes and lassos to the session.
func (a *app) takeSelections() {
	for _, sel := range a.viewer.TakeSelections() {
		mode := session.SelectReplace
		switch {
		case sel.Shift && sel.Region:
			mode = session.SelectAdd
		case sel.Shift && len(sel.Rows) > 0:
			mode = session.SelectToggle
		case sel.Shift:
			continue // shift+click on empty space keeps the selection
		}
		a.sess.Select(sel.Rows, mode)
		a.apply(session.Changes{Inspect: true, Status: true})
	}
}

// emphasise hands the session's emphasis and neighbours to the viewer.
func (a *app) emphasise() {
	focus := -1
	if sel := a.sess.Selected(); len(sel) == 1 {
		focus = int(sel[0])
	}
	nb, _ := a.sess.Neighbours()
	a.viewer.SetEmphasis(a.sess.Emphasis(), focus, nb, a.lines)
}

// handleInput hands the queued pointer, wheel and key events to the viewer, in order.
func (a *app) handleInput() {
	for _, e := range a.inbox.drainInput() {
		switch {
		case e.pointer != nil:
			a.viewer.Pointer(*e.pointer)
		case e.wheel != nil:
			w := e.wheel
			a.viewer.Wheel(w.x, w.y, view.WheelDelta(w.deltaY, w.mode, w.pageHeight), w.pinch)
		case e.key != "":
			a.viewer.Key(e.key, e.shift)
		case e.panels:
			a.dom.panelsChanged = true
		}
	}
}

// syncPanels gives the viewer the canvas edges the panels cover, when they changed.
func (a *app) syncPanels() {
	if a.dom.panelsChanged {
		a.dom.panelsChanged = false
		a.viewer.SetInsets(a.dom.insets())
	}
}

// apply mirrors what the session changed into the viewer and the DOM.
func (a *app) apply(ch session.Changes) {
	if ch.Inspect || ch.Refit {
		a.viewer.SetLabels(a.sess.Label, a.labels) // the label column may have changed
		if ch.Refit || a.sess.EmphasisStale() {
			a.emphasise() // redraws the points: only when their emphasis changed
		}
		a.inspector.show(a.sess.Inspector())
	}
	if ch.Style {
		a.inspector.setColumns(a.sess.ColumnNames())
		title, legend := a.sess.Legend()
		a.viewer.SetLegend(title, legend)
		a.viewer.SetTooltip(a.sess.Tooltip)
		a.thumbsPending = true
		a.dom.setColorOptions(a.sess.ColumnNames(), a.sess.Controls().ColorBy)
	}
	if ch.Points {
		a.pendingPoints = true
		a.pendingRefit = a.pendingRefit || ch.Refit
	}
	running := a.sess.Status().Phase == session.Reducing
	if a.pacer.Frame(time.Now(), a.sess.Status().Points, a.pendingPoints, running, a.pendingRefit) {
		if pos := a.sess.Positions(); pos != nil {
			a.viewer.SetPoints(pos, a.sess.LayoutDims(), a.sess.Colors(), a.pendingRefit)
		} else {
			a.viewer.Clear()
		}
		a.pendingPoints, a.pendingRefit = false, false
	}
	if ch.Banner {
		a.viewer.SetBanner(bannerLines(a.sess.Banner()))
		names, cur := a.sess.Embeddings()
		a.dom.setFixes(a.sess.Fixes(), names, cur, a.sess.AsksShape(), a.sess.WarningsHideable())
	}
	if ch.Camera {
		a.restoreCamera()
	}
	if ch.Status || ch.Points {
		a.dom.setControls(a.sess.Controls())
	}
}

// publish writes the status to #status when it changed.
func (a *app) publish() {
	st := a.sess.Status()
	a.dom.markOnce("go-update")
	st, sentence := holdReady(st, a.sess.Sentence())
	if st.Phase == session.Ready {
		a.dom.markOnce("page-ready")
	}
	x, y, scale := a.viewer.Camera()
	yaw, pitch := a.viewer.Orbit()
	a.sess.SetCamera(session.Camera{X: x, Y: y, Scale: scale, Yaw: yaw, Pitch: pitch}) // what a saved view keeps
	j, s := withCamera(st.JSON(), a.viewer), sentence
	if j+"\x00"+s == a.lastSet {
		return
	}
	a.lastSet = j + "\x00" + s
	a.dom.setStatus(s, j, st.Phase == session.Error)
}

// withCamera adds "camera": {"x", "y", "scale"} (the world point at the
// canvas's middle, CSS pixels per world unit) to the status JSON object j.
func withCamera(j string, v *render.Viewer) string {
	if len(j) < 2 || j[len(j)-1] != '}' {
		return j
	}
	x, y, s := v.Camera()
	num := func(f float64) string {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			f = 0
		}
		return strconv.FormatFloat(f, 'g', 10, 64)
	}
	return j[:len(j)-1] + `,"camera":{"x":` + num(x) + `,"y":` + num(y) + `,"scale":` + num(s) + `}}`
}

func bannerLines(ds []parse.Diagnostic) []render.BannerLine {
	out := make([]render.BannerLine, 0, len(ds))
	for _, d := range ds {
		sev := render.SeverityInfo
		switch d.Severity {
		case parse.Error:
			sev = render.SeverityError
		case parse.Warning:
			sev = render.SeverityWarning
		}
		where := d.Location()
		t := d.Message
		if where != "" {
			t = where + ": " + t
		}
		if d.Fix != "" {
			t += " Fix: " + d.Fix
		}
		t += " [" + string(d.Code) + "]"
		out = append(out, render.BannerLine{Severity: sev, Text: t})
	}
	return out
}

// Draw draws the viewer (which skips frames where nothing changed).
func (a *app) Draw(screen *ebiten.Image) {
	start := time.Now()
	a.viewer.Draw(screen)
	if a.pngPending {
		a.pngPending = false
		savePNG(screen, a.sess.FileName(session.ExportPNG, false))
	}
	a.slow("draw", start)
}

// slowFrame is the Update or Draw time worth reporting when the page's
// projectorDebug is set (a console line each; for profiling by hand).
const slowFrame = 40 * time.Millisecond

// slow logs what took longer than slowFrame since start, when asked to.
func (a *app) slow(what string, start time.Time) {
	if d := time.Since(start); d > slowFrame && js.Global().Get("projectorDebug").Truthy() {
		js.Global().Get("console").Call("log", fmt.Sprintf("projector: %s took %v", what, d.Round(time.Millisecond)))
	}
}

// Layout is required by ebiten.Game; LayoutF takes precedence.
func (a *app) Layout(w, h int) (int, int) {
	fw, fh := a.viewer.LayoutF(float64(w), float64(h))
	return int(fw), int(fh)
}

// LayoutF sizes the canvas in device pixels.
func (a *app) LayoutF(w, h float64) (float64, float64) { return a.viewer.LayoutF(w, h) }
