package view

import "math"

// Picker finds the point nearest to a world location, using a uniform grid of
// cells over the points' bounding box. Build it once per layout change;
// queries then cost a few cells instead of a scan of every point.
type Picker struct {
	pos        []float32 // n points, stride dims
	dims       int
	b          Bounds
	cols, rows int
	cell       float64 // world units per cell side
	start      []int32 // cols*rows+1 offsets into items
	items      []int32 // point indices grouped by cell
	// rank, when set, is each point's place in the drawing order (higher
	// is drawn later, on top): see NearestOnTop.
	rank []int32
}

// SetDrawOrder records the order points are drawn in (order[k] is the
// point drawn k-th, as Orbit.ProjectAll returns it), so NearestOnTop can
// prefer the point drawn on top where several cover the cursor.
func (p *Picker) SetDrawOrder(order []int32) {
	if len(order) == 0 {
		p.rank = nil
		return
	}
	if cap(p.rank) < len(order) {
		p.rank = make([]int32, len(order))
	}
	p.rank = p.rank[:len(order)]
	for k, i := range order {
		if int(i) < len(p.rank) {
			p.rank[i] = int32(k)
		}
	}
}

// NearestOnTop is Nearest, except that among the points within cover of
// (x, y) (those whose drawn disc is under the cursor) it returns the one
// drawn last, on top, when a draw order was set: in 3D the nearer point.
func (p *Picker) NearestOnTop(x, y, radius, cover float64) int {
	best := p.Nearest(x, y, radius)
	if best < 0 || p.rank == nil || cover <= 0 {
		return best
	}
	top, topRank := -1, int32(-1)
	p.visit(x, y, cover, func(i int, d float64) {
		if d <= cover*cover && int(i) < len(p.rank) && p.rank[i] > topRank {
			top, topRank = i, p.rank[i]
		}
	})
	if top >= 0 {
		return top
	}
	return best
}

// NewPicker indexes the first two coordinates of the n = len(pos)/dims points
// in pos. Non-finite points are never picked. pos is retained, not copied.
func NewPicker(pos []float32, dims int) *Picker {
	p := &Picker{pos: pos, dims: dims}
	n := 0
	if dims >= 2 {
		n = len(pos) / dims
	}
	b, ok := BoundsOf(pos, dims)
	if !ok || n == 0 {
		return p
	}
	p.b = b
	// About two points per cell on average, at most 1<<20 cells.
	cells := math.Max(1, math.Min(float64(n)/2, 1<<20))
	w, h := math.Max(b.MaxX-b.MinX, 1e-12), math.Max(b.MaxY-b.MinY, 1e-12)
	p.cell = math.Sqrt(w * h / cells)
	if p.cell <= 0 || math.IsNaN(p.cell) || math.IsInf(p.cell, 0) {
		p.cell = math.Max(w, h)
	}
	p.cols = clampInt(int(w/p.cell)+1, 1, 4096)
	p.rows = clampInt(int(h/p.cell)+1, 1, 4096)
	p.cell = math.Max(w/float64(p.cols), h/float64(p.rows)) * (1 + 1e-9)
	counts := make([]int32, p.cols*p.rows+1)
	cellOf := make([]int32, n)
	for i := 0; i < n; i++ {
		c, ok := p.cellIndex(float64(pos[i*dims]), float64(pos[i*dims+1]))
		if !ok {
			cellOf[i] = -1
			continue
		}
		cellOf[i] = int32(c)
		counts[c+1]++
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	p.start = counts
	p.items = make([]int32, counts[len(counts)-1])
	fill := make([]int32, p.cols*p.rows)
	for i, c := range cellOf {
		if c < 0 {
			continue
		}
		p.items[p.start[c]+fill[c]] = int32(i)
		fill[c]++
	}
	return p
}

func clampInt(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

func (p *Picker) cellIndex(x, y float64) (int, bool) {
	if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
		return 0, false
	}
	cx := clampInt(int((x-p.b.MinX)/p.cell), 0, p.cols-1)
	cy := clampInt(int((y-p.b.MinY)/p.cell), 0, p.rows-1)
	return cy*p.cols + cx, true
}

// Nearest returns the index of the point closest to world location (x, y)
// within world distance radius, or -1 when none is that close. Ties go to the
// lower index, so the answer does not depend on grid layout.
func (p *Picker) Nearest(x, y, radius float64) int {
	best, bestD := -1, radius*radius
	p.visit(x, y, radius, func(i int, d float64) {
		if d < bestD || (d == bestD && (best < 0 || i < best)) {
			best, bestD = i, d
		}
	})
	return best
}

// visit calls f with every point in the cells within radius of (x, y)
// and its squared distance to (x, y).
func (p *Picker) visit(x, y, radius float64, f func(i int, d float64)) {
	if p.cols == 0 || radius < 0 || math.IsNaN(x) || math.IsNaN(y) {
		return
	}
	x0 := int(math.Floor((x - radius - p.b.MinX) / p.cell))
	x1 := int(math.Floor((x + radius - p.b.MinX) / p.cell))
	y0 := int(math.Floor((y - radius - p.b.MinY) / p.cell))
	y1 := int(math.Floor((y + radius - p.b.MinY) / p.cell))
	if x1 < 0 || y1 < 0 || x0 >= p.cols || y0 >= p.rows {
		return
	}
	x0, y0 = clampInt(x0, 0, p.cols-1), clampInt(y0, 0, p.rows-1)
	x1, y1 = clampInt(x1, 0, p.cols-1), clampInt(y1, 0, p.rows-1)
	for cy := y0; cy <= y1; cy++ {
		for cx := x0; cx <= x1; cx++ {
			c := cy*p.cols + cx
			for _, i := range p.items[p.start[c]:p.start[c+1]] {
				dx := float64(p.pos[int(i)*p.dims]) - x
				dy := float64(p.pos[int(i)*p.dims+1]) - y
				f(int(i), dx*dx+dy*dy)
			}
		}
	}
}
