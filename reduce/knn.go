package reduce

import (
	"fmt"
	"math"
)

// Metric is a dissimilarity between two vectors.
type Metric int

const (
	// Euclidean ranks by euclidean distance; Distances reports it squared.
	Euclidean Metric = iota
	// Cosine ranks by angle; Distances reports 1 − cos (in [0, 2]).
	Cosine
)

func (m Metric) String() string {
	switch m {
	case Euclidean:
		return "euclidean"
	case Cosine:
		return "cosine"
	}
	return fmt.Sprintf("Metric(%d)", int(m))
}

// KNNMethod chooses between the exact and the approximate search.
type KNNMethod int

const (
	// KNNAuto is exact when N²·D is small (≤ ExactWork) and approximate otherwise.
	KNNAuto KNNMethod = iota
	// KNNExact compares every pair, in blocks with tight float32 loops.
	KNNExact
	// KNNApprox builds a forest of random-projection trees and refines the
	// graph by NN-descent (Dong et al. 2011, as in pynndescent).
	KNNApprox
)

// KNNConfig configures NewKNN. The zero value is usable.
type KNNConfig struct {
	// K is the number of neighbours per point (the point itself excluded).
	// Default 15; clamped to N−1.
	K int
	// Metric is Euclidean (default) or Cosine.
	Metric Metric
	// Method is KNNAuto (default), KNNExact or KNNApprox.
	Method KNNMethod
	// ExactWork is the largest N²·D for which KNNAuto is exact. Default 2e10
	// (14,000 points of 100 dims): measured on GloVe 10k×100 with K = 90,
	// the exact search takes 5.6 s in js/wasm and the approximate one 7.7 s.
	ExactWork float64
	// Seed seeds the trees and the NN-descent sampling.
	Seed uint64
	// Trees is the number of random-projection trees. Default 6.
	Trees int
	// LeafSize is the largest leaf of a tree. Default max(K+1, 48).
	LeafSize int
	// MaxCandidates bounds the new and old candidates per point in one
	// NN-descent round. Default 20.
	MaxCandidates int
	// Iterations bounds the NN-descent rounds. Default 12.
	Iterations int
	// Delta stops NN-descent when a round changes fewer than Delta·N·K
	// neighbour slots. Default 0.005.
	Delta float64
	// StepWork is about how many multiply-adds one Step may do. Default 1<<21.
	StepWork int
	// Workers is how many goroutines share the search: the exact one by
	// tiles of row blocks, the approximate one by trees' nodes and leaves
	// and by rows in NN-descent. 0 or 1 means the caller's goroutine alone.
	// Neighbors and Distances do not depend on it: every row's heap sees
	// the same offers in the same order whatever the number of workers.
	// With Workers > 1, one Step does about Workers×StepWork multiply-adds.
	Workers int
}

// IsExact reports whether NewKNN with cfg searches n points of d dims
// exactly (KNNExact, or KNNAuto with N²·D ≤ ExactWork) rather than
// approximately.
func (cfg KNNConfig) IsExact(n, d int) bool {
	if cfg.ExactWork <= 0 {
		cfg.ExactWork = 2e10
	}
	return cfg.exact(n, d)
}

// exact is IsExact for a configuration whose defaults are set.
func (cfg KNNConfig) exact(n, d int) bool {
	switch cfg.Method {
	case KNNExact:
		return true
	case KNNApprox:
		return false
	}
	return float64(n)*float64(n)*float64(d) <= cfg.ExactWork
}

// KNN computes the K nearest neighbours of every one of N points,
// incrementally. Create it with NewKNN and call Step until it reports done.
// A zero KNN (not made by NewKNN) is an empty search: Step reports done at
// once, Progress is 1, K is 0, Neighbors and Distances are nil, and Err
// reports ErrNotConstructed.
type KNN struct {
	x    []float32 // n×d, normalized copy for Cosine
	sq   []float32 // n squared norms
	n, d int
	k    int
	cfg  KNNConfig

	approx bool
	phase  int
	prog   float64
	work   float64 // multiply-adds done
	est    float64 // estimated total multiply-adds

	// heaps: per point a max-heap of k (distance, index, new flag), ordered
	// by distance then index
	hd   []float32
	hi   []int32
	hnew []bool

	pos int // next row (or node, leaf) of the current phase

	exactTiles
	forest
	descent
}

// Phases of a KNN (KNN.phase). knnNone is the zero value's.
const (
	knnNone = iota
	knnExact
	knnTrees
	knnLeaves
	knnFill
	knnCandidates
	knnMark
	knnJoin
	knnSort
	knnDone
)

// NewKNN prepares a k-nearest-neighbour search over n points of d dims.
// vectors is n×d float32 row-major; it is retained and only read for
// Euclidean, copied and normalized for Cosine. NewKNN itself does O(n·d)
// work (squared norms; the normalized copy for Cosine), about 50 ms in
// js/wasm for 70,000×784. It panics if len(vectors) < n*d or n or d is
// negative.
func NewKNN(vectors []float32, n, d int, cfg KNNConfig) *KNN {
	if n < 0 || d < 0 || len(vectors) < n*d {
		panic("reduce: NewKNN: vectors shorter than n×d or negative size")
	}
	cfg = cfg.withDefaults(n)
	k := min(cfg.K, max(n-1, 0))
	g := &KNN{
		x: vectors[:n*d], n: n, d: d, k: k, cfg: cfg,
		sq: make([]float32, n),
		hd: make([]float32, n*k),
		hi: make([]int32, n*k),
	}
	if cfg.Metric == Cosine {
		g.x = normalizedRows(vectors[:n*d], n, d)
	}
	for i := 0; i < n; i++ {
		g.sq[i] = dot32(g.x[i*d:i*d+d], g.x[i*d:i*d+d])
	}
	for i := range g.hd {
		g.hd[i] = float32(math.Inf(1))
		g.hi[i] = -1
	}
	g.approx = !cfg.exact(n, d)
	if k == 0 {
		g.phase = knnDone
		g.prog = 1
		return g
	}
	if g.approx {
		g.phase = knnTrees
		g.hnew = make([]bool, n*k)
		g.startTrees()
		lg := math.Log2(float64(n)/float64(cfg.LeafSize)) + 1
		g.est = float64(cfg.Trees)*float64(n)*float64(d)*(lg+float64(cfg.LeafSize)/2) +
			4*float64(n)*float64(d)*1.5*float64(cfg.MaxCandidates*cfg.MaxCandidates)
	} else {
		g.phase = knnExact
		g.startExact()
		g.est = float64(n) * float64(n) * float64(d) / 2
	}
	return g
}

// withDefaults returns cfg with its zero fields set to their defaults for
// n points.
func (cfg KNNConfig) withDefaults(n int) KNNConfig {
	if cfg.K <= 0 {
		cfg.K = 15
	}
	k := min(cfg.K, max(n-1, 0))
	if cfg.ExactWork <= 0 {
		cfg.ExactWork = 2e10
	}
	if cfg.Trees <= 0 {
		cfg.Trees = 6
	}
	if cfg.LeafSize <= 0 {
		cfg.LeafSize = max(k+1, 48)
	}
	if cfg.MaxCandidates <= 0 {
		cfg.MaxCandidates = 20
	}
	if cfg.Iterations <= 0 {
		cfg.Iterations = 12
	}
	if cfg.Delta <= 0 {
		cfg.Delta = 0.005
	}
	if cfg.StepWork <= 0 {
		cfg.StepWork = 1 << 21
	}
	cfg.Workers = max(1, cfg.Workers)
	return cfg
}

// normalizedRows returns a copy of the n×d rows x scaled to unit length
// (zero rows stay zero).
func normalizedRows(x []float32, n, d int) []float32 {
	out := make([]float32, n*d)
	copy(out, x)
	for i := 0; i < n; i++ {
		row := out[i*d : i*d+d]
		s := float32(0)
		for _, v := range row {
			s += v * v
		}
		if s > 0 {
			inv := float32(1 / math.Sqrt(float64(s)))
			for j := range row {
				row[j] *= inv
			}
		}
	}
	return out
}

// K returns the number of neighbours per point.
func (g *KNN) K() int { return g.k }

// Approximate reports whether the approximate method is used.
func (g *KNN) Approximate() bool { return g.approx }

// Progress returns an estimate of the share of the work done, in [0, 1],
// non-decreasing, exactly 1 once Step has returned true (at once on a zero
// KNN).
func (g *KNN) Progress() float64 {
	if g.phase == knnNone {
		return 1
	}
	return g.prog
}

// Stage implements Stepper: "neighbours" and Progress while the search
// runs, "done" and 1 once complete (and on a zero KNN).
func (g *KNN) Stage() (name string, frac float64) {
	if g.phase == knnDone || g.phase == knnNone {
		return StageDone, 1
	}
	return "neighbours", g.prog
}

// Err returns nil, or for a zero KNN (not made by NewKNN) an error wrapping
// ErrNotConstructed.
func (g *KNN) Err() error {
	if g.phase == knnNone {
		return notConstructed("KNN")
	}
	return nil
}

// Neighbors returns the n×K row-major neighbour indices, nearest first,
// each point's own index excluded. It is final once Step has returned true;
// before that it holds the best found so far, unsorted, with −1 for slots
// not filled yet. The slice is the KNN's working state, updated in place
// by Step: a write to it before completion changes the search, and after it
// shows in later calls. NeighborsTo returns a copy.
func (g *KNN) Neighbors() []int32 { return g.hi }

// NeighborsTo copies Neighbors into dst, allocating when dst is nil or
// shorter than n×K, and returns it (length n×K).
func (g *KNN) NeighborsTo(dst []int32) []int32 { return copyTo(dst, g.hi) }

// Distances returns the n×K row-major distances matching Neighbors:
// squared euclidean distance for Euclidean, 1 − cos for Cosine (+Inf for
// slots not filled yet). The slice is the KNN's working state, like
// Neighbors'. DistancesTo returns a copy.
func (g *KNN) Distances() []float32 { return g.hd }

// DistancesTo copies Distances into dst, allocating when dst is nil or
// shorter than n×K, and returns it (length n×K).
func (g *KNN) DistancesTo(dst []float32) []float32 { return copyTo(dst, g.hd) }

// Step does a bounded amount of work (about cfg.StepWork multiply-adds,
// Workers times that with several workers) and reports whether the graph is
// complete. On a zero KNN it does nothing and
// reports true.
func (g *KNN) Step() (done bool) {
	if g.phase == knnNone {
		return true
	}
	budget := g.cfg.StepWork * g.cfg.Workers
	for budget > 0 && g.phase != knnDone {
		var w int
		switch g.phase {
		case knnExact:
			w = g.exactStep(budget)
		case knnTrees:
			w = g.treeStep(budget)
		case knnLeaves:
			w = g.leafStep(budget)
		case knnFill:
			w = g.fillStep(budget)
		case knnCandidates:
			w = g.candidateStep(budget)
		case knnMark:
			w = g.markStep(budget)
		case knnJoin:
			w = g.joinStep(budget)
		case knnSort:
			w = g.sortStep(budget)
		}
		budget -= w
		g.work += float64(w)
	}
	if g.phase == knnDone {
		g.prog = 1
	} else {
		g.prog = max(g.prog, min(0.99, g.work/max(g.est, 1)))
	}
	return g.phase == knnDone
}

// dist returns the distance between points i and j (see Distances).
func (g *KNN) dist(i, j int) float32 {
	d := g.d
	dp := dot32(g.x[i*d:i*d+d], g.x[j*d:j*d+d])
	var dv float32
	if g.cfg.Metric == Cosine {
		dv = 1 - dp
	} else {
		dv = g.sq[i] + g.sq[j] - 2*dp
	}
	return clampPos(dv)
}

// dots4x4 sets s[4t+u] = a_t·b_u for four rows a and four rows b of equal
// length, in registers (a plain function: in js/wasm the sums spill inside
// the search's method).
func dots4x4(s *[16]float32, a0, a1, a2, a3, b0, b1, b2, b3 []float32) {
	a1, a2, a3 = a1[:len(a0)], a2[:len(a0)], a3[:len(a0)]
	b0, b1, b2, b3 = b0[:len(a0)], b1[:len(a0)], b2[:len(a0)], b3[:len(a0)]
	var s00, s01, s02, s03, s10, s11, s12, s13 float32
	var s20, s21, s22, s23, s30, s31, s32, s33 float32
	for t, x0 := range a0 {
		x1, x2, x3 := a1[t], a2[t], a3[t]
		y0, y1, y2, y3 := b0[t], b1[t], b2[t], b3[t]
		s00 += x0 * y0
		s01 += x0 * y1
		s02 += x0 * y2
		s03 += x0 * y3
		s10 += x1 * y0
		s11 += x1 * y1
		s12 += x1 * y2
		s13 += x1 * y3
		s20 += x2 * y0
		s21 += x2 * y1
		s22 += x2 * y2
		s23 += x2 * y3
		s30 += x3 * y0
		s31 += x3 * y1
		s32 += x3 * y2
		s33 += x3 * y3
	}
	*s = [16]float32{s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23, s30, s31, s32, s33}
}

// clampPos returns max(v, 0) without the runtime call that the min/max
// builtins on floats compile to in js/wasm.
func clampPos(v float32) float32 {
	if v < 0 {
		return 0
	}
	return v
}

// dot32 is a float32 dot product with four partial sums.
func dot32(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// keyLess reports whether the heap key (d1, i1) orders before (d2, i2): by
// distance, then index. An empty slot is (+Inf, −1).
func keyLess(d1 float32, i1 int32, d2 float32, i2 int32) bool {
	return d1 < d2 || d1 == d2 && i1 < i2
}

// push offers j at distance dv to point i's heap; it reports whether the
// heap changed. The heap keeps the k smallest keys (distance, index), so
// among equal distances the lower index stays, whatever the order of the
// offers.
func (g *KNN) push(i int, j int32, dv float32, isNew bool) bool {
	k := g.k
	hd := g.hd[i*k : i*k+k]
	hi := g.hi[i*k : i*k+k]
	if !keyLess(dv, j, hd[0], hi[0]) {
		return false
	}
	if g.approx { // the exact search offers every pair once: no duplicates
		for _, v := range hi {
			if v == j {
				return false
			}
		}
	}
	var hn []bool
	if g.hnew != nil {
		hn = g.hnew[i*k : i*k+k]
	}
	// Replace the root and sift down.
	p := 0
	for {
		c := 2*p + 1
		if c >= k {
			break
		}
		if c+1 < k && keyLess(hd[c], hi[c], hd[c+1], hi[c+1]) {
			c++
		}
		if !keyLess(dv, j, hd[c], hi[c]) {
			break
		}
		hd[p], hi[p] = hd[c], hi[c]
		if hn != nil {
			hn[p] = hn[c]
		}
		p = c
	}
	hd[p], hi[p] = dv, j
	if hn != nil {
		hn[p] = isNew
	}
	return true
}

// sortStep sorts, for a block of points, each point's neighbours by
// increasing distance (ties by index), the block's rows shared among the
// workers.
func (g *KNN) sortStep(budget int) int {
	k := g.k
	end := min(g.n, g.pos+max(1, budget/(k*16+1)))
	parallelRows(g.cfg.Workers, g.pos, end, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			sortHeap(g.hd[i*k:i*k+k], g.hi[i*k:i*k+k])
		}
	})
	work := (end - g.pos) * k * 16
	g.pos = end
	if g.pos == g.n {
		g.phase = knnDone
		g.hnew, g.forest, g.descent = nil, forest{}, descent{iter: g.iter} // the round count stays for tests
	}
	return work
}

// sortHeap sorts a max-heap of keys (hd, hi) into increasing order by
// popping the maximum to the end.
func sortHeap(hd []float32, hi []int32) {
	for m := len(hd) - 1; m > 0; m-- {
		hd[0], hd[m] = hd[m], hd[0]
		hi[0], hi[m] = hi[m], hi[0]
		p := 0
		for {
			c := 2*p + 1
			if c >= m {
				break
			}
			if c+1 < m && keyLess(hd[c], hi[c], hd[c+1], hi[c+1]) {
				c++
			}
			if !keyLess(hd[p], hi[p], hd[c], hi[c]) {
				break
			}
			hd[p], hd[c] = hd[c], hd[p]
			hi[p], hi[c] = hi[c], hi[p]
			p = c
		}
	}
}
