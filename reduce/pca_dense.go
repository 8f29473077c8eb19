package reduce

// powerRows accumulates z += x̃ᵀ(x̃·q) over rows of the pass (each chunk
// into its own partial z) and stores the projections x̃·q in ys; after the
// last row it ends the pass.
func (p *PCA) powerRows(budget int) int {
	rows := p.powerChunk
	if p.sparse {
		rows = p.powerChunkSparse
	}
	work := p.chunkRound(budget, rows)
	if p.row == p.n {
		work += p.endPass()
	}
	return work
}

// powerChunk does powerRows' work on dense rows of chunk c, twelve at a
// time (projections three rows at a time, accumulation four rows at a
// time, so that every load of q and z serves several multiply-adds).
func (p *PCA) powerChunk(c *pcaChunk, budget int) int {
	const g = pcaGroup
	bw, d := p.bw, p.d
	cost := 2*d*bw + 4*bw
	if p.iter == 0 {
		cost += 2 * d
	}
	// Whole groups only (the single-row loop below is several times
	// slower): when the budget does not cover a group, a fresh Step does
	// one group anyway and a Step already under way ends here.
	r := c.rowsFor(budget, cost)
	if r < g && c.to-c.row >= g {
		if !p.fresh {
			return budget
		}
		r = g
	}
	if r > g {
		r -= r % g
	}
	u, z := c.u[:g*bw], c.z
	i := c.row
	for ; i+g <= c.row+r; i += g {
		xs := p.x[i*d : (i+g)*d]
		for t := 0; t < g; t += 3 {
			x0, x1, x2 := xs[t*d:t*d+d], xs[(t+1)*d:(t+1)*d+d], xs[(t+2)*d:(t+2)*d+d]
			project3(p.q, d, bw, x0, x1, x2, u[t*bw:t*bw+bw], u[(t+1)*bw:(t+1)*bw+bw], u[(t+2)*bw:(t+2)*bw+bw])
		}
		for t := 0; t < g; t++ {
			if s := p.centreY(c, i+t, u[t*bw:t*bw+bw]); s != 1 {
				scale(s, u[t*bw:t*bw+bw])
			}
		}
		for t := 0; t < g; t += 4 {
			x0, x1, x2, x3 := xs[t*d:t*d+d], xs[(t+1)*d:(t+1)*d+d], xs[(t+2)*d:(t+2)*d+d], xs[(t+3)*d:(t+3)*d+d]
			accumulate4(z, d, bw, x0, x1, x2, x3, u[t*bw:t*bw+bw], u[(t+1)*bw:(t+1)*bw+bw], u[(t+2)*bw:(t+2)*bw+bw], u[(t+3)*bw:(t+3)*bw+bw])
		}
	}
	u0 := u[:bw]
	for ; i < c.row+r; i++ {
		x := p.x[i*d : i*d+d]
		for j := range u0 {
			s := 0.0
			for a, v := range p.q[j*d : j*d+d] {
				s += float64(x[a]) * v
			}
			u0[j] = s
		}
		s := p.centreY(c, i, u0)
		for j, y := range u0 {
			zj := z[j*d : j*d+d]
			w := s * y
			for a, v := range x {
				zj[a] += float64(v) * w
			}
		}
	}
	c.row += r
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
