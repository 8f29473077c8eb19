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
	sumW, sumY  []float64 // Σ s_i·y_i and Σ y_i over the pass (bw each)
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
