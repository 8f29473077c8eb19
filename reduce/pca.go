package reduce

import (
	"math"
	"math/rand/v2"
	"runtime"
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
// when D is small it instead forms the covariance in one pass (exact). Create
// it with NewPCA and call Step until it reports done.
type PCA struct {
	x          []float32
	n, d, k, b int // points, dims, components (≤ d), Krylov block size
	mMax       int // largest Krylov basis before a restart
	cfg        PCAConfig
	rng        *rand.Rand

	phase int // pcaMean, pcaSphere, pcaPower, pcaRitz, pcaProject, pcaDone
	row   int // next row of the current pass
	iter  int // Krylov passes completed
	prog  float64
	passf float64 // passes over the data completed, for Progress

	mean, mean2 []float64 // d
	invNorm     []float32 // n, spherize only
	totalSS     float64   // Σ‖row−mean‖² (of the spherized rows when Spherize)
	zeros       int       // zero entries seen by the mean pass
	sparse      bool      // rows are mostly zeros: passes skip them (uncentred algebra)
	muQ, sumY   []float64 // sparse passes: mean·block (b) and Σ of the row projections (b)
	muV         []float64 // sparse passes: mean·vprev or mean·comps (k)
	nzIdx       []int32   // sparse scratch: indices and values of a row's non-zeros
	nzVal       []float64

	basis  [][]float64 // orthonormal Krylov basis, d each
	cbasis [][]float64 // C·basis (C = AᵀA, A the centred rows), d each
	t      []float64   // mMax×mMax: t[i*mMax+j] = basis[i]·cbasis[j]
	q, z   []float64   // d×b row-major: the block of this pass and C·block being summed
	vprev  []float64   // d×k row-major Ritz vectors of the last Rayleigh-Ritz, for rough positions
	xc, yb []float64   // d and b scratch

	comps    []float64 // d×k components, set at convergence
	pos      []float32 // n×Components
	variance []float64 // Components explained variance ratios, set when done
	eigen    []float64 // Components variances, set when done
}

const (
	pcaMean = iota
	pcaSphere
	pcaPower
	pcaRitz
	pcaProject
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
		x: vectors[:n*d], n: n, d: d, k: k, b: b, mMax: mMax, cfg: cfg,
		rng:  rand.New(rand.NewPCG(cfg.Seed, 0x9ca0_5eed)),
		mean: make([]float64, d),
		t:    make([]float64, mMax*mMax),
		xc:   make([]float64, d),
		yb:   make([]float64, b),
		pos:  make([]float32, n*cfg.Components),
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
	}
	return p
}

// setBlock appends the orthonormal vectors blk to the basis and makes them
// the block of the next pass.
func (p *PCA) setBlock(blk [][]float64) {
	d, b := p.d, len(blk)
	p.basis = append(p.basis, blk...)
	if p.q == nil {
		p.q = make([]float64, d*b)
		p.z = make([]float64, d*b)
	}
	for j, c := range blk {
		for a, v := range c {
			p.q[a*b+j] = v
		}
	}
	clear(p.z)
}

// Components returns the number of coordinates per point in Positions.
func (p *PCA) Components() int { return p.cfg.Components }

// Iterations returns the number of Krylov passes over the data done so far.
func (p *PCA) Iterations() int { return p.iter }

// Step does a bounded amount of work (about cfg.StepWork multiply-adds; the
// Rayleigh-Ritz between two passes, O(D·m² + m³) for a basis of m ≤
// max(2(k+Oversample), 96) vectors, about 12 ms in js/wasm at m = 96, is
// done whole, on a Step of its own) and reports whether the PCA is complete. Calling Step after completion does nothing and returns
// true.
func (p *PCA) Step() (done bool) {
	budget := p.cfg.StepWork
	for budget > 0 && p.phase != pcaDone {
		switch p.phase {
		case pcaMean:
			budget -= p.meanRows(budget)
		case pcaSphere:
			budget -= p.sphereRows(budget)
		case pcaRitz:
			if budget < p.cfg.StepWork {
				return p.stepEnd() // start the indivisible part on a fresh Step
			}
			budget -= p.ritzStep()
		case pcaPower:
			if p.sparse {
				budget -= p.powerRowsSparse(budget)
			} else {
				budget -= p.powerRows(budget)
			}
		case pcaProject:
			if p.sparse {
				budget -= p.projectRowsSparse(budget)
			} else {
				budget -= p.projectRows(budget)
			}
		}
	}
	return p.stepEnd()
}

func (p *PCA) stepEnd() bool {
	p.updateProgress()
	return p.phase == pcaDone
}

// ritzStep runs the Rayleigh-Ritz between two passes.
func (p *PCA) ritzStep() int {
	p.phase = pcaPower
	w := p.rayleighRitz()
	if !p.sparse {
		return w
	}
	if p.phase == pcaPower {
		p.startSparsePass()
	} else {
		p.muV = make([]float64, p.k)
		for a := 0; a < p.d; a++ {
			axpy(p.mean[a], p.comps[a*p.k:a*p.k+p.k], p.muV)
		}
	}
	return w
}

// Progress returns an estimate of the share of the work done, in [0, 1],
// non-decreasing from call to call, and exactly 1 once Step has returned true.
func (p *PCA) Progress() float64 { return p.prog }

// Positions returns the n×Components row-major coordinates of the points on
// the principal components. Before completion they are projections on the
// current estimate of the components (rough; random projections during the
// first pass, zero before it); once Step has returned true they are final.
// Coordinates beyond D are zero. The slice is owned by the PCA and updated
// in place by Step.
func (p *PCA) Positions() []float32 { return p.pos }

// Variance returns the explained variance ratio of each component
// (eigenvalue over total variance, in [0, 1], descending), or nil before
// completion.
func (p *PCA) Variance() []float64 {
	if p.phase != pcaDone {
		return nil
	}
	return p.variance
}

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
// completion.
func (p *PCA) Eigenvalues() []float64 {
	if p.phase != pcaDone {
		return nil
	}
	return p.eigen
}

// Vectors returns the k = min(Components, D) principal axes as a D×k
// row-major matrix with orthonormal columns (sign fixed so that each
// column's largest-magnitude entry is positive), or nil before completion.
func (p *PCA) Vectors() []float64 {
	if p.phase != pcaDone {
		return nil
	}
	return p.comps
}

// Mean returns the D-dimensional mean of the input rows (valid once the first
// pass is over; the centre of the spherized rows is not included).
func (p *PCA) Mean() []float64 { return p.mean }

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
			if v == 0 {
				p.zeros++
			}
		}
	}
	p.row += r
	if p.row == p.n {
		for j := range p.mean {
			p.mean[j] /= float64(p.n)
		}
		// Mostly-zero rows (MNIST: 81% zeros): skipping zeros beats the dense
		// four-row kernel; at half zeros (Fashion-MNIST) it does not.
		p.sparse = !p.cfg.Spherize && float64(p.zeros) > 0.7*float64(p.n)*float64(p.d)
		if p.sparse {
			p.startSparsePass()
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
	xc := p.xc
	for i := p.row; i < p.row+r; i++ {
		row := p.x[i*d : i*d+d]
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

// centred writes row i, transformed exactly as the PCA sees it, into p.xc.
func (p *PCA) centred(i int) []float64 { return p.centredTo(i, p.xc[:p.d]) }

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

// powerRows accumulates z += xcᵀ(xc·q) over a block of rows, four rows at a
// time so that every load of q and z serves four multiply-adds, and writes
// rough positions xc·vprev.
func (p *PCA) powerRows(budget int) int {
	b, d := p.b, p.d
	cost := 2*d*b + 2*d
	if p.vprev != nil {
		cost += d * p.k
	}
	r := p.rowsFor(budget, cost)
	if len(p.yb) < 4*b {
		p.yb = make([]float64, 4*b)
		p.xc = make([]float64, 4*d)
	}
	i := p.row
	for ; i+4 <= p.row+r; i += 4 {
		x0, x1, x2, x3 := p.centredTo(i, p.xc[0:d]), p.centredTo(i+1, p.xc[d:2*d]), p.centredTo(i+2, p.xc[2*d:3*d]), p.centredTo(i+3, p.xc[3*d:4*d])
		y0, y1, y2, y3 := p.yb[0:b], p.yb[b:2*b], p.yb[2*b:3*b], p.yb[3*b:4*b]
		clear(p.yb[:4*b])
		x1, x2, x3 = x1[:len(x0)], x2[:len(x0)], x3[:len(x0)]
		y1, y2, y3 = y1[:len(y0)], y2[:len(y0)], y3[:len(y0)]
		if pcaBlock4x4 && b%4 == 0 {
			p.block4x4(x0, x1, x2, x3, y0, y1, y2, y3)
		} else {
			for a, xa0 := range x0 {
				xa1, xa2, xa3 := x1[a], x2[a], x3[a]
				qa := p.q[a*b : a*b+b]
				qa = qa[:len(y0)]
				for j, q := range qa {
					y0[j] += xa0 * q
					y1[j] += xa1 * q
					y2[j] += xa2 * q
					y3[j] += xa3 * q
				}
			}
			for a, xa0 := range x0 {
				xa1, xa2, xa3 := x1[a], x2[a], x3[a]
				za := p.z[a*b : a*b+b]
				za = za[:len(y0)]
				for j := range za {
					za[j] += xa0*y0[j] + xa1*y1[j] + xa2*y2[j] + xa3*y3[j]
				}
			}
		}
		if p.vprev == nil || p.k > 16 {
			for t := 0; t < 4; t++ {
				p.rowDone(i+t, p.xc[t*d:(t+1)*d], p.yb[t*b:(t+1)*b])
			}
			continue
		}
		// Rough positions x·vprev of the four rows together, so that every
		// load of vprev serves four multiply-adds (as rowDone, unblocked).
		k, kc := p.k, p.cfg.Components
		var buf [4][16]float64
		c0, c1, c2, c3 := buf[0][:k], buf[1][:k], buf[2][:k], buf[3][:k]
		c1, c2, c3 = c1[:len(c0)], c2[:len(c0)], c3[:len(c0)]
		for a, xa0 := range x0 {
			xa1, xa2, xa3 := x1[a], x2[a], x3[a]
			va := p.vprev[a*k : a*k+k]
			va = va[:len(c0)]
			for j, v := range va {
				c0[j] += xa0 * v
				c1[j] += xa1 * v
				c2[j] += xa2 * v
				c3[j] += xa3 * v
			}
		}
		for t := 0; t < 4; t++ {
			if p.iter == 0 {
				xt := p.xc[t*d : (t+1)*d]
				p.totalSS += dot(xt, xt)
			}
			pi := p.pos[(i+t)*kc : (i+t)*kc+k]
			for j := range pi {
				pi[j] = float32(buf[t][j])
			}
		}
	}
	for ; i < p.row+r; i++ {
		xc := p.centredTo(i, p.xc[:d])
		y := p.yb[:b]
		clear(y)
		for a, xa := range xc {
			qa := p.q[a*b : a*b+b]
			qa = qa[:len(y)]
			for j := range y {
				y[j] += xa * qa[j]
			}
		}
		for a, xa := range xc {
			za := p.z[a*b : a*b+b]
			za = za[:len(y)]
			for j := range y {
				za[j] += xa * y[j]
			}
		}
		p.rowDone(i, xc, y)
	}
	p.row += r
	if p.row == p.n {
		p.row = 0
		p.iter++
		p.passf++
		p.phase = pcaRitz
	}
	return r * cost
}

// pcaBlock4x4 selects block4x4 for dense passes: 0.9× the time of the plain
// loops in js/wasm, 1.35× natively (amd64: the 16 sums spill).
const pcaBlock4x4 = runtime.GOARCH == "wasm"

// block4x4 is the body of a dense pass for four centred rows x0..x3 when the
// block width b is a multiple of 4: y_t = x_t·q, then z += Σ_t x_tᵀ·y_t, in
// 4-column register blocks so that each load serves four multiply-adds and
// the sums stay out of memory (same summation order as the plain loops).
func (p *PCA) block4x4(x0, x1, x2, x3, y0, y1, y2, y3 []float64) {
	b := p.b
	x1, x2, x3 = x1[:len(x0)], x2[:len(x0)], x3[:len(x0)]
	for jb := 0; jb+4 <= b; jb += 4 {
		var s00, s01, s02, s03, s10, s11, s12, s13 float64
		var s20, s21, s22, s23, s30, s31, s32, s33 float64
		for a, xa0 := range x0 {
			qa := p.q[a*b+jb : a*b+jb+4 : a*b+jb+4]
			q0, q1, q2, q3 := qa[0], qa[1], qa[2], qa[3]
			xa1, xa2, xa3 := x1[a], x2[a], x3[a]
			s00 += xa0 * q0
			s01 += xa0 * q1
			s02 += xa0 * q2
			s03 += xa0 * q3
			s10 += xa1 * q0
			s11 += xa1 * q1
			s12 += xa1 * q2
			s13 += xa1 * q3
			s20 += xa2 * q0
			s21 += xa2 * q1
			s22 += xa2 * q2
			s23 += xa2 * q3
			s30 += xa3 * q0
			s31 += xa3 * q1
			s32 += xa3 * q2
			s33 += xa3 * q3
		}
		y0[jb], y0[jb+1], y0[jb+2], y0[jb+3] = s00, s01, s02, s03
		y1[jb], y1[jb+1], y1[jb+2], y1[jb+3] = s10, s11, s12, s13
		y2[jb], y2[jb+1], y2[jb+2], y2[jb+3] = s20, s21, s22, s23
		y3[jb], y3[jb+1], y3[jb+2], y3[jb+3] = s30, s31, s32, s33
	}
	for jb := 0; jb+4 <= b; jb += 4 {
		y00, y01, y02, y03 := y0[jb], y0[jb+1], y0[jb+2], y0[jb+3]
		y10, y11, y12, y13 := y1[jb], y1[jb+1], y1[jb+2], y1[jb+3]
		y20, y21, y22, y23 := y2[jb], y2[jb+1], y2[jb+2], y2[jb+3]
		y30, y31, y32, y33 := y3[jb], y3[jb+1], y3[jb+2], y3[jb+3]
		for a, xa0 := range x0 {
			xa1, xa2, xa3 := x1[a], x2[a], x3[a]
			za := p.z[a*b+jb : a*b+jb+4 : a*b+jb+4]
			za[0] += xa0*y00 + xa1*y10 + xa2*y20 + xa3*y30
			za[1] += xa0*y01 + xa1*y11 + xa2*y21 + xa3*y31
			za[2] += xa0*y02 + xa1*y12 + xa2*y22 + xa3*y32
			za[3] += xa0*y03 + xa1*y13 + xa2*y23 + xa3*y33
		}
	}
}

// rowDone finishes row i of a Krylov pass: total variance on the first pass
// and rough positions (the block projections y on the first pass, xc·vprev
// after).
func (p *PCA) rowDone(i int, xc, y []float64) {
	k, kc := p.k, p.cfg.Components
	if p.iter == 0 {
		p.totalSS += dot(xc, xc)
	}
	pi := p.pos[i*kc : i*kc+k]
	if p.vprev == nil {
		for j := range pi {
			pi[j] = float32(y[j])
		}
		return
	}
	var buf [16]float64
	acc := buf[:0]
	if k <= len(buf) {
		acc = buf[:k]
	} else {
		acc = make([]float64, k)
	}
	for a, xa := range xc {
		va := p.vprev[a*k : a*k+k]
		va = va[:len(acc)]
		for j := range acc {
			acc[j] += xa * va[j]
		}
	}
	for j := range pi {
		pi[j] = float32(acc[j])
	}
}

// rayleighRitz runs after a full pass: it stores C·block, extends t, solves
// the projected eigenproblem on the whole basis, decides convergence, and
// either moves to the projection phase or sets up the next block (residuals
// of the leading Ritz pairs, which span C·basis ⊥ basis), restarting the
// basis from the leading Ritz vectors when it is full. It returns an estimate
// of its cost in multiply-adds.
func (p *PCA) rayleighRitz() int {
	d, b, k, mm := p.d, p.b, p.k, p.mMax
	m0 := len(p.cbasis)
	for j := 0; j < b; j++ {
		c := make([]float64, d)
		for a := range c {
			c[a] = p.z[a*b+j]
		}
		p.cbasis = append(p.cbasis, c)
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
	if m+b > mm {
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
	cost := d*m*b + m*m*m + 2*d*m*nr
	top := vals[0]
	if top <= 0 || worst <= p.cfg.Tolerance*top || p.iter >= p.cfg.MaxIterations || m >= d {
		p.finishComponents(ritz[:k], vals)
		return cost
	}
	p.vprev = make([]float64, d*k)
	for c := 0; c < k; c++ {
		for a := 0; a < d; a++ {
			p.vprev[a*k+c] = ritz[c][a]
		}
	}
	if m+b > mm {
		// Thick restart: keep the b leading Ritz pairs, whose C-products and
		// projected matrix (diagonal) are known without another pass.
		p.basis, p.cbasis = ritz[:b], cr[:b]
		clear(p.t)
		for c := 0; c < b; c++ {
			p.t[c*mm+c] = vals[c]
		}
	}
	next := res[:b]
	orthAgainst(next, p.basis, p.rng)
	p.setBlock(next)
	return cost
}

// finishComponents fixes the components (signs, variances) and moves to the
// projection pass.
func (p *PCA) finishComponents(ritz [][]float64, vals []float64) {
	d, k := p.d, p.k
	p.comps = make([]float64, d*k)
	p.eigen = make([]float64, p.cfg.Components)
	p.variance = make([]float64, p.cfg.Components)
	for c, v := range ritz {
		big, sign := 0.0, 1.0
		for _, x := range v {
			if math.Abs(x) > big {
				big, sign = math.Abs(x), math.Copysign(1, x)
			}
		}
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
	p.basis, p.cbasis, p.q, p.z, p.t = nil, nil, nil, nil, nil
	p.phase = pcaProject
	p.row = 0
}

// projectRows writes the final positions xc·comps for a block of rows.
func (p *PCA) projectRows(budget int) int {
	k, kc := p.k, p.cfg.Components
	cost := p.d*k + p.d
	r := p.rowsFor(budget, cost)
	for i := p.row; i < p.row+r; i++ {
		xc := p.centred(i)
		pi := p.pos[i*kc : i*kc+kc]
		for c := 0; c < k; c++ {
			s := 0.0
			for a, xa := range xc {
				s += xa * p.comps[a*k+c]
			}
			pi[c] = float32(s)
		}
		for c := k; c < kc; c++ {
			pi[c] = 0
		}
	}
	p.row += r
	if p.row == p.n {
		p.finish()
	}
	return r * cost
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
	// Typical number of Krylov passes; the estimate grows if more are needed.
	est := pre + float64(max(p.iter+2, min(8, p.cfg.MaxIterations))) + 0.5
	done := p.passf
	if p.n > 0 {
		frac := float64(p.row) / float64(p.n)
		if p.phase == pcaProject {
			done = est - 0.5 + 0.5*frac
		} else {
			done += frac
		}
	}
	p.prog = max(p.prog, min(done/est, 0.99))
}

// startSparsePass prepares a sparse pass: mean·block, mean·vprev, Σy = 0.
func (p *PCA) startSparsePass() {
	d, b, k := p.d, p.b, p.k
	p.muQ = make([]float64, b)
	p.sumY = make([]float64, b)
	for a := 0; a < d; a++ {
		axpy(p.mean[a], p.q[a*b:a*b+b], p.muQ)
	}
	p.muV = nil
	if p.vprev != nil {
		p.muV = make([]float64, k)
		for a := 0; a < d; a++ {
			axpy(p.mean[a], p.vprev[a*k:a*k+k], p.muV)
		}
	}
}

// gather collects the non-zero entries of row i.
func (p *PCA) gather(i int) ([]int32, []float64) {
	d := p.d
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
	b, d, k, kc := p.b, p.d, p.k, p.cfg.Components
	y := p.yb[:b]
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
		// The inner loops are short (b columns): unrolled by four, as
		// loop overhead is most of their cost in js/wasm.
		nb4 := len(y) &^ 3
		for t, a := range idx {
			v := val[t]
			qa := p.q[int(a)*b : int(a)*b+b]
			qa = qa[:len(y)]
			j := 0
			for ; j < nb4; j += 4 {
				yy, qq := y[j:j+4:j+4], qa[j:j+4:j+4]
				yy[0] += v * qq[0]
				yy[1] += v * qq[1]
				yy[2] += v * qq[2]
				yy[3] += v * qq[3]
			}
			for ; j < len(y); j++ {
				y[j] += v * qa[j]
			}
		}
		for t, a := range idx {
			v := val[t]
			za := p.z[int(a)*b : int(a)*b+b]
			za = za[:len(y)]
			j := 0
			for ; j < nb4; j += 4 {
				zz, yy := za[j:j+4:j+4], y[j:j+4:j+4]
				zz[0] += v * yy[0]
				zz[1] += v * yy[1]
				zz[2] += v * yy[2]
				zz[3] += v * yy[3]
			}
			for ; j < len(y); j++ {
				za[j] += v * y[j]
			}
		}
		axpy(1, y, p.sumY)
		if p.iter == 0 {
			xx, xm := 0.0, 0.0
			for t, a := range idx {
				xx += val[t] * val[t]
				xm += val[t] * p.mean[a]
			}
			p.totalSS += xx - 2*xm + mu2
		}
		pi := p.pos[i*kc : i*kc+k]
		if p.vprev == nil {
			for j := range pi {
				pi[j] = float32(y[j])
			}
		} else {
			// Row-wise over vprev (contiguous), as for y above.
			acc := p.xc[:k]
			for c := range acc {
				acc[c] = -p.muV[c]
			}
			for t, a := range idx {
				v := val[t]
				va := p.vprev[int(a)*k : int(a)*k+k]
				va = va[:len(acc)]
				for c := range acc {
					acc[c] += v * va[c]
				}
			}
			for c := range pi {
				pi[c] = float32(acc[c])
			}
		}
		work += 2*len(idx)*b + len(idx)*k + d
		p.row++
	}
	if p.row < p.n {
		return work
	}
	// Σᵢ(xᵢ−μ)ᵀyᵢ = Σᵢxᵢᵀyᵢ − μ(Σᵢyᵢ)ᵀ.
	for a := 0; a < d; a++ {
		axpy(-p.mean[a], p.sumY, p.z[a*b:a*b+b])
	}
	p.row = 0
	p.iter++
	p.passf++
	p.phase = pcaRitz
	return work + d*b
}

// projectRowsSparse is projectRows for mostly-zero rows: x·V − μ·V.
func (p *PCA) projectRowsSparse(budget int) int {
	k, kc := p.k, p.cfg.Components
	work := 0
	for work < budget && p.row < p.n {
		i := p.row
		idx, val := p.gather(i)
		pi := p.pos[i*kc : i*kc+kc]
		for c := 0; c < k; c++ {
			s := -p.muV[c]
			for t, a := range idx {
				s += val[t] * p.comps[int(a)*k+c]
			}
			pi[c] = float32(s)
		}
		for c := k; c < kc; c++ {
			pi[c] = 0
		}
		work += len(idx)*k + p.d
		p.row++
	}
	if p.row == p.n {
		p.finish()
	}
	return work
}
