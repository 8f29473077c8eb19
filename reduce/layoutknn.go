package reduce

import "math"

// LayoutKNN finds the exact K nearest neighbours of every point of a 2-D or
// 3-D layout, incrementally: the points are binned into a uniform grid of
// about two points per cell, and each point's cells are searched ring by ring
// until no unvisited cell can hold a nearer point. Distances are squared
// euclidean in float64 of the float32 coordinates, and equal distances are
// ordered by index, so the result is the brute-force one exactly. Create it
// with NewLayoutKNN and call Step until it reports done.
type LayoutKNN struct {
	pos     []float32 // n×dims, read only
	n, dims int
	k       int
	lo      [3]float64 // the grid's origin
	cell    float64    // the side of a cell, in layout units
	g       [3]int     // cells per axis (1 on unused axes)
	start   []int32    // cell c holds items[start[c]:start[c+1]]
	items   []int32
	nbr     []int32   // n×k, nearest first
	hd      []float64 // one point's heap of distances
	hi      []int32   // and indices
	next    int       // the next point to search
	stepMax int       // distance evaluations per Step
}

// NewLayoutKNN prepares the search for the k nearest neighbours (the point
// itself excluded; k is clamped to n−1) of the n points of pos, n×dims
// float32 row-major with dims 2 or 3 (retained, only read). Binning the
// points is O(n). It panics on another dims or a pos shorter than n×dims.
func NewLayoutKNN(pos []float32, n, dims, k int) *LayoutKNN {
	if (dims != 2 && dims != 3) || n < 0 || len(pos) < n*dims {
		panic("reduce: NewLayoutKNN: dims must be 2 or 3 and pos hold n×dims values")
	}
	k = max(0, min(k, n-1))
	l := &LayoutKNN{pos: pos[:n*dims], n: n, dims: dims, k: k, nbr: make([]int32, n*k),
		hd: make([]float64, 0, k), hi: make([]int32, 0, k), stepMax: 1 << 18}
	l.bin()
	return l
}

// bin lays the grid over the points' bounding box and sorts them into it.
func (l *LayoutKNN) bin() {
	n, dims := l.n, l.dims
	hi := [3]float64{}
	for a := 0; a < dims; a++ {
		l.lo[a], hi[a] = math.Inf(1), math.Inf(-1)
	}
	for i := 0; i < n; i++ {
		for a := 0; a < dims; a++ {
			v := float64(l.pos[i*dims+a])
			l.lo[a], hi[a] = min(l.lo[a], v), max(hi[a], v)
		}
	}
	// Square cells of about two points each over the axes that have extent.
	vol, used := 1.0, 0
	for a := 0; a < dims; a++ {
		if e := hi[a] - l.lo[a]; e > 0 {
			vol *= e
			used++
		}
	}
	l.cell = 1
	if used > 0 && n > 0 {
		l.cell = math.Pow(vol/math.Max(float64(n)/2, 1), 1/float64(used))
	}
	cells := 1
	l.g = [3]int{1, 1, 1}
	for a := 0; a < dims; a++ {
		if e := hi[a] - l.lo[a]; e > 0 {
			l.g[a] = min(int(e/l.cell)+1, 1<<20)
		}
		cells *= l.g[a]
	}
	l.start = make([]int32, cells+1)
	cellOf := make([]int32, n)
	for i := 0; i < n; i++ {
		c := l.cellOf(i)
		cellOf[i] = int32(c)
		l.start[c+1]++
	}
	for c := 0; c < cells; c++ {
		l.start[c+1] += l.start[c]
	}
	fill := append([]int32(nil), l.start[:cells]...)
	l.items = make([]int32, n)
	for i := 0; i < n; i++ {
		c := cellOf[i]
		l.items[fill[c]] = int32(i)
		fill[c]++
	}
}

// coord is the cell coordinate of point i on axis a.
func (l *LayoutKNN) coord(i, a int) int {
	c := int((float64(l.pos[i*l.dims+a]) - l.lo[a]) / l.cell)
	return max(0, min(c, l.g[a]-1))
}

// cellOf is the flat cell index of point i.
func (l *LayoutKNN) cellOf(i int) int {
	c := 0
	for a := l.dims - 1; a >= 0; a-- {
		c = c*l.g[a] + l.coord(i, a)
	}
	return c
}

// K returns the number of neighbours per point.
func (l *LayoutKNN) K() int { return l.k }

// Progress is the share of the points searched, in [0, 1].
func (l *LayoutKNN) Progress() float64 {
	if l.n == 0 {
		return 1
	}
	return float64(l.next) / float64(l.n)
}

// Neighbors returns the n×K row-major neighbour indices, nearest first
// (equal distances by index); rows not searched yet hold zeros. The slice
// is owned by the LayoutKNN.
func (l *LayoutKNN) Neighbors() []int32 { return l.nbr }

// Step searches points for a bounded amount of work (about 2^18 distance
// evaluations, a few ms in js/wasm; at least one point) and reports whether
// every point has been searched.
func (l *LayoutKNN) Step() (done bool) {
	work := 0
	for l.next < l.n && (work == 0 || work < l.stepMax) {
		work += l.search(l.next) + 1
		l.next++
	}
	return l.next >= l.n
}

// search finds the neighbours of point i ring by ring and returns the
// number of distances it evaluated.
func (l *LayoutKNN) search(i int) int {
	if l.k == 0 {
		return 0
	}
	l.hd, l.hi = l.hd[:0], l.hi[:0]
	var c [3]int
	reach := 0 // rings needed to cover every cell
	for a := 0; a < l.dims; a++ {
		c[a] = l.coord(i, a)
		reach = max(reach, c[a], l.g[a]-1-c[a])
	}
	work := 0
	for r := 0; r <= reach; r++ {
		l.ring(c, r, func(cell int) {
			for _, j := range l.items[l.start[cell]:l.start[cell+1]] {
				if int(j) != i {
					l.offer(l.dist(i, int(j)), j)
					work++
				}
			}
		})
		// Every unvisited cell is at least r cells away on some axis, so its
		// points are at least r·cell away (the margin covers rounding).
		if len(l.hd) == l.k {
			if gap := float64(r) * l.cell * (1 - 1e-9); l.hd[0] < gap*gap {
				break
			}
		}
	}
	l.sorted(l.nbr[i*l.k : (i+1)*l.k])
	return work
}

// dist is the squared distance between points i and j.
func (l *LayoutKNN) dist(i, j int) float64 {
	s := 0.0
	for a := 0; a < l.dims; a++ {
		d := float64(l.pos[i*l.dims+a]) - float64(l.pos[j*l.dims+a])
		s += d * d
	}
	return s
}

// ring calls visit with every cell at Chebyshev distance exactly r from
// cell c (within the grid).
func (l *LayoutKNN) ring(c [3]int, r int, visit func(cell int)) {
	g := l.g
	in := func(a, v int) bool { return v >= 0 && v < g[a] }
	flat := func(x, y, z int) int { return (z*g[1]+y)*g[0] + x }
	zr := 0
	if l.dims == 3 {
		zr = r
	}
	for dz := -zr; dz <= zr; dz++ {
		z := c[2] + dz
		if !in(2, z) {
			continue
		}
		for dy := -r; dy <= r; dy++ {
			y := c[1] + dy
			if !in(1, y) {
				continue
			}
			if abs(dz) == r || abs(dy) == r {
				for dx := -r; dx <= r; dx++ { // a whole row of the ring
					if x := c[0] + dx; in(0, x) {
						visit(flat(x, y, z))
					}
				}
				continue
			}
			for _, x := range [2]int{c[0] - r, c[0] + r} { // its two ends
				if in(0, x) {
					visit(flat(x, y, z))
				}
			}
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// before reports whether (d1, j1) ranks before (d2, j2): nearer, or as near
// with a lower index.
func before(d1 float64, j1 int32, d2 float64, j2 int32) bool {
	return d1 < d2 || (d1 == d2 && j1 < j2)
}

// offer adds j at squared distance d to the heap of the point searched: a
// max-heap on (distance, index) of at most k entries.
func (l *LayoutKNN) offer(d float64, j int32) {
	hd, hi := l.hd, l.hi
	if len(hd) < l.k {
		hd, hi = append(hd, d), append(hi, j)
		for p := len(hd) - 1; p > 0; { // sift up
			q := (p - 1) / 2
			if !before(hd[q], hi[q], hd[p], hi[p]) {
				break
			}
			hd[p], hd[q], hi[p], hi[q] = hd[q], hd[p], hi[q], hi[p]
			p = q
		}
		l.hd, l.hi = hd, hi
		return
	}
	if !before(d, j, hd[0], hi[0]) {
		return
	}
	hd[0], hi[0] = d, j
	l.siftDown(0, len(hd))
}

// siftDown restores the max-heap below p within the first m entries.
func (l *LayoutKNN) siftDown(p, m int) {
	hd, hi := l.hd, l.hi
	for {
		c := 2*p + 1
		if c >= m {
			return
		}
		if c+1 < m && before(hd[c], hi[c], hd[c+1], hi[c+1]) {
			c++
		}
		if !before(hd[p], hi[p], hd[c], hi[c]) {
			return
		}
		hd[p], hd[c], hi[p], hi[c] = hd[c], hd[p], hi[c], hi[p]
		p = c
	}
}

// sorted empties the heap into out, nearest first.
func (l *LayoutKNN) sorted(out []int32) {
	for m := len(l.hd) - 1; m >= 0; m-- {
		out[m] = l.hi[0]
		l.hd[0], l.hi[0] = l.hd[m], l.hi[m]
		l.siftDown(0, m)
	}
}
