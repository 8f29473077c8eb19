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

	// Points changed but not yet handed to the viewer, as the pacer allows.
	pendingPoints, pendingRefit bool
	pacer                       session.RedrawPacer
}

func main() {
	a := &app{viewer: render.NewViewer(), sess: session.New(), inbox: &inbox{}, dom: newDOM()}
	if f := newWorkerFactory(); f != nil {
		a.sess.SetEmbedderFactory(f) // t-SNE in a Web Worker, off this thread
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

// dom is the page outside the canvas.
type dom struct {
	doc       js.Value
	status    js.Value
	fixes     js.Value // #fixes: one button per one-click fix, under the banner
	fixesTop  float64
	embedding js.Value // #embedding: the config's embeddings, when it has several
	controls  session.Controls
}

func newDOM() *dom {
	doc := js.Global().Get("document")
	return &dom{
		doc:       doc,
		status:    doc.Call("getElementById", "status"),
		fixes:     doc.Call("getElementById", "fixes"),
		embedding: doc.Call("getElementById", "embedding"),
		fixesTop:  -1,
	}
}

// setFixes fills #fixes with a button per fix (app.js turns a click into
// projectorFix(action)), shows the shape form when a raw tensor needs one, and
// fills #embedding with the config's embeddings.
func (d *dom) setFixes(fixes []session.Fix, embeddings []string, current int, askShape, hideable bool) {
	if d.fixes.IsNull() {
		return
	}
	list := d.fixes.Call("querySelector", "ul")
	list.Set("textContent", "")
	for _, f := range fixes {
		b := d.doc.Call("createElement", "button")
		b.Set("type", "button")
		b.Set("textContent", f.Label)
		b.Set("title", "Re-read the files with this fix ("+f.Code+")")
		b.Get("dataset").Set("action", f.Action)
		b.Get("dataset").Set("code", f.Code)
		li := d.doc.Call("createElement", "li")
		li.Call("appendChild", b)
		list.Call("appendChild", li)
	}
	if hideable {
		b := d.doc.Call("createElement", "button")
		b.Set("type", "button")
		b.Set("textContent", "Hide these warnings")
		b.Get("dataset").Set("control", "banner")
		b.Get("dataset").Set("value", "hide")
		li := d.doc.Call("createElement", "li")
		li.Call("appendChild", b)
		list.Call("appendChild", li)
	}
	sel := d.embedding.Call("querySelector", "select")
	sel.Set("textContent", "")
	for i, name := range embeddings {
		o := d.doc.Call("createElement", "option")
		o.Set("value", fmt.Sprint(i))
		o.Set("textContent", name)
		o.Set("selected", i == current)
		sel.Call("appendChild", o)
	}
	d.doc.Call("getElementById", "shape-ask").Set("hidden", !askShape)
	d.fixes.Set("hidden", len(fixes) == 0 && !askShape && !hideable)
	d.embedding.Set("hidden", len(embeddings) < 2)
}

// setColorOptions lists the metadata columns in the "colour by" select.
func (d *dom) setColorOptions(names []string, current int) {
	sel := d.doc.Call("getElementById", "ctl-color")
	if sel.IsNull() {
		return
	}
	sel.Set("textContent", "")
	add := func(value, label string) {
		o := d.doc.Call("createElement", "option")
		o.Set("value", value)
		o.Set("textContent", label)
		sel.Call("appendChild", o)
	}
	add("none", "(one colour)")
	for i, n := range names {
		add(fmt.Sprint(i), n)
	}
	if current < 0 {
		sel.Set("value", "none")
	} else {
		sel.Set("value", fmt.Sprint(current))
	}
	d.doc.Call("getElementById", "ctl-color-label").Set("hidden", len(names) == 0)
}

// setControls mirrors the projection state into #controls (only what changed).
func (d *dom) setControls(c session.Controls) {
	if c == d.controls || d.doc.Call("getElementById", "controls").IsNull() {
		return
	}
	prev := d.controls
	d.controls = c
	byID := func(id string) js.Value { return d.doc.Call("getElementById", id) }
	byID("controls").Set("hidden", !c.HasData)
	if !c.HasData {
		return
	}
	setValue := func(id, v string) {
		// Never overwrite what the user is typing.
		if el := byID(id); !el.IsNull() && !el.Equal(d.doc.Get("activeElement")) {
			el.Set("value", v)
		}
	}
	setValue("ctl-method", c.Method)
	setValue("ctl-dims", fmt.Sprint(c.Dims))
	if c.Components != prev.Components {
		for _, axis := range []string{"x", "y", "z"} {
			sel := byID("ctl-axis-" + axis)
			sel.Set("textContent", "")
			for k := 1; k <= c.Components; k++ {
				o := d.doc.Call("createElement", "option")
				o.Set("value", fmt.Sprint(k))
				o.Set("textContent", fmt.Sprintf("PC%d", k))
				sel.Call("appendChild", o)
			}
		}
	}
	for a, axis := range []string{"x", "y", "z"} {
		setValue("ctl-axis-"+axis, fmt.Sprint(c.Axes[a]+1))
	}
	byID("ctl-axis-z").Set("hidden", c.Dims != 3)
	byID("ctl-spherize").Set("checked", c.Spherize)
	byID("ctl-pca").Set("hidden", c.Method != "pca")
	byID("ctl-tsne").Set("hidden", c.Method != "tsne")
	setValue("ctl-perplexity", fmt.Sprintf("%g", c.Perplexity))
	if c.LearningRate > 0 {
		setValue("ctl-learning-rate", fmt.Sprintf("%.0f", c.LearningRate))
	}
	run := byID("ctl-run")
	switch {
	case c.Running:
		run.Set("textContent", "Pause")
		run.Get("dataset").Set("control", "pause")
	case c.Done:
		run.Set("textContent", "Run 1,000 more")
		run.Get("dataset").Set("control", "run")
	default:
		run.Set("textContent", "Resume")
		run.Get("dataset").Set("control", "run")
	}
	kl := ""
	if c.Method == "tsne" {
		kl = fmt.Sprintf("iteration %d", c.Iteration)
		if c.KL > 0 {
			kl += fmt.Sprintf(", KL %.3f", c.KL)
		}
	}
	byID("ctl-progress").Set("textContent", kl)
}

// placeFixes keeps #fixes just under the banner drawn on the canvas.
func (d *dom) placeFixes(top float64) {
	if d.fixes.IsNull() || top == d.fixesTop {
		return
	}
	d.fixesTop = top
	d.fixes.Get("style").Set("top", fmt.Sprintf("%.0fpx", top+6))
}

// setStatus writes the sentence and the JSON state to #status.
func (d *dom) setStatus(sentence, state string, isError bool) {
	if d.status.IsNull() {
		return
	}
	d.status.Set("textContent", sentence)
	d.status.Get("dataset").Set("state", state)
	d.status.Get("classList").Call("toggle", "error", isError)
}

// firstFrame removes the loading screen, records when the first frame was
// drawn and lets the t-SNE worker start.
func (d *dom) firstFrame() {
	if l := d.doc.Call("getElementById", "loading"); !l.IsNull() {
		l.Call("remove")
	}
	now := js.Global().Get("performance").Call("now").Float()
	d.doc.Get("body").Get("dataset").Set("firstFrameMs", fmt.Sprintf("%.0f", now))
	if warm := js.Global().Get("projectorWarmWorker"); warm.Type() == js.TypeFunction {
		warm.Invoke() // start the t-SNE worker now that the page is up
	}
}

// listen installs projectorOpen(names, datas) for app.js and tells it Go is ready.
// The callback only copies the bytes and queues a command.
func (d *dom) listen(in *inbox) {
	open := js.FuncOf(func(this js.Value, args []js.Value) any {
		// args: names (string[]) and the File objects; they are read later,
		// piece by piece, by the parse (see blobReader).
		if len(args) < 2 {
			return nil
		}
		names, blobs := args[0], args[1]
		n := names.Length()
		files := make([]parse.File, 0, n)
		for i := 0; i < n && i < blobs.Length(); i++ {
			r := newBlobReader(blobs.Index(i))
			files = append(files, parse.File{Name: names.Index(i).String(), ReaderAt: r, Size: r.size})
		}
		in.push(command{files: files})
		return nil
	})
	js.Global().Set("projectorOpen", open)
	fix := js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) == 1 && args[0].Type() == js.TypeString {
			in.push(command{fix: args[0].String()})
		}
		return nil
	})
	js.Global().Set("projectorFix", fix)
	control := js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) == 2 && args[0].Type() == js.TypeString && args[1].Type() == js.TypeString {
			in.push(command{control: args[0].String(), value: args[1].String()})
		}
		return nil
	})
	js.Global().Set("projectorControl", control)
	if ready := js.Global().Get("projectorReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
}
