package reduce

// The forces of a t-SNE iteration, in shares that goroutines can compute in
// any order with the same result: the repulsion by Barnes-Hut traversal
// groups (each writes only its own points' forces and its own share of Z),
// the attraction by chunks of P's rows (each adds into its own buffer and
// its own share of the KL divergence). The shares are summed in group and
// chunk order, so the layout does not depend on TSNEConfig.Workers.

// Attraction chunks: at most maxAttChunks (the most goroutines that can
// share the attraction), fewer when their n×dims buffers would hold more
// than attBufferFloats numbers in all (8 chunks up to 524,288 points in 2D).
const (
	maxAttChunks    = 8
	attBufferFloats = 1 << 23
)

// iterationShares holds what the shares of one iteration produce.
type iterationShares struct {
	zg      []float64   // per traversal group: its points' share of Z
	gWork   []int       // per traversal group: its interactions
	scratch []bhScratch // per goroutine

	chunkRow []int32   // chunks+1 row boundaries, cut to equal edge counts
	attBuf   []float64 // chunks × n×dims: each chunk's attractive forces
	klChunk  []float64 // per chunk: its rows' share of the KL divergence
	chunk    int       // the chunk being worked through
}

// startRepulsion sizes the per-group shares for groups traversal groups
// and the scratch space for workers goroutines.
func (s *iterationShares) startRepulsion(groups, workers int) {
	if cap(s.zg) < groups {
		s.zg = make([]float64, groups)
		s.gWork = make([]int, groups)
	}
	s.zg, s.gWork = s.zg[:groups], s.gWork[:groups]
	for len(s.scratch) < workers {
		s.scratch = append(s.scratch, bhScratch{})
	}
}

// cutAttraction cuts the n rows of the upper triangle of P (row pointers
// uPtr, n+1) into chunks of about equal edge counts and allocates their
// buffers. Rows near the top have more edges above the diagonal, so equal
// row counts would load the first chunk most.
func (s *iterationShares) cutAttraction(uPtr []int32, n, dims int) {
	chunks := max(1, min(maxAttChunks, n, attBufferFloats/max(1, n*dims)))
	s.chunkRow = s.chunkRow[:0]
	s.chunkRow = append(s.chunkRow, 0)
	edges := float64(uPtr[n])
	row := 0
	for c := 1; c < chunks; c++ {
		target := int32(edges * float64(c) / float64(chunks))
		for row < n && uPtr[row] < target {
			row++
		}
		s.chunkRow = append(s.chunkRow, int32(row))
	}
	s.chunkRow = append(s.chunkRow, int32(n))
	s.attBuf = make([]float64, chunks*n*dims)
	s.klChunk = make([]float64, chunks)
	s.chunk = 0
}

// chunks returns the number of attraction chunks.
func (s *iterationShares) chunks() int { return len(s.chunkRow) - 1 }

// repulseStep computes the Barnes-Hut repulsive forces of a batch of
// traversal groups (t.pos counts groups here), shared among the workers.
// After the last group it sums Z in group order.
func (t *TSNE) repulseStep(budget int) int {
	theta2 := t.cfg.Theta * t.cfg.Theta
	sh := &t.shares
	ng := len(t.gStart) - 1
	workers := t.workers()
	w := 0
	for w < budget && t.pos < ng {
		from := t.pos
		end := min(ng, from+t.repulseBatch(budget-w, ng))
		parallelFor(workers, end-from, func(wk, j int) {
			g := from + j
			pts := t.gPts[t.gStart[g]:t.gStart[g+1]]
			sh.zg[g], sh.gWork[g] = t.tree.repulseGroup(t.y, pts, t.tree.roots[g], theta2, t.rep, &sh.scratch[wk])
		})
		for g := from; g < end; g++ {
			w += sh.gWork[g] * wInteract
		}
		t.pos = end
	}
	if t.pos == ng {
		z := 0.0
		for _, v := range sh.zg {
			z += v
		}
		t.zSum = z
		t.phase = tsAttract
		t.pos = 0
	}
	return w
}

// repulseBatch returns how many traversal groups to serve next: one at a
// time for a single worker (so a Step stops as soon as its budget is
// spent), else enough to give every worker about budget/workers units,
// judged by the work of the groups served so far in this iteration.
func (t *TSNE) repulseBatch(budget, groups int) int {
	workers := t.workers()
	if workers == 1 {
		return 1
	}
	done, work := t.pos, 0
	for _, v := range t.shares.gWork[:done] {
		work += v * wInteract
	}
	if done == 0 || work == 0 {
		return workers
	}
	perGroup := float64(work) / float64(done)
	return max(workers, min(groups, int(float64(budget)/perGroup)))
}

// attractStep accumulates, for rows of the upper triangle of P, the
// attractive forces p_ij·w_ij·(y_i−y_j) on both ends of every edge (each
// undirected edge is visited once) into the buffer of the row's chunk, and
// the KL terms on checkpoints. One worker walks the rows within the budget;
// several take whole chunks. After the last row the chunks are summed.
func (t *TSNE) attractStep(budget int) int {
	sh := &t.shares
	checkKL := (t.iter+1)%50 == 0 || t.iter+1 == t.cfg.MaxIterations
	invZ := 1 / max(t.zSum, 1e-300)
	w := 0
	if t.workers() > 1 {
		first := sh.chunk
		parallelFor(t.workers(), sh.chunks()-first, func(_, j int) {
			c := first + j
			t.attractRows(c, int(sh.chunkRow[c]), int(sh.chunkRow[c+1]), checkKL, invZ)
		})
		w += int(t.uPtr[t.n]-t.uPtr[sh.chunkRow[first]])*wEdge + 4*(t.n-t.pos)
		t.pos, sh.chunk = t.n, sh.chunks()
	}
	for w < budget && t.pos < t.n {
		for int(sh.chunkRow[sh.chunk+1]) <= t.pos {
			sh.chunk++
		}
		end := min(int(sh.chunkRow[sh.chunk+1]), t.pos+max(1, (budget-w)/(wEdge*max(1, t.kn))))
		w += t.attractRows(sh.chunk, t.pos, end, checkKL, invZ)
		t.pos = end
	}
	if t.pos == t.n {
		w += t.sumAttraction()
		t.phase = tsUpdate
		t.pos = 0
	}
	return w
}

// attractRows adds the attraction of the rows [from, to) of chunk c into the
// chunk's buffer (and their KL terms when checkKL) and returns the work.
func (t *TSNE) attractRows(c, from, to int, checkKL bool, invZ float64) int {
	sh := &t.shares
	nd := t.n * t.dims
	buf := sh.attBuf[c*nd : (c+1)*nd]
	w := 0
	for i := from; i < to; i++ {
		a, b := t.uPtr[i], t.uPtr[i+1]
		cols, vals := t.uCol[a:b], t.uVal[a:b]
		vals = vals[:len(cols)]
		if checkKL {
			sh.klChunk[c] += 2 * t.rowKL(i, cols, vals, invZ)
		}
		if t.dims == 2 {
			attractRow2(t.y, buf, i, cols, vals)
		} else {
			attractRow3(t.y, buf, i, cols, vals)
		}
		w += int(b-a)*wEdge + 4
	}
	return w
}

// sumAttraction writes the sum of the chunk buffers, in chunk order, to
// t.att, clears the buffers for the next iteration, and sums the chunks'
// KL shares into t.attrKL. A chunk's buffer is zero before its first row
// (its edges only reach rows below), so each point sums only the chunks
// that start at or above it.
func (t *TSNE) sumAttraction() int {
	sh := &t.shares
	dims, nd := t.dims, t.n*t.dims
	w := 0
	for c := 0; c < sh.chunks(); c++ {
		from := int(sh.chunkRow[c]) * dims
		buf := sh.attBuf[c*nd : (c+1)*nd]
		if c == 0 {
			copy(t.att, buf)
		} else {
			att := t.att[from:]
			for e, v := range buf[from:] {
				att[e] += v
			}
		}
		clear(buf[from:])
		w += 2 * (nd - from)
	}
	kl := 0.0
	for c := range sh.klChunk {
		kl += sh.klChunk[c]
		sh.klChunk[c] = 0
	}
	t.attrKL = kl
	sh.chunk = 0
	return w
}
