package reduce

import "math"

// pcaCentring is the part of a PCA that centres (and spherizes) the rows
// without copying them.
//
// A pass multiplies the raw rows x_i and corrects for the centring (and
// spherizing, x̃_i = s_i(x_i−μ) − μ₂) afterwards: x̃_i·Q = s_i·x_i·Q −
// (s_i·μQ + μ₂Q) and Σ x̃_iᵀy_i = Σ x_iᵀ(s_i·y_i) − μ(Σ s_i·y_i)ᵀ −
// μ₂(Σ y_i)ᵀ, so that rows are read as float32 and never copied.
type pcaCentring struct {
	mean, mean2 []float64 // μ and μ₂ (d each; mean2 nil unless spherizing)
	invNorm     []float32 // s_i, the inverse norm of each centred row (n, spherize only)
	totalSS     float64   // Σ‖row−mean‖² (of the spherized rows when Spherize)
	muQ, mu2Q   []float64 // μ·Q and μ₂·Q (bw each) during a pass
}

// meanRows sums rows of the mean pass (and counts zeros in every eighth
// row); after the last row it sets the mean and decides whether the rows are
// sparse.
func (p *PCA) meanRows(budget int) int {
	work := p.chunkRound(budget, p.meanChunk)
	if p.row < p.n {
		return work
	}
	for c := range p.chunks {
		ch := &p.chunks[c]
		addInto(p.mean, ch.vsum)
		p.zeros += ch.zeros
		ch.vsum = nil
	}
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
	return work + len(p.chunks)*p.d
}

// meanChunk adds rows of chunk c into its partial sum within budget.
func (p *PCA) meanChunk(c *pcaChunk, budget int) int {
	d := p.d
	r := c.rowsFor(budget, d)
	if c.vsum == nil {
		c.vsum = make([]float64, d)
	}
	for i := c.row; i < c.row+r; i++ {
		row := p.x[i*d : i*d+d]
		m := c.vsum[:len(row)]
		for j, v := range row {
			m[j] += float64(v)
		}
		if i%8 == 0 { // every eighth row is enough to tell sparse data
			for _, v := range row {
				if v == 0 {
					c.zeros++
				}
			}
		}
	}
	c.row += r
	return r * d
}

// sphereRows computes the inverse norms of centred rows and sums the
// scaled rows; after the last row it sets μ₂, their mean.
func (p *PCA) sphereRows(budget int) int {
	work := p.chunkRound(budget, p.sphereChunk)
	if p.row < p.n {
		return work
	}
	for c := range p.chunks {
		ch := &p.chunks[c]
		addInto(p.mean2, ch.vsum)
		ch.vsum = nil
	}
	for j := range p.mean2 {
		p.mean2[j] /= float64(p.n)
	}
	p.row = 0
	p.passf++
	p.phase = pcaPower
	return work + len(p.chunks)*p.d
}

// sphereChunk does sphereRows' work on rows of chunk c within budget.
func (p *PCA) sphereChunk(c *pcaChunk, budget int) int {
	r := c.rowsFor(budget, 2*p.d)
	d := p.d
	if c.vsum == nil {
		c.vsum = make([]float64, d)
	}
	xc := c.xc[:d]
	for i := c.row; i < c.row+r; i++ {
		row := p.x[i*d : i*d+d]
		xc := xc[:len(row)]
		s := 0.0
		for j, v := range row {
			e := float64(v) - p.mean[j]
			xc[j] = e
			s += e * e
		}
		inv := 0.0
		if s > 0 {
			inv = 1 / math.Sqrt(s)
		}
		p.invNorm[i] = float32(inv)
		inv = float64(float32(inv))
		m2 := c.vsum[:len(xc)]
		for j := range xc {
			m2[j] += xc[j] * inv
		}
	}
	c.row += r
	return r * 2 * d
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
// correction, and every chunk's Σ y_i = 0 (and Σ s_i·y_i = 0) and partial
// C·block (chunk 0's is z, cleared by loadBlock).
func (p *PCA) startPass() {
	d, b, bw := p.d, p.b, p.bw
	p.muQ = make([]float64, bw)
	p.mu2Q = nil
	if p.mean2 != nil {
		p.mu2Q = make([]float64, bw)
	}
	for c := range p.chunks {
		ch := &p.chunks[c]
		ch.sumY, ch.sumW, ch.ss = make([]float64, bw), nil, 0
		if p.mean2 != nil {
			ch.sumW = make([]float64, bw)
		}
		switch {
		case c == 0:
			ch.z = p.z
		case ch.z == nil:
			ch.z = make([]float64, d*b)
		}
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

// endPass adds the chunks' partial sums in chunk order, applies the
// centring correction to z (C·block), counts the pass, moves to the
// Rayleigh-Ritz and returns its work.
func (p *PCA) endPass() int {
	d, b, bw := p.d, p.b, p.bw
	sumY, sumW := make([]float64, bw), make([]float64, bw)
	for c := range p.chunks {
		ch := &p.chunks[c]
		if c > 0 {
			addInto(p.z, ch.z)
			clear(ch.z)
		}
		addInto(sumY, ch.sumY)
		if ch.sumW != nil {
			addInto(sumW, ch.sumW)
		}
		if p.iter == 0 {
			p.totalSS += ch.ss
		}
		ch.sumY, ch.sumW, ch.ss = nil, nil, 0
	}
	for j := 0; j < bw; j++ {
		w, y := sumY[j], sumY[j] // Σ s_i·y_i = Σ y_i when s_i = 1
		if p.invNorm != nil {
			w = sumW[j]
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
	p.muQ, p.mu2Q = nil, nil
	p.row = 0
	p.iter++
	p.passf++
	p.phase = pcaRitz
	return (len(p.chunks)-1)*d*b + 2*d*bw
}

// centreY turns the raw projections u = x_i·Q of row i (of chunk c) into
// the projections y of the transformed row (in place), adds them to c's
// sums, stores them, and returns the weight s_i by which y multiplies x_i
// in z (1 unless spherizing).
func (p *PCA) centreY(c *pcaChunk, i int, u []float64) float64 {
	muQ, sumY := p.muQ, c.sumY
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
		mu2Q, sumW := p.mu2Q[:len(u)], c.sumW[:len(u)]
		for j, v := range u {
			y := s*v - (s*muQ[j] + mu2Q[j])
			u[j] = y
			sumY[j] += y
			sumW[j] += s * y
		}
	}
	if p.iter == 0 {
		if p.invNorm != nil {
			xc := p.centredTo(i, c.xc[:p.d])
			c.ss += dot(xc, xc)
		} else {
			x := p.x[i*p.d : i*p.d+p.d]
			m := p.mean[:len(x)]
			ss := 0.0
			for a, v := range x {
				e := float64(v) - m[a]
				ss += e * e
			}
			c.ss += ss
		}
	}
	p.storeY(i, u)
	return s
}
