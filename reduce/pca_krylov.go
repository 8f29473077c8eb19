package reduce

import (
	"cmp"
	"fmt"
	"slices"
)

// pcaKrylov is the block Krylov state of a PCA: the orthonormal basis, its
// image under the covariance, the projected matrix, and the block that the
// current pass multiplies.
type pcaKrylov struct {
	b      int         // Krylov block size
	bw     int         // width of the current block (≤ b: converged pairs add no vector)
	mMax   int         // largest Krylov basis before a restart
	basis  [][]float64 // orthonormal Krylov basis, d each
	cbasis [][]float64 // C·basis (C = AᵀA, A the centred rows), d each
	t      []float64   // mMax×mMax: t[i*mMax+j] = basis[i]·cbasis[j]
	// q is the block of this pass and z the C·block being summed, both d×b:
	// column-major (q[j*d+a]) for dense passes, row-major (q[a*b+j]) for
	// sparse ones, whose loops run over the b columns of one dimension.
	q, z []float64
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

// rayleighRitz runs after a full pass: it stores C·block, extends t, solves
// the projected eigenproblem on the whole basis, decides convergence, and
// either moves to the final remix or sets up the next block (residuals of
// the leading Ritz pairs, which span C·basis ⊥ basis), restarting the basis
// from the leading Ritz vectors when it is full; a remix of the stored
// projections then updates the positions. When the eigensolver fails the
// PCA ends with that error (see fail).
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
	vals, u, err := symEigen(tm, m)
	if err != nil {
		p.fail(fmt.Errorf("Rayleigh-Ritz on the %d×%d projected matrix after pass %d: %w", m, m, p.iter, err))
		return
	}
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

// roughTolerance is the residual (relative to λ₁) below which the positions
// are not recomputed between passes: they would not visibly move.
const roughTolerance = 1e-4
