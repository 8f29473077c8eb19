package view

import "math"

// LabelPlacer places label boxes on a screen without overlap: each box is
// accepted when it lies on the screen and overlaps no box accepted before
// it (forced boxes are accepted regardless, and block later ones). Boxes
// are indexed in a grid of cells, so a placement costs a few cells, not a
// scan of every placed box. The zero value is unusable; call Reset.
type LabelPlacer struct {
	w, h       float64
	cell       float64
	cols, rows int
	cells      [][]int32 // per cell, the placed boxes touching it
	boxes      []Bounds
}

// Reset empties the placer for a w×h screen (pixels), with grid cells of
// about cell pixels (the typical label height is a good choice).
func (p *LabelPlacer) Reset(w, h, cell float64) {
	p.w, p.h = w, h
	p.cell = math.Max(cell, 1)
	p.cols = max(1, int(math.Ceil(w/p.cell)))
	p.rows = max(1, int(math.Ceil(h/p.cell)))
	if len(p.cells) < p.cols*p.rows {
		p.cells = make([][]int32, p.cols*p.rows)
	}
	for i := range p.cells {
		p.cells[i] = p.cells[i][:0]
	}
	p.boxes = p.boxes[:0]
}

// Len is the number of boxes placed.
func (p *LabelPlacer) Len() int { return len(p.boxes) }

// span returns the range of grid cells b touches (clamped to the grid).
func (p *LabelPlacer) span(b Bounds) (x0, y0, x1, y1 int) {
	clamp := func(v float64, n int) int { return max(0, min(n-1, int(math.Floor(v/p.cell)))) }
	return clamp(b.MinX, p.cols), clamp(b.MinY, p.rows), clamp(b.MaxX, p.cols), clamp(b.MaxY, p.rows)
}

// Place tries box b (screen pixels) and reports whether it was placed.
func (p *LabelPlacer) Place(b Bounds, force bool) bool {
	if !force {
		if !(b.MinX >= 0 && b.MinY >= 0 && b.MaxX <= p.w && b.MaxY <= p.h) { // also rejects NaN
			return false
		}
		x0, y0, x1, y1 := p.span(b)
		for cy := y0; cy <= y1; cy++ {
			for cx := x0; cx <= x1; cx++ {
				for _, j := range p.cells[cy*p.cols+cx] {
					if overlaps(b, p.boxes[j]) {
						return false
					}
				}
			}
		}
	} else if math.IsNaN(b.MinX) || math.IsNaN(b.MinY) {
		return false
	}
	id := int32(len(p.boxes))
	p.boxes = append(p.boxes, b)
	x0, y0, x1, y1 := p.span(b)
	for cy := y0; cy <= y1; cy++ {
		for cx := x0; cx <= x1; cx++ {
			p.cells[cy*p.cols+cx] = append(p.cells[cy*p.cols+cx], id)
		}
	}
	return true
}

// overlaps reports whether two boxes share interior (touching edges do not).
func overlaps(a, b Bounds) bool {
	return a.MinX < b.MaxX && b.MinX < a.MaxX && a.MinY < b.MaxY && b.MinY < a.MaxY
}

// Spread returns the k-th index of a fixed permutation of 0..n−1 that
// spreads consecutive k over the whole range (a stride coprime with n), so
// the points offered labels first are spread across the data and the same
// ones stay first at every zoom.
func Spread(k, n int) int {
	if n <= 1 {
		return 0
	}
	s := spreadStride(n)
	return int((int64(k) * int64(s)) % int64(n))
}

// spreadStride is the stride of Spread: about n·0.618, coprime with n.
func spreadStride(n int) int {
	s := max(1, int(float64(n)*0.6180339887))
	for gcd(s, n) != 1 {
		s++
	}
	return s
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// Thumbnail sides in CSS px: SpriteSide at the zoom that fits the data,
// growing and shrinking with the zoom within [spriteMin, spriteMax].
const (
	spriteFit = 20
	spriteMin = 6
	spriteMax = 160
)

// SpriteSide is the side (CSS px) of a point drawn as its thumbnail at
// zoom z (1 = the zoom that fits the data): it grows as √z, so zooming in
// separates the thumbnails while enlarging them.
func SpriteSide(z float64) float64 {
	if !(z > 0) {
		z = 1
	}
	return math.Max(spriteMin, math.Min(spriteMax, spriteFit*math.Sqrt(z)))
}
