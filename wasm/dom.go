//go:build js && wasm

package main

import (
	"fmt"
	"math"
	"syscall/js"

	"github.com/embproj/projector/parse"
	"github.com/embproj/projector/reduce"
	"github.com/embproj/projector/render"
	"github.com/embproj/projector/render/view"
	"github.com/embproj/projector/session"
)

// dom is the page outside the canvas.
type dom struct {
	doc       js.Value
	status    js.Value
	fixes     js.Value // #fixes: one button per one-click fix, under the banner
	fixesTop  float64
	embedding js.Value // #embedding: the config's embeddings, when it has several
	controls  session.Controls
	sentence  string // #status's text as last written
	// panelsChanged asks for the panels over the canvas to be measured again.
	panelsChanged bool
	marked        map[string]bool // the start-up marks already set (markOnce)
}

func newDOM() *dom {
	doc := js.Global().Get("document")
	return &dom{
		doc:       doc,
		status:    doc.Call("getElementById", "status"),
		fixes:     doc.Call("getElementById", "fixes"),
		embedding: doc.Call("getElementById", "embedding"),
		fixesTop:  -1,
		// Measure the panels at the start.
		panelsChanged: true,
		marked:        map[string]bool{},
	}
}

// mark sets a performance mark (performance.mark(name)), the start-up
// timeline BenchmarkFirstFrame reads: app.js marks the download, inflate and
// compile, Go its start ("go-main"), the demo parsed ("demo-parsed") and
// projected ("demo-projected"), its first Update ("go-update": Ebiten has
// started), the frame drawn ("first-frame") and #status first saying ready
// ("page-ready").
func mark(name string) {
	if p := js.Global().Get("performance"); p.Truthy() && p.Get("mark").Type() == js.TypeFunction {
		p.Call("mark", name)
	}
}

// markOnce sets the mark name the first time it is called with it.
func (d *dom) markOnce(name string) {
	if !d.marked[name] {
		d.marked[name] = true
		mark(name)
	}
}

// insets measures the elements marked data-occludes (the panels over the
// canvas; the attribute's value may name the edge each covers: top, right,
// bottom or left) and returns the canvas edges they cover, in CSS pixels.
func (d *dom) insets() view.Insets {
	win := js.Global()
	w, h := win.Get("innerWidth").Float(), win.Get("innerHeight").Float()
	els := d.doc.Call("querySelectorAll", "[data-occludes]")
	panels := make([]view.Panel, 0, els.Length())
	for i := 0; i < els.Length(); i++ {
		el := els.Index(i)
		r := el.Call("getBoundingClientRect")
		panels = append(panels, view.Panel{
			Rect: view.Bounds{MinX: r.Get("left").Float(), MinY: r.Get("top").Float(), MaxX: r.Get("right").Float(), MaxY: r.Get("bottom").Float()},
			Side: el.Get("dataset").Get("occludes").String(),
		})
	}
	return view.InsetsOf(w, h, panels)
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
		b.Set("title", "Re-read the files with this fix ("+string(f.Code)+")")
		b.Get("dataset").Set("action", f.Action)
		b.Get("dataset").Set("code", string(f.Code))
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
	d.panelsChanged = true
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
	add("quality", "quality (neighbours kept)")
	switch {
	case current == -2:
		sel.Set("value", "quality")
	case current < 0:
		sel.Set("value", "none")
	default:
		sel.Set("value", fmt.Sprint(current))
	}
	d.doc.Call("getElementById", "ctl-color-label").Set("hidden", false) // the quality is always offered
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
	if c.HasData != prev.HasData || c.Method != prev.Method || c.Dims != prev.Dims {
		d.panelsChanged = true // #controls changed size: refit in this frame (the ResizeObserver would be a frame late)
	}
	if !c.HasData {
		return
	}
	setValue := func(id, v string) {
		// Never overwrite what the user is typing.
		if el := byID(id); !el.IsNull() && !el.Equal(d.doc.Get("activeElement")) {
			el.Set("value", v)
		}
	}
	// The precomputed layout is offered only when the metadata hold one.
	byID("ctl-method-columns").Set("hidden", c.CoordinateColumns == 0)
	byID("ctl-method-columns").Set("disabled", c.CoordinateColumns == 0)
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
	byID("ctl-standardize").Set("checked", c.Standardize)
	byID("ctl-pca").Set("hidden", c.Method != "pca")
	byID("ctl-tsne").Set("hidden", c.Method != "tsne")
	byID("ctl-umap").Set("hidden", c.Method != "umap")
	byID("ctl-run-group").Set("hidden", c.Method != "tsne" && c.Method != "umap")
	byID("ctl-custom").Set("hidden", c.Method != "custom")
	setValue("ctl-custom-left", c.Custom.Left)
	setValue("ctl-custom-right", c.Custom.Right)
	setValue("ctl-custom-down", c.Custom.Down)
	setValue("ctl-custom-up", c.Custom.Up)
	setValue("ctl-perplexity", fmt.Sprintf("%g", c.Perplexity))
	if c.LearningRate > 0 {
		setValue("ctl-learning-rate", fmt.Sprintf("%.0f", c.LearningRate))
	}
	d.setUMAP(c, prev, setValue)
	run := byID("ctl-run")
	switch {
	case c.Running:
		run.Set("textContent", "Pause")
		run.Get("dataset").Set("control", "pause")
	case c.Done && c.Method == "umap":
		run.Set("textContent", "Run again")
		run.Get("dataset").Set("control", "run")
	case c.Done:
		run.Set("textContent", "Run 1,000 more")
		run.Get("dataset").Set("control", "run")
	default:
		run.Set("textContent", "Resume")
		run.Get("dataset").Set("control", "run")
	}
	if c.Points != prev.Points {
		// The perplexity's upper bound, (N−1)/3 (session.MaxPerplexity).
		byID("ctl-perplexity").Set("max", fmt.Sprintf("%.0f", max(2, session.MaxPerplexity(c.Points))))
	}
	d.setProgress(c)
	msg := byID("ctl-message")
	msg.Set("textContent", c.Message)
	msg.Set("hidden", c.Message == "")
}

// setUMAP mirrors UMAP's settings and the seed into their fields; the
// neighbours' bound and the default epochs follow the number of points.
func (d *dom) setUMAP(c, prev session.Controls, setValue func(id, v string)) {
	u := c.UMAP
	setValue("ctl-neighbors", fmt.Sprint(u.Neighbors))
	setValue("ctl-min-dist", fmt.Sprintf("%g", u.MinDist))
	setValue("ctl-spread", fmt.Sprintf("%g", u.Spread))
	setValue("ctl-umap-metric", u.Metric)
	setValue("ctl-seed", fmt.Sprint(c.Seed))
	epochs := ""
	if u.Epochs > 0 {
		epochs = fmt.Sprint(u.Epochs)
	}
	setValue("ctl-epochs", epochs)
	if c.Points != prev.Points {
		byID := func(id string) js.Value { return d.doc.Call("getElementById", id) }
		byID("ctl-neighbors").Set("max", fmt.Sprint(max(2, c.Points-1)))
		byID("ctl-epochs").Set("placeholder", fmt.Sprintf("auto (%d)", reduce.DefaultUMAPEpochs(c.Points)))
	}
}

// setProgress shows the t-SNE or UMAP stage and its progress in #ctl-progress (the
// status sentence's words) and #ctl-progress-bar (the share of the stage
// done, or of the iterations).
func (d *dom) setProgress(c session.Controls) {
	text, bar := d.doc.Call("getElementById", "ctl-progress"), d.doc.Call("getElementById", "ctl-progress-bar")
	if text.IsNull() || bar.IsNull() {
		return
	}
	text.Set("textContent", c.ProgressText)
	bar.Set("hidden", c.Method == "pca" || c.ProgressText == "")
	bar.Set("value", c.PhaseProgress)
	bar.Call("setAttribute", "aria-valuetext", c.ProgressText)
}

// placeFixes keeps #fixes just under the banner drawn on the canvas.
func (d *dom) placeFixes(top float64) {
	if d.fixes.IsNull() || top == d.fixesTop {
		return
	}
	d.fixesTop = top
	d.fixes.Get("style").Set("top", fmt.Sprintf("%.0fpx", top+6))
	d.panelsChanged = true
}

// setStatus writes the sentence and the JSON state to #status.
func (d *dom) setStatus(sentence, state string, isError bool) {
	if d.status.IsNull() {
		return
	}
	if sentence != d.sentence { // the camera changes the state alone, often
		d.sentence = sentence
		d.status.Set("textContent", sentence)
	}
	d.status.Get("dataset").Set("state", state)
	d.status.Get("classList").Call("toggle", "error", isError)
}

// notice shows text in #notice (dismissed by its button), or hides it for "".
func (d *dom) notice(text string) {
	n := d.doc.Call("getElementById", "notice")
	if n.IsNull() {
		return
	}
	d.doc.Call("getElementById", "notice-text").Set("textContent", text)
	n.Set("hidden", text == "")
}

// firstFrame removes the loading screen, records when the first frame was
// drawn and starts the t-SNE worker (see app.js).
func (d *dom) firstFrame() {
	if l := d.doc.Call("getElementById", "loading"); !l.IsNull() {
		l.Call("remove")
	}
	now := js.Global().Get("performance").Call("now").Float()
	mark("first-frame")
	d.doc.Get("body").Get("dataset").Set("firstFrameMs", fmt.Sprintf("%.0f", now))
	startWorker()
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
	view := js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) == 1 && args[0].Type() == js.TypeString {
			in.push(command{view: args[0].String(), hasView: true})
		}
		return nil
	})
	js.Global().Set("projectorView", view) // the text of a view file (#view-input)
	link := js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) == 1 && args[0].Type() == js.TypeString {
			in.push(command{link: args[0].String()})
		}
		return nil
	})
	js.Global().Set("projectorLink", link) // location.hash after a hashchange
	listenBookmarks(in)
	d.listenInput(in)
	if ready := js.Global().Get("projectorReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
}

// listenInput installs the functions app.js hands the canvas's input to; each
// only queues an event for Update:
//
//	projectorPointer(kind, id, x, y, button, buttons, shift, touch, ctrl, alt): kind 0 down,
//	  1 move, 2 up or cancel, 3 the mouse left the canvas; x, y CSS pixels
//	  from the canvas's corner; button/buttons as in PointerEvent
//	projectorWheel(x, y, deltaY, deltaMode, ctrlKey, pageHeight)
//	projectorKey(key, shift): a keydown (or auto-repeat) outside form fields
//	projectorPanels(): the elements marked data-occludes moved or changed size
func (d *dom) listenInput(in *inbox) {
	num := func(v js.Value) float64 {
		if v.Type() != js.TypeNumber {
			return math.NaN()
		}
		return v.Float()
	}
	pointer := js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) < 10 {
			return nil
		}
		kind := int(num(args[0]))
		if kind < 0 || kind > int(render.PointerLeave) {
			return nil
		}
		in.pushInput(inputEvent{pointer: &render.PointerEvent{
			Kind: render.PointerKind(kind), ID: int(num(args[1])), X: num(args[2]), Y: num(args[3]),
			Button: int(num(args[4])), Buttons: int(num(args[5])), Shift: args[6].Truthy(), Touch: args[7].Truthy(),
			Ctrl: args[8].Truthy(), Alt: args[9].Truthy(),
		}})
		return nil
	})
	js.Global().Set("projectorPointer", pointer)
	wheel := js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) < 6 {
			return nil
		}
		in.pushInput(inputEvent{wheel: &wheelEvent{x: num(args[0]), y: num(args[1]), deltaY: num(args[2]),
			mode: int(num(args[3])), pinch: args[4].Truthy(), pageHeight: num(args[5])}})
		return nil
	})
	js.Global().Set("projectorWheel", wheel)
	key := js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) == 2 && args[0].Type() == js.TypeString && args[0].String() != "" {
			in.pushInput(inputEvent{key: args[0].String(), shift: args[1].Truthy()})
		}
		return nil
	})
	js.Global().Set("projectorKey", key)
	panels := js.FuncOf(func(this js.Value, args []js.Value) any {
		in.pushInput(inputEvent{panels: true})
		return nil
	})
	js.Global().Set("projectorPanels", panels)
}
