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

	// drawn: the first frame is on screen; until then the sprite sheet
	// (only hover cards need it) waits in thumbsPending.
	drawn, thumbsPending bool

	// Points changed but not yet handed to the viewer, as the pacer allows.
	pendingPoints, pendingRefit bool
	pacer                       session.RedrawPacer
}

func main() {
	mark("go-main")
	a := &app{viewer: render.NewViewer(), sess: session.New(), inbox: &inbox{}, dom: newDOM()}
	if f := newWorkerFactory(); f != nil {
		a.sess.SetEmbedderFactory(f) // t-SNE in a Web Worker, off this thread
	}
	a.viewer.SetTooltip(a.sess.Tooltip)
	a.viewer.OnFirstFrame(func() {
		a.dom.firstFrame()
		a.drawn = true
	})
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
	if cmds := a.inbox.drain(); len(cmds) > 0 {
		for _, c := range cmds {
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
	if a.drawn && a.thumbsPending {
		a.viewer.SetThumbnails(a.sess.Thumbnails()) // decoded once the first frame is up
		a.thumbsPending = false
	}
	a.apply(a.sess.Work(workBudget))
	a.dom.placeFixes(a.viewer.BannerBottom())
	a.publish()
	return a.viewer.Update()
}

// apply mirrors what the session changed into the viewer and the DOM.
func (a *app) apply(ch session.Changes) {
	if ch.Style {
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
	j, s := st.JSON(), sentence
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
