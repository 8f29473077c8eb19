//go:build js && wasm

package main

import (
	"fmt"
	"html"
	"strings"
	"syscall/js"

	"github.com/embproj/projector/session"
)

// inspectorDOM fills the inspector panel (#inspector) from the session's
// InspectorView; each part is rewritten only when its HTML changed.
type inspectorDOM struct {
	doc  js.Value
	last map[string]string // element id → the HTML or text last written
}

func newInspectorDOM(doc js.Value) *inspectorDOM {
	return &inspectorDOM{doc: doc, last: map[string]string{}}
}

func (d *inspectorDOM) byID(id string) js.Value { return d.doc.Call("getElementById", id) }

// set writes prop ("innerHTML", "textContent") of element id when it changed.
func (d *inspectorDOM) set(id, prop, value string) {
	key := id + "\x00" + prop
	if d.last[key] == value {
		return
	}
	if el := d.byID(id); !el.IsNull() {
		el.Set(prop, value)
		d.last[key] = value
	}
}

// rowsHTML renders listed points as <li data-index data-distance><button>.
func rowsHTML(rows []session.Row, distances bool) string {
	var b strings.Builder
	for _, r := range rows {
		num := fmt.Sprintf("#%d", r.Index)
		if distances {
			fmt.Fprintf(&b, `<li data-index="%d" data-distance="%g">`, r.Index, r.Distance)
			num = fmt.Sprintf("%.3f", r.Distance)
		} else {
			fmt.Fprintf(&b, `<li data-index="%d">`, r.Index)
		}
		fmt.Fprintf(&b, `<button type="button" title="Select point %d and centre it"><span class="label">%s</span><span class="num">%s</span></button></li>`,
			r.Index, html.EscapeString(r.Label), num)
	}
	return b.String()
}

// show fills the panel (always shown, so the canvas fits around it from
// the first frame; without data its lists are empty).
func (d *inspectorDOM) show(v session.InspectorView) {
	if d.byID("inspector").IsNull() {
		return
	}
	d.set("search-count", "textContent", v.SearchText)
	d.set("matches", "innerHTML", rowsHTML(v.Listed, false))

	d.byID("select-clear").Set("hidden", v.Selected == 0)
	d.byID("isolate").Set("hidden", v.Selected < 3 || v.Selected == v.Shown)
	d.byID("show-all").Set("hidden", !v.Isolated)
	d.set("selection-summary", "textContent", v.SelectionText)
	list := v.SelectedRows
	if v.Selected == 1 {
		list = nil // the neighbour section names it
	}
	d.set("selection-list", "innerHTML", rowsHTML(list, false))

	d.set("neighbours-of", "textContent", v.NeighboursText)
	nb := v.Neighbours
	if v.Selected != 1 {
		nb = nil
	}
	d.set("neighbours", "innerHTML", rowsHTML(nb, true))
	d.byID("export-neighbours").Set("hidden", len(nb) == 0)
	d.byID("export-selection-row").Set("hidden", v.Selected == 0)
}

// message shows err in the panel (#inspector-message), or clears it.
func (d *inspectorDOM) message(err error) {
	text := ""
	if err != nil {
		text = strings.ToUpper(err.Error()[:1]) + err.Error()[1:] + "."
	}
	d.set("inspector-message", "textContent", text)
	d.byID("inspector-message").Set("hidden", text == "")
}

// showSprites shows the "sprites as points" toggle when there is a sheet.
func (d *inspectorDOM) showSprites(has bool) {
	if el := d.byID("sprites-row"); !el.IsNull() {
		el.Set("hidden", !has)
	}
}

// setColumns lists the metadata columns in the search and label selects.
func (d *inspectorDOM) setColumns(names []string) {
	opts := func(first, firstLabel string) string {
		var b strings.Builder
		if first != "" {
			fmt.Fprintf(&b, `<option value="%s">%s</option>`, first, firstLabel)
		}
		for i, n := range names {
			fmt.Fprintf(&b, `<option value="%d">%s</option>`, i, html.EscapeString(n))
		}
		return b.String()
	}
	d.set("search-column", "innerHTML", opts("all", "all columns"))
	d.set("label-by", "innerHTML", opts("", ""))
}
