//go:build js && wasm

package main

import (
	"fmt"
	"math"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/embproj/projector/render"
	"github.com/embproj/projector/render/view"
)

// fontFamilies is the canvas font stack: the platform's UI font, then emoji
// fonts (after sans-serif, so digits and punctuation never come from them).
// Scripts none of these covers (Thai, CJK, Arabic, ...) fall back to
// whatever the browser finds on the system, as page text does.
const fontFamilies = `system-ui, sans-serif, "Noto Color Emoji", "Apple Color Emoji", "Segoe UI Emoji"`

// maxTextPixels bounds one rasterised string's width (device pixels); the
// overlays ellipsize far below it.
const maxTextPixels = 4096

// canvasText is render.TextEngine on the browser's own text engine: an
// OffscreenCanvas (or a detached <canvas>) 2D context that measures with
// measureText and rasterises with fillText and getImageData. Every call
// crosses into JS; render caches the answers.
type canvasText struct {
	canvas, ctx js.Value
	w, h        int     // the canvas size in pixels
	size        float64 // the font size set on ctx (0: none yet)
	rtl         bool    // the direction set on ctx
	pix         []byte  // getImageData's bytes, reused
}

// newCanvasText returns the browser text engine, or an error when the
// browser has no 2D canvas.
func newCanvasText() (*canvasText, error) {
	t := &canvasText{w: 512, h: 64}
	if oc := js.Global().Get("OffscreenCanvas"); oc.Truthy() {
		t.canvas = oc.New(t.w, t.h)
	} else {
		t.canvas = js.Global().Get("document").Call("createElement", "canvas")
		t.canvas.Set("width", t.w)
		t.canvas.Set("height", t.h)
	}
	t.ctx = t.canvas.Call("getContext", "2d", map[string]any{"willReadFrequently": true})
	if !t.ctx.Truthy() {
		return nil, fmt.Errorf("text: the browser gives no 2D canvas context")
	}
	t.reset()
	return t, nil
}

// reset sets the context state a canvas resize clears.
func (t *canvasText) reset() {
	t.ctx.Set("fillStyle", "#fff")
	t.ctx.Set("textBaseline", "middle")
	t.ctx.Set("textAlign", "left")
	t.ctx.Set("direction", "ltr")
	t.size, t.rtl = 0, false
}

func (t *canvasText) setFont(sizePx float64) {
	if sizePx != t.size {
		t.ctx.Set("font", fmt.Sprintf("%.2fpx %s", sizePx, fontFamilies))
		t.size = sizePx
	}
}

// Measure returns the advance width of s in device pixels at sizePx.
func (t *canvasText) Measure(s string, sizePx float64) float64 {
	t.setFont(sizePx)
	return t.ctx.Call("measureText", s).Get("width").Float()
}

// Rasterize draws s in white with its line box (render.LineSpacing·sizePx
// high, glyphs centred) at a margin of a third of the size on every side.
// A string whose first strong character is right-to-left (Arabic, Hebrew)
// is laid out right to left, as dir="auto" would, still left-aligned.
func (t *canvasText) Rasterize(s string, sizePx float64) (*ebiten.Image, float64, float64) {
	adv := t.Measure(s, sizePx)
	pad := math.Ceil(sizePx / 3)
	lh := sizePx * render.LineSpacing
	w := int(math.Ceil(adv + 2*pad))
	h := int(math.Ceil(lh + 2*pad))
	if adv <= 0 || w <= 0 || h <= 0 {
		return nil, 0, 0
	}
	w = min(w, maxTextPixels)
	if w > t.w || h > t.h {
		t.w, t.h = max(w, t.w), max(h, t.h)
		t.canvas.Set("width", t.w) // clears the context state
		t.canvas.Set("height", t.h)
		t.reset()
		t.setFont(sizePx)
	}
	if rtl := view.StrongRTL(s); rtl != t.rtl {
		t.ctx.Set("direction", map[bool]string{true: "rtl", false: "ltr"}[rtl])
		t.rtl = rtl
	}
	t.ctx.Call("clearRect", 0, 0, w, h)
	t.ctx.Call("fillText", s, pad, pad+lh/2)
	data := t.ctx.Call("getImageData", 0, 0, w, h).Get("data")
	if n := 4 * w * h; cap(t.pix) < n {
		t.pix = make([]byte, n)
	} else {
		t.pix = t.pix[:n]
	}
	js.CopyBytesToGo(t.pix, data)
	premultiply(t.pix)
	img := ebiten.NewImage(w, h)
	img.WritePixels(t.pix)
	return img, pad, pad
}

// premultiply turns canvas RGBA (straight alpha) into Ebiten's premultiplied alpha.
func premultiply(p []byte) {
	for i := 0; i+3 < len(p); i += 4 {
		a := uint32(p[i+3])
		if a == 255 {
			continue
		}
		p[i] = byte((uint32(p[i])*a + 127) / 255)
		p[i+1] = byte((uint32(p[i+1])*a + 127) / 255)
		p[i+2] = byte((uint32(p[i+2])*a + 127) / 255)
	}
}
