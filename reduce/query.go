package reduce

import (
	"fmt"
	"math"
	"sort"
)

// NeighbourIndex answers exact nearest-neighbour queries for single rows of
// a dataset on its full vectors (no PCA, no approximation), in bounded
// steps so a caller on a UI thread can spread one query over frames.
// Build it with NewNeighbourIndex (the zero value has no data); it keeps
// the rows' euclidean norms once a cosine query has computed them.
// It is not safe for concurrent use.
type NeighbourIndex struct {
	x     []float32 // n×d row-major, retained
	n, d  int
	norms []float32 // ‖x_j‖ for j < normsDone
	// normsDone counts the leading rows whose norms are known.
	normsDone int
}

// NewNeighbourIndex indexes the n×d row-major vectors x (retained, not copied).
func NewNeighbourIndex(x []float32, n, d int) (*NeighbourIndex, error) {
	if n < 0 || d < 1 || len(x) < n*d {
		return nil, fmt.Errorf("neighbour index: %d values for %d×%d vectors", len(x), n, d)
	}
	return &NeighbourIndex{x: x[:n*d], n: n, d: d, norms: make([]float32, n)}, nil
}

// Len is the number of rows indexed.
func (ix *NeighbourIndex) Len() int { return ix.n }

// NeighbourQuery is one running query: the k rows nearest to row Of.
// Advance it with Step until it reports done, then read Result.
type NeighbourQuery struct {
	ix     *NeighbourIndex
	of, k  int
	metric Metric
	q      []float32
	qNorm  float32
	next   int // the next row to compare
	heap   neighbourHeap
}

// Query starts a query for the k nearest rows to row i (itself excluded)
// by metric; k is clamped to [1, n−1].
func (ix *NeighbourIndex) Query(i, k int, metric Metric) (*NeighbourQuery, error) {
	if i < 0 || i >= ix.n {
		return nil, fmt.Errorf("neighbour query: row %d of %d", i, ix.n)
	}
	k = max(1, min(k, ix.n-1))
	q := &NeighbourQuery{ix: ix, of: i, k: k, metric: metric, q: ix.x[i*ix.d : (i+1)*ix.d]}
	q.qNorm = float32(math.Sqrt(float64(dot32(q.q, q.q))))
	q.heap = make(neighbourHeap, 0, k+1)
	return q, nil
}

// Of is the row the query is about; K how many neighbours it finds.
func (q *NeighbourQuery) Of() int { return q.of }

// K is the number of neighbours the query finds (k clamped to n−1).
func (q *NeighbourQuery) K() int { return q.k }

// Metric is the query's metric.
func (q *NeighbourQuery) Metric() Metric { return q.metric }

// Progress is the share of rows compared, 0..1.
func (q *NeighbourQuery) Progress() float64 {
	if q.ix.n == 0 {
		return 1
	}
	return float64(q.next) / float64(q.ix.n)
}

// Step compares up to rows more rows with the query row and reports
// whether every row has been compared.
func (q *NeighbourQuery) Step(rows int) (done bool) {
	ix := q.ix
	end := min(ix.n, q.next+max(rows, 1))
	var s [4]float32
	for j := q.next; j < end; j += 4 {
		m := min(4, end-j)
		if m == 4 {
			q.fourDistances(&s, j)
		} else {
			for t := 0; t < m; t++ {
				s[t] = q.distance(j + t)
			}
		}
		for t := 0; t < m; t++ {
			if j+t != q.of {
				q.heap.offer(int32(j+t), s[t], q.k)
			}
		}
	}
	q.next = end
	return q.next >= ix.n
}

// fourDistances sets s to the distances of rows j..j+3 to the query.
func (q *NeighbourQuery) fourDistances(s *[4]float32, j int) {
	ix, d := q.ix, q.ix.d
	r0, r1, r2, r3 := ix.x[j*d:(j+1)*d], ix.x[(j+1)*d:(j+2)*d], ix.x[(j+2)*d:(j+3)*d], ix.x[(j+3)*d:(j+4)*d]
	if q.metric == Euclidean {
		sqDists1x4(s, q.q, r0, r1, r2, r3)
		for t := range s {
			s[t] = float32(math.Sqrt(float64(s[t])))
		}
		return
	}
	if j+4 <= ix.normsDone {
		dots1x4(s, q.q, r0, r1, r2, r3)
	} else {
		var nn [4]float32
		dotsNorms1x4(s, &nn, q.q, r0, r1, r2, r3)
		q.learnNorms(j, nn[:])
	}
	for t := range s {
		s[t] = cosineDistance(s[t], q.qNorm, ix.norms[j+t])
	}
}

// distance is the distance of row j to the query.
func (q *NeighbourQuery) distance(j int) float32 {
	ix, d := q.ix, q.ix.d
	r := ix.x[j*d : (j+1)*d]
	if q.metric == Euclidean {
		var s float32
		for t, v := range r {
			e := v - q.q[t]
			s += e * e
		}
		return float32(math.Sqrt(float64(s)))
	}
	if j >= ix.normsDone {
		q.learnNorms(j, []float32{float32(math.Sqrt(float64(dot32(r, r))))})
	}
	return cosineDistance(dot32(q.q, r), q.qNorm, ix.norms[j])
}

// learnNorms records the norms of rows j, j+1, … when they extend the known prefix.
func (q *NeighbourQuery) learnNorms(j int, norms []float32) {
	ix := q.ix
	copy(ix.norms[j:], norms)
	if j <= ix.normsDone {
		ix.normsDone = max(ix.normsDone, j+len(norms))
	}
}

// cosineDistance is 1 − cos from a dot product and two norms; a zero
// vector is at distance 1 from everything.
func cosineDistance(dot, a, b float32) float32 {
	if a == 0 || b == 0 {
		return 1
	}
	c := dot / (a * b)
	if c > 1 {
		c = 1
	} else if c < -1 {
		c = -1
	}
	return 1 - c
}

// Result returns the neighbours found so far, nearest first (ties by lower
// row), with their distances: 1 − cos for Cosine, the euclidean distance
// (not squared) for Euclidean. The slices are new.
func (q *NeighbourQuery) Result() (rows []int32, dist []float32) {
	h := append(neighbourHeap(nil), q.heap...)
	sort.Slice(h, func(a, b int) bool { return h[a].less(h[b]) })
	rows, dist = make([]int32, len(h)), make([]float32, len(h))
	for t, e := range h {
		rows[t], dist[t] = e.row, e.dist
	}
	return rows, dist
}

// neighbourEntry is a candidate neighbour.
type neighbourEntry struct {
	row  int32
	dist float32
}

// less orders by distance, then row.
func (a neighbourEntry) less(b neighbourEntry) bool {
	return a.dist < b.dist || (a.dist == b.dist && a.row < b.row)
}

// neighbourHeap is a max-heap of the k best candidates (the worst on top).
type neighbourHeap []neighbourEntry

// offer keeps row among the k nearest when it is nearer than the worst.
func (h *neighbourHeap) offer(row int32, dist float32, k int) {
	if dist != dist { // NaN: never a neighbour
		return
	}
	e := neighbourEntry{row, dist}
	if len(*h) < k {
		*h = append(*h, e)
		h.up(len(*h) - 1)
		return
	}
	if !e.less((*h)[0]) {
		return
	}
	(*h)[0] = e
	h.down(0)
}

func (h neighbourHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h[p].less(h[i]) {
			return
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func (h neighbourHeap) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && h[l].less(h[r]) {
			m = r
		}
		if !h[i].less(h[m]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// dots1x4 sets s[u] = q·r_u for four rows (a plain function: the sums stay
// in registers in js/wasm).
func dots1x4(s *[4]float32, q, r0, r1, r2, r3 []float32) {
	r0, r1, r2, r3 = r0[:len(q)], r1[:len(q)], r2[:len(q)], r3[:len(q)]
	var s0, s1, s2, s3 float32
	for t, v := range q {
		s0 += v * r0[t]
		s1 += v * r1[t]
		s2 += v * r2[t]
		s3 += v * r3[t]
	}
	*s = [4]float32{s0, s1, s2, s3}
}

// dotsNorms1x4 is dots1x4 that also sets nn[u] = ‖r_u‖.
func dotsNorms1x4(s, nn *[4]float32, q, r0, r1, r2, r3 []float32) {
	r0, r1, r2, r3 = r0[:len(q)], r1[:len(q)], r2[:len(q)], r3[:len(q)]
	var s0, s1, s2, s3, n0, n1, n2, n3 float32
	for t, v := range q {
		a, b, c, e := r0[t], r1[t], r2[t], r3[t]
		s0 += v * a
		s1 += v * b
		s2 += v * c
		s3 += v * e
		n0 += a * a
		n1 += b * b
		n2 += c * c
		n3 += e * e
	}
	*s = [4]float32{s0, s1, s2, s3}
	*nn = [4]float32{sqrt32(n0), sqrt32(n1), sqrt32(n2), sqrt32(n3)}
}

// sqDists1x4 sets s[u] = ‖q − r_u‖² for four rows.
func sqDists1x4(s *[4]float32, q, r0, r1, r2, r3 []float32) {
	r0, r1, r2, r3 = r0[:len(q)], r1[:len(q)], r2[:len(q)], r3[:len(q)]
	var s0, s1, s2, s3 float32
	for t, v := range q {
		e0, e1, e2, e3 := r0[t]-v, r1[t]-v, r2[t]-v, r3[t]-v
		s0 += e0 * e0
		s1 += e1 * e1
		s2 += e2 * e2
		s3 += e3 * e3
	}
	*s = [4]float32{s0, s1, s2, s3}
}

func sqrt32(v float32) float32 { return float32(math.Sqrt(float64(v))) }
