package reduce

import "math"

// fuzzySet holds UMAP's graph while it is built: the kNN graph with its
// memberships, then the symmetric union in CSR form.
type fuzzySet struct {
	nbr  []int32   // n×kn neighbour indices (the KNN's)
	dist []float32 // n×kn distances (euclidean, or 1 − cos)
	w    []float64 // n×kn memberships exp(−(d−ρ_i)/σ_i)

	// the union w + wᵀ − w∘wᵀ in CSR: row i is col/val[rowPtr[i]:fill[i]]
	// once symMerge has merged its pairs
	symCSR
	maxW    float64 // largest union weight
	meanAll float64 // mean kNN distance, when a point needs it
}

// umapEdges are the directed edges of the fuzzy graph (both directions of
// every undirected edge, as umap-learn's COO graph) with their SGD schedule.
// The epoch of each edge's next positive sample is kept apart from the
// rest, since every epoch scans it for all edges and reads the rest only for
// the edges that are due. Float32 suffices for epochs and their ratios (at
// most Epochs).
type umapEdges struct {
	next []float32  // epoch of each edge's next positive sample
	rec  []umapEdge // the edges, in the order of next
}

// umapEdge is one directed edge and the rest of its schedule.
type umapEdge struct {
	head, tail int32
	// eps is the edge's epochs per sample, max(w)/w (negative samples come
	// NegativeSampleRate times as often); nextNeg is the epoch its
	// negative samples have reached.
	eps, nextNeg float32
}

// Work units (see UMAPConfig.StepWork) of one exponential and of writing
// one SGD edge, measured in js/wasm.
const (
	wUMAPExp  = 60
	wUMAPEdge = 40
)

// Constants of umap-learn's smooth_knn_dist.
const (
	smoothKTolerance = 1e-5
	minKDistScale    = 1e-3
	smoothKIter      = 64
)

// smoothStep finds ρ_i and σ_i for a block of points and stores their
// memberships. Each bisection round counts k·wUMAPExp work units.
func (u *UMAP) smoothStep(budget int) int {
	k := u.kn
	target := math.Log2(float64(k + 1)) // n_neighbors counts the point itself
	w := 0
	for w < budget && u.pos < u.n {
		i := u.pos
		d := u.fz.dist[i*k : i*k+k]
		rho, sigma, mean, rounds := smoothKNN(d, target)
		if rho == 0 { // every neighbour at distance 0: floor by the global mean
			if u.fz.meanAll == 0 {
				u.fz.meanAll = meanDist(u.fz.dist)
				w += len(u.fz.dist)
			}
			mean = u.fz.meanAll
		}
		sigma = max(sigma, minKDistScale*mean)
		memberships(u.fz.w[i*k:i*k+k], d, u.fz.nbr[i*k:i*k+k], int32(i), rho, sigma)
		w += (rounds + 1) * k * wUMAPExp
		u.pos++
	}
	if u.pos == u.n {
		u.phase, u.pos = umSymCount, 0
	}
	return w
}

// smoothKNN is umap-learn's smooth_knn_dist for one point with local
// connectivity 1 and bandwidth 1: ρ is the distance to the nearest
// neighbour at a positive distance (0 if none), and σ is found by bisection
// (64 rounds at most) so that Σ_j exp(−max(0, d_j−ρ)/σ) = target; mean is
// the mean distance over the point itself (at 0) and its neighbours d,
// ascending, by which the caller floors σ; rounds is the number of
// bisection rounds done.
func smoothKNN(d []float32, target float64) (rho, sigma, mean float64, rounds int) {
	for _, v := range d {
		if v > 0 {
			rho = float64(v)
			break
		}
	}
	lo, hi, mid := 0.0, math.Inf(1), 1.0
	for rounds < smoothKIter {
		rounds++
		psum := 0.0
		for _, v := range d {
			if dv := float64(v) - rho; dv > 0 {
				psum += math.Exp(-dv / mid)
			} else {
				psum++
			}
		}
		if math.Abs(psum-target) < smoothKTolerance {
			break
		}
		if psum > target {
			hi = mid
			mid = (lo + hi) / 2
		} else {
			lo = mid
			if math.IsInf(hi, 1) {
				mid *= 2
			} else {
				mid = (lo + hi) / 2
			}
		}
	}
	for _, v := range d {
		mean += float64(v)
	}
	return rho, mid, mean / float64(len(d)+1), rounds
}

// meanDist is the mean of every kNN distance.
func meanDist(d []float32) float64 {
	s := 0.0
	for _, v := range d {
		s += float64(v)
	}
	return s / float64(max(len(d), 1))
}

// memberships writes w_j = exp(−(d_j−ρ)/σ) (1 when d_j ≤ ρ or σ is 0; 0 for
// the point itself, self) as umap-learn's compute_membership_strengths.
func memberships(w []float64, d []float32, nbr []int32, self int32, rho, sigma float64) {
	for j, v := range d {
		switch {
		case nbr[j] == self || nbr[j] < 0:
			w[j] = 0
		case float64(v)-rho <= 0 || sigma == 0:
			w[j] = 1
		default:
			w[j] = math.Exp(-(float64(v) - rho) / sigma)
		}
	}
}

// symCount sizes, for a block of points, the rows of the union: row i holds
// its own neighbours and the points that have i as a neighbour.
func (u *UMAP) symCount(budget int) int {
	next, w := u.fz.countRows(u.fz.w, u.fz.nbr, u.n, u.kn, u.pos, budget)
	u.pos = next
	if next == u.n {
		u.phase, u.pos = umSymScatter, 0
	}
	return w
}

// symScatter writes, for a block of points, each membership w_ij into rows
// i and j.
func (u *UMAP) symScatter(budget int) int {
	next, w := u.fz.scatterRows(u.fz.w, u.fz.nbr, u.n, u.kn, u.pos, budget)
	u.pos = next
	if next == u.n {
		u.phase, u.pos = umSymMerge, 0
	}
	return w
}

// symMerge sorts each row of a block by column and merges the two entries
// of a pair found from both ends, w_ij and w_ji, into their fuzzy union
// w_ij + w_ji − w_ij·w_ji; fill[i] becomes the end of row i's live part.
func (u *UMAP) symMerge(budget int) int {
	fz := &u.fz
	w := 0
	for w < budget && u.pos < u.n {
		i := u.pos
		a, b := fz.rowPtr[i], fz.rowPtr[i+1]
		cols, vals := fz.col[a:b], fz.val[a:b]
		sortPairs(cols, vals)
		out := 0
		for s := range cols {
			if out > 0 && cols[out-1] == cols[s] {
				p, q := vals[out-1], vals[s]
				vals[out-1] = p + q - p*q
				continue
			}
			cols[out], vals[out] = cols[s], vals[s]
			out++
		}
		for s := 0; s < out; s++ {
			fz.maxW = max(fz.maxW, vals[s])
		}
		fz.fill[i] = a + int32(out)
		w += len(cols)*32 + 1
		u.pos++
	}
	if u.pos == u.n {
		u.phase, u.pos = umEdges, 0
	}
	return w
}

// edgeStep turns a block of rows of the union into SGD edges: weights below
// max/Epochs are dropped (umap-learn), the others sampled every max/w
// epochs, negatively NegativeSampleRate times as often.
func (u *UMAP) edgeStep(budget int) int {
	fz, e := &u.fz, &u.edges
	if u.pos == 0 {
		*e = umapEdges{rec: make([]umapEdge, 0, int(fz.rowPtr[u.n]))}
	}
	floor := fz.maxW / float64(u.cfg.Epochs)
	invRate := 1 / float32(u.cfg.NegativeSampleRate)
	w := 0
	for w < budget && u.pos < u.n {
		i := u.pos
		a, b := fz.rowPtr[i], fz.fill[i]
		for s := a; s < b; s++ {
			if fz.val[s] < floor {
				continue
			}
			eps := float32(fz.maxW / fz.val[s])
			e.rec = append(e.rec, umapEdge{head: int32(i), tail: fz.col[s], eps: eps, nextNeg: eps * invRate})
		}
		w += int(b-a)*wUMAPEdge + 1
		u.pos++
	}
	if u.pos < u.n {
		return w
	}
	e.next = make([]float32, len(e.rec))
	for s := range e.rec {
		e.next[s] = e.rec[s].eps
	}
	u.fz = fuzzySet{}
	u.phase, u.pos = umInit, 0
	return w + 4*len(e.rec)
}

// FitUMAPCurve returns a and b such that 1/(1 + a·x^(2b)) fits, in least
// squares over 300 points of [0, 3·spread], the curve that is 1 for
// x < minDist and exp(−(x−minDist)/spread) beyond, as umap-learn's
// find_ab_params (a Levenberg-Marquardt fit from a = b = 1). For
// spread 1 and minDist 0.1 it gives a ≈ 1.577, b ≈ 0.895.
func FitUMAPCurve(spread, minDist float64) (a, b float64) {
	const m = 300
	var xs, ys [m]float64
	for i := range xs {
		xs[i] = 3 * spread * float64(i) / (m - 1)
		ys[i] = 1
		if xs[i] >= minDist {
			ys[i] = math.Exp(-(xs[i] - minDist) / spread)
		}
	}
	a, b = 1, 1
	lambda := 1e-3
	cost := curveCost(xs[:], ys[:], a, b)
	for it := 0; it < 200; it++ {
		da, db, ok := lmStep(xs[:], ys[:], a, b, lambda)
		if !ok {
			break
		}
		na, nb := a+da, b+db
		if c := curveCost(xs[:], ys[:], na, nb); c < cost && na > 0 && nb > 0 {
			done := cost-c < 1e-15*max(cost, 1e-300)
			a, b, cost = na, nb, c
			lambda = max(lambda/10, 1e-12)
			if done {
				break
			}
		} else {
			lambda *= 10
			if lambda > 1e12 {
				break
			}
		}
	}
	return a, b
}

// curveCost is Σ (1/(1+a·x^2b) − y)².
func curveCost(xs, ys []float64, a, b float64) float64 {
	c := 0.0
	for i, x := range xs {
		r := 1/(1+a*math.Pow(x, 2*b)) - ys[i]
		c += r * r
	}
	return c
}

// lmStep solves (JᵀJ + λ·diag(JᵀJ))·δ = −Jᵀr for the two parameters.
func lmStep(xs, ys []float64, a, b, lambda float64) (da, db float64, ok bool) {
	var jaa, jab, jbb, ga, gb float64
	for i, x := range xs {
		if x <= 0 {
			continue // f(0) = 1 whatever a and b: no gradient
		}
		p := math.Pow(x, 2*b)
		den := 1 + a*p
		f := 1 / den
		r := f - ys[i]
		fa := -p / (den * den)
		fb := -a * p * 2 * math.Log(x) / (den * den)
		jaa += fa * fa
		jab += fa * fb
		jbb += fb * fb
		ga += fa * r
		gb += fb * r
	}
	jaa *= 1 + lambda
	jbb *= 1 + lambda
	det := jaa*jbb - jab*jab
	if !(det > 0) {
		return 0, 0, false
	}
	da = -(jbb*ga - jab*gb) / det
	db = -(jaa*gb - jab*ga) / det
	return da, db, true
}
