package reduce

import (
	"fmt"
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
	// Workers is how many goroutines share the neighbour search (see
	// KNNConfig.Workers) and the work of an iteration (the repulsion by
	// traversal groups, the attraction by chunks of P's rows); 0 or 1 means
	// the caller's goroutine alone. The layout does not depend on it: every
	// share is computed and summed in the same order whatever the number of
	// workers. With Workers > 1, one Step does about Workers×StepWork
	// units, and at least one whole attraction chunk.
	Workers int
}

// TSNE is an incremental Barnes-Hut t-SNE (van der Maaten 2014) in 2-D or
// 3-D on every point: PCA (when D is large), k-nearest neighbours with
// k = 3·perplexity, perplexity calibration, symmetric sparse P, then
// gradient descent with early exaggeration, momentum and gains. Create it
// with NewTSNE and call Step repeatedly; Positions is valid throughout.
// A zero TSNE (not made by NewTSNE) is an empty run: Step reports done at
// once, Progress is 1, Phase is PhaseDone, Positions is nil, the setters do
// nothing, and Err reports ErrNotConstructed.
type TSNE struct {
	x    []float32
	n, d int
	dims int
	cfg  TSNEConfig
	rng  *rand.Rand

	phase int
	prog  float64
	pos   int   // next point (or traversal group) of a chunked phase
	err   error // why the run ended early (see Err), or nil

	tsneNeighbours // PCA and kNN of the input (tsne.go)
	tsneAffinities // calibrated p_{j|i} and the symmetric sparse P (tsne_p.go)
	tsneDescent    // the layout and the gradient descent's state (tsne_descent.go)
}

// tsneNeighbours is the part of a t-SNE run that finds each point's
// neighbours: the PCA (when D is large, and for the initial layout) and the
// kNN search.
type tsneNeighbours struct {
	pca *PCA
	red []float32 // input of the kNN (PCA-reduced copy or x)
	rd  int       // its dimension
	knn *KNN
	kn  int       // neighbours per point
	nbr []int32   // n×kn neighbour indices
	nd  []float32 // n×kn squared distances
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

// Phases of a t-SNE run (TSNE.phase). tsNone is the zero value's.
const (
	tsNone = iota
	tsPCA
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
		rng: rand.New(rand.NewPCG(cfg.Seed, 0x75e)),
		tsneDescent: tsneDescent{
			out: make([]float32, n*cfg.Dims),
			kl:  math.NaN(), klPrev: math.NaN(),
		},
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
func (t *TSNE) Preparing() bool { return t.phase != tsNone && t.phase < tsTree && t.iter == 0 }

// Progress returns the share of the work done towards MaxIterations, in
// [0, 1]: preparation counts for the first 10%. It is 1 on a zero TSNE.
func (t *TSNE) Progress() float64 {
	if t.phase == tsNone {
		return 1
	}
	return t.prog
}

// Stage implements Stepper: Phase with the phase's name.
func (t *TSNE) Stage() (name string, frac float64) {
	ph, f := t.Phase()
	return ph.String(), f
}

// Err reports why the run has no usable layout: nil while it runs and once
// it has completed normally; an error wrapping ErrNoConvergence when its
// PCA failed (the run then ends in PhaseDone with the layout zero and the
// setters do nothing); an error wrapping ErrNotConstructed on a zero TSNE.
func (t *TSNE) Err() error {
	if t.phase == tsNone {
		return notConstructed("TSNE")
	}
	return t.err
}

// fail ends the run with err (see Err).
func (t *TSNE) fail(err error) {
	t.err = err
	t.stopped = true
	t.pca, t.knn = nil, nil
	t.phase = tsDone
}

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
	case tsDone, tsNone:
		return PhaseDone, 1
	}
	return PhaseIterating, frac(t.iter, t.cfg.MaxIterations)
}

// MaxIterations returns the iteration count at which the run is done.
func (t *TSNE) MaxIterations() int { return t.cfg.MaxIterations }

// Positions returns the n×Dims row-major layout. Before the first
// iteration it is zero (or the initial layout); after, it is the layout of
// the last complete iteration. The slice is owned by the TSNE and
// updated in place by Step (a write to it shows in later calls until the
// next iteration overwrites it); PositionsTo returns a copy.
func (t *TSNE) Positions() []float32 { return t.out }

// PositionsTo copies Positions into dst, allocating when dst is nil or
// shorter than n×Dims, and returns it (length n×Dims).
func (t *TSNE) PositionsTo(dst []float32) []float32 { return copyTo(dst, t.out) }

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
// lr ≤ 0 restores the default max(N/12, 200). It does nothing on a zero
// TSNE.
func (t *TSNE) SetLearningRate(lr float64) {
	if t.phase == tsNone {
		return
	}
	if lr <= 0 {
		lr = max(float64(t.n)/12, 200)
	}
	t.lr = lr
}

// SetMaxIterations changes the number of iterations after which Step
// reports done (so a finished run can be continued). It does nothing on a
// zero TSNE.
func (t *TSNE) SetMaxIterations(it int) {
	if t.phase == tsNone {
		return
	}
	t.cfg.MaxIterations = max(it, 0)
	if t.phase == tsDone && t.iter < t.cfg.MaxIterations && t.n >= 2 && !t.stopped {
		t.phase, t.pos = tsTree, 0
	}
}

// SetPerplexity recomputes P for a new perplexity, keeping the current
// layout and iteration count: the neighbour search is redone when more
// neighbours are needed, else only the calibration. It does nothing when
// p ≤ 0, on fewer than 2 points, after a failure (Err) or on a zero TSNE.
func (t *TSNE) SetPerplexity(p float64) {
	if p <= 0 || t.n < 2 || t.err != nil {
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

// workers returns how many goroutines share an iteration (at least 1).
func (t *TSNE) workers() int { return max(1, t.cfg.Workers) }

func (t *TSNE) neighbours() int {
	return min(t.n-1, max(1, int(3*t.cfg.Perplexity)))
}

// Step does a bounded amount of work (about cfg.StepWork units; one Step
// may finish several iterations on small data, or part of one on large
// data) and reports whether the run is complete (MaxIterations reached or
// stopped on convergence). On a zero TSNE it does nothing and reports true.
func (t *TSNE) Step() (done bool) {
	if t.phase == tsNone {
		return true
	}
	budget := t.cfg.StepWork * t.workers()
	for budget > 0 && t.phase != tsDone {
		var w int
		switch t.phase {
		case tsPCA:
			w = t.cfg.StepWork
			if t.pca.Step() {
				if t.pca.err != nil {
					t.fail(fmt.Errorf("reduce: t-SNE: PCA of the input: %w", t.pca.err))
				} else {
					t.afterPCA()
				}
			}
		case tsKNN:
			w = t.cfg.StepWork * t.workers() // the search's Step does that much
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
		Workers: t.workers(),
	})
	t.phase = tsKNN
}

func (t *TSNE) afterKNN() {
	t.nbr, t.nd = t.knn.Neighbors(), t.knn.Distances()
	t.kn = t.knn.K()
	t.nbrExact = !t.knn.Approximate() && t.rd == t.d && t.cfg.Metric == Euclidean
	t.startCalibrate()
}
