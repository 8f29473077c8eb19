package view

import "math"

// A Region is a closed shape on the screen, in pixels: the box or lasso a
// user drags to select points.
type Region interface {
	// Contains reports whether screen point (x, y) lies inside.
	Contains(x, y float64) bool
	// Bounds is a box around the region.
	Bounds() Bounds
}

// Box is an axis-aligned rectangle spanned by two corners in any order.
type Box struct{ X0, Y0, X1, Y1 float64 }

// Contains reports whether (x, y) is inside the box or on its edge.
func (b Box) Contains(x, y float64) bool {
	bb := b.Bounds()
	return x >= bb.MinX && x <= bb.MaxX && y >= bb.MinY && y <= bb.MaxY
}

// Bounds returns the box with ordered corners.
func (b Box) Bounds() Bounds {
	return Bounds{math.Min(b.X0, b.X1), math.Min(b.Y0, b.Y1), math.Max(b.X0, b.X1), math.Max(b.Y0, b.Y1)}
}

// Lasso is a polygon given by its vertices (x0, y0, x1, y1, …), closed
// from the last vertex back to the first. Self-intersecting lassos use the
// even-odd rule, so a figure eight selects both loops.
type Lasso []float64

// Contains reports whether (x, y) is inside the polygon (even-odd rule;
// fewer than three vertices contain nothing).
func (l Lasso) Contains(x, y float64) bool {
	n := len(l) / 2
	if n < 3 {
		return false
	}
	in := false
	for i, j := 0, n-1; i < n; j, i = i, i+1 {
		xi, yi, xj, yj := l[2*i], l[2*i+1], l[2*j], l[2*j+1]
		if (yi > y) != (yj > y) && x < xj+(y-yj)*(xi-xj)/(yi-yj) {
			in = !in
		}
	}
	return in
}

// Bounds returns the box around the vertices.
func (l Lasso) Bounds() Bounds {
	b := Bounds{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for i := 0; i+1 < len(l); i += 2 {
		b.MinX, b.MaxX = math.Min(b.MinX, l[i]), math.Max(b.MaxX, l[i])
		b.MinY, b.MaxY = math.Min(b.MinY, l[i+1]), math.Max(b.MaxY, l[i+1])
	}
	return b
}

// Inside returns the indices of the points whose screen position under cam
// lies in r. pos holds the drawn 2D positions (stride dims ≥ 2, world
// units); non-finite points are never inside.
func Inside(r Region, pos []float32, dims int, cam *Camera) []int {
	var out []int
	if dims < 2 {
		return out
	}
	b := r.Bounds()
	for i := 0; i*dims+1 < len(pos); i++ {
		x, y := cam.WorldToScreen(float64(pos[i*dims]), float64(pos[i*dims+1]))
		if x < b.MinX || x > b.MaxX || y < b.MinY || y > b.MaxY || math.IsNaN(x) || math.IsNaN(y) {
			continue
		}
		if r.Contains(x, y) {
			out = append(out, i)
		}
	}
	return out
}
