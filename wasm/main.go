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
	"strconv"
	"strings"
	"sync"
	"syscall/js"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/embproj/projector/parse"
	"github.com/embproj/projector/render"
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
}

// inbox carries commands from JS callbacks to Update; callbacks never touch state.
type inbox struct {
	mu   sync.Mutex
	cmds []command
}

func (b *inbox) push(c command) {
	b.mu.Lock()
	b.cmds = append(b.cmds, c)
	b.mu.Unlock()
}

func (b *inbox) drain() []command {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.cmds
	b.cmds = nil
	return c
}

type app struct {
	viewer  *render.Viewer
	sess    *session.Session
	inbox   *inbox
	dom     *dom
	lastSet string // the status JSON + sentence last written to the DOM

	// Points changed but not yet handed to the viewer, as the pacer allows.
	pendingPoints, pendingRefit bool
	pacer                       session.RedrawPacer
	lastUpdate                  time.Time // when the last Update started

	inspector *inspectorDOM
	lines     bool // lines from the selected point to its neighbours
	labels    bool // labels on the canvas
}

func main() {
	a := &app{viewer: render.NewViewer(), sess: session.New(), inbox: &inbox{}, dom: newDOM(), lines: true, labels: true}
	a.inspector = newInspectorDOM(a.dom.doc)
	if f := newWorkerFactory(); f != nil {
		a.sess.SetEmbedderFactory(f) // t-SNE in a Web Worker, off this thread
	}
	if te, err := newCanvasText(); err == nil {
		a.viewer.SetTextEngine(te) // canvas text in any script the browser draws
	} else {
		js.Global().Get("console").Call("warn", err.Error())
	}
	a.viewer.SetTooltip(a.sess.Tooltip)
	a.viewer.OnFirstFrame(a.dom.firstFrame)
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

// openDemo queues the bundled sklearn digits dataset.
func (a *app) openDemo() {
	var files []parse.File
	for _, name := range []string{"projector_config.json", "digits_tensors.bytes", "digits_labels.tsv", "digits_sprite.png"} {
		b, err := demo.ReadFile("demo/" + name)
		if err != nil {
			panic(err) // embedded at build time: cannot fail
		}
		files = append(files, parse.File{Name: name, Data: b})
	}
	a.inbox.push(command{files: files, source: "sklearn digits (demo)"})
}

// Update drains commands, advances the session within the work budget,
// mirrors changes into the viewer and #status, then handles input.
func (a *app) Update() error {
	if cmds := a.inbox.drain(); len(cmds) > 0 {
		for _, c := range cmds {
			if c.control != "" && a.viewControl(c.control, c.value) {
				continue
			}
			if c.control != "" {
				ch, err := a.sess.Control(c.control, c.value)
				if err != nil {
					js.Global().Get("console").Call("warn", err.Error())
				}
				a.apply(ch)
				continue
			}
			if c.fix != "" {
				if err := a.sess.ApplyFix(c.fix); err != nil {
					js.Global().Get("console").Call("error", err.Error())
				}
				continue
			}
			a.sess.Open(c.files, c.source)
		}
		// Publish the new phase now; the work starts with the next frame.
		a.publish()
		return a.viewer.Update()
	}
	a.apply(a.sess.Work(a.budget()))
	a.dom.placeFixes(a.viewer.BannerBottom())
	a.publish()
	err := a.viewer.Update()
	a.takeSelections()
	return err
}

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
//	click       "x y shift": a click or tap at CSS px (x, y) picks the point there
//	region      "box|lasso shift x0 y0 x1 y1 …": select inside the outline (CSS px)
//	modifiers   the shift, ctrl/⌘ and alt keys at the latest press, "000" to "111"
func (a *app) viewControl(name, value string) bool {
	switch name {
	case "focus":
		var i int
		if _, err := fmt.Sscan(value, &i); err == nil {
			a.viewer.CenterOn(i)
		}
	case "drag-mode":
		a.viewer.SetDragMode(map[string]render.DragMode{"box": render.DragBox, "lasso": render.DragLasso}[value])
	case "click": // "x y shift" in CSS px, shift 0 or 1
		var x, y float64
		var shift int
		if _, err := fmt.Sscan(value, &x, &y, &shift); err == nil {
			a.viewer.Click(x, y, shift == 1)
		}
	case "region": // "box|lasso shift x0 y0 x1 y1 …" in CSS px
		f := strings.Fields(value)
		if len(f) < 2 {
			return true
		}
		pts := make([]float64, 0, len(f)-2)
		for _, t := range f[2:] {
			if p, err := strconv.ParseFloat(t, 64); err == nil {
				pts = append(pts, p)
			}
		}
		a.viewer.SelectRegion(f[0] == "lasso", pts, f[1] == "1")
	case "modifiers": // "shift ctrl alt" as 0/1, e.g. "100"
		if len(value) == 3 {
			a.viewer.SetPressModifiers(render.Modifiers{Shift: value[0] == '1', Ctrl: value[1] == '1', Alt: value[2] == '1'})
		}
	case "labels":
		a.labels = value == "true"
		a.viewer.SetLabels(a.sess.Label, a.labels)
	case "lines":
		a.lines = value == "true"
		a.emphasise()
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

// apply mirrors what the session changed into the viewer and the DOM.
func (a *app) apply(ch session.Changes) {
	if ch.Inspect || ch.Refit {
		a.viewer.SetLabels(a.sess.Label, a.labels) // the label column may have changed
		a.emphasise()
		a.inspector.show(a.sess.Inspector(), a.sess.Controls().HasData)
	}
	if ch.Style {
		a.inspector.setColumns(a.sess.ColumnNames())
		title, legend := a.sess.Legend()
		a.viewer.SetLegend(title, legend)
		a.viewer.SetTooltip(a.sess.Tooltip)
		a.viewer.SetThumbnails(a.sess.Thumbnails())
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
	if ch.Status || ch.Points {
		a.dom.setControls(a.sess.Controls())
	}
}

// publish writes the status to #status when it changed.
func (a *app) publish() {
	st := a.sess.Status()
	j, s := st.JSON(), a.sess.Sentence()
	if j+"\x00"+s == a.lastSet {
		return
	}
	a.lastSet = j + "\x00" + s
	a.dom.setStatus(s, j, st.Phase == session.Error)
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
		where := d.File
		if d.Line > 0 {
			where += fmt.Sprintf(", line %d", d.Line)
			if d.Column > 0 {
				where += fmt.Sprintf(", column %d", d.Column)
			}
		}
		t := d.Message
		if where != "" {
			t = where + ": " + t
		}
		if d.Fix != "" {
			t += " Fix: " + d.Fix
		}
		t += " [" + d.Code + "]"
		out = append(out, render.BannerLine{Severity: sev, Text: t})
	}
	return out
}

// Draw draws the viewer (which skips frames where nothing changed).
func (a *app) Draw(screen *ebiten.Image) {
	a.viewer.Draw(screen)
}

// Layout is required by ebiten.Game; LayoutF takes precedence.
func (a *app) Layout(w, h int) (int, int) {
	fw, fh := a.viewer.LayoutF(float64(w), float64(h))
	return int(fw), int(fh)
}

// LayoutF sizes the canvas in device pixels.
func (a *app) LayoutF(w, h float64) (float64, float64) { return a.viewer.LayoutF(w, h) }
