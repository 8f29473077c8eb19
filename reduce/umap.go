package reduce

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// UMAPConfig configures NewUMAP. The zero value gives the defaults below,
// which are umap-learn's.
type UMAPConfig struct {
	// Dims is the layout dimension, 2 (default) or 3.
	Dims int
	// Neighbors is umap-learn's n_neighbors: the size of each point's local
	// neighbourhood, counting the point itself as umap-learn does (so
	// Neighbors−1 other points are searched). Default 15; clamped to N. With
	// 1 (no other point) the run is done at once and the layout stays zero.
	Neighbors int
	// MinDist is the smallest distance between points in the layout, in
	// layout units (umap-learn's min_dist). Default 0.1; a negative value
	// means 0.
	MinDist float64
	// Spread is the scale of the layout's embedded points (umap-learn's
	// spread). Default 1.
	Spread float64
	// Epochs is the number of optimisation epochs (n_epochs). Default, as
	// umap-learn: 500 for N ≤ 10,000, else 200.
	Epochs int
	// NegativeSampleRate is the number of negative samples per positive
	// sample. Default 5.
	NegativeSampleRate int
	// LearningRate is the initial SGD step (umap-learn's learning_rate),
	// decaying linearly to 0 over the epochs. Default 1.
	LearningRate float64
	// Metric of the input space: Euclidean (default) or Cosine (1 − cos).
	Metric Metric
	// KNN chooses the neighbour search (see KNNConfig.Method). Default
	// KNNAuto, which here is exact only up to N²·D = umapExactWork (2e9):
	// with UMAP's few neighbours NN-descent is cheap (GloVe 10k×100, K = 14,
	// js/wasm: 1.6 s at recall 0.976 against 3.7 s exact), and its misses
	// do not show in the layout.
	KNN KNNMethod
	// PCADims: when D > 2·PCADims and the metric is Euclidean, the
	// neighbour search runs on the first PCADims principal components, as in
	// TSNEConfig. Default 50; −1 disables.
	PCADims int
	// Seed makes runs bit-for-bit reproducible (on one platform).
	Seed uint64
	// StepWork is about how much work one Step may do, in units of about one
	// multiply-add (an SGD sample counts wUMAPPos or wUMAPNeg). Default
	// 1<<21, a few milliseconds in js/wasm.
	StepWork int
	// Workers is how many goroutines share the neighbour search (see
	// KNNConfig.Workers; the other phases run on the caller's goroutine);
	// 0 or 1 means the caller's alone. The layout does not depend on it.
	// During the search one Step does about Workers×StepWork units.
	Workers int
}

// UMAP is an incremental UMAP (McInnes, Healy & Melville 2018) that follows
// umap-learn's algorithm: k-nearest neighbours (the package's KNN, on the
// first principal components when D is large and the metric euclidean),
// the fuzzy simplicial set (per-point ρ and σ by umap-learn's smooth-kNN
// search, memberships exp(−(d−ρ)/σ), symmetrised by fuzzy set union
// w + wᵀ − w∘wᵀ, edges below max/Epochs dropped), the curve 1/(1+a·d^2b)
// fitted to MinDist and Spread, and SGD over the edges scheduled by
// epochs-per-sample with NegativeSampleRate negative samples per positive
// one, gradients clipped at ±4 and a learning rate decaying linearly to 0.
// One difference from umap-learn, for speed: the negative samples that
// follow a positive sample are all evaluated at the head's position after
// that positive step and applied together (umap-learn moves the head after
// each), so that the CPU computes them side by side; the quality measures
// (10-NN accuracy, recall@10) do not move beyond their seed-to-seed spread.
// x^b in the gradients comes from a table (relative error below 1e-6).
//
// The initial layout is the PCA of the input (the top Dims components,
// scaled so that the largest coordinate magnitude is 10, plus Gaussian noise
// of standard deviation 1e-4), umap-learn's init="pca". umap-learn's default
// spectral initialisation needs the smallest eigenvectors of the graph
// Laplacian: an iterative sparse eigensolver whose convergence depends on
// the spectral gap (slow on large, weakly connected graphs) and which must
// treat each connected component separately; the PCA is exact, bounded in
// cost, already computed incrementally for the neighbour search of large D,
// and keeps the global arrangement of clusters that the layout starts from
// (Kobak & Linderman 2021: UMAP from a PCA start preserves global structure
// as well as from a spectral one).
//
// Create it with NewUMAP and call Step until it reports done; Positions is
// valid (finite) throughout. A zero UMAP (not made by NewUMAP) is an empty
// run: Step reports done at once, Progress is 1, Phase is UMAPPhaseDone,
// Positions is empty, and Err reports ErrNotConstructed.
type UMAP struct {
	x       []float32
	n, d    int
	dims    int
	cfg     UMAPConfig
	a, b    float64   // the fitted curve 1/(1 + a·d^(2b))
	pow     *powTable // x^b for the SGD
	initRng *rand.Rand

	phase int
	pos   int // next point (or edge) of a chunked phase
	prog  float64
	err   error // why the run ended early (see Err), or nil

	pca *PCA
	red []float32 // input of the kNN (PCA-reduced or x)
	rd  int       // its dimension
	knn *KNN
	kn  int // other neighbours per point

	fz    fuzzySet
	edges umapEdges
	y     []float32 // n×dims layout, what Positions returns
	epoch int
	rng   uint64 // negative sampling state (xorshift64*)
}

// umapExactWork is the largest N²·D for which UMAP's KNNAuto search is
// exact (about 4,500 points of 100 dims).
const umapExactWork = 2e9

// Phases of a UMAP run (UMAP.phase). umNone is the zero value's.
const (
	umNone = iota
	umPCA
	umKNN
	umSmooth
	umSymCount
	umSymScatter
	umSymMerge
	umEdges
	umInit
	umEpoch
	umDone
)

// UMAPPhase is the stage a UMAP run is in (UMAP.Phase).
type UMAPPhase int

// The stages, in the order a run goes through them.
const (
	UMAPPhasePCA        UMAPPhase = iota // PCA of the input: initial layout, and the neighbour search of large D
	UMAPPhaseNeighbours                  // k-nearest-neighbour search
	UMAPPhaseFuzzySet                    // ρ, σ, memberships, their union and the edge schedule
	UMAPPhaseOptimizing                  // SGD epochs
	UMAPPhaseDone                        // every epoch done
)

var umapPhaseNames = [...]string{"pca", "neighbours", "fuzzy-set", "optimizing", "done"}

// String returns the phase's name: "pca", "neighbours", "fuzzy-set",
// "optimizing" or "done".
func (p UMAPPhase) String() string {
	if p < 0 || int(p) >= len(umapPhaseNames) {
		return "unknown"
	}
	return umapPhaseNames[p]
}

// ParseUMAPPhase is the inverse of UMAPPhase.String.
func ParseUMAPPhase(s string) (UMAPPhase, bool) {
	for i, n := range umapPhaseNames {
		if n == s {
			return UMAPPhase(i), true
		}
	}
	return 0, false
}

// DefaultUMAPEpochs returns umap-learn's default number of epochs for n
// points: 500 up to 10,000 points, else 200.
func DefaultUMAPEpochs(n int) int {
	if n <= 10000 {
		return 500
	}
	return 200
}

// withDefaults returns cfg with its zero fields set to the defaults for n
// points. It panics if Dims is not 0, 2 or 3.
func (cfg UMAPConfig) withDefaults(n int) UMAPConfig {
	if cfg.Dims == 0 {
		cfg.Dims = 2
	}
	if cfg.Dims != 2 && cfg.Dims != 3 {
		panic("reduce: NewUMAP: Dims must be 2 or 3")
	}
	if cfg.Neighbors <= 0 {
		cfg.Neighbors = 15
	}
	if cfg.MinDist == 0 {
		cfg.MinDist = 0.1
	} else if cfg.MinDist < 0 {
		cfg.MinDist = 0
	}
	if cfg.Spread <= 0 {
		cfg.Spread = 1
	}
	if cfg.Epochs <= 0 {
		cfg.Epochs = DefaultUMAPEpochs(n)
	}
	if cfg.NegativeSampleRate <= 0 {
		cfg.NegativeSampleRate = 5
	}
	if cfg.LearningRate <= 0 {
		cfg.LearningRate = 1
	}
	if cfg.PCADims == 0 {
		cfg.PCADims = 50
	}
	if cfg.StepWork <= 0 {
		cfg.StepWork = 1 << 21
	}
	return cfg
}

// NewUMAP prepares UMAP of n points of d dims (vectors is n×d float32
// row-major, retained and only read by later Steps). NewUMAP itself does
// O(1) work besides the curve fit (a few hundred microseconds) and
// allocations of O(n·Dims). It panics if len(vectors) < n*d, n or d is
// negative, or Dims is not 0, 2 or 3.
func NewUMAP(vectors []float32, n, d int, cfg UMAPConfig) *UMAP {
	if n < 0 || d < 0 || len(vectors) < n*d {
		panic("reduce: NewUMAP: vectors shorter than n×d or negative size")
	}
	cfg = cfg.withDefaults(n)
	u := &UMAP{
		x: vectors[:n*d], n: n, d: d, dims: cfg.Dims, cfg: cfg,
		initRng: rand.New(rand.NewPCG(cfg.Seed, 0x75_6d61_70)),
		rng:     splitmix64(cfg.Seed ^ 0x9e37_79b9_7f4a_7c15),
		y:       make([]float32, n*cfg.Dims),
	}
	u.a, u.b = FitUMAPCurve(cfg.Spread, cfg.MinDist)
	u.pow = newPowTable(u.b)
	u.kn = min(cfg.Neighbors-1, n-1)
	if n < 2 || u.kn < 1 {
		u.phase, u.prog = umDone, 1
		return u
	}
	comps := cfg.Dims
	if cfg.PCADims > 0 && d > 2*cfg.PCADims && cfg.Metric == Euclidean {
		comps = cfg.PCADims
	}
	pcfg := PCAConfig{Components: comps, Seed: cfg.Seed, StepWork: cfg.StepWork}
	if comps > cfg.Dims {
		pcfg.Tolerance, pcfg.MaxIterations = 1e-3, pcaPassesForKNN
	}
	u.pca = NewPCA(u.x, n, d, pcfg)
	if comps > cfg.Dims {
		u.pca.finalOnly()
	}
	u.phase = umPCA
	return u
}

// Dims returns the layout dimension (2 or 3), 0 for a zero UMAP.
func (u *UMAP) Dims() int { return u.dims }

// Config returns the configuration in use, defaults filled in.
func (u *UMAP) Config() UMAPConfig { return u.cfg }

// Curve returns the parameters a and b of the layout's similarity curve
// 1/(1 + a·d^(2b)), fitted to MinDist and Spread.
func (u *UMAP) Curve() (a, b float64) { return u.a, u.b }

// Epoch returns the number of epochs done.
func (u *UMAP) Epoch() int { return u.epoch }

// Epochs returns the number of epochs after which Step reports done.
func (u *UMAP) Epochs() int { return u.cfg.Epochs }

// Edges returns the number of directed edges of the fuzzy graph that the
// SGD samples (each undirected edge counts twice), 0 before it is built.
func (u *UMAP) Edges() int { return len(u.edges.rec) }

// Positions returns the n×Dims row-major layout. It is zero until the
// initial layout is set (at the start of PhaseOptimizing) and then the
// current layout, updated in place by every Step (a Step may end inside an
// epoch; every coordinate is finite after every Step). The slice is owned
// by the UMAP: copy it to keep a snapshot.
func (u *UMAP) Positions() []float32 { return u.y }

// PositionsTo copies the layout into dst, allocating when dst is nil or
// shorter than n×Dims, and returns it (length n×Dims).
func (u *UMAP) PositionsTo(dst []float32) []float32 { return copyTo(dst, u.y) }

// Progress returns the share of the whole run done, in [0, 1],
// non-decreasing from call to call, and exactly 1 once Step has returned
// true. The preparation (PCA, neighbours, fuzzy set) counts for the first
// 10%, the epochs for the rest.
func (u *UMAP) Progress() float64 {
	if u.phase == umNone {
		return 1
	}
	return u.prog
}

// Stage implements Stepper: Phase with the phase's name.
func (u *UMAP) Stage() (name string, frac float64) {
	ph, f := u.Phase()
	return ph.String(), f
}

// Err reports why the run has no usable layout: nil while it runs and once
// it has completed normally; an error wrapping ErrNoConvergence when its
// PCA failed (the run then ends in UMAPPhaseDone with the layout zero); an
// error wrapping ErrNotConstructed on a zero UMAP.
func (u *UMAP) Err() error {
	if u.phase == umNone {
		return notConstructed("UMAP")
	}
	return u.err
}

// Phase returns the stage the run is in and how far it is within it, in
// [0, 1] (for UMAPPhaseOptimizing: epochs done of Epochs).
func (u *UMAP) Phase() (UMAPPhase, float64) {
	frac := func(done, total int) float64 { return min(1, float64(done)/float64(max(total, 1))) }
	switch u.phase {
	case umPCA:
		return UMAPPhasePCA, u.pca.Progress()
	case umKNN:
		return UMAPPhaseNeighbours, u.knn.Progress()
	case umSmooth, umSymCount, umSymScatter, umSymMerge, umEdges:
		return UMAPPhaseFuzzySet, (float64(u.phase-umSmooth) + frac(u.pos, u.n)) / 5
	case umInit, umEpoch:
		return UMAPPhaseOptimizing, frac(u.epoch, u.cfg.Epochs)
	}
	return UMAPPhaseDone, 1
}

// Step does a bounded amount of work (about cfg.StepWork units; one Step
// may finish several epochs on small data, or part of one on large data)
// and reports whether the run is complete (every epoch done). On a zero
// UMAP it does nothing and reports true.
func (u *UMAP) Step() (done bool) {
	if u.phase == umNone {
		return true
	}
	budget := u.cfg.StepWork
	for budget > 0 && u.phase != umDone {
		budget -= u.stepPhase(budget)
	}
	u.updateProgress()
	return u.phase == umDone
}

// stepPhase advances the current phase within budget and returns the work
// done.
func (u *UMAP) stepPhase(budget int) int {
	switch u.phase {
	case umPCA:
		if u.pca.Step() {
			if u.pca.err != nil {
				u.err = fmt.Errorf("reduce: UMAP: PCA of the input: %w", u.pca.err)
				u.pca, u.phase = nil, umDone
			} else {
				u.startKNN()
			}
		}
		return u.cfg.StepWork
	case umKNN:
		if u.knn.Step() {
			u.afterKNN()
		}
		return u.cfg.StepWork
	case umSmooth:
		return u.smoothStep(budget)
	case umSymCount:
		return u.symCount(budget)
	case umSymScatter:
		return u.symScatter(budget)
	case umSymMerge:
		return u.symMerge(budget)
	case umEdges:
		return u.edgeStep(budget)
	case umInit:
		return u.initLayout()
	case umEpoch:
		return u.epochStep(budget)
	}
	return budget
}

func (u *UMAP) updateProgress() {
	if u.phase == umDone {
		u.prog = 1
		return
	}
	var p float64
	switch {
	case u.phase == umPCA:
		p = 0.02 * u.pca.Progress()
	case u.phase == umKNN:
		p = 0.02 + 0.07*u.knn.Progress()
	case u.phase < umInit:
		p = 0.09 + 0.01*float64(u.phase-umSmooth)/5
	default:
		p = 0.1 + 0.9*float64(u.epoch)/float64(max(u.cfg.Epochs, 1))
	}
	u.prog = max(u.prog, min(p, 0.999))
}

// startKNN starts the neighbour search once the PCA is done, on its
// components when they are more than the layout's.
func (u *UMAP) startKNN() {
	u.red, u.rd = u.x, u.d
	if kc := u.pca.Components(); kc > u.dims {
		u.red, u.rd = u.pca.Positions(), kc
	}
	u.knn = NewKNN(u.red, u.n, u.rd, KNNConfig{
		K: u.kn, Metric: u.cfg.Metric, Method: u.cfg.KNN, Seed: u.cfg.Seed, StepWork: u.cfg.StepWork,
		ExactWork: umapExactWork, Workers: u.cfg.Workers,
	})
	u.phase = umKNN
}

// afterKNN takes the neighbour graph (distances as umap-learn uses them:
// euclidean, not squared; 1 − cos for Cosine) and starts the fuzzy set.
func (u *UMAP) afterKNN() {
	u.kn = u.knn.K()
	u.fz = fuzzySet{nbr: u.knn.Neighbors(), dist: u.knn.Distances()}
	if u.cfg.Metric == Euclidean {
		for i, v := range u.fz.dist {
			u.fz.dist[i] = sqrt32(v)
		}
	}
	u.fz.w = make([]float64, len(u.fz.dist))
	u.red = nil
	u.phase, u.pos = umSmooth, 0
}

// initLayout sets the starting layout from the PCA: the top Dims
// components scaled to a largest magnitude of 10, plus N(0, 1e-4²) noise
// (umap-learn's noisy_scale_coords), and starts the epochs.
func (u *UMAP) initLayout() int {
	n, dims := u.n, u.dims
	pos, kc := u.pca.Positions(), u.pca.Components()
	amax := 0.0
	for i := 0; i < n; i++ {
		for c := 0; c < dims && c < kc; c++ {
			amax = max(amax, math.Abs(float64(pos[i*kc+c])))
		}
	}
	s := 0.0
	if amax > 0 {
		s = 10 / amax
	}
	for i := 0; i < n; i++ {
		for c := 0; c < dims; c++ {
			v := 0.0
			if c < kc {
				v = float64(pos[i*kc+c]) * s
			}
			u.y[i*dims+c] = float32(v + 1e-4*u.initRng.NormFloat64())
		}
	}
	u.pca, u.knn = nil, nil
	u.phase, u.pos = umEpoch, 0
	if u.cfg.Epochs <= 0 || len(u.edges.rec) == 0 {
		u.phase = umDone
	}
	return n * dims * 8
}

// splitmix64 returns a well-mixed non-zero 64-bit state from a seed.
func splitmix64(s uint64) uint64 {
	s += 0x9e3779b97f4a7c15
	s = (s ^ (s >> 30)) * 0xbf58476d1ce4e5b9
	s = (s ^ (s >> 27)) * 0x94d049bb133111eb
	s ^= s >> 31
	if s == 0 {
		s = 1
	}
	return s
}
