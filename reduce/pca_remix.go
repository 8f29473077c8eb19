package reduce

// pcaProjections is the part of a PCA that keeps every row's projections on
// the basis, so that positions are combinations of stored numbers rather
// than further passes over the rows.
type pcaProjections struct {
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

// remixRows sets the positions of rows from their stored projections
// (ys_i·mixK) and, after a thick restart, replaces their first b
// projections by ys_i·mixB. When the last row is done it finishes the PCA or
// starts the next pass.
func (p *PCA) remixRows(budget int) int {
	work := p.chunkRound(budget, p.remixChunk)
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
	return work
}

// remixChunk does remixRows' work on rows of chunk c within budget.
func (p *PCA) remixChunk(c *pcaChunk, budget int) int {
	m, k, b, kc, mm := p.mixM, p.k, p.b, p.cfg.Components, p.mMax
	nk, nb := 0, 0
	if p.mixK != nil {
		nk = k
	}
	if p.mixB != nil {
		nb = b
	}
	cost := m*(nk+nb) + kc
	r := c.rowsFor(budget, cost)
	acc, nyb := c.u[:nk], c.u[nk:nk+nb]
	for i := c.row; i < c.row+r; i++ {
		yi := p.ys[i*mm : i*mm+m]
		for j := range acc {
			acc[j] = dotF32F64(yi, p.mixK[j*m:j*m+m])
		}
		for j := range nyb {
			nyb[j] = dotF32F64(yi, p.mixB[j*m:j*m+m])
		}
		if nk > 0 {
			pi := p.pos[i*kc : i*kc+kc]
			for j := range pi {
				if j < k {
					pi[j] = float32(acc[j])
				} else {
					pi[j] = 0
				}
			}
		}
		for j, v := range nyb {
			yi[j] = float32(v)
		}
	}
	c.row += r
	return r * cost
}

// release drops the iteration's working memory once the PCA is complete.
func (p *PCA) release() {
	p.basis, p.cbasis, p.q, p.z, p.t, p.ys = nil, nil, nil, nil, nil, nil
	p.chunks = nil
}
