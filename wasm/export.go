//go:build js && wasm

package main

import (
	"encoding/json"
	"fmt"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/embproj/projector/session"
)

// Exports and view files. Every file is made here, in the page, and handed
// to the browser as a download (site/app.js: a Blob, an object URL and an
// <a download>); nothing is uploaded.

// export downloads the file of kind (the PNG is saved by the next Draw);
// a refusal (nothing selected for the neighbours, say) is said in the
// inspector.
func (a *app) export(kind session.ExportKind) {
	if kind == session.ExportPNG {
		a.pngPending = true // the screen keeps its last frame: Draw reads it
		return
	}
	only := a.exportSelection && len(a.sess.Selected()) > 0
	name, mime, data, err := a.sess.Export(kind, only)
	a.inspector.message(err)
	if err != nil {
		return
	}
	download(name, mime, data)
}

// download hands data to site/app.js's projectorDownload as a file called name.
func download(name, mime string, data []byte) {
	f := js.Global().Get("projectorDownload")
	if f.Type() != js.TypeFunction {
		return
	}
	u8 := js.Global().Get("Uint8Array").New(len(data))
	js.CopyBytesToJS(u8, data)
	f.Invoke(name, mime, u8)
}

// savePNG reads the screen (device pixels, as drawn: legend, labels and
// banner included) and hands it to site/app.js's projectorDownloadPixels,
// which encodes it as a PNG. WebGL keeps no copy of a presented frame, so the
// pixels are read from Ebiten's screen image in Draw, not from the canvas.
func savePNG(screen *ebiten.Image, name string) {
	f := js.Global().Get("projectorDownloadPixels")
	if f.Type() != js.TypeFunction {
		return
	}
	b := screen.Bounds()
	pix := make([]byte, 4*b.Dx()*b.Dy())
	screen.ReadPixels(pix)
	for i := 3; i < len(pix); i += 4 {
		pix[i] = 0xff // the canvas is opaque on the page
	}
	arr := js.Global().Get("Uint8ClampedArray").New(len(pix))
	js.CopyBytesToJS(arr, pix)
	f.Invoke(name, arr, b.Dx(), b.Dy())
}

// applyView applies the text of a view file; a file that is not a view,
// or one saved for other data, is said in the status (viewError), the
// notice and the inspector, and changes nothing.
func (a *app) applyView(text string) {
	var st session.State
	err := json.Unmarshal([]byte(text), &st)
	if err != nil {
		err = fmt.Errorf("this is not a view file (%v)", err)
	} else {
		var ch session.Changes
		ch, err = a.sess.ApplyState(st)
		if err == nil {
			a.apply(ch)
		}
	}
	a.inspector.message(err)
	if err != nil {
		a.sess.SetViewError(err.Error())
		a.dom.notice(a.sess.Status().ViewError)
	}
}

// restoreCamera moves the view to the camera a view state restored, once
// the restored layout is in the viewer.
func (a *app) restoreCamera() {
	cam, ok := a.sess.TakeCamera()
	if !ok {
		return
	}
	if a.pendingPoints {
		a.viewer.SetPoints(a.sess.Positions(), a.sess.LayoutDims(), a.sess.Colors(), false)
		a.pendingPoints = false
	}
	a.pendingRefit = false
	a.viewer.SetCamera(cam.X, cam.Y, cam.Scale, cam.Yaw, cam.Pitch)
}
