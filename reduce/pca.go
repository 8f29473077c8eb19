package reduce

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
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
	x          []float32
	n, d, k, b int // points, dims, components (≤ d), Krylov block size
	bw         int // width of the current block (≤ b: converged pairs add no vector)
	mMax       int // largest Krylov basis before a restart
	cfg        PCAConfig
	rng        *rand.Rand

	phase int // pcaWarm, pcaMean, pcaSphere, pcaPower, pcaRitz, pcaRemix, pcaDone
	row   int // next row of the current pass
	iter  int // Krylov passes completed
	prog  float64
	passf float64 // passes over the data completed (subsample passes pro rata), for Progress

	warm     *PCA      // PCA of a row subsample whose Ritz vectors start the iteration
	warmX    []float32 // the subsample's rows, copied during pcaWarm
	warmRows int       // rows of warmX copied so far
	warmed   bool      // the iteration started from the subsample's Ritz vectors

	mean, mean2 []float64 // d
	invNorm     []float32 // n, spherize only
	totalSS     float64   // Σ‖row−mean‖² (of the spherized rows when Spherize)
	zeros       int       // zero entries seen by the mean pass
	sparse      bool      // rows are mostly zeros: passes skip them (uncentred algebra)
	// A pass multiplies the raw rows x_i and corrects for the centring (and
	// spherizing, x̃_i = s_i(x_i−μ) − μ₂) afterwards: x̃_i·Q = s_i·x_i·Q −
	// (s_i·μQ + μ₂Q) and Σ x̃_iᵀy_i = Σ x_iᵀ(s_i·y_i) − μ(Σ s_i·y_i)ᵀ −
	// μ₂(Σ y_i)ᵀ, so that rows are read as float32 and never copied.
	muQ, mu2Q  []float64 // μ·Q and μ₂·Q (bw each)
	sumW, sumY []float64 // Σ s_i·y_i and Σ y_i over the pass (bw each)
	nzIdx      []int32   // sparse scratch: indices and values of a row's non-zeros
	nzVal      []float64
	// The non-zeros of the rows, gathered by the first sparse pass for the
	// later ones (row i: csrIdx/csrVal[csrOff[i]:csrOff[i+1]]) when they
	// take at most maxCSRBytes; csrRows rows are in.
	csrIdx  []int32
	csrVal  []float64
	csrOff  []int
	csrRows int

	basis  [][]float64 // orthonormal Krylov basis, d each
	cbasis [][]float64 // C·basis (C = AᵀA, A the centred rows), d each
	t      []float64   // mMax×mMax: t[i*mMax+j] = basis[i]·cbasis[j]
	// q is the block of this pass and z the C·block being summed, both d×b:
	// column-major (q[j*d+a]) for dense passes, row-major (q[a*b+j]) for
	// sparse ones, whose loops run over the b columns of one dimension.
	q, z   []float64
	xc, yb []float64 // scratch: a centred row (d) and the projections of a group of rows (pcaGroup·b)

	// ys holds, for every row i, its projections on the basis vectors:
	// ys[i*mMax+j] = A_i·basis[j] (float32, n×mMax, allocated by the first
	// Krylov pass).
	ys []float32
	// The remix phase sets each row's positions to ys_i·mixK (m×k) and,
	// when mixB (m×b) is set, its first b projections to ys_i·mixB (after a
	// thick restart the basis is basis·mixB). Both are column-major.
	mixK, mixB []float64
	mixM       int
	final      bool // the remix writes the final positions
	// noPositions: only the components are wanted (the subsample's PCA):
	// no ys, no positions. noRough: only the final positions are wanted.
	noPositions, noRough bool

	comps    []float64 // d×k components, set at convergence
	pos      []float32 // n×Components
	variance []float64 // Components explained variance ratios, set when done
	eigen    []float64 // Components variances, set when done
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

// warmRowsFor returns the number of rows of the subsample whose PCA starts the
// Krylov iteration on n rows, or 0 when n is too small for it to pay off.
func warmRowsFor(n int) int {
	ns := min(max(n/50, 2000), 5000)
	if n < 4*ns {
		return 0
	}
	return ns
}

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
		x: vectors[:n*d], n: n, d: d, k: k, b: b, mMax: mMax, cfg: cfg,
		rng:   rand.New(rand.NewPCG(cfg.Seed, 0x9ca0_5eed)),
		mean:  make([]float64, d),
		t:     make([]float64, mMax*mMax),
		pos:   make([]float32, n*cfg.Components),
		xc:    make([]float64, d),
		yb:    make([]float64, pcaGroup*b),
		phase: pcaMean,
	}
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

// setBlock appends the orthonormal vectors blk to the basis and makes them
// the block of the next pass.
func (p *PCA) setBlock(blk [][]float64) {
	p.basis = append(p.basis, blk...)
	p.bw = len(blk)
	if p.q == nil {
		p.q = make([]float64, p.d*p.b)
		p.z = make([]float64, p.d*p.b)
	}
	p.loadBlock()
}

// loadBlock copies the last b basis vectors into q, in the layout of the
// pass (column-major dense, row-major sparse), and clears z.
func (p *PCA) loadBlock() {
	d, b := p.d, p.b
	blk := p.basis[len(p.basis)-p.bw:]
	for j, c := range blk {
		if p.sparse {
			for a, v := range c {
				p.q[a*b+j] = v
			}
		} else {
			copy(p.q[j*d:j*d+d], c)
		}
	}
	clear(p.z)
}

// zCol returns column j of z (C·block) as a new d-vector.
func (p *PCA) zCol(j int) []float64 {
	d, b := p.d, p.b
	c := make([]float64, d)
	if p.sparse {
		for a := range c {
			c[a] = p.z[a*b+j]
		}
	} else {
		copy(c, p.z[j*d:j*d+d])
	}
	return c
}

// Components returns the number of coordinates per point in Positions.
func (p *PCA) Components() int { return p.cfg.Components }

// Iterations returns the number of Krylov passes over the data done so far
// (not counting the passes over the subsample that starts them).
func (p *PCA) Iterations() int { return p.iter }

// Step does a bounded amount of work (about cfg.StepWork multiply-adds; the
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
			if p.sparse {
				budget -= p.powerRowsSparse(budget)
			} else {
				budget -= p.powerRows(budget)
			}
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

// warmStep copies the evenly spaced subsample, then steps its PCA (with
// Components = b: the whole block) within budget; when that is done its
// Ritz vectors become the first block.
func (p *PCA) warmStep(budget int) int {
	d := p.d
	ns := cap(p.warmX) / d
	if p.warmRows < ns {
		r := max(1, min(budget/d, ns-p.warmRows))
		for s := p.warmRows; s < p.warmRows+r; s++ {
			i := int(int64(s) * int64(p.n) / int64(ns))
			p.warmX = append(p.warmX, p.x[i*d:i*d+d]...)
		}
		p.warmRows += r
		if p.warmRows == ns {
			p.warm = NewPCA(p.warmX, ns, d, PCAConfig{
				Components: p.b, Seed: p.cfg.Seed, Spherize: p.cfg.Spherize,
				Oversample: p.cfg.Oversample, Tolerance: warmTolerance, StepWork: p.cfg.StepWork,
			})
			p.warm.noPositions = true
		}
		return r * d
	}
	before := p.warm.passf
	done := p.warm.Step()
	p.passf += (p.warm.passf - before) * float64(ns) / float64(p.n)
	if done {
		v := p.warm.Vectors() // d×b row-major
		first := make([][]float64, p.b)
		for j := range first {
			first[j] = make([]float64, d)
			for a := range first[j] {
				first[j][a] = v[a*p.b+j]
			}
		}
		orthAgainst(first, nil, p.rng)
		p.basis = nil
		p.setBlock(first)
		p.warm, p.warmX = nil, nil
		p.warmed = true
		p.phase = pcaMean
	}
	return budget // one Step of the subsample's PCA uses this Step's budget
}

// finalOnly makes the PCA skip the subsample start and the rough positions
// between passes (for callers that run a fixed number of passes and read only
// the final positions). It must be called before the first Step.
func (p *PCA) finalOnly() {
	if p.phase == pcaWarm {
		p.phase, p.warmX = pcaMean, nil
	}
	p.noRough = true
}

// warmTolerance is the residual tolerance of the subsample's PCA: its
// Ritz vectors only need to be closer to the data's than a random start.
const warmTolerance = 1e-3

// Progress returns an estimate of the share of the work done, in [0, 1],
// non-decreasing from call to call, and exactly 1 once Step has returned true
// (at once on a zero PCA).
func (p *PCA) Progress() float64 {
	if p.phase == pcaNone {
		return 1
	}
	return p.prog
}

// Err returns nil, or for a zero PCA (not made by NewPCA) an error wrapping
// ErrNotConstructed.
func (p *PCA) Err() error {
	if p.phase == pcaNone {
		return notConstructed("PCA")
	}
	return nil
}

// Positions returns the n×Components row-major coordinates of the points on
// the principal components. Before completion they are projections on the
// current estimate of the components (rough: during the first Krylov pass,
// projections on the first block — the subsample's components on large
// inputs, random directions on small ones; zero before it; updated after
// each pass until they would no longer visibly move); once Step has
// returned true they are final.
// Coordinates beyond D are zero. The slice is owned by the PCA and updated
// in place by Step: it aliases the PCA's state, so a write to it shows in
// later calls (and, when the PCA starts a t-SNE or UMAP, in their input).
// PositionsTo returns a copy.
func (p *PCA) Positions() []float32 { return p.pos }

// PositionsTo copies Positions into dst, allocating when dst is nil or
// shorter than n×Components, and returns it (length n×Components).
func (p *PCA) PositionsTo(dst []float32) []float32 { return copyTo(dst, p.pos) }

// Variance returns the explained variance ratio of each component
// (eigenvalue over total variance, in [0, 1], descending), or nil before
// completion. The slice is the PCA's own (a write to it shows in later
// calls); VarianceTo returns a copy.
func (p *PCA) Variance() []float64 {
	if p.phase != pcaDone {
		return nil
	}
	return p.variance
}

// VarianceTo copies Variance into dst, allocating when dst is nil or
// shorter than Components, and returns it; before completion it returns
// dst[:0].
func (p *PCA) VarianceTo(dst []float64) []float64 { return copyTo(dst, p.Variance()) }

// TotalVariance returns the total variance of the (centred, possibly
// spherized) rows: the sum of the per-dimension variances, divisor n−1, in
// squared input units; Variance()[c] = Eigenvalues()[c] / TotalVariance().
// It is valid once Step has returned true.
func (p *PCA) TotalVariance() float64 {
	if p.phase != pcaDone || p.n < 2 {
		return 0
	}
	return p.totalSS / float64(p.n-1)
}

// Eigenvalues returns the variance along each component (the eigenvalues of
// the sample covariance, divisor n−1, in squared input units), or nil before
// completion. The slice is the PCA's own (a write to it shows in later
// calls); EigenvaluesTo returns a copy.
func (p *PCA) Eigenvalues() []float64 {
	if p.phase != pcaDone {
		return nil
	}
	return p.eigen
}

// EigenvaluesTo copies Eigenvalues into dst, allocating when dst is nil or
// shorter than Components, and returns it; before completion it returns
// dst[:0].
func (p *PCA) EigenvaluesTo(dst []float64) []float64 { return copyTo(dst, p.Eigenvalues()) }

// Vectors returns the k = min(Components, D) principal axes as a D×k
// row-major matrix with orthonormal columns (sign fixed so that each
// column's largest-magnitude entry is positive), or nil before completion.
// The slice is the PCA's own (a write to it shows in later calls);
// VectorsTo returns a copy.
func (p *PCA) Vectors() []float64 {
	if p.phase != pcaDone {
		return nil
	}
	return p.comps
}

// VectorsTo copies Vectors (D×k row-major) into dst, allocating when dst is
// nil or shorter than D·k, and returns it; before completion it returns
// dst[:0].
func (p *PCA) VectorsTo(dst []float64) []float64 { return copyTo(dst, p.Vectors()) }

// Mean returns the D-dimensional mean of the input rows (valid once the first
// pass is over; the centre of the spherized rows is not included). The
// slice is the PCA's working mean: a write to it before completion changes
// the result. MeanTo returns a copy.
func (p *PCA) Mean() []float64 { return p.mean }

// MeanTo copies Mean into dst, allocating when dst is nil or shorter than D,
// and returns it (length D, or 0 on a zero PCA).
func (p *PCA) MeanTo(dst []float64) []float64 { return copyTo(dst, p.mean) }

// rowsFor returns how many rows starting at p.row fit in budget at cost per
// row, at least one.
func (p *PCA) rowsFor(budget, cost int) int {
	r := budget / max(cost, 1)
	return max(1, min(r, p.n-p.row))
}

func (p *PCA) meanRows(budget int) int {
	r := p.rowsFor(budget, p.d)
	d := p.d
	for i := p.row; i < p.row+r; i++ {
		row := p.x[i*d : i*d+d]
		m := p.mean[:len(row)]
		for j, v := range row {
			m[j] += float64(v)
		}
		if i%8 == 0 { // every eighth row is enough to tell sparse data
			for _, v := range row {
				if v == 0 {
					p.zeros++
				}
			}
		}
	}
	p.row += r
	if p.row == p.n {
		for j := range p.mean {
			p.mean[j] /= float64(p.n)
		}
		p.zeros = int(float64(p.zeros) * float64(p.n) / float64((p.n+7)/8))
		// Mostly-zero rows (MNIST: 81% zeros): skipping zeros beats the dense
		// four-row kernel; at half zeros (Fashion-MNIST) it does not.
		p.sparse = !p.cfg.Spherize && float64(p.zeros) > 0.7*float64(p.n)*float64(p.d)
		if p.sparse {
			p.loadBlock() // row-major
		}
		p.row = 0
		p.passf++
		if p.cfg.Spherize {
			p.phase = pcaSphere
		} else {
			p.phase = pcaPower
		}
	}
	return r * p.d
}

func (p *PCA) sphereRows(budget int) int {
	r := p.rowsFor(budget, 2*p.d)
	d := p.d
	xc := p.xc[:d]
	for i := p.row; i < p.row+r; i++ {
		row := p.x[i*d : i*d+d]
		xc := xc[:len(row)]
		s := 0.0
		for j, v := range row {
			c := float64(v) - p.mean[j]
			xc[j] = c
			s += c * c
		}
		inv := 0.0
		if s > 0 {
			inv = 1 / math.Sqrt(s)
		}
		p.invNorm[i] = float32(inv)
		inv = float64(float32(inv))
		for j := range xc {
			p.mean2[j] += xc[j] * inv
		}
	}
	p.row += r
	if p.row == p.n {
		for j := range p.mean2 {
			p.mean2[j] /= float64(p.n)
		}
		p.row = 0
		p.passf++
		p.phase = pcaPower
	}
	return r * 2 * p.d
}

// centredTo writes row i, transformed exactly as the PCA sees it, into xc
// (length d) and returns it.
func (p *PCA) centredTo(i int, xc []float64) []float64 {
	d := p.d
	row := p.x[i*d : i*d+d]
	xc = xc[:len(row)]
	m := p.mean[:len(row)]
	for j, v := range row {
		xc[j] = float64(v) - m[j]
	}
	if p.cfg.Spherize {
		s := float64(p.invNorm[i])
		m2 := p.mean2[:len(row)]
		for j := range xc {
			xc[j] = xc[j]*s - m2[j]
		}
	}
	return xc
}

// startPass prepares a Krylov pass: μ·Q (and μ₂·Q) for the centring
// correction, Σ y_i = 0 (and Σ s_i·y_i = 0).
func (p *PCA) startPass() {
	d, b, bw := p.d, p.b, p.bw
	p.muQ = make([]float64, bw)
	p.sumY = make([]float64, bw)
	p.mu2Q, p.sumW = nil, nil
	if p.mean2 != nil {
		p.mu2Q = make([]float64, bw)
		p.sumW = make([]float64, bw)
	}
	for j := 0; j < bw; j++ {
		for a := 0; a < d; a++ {
			qa := p.q[j*d+a]
			if p.sparse {
				qa = p.q[a*b+j]
			}
			p.muQ[j] += p.mean[a] * qa
			if p.mu2Q != nil {
				p.mu2Q[j] += p.mean2[a] * qa
			}
		}
	}
}

// endPass applies the centring correction to z (C·block), counts the pass
// and moves to the Rayleigh-Ritz.
func (p *PCA) endPass() {
	d, b := p.d, p.b
	for j := 0; j < p.bw; j++ {
		w, y := p.sumY[j], p.sumY[j] // Σ s_i·y_i = Σ y_i when s_i = 1
		if p.invNorm != nil {
			w = p.sumW[j]
		}
		for a := 0; a < d; a++ {
			c := p.mean[a] * w
			if p.mu2Q != nil {
				c += p.mean2[a] * y
			}
			if p.sparse {
				p.z[a*b+j] -= c
			} else {
				p.z[j*d+a] -= c
			}
		}
	}
	p.muQ, p.mu2Q, p.sumW, p.sumY = nil, nil, nil, nil
	p.row = 0
	p.iter++
	p.passf++
	p.phase = pcaRitz
}

// centreY turns the raw projections u = x_i·Q of row i into the projections
// y of the transformed row (in place), stores them, and returns the weight
// s_i by which y multiplies x_i in z (1 unless spherizing).
func (p *PCA) centreY(i int, u []float64) float64 {
	muQ, sumY := p.muQ, p.sumY
	u = u[:len(muQ)]
	sumY = sumY[:len(u)]
	s := 1.0
	if p.invNorm == nil {
		for j, v := range u {
			y := v - muQ[j]
			u[j] = y
			sumY[j] += y
		}
	} else {
		s = float64(p.invNorm[i])
		mu2Q, sumW := p.mu2Q[:len(u)], p.sumW[:len(u)]
		for j, v := range u {
			y := s*v - (s*muQ[j] + mu2Q[j])
			u[j] = y
			sumY[j] += y
			sumW[j] += s * y
		}
	}
	if p.iter == 0 {
		if p.invNorm != nil {
			xc := p.centredTo(i, p.xc[:p.d])
			p.totalSS += dot(xc, xc)
		} else {
			x := p.x[i*p.d : i*p.d+p.d]
			m := p.mean[:len(x)]
			ss := 0.0
			for a, v := range x {
				c := float64(v) - m[a]
				ss += c * c
			}
			p.totalSS += ss
		}
	}
	p.storeY(i, u)
	return s
}

// powerRows accumulates z += x̃ᵀ(x̃·q) over a block of rows, twelve at a
// time (projections three rows at a time, accumulation four rows at a
// time, so that every load of q and z serves several multiply-adds), and
// stores the projections x̃·q in ys.
func (p *PCA) powerRows(budget int) int {
	const g = pcaGroup
	bw, d := p.bw, p.d
	cost := 2*d*bw + 4*bw
	if p.iter == 0 {
		cost += 2 * d
	}
	// Whole groups only (the single-row loop below is several times
	// slower): when the budget does not cover a group, a fresh Step does
	// one group anyway and a Step already under way ends here.
	r := p.rowsFor(budget, cost)
	if r < g && p.n-p.row >= g {
		if budget < p.cfg.StepWork {
			return budget
		}
		r = g
	}
	if r > g {
		r -= r % g
	}
	u := p.yb[:g*bw]
	i := p.row
	for ; i+g <= p.row+r; i += g {
		xs := p.x[i*d : (i+g)*d]
		for t := 0; t < g; t += 3 {
			x0, x1, x2 := xs[t*d:t*d+d], xs[(t+1)*d:(t+1)*d+d], xs[(t+2)*d:(t+2)*d+d]
			project3(p.q, d, bw, x0, x1, x2, u[t*bw:t*bw+bw], u[(t+1)*bw:(t+1)*bw+bw], u[(t+2)*bw:(t+2)*bw+bw])
		}
		for t := 0; t < g; t++ {
			if s := p.centreY(i+t, u[t*bw:t*bw+bw]); s != 1 {
				scale(s, u[t*bw:t*bw+bw])
			}
		}
		for t := 0; t < g; t += 4 {
			x0, x1, x2, x3 := xs[t*d:t*d+d], xs[(t+1)*d:(t+1)*d+d], xs[(t+2)*d:(t+2)*d+d], xs[(t+3)*d:(t+3)*d+d]
			accumulate4(p.z, d, bw, x0, x1, x2, x3, u[t*bw:t*bw+bw], u[(t+1)*bw:(t+1)*bw+bw], u[(t+2)*bw:(t+2)*bw+bw], u[(t+3)*bw:(t+3)*bw+bw])
		}
	}
	u0 := u[:bw]
	for ; i < p.row+r; i++ {
		x := p.x[i*d : i*d+d]
		for j := range u0 {
			s := 0.0
			for a, v := range p.q[j*d : j*d+d] {
				s += float64(x[a]) * v
			}
			u0[j] = s
		}
		s := p.centreY(i, u0)
		for j, y := range u0 {
			zj := p.z[j*d : j*d+d]
			w := s * y
			for a, v := range x {
				zj[a] += float64(v) * w
			}
		}
	}
	p.row += r
	if p.row == p.n {
		p.endPass()
	}
	return r * cost
}

// pcaGroup is the number of rows a dense pass handles together: a multiple
// of three (project3) and of four (accumulate4).
const pcaGroup = 12

// project3 sets y_t = x_t·q for three raw float32 rows and the first bw
// columns of the column-major d×b block q, in blocks of four columns so that
// each load serves three or four multiply-adds and the twelve sums stay in
// registers (four rows by four columns spill in js/wasm: 0.8× the speed).
// It is a function, not a method, and leaves leftover columns to
// projectCols: both cost 1.4× in js/wasm otherwise.
func project3(q []float64, d, bw int, x0, x1, x2 []float32, y0, y1, y2 []float64) {
	x1, x2 = x1[:len(x0)], x2[:len(x0)]
	for jb := 0; jb+4 <= bw; jb += 4 {
		q0, q1, q2, q3 := q[jb*d:jb*d+d], q[(jb+1)*d:(jb+1)*d+d], q[(jb+2)*d:(jb+2)*d+d], q[(jb+3)*d:(jb+3)*d+d]
		q0, q1, q2, q3 = q0[:len(x0)], q1[:len(x0)], q2[:len(x0)], q3[:len(x0)]
		var s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23 float64
		for a, xf := range x0 {
			xa0, xa1, xa2 := float64(xf), float64(x1[a]), float64(x2[a])
			qa0, qa1, qa2, qa3 := q0[a], q1[a], q2[a], q3[a]
			s00 += xa0 * qa0
			s01 += xa0 * qa1
			s02 += xa0 * qa2
			s03 += xa0 * qa3
			s10 += xa1 * qa0
			s11 += xa1 * qa1
			s12 += xa1 * qa2
			s13 += xa1 * qa3
			s20 += xa2 * qa0
			s21 += xa2 * qa1
			s22 += xa2 * qa2
			s23 += xa2 * qa3
		}
		y0[jb], y0[jb+1], y0[jb+2], y0[jb+3] = s00, s01, s02, s03
		y1[jb], y1[jb+1], y1[jb+2], y1[jb+3] = s10, s11, s12, s13
		y2[jb], y2[jb+1], y2[jb+2], y2[jb+3] = s20, s21, s22, s23
	}
	if bw%4 != 0 {
		projectCols(q, d, bw&^3, bw, x0, x1, x2, y0, y1, y2)
	}
}

// projectCols is project3 for the columns from j0 to bw, one at a time.
func projectCols(q []float64, d, j0, bw int, x0, x1, x2 []float32, y0, y1, y2 []float64) {
	x1, x2 = x1[:len(x0)], x2[:len(x0)]
	for jb := j0; jb < bw; jb++ {
		qj := q[jb*d : jb*d+d]
		qj = qj[:len(x0)]
		var s0, s1, s2 float64
		for a, qa := range qj {
			s0 += float64(x0[a]) * qa
			s1 += float64(x1[a]) * qa
			s2 += float64(x2[a]) * qa
		}
		y0[jb], y1[jb], y2[jb] = s0, s1, s2
	}
}

// accumulate4 adds Σ_t x_tᵀ·w_t to the first bw columns of the
// column-major d×b z, for four raw float32 rows, in blocks of four columns;
// leftover columns go to accumulateCols.
func accumulate4(z []float64, d, bw int, x0, x1, x2, x3 []float32, w0, w1, w2, w3 []float64) {
	x1, x2, x3 = x1[:len(x0)], x2[:len(x0)], x3[:len(x0)]
	for jb := 0; jb+4 <= bw; jb += 4 {
		z0, z1, z2, z3 := z[jb*d:jb*d+d], z[(jb+1)*d:(jb+1)*d+d], z[(jb+2)*d:(jb+2)*d+d], z[(jb+3)*d:(jb+3)*d+d]
		z0, z1, z2, z3 = z0[:len(x0)], z1[:len(x0)], z2[:len(x0)], z3[:len(x0)]
		y00, y01, y02, y03 := w0[jb], w0[jb+1], w0[jb+2], w0[jb+3]
		y10, y11, y12, y13 := w1[jb], w1[jb+1], w1[jb+2], w1[jb+3]
		y20, y21, y22, y23 := w2[jb], w2[jb+1], w2[jb+2], w2[jb+3]
		y30, y31, y32, y33 := w3[jb], w3[jb+1], w3[jb+2], w3[jb+3]
		for a, xf := range x0 {
			xa0, xa1, xa2, xa3 := float64(xf), float64(x1[a]), float64(x2[a]), float64(x3[a])
			z0[a] += xa0*y00 + xa1*y10 + xa2*y20 + xa3*y30
			z1[a] += xa0*y01 + xa1*y11 + xa2*y21 + xa3*y31
			z2[a] += xa0*y02 + xa1*y12 + xa2*y22 + xa3*y32
			z3[a] += xa0*y03 + xa1*y13 + xa2*y23 + xa3*y33
		}
	}
	if bw%4 != 0 {
		accumulateCols(z, d, bw&^3, bw, x0, x1, x2, x3, w0, w1, w2, w3)
	}
}

// accumulateCols is accumulate4 for the columns from j0 to bw, one at a time.
func accumulateCols(z []float64, d, j0, bw int, x0, x1, x2, x3 []float32, w0, w1, w2, w3 []float64) {
	x1, x2, x3 = x1[:len(x0)], x2[:len(x0)], x3[:len(x0)]
	for jb := j0; jb < bw; jb++ {
		zj := z[jb*d : jb*d+d]
		zj = zj[:len(x0)]
		c0, c1, c2, c3 := w0[jb], w1[jb], w2[jb], w3[jb]
		for a := range zj {
			zj[a] += float64(x0[a])*c0 + float64(x1[a])*c1 + float64(x2[a])*c2 + float64(x3[a])*c3
		}
	}
}

// storeY stores the block projections y of row i in ys and, on the first
// pass, uses them as rough positions.
func (p *PCA) storeY(i int, y []float64) {
	if p.noPositions {
		return
	}
	o := i*p.mMax + len(p.basis) - p.bw
	yi := p.ys[o : o+len(y)]
	yi = yi[:len(y)]
	for j, v := range y {
		yi[j] = float32(v)
	}
	if p.iter == 0 {
		k, kc := p.k, p.cfg.Components
		pi := p.pos[i*kc : i*kc+k]
		for j := range pi {
			pi[j] = float32(y[j])
		}
	}
}

// rayleighRitz runs after a full pass: it stores C·block, extends t, solves
// the projected eigenproblem on the whole basis, decides convergence, and
// either moves to the final remix or sets up the next block (residuals of
// the leading Ritz pairs, which span C·basis ⊥ basis), restarting the basis
// from the leading Ritz vectors when it is full; a remix of the stored
// projections then updates the positions.
func (p *PCA) rayleighRitz() {
	d, b, k, mm := p.d, p.b, p.k, p.mMax
	m0 := len(p.cbasis)
	for j := 0; j < p.bw; j++ {
		p.cbasis = append(p.cbasis, p.zCol(j))
	}
	m := len(p.basis)
	for j := m0; j < m; j++ {
		for i := 0; i < m; i++ {
			v := dot(p.basis[i], p.cbasis[j])
			if i >= m0 && i < j {
				v = 0.5 * (v + p.t[j*mm+i])
			}
			p.t[i*mm+j], p.t[j*mm+i] = v, v
		}
	}
	tm := make([]float64, m*m)
	for i := 0; i < m; i++ {
		copy(tm[i*m:i*m+m], p.t[i*mm:i*mm+m])
	}
	vals, u := symEigen(tm, m)
	// Ritz vectors v = basis·u and C·v = cbasis·u of the leading pairs.
	nv := min(b, m)
	restart := m+b > mm
	if restart {
		nv = b // restart keeps b Ritz vectors
	}
	nr := max(nv, k)
	ritz := make([][]float64, nr)
	cr := make([][]float64, nr)
	for c := 0; c < nr; c++ {
		ritz[c] = make([]float64, d)
		cr[c] = make([]float64, d)
		for i := 0; i < m; i++ {
			axpy(u[i*m+c], p.basis[i], ritz[c])
			axpy(u[i*m+c], p.cbasis[i], cr[c])
		}
	}
	res := make([][]float64, nr)
	worst := 0.0
	for c := 0; c < nr; c++ {
		res[c] = append([]float64(nil), cr[c]...)
		axpy(-vals[c], ritz[c], res[c])
		if c < k {
			worst = max(worst, norm(res[c]))
		}
	}
	p.mixM = m
	p.mixK, p.mixB = nil, nil
	p.row = 0
	top := vals[0]
	if top <= 0 || worst <= p.cfg.Tolerance*top || p.iter >= p.cfg.MaxIterations || m >= d {
		signs := p.finishComponents(ritz[:k], vals)
		if p.noPositions {
			p.release()
			p.finish()
			return
		}
		p.mixK = make([]float64, m*k)
		for j := 0; j < m; j++ {
			for c := 0; c < k; c++ {
				p.mixK[c*m+j] = u[j*m+c] * signs[c]
			}
		}
		p.final = true
		p.phase = pcaRemix
		return
	}
	// Rough positions from the current Ritz vectors, until they would move
	// by less than about a pixel (a residual below 1e-4·λ₁ means angles of
	// about 1e-3 or less to the converged components).
	if !p.noPositions && !p.noRough && worst > roughTolerance*top {
		p.mixK = make([]float64, m*k)
		for j := 0; j < m; j++ {
			for c := 0; c < k; c++ {
				p.mixK[c*m+j] = u[j*m+c]
			}
		}
	}
	if restart {
		// Thick restart: keep the b leading Ritz pairs, whose C-products and
		// projected matrix (diagonal) are known without another pass; the
		// remix turns the stored projections into projections on them.
		p.basis, p.cbasis = ritz[:b], cr[:b]
		clear(p.t)
		for c := 0; c < b; c++ {
			p.t[c*mm+c] = vals[c]
		}
		if !p.noPositions {
			p.mixB = make([]float64, m*b)
			for j := 0; j < m; j++ {
				for c := 0; c < b; c++ {
					p.mixB[c*m+j] = u[j*m+c]
				}
			}
		}
	}
	p.phase = pcaPower
	if p.mixK != nil || p.mixB != nil {
		p.phase = pcaRemix
	}
	// The next block: residuals of the leading b pairs, except those of the
	// top k that have converged already (locking; their residuals would
	// only sharpen what is accurate enough), so late passes are narrower.
	next := make([][]float64, 0, b)
	var locked []int
	for c, r := range res[:b] {
		if c >= k || norm(r) > p.cfg.Tolerance*top {
			next = append(next, r)
		} else {
			locked = append(locked, c)
		}
	}
	if !p.sparse {
		// Dense passes work on four columns at a time; a leftover column
		// costs 2.7× a column in a group (js/wasm), so two or three
		// leftovers are dearer than a full group: fill it with the locked
		// pairs of largest residual.
		slices.SortFunc(locked, func(a, b int) int { return cmp.Compare(norm(res[b]), norm(res[a])) })
		for len(next)%4 >= 2 && len(locked) > 0 {
			next = append(next, res[locked[0]])
			locked = locked[1:]
		}
	}
	orthAgainst(next, p.basis, p.rng)
	p.setBlock(next)
}

// remixRows sets the positions of a block of rows from their stored
// projections (ys_i·mixK) and, after a thick restart, replaces their first b
// projections by ys_i·mixB. When the last row is done it finishes the PCA or
// starts the next pass.
func (p *PCA) remixRows(budget int) int {
	m, k, b, kc, mm := p.mixM, p.k, p.b, p.cfg.Components, p.mMax
	nk, nb := 0, 0
	if p.mixK != nil {
		nk = k
	}
	if p.mixB != nil {
		nb = b
	}
	cost := m*(nk+nb) + kc
	r := p.rowsFor(budget, cost)
	acc, nyb := p.yb[:nk], p.yb[nk:nk+nb]
	for i := p.row; i < p.row+r; i++ {
		yi := p.ys[i*mm : i*mm+m]
		for c := range acc {
			acc[c] = dotF32F64(yi, p.mixK[c*m:c*m+m])
		}
		for c := range nyb {
			nyb[c] = dotF32F64(yi, p.mixB[c*m:c*m+m])
		}
		if nk > 0 {
			pi := p.pos[i*kc : i*kc+kc]
			for c := range pi {
				if c < k {
					pi[c] = float32(acc[c])
				} else {
					pi[c] = 0
				}
			}
		}
		for c, v := range nyb {
			yi[c] = float32(v)
		}
	}
	p.row += r
	if p.row == p.n {
		p.row = 0
		p.mixK, p.mixB = nil, nil
		if p.final {
			p.release()
			p.finish()
		} else {
			p.phase = pcaPower
		}
	}
	return r * cost
}

// release drops the iteration's working memory once the PCA is complete.
func (p *PCA) release() {
	p.basis, p.cbasis, p.q, p.z, p.t, p.ys = nil, nil, nil, nil, nil, nil
	p.csrIdx, p.csrVal, p.csrOff = nil, nil, nil
}

// roughTolerance is the residual (relative to λ₁) below which the positions
// are not recomputed between passes: they would not visibly move.
const roughTolerance = 1e-4

// finishComponents fixes the components (signs, variances) and returns the
// sign applied to each Ritz vector.
func (p *PCA) finishComponents(ritz [][]float64, vals []float64) []float64 {
	d, k := p.d, p.k
	p.comps = make([]float64, d*k)
	p.eigen = make([]float64, p.cfg.Components)
	p.variance = make([]float64, p.cfg.Components)
	signs := make([]float64, k)
	for c, v := range ritz {
		big, sign := 0.0, 1.0
		for _, x := range v {
			if math.Abs(x) > big {
				big, sign = math.Abs(x), math.Copysign(1, x)
			}
		}
		signs[c] = sign
		for a, x := range v {
			p.comps[a*k+c] = sign * x
		}
		lam := max(vals[c], 0)
		if p.n > 1 {
			p.eigen[c] = lam / float64(p.n-1)
		}
		if p.totalSS > 0 {
			p.variance[c] = min(lam/p.totalSS, 1)
		}
	}
	return signs
}

func (p *PCA) finish() {
	if p.eigen == nil {
		p.eigen = make([]float64, p.cfg.Components)
		p.variance = make([]float64, p.cfg.Components)
	}
	p.phase = pcaDone
	p.prog = 1
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

// maxCSRBytes bounds the memory of the kept non-zeros (12 bytes each).
const maxCSRBytes = 256 << 20

// gather returns the non-zero entries of row i (from the kept non-zeros, or
// collected now).
func (p *PCA) gather(i int) ([]int32, []float64) {
	d := p.d
	if i < p.csrRows {
		a, b := p.csrOff[i], p.csrOff[i+1]
		return p.csrIdx[a:b], p.csrVal[a:b]
	}
	if i == 0 && p.csrOff == nil {
		// The zero count is sampled (every eighth row): room for 10% more
		// non-zeros than it suggests, and no more than the rows hold.
		if nnz := min(p.n*d, (p.n*d-p.zeros)*11/10+d); nnz*12 <= maxCSRBytes {
			p.csrOff = make([]int, 1, p.n+1)
			p.csrIdx = make([]int32, 0, nnz)
			p.csrVal = make([]float64, 0, nnz)
		}
	}
	if p.csrOff != nil && i == p.csrRows {
		for a, v := range p.x[i*d : i*d+d] {
			if v != 0 {
				p.csrIdx = append(p.csrIdx, int32(a))
				p.csrVal = append(p.csrVal, float64(v))
			}
		}
		p.csrOff = append(p.csrOff, len(p.csrIdx))
		p.csrRows++
		a := p.csrOff[i]
		return p.csrIdx[a:], p.csrVal[a:]
	}
	idx, val := p.nzIdx[:0], p.nzVal[:0]
	for a, v := range p.x[i*d : i*d+d] {
		if v != 0 {
			idx = append(idx, int32(a))
			val = append(val, float64(v))
		}
	}
	p.nzIdx, p.nzVal = idx, val
	return idx, val
}

// powerRowsSparse is powerRows for mostly-zero rows. With x the raw row and
// μ the mean, (x−μ)·Q = x·Q − μ·Q, and Σᵢ(xᵢ−μ)ᵀyᵢ = Σᵢxᵢᵀyᵢ − μ(Σᵢyᵢ)ᵀ, so
// only the non-zeros of x are visited.
func (p *PCA) powerRowsSparse(budget int) int {
	b, d := p.b, p.d
	y := p.yb[:p.bw]
	work := 0
	mu2 := 0.0
	if p.iter == 0 {
		mu2 = dot(p.mean, p.mean)
	}
	for work < budget && p.row < p.n {
		i := p.row
		idx, val := p.gather(i)
		val = val[:len(idx)]
		for j := range y {
			y[j] = -p.muQ[j]
		}
		sparseProject(p.q, b, idx, val, y)
		sparseAccumulate(p.z, b, idx, val, y)
		axpy(1, y, p.sumY)
		if p.iter == 0 {
			xx, xm := 0.0, 0.0
			for t, a := range idx {
				xx += val[t] * val[t]
				xm += val[t] * p.mean[a]
			}
			p.totalSS += xx - 2*xm + mu2
		}
		p.storeY(i, y)
		work += 2*len(idx)*len(y) + len(y) + d
		p.row++
	}
	if p.row < p.n {
		return work
	}
	p.endPass() // Σᵢ(xᵢ−μ)ᵀyᵢ = Σᵢxᵢᵀyᵢ − μ(Σᵢyᵢ)ᵀ
	return work + d*len(y)
}

// sparseProject adds x·q to y for a row given by its non-zeros (idx, val)
// and the row-major d×b block q (first len(y) columns), four columns at a
// time with the sums in registers. A plain function: see project3.
func sparseProject(q []float64, b int, idx []int32, val []float64, y []float64) {
	val = val[:len(idx)]
	jb := 0
	for ; jb+4 <= len(y); jb += 4 {
		yy := y[jb : jb+4 : jb+4]
		s0, s1, s2, s3 := yy[0], yy[1], yy[2], yy[3]
		for t, a := range idx {
			v := val[t]
			qa := q[int(a)*b+jb : int(a)*b+jb+4 : int(a)*b+jb+4]
			s0 += v * qa[0]
			s1 += v * qa[1]
			s2 += v * qa[2]
			s3 += v * qa[3]
		}
		yy[0], yy[1], yy[2], yy[3] = s0, s1, s2, s3
	}
	for ; jb < len(y); jb++ {
		s := y[jb]
		for t, a := range idx {
			s += val[t] * q[int(a)*b+jb]
		}
		y[jb] = s
	}
}

// sparseAccumulate adds xᵀ·y to the row-major d×b z (first len(y) columns)
// for a row given by its non-zeros (idx, val).
func sparseAccumulate(z []float64, b int, idx []int32, val []float64, y []float64) {
	val = val[:len(idx)]
	jb := 0
	for ; jb+4 <= len(y); jb += 4 {
		yy := y[jb : jb+4 : jb+4]
		y0, y1, y2, y3 := yy[0], yy[1], yy[2], yy[3]
		for t, a := range idx {
			v := val[t]
			za := z[int(a)*b+jb : int(a)*b+jb+4 : int(a)*b+jb+4]
			za[0] += v * y0
			za[1] += v * y1
			za[2] += v * y2
			za[3] += v * y3
		}
	}
	for ; jb < len(y); jb++ {
		w := y[jb]
		for t, a := range idx {
			z[int(a)*b+jb] += val[t] * w
		}
	}
}
