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

// Fit centres the camera on b and picks the scale that shows all of it inside
// the screen minus margin pixels on every side. It returns that scale.
// A degenerate box (a single point) gets the scale that maps one world unit
// to the smaller usable screen side, with the point in the middle.
func (c *Camera) Fit(b Bounds, margin float64) float64 {
	c.CenterX = (b.MinX + b.MaxX) / 2
	c.CenterY = (b.MinY + b.MaxY) / 2
	w := math.Max(c.Width-2*margin, 1)
	h := math.Max(c.Height-2*margin, 1)
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
	return s
}
