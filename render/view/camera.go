// Package view holds the pure geometry of the scatter plot: the 2D camera that
// maps world coordinates to screen pixels and back, hit-testing of points under
// the cursor, and colour assignment for categories. It imports no graphics
// library, so it is tested natively and under js/wasm alike.
package view

import "math"

// Camera maps world coordinates (the layout's units) to screen pixels.
//
// A world point (x, y) appears at screen pixel
//
//	sx = W/2 + (x - CenterX)*Scale
//	sy = H/2 - (y - CenterY)*Scale
//
// so world y grows upwards, as in a plot, and screen y grows downwards.
// The zero value is unusable; call Fit or set the fields.
type Camera struct {
	// CenterX, CenterY is the world point shown at the middle of the screen.
	CenterX, CenterY float64
	// Scale is screen pixels per world unit (> 0).
	Scale float64
	// Width, Height is the screen size in pixels.
	Width, Height float64
	// Insets are the screen's edges covered by panels (pixels); Fit centres
	// the data in what they leave free, and Free returns that rectangle.
	Insets Insets
}

// Insets are the depths of the screen's edges covered by panels, in pixels.
type Insets struct {
	Top, Right, Bottom, Left float64
}

// Free returns the screen rectangle the insets leave free. Insets that would
// leave less than a third of a side are scaled down so a third remains
// (a panel covering most of the screen must not squeeze the data to nothing);
// negative or NaN insets count as 0.
func (c *Camera) Free() Bounds {
	clean := func(v float64) float64 {
		if !(v > 0) {
			return 0
		}
		return v
	}
	in := c.Insets
	x0, x1 := squeeze(clean(in.Left), clean(in.Right), c.Width)
	y0, y1 := squeeze(clean(in.Top), clean(in.Bottom), c.Height)
	return Bounds{MinX: x0, MinY: y0, MaxX: x1, MaxY: y1}
}

// squeeze returns the free interval [a, size-b] of a side of length size,
// with a and b scaled down together so at least size/3 stays free.
func squeeze(a, b, size float64) (lo, hi float64) {
	if limit := size * 2 / 3; a+b > limit {
		k := limit / (a + b)
		a, b = a*k, b*k
	}
	return a, size - b
}

// Zoom limits, relative to the scale that fits the data.
const (
	minZoom = 1.0 / 64
	maxZoom = 4096
)

// WorldToScreen returns the screen pixel of world point (x, y).
func (c *Camera) WorldToScreen(x, y float64) (sx, sy float64) {
	return c.Width/2 + (x-c.CenterX)*c.Scale, c.Height/2 - (y-c.CenterY)*c.Scale
}

// ScreenToWorld is the inverse of WorldToScreen.
func (c *Camera) ScreenToWorld(sx, sy float64) (x, y float64) {
	return c.CenterX + (sx-c.Width/2)/c.Scale, c.CenterY - (sy-c.Height/2)/c.Scale
}

// Pan moves the view so that the content follows a drag of (dx, dy) screen pixels.
func (c *Camera) Pan(dx, dy float64) {
	c.CenterX -= dx / c.Scale
	c.CenterY += dy / c.Scale
}

// ZoomAt multiplies the scale by factor while keeping the world point under
// screen pixel (sx, sy) fixed, as a zoom around the cursor does. The result is
// clamped to [fitScale/64, fitScale*4096], where fitScale is the scale Fit
// returned for the data (≤ 0 means the current scale).
func (c *Camera) ZoomAt(sx, sy, factor float64, fitScale float64) {
	if factor <= 0 || math.IsNaN(factor) || math.IsInf(factor, 0) {
		return
	}
	if fitScale <= 0 {
		fitScale = c.Scale
	}
	wx, wy := c.ScreenToWorld(sx, sy)
	s := c.Scale * factor
	s = math.Max(fitScale*minZoom, math.Min(fitScale*maxZoom, s))
	c.Scale = s
	// Keep (wx, wy) under (sx, sy).
	c.CenterX = wx - (sx-c.Width/2)/s
	c.CenterY = wy + (sy-c.Height/2)/s
}

// Bounds is an axis-aligned box in world units.
type Bounds struct {
	MinX, MinY, MaxX, MaxY float64
}

// BoundsOf returns the bounding box of the finite points in pos, a flat slice of
// n points with stride dims (≥ 2; only the first two coordinates count).
// ok is false when there is no finite point.
func BoundsOf(pos []float32, dims int) (b Bounds, ok bool) {
	b = Bounds{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	if dims < 2 {
		return b, false
	}
	inf := float32(math.Inf(1))
	minX, minY, maxX, maxY := inf, inf, -inf, -inf
	for i := 0; i+1 < len(pos); i += dims {
		x, y := pos[i], pos[i+1]
		if x-x != 0 || y-y != 0 { // NaN or ±Inf
			continue
		}
		minX, maxX = min(minX, x), max(maxX, x)
		minY, maxY = min(minY, y), max(maxY, y)
		ok = true
	}
	if ok {
		b = Bounds{float64(minX), float64(minY), float64(maxX), float64(maxY)}
	}
	return b, ok
}

// Fit picks the scale that shows all of b inside the free rectangle (Free:
// the screen minus its Insets) less margin pixels on every side, and centres
// b in that rectangle. It returns that scale.
// A degenerate box (a single point) gets the scale that maps one world unit
// to the smaller usable side, with the point in the middle of the free area.
func (c *Camera) Fit(b Bounds, margin float64) float64 {
	f := c.Free()
	w := math.Max(f.MaxX-f.MinX-2*margin, 1)
	h := math.Max(f.MaxY-f.MinY-2*margin, 1)
	bw, bh := b.MaxX-b.MinX, b.MaxY-b.MinY
	s := math.Inf(1)
	if bw > 0 {
		s = w / bw
	}
	if bh > 0 {
		s = math.Min(s, h/bh)
	}
	if math.IsInf(s, 1) || s <= 0 || math.IsNaN(s) {
		s = math.Min(w, h)
	}
	c.Scale = s
	// The middle of b goes to the middle of the free rectangle.
	fx, fy := (f.MinX+f.MaxX)/2, (f.MinY+f.MaxY)/2
	c.CenterX = (b.MinX+b.MaxX)/2 - (fx-c.Width/2)/s
	c.CenterY = (b.MinY+b.MaxY)/2 + (fy-c.Height/2)/s
	return s
}

// FreeCenter is the middle of the free rectangle (screen pixels), the point
// keyboard zoom keeps fixed.
func (c *Camera) FreeCenter() (sx, sy float64) {
	f := c.Free()
	return (f.MinX + f.MaxX) / 2, (f.MinY + f.MaxY) / 2
}

// Panel is a page element drawn over the canvas: its rectangle in screen
// pixels and the screen edge it covers ("top", "right", "bottom", "left", or
// "" to take the edge whose inset would be the smallest).
type Panel struct {
	Rect Bounds // MinX/MinY the top-left corner, screen y downwards
	Side string
}

// InsetsOf returns the insets that keep the data clear of panels on a
// width×height screen. Every panel covers one edge, up to its far side;
// panels outside the screen or empty are ignored.
func InsetsOf(width, height float64, panels []Panel) Insets {
	var in Insets
	for _, p := range panels {
		r := p.Rect
		r.MinX, r.MaxX = math.Max(r.MinX, 0), math.Min(r.MaxX, width)
		r.MinY, r.MaxY = math.Max(r.MinY, 0), math.Min(r.MaxY, height)
		if !(r.MaxX > r.MinX && r.MaxY > r.MinY) { // also NaN
			continue
		}
		depth := map[string]float64{"top": r.MaxY, "bottom": height - r.MinY, "left": r.MaxX, "right": width - r.MinX}
		side := p.Side
		if _, ok := depth[side]; !ok {
			side = "bottom"
			for _, s := range []string{"top", "left", "right"} {
				if depth[s] < depth[side] {
					side = s
				}
			}
		}
		switch d := depth[side]; side {
		case "top":
			in.Top = math.Max(in.Top, d)
		case "bottom":
			in.Bottom = math.Max(in.Bottom, d)
		case "left":
			in.Left = math.Max(in.Left, d)
		case "right":
			in.Right = math.Max(in.Right, d)
		}
	}
	return in
}

// Union returns the larger of in and o on every edge.
func (in Insets) Union(o Insets) Insets {
	return Insets{math.Max(in.Top, o.Top), math.Max(in.Right, o.Right), math.Max(in.Bottom, o.Bottom), math.Max(in.Left, o.Left)}
}

// Scaled returns the insets times k (CSS to device pixels).
func (in Insets) Scaled(k float64) Insets {
	return Insets{in.Top * k, in.Right * k, in.Bottom * k, in.Left * k}
}

// Wheel delta modes (WheelEvent.deltaMode).
const (
	WheelPixels = 0
	WheelLines  = 1
	WheelPages  = 2
)

// wheelLine is the CSS pixels one wheel line scrolls (browsers use 16–40).
const wheelLine = 40

// WheelDelta converts a wheel event's delta in the given deltaMode to CSS
// pixels: lines count wheelLine (40) pixels, pages pageHeight; an unknown
// mode counts as pixels. A NaN or infinite delta gives 0.
func WheelDelta(delta float64, mode int, pageHeight float64) float64 {
	if math.IsNaN(delta) || math.IsInf(delta, 0) {
		return 0
	}
	switch mode {
	case WheelLines:
		return delta * wheelLine
	case WheelPages:
		return delta * pageHeight
	}
	return delta
}

// Zoom per wheel pixel: 2^(1/500), so one mouse-wheel notch (100 px, or 3
// lines) zooms about 1.15×. A pinch on a trackpad arrives as wheel events with
// ctrlKey whose deltaY is −100·ln(the fingers' scale) in Chromium, so it
// zooms by e^(1/100) per pixel to follow the fingers.
const (
	wheelRate = math.Ln2 / 500
	pinchRate = 0.01
	maxWheel  = 4 // one event zooms at most 4× either way
)

// WheelZoomFactor is the factor a wheel event of deltaPx CSS pixels (positive:
// scrolled down, zoom out) multiplies the scale by: exp(−deltaPx·c) with c
// per mouse wheel or pinch, within [1/4, 4]. A bad delta gives 1.
func WheelZoomFactor(deltaPx float64, pinch bool) float64 {
	if math.IsNaN(deltaPx) || math.IsInf(deltaPx, 0) {
		return 1
	}
	c := wheelRate
	if pinch {
		c = pinchRate
	}
	f := math.Exp(-deltaPx * c)
	return math.Max(1.0/maxWheel, math.Min(maxWheel, f))
}
