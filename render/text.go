package render

import (
	"image/color"
	"math"
	"unicode/utf8"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/embproj/projector/render/view"
)

// LineSpacing is the height of a line of text as a multiple of its font size.
const LineSpacing = 1.35

// TextSize is the overlay text's font size in CSS pixels.
const TextSize = 13

// TextEngine measures and rasterises text in any script the platform can
// draw (the browser's own text engine, in wasm/). Sizes and widths are in
// device pixels. Its methods are called from Draw only, and cached: the
// viewer asks for each (string, size) once while it stays in use.
type TextEngine interface {
	// Measure returns the advance width of s at font size sizePx.
	Measure(s string, sizePx float64) float64
	// Rasterize draws s at font size sizePx in white (colour glyphs such as
	// emoji keep their colours) on a transparent image, premultiplied alpha.
	// The text's line box, Measure(s) wide and sizePx·LineSpacing high with
	// the glyphs centred vertically in it, has its top-left corner at
	// (originX, originY) in the image; the margin around it holds glyphs
	// that overhang the box. It returns nil when there is nothing to draw.
	Rasterize(s string, sizePx float64) (img *ebiten.Image, originX, originY float64)
}

// SetTextEngine sets the engine all overlay text is drawn with. Without one
// the viewer measures text roughly and draws none (for tests off the browser).
func (v *Viewer) SetTextEngine(e TextEngine) {
	v.text.clear()
	v.text = newTextCache(e)
	v.frameDirty = true
}

// textKey identifies a string at a font size (device pixels).
type textKey struct {
	s    string
	size float64
}

// textImage is a rasterised string and where its line box sits in it.
type textImage struct {
	img              *ebiten.Image // nil: nothing to draw
	originX, originY float64
	pixels           int
}

// Bounds of the text caches: strings kept, and their image pixels.
const (
	textImagesKept  = 512
	textPixelsKept  = 8 << 20 // 32 MB of RGBA
	textMeasureKept = 8192
)

// textCache keeps the engine's answers so that a frame which draws the same
// strings again (legend, tooltip, banner) never calls the engine. Images
// are evicted, and deallocated, only at the start of a frame (trim), so an
// image drawn in the current frame stays valid.
type textCache struct {
	engine TextEngine
	images *view.LRU[textKey, textImage]
	widths *view.LRU[textKey, float64]
	pixels int // image pixels held
	misses int // calls into the engine so far (measures and rasterisations)
}

func newTextCache(e TextEngine) *textCache {
	c := &textCache{engine: e}
	c.images = view.NewLRU[textKey, textImage](textImagesKept, func(_ textKey, t textImage) {
		c.pixels -= t.pixels
		if t.img != nil {
			t.img.Deallocate()
		}
	})
	c.widths = view.NewLRU[textKey, float64](textMeasureKept, nil)
	return c
}

// measure returns the width of s at sizePx (device pixels).
func (c *textCache) measure(s string, sizePx float64) float64 {
	if s == "" {
		return 0
	}
	k := textKey{s, sizePx}
	if w, ok := c.widths.Get(k); ok {
		return w
	}
	var w float64
	c.misses++
	if c.engine != nil {
		w = c.engine.Measure(s, sizePx)
	} else {
		w = 0.55 * sizePx * float64(utf8.RuneCountInString(s))
	}
	if !(w >= 0) || math.IsInf(w, 0) { // a broken engine never breaks layout
		w = 0
	}
	c.widths.Add(k, w)
	c.widths.Trim()
	return w
}

// image returns s rasterised at sizePx.
func (c *textCache) image(s string, sizePx float64) textImage {
	k := textKey{s, sizePx}
	if t, ok := c.images.Get(k); ok {
		return t
	}
	var t textImage
	c.misses++
	if c.engine != nil && s != "" {
		t.img, t.originX, t.originY = c.engine.Rasterize(s, sizePx)
		if t.img != nil {
			b := t.img.Bounds()
			t.pixels = b.Dx() * b.Dy()
		}
	}
	c.images.Add(k, t)
	c.pixels += t.pixels
	return t
}

// trim evicts least recently used images beyond the bounds; call it before
// a frame draws, never while one is drawing.
func (c *textCache) trim() {
	c.images.Trim()
	for c.pixels > textPixelsKept && c.images.Len() > 0 {
		c.images.Cap = c.images.Len() - 1
		c.images.Trim()
	}
	c.images.Cap = textImagesKept
}

func (c *textCache) clear() {
	if c == nil {
		return
	}
	c.images.Clear()
	c.widths.Clear()
}

// textSize is the overlay font size in device pixels.
func (v *Viewer) textSize() float64 { return TextSize * v.scale }

// lineHeight is the height of an overlay text line in device pixels.
func (v *Viewer) lineHeight() float64 { return v.textSize() * LineSpacing }

// drawText draws s in colour c with the top-left corner of its line box at
// (x, y) device pixels, at the overlay font size.
func (v *Viewer) drawText(dst *ebiten.Image, s string, x, y float64, c color.Color) {
	v.drawTextSized(dst, s, x, y, v.textSize(), c)
}

// drawTextSized is drawText at font size sizePx (device pixels).
func (v *Viewer) drawTextSized(dst *ebiten.Image, s string, x, y, sizePx float64, c color.Color) {
	t := v.text.image(s, sizePx)
	if t.img == nil {
		return
	}
	op := &ebiten.DrawImageOptions{}
	// Whole device pixels: the image was rasterised on the pixel grid.
	op.GeoM.Translate(math.Round(x-t.originX), math.Round(y-t.originY))
	op.ColorScale.ScaleWithColor(c)
	op.Filter = ebiten.FilterNearest
	dst.DrawImage(t.img, op)
}

// textWidth is the width of s at the overlay font size, in device pixels.
func (v *Viewer) textWidth(s string) float64 { return v.text.measure(s, v.textSize()) }

// measureText is the width of s at font size sizePx, both in device pixels.
func (v *Viewer) measureText(s string, sizePx float64) float64 { return v.text.measure(s, sizePx) }

// ellipsize shortens s to at most width device pixels at the overlay font
// size (view.Ellipsize).
func (v *Viewer) ellipsize(s string, width float64) string {
	return view.Ellipsize(s, width, v.textWidth)
}
