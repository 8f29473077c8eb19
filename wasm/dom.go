//go:build js && wasm

package main

import (
	"fmt"
	"syscall/js"

	"github.com/embproj/projector/parse"
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
	marked    map[string]bool // the start-up marks already set (markOnce)
}

func newDOM() *dom {
	doc := js.Global().Get("document")
	return &dom{
		doc:       doc,
		status:    doc.Call("getElementById", "status"),
		fixes:     doc.Call("getElementById", "fixes"),
		embedding: doc.Call("getElementById", "embedding"),
		fixesTop:  -1,
		marked:    map[string]bool{},
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
	if c.Points != prev.Points {
		// The perplexity's upper bound, (N−1)/3 (session.MaxPerplexity).
		byID("ctl-perplexity").Set("max", fmt.Sprintf("%.0f", max(2, session.MaxPerplexity(c.Points))))
	}
	d.setProgress(c)
	msg := byID("ctl-message")
	msg.Set("textContent", c.Message)
	msg.Set("hidden", c.Message == "")
}

// setProgress shows the t-SNE stage and its progress in #ctl-progress (the
// status sentence's words) and #ctl-progress-bar (the share of the stage
// done, or of the iterations).
func (d *dom) setProgress(c session.Controls) {
	text, bar := d.doc.Call("getElementById", "ctl-progress"), d.doc.Call("getElementById", "ctl-progress-bar")
	if text.IsNull() || bar.IsNull() {
		return
	}
	text.Set("textContent", c.ProgressText)
	bar.Set("hidden", c.Method != "tsne" || c.ProgressText == "")
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
	if ready := js.Global().Get("projectorReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
}
