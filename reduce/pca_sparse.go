package reduce

// pcaSparse is the part of a PCA that handles mostly-zero rows: passes
// visit only the non-zeros (uncentred algebra, corrected as in
// pcaCentring).
type pcaSparse struct {
	zeros  int       // zero entries seen by the mean pass (estimated from every eighth row)
	sparse bool      // rows are mostly zeros: passes skip them
	nzIdx  []int32   // scratch: indices of a row's non-zeros
	nzVal  []float64 // and their values
	// The non-zeros of the rows, gathered by the first sparse pass for the
	// later ones (row i: csrIdx/csrVal[csrOff[i]:csrOff[i+1]]) when they
	// take at most maxCSRBytes; csrRows rows are in.
	csrIdx  []int32
	csrVal  []float64
	csrOff  []int
	csrRows int
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
