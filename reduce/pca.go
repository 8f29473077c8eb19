package reduce

import (
	"fmt"
	"math/rand/v2"
)

// PCAConfig configures NewPCA. The zero value is usable: 2 components, seed 0,
// no spherizing, default accuracy and step size.
type PCAConfig struct {
	// Components is the number k of principal components (and of coordinates
	// per point in Positions). Default 2. It is clamped to D.
	Components int
	// Seed seeds the random start of the subspace iteration. The result does
	// not depend on it beyond rounding, but bit-for-bit reproducibility does.
	Seed uint64
	// Spherize centres every row, scales it to unit euclidean norm, then
	// centres again before the PCA (TensorBoard's "sphereize data").
	Spherize bool
	// Oversample is the number of columns beyond k in each Krylov block;
	// each pass over the data costs 2·N·D·(k+Oversample) multiply-adds.
	// Default 2.
	Oversample int
	// MaxIterations bounds the number of Krylov passes over the data.
	// Default 40.
	MaxIterations int
	// Tolerance is the relative residual ‖Cv−λv‖/λ₁ at which every one of
	// the k Ritz pairs counts as converged. Default 1e-6.
	Tolerance float64
	// StepWork is the number of multiply-adds one Step may do (approximately;
	// a Step always finishes at least one row). Default 1<<21, about 2 ms in
	// js/wasm.
	StepWork int
	// Workers is how many goroutines share each pass over the rows (the
	// mean, the spherizing, the Krylov passes and the remix of the stored
	// projections); 0 or 1 means the caller's goroutine alone. The result
	// does not depend on it: the rows are cut into at most 8 chunks whatever
	// the number of workers, each chunk sums its rows into its own partial
	// sums, and the partials are added in chunk order, so Positions, Vectors
	// and Variance are bit for bit the same for any Workers (more than 8 do
	// not help). With Workers > 1 one Step does about Workers×StepWork
	// multiply-adds: up to Workers chunks at once, each within StepWork.
	// The Rayleigh-Ritz between passes stays on the caller's goroutine.
	Workers int
}

// PCA is an incremental, centred principal component analysis of all rows,
// with no sampling and no random projection of the input. It runs a
// randomized block Krylov method (block Lanczos with full
// reorthogonalization and thick restarts; Rayleigh-Ritz on the whole Krylov
// basis after every pass) over the float32 rows with float64 accumulation;
// when D is small it instead forms the covariance in one pass (exact).
//
// Three things keep the number and the cost of passes over the data low:
//   - on large inputs the Krylov iteration starts from the leading Ritz
//     vectors of a PCA of an evenly spaced subsample of the rows (a few
//     thousand), which saves the first passes a random start spends on
//     finding the dominant subspace; the result is still the PCA of every
//     row, converged to the same tolerance;
//   - every pass stores the projections of each row on the block it
//     multiplies (n×m float32, m ≤ max(2(k+Oversample), 96)), so the rough
//     positions after a pass and the final positions are combinations of
//     stored numbers, not further passes over the rows;
//   - dense passes work on four rows and four block columns at a time.
//
// Create it with NewPCA and call Step until it reports done. A zero PCA (not
// made by NewPCA) is an empty run: Step reports done at once, Progress is 1,
// the accessors return nil or zero, and Err reports ErrNotConstructed.
type PCA struct {
	x       []float32
	n, d, k int // points, dims, components (≤ d)
	cfg     PCAConfig
	rng     *rand.Rand

	phase int // pcaNone, pcaWarm, pcaMean, pcaSphere, pcaPower, pcaRitz, pcaRemix, pcaDone
	row   int // next row of the current pass
	iter  int // Krylov passes completed
	prog  float64
	passf float64 // passes over the data completed (subsample passes pro rata), for Progress

	chunks []pcaChunk  // fixed shares of the rows of every pass, with their partial sums (pca_chunks.go)
	active []*pcaChunk // scratch: the chunks of a round
	fresh  bool        // a round's rows have a fresh Step's budget (pca_chunks.go)

	pcaWarmStart   // the subsample PCA that starts the iteration (pca_warm.go)
	pcaCentring    // mean, spherizing, and the centring correction of a pass (pca_centre.go)
	pcaSparse      // mostly-zero rows: their non-zeros (pca_sparse.go)
	pcaKrylov      // the Krylov basis, its projected matrix and the block of a pass (pca_krylov.go)
	pcaProjections // every row's stored projections and their remix into positions (pca_remix.go)
	pcaResult      // components, positions and variances (pca_result.go)
}

// Phases of a PCA (PCA.phase). pcaNone is the zero value's.
const (
	pcaNone = iota
	pcaWarm
	pcaMean
	pcaSphere
	pcaPower
	pcaRitz
	pcaRemix
	pcaDone
)

// NewPCA prepares a centred PCA of n points of d dims onto k = cfg.Components
// components. vectors is n×d float32 row-major and is retained and read (never
// written) by later Steps, so the caller must not modify it meanwhile.
// NewPCA does O(d·k) work. It panics if len(vectors) < n*d or n or d is
// negative.
func NewPCA(vectors []float32, n, d int, cfg PCAConfig) *PCA {
	if n < 0 || d < 0 || len(vectors) < n*d {
		panic("reduce: NewPCA: vectors shorter than n×d or negative size")
	}
	if cfg.Components <= 0 {
		cfg.Components = 2
	}
	k := min(cfg.Components, d)
	if cfg.Oversample <= 0 {
		cfg.Oversample = 2
	}
	if cfg.MaxIterations <= 0 {
		cfg.MaxIterations = 40
	}
	if cfg.Tolerance <= 0 {
		cfg.Tolerance = 1e-6
	}
	if cfg.StepWork <= 0 {
		cfg.StepWork = 1 << 21
	}
	b := min(k+cfg.Oversample, d)
	// The Rayleigh-Ritz eigenproblem on the m×m projected matrix is the one
	// indivisible piece of work (about 12 ms in js/wasm at m = 96).
	mMax := min(d, max(2*b, 96))
	if d <= 4*b || d <= 64 {
		b, mMax = d, d // one pass with a full basis: the exact covariance
	}
	p := &PCA{
		x: vectors[:n*d], n: n, d: d, k: k, cfg: cfg,
		rng:         rand.New(rand.NewPCG(cfg.Seed, 0x9ca0_5eed)),
		phase:       pcaMean,
		pcaCentring: pcaCentring{mean: make([]float64, d)},
		pcaKrylov:   pcaKrylov{b: b, mMax: mMax, t: make([]float64, mMax*mMax)},
		pcaResult:   pcaResult{pos: make([]float32, n*cfg.Components)},
	}
	p.makeChunks()
	first := make([][]float64, b)
	for j := range first {
		first[j] = make([]float64, d)
		for i := range first[j] {
			first[j][i] = p.rng.NormFloat64()
		}
	}
	orthAgainst(first, nil, p.rng)
	p.setBlock(first)
	if cfg.Spherize {
		p.mean2 = make([]float64, d)
		p.invNorm = make([]float32, n)
	}
	if n == 0 || d == 0 || k == 0 {
		p.comps = make([]float64, d*k)
		p.finish()
		return p
	}
	if ns := warmRowsFor(n); ns > 0 && b < d {
		p.warmX = make([]float32, 0, ns*d)
		p.phase = pcaWarm
	}
	return p
}

// Components returns the number of coordinates per point in Positions.
func (p *PCA) Components() int { return p.cfg.Components }

// Iterations returns the number of Krylov passes over the data done so far
// (not counting the passes over the subsample that starts them).
func (p *PCA) Iterations() int { return p.iter }

// Step does a bounded amount of work (about cfg.StepWork multiply-adds,
// Workers×StepWork with several workers; the
// Rayleigh-Ritz between two passes, O(D·m² + m³) for a basis of m ≤
// max(2(k+Oversample), 96) vectors, about 12 ms in js/wasm at m = 96, is
// done whole, on a Step of its own) and reports whether the PCA is
// complete. Calling Step after completion does nothing and returns true.
//
// On a zero PCA Step does nothing and reports true.
func (p *PCA) Step() (done bool) {
	if p.phase == pcaNone {
		return true
	}
	budget := p.cfg.StepWork
	for budget > 0 && p.phase != pcaDone {
		switch p.phase {
		case pcaWarm:
			budget -= p.warmStep(budget)
		case pcaMean:
			budget -= p.meanRows(budget)
		case pcaSphere:
			budget -= p.sphereRows(budget)
		case pcaRitz:
			if budget < p.cfg.StepWork {
				return p.stepEnd() // start the indivisible part on a fresh Step
			}
			p.rayleighRitz()
			return p.stepEnd() // and ends it: its cost is poorly known
		case pcaPower:
			if p.ys == nil && !p.noPositions {
				p.ys = make([]float32, p.n*p.mMax)
			}
			if p.row == 0 && p.muQ == nil {
				p.startPass()
			}
			budget -= p.powerRows(budget)
		case pcaRemix:
			budget -= p.remixRows(budget)
		}
	}
	return p.stepEnd()
}

func (p *PCA) stepEnd() bool {
	p.updateProgress()
	return p.phase == pcaDone
}

// Progress returns an estimate of the share of the work done, in [0, 1],
// non-decreasing from call to call, and exactly 1 once Step has returned true
// (at once on a zero PCA).
func (p *PCA) Progress() float64 {
	if p.phase == pcaNone {
		return 1
	}
	return p.prog
}

// Stage implements Stepper: "pca" and Progress while the PCA runs, "done"
// and 1 once complete (and on a zero PCA).
func (p *PCA) Stage() (name string, frac float64) {
	if p.phase == pcaDone || p.phase == pcaNone {
		return StageDone, 1
	}
	return "pca", p.prog
}

// Err reports why the PCA has no result: nil while it runs and once it has
// completed normally; an error wrapping ErrNoConvergence when the
// eigensolver failed (Step then reports done, Vectors, Variance and
// Eigenvalues stay nil and Positions holds the last rough estimate); an
// error wrapping ErrNotConstructed on a zero PCA.
func (p *PCA) Err() error {
	if p.phase == pcaNone {
		return notConstructed("PCA")
	}
	if p.err != nil {
		return fmt.Errorf("reduce: PCA: %w", p.err)
	}
	return nil
}

func (p *PCA) updateProgress() {
	if p.phase == pcaDone {
		p.prog = 1
		return
	}
	pre := 1.0
	if p.cfg.Spherize {
		pre++
	}
	if cap(p.warmX) > 0 || p.warmRows > 0 {
		pre += 1 // the subsample's passes, about one pass over the data
	}
	// Typical number of Krylov passes; the estimate grows if more are needed.
	est := pre + float64(max(p.iter+2, min(6, p.cfg.MaxIterations)))
	done := p.passf
	if p.n > 0 {
		frac := float64(p.row) / float64(p.n)
		switch p.phase {
		case pcaRemix:
			if p.final {
				done = est - 0.1 + 0.1*frac
			}
		case pcaMean, pcaSphere, pcaPower:
			done += frac
		}
	}
	p.prog = max(p.prog, min(done/est, 0.99))
}
