package reduce

import (
	"math"
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
	// Oversample is the number of extra subspace columns carried beyond k;
	// more columns converge in fewer passes over the data but each pass costs
	// more. Default max(k, 8), limited so that k+Oversample ≤ D.
	Oversample int
	// MaxIterations bounds the number of power passes over the data. Default 40.
	MaxIterations int
	// Tolerance is the relative residual ‖Cv−λv‖/λ₁ at which every one of
	// the k Ritz pairs counts as converged. Default 1e-6.
	Tolerance float64
	// StepWork is the number of multiply-adds one Step may do (approximately;
	// a Step always finishes at least one row). Default 1<<21, about 2 ms in
	// js/wasm.
	StepWork int
}

// PCA is an incremental, centred principal component analysis of all rows by
// block subspace iteration with Rayleigh-Ritz acceleration (float64
// accumulation over the float32 rows), with no sampling and no random
// projection of the input. Create it with NewPCA and call Step until it
// reports done.
type PCA struct {
	x          []float32
	n, d, k, l int
	cfg        PCAConfig
	rng        *rand.Rand

	phase int // pcaMean, pcaSphere, pcaPower, pcaFinal, pcaDone
	row   int // next row of the current pass
	iter  int // power passes completed
	work  float64
	prog  float64

	mean, mean2 []float64 // d
	invNorm     []float32 // n, spherize only
	q, z        []float64 // d×l: current basis and C·basis being accumulated
	y           []float32 // n×l: projections of the rows on q in the latest pass
	xc, yb      []float64 // d and l scratch
	totalSS     float64   // Σ‖row−mean‖² (spherized rows when Spherize)

	vals     []float64 // l Ritz values of the last pass
	u        []float64 // l×l Ritz vectors of the last pass
	comps    []float64 // d×k components, set when done
	pos      []float32 // n×k
	variance []float64 // k explained variance ratios, set when done
	eigen    []float64 // k variances (eigenvalues of the covariance), set when done
}

const (
	pcaMean = iota
	pcaSphere
	pcaPower
	pcaFinal
	pcaDone
)

// NewPCA prepares a centred PCA of n points of d dims onto k = cfg.Components
// components. vectors is n×d float32 row-major and is retained and read (never
// written) by later Steps, so the caller must not modify it meanwhile.
// NewPCA does O(d·(k+Oversample)) work. It panics if len(vectors) < n*d or n
// or d is negative.
func NewPCA(vectors []float32, n, d int, cfg PCAConfig) *PCA {
	if n < 0 || d < 0 || len(vectors) < n*d {
		panic("reduce: NewPCA: vectors shorter than n×d or negative size")
	}
	if cfg.Components <= 0 {
		cfg.Components = 2
	}
	k := min(cfg.Components, d)
	if cfg.Oversample <= 0 {
		cfg.Oversample = max(k, 8)
	}
	l := min(k+cfg.Oversample, d)
	if cfg.MaxIterations <= 0 {
		cfg.MaxIterations = 40
	}
	if cfg.Tolerance <= 0 {
		cfg.Tolerance = 1e-6
	}
	if cfg.StepWork <= 0 {
		cfg.StepWork = 1 << 21
	}
	p := &PCA{
		x: vectors[:n*d], n: n, d: d, k: k, l: l, cfg: cfg,
		rng:  rand.New(rand.NewPCG(cfg.Seed, 0x9ca0_5eed)),
		mean: make([]float64, d),
		q:    make([]float64, d*l),
		z:    make([]float64, d*l),
		y:    make([]float32, n*l),
		xc:   make([]float64, d),
		yb:   make([]float64, l),
		pos:  make([]float32, n*cfg.Components),
	}
	for i := range p.q {
		p.q[i] = p.rng.NormFloat64()
	}
	orthonormalize(p.q, d, l, p.rng)
	if cfg.Spherize {
		p.mean2 = make([]float64, d)
		p.invNorm = make([]float32, n)
	}
	if n == 0 || d == 0 {
		p.finish()
	}
	return p
}

// Components returns the number of coordinates per point in Positions.
func (p *PCA) Components() int { return p.cfg.Components }

// Iterations returns the number of power passes over the data done so far.
func (p *PCA) Iterations() int { return p.iter }

// Step does a bounded amount of work (about cfg.StepWork multiply-adds) and
// reports whether the PCA is complete. Calling Step after completion does
// nothing and returns true.
func (p *PCA) Step() (done bool) {
	budget := p.cfg.StepWork
	for budget > 0 && p.phase != pcaDone {
		switch p.phase {
		case pcaMean:
			budget -= p.meanRows(budget)
		case pcaSphere:
			budget -= p.sphereRows(budget)
		case pcaPower:
			budget -= p.powerRows(budget)
		case pcaFinal:
			budget -= p.finalRows(budget)
		}
	}
	p.updateProgress()
	return p.phase == pcaDone
}

// Progress returns an estimate of the share of the work done, in [0, 1],
// non-decreasing from call to call, and exactly 1 once Step has returned true.
func (p *PCA) Progress() float64 { return p.prog }

// Positions returns the n×k row-major coordinates of the points on the
// principal components (k = Components). Before completion they are the
// projections on the current estimate of the subspace (rough, possibly
// zero); once Step has returned true they are final. The slice is owned by
// the PCA and updated in place by Step.
func (p *PCA) Positions() []float32 { return p.pos }

// Variance returns the explained variance ratio of each of the k components
// (eigenvalue over total variance, in [0, 1], descending), or nil before
// completion.
func (p *PCA) Variance() []float64 { return p.variance }

// Eigenvalues returns the variance along each of the k components (the
// eigenvalues of the sample covariance, divisor n−1, in squared input
// units), or nil before completion.
func (p *PCA) Eigenvalues() []float64 { return p.eigen }

// Vectors returns the k principal axes as a d×k row-major matrix with
// orthonormal columns (sign fixed so each column's largest-magnitude entry is
// positive), or nil before completion.
func (p *PCA) Vectors() []float64 { return p.comps }

// Mean returns the d-dimensional mean of the input rows (valid once the first
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
		}
	}
	p.row += r
	if p.row == p.n {
		for j := range p.mean {
			p.mean[j] /= float64(p.n)
		}
		p.row = 0
		p.work += 1
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
		p.work += 1
		p.phase = pcaPower
	}
	return r * 2 * p.d
}

// centred writes row i, transformed exactly as the PCA sees it, into p.xc.
func (p *PCA) centred(i int) []float64 {
	d := p.d
	row := p.x[i*d : i*d+d]
	xc := p.xc[:len(row)]
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

// powerRows accumulates z += xcᵀ(xc·q) over a block of rows.
func (p *PCA) powerRows(budget int) int {
	l, k := p.l, p.k
	cost := 2*p.d*l + 2*p.d
	r := p.rowsFor(budget, cost)
	y := p.yb[:l]
	for i := p.row; i < p.row+r; i++ {
		xc := p.centred(i)
		clear(y)
		for a, xa := range xc {
			if xa == 0 {
				continue
			}
			qa := p.q[a*l : a*l+l]
			qa = qa[:len(y)]
			for j := range y {
				y[j] += xa * qa[j]
			}
		}
		for a, xa := range xc {
			if xa == 0 {
				continue
			}
			za := p.z[a*l : a*l+l]
			za = za[:len(y)]
			for j := range y {
				za[j] += xa * y[j]
			}
		}
		if p.iter == 0 {
			for _, v := range xc {
				p.totalSS += v * v
			}
		}
		yi := p.y[i*l : i*l+l]
		for j := range y {
			yi[j] = float32(y[j])
		}
		pi := p.pos[i*p.cfg.Components : i*p.cfg.Components+k]
		for j := range pi {
			pi[j] = float32(y[j])
		}
	}
	p.row += r
	if p.row == p.n {
		p.row = 0
		p.iter++
		p.work += 1
		p.rayleighRitz()
	}
	return r * cost
}

// rayleighRitz runs after a full pass: it computes the Ritz pairs of q,
// decides convergence, and either moves to the final phase or starts the next
// pass with q = orth(z·U).
func (p *PCA) rayleighRitz() {
	d, l, k := p.d, p.l, p.k
	b := make([]float64, l*l)
	for i := 0; i < l; i++ {
		for j := i; j < l; j++ {
			s := 0.0
			for a := 0; a < d; a++ {
				s += p.q[a*l+i] * p.z[a*l+j]
			}
			b[i*l+j] = s
		}
	}
	for i := 0; i < l; i++ {
		for j := 0; j < i; j++ {
			v := 0.5 * (b[j*l+i] + b[i*l+j])
			b[i*l+j], b[j*l+i] = v, v
		}
	}
	p.vals, p.u = symEigen(b, l)
	// Residual of each of the first k Ritz pairs: ‖z·u − λ q·u‖.
	worst := 0.0
	for c := 0; c < k; c++ {
		s := 0.0
		for a := 0; a < d; a++ {
			zu, qu := 0.0, 0.0
			for j := 0; j < l; j++ {
				zu += p.z[a*l+j] * p.u[j*l+c]
				qu += p.q[a*l+j] * p.u[j*l+c]
			}
			r := zu - p.vals[c]*qu
			s += r * r
		}
		worst = max(worst, math.Sqrt(s))
	}
	top := p.vals[0]
	if top <= 0 || worst <= p.cfg.Tolerance*top || p.iter >= p.cfg.MaxIterations {
		p.phase = pcaFinal
		return
	}
	// Next basis: orth(z·U), columns ordered by Ritz value.
	next := make([]float64, d*l)
	for a := 0; a < d; a++ {
		za := p.z[a*l : a*l+l]
		na := next[a*l : a*l+l]
		for j, zv := range za {
			if zv == 0 {
				continue
			}
			uj := p.u[j*l : j*l+l]
			for c := range na {
				na[c] += zv * uj[c]
			}
		}
	}
	orthonormalize(next, d, l, p.rng)
	p.q = next
	clear(p.z)
}

// finalRows turns the stored projections y (on q) into projections on the
// Ritz vectors q·U, block by block; the first call also fixes the
// components, their signs and the variances.
func (p *PCA) finalRows(budget int) int {
	l, k, kc := p.l, p.k, p.cfg.Components
	if p.comps == nil {
		p.fixComponents()
	}
	cost := l*k + 1
	r := p.rowsFor(budget, cost)
	for i := p.row; i < p.row+r; i++ {
		yi := p.y[i*l : i*l+l]
		pi := p.pos[i*kc : i*kc+kc]
		for c := 0; c < k; c++ {
			s := 0.0
			for j, yv := range yi {
				s += float64(yv) * p.u[j*l+c]
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

// fixComponents computes the d×k components q·U[:, :k], flips signs so each
// column's largest-magnitude entry is positive (flipping U to match), and the
// variances.
func (p *PCA) fixComponents() {
	d, l, k := p.d, p.l, p.k
	p.comps = make([]float64, d*k)
	for c := 0; c < k; c++ {
		big, sign := 0.0, 1.0
		for a := 0; a < d; a++ {
			s := 0.0
			for j := 0; j < l; j++ {
				s += p.q[a*l+j] * p.u[j*l+c]
			}
			p.comps[a*k+c] = s
			if math.Abs(s) > big {
				big, sign = math.Abs(s), math.Copysign(1, s)
			}
		}
		if sign < 0 {
			for a := 0; a < d; a++ {
				p.comps[a*k+c] = -p.comps[a*k+c]
			}
			for j := 0; j < l; j++ {
				p.u[j*l+c] = -p.u[j*l+c]
			}
		}
	}
	p.eigen = make([]float64, p.cfg.Components)
	p.variance = make([]float64, p.cfg.Components)
	for c := 0; c < k; c++ {
		lam := max(p.vals[c], 0)
		if p.n > 1 {
			p.eigen[c] = lam / float64(p.n-1)
		}
		if p.totalSS > 0 {
			p.variance[c] = min(lam/p.totalSS, 1)
		}
	}
}

func (p *PCA) finish() {
	if p.comps == nil {
		p.comps = make([]float64, p.d*p.k)
		p.eigen = make([]float64, p.cfg.Components)
		p.variance = make([]float64, p.cfg.Components)
	}
	p.phase = pcaDone
	p.prog = 1
	p.y = nil // projections no longer needed
}

func (p *PCA) updateProgress() {
	if p.phase == pcaDone {
		p.prog = 1
		return
	}
	passes := 1.0
	if p.cfg.Spherize {
		passes++
	}
	// Typical number of power passes; the estimate grows if more are needed.
	est := passes + float64(max(p.iter+2, min(8, p.cfg.MaxIterations))) + 0.1
	done := p.work
	if p.n > 0 && p.phase != pcaFinal {
		done += float64(p.row) / float64(p.n)
	}
	if p.phase == pcaFinal {
		done = est - 0.1 + 0.1*float64(p.row)/float64(max(p.n, 1))
	}
	p.prog = max(p.prog, min(done/est, 0.99))
}
