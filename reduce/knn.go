package reduce

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
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
	rng  *rand.Rand

	approx bool
	phase  int
	prog   float64
	work   float64 // multiply-adds done
	est    float64 // estimated total multiply-adds

	// heaps: per point a max-heap of k (distance, index, new flag)
	hd   []float32
	hi   []int32
	hnew []bool

	// exact
	next  int // first query of the current exact block
	jnext int // next point the current exact block is compared with

	// trees
	tree    int
	perm    []int32
	stack   [][2]int32
	normal  []float32
	sideBuf []bool

	// NN-descent
	iter       int
	changes    int
	cand       int       // candidates per point
	newC, oldC []int32   // n×cand candidate lists
	newP, oldP []float32 // priorities
	newN, oldN []int32   // counts
	pos        int       // next point of the current phase
}

// Phases of a KNN (KNN.phase). knnNone is the zero value's.
const (
	knnNone = iota
	knnExact
	knnTrees
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
	g := &KNN{
		x: vectors[:n*d], n: n, d: d, k: k, cfg: cfg,
		rng: rand.New(rand.NewPCG(cfg.Seed, 0x6b_6e6e)),
		sq:  make([]float32, n),
		hd:  make([]float32, n*k),
		hi:  make([]int32, n*k),
	}
	if cfg.Metric == Cosine {
		g.x = make([]float32, n*d)
		copy(g.x, vectors[:n*d])
		for i := 0; i < n; i++ {
			row := g.x[i*d : i*d+d]
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
		g.perm = make([]int32, n)
		g.normal = make([]float32, d)
		g.startTree()
		lg := math.Log2(float64(n)/float64(cfg.LeafSize)) + 1
		g.est = float64(cfg.Trees)*float64(n)*float64(d)*(lg+float64(cfg.LeafSize)/2) +
			4*float64(n)*float64(d)*1.5*float64(cfg.MaxCandidates*cfg.MaxCandidates)
	} else {
		g.phase = knnExact
		g.est = float64(n) * float64(n) * float64(d) / 2
	}
	return g
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

// Step does a bounded amount of work (about cfg.StepWork multiply-adds) and
// reports whether the graph is complete. On a zero KNN it does nothing and
// reports true.
func (g *KNN) Step() (done bool) {
	if g.phase == knnNone {
		return true
	}
	budget := g.cfg.StepWork
	for budget > 0 && g.phase != knnDone {
		var w int
		switch g.phase {
		case knnExact:
			w = g.exactStep(budget)
		case knnTrees:
			w = g.treeStep(budget)
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

// push offers j at distance dv to point i's heap; it reports whether the
// heap changed.
func (g *KNN) push(i int, j int32, dv float32, isNew bool) bool {
	k := g.k
	hd := g.hd[i*k : i*k+k]
	if !(dv < hd[0]) {
		return false
	}
	hi := g.hi[i*k : i*k+k]
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
		if c+1 < k && hd[c+1] > hd[c] {
			c++
		}
		if !(hd[c] > dv) {
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

// knnBlock4x4 selects the 4×4 exact kernel: 0.74× the time of 4×1 in
// js/wasm, 1.8× natively (amd64: register spills).
const knnBlock4x4 = runtime.GOARCH == "wasm"

// exactStep compares a block of four queries with the later points (and
// among themselves), offering each distance to both heaps, so every pair is
// computed once. A block may span several Steps (g.jnext).
func (g *KNN) exactStep(budget int) int {
	n, d := g.n, g.d
	work := 0
	cos := g.cfg.Metric == Cosine
	for work < budget && g.next < n {
		q0 := g.next
		cnt := min(4, n-q0)
		if g.jnext <= q0 {
			for a := q0; a < q0+cnt; a++ {
				for b := a + 1; b < q0+cnt; b++ {
					dv := g.dist(a, b)
					g.push(a, int32(b), dv, false)
					g.push(b, int32(a), dv, false)
				}
			}
			g.jnext = q0 + cnt
			work += cnt * cnt * d
		}
		jend := min(n, g.jnext+max(1, (budget-work)/(4*d+8)))
		if cnt == 4 {
			a0, a1, a2, a3 := g.x[q0*d:q0*d+d], g.x[(q0+1)*d:(q0+2)*d], g.x[(q0+2)*d:(q0+3)*d], g.x[(q0+3)*d:(q0+4)*d]
			a1, a2, a3 = a1[:len(a0)], a2[:len(a0)], a3[:len(a0)]
			hd, k := g.hd, g.k
			j := g.jnext
			// 4×4 register blocks: each loaded element feeds four sums
			// (js/wasm only: natively the 16 sums spill and 4×1 is faster).
			for ; knnBlock4x4 && j+4 <= jend; j += 4 {
				b0, b1, b2, b3 := g.x[j*d:j*d+d], g.x[(j+1)*d:(j+2)*d], g.x[(j+2)*d:(j+3)*d], g.x[(j+3)*d:(j+4)*d]
				b0, b1, b2, b3 = b0[:len(a0)], b1[:len(a0)], b2[:len(a0)], b3[:len(a0)]
				var s [16]float32
				dots4x4(&s, a0, a1, a2, a3, b0, b1, b2, b3)
				for u := 0; u < 4; u++ {
					jj := j + u
					for t := 0; t < 4; t++ {
						i := q0 + t
						var dv float32
						if cos {
							dv = clampPos(1 - s[4*t+u])
						} else {
							dv = clampPos(g.sq[i] + g.sq[jj] - 2*s[4*t+u])
						}
						// (the root test inline: a call per pair is dear in js/wasm)
						if dv < hd[i*k] {
							g.push(i, int32(jj), dv, false)
						}
						if dv < hd[jj*k] {
							g.push(jj, int32(i), dv, false)
						}
					}
				}
			}
			for ; j < jend; j++ {
				bj := g.x[j*d : j*d+d]
				bj = bj[:len(a0)]
				var s0, s1, s2, s3 float32
				for t, bv := range bj {
					s0 += a0[t] * bv
					s1 += a1[t] * bv
					s2 += a2[t] * bv
					s3 += a3[t] * bv
				}
				s := [4]float32{s0, s1, s2, s3}
				for t := 0; t < 4; t++ {
					i := q0 + t
					var dv float32
					if cos {
						dv = clampPos(1 - s[t])
					} else {
						dv = clampPos(g.sq[i] + g.sq[j] - 2*s[t])
					}
					g.push(i, int32(j), dv, false)
					g.push(j, int32(i), dv, false)
				}
			}
		}
		work += (jend-g.jnext)*(4*d+8) + 1
		g.jnext = jend
		if g.jnext >= n {
			g.next += cnt
			g.jnext = 0
		}
	}
	if g.next >= n {
		g.phase = knnSort
		g.pos = 0
	}
	return work
}

// startTree begins the next random-projection tree.
func (g *KNN) startTree() {
	for i := range g.perm {
		g.perm[i] = int32(i)
	}
	g.stack = append(g.stack[:0], [2]int32{0, int32(g.n)})
}

// treeStep splits tree nodes, joining the points of each leaf pairwise.
func (g *KNN) treeStep(budget int) int {
	work := 0
	d := g.d
	for work < budget {
		if len(g.stack) == 0 {
			g.tree++
			if g.tree >= g.cfg.Trees {
				g.phase = knnFill
				g.pos = 0
				return work
			}
			g.startTree()
		}
		nd := g.stack[len(g.stack)-1]
		g.stack = g.stack[:len(g.stack)-1]
		lo, hi := int(nd[0]), int(nd[1])
		m := hi - lo
		if m <= g.cfg.LeafSize {
			pts := g.perm[lo:hi]
			for a := 0; a < m; a++ {
				for b := a + 1; b < m; b++ {
					i, j := int(pts[a]), int(pts[b])
					dv := g.dist(i, j)
					g.push(i, int32(j), dv, true)
					g.push(j, int32(i), dv, true)
				}
			}
			work += m*m/2*(d+24) + 1
			continue
		}
		// Hyperplane between two random points of the node.
		pa := int(g.perm[lo+g.rng.IntN(m)])
		pb := int(g.perm[lo+g.rng.IntN(m)])
		for pb == pa && m > 1 {
			pb = int(g.perm[lo+g.rng.IntN(m)])
		}
		xa, xb := g.x[pa*d:pa*d+d], g.x[pb*d:pb*d+d]
		off := float32(0)
		for t := range g.normal {
			g.normal[t] = xa[t] - xb[t]
			off += g.normal[t] * (xa[t] + xb[t]) / 2
		}
		i, j := lo, hi-1
		for i <= j {
			pi := int(g.perm[i])
			s := dot32(g.normal, g.x[pi*d:pi*d+d]) - off
			left := s > 0 || s == 0 && g.rng.Uint32()&1 == 0
			if left {
				i++
			} else {
				g.perm[i], g.perm[j] = g.perm[j], g.perm[i]
				j--
			}
		}
		mid := i
		if mid == lo || mid == hi {
			mid = lo + m/2 // degenerate split (duplicates): halve
		}
		g.stack = append(g.stack, [2]int32{int32(mid), int32(hi)}, [2]int32{int32(lo), int32(mid)})
		work += m * d
	}
	return work
}

// fillStep fills, for a block of points, the heap slots the trees left
// empty with random points, so that NN-descent starts from a full graph.
func (g *KNN) fillStep(budget int) int {
	n, k, work := g.n, g.k, 0
	for work < budget && g.pos < n {
		i := g.pos
		for tries := 0; g.hi[i*k] < 0 && tries < 4*k; tries++ {
			j := g.rng.IntN(n)
			if j != i {
				g.push(i, int32(j), g.dist(i, j), true)
				work += g.d + g.k
			}
		}
		work += k
		g.pos++
	}
	if g.pos == n {
		g.phase = knnCandidates
		g.pos = 0
		g.startRound()
	}
	return work
}

// startRound resets the candidate lists for an NN-descent round.
func (g *KNN) startRound() {
	n, c := g.n, g.cfg.MaxCandidates
	g.cand = c
	if g.newC == nil {
		g.newC = make([]int32, n*c)
		g.oldC = make([]int32, n*c)
		g.newP = make([]float32, n*c)
		g.oldP = make([]float32, n*c)
		g.newN = make([]int32, n)
		g.oldN = make([]int32, n)
	}
	clear(g.newN)
	clear(g.oldN)
	g.changes = 0
}

// addCand offers j with priority p to i's candidate list (a max-heap on
// priority keeping the c smallest).
func addCand(ids []int32, pri []float32, cnt *int32, j int32, p float32) {
	c := len(ids)
	m := int(*cnt)
	for _, v := range ids[:m] {
		if v == j {
			return
		}
	}
	if m < c {
		// sift up
		x := m
		for x > 0 {
			par := (x - 1) / 2
			if pri[par] >= p {
				break
			}
			ids[x], pri[x] = ids[par], pri[par]
			x = par
		}
		ids[x], pri[x] = j, p
		*cnt = int32(m + 1)
		return
	}
	if p >= pri[0] {
		return
	}
	x := 0
	for {
		ch := 2*x + 1
		if ch >= c {
			break
		}
		if ch+1 < c && pri[ch+1] > pri[ch] {
			ch++
		}
		if pri[ch] <= p {
			break
		}
		ids[x], pri[x] = ids[ch], pri[ch]
		x = ch
	}
	ids[x], pri[x] = j, p
}

// candidateStep samples, for a block of points, new and old candidates from
// their neighbours and reverse neighbours; after the last point it marks the
// sampled new neighbours old and moves to the local join.
func (g *KNN) candidateStep(budget int) int {
	n, k, c := g.n, g.k, g.cand
	// Each neighbour is offered to two candidate heaps (a duplicate scan and
	// a sift each): about 64 units per neighbour, measured in js/wasm.
	per := max(1, budget/(64*k+1))
	end := min(n, g.pos+per)
	for i := g.pos; i < end; i++ {
		for s := 0; s < k; s++ {
			j := g.hi[i*k+s]
			if j < 0 {
				continue
			}
			p := g.rng.Float32()
			if g.hnew[i*k+s] {
				addCand(g.newC[i*c:i*c+c], g.newP[i*c:i*c+c], &g.newN[i], j, p)
				addCand(g.newC[int(j)*c:int(j)*c+c], g.newP[int(j)*c:int(j)*c+c], &g.newN[j], int32(i), p)
			} else {
				addCand(g.oldC[i*c:i*c+c], g.oldP[i*c:i*c+c], &g.oldN[i], j, p)
				addCand(g.oldC[int(j)*c:int(j)*c+c], g.oldP[int(j)*c:int(j)*c+c], &g.oldN[j], int32(i), p)
			}
		}
	}
	work := (end - g.pos) * 64 * k
	g.pos = end
	if g.pos == n {
		g.phase = knnMark
		g.pos = 0
	}
	return work
}

// markStep marks, for a block of points, the neighbours that made it into
// the point's new candidates as old.
func (g *KNN) markStep(budget int) int {
	n, k, c := g.n, g.k, g.cand
	per := max(1, budget/(k*c/2+1))
	end := min(n, g.pos+per)
	for i := g.pos; i < end; i++ {
		nc := g.newC[i*c : i*c+int(g.newN[i])]
		for s := 0; s < k; s++ {
			if !g.hnew[i*k+s] {
				continue
			}
			j := g.hi[i*k+s]
			for _, v := range nc {
				if v == j {
					g.hnew[i*k+s] = false
					break
				}
			}
		}
	}
	work := (end - g.pos) * (k*c/2 + 1)
	g.pos = end
	if g.pos == n {
		g.phase = knnJoin
		g.pos = 0
	}
	return work
}

// joinStep runs the local join of a block of points: every pair of new
// candidates and every new-old pair is compared and offered to both heaps.
func (g *KNN) joinStep(budget int) int {
	n, d, c := g.n, g.d, g.cand
	work := 0
	for work < budget && g.pos < n {
		i := g.pos
		nc := g.newC[i*c : i*c+int(g.newN[i])]
		oc := g.oldC[i*c : i*c+int(g.oldN[i])]
		for a, p := range nc {
			for _, q := range nc[a+1:] {
				dv := g.dist(int(p), int(q))
				if g.push(int(p), q, dv, true) {
					g.changes++
				}
				if g.push(int(q), p, dv, true) {
					g.changes++
				}
			}
			for _, q := range oc {
				if q == p {
					continue
				}
				dv := g.dist(int(p), int(q))
				if g.push(int(p), q, dv, true) {
					g.changes++
				}
				if g.push(int(q), p, dv, true) {
					g.changes++
				}
			}
		}
		work += (len(nc)*len(nc)/2 + len(nc)*len(oc) + 1) * (d + 24) // a distance and two heap offers
		g.pos++
	}
	if g.pos == n {
		g.iter++
		if float64(g.changes) <= g.cfg.Delta*float64(n)*float64(g.k) || g.iter >= g.cfg.Iterations {
			g.phase = knnSort
		} else {
			g.phase = knnCandidates
			g.startRound()
		}
		g.pos = 0
	}
	return work
}

// sortStep sorts each point's neighbours by increasing distance (ties by
// index).
func (g *KNN) sortStep(budget int) int {
	k := g.k
	per := max(1, budget/(k*16+1))
	end := min(g.n, g.pos+per)
	for i := g.pos; i < end; i++ {
		hd, hi := g.hd[i*k:i*k+k], g.hi[i*k:i*k+k]
		// The row is a max-heap on distance: pop the maximum to the end.
		for m := k - 1; m > 0; m-- {
			hd[0], hd[m] = hd[m], hd[0]
			hi[0], hi[m] = hi[m], hi[0]
			p := 0
			for {
				c := 2*p + 1
				if c >= m {
					break
				}
				if c+1 < m && hd[c+1] > hd[c] {
					c++
				}
				if !(hd[c] > hd[p]) {
					break
				}
				hd[p], hd[c] = hd[c], hd[p]
				hi[p], hi[c] = hi[c], hi[p]
				p = c
			}
		}
		// Equal distances by index (insertion sort: linear when ties are few).
		for a := 1; a < k; a++ {
			dv, iv := hd[a], hi[a]
			b := a - 1
			for b >= 0 && hd[b] == dv && hi[b] > iv {
				hd[b+1], hi[b+1] = hd[b], hi[b]
				b--
			}
			hd[b+1], hi[b+1] = dv, iv
		}
	}
	work := (end - g.pos) * k * 16
	g.pos = end
	if g.pos == g.n {
		g.phase = knnDone
		g.hnew, g.newC, g.oldC, g.newP, g.oldP, g.newN, g.oldN, g.perm = nil, nil, nil, nil, nil, nil, nil, nil
	}
	return work
}
