package reduce

// pcaSparse is the part of a PCA that handles mostly-zero rows: passes
// visit only the non-zeros (uncentred algebra, corrected as in
// pcaCentring).
type pcaSparse struct {
	zeros  int  // zero entries seen by the mean pass (estimated from every eighth row)
	sparse bool // rows are mostly zeros: passes skip them
	// The chunks keep their rows' non-zeros (pcaChunk.csrIdx...) after the
	// first pass when all rows' take at most maxCSRBytes.
}

// maxCSRBytes bounds the memory of the kept non-zeros (12 bytes each).
const maxCSRBytes = 256 << 20

// gather returns the non-zero entries of row i of chunk c (from the kept
// non-zeros, or collected now). The first pass keeps them when all rows'
// would take at most maxCSRBytes.
func (p *PCA) gather(c *pcaChunk, i int) ([]int32, []float64) {
	d, r := p.d, i-c.from
	if r < c.csrRows {
		a, b := c.csrOff[r], c.csrOff[r+1]
		return c.csrIdx[a:b], c.csrVal[a:b]
	}
	if r == 0 && c.csrOff == nil {
		// The zero count is sampled (every eighth row): room for 10% more
		// non-zeros than it suggests, and no more than the rows hold.
		if nnz := min(p.n*d, (p.n*d-p.zeros)*11/10+d); nnz*12 <= maxCSRBytes {
			rows := c.to - c.from
			cn := min(rows*d, int(int64(nnz)*int64(rows)/int64(p.n))+d)
			c.csrOff = make([]int, 1, rows+1)
			c.csrIdx = make([]int32, 0, cn)
			c.csrVal = make([]float64, 0, cn)
		}
	}
	if c.csrOff != nil && r == c.csrRows {
		for a, v := range p.x[i*d : i*d+d] {
			if v != 0 {
				c.csrIdx = append(c.csrIdx, int32(a))
				c.csrVal = append(c.csrVal, float64(v))
			}
		}
		c.csrOff = append(c.csrOff, len(c.csrIdx))
		c.csrRows++
		a := c.csrOff[r]
		return c.csrIdx[a:], c.csrVal[a:]
	}
	idx, val := c.nzIdx[:0], c.nzVal[:0]
	for a, v := range p.x[i*d : i*d+d] {
		if v != 0 {
			idx = append(idx, int32(a))
			val = append(val, float64(v))
		}
	}
	c.nzIdx, c.nzVal = idx, val
	return idx, val
}

// powerChunkSparse is powerChunk for mostly-zero rows. With x the raw row
// and μ the mean, (x−μ)·Q = x·Q − μ·Q, and Σᵢ(xᵢ−μ)ᵀyᵢ = Σᵢxᵢᵀyᵢ −
// μ(Σᵢyᵢ)ᵀ (applied by endPass), so only the non-zeros of x are visited.
func (p *PCA) powerChunkSparse(c *pcaChunk, budget int) int {
	b, d := p.b, p.d
	y := c.u[:p.bw]
	work := 0
	mu2 := 0.0
	if p.iter == 0 {
		mu2 = dot(p.mean, p.mean)
	}
	for work < budget && c.row < c.to {
		i := c.row
		idx, val := p.gather(c, i)
		val = val[:len(idx)]
		for j := range y {
			y[j] = -p.muQ[j]
		}
		sparseProject(p.q, b, idx, val, y)
		sparseAccumulate(c.z, b, idx, val, y)
		axpy(1, y, c.sumY)
		if p.iter == 0 {
			xx, xm := 0.0, 0.0
			for t, a := range idx {
				xx += val[t] * val[t]
				xm += val[t] * p.mean[a]
			}
			c.ss += xx - 2*xm + mu2
		}
		p.storeY(i, y)
		work += 2*len(idx)*len(y) + len(y) + d
		c.row++
	}
	return work
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
