package reduce

import (
	"math"
	"math/rand/v2"
)

// TSNEInit chooses the starting layout of t-SNE.
type TSNEInit int

const (
	// InitPCA starts from the leading principal components, scaled so that
	// the first coordinate has standard deviation 1e-4 (default).
	InitPCA TSNEInit = iota
	// InitRandom starts from an isotropic Gaussian of standard deviation 1e-4.
	InitRandom
)

// TSNEConfig configures NewTSNE. The zero value gives the defaults below.
type TSNEConfig struct {
	// Dims is the layout dimension, 2 (default) or 3.
	Dims int
	// Perplexity is the effective number of neighbours. Default 30. P is
	// calibrated on k = min(3·Perplexity, N−1) neighbours, and the
	// perplexity is capped at k for small N.
	Perplexity float64
	// Theta is the Barnes-Hut accuracy: a cell is summarised when its side
	// is below Theta times its distance to the bounding box of the group of
	// points being served (stricter than bh_tsne's per-point distance: at
	// 0.5 the force error is about half of bh_tsne's at 0.5). Default 0.5;
	// a negative value means exact sums (O(N²), slow).
	Theta float64
	// LearningRate is the gradient descent step. Default max(N/12, 200).
	LearningRate float64
	// EarlyExaggeration multiplies P during the first ExaggerationIterations
	// iterations. Defaults 12 and 250; a negative ExaggerationIterations
	// disables early exaggeration.
	EarlyExaggeration      float64
	ExaggerationIterations int
	// Momentum is used during early exaggeration, FinalMomentum after.
	// Defaults 0.5 and 0.8.
	Momentum, FinalMomentum float64
	// MaxIterations is the number of iterations after which Step reports
	// done. Default 1000.
	MaxIterations int
	// Init is InitPCA (default) or InitRandom.
	Init TSNEInit
	// Seed makes runs bit-for-bit reproducible.
	Seed uint64
	// Metric of the input space for the neighbour search: Euclidean
	// (default) or Cosine.
	Metric Metric
	// KNN chooses the neighbour search; KNNAuto (default) is exact for small
	// inputs and approximate (RP trees + NN-descent) otherwise.
	KNN KNNMethod
	// PCADims: when D > 2·PCADims and the metric is Euclidean, the
	// neighbour search runs on the first PCADims principal components of
	// the input (moderate D is searched as is: reducing 100 GloVe dims to 50
	// costs neighbourhood fidelity; cosine is searched on the raw vectors,
	// since centring changes angles). Default 50; −1 disables.
	PCADims int
	// StopWhenConverged ends the run (Step reports done) when, after early
	// exaggeration, the KL divergence improved by less than 0.01% over the
	// last 50 iterations.
	StopWhenConverged bool
	// StepWork is about how much work one Step may do, in units of about
	// one multiply-add: the preparation phases count multiply-adds, an
	// iteration counts wInteract per Barnes-Hut interaction, wEdge per edge
	// of P and wInsert per tree insertion. Default 1<<21 (a few ms in
	// js/wasm).
	StepWork int
}

// TSNE is an incremental Barnes-Hut t-SNE (van der Maaten 2014) in 2-D or
// 3-D on every point: PCA (when D is large), k-nearest neighbours with
// k = 3·perplexity, perplexity calibration, symmetric sparse P, then
// gradient descent with early exaggeration, momentum and gains. Create it
// with NewTSNE and call Step repeatedly; Positions is valid throughout.
type TSNE struct {
	x    []float32
	n, d int
	dims int
	cfg  TSNEConfig
	rng  *rand.Rand

	phase int
	prog  float64

	pca   *PCA
	red   []float32 // input of the kNN (PCA-reduced copy or x)
	rd    int       // its dimension
	knn   *KNN
	kn    int       // neighbours per point
	nbr   []int32   // n×kn neighbour indices
	nd    []float32 // n×kn squared distances
	cond  []float64 // n×kn conditional probabilities p_{j|i}
	pos   int       // next point of a chunked phase
	entH  float64   // log(perplexity)
	betas []float64 // per-point precision found by calibration

	// symmetric P in CSR
	rowPtr []int32
	col    []int32
	val    []float64
	fill   []int32
	// its upper triangle (j > i), which the iterations use
	uPtr []int32
	uCol []int32
	uVal []float64

	y, upd, gains []float64 // n×dims
	out           []float32 // n×dims, what Positions returns
	rep, att      []float64 // n×dims repulsive and attractive forces of the iteration
	zSum          float64
	tree          bhTree
	gPts, gStart  []int32 // Barnes-Hut traversal groups of the iteration
	scratch       bhScratch
	iter          int
	lr            float64
	kl, klPrev    float64
	klAt          int
	attrKL        float64
	stopped       bool
	work          float64

	// nbrExact: nbr is the exact euclidean kNN of the input itself (not of
	// its PCA reduction, not approximate).
	nbrExact bool
}

// pcaPassesForKNN bounds the Krylov passes of the PCA that reduces large D
// for the neighbour search: the search needs the leading subspace, not
// converged axes (MNIST 10k layout recall@10: 0.426 after 2 passes, 0.428
// after 3, 0.431 after 6).
const pcaPassesForKNN = 3

// Work units of one elementary operation of an iteration, relative to one
// multiply-add (the unit of StepWork), measured in js/wasm.
const (
	wInsert   = 120 // inserting a point into the Barnes-Hut tree
	wInteract = 10  // one point-cell or point-point repulsive interaction
	wEdge     = 16  // one undirected edge of P in the attraction
)

const (
	tsPCA = iota
	tsKNN
	tsCalibrate
	tsSymCount
	tsSymScatter
	tsSymFill
	tsInit
	tsTree
	tsRepulse
	tsAttract
	tsUpdate
	tsDone
)

// NewTSNE prepares t-SNE of n points of d dims (vectors is n×d float32
// row-major, retained and only read by later Steps). NewTSNE itself does
// O(1) work besides allocations of O(n·dims). It panics if len(vectors) <
// n*d, n or d is negative, or Dims is not 0, 2 or 3.
func NewTSNE(vectors []float32, n, d int, cfg TSNEConfig) *TSNE {
	if n < 0 || d < 0 || len(vectors) < n*d {
		panic("reduce: NewTSNE: vectors shorter than n×d or negative size")
	}
	if cfg.Dims == 0 {
		cfg.Dims = 2
	}
	if cfg.Dims != 2 && cfg.Dims != 3 {
		panic("reduce: NewTSNE: Dims must be 2 or 3")
	}
	if cfg.Perplexity <= 0 {
		cfg.Perplexity = 30
	}
	if cfg.Theta < 0 {
		cfg.Theta = 0
	} else if cfg.Theta == 0 {
		cfg.Theta = 0.5
	}
	if cfg.EarlyExaggeration <= 0 {
		cfg.EarlyExaggeration = 12
	}
	if cfg.ExaggerationIterations < 0 {
		cfg.ExaggerationIterations = 0
	} else if cfg.ExaggerationIterations == 0 {
		cfg.ExaggerationIterations = 250
	}
	if cfg.Momentum <= 0 {
		cfg.Momentum = 0.5
	}
	if cfg.FinalMomentum <= 0 {
		cfg.FinalMomentum = 0.8
	}
	if cfg.MaxIterations <= 0 {
		cfg.MaxIterations = 1000
	}
	if cfg.PCADims == 0 {
		cfg.PCADims = 50
	}
	if cfg.StepWork <= 0 {
		cfg.StepWork = 1 << 21
	}
	t := &TSNE{
		x: vectors[:n*d], n: n, d: d, dims: cfg.Dims, cfg: cfg,
		rng:    rand.New(rand.NewPCG(cfg.Seed, 0x75e)),
		out:    make([]float32, n*cfg.Dims),
		kl:     math.NaN(),
		klPrev: math.NaN(),
	}
	t.lr = cfg.LearningRate
	if t.lr <= 0 {
		t.lr = max(float64(n)/12, 200)
	}
	if n < 2 {
		t.phase = tsDone
		t.prog = 1
		return t
	}
	// PCA: for the kNN when D is large, and for the initial layout.
	comps := cfg.Dims
	if cfg.PCADims > 0 && d > 2*cfg.PCADims && cfg.Metric == Euclidean {
		comps = cfg.PCADims
	}
	if cfg.Init == InitPCA || comps > cfg.Dims {
		pcfg := PCAConfig{Components: comps, Seed: cfg.Seed, StepWork: cfg.StepWork}
		if comps > cfg.Dims {
			// Only the span matters for the neighbour search; the top Dims
			// axes for the initial layout need no more accuracy than this.
			pcfg.Tolerance, pcfg.MaxIterations = 1e-3, pcaPassesForKNN
		}
		t.pca = NewPCA(t.x, n, d, pcfg)
		if comps > cfg.Dims {
			t.pca.finalOnly() // three passes; the subsample start would cost one more
		}
		t.phase = tsPCA
	} else {
		t.startKNN()
	}
	return t
}

// Dims returns the layout dimension (2 or 3).
func (t *TSNE) Dims() int { return t.dims }

// Iteration returns the number of gradient iterations done.
func (t *TSNE) Iteration() int { return t.iter }

// KL returns the latest estimate of the KL divergence between P and Q
// (computed every 50 iterations with the Barnes-Hut normalisation), NaN
// before the first.
func (t *TSNE) KL() float64 { return t.kl }

// KLIteration returns the iteration at which KL was estimated.
func (t *TSNE) KLIteration() int { return t.klAt }

// Preparing reports whether t-SNE is still in its preparation (PCA, kNN,
// P); Progress then tells how far it is.
func (t *TSNE) Preparing() bool { return t.phase < tsTree && t.iter == 0 }

// Progress returns the share of the work done towards MaxIterations, in
// [0, 1]: preparation counts for the first 10%.
func (t *TSNE) Progress() float64 { return t.prog }

// TSNEPhase is the stage a t-SNE run is in (TSNE.Phase).
type TSNEPhase int

// The stages, in the order a run goes through them. A perplexity change
// goes back to PhaseNeighbours (when more neighbours are needed) or to
// PhaseCalibrating.
const (
	PhasePCA          TSNEPhase = iota // PCA of the input: for the neighbour search of large D, and the initial layout
	PhaseNeighbours                    // k-nearest-neighbour search
	PhaseCalibrating                   // per-point precision for the perplexity (conditional p_{j|i})
	PhaseSymmetrising                  // the symmetric joint P
	PhaseIterating                     // gradient descent
	PhaseDone                          // MaxIterations reached, or stopped on convergence
)

var tsnePhaseNames = [...]string{"pca", "neighbours", "calibrating", "symmetrising", "iterating", "done"}

// String returns the phase's name: "pca", "neighbours", "calibrating",
// "symmetrising", "iterating" or "done".
func (p TSNEPhase) String() string {
	if p < 0 || int(p) >= len(tsnePhaseNames) {
		return "unknown"
	}
	return tsnePhaseNames[p]
}

// ParseTSNEPhase is the inverse of TSNEPhase.String.
func ParseTSNEPhase(s string) (TSNEPhase, bool) {
	for i, n := range tsnePhaseNames {
		if n == s {
			return TSNEPhase(i), true
		}
	}
	return 0, false
}

// Phase returns the stage the run is in and how far it is within it, in
// [0, 1] (for PhaseIterating: iterations done of MaxIterations).
func (t *TSNE) Phase() (TSNEPhase, float64) {
	frac := func(done, total int) float64 { return min(1, float64(done)/float64(max(total, 1))) }
	switch t.phase {
	case tsPCA:
		return PhasePCA, t.pca.Progress()
	case tsKNN:
		return PhaseNeighbours, t.knn.Progress()
	case tsCalibrate:
		return PhaseCalibrating, frac(t.pos, t.n)
	case tsSymCount, tsSymScatter, tsSymFill:
		return PhaseSymmetrising, (float64(t.phase-tsSymCount) + frac(t.pos, t.n)) / 3
	case tsDone:
		return PhaseDone, 1
	}
	return PhaseIterating, frac(t.iter, t.cfg.MaxIterations)
}

// MaxIterations returns the iteration count at which the run is done.
func (t *TSNE) MaxIterations() int { return t.cfg.MaxIterations }

// Positions returns the n×Dims row-major layout. Before the first
// iteration it is zero (or the initial layout); after, it is the layout of
// the last complete iteration. Owned by the TSNE and updated in place.
func (t *TSNE) Positions() []float32 { return t.out }

// InputNeighbours returns the neighbour graph of the input the run
// computed: n×k row-major indices, nearest first (equal distances by
// index), and whether it is the exact euclidean kNN of the input vectors
// themselves (not of their PCA reduction, not approximate). nbr is nil
// until the neighbour search has ended; the slice is owned by the TSNE.
func (t *TSNE) InputNeighbours() (nbr []int32, k int, exact bool) {
	if t.phase <= tsKNN || t.nbr == nil {
		return nil, 0, false
	}
	return t.nbr, t.kn, t.nbrExact
}

// LearningRate returns the learning rate in use.
func (t *TSNE) LearningRate() float64 { return t.lr }

// SetLearningRate changes the learning rate from the next iteration on;
// lr ≤ 0 restores the default max(N/12, 200).
func (t *TSNE) SetLearningRate(lr float64) {
	if lr <= 0 {
		lr = max(float64(t.n)/12, 200)
	}
	t.lr = lr
}

// SetMaxIterations changes the number of iterations after which Step
// reports done (so a finished run can be continued).
func (t *TSNE) SetMaxIterations(it int) {
	t.cfg.MaxIterations = max(it, 0)
	if t.phase == tsDone && t.iter < t.cfg.MaxIterations && t.n >= 2 && !t.stopped {
		t.phase, t.pos = tsTree, 0
	}
}

// SetPerplexity recomputes P for a new perplexity, keeping the current
// layout and iteration count: the neighbour search is redone when more
// neighbours are needed, else only the calibration.
func (t *TSNE) SetPerplexity(p float64) {
	if p <= 0 || t.n < 2 {
		return
	}
	t.cfg.Perplexity = p
	if t.phase == tsPCA {
		return // the neighbour search has not started: it will use the new value
	}
	if t.phase == tsKNN {
		if t.neighbours() > t.knn.K() {
			t.startKNN()
		}
		return
	}
	resume := t.y != nil
	if t.neighbours() > t.kn {
		t.startKNN()
	} else {
		t.startCalibrate()
	}
	if !resume {
		return
	}
	t.stopped = false
}

func (t *TSNE) neighbours() int {
	return min(t.n-1, max(1, int(3*t.cfg.Perplexity)))
}

// Step does a bounded amount of work (about cfg.StepWork units; one Step
// may finish several iterations on small data, or part of one on large
// data) and reports whether the run is complete (MaxIterations reached or
// stopped on convergence).
func (t *TSNE) Step() (done bool) {
	budget := t.cfg.StepWork
	for budget > 0 && t.phase != tsDone {
		var w int
		switch t.phase {
		case tsPCA:
			w = t.cfg.StepWork
			if t.pca.Step() {
				t.afterPCA()
			}
		case tsKNN:
			w = t.cfg.StepWork
			if t.knn.Step() {
				t.afterKNN()
			}
		case tsCalibrate:
			w = t.calibrateStep(budget)
		case tsSymCount:
			w = t.symCount(budget)
		case tsSymScatter:
			w = t.symScatter(budget)
		case tsSymFill:
			w = t.symFill(budget)
		case tsInit:
			w = t.initLayout()
		case tsTree:
			w = t.treeStep(budget)
		case tsRepulse:
			w = t.repulseStep(budget)
		case tsAttract:
			w = t.attractStep(budget)
		case tsUpdate:
			w = t.updateStep(budget)
		}
		budget -= w
	}
	t.updateProgress()
	return t.phase == tsDone
}

func (t *TSNE) updateProgress() {
	if t.phase == tsDone {
		t.prog = 1
		return
	}
	var p float64
	switch {
	case t.phase == tsPCA:
		p = 0.04 * t.pca.Progress()
	case t.phase == tsKNN:
		p = 0.04 + 0.05*t.knn.Progress()
	case t.phase < tsTree && t.y == nil:
		p = 0.09 + 0.01*float64(t.pos)/float64(t.n)
	default:
		p = 0.1 + 0.9*float64(t.iter)/float64(max(t.cfg.MaxIterations, 1))
	}
	t.prog = max(t.prog, min(p, 0.999))
}

func (t *TSNE) afterPCA() {
	comps := t.pca.Components()
	pos := t.pca.Positions()
	if comps > t.dims {
		t.red, t.rd = pos, comps
	}
	t.startKNN()
}

func (t *TSNE) startKNN() {
	if t.red == nil {
		t.red, t.rd = t.x, t.d
	}
	t.kn = t.neighbours()
	t.knn = NewKNN(t.red, t.n, t.rd, KNNConfig{
		K: t.kn, Metric: t.cfg.Metric, Method: t.cfg.KNN, Seed: t.cfg.Seed, StepWork: t.cfg.StepWork,
	})
	t.phase = tsKNN
}

func (t *TSNE) afterKNN() {
	t.nbr, t.nd = t.knn.Neighbors(), t.knn.Distances()
	t.kn = t.knn.K()
	t.nbrExact = !t.knn.Approximate() && t.rd == t.d && t.cfg.Metric == Euclidean
	t.startCalibrate()
}

func (t *TSNE) startCalibrate() {
	t.phase = tsCalibrate
	t.pos = 0
	t.entH = math.Log(min(t.cfg.Perplexity, float64(t.neighbours())))
	t.cond = make([]float64, t.n*t.kn)
	t.betas = make([]float64, t.n)
}

// calibrateStep finds, for a block of points, the Gaussian precision β_i
// whose conditional distribution over the point's k neighbours has entropy
// log(perplexity), by bisection, and stores p_{j|i}.
func (t *TSNE) calibrateStep(budget int) int {
	k := min(t.kn, t.neighbours())
	per := max(1, budget/(k*100+1)) // Newton: ~5-8 rounds of k exponentials
	end := min(t.n, t.pos+per)
	for i := t.pos; i < end; i++ {
		t.betas[i] = calibrate(t.nd[i*t.kn:i*t.kn+k], t.cond[i*t.kn:i*t.kn+k], t.entH)
		for s := k; s < t.kn; s++ {
			t.cond[i*t.kn+s] = 0
		}
	}
	w := (end - t.pos) * k * 100
	t.pos = end
	if t.pos == t.n {
		t.phase = tsSymCount
		t.pos = 0
	}
	return w
}

// calibrate finds β such that the distribution p_j ∝ exp(−β·(d_j − d_0))
// over the squared distances d (ascending) has entropy h (nats), writes it
// to p (summing to 1) and returns β. Distances are shifted by the nearest
// one for numerical range; this does not change p.
func calibrate(d []float32, p []float64, h float64) float64 {
	beta, lo, hi := 1.0, 0.0, math.Inf(1)
	d0 := float64(d[0])
	// Scale the starting β to the data: 1/mean shifted distance.
	mean := 0.0
	for _, v := range d {
		mean += float64(v) - d0
	}
	if mean > 0 {
		beta = float64(len(d)) / mean
	}
	// Newton steps on H(β) (dH/dβ = −β·Var(d) under p), kept inside the
	// bracket [lo, hi] that the signs of H−h establish; a step that leaves
	// the bracket falls back to bisection (or doubling while hi is open).
	for it := 0; it < 200; it++ {
		sum, sdp, sdd := 0.0, 0.0, 0.0
		for j, v := range d {
			dv := float64(v) - d0
			e := math.Exp(-beta * dv)
			p[j] = e
			sum += e
			sdp += dv * e
			sdd += dv * dv * e
		}
		md := sdp / sum
		ent := math.Log(sum) + beta*md
		if math.Abs(ent-h) < 1e-5 {
			break
		}
		if ent > h {
			lo = beta
		} else {
			hi = beta
		}
		next := math.NaN()
		if vr := sdd/sum - md*md; vr > 0 && beta > 0 {
			next = beta + (ent-h)/(beta*vr)
		}
		if !(next > lo && next < hi) {
			switch {
			case math.IsInf(hi, 1):
				next = beta * 2
			default:
				next = (lo + hi) / 2
			}
		}
		beta = next
	}
	sum := 0.0
	for _, v := range p {
		sum += v
	}
	for j := range p {
		p[j] /= sum
	}
	return beta
}

// symCount sizes, for a block of points, the rows of the symmetric P: row
// i holds its own neighbours and the points that have i as a neighbour.
func (t *TSNE) symCount(budget int) int {
	n, k := t.n, t.kn
	if t.pos == 0 {
		t.rowPtr = make([]int32, n+1)
	}
	end := min(n, t.pos+max(1, budget/(8*k+1)))
	for i := t.pos; i < end; i++ {
		for s := 0; s < k; s++ {
			if t.cond[i*k+s] == 0 {
				continue
			}
			t.rowPtr[i+1]++
			t.rowPtr[t.nbr[i*k+s]+1]++
		}
	}
	w := (end - t.pos) * (8*k + 1)
	t.pos = end
	if t.pos < n {
		return w
	}
	for i := 0; i < n; i++ {
		t.rowPtr[i+1] += t.rowPtr[i]
	}
	nnz := t.rowPtr[n]
	t.col = make([]int32, nnz)
	t.val = make([]float64, nnz)
	t.fill = make([]int32, n)
	copy(t.fill, t.rowPtr[:n])
	t.phase = tsSymScatter
	t.pos = 0
	return w + 2*n
}

// symScatter writes, for a block of points, each p_{j|i} into rows i and j.
func (t *TSNE) symScatter(budget int) int {
	n, k := t.n, t.kn
	end := min(n, t.pos+max(1, budget/(16*k+1)))
	for i := t.pos; i < end; i++ {
		for s := 0; s < k; s++ {
			pv := t.cond[i*k+s]
			if pv == 0 {
				continue
			}
			j := t.nbr[i*k+s]
			t.col[t.fill[i]], t.val[t.fill[i]] = j, pv
			t.fill[i]++
			t.col[t.fill[j]], t.val[t.fill[j]] = int32(i), pv
			t.fill[j]++
		}
	}
	w := (end - t.pos) * (16*k + 1)
	t.pos = end
	if t.pos == n {
		t.phase = tsSymFill
		t.pos = 0
		t.uPtr = make([]int32, n+1)
		t.uCol = t.uCol[:0]
		t.uVal = t.uVal[:0]
	}
	return w
}

// symFill sorts each row of a block by column, merges duplicate entries
// (p_{j|i} + p_{i|j}) and divides by 2N so that P sums to 1. Merged rows
// keep their length (merged-away slots get column −1 at the row end, value 0).
func (t *TSNE) symFill(budget int) int {
	n := t.n
	w := 0
	scale := 1 / (2 * float64(n))
	for w < budget && t.pos < n {
		i := t.pos
		a, b := t.rowPtr[i], t.rowPtr[i+1]
		cols, vals := t.col[a:b], t.val[a:b]
		sortPairs(cols, vals)
		out := 0
		for s := 0; s < len(cols); s++ {
			if out > 0 && cols[out-1] == cols[s] {
				vals[out-1] += vals[s]
				continue
			}
			cols[out], vals[out] = cols[s], vals[s]
			out++
		}
		for s := 0; s < out; s++ {
			vals[s] *= scale
		}
		for s := out; s < len(cols); s++ {
			cols[s], vals[s] = -1, 0
		}
		t.fill[i] = a + int32(out) // end of the live part of row i
		for s := 0; s < out; s++ {
			if int(cols[s]) > i {
				t.uCol = append(t.uCol, cols[s])
				t.uVal = append(t.uVal, vals[s])
			}
		}
		t.uPtr[i+1] = int32(len(t.uCol))
		w += len(cols)*32 + 1
		t.pos++
	}
	if t.pos == n {
		switch {
		case t.y == nil:
			t.phase = tsInit
		case t.iter >= t.cfg.MaxIterations:
			t.phase = tsDone // perplexity changed after the run: P is ready for more
		default:
			t.phase, t.pos = tsTree, 0 // perplexity changed while running
		}
	}
	return w
}

// sortPairs sorts cols ascending, permuting vals alike.
func sortPairs(cols []int32, vals []float64) {
	for a := 1; a < len(cols); a++ {
		c, v := cols[a], vals[a]
		b := a - 1
		for b >= 0 && cols[b] > c {
			cols[b+1], vals[b+1] = cols[b], vals[b]
			b--
		}
		cols[b+1], vals[b+1] = c, v
	}
}

// initLayout sets the starting layout.
func (t *TSNE) initLayout() int {
	n, dims := t.n, t.dims
	t.y = make([]float64, n*dims)
	t.upd = make([]float64, n*dims)
	t.gains = make([]float64, n*dims)
	t.rep = make([]float64, n*dims)
	t.att = make([]float64, n*dims)
	for i := range t.gains {
		t.gains[i] = 1
	}
	if t.cfg.Init == InitPCA && t.pca != nil {
		pos, kc := t.pca.Positions(), t.pca.Components()
		for i := 0; i < n; i++ {
			for a := 0; a < dims && a < kc; a++ {
				t.y[i*dims+a] = float64(pos[i*kc+a])
			}
		}
		sd := 0.0
		for i := 0; i < n; i++ {
			sd += t.y[i*dims] * t.y[i*dims]
		}
		sd = math.Sqrt(sd / float64(n))
		if sd > 0 {
			for i := range t.y {
				t.y[i] *= 1e-4 / sd
			}
		}
	} else {
		for i := range t.y {
			t.y[i] = 1e-4 * t.rng.NormFloat64()
		}
	}
	t.publish()
	t.pca, t.knn = nil, nil
	t.phase, t.pos = tsTree, 0
	return n * dims
}

// treeStep builds the Barnes-Hut tree of the current layout, inserting a
// block of points per call; after the last it forms the traversal groups.
func (t *TSNE) treeStep(budget int) int {
	w := 0
	if t.pos == 0 {
		t.tree.begin(t.y, t.n, t.dims)
		w += t.n * t.dims
	}
	end := min(t.n, t.pos+max(1, (budget-w)/wInsert))
	for i := t.pos; i < end; i++ {
		t.tree.insert(t.y, int32(i))
	}
	w += (end - t.pos) * wInsert
	t.pos = end
	if t.pos < t.n {
		return w
	}
	t.tree.end()
	t.gPts, t.gStart = t.tree.groups(t.gPts, t.gStart)
	t.pos, t.zSum = 0, 0
	clear(t.rep)
	clear(t.att)
	t.phase = tsRepulse
	return w + t.n*8
}

// repulseStep computes the Barnes-Hut repulsive forces of a block of
// traversal groups (t.pos counts groups here).
func (t *TSNE) repulseStep(budget int) int {
	theta2 := t.cfg.Theta * t.cfg.Theta
	w := 0
	ng := len(t.gStart) - 1
	for w < budget && t.pos < ng {
		pts := t.gPts[t.gStart[t.pos]:t.gStart[t.pos+1]]
		z, work := t.tree.repulseGroup(t.y, pts, t.tree.roots[t.pos], theta2, t.rep, &t.scratch)
		t.zSum += z
		w += work * wInteract
		t.pos++
	}
	if t.pos == ng {
		t.phase = tsAttract
		t.pos = 0
		t.attrKL = 0
	}
	return w
}

// attractStep accumulates, for a block of rows of the upper triangle of P,
// the attractive forces p_ij·w_ij·(y_i−y_j) on both ends of every edge
// (each undirected edge is visited once), and the KL terms on checkpoints.
func (t *TSNE) attractStep(budget int) int {
	dims := t.dims
	checkKL := (t.iter+1)%50 == 0 || t.iter+1 == t.cfg.MaxIterations
	invZ := 1 / max(t.zSum, 1e-300)
	y, att := t.y, t.att
	w := 0
	for w < budget && t.pos < t.n {
		i := t.pos
		a, b := t.uPtr[i], t.uPtr[i+1]
		cols, vals := t.uCol[a:b], t.uVal[a:b]
		vals = vals[:len(cols)]
		if checkKL {
			t.attrKL += 2 * t.rowKL(i, cols, vals, invZ)
		}
		if dims == 2 {
			attractRow2(y, att, i, cols, vals)
		} else {
			attractRow3(y, att, i, cols, vals)
		}
		w += int(b-a)*wEdge + 4
		t.pos++
	}
	if t.pos == t.n {
		t.phase = tsUpdate
		t.pos = 0
	}
	return w
}

// updateStep turns the forces of a block of points into the gradient
// exag·attraction − repulsion/Z and the update (momentum and gains); after
// the last point it moves every point, re-centres the layout and publishes
// it, so every force of an iteration saw the same layout.
func (t *TSNE) updateStep(budget int) int {
	dims := t.dims
	exag := 1.0
	mom := t.cfg.FinalMomentum
	if t.iter < t.cfg.ExaggerationIterations {
		exag, mom = t.cfg.EarlyExaggeration, t.cfg.Momentum
	}
	invZ := 1 / max(t.zSum, 1e-300)
	lr := t.lr
	end := min(t.n*dims, t.pos+max(1, budget/4))
	for e := t.pos; e < end; e++ {
		g := exag*t.att[e] - t.rep[e]*invZ
		u := t.upd[e]
		gn := t.gains[e]
		if (g > 0) != (u > 0) {
			gn += 0.2
		} else {
			gn *= 0.8
		}
		if gn < 0.01 { // (not max: a runtime call in js/wasm)
			gn = 0.01
		}
		t.gains[e] = gn
		t.upd[e] = mom*u - lr*gn*g
	}
	w := (end - t.pos) * 4
	t.pos = end
	if t.pos < t.n*dims {
		return w
	}
	var mean [3]float64
	for i := 0; i < t.n; i++ {
		for c := 0; c < dims; c++ {
			t.y[i*dims+c] += t.upd[i*dims+c]
			mean[c] += t.y[i*dims+c]
		}
	}
	for c := 0; c < dims; c++ {
		mean[c] /= float64(t.n)
	}
	for i := 0; i < t.n; i++ {
		for c := 0; c < dims; c++ {
			t.y[i*dims+c] -= mean[c]
		}
	}
	t.publish()
	t.iter++
	w += t.n * dims * 3
	if (t.iter)%50 == 0 || t.iter == t.cfg.MaxIterations {
		t.klPrev = t.kl
		t.kl = t.attrKL
		t.klAt = t.iter
		if t.cfg.StopWhenConverged && t.iter > t.cfg.ExaggerationIterations+50 &&
			!math.IsNaN(t.klPrev) && t.klPrev-t.kl < 1e-4*math.Abs(t.klPrev) {
			t.stopped = true
		}
	}
	if t.iter >= t.cfg.MaxIterations || t.stopped {
		t.phase = tsDone
	} else {
		t.phase, t.pos = tsTree, 0
	}
	return w
}

// attractRow2 adds the attractive forces of the edges (i, cols[e]) with
// weights vals[e] (upper triangle of the symmetric P) to att, for both ends,
// in 2D. A plain function: in js/wasm the method form keeps fewer values in
// registers.
func attractRow2(y, att []float64, i int, cols []int32, vals []float64) {
	vals = vals[:len(cols)]
	px, py := y[2*i], y[2*i+1]
	var ax, ay float64
	for e, j := range cols {
		dx, dy := px-y[2*j], py-y[2*j+1]
		pq := vals[e] / (1 + dx*dx + dy*dy)
		fx, fy := pq*dx, pq*dy
		ax += fx
		ay += fy
		att[2*j] -= fx
		att[2*j+1] -= fy
	}
	att[2*i] += ax
	att[2*i+1] += ay
}

// attractRow3 is attractRow2 in 3D.
func attractRow3(y, att []float64, i int, cols []int32, vals []float64) {
	vals = vals[:len(cols)]
	px, py, pz := y[3*i], y[3*i+1], y[3*i+2]
	var ax, ay, az float64
	for e, j := range cols {
		dx, dy, dz := px-y[3*j], py-y[3*j+1], pz-y[3*j+2]
		pq := vals[e] / (1 + dx*dx + dy*dy + dz*dz)
		fx, fy, fz := pq*dx, pq*dy, pq*dz
		ax += fx
		ay += fy
		az += fz
		att[3*j] -= fx
		att[3*j+1] -= fy
		att[3*j+2] -= fz
	}
	att[3*i] += ax
	att[3*i+1] += ay
	att[3*i+2] += az
}

// rowKL returns Σ_j p_ij·log(p_ij/q_ij) over row i of P, with
// q_ij = w_ij/Z and invZ = 1/Z.
func (t *TSNE) rowKL(i int, cols []int32, vals []float64, invZ float64) float64 {
	dims := t.dims
	yi := t.y[i*dims : i*dims+dims]
	kl := 0.0
	for e, j := range cols {
		yj := t.y[int(j)*dims : int(j)*dims+dims]
		d2 := 0.0
		for c := range yi {
			v := yi[c] - yj[c]
			d2 += v * v
		}
		q := invZ / (1 + d2)
		kl += vals[e] * math.Log(max(vals[e], 1e-300)/max(q, 1e-300))
	}
	return kl
}

// publish copies the layout to the float32 output.
func (t *TSNE) publish() {
	for i, v := range t.y {
		t.out[i] = float32(v)
	}
}
