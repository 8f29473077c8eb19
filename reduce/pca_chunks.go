package reduce

// The passes of a PCA over its rows (the mean, the spherizing, the Krylov
// passes and the remix) work through a fixed number of chunks: row ranges
// that depend on n, D and the block size, never on PCAConfig.Workers. Every
// sum over rows (C·block, the centring sums, the mean, the total variance)
// is summed per chunk, in row order, into the chunk's own partial, and the
// partials are added in chunk order when the pass ends. So the result is
// the same, bit for bit, whether one goroutine walks the chunks one after
// the other or several work through them at once, and however Steps cut
// the pass.

// Chunks: at most maxPCAChunks (the most goroutines that can share a pass),
// at least minChunkRows rows each, and fewer when their partial C·blocks
// (d×b float64 each, beyond the first, which is the PCA's own) would hold
// more than chunkFloats numbers in all (16 MB).
const (
	maxPCAChunks = 8
	minChunkRows = 8 * pcaGroup
	chunkFloats  = 1 << 21
)

// pcaChunk is one fixed share of the rows of every pass, with its partial
// sums and its scratch space.
type pcaChunk struct {
	from, to int // its rows
	row      int // its next row in the current pass
	// z is its partial C·block (d×b, in the layout of the PCA's z; chunk
	// 0's is the PCA's z itself).
	z []float64
	// vsum is its partial sum of the rows (mean pass) or of the centred,
	// scaled rows (sphere pass), d.
	vsum       []float64
	zeros      int       // zero entries among its sampled rows (mean pass)
	sumY, sumW []float64 // its Σ y_i and Σ s_i·y_i (bw each) in a Krylov pass
	ss         float64   // its Σ‖x̃_i‖² (first Krylov pass)
	u, xc      []float64 // scratch: projections of a group of rows (pcaGroup·b), a centred row (d)
	nzIdx      []int32   // scratch: indices of a sparse row's non-zeros
	nzVal      []float64 // and their values
	// The non-zeros of its rows, gathered by the first sparse pass for the
	// later ones (row from+r: csrIdx/csrVal[csrOff[r]:csrOff[r+1]]);
	// csrRows rows are in.
	csrIdx  []int32
	csrVal  []float64
	csrOff  []int
	csrRows int
	work    int // work done in the current round
	rows    int // and rows
}

// chunkCount returns the number of chunks for n rows of d dims and
// Krylov blocks of b columns.
func chunkCount(n, d, b int) int {
	return max(1, min(maxPCAChunks, n/minChunkRows, 1+chunkFloats/max(1, d*b)))
}

// makeChunks cuts the n rows into chunkCount chunks starting at multiples of
// pcaGroup (so that dense passes work on whole groups up to the last rows)
// and gives each its scratch space.
func (p *PCA) makeChunks() {
	nc := chunkCount(p.n, p.d, p.b)
	p.chunks = make([]pcaChunk, nc)
	for c := range p.chunks {
		ch := &p.chunks[c]
		ch.from = c * p.n / nc / pcaGroup * pcaGroup
		ch.u = make([]float64, pcaGroup*p.b)
		ch.xc = make([]float64, p.d)
	}
	for c := range p.chunks {
		ch := &p.chunks[c]
		ch.to = p.n
		if c+1 < nc {
			ch.to = p.chunks[c+1].from
		}
	}
}

// rowsFor returns how many of the chunk's rows from c.row fit in budget at
// cost per row, at least one.
func (c *pcaChunk) rowsFor(budget, cost int) int {
	r := budget / max(cost, 1)
	return max(1, min(r, c.to-c.row))
}

// workers returns the number of goroutines that share a pass.
func (p *PCA) workers() int { return max(1, p.cfg.Workers) }

// chunkRound runs rows on the chunks of the current pass that have rows
// left and returns the work done; p.row counts the rows done in the pass
// (when it is 0 the chunks start the pass from their first rows). With one
// worker the chunks are worked through in order in the caller's goroutine
// until budget is spent. With W workers every unfinished chunk gets a share
// of W×budget (at most budget) and the workers take the chunks as they
// become free, so a worker held up (by other processes on the machine)
// delays the round by one share at most. rows works on c's rows from c.row
// within its budget, advances c.row and returns its work; it may write only
// c and the rows' own entries of shared outputs. p.fresh tells it whether
// its budget is the whole of a fresh Step's (see powerChunk).
func (p *PCA) chunkRound(budget int, rows func(c *pcaChunk, budget int) int) int {
	if p.row == 0 {
		for c := range p.chunks {
			p.chunks[c].row = p.chunks[c].from
		}
	}
	active := p.active[:0]
	for c := range p.chunks {
		if ch := &p.chunks[c]; ch.row < ch.to {
			active = append(active, ch)
		}
	}
	p.active = active
	work := 0
	if p.workers() == 1 {
		for _, c := range active {
			if work >= budget {
				break
			}
			p.fresh = work == 0 && budget >= p.cfg.StepWork
			r0 := c.row
			work += rows(c, budget-work)
			p.row += c.row - r0
		}
		return work
	}
	// len(active)·share ≥ budget ≥ 1: a round of declining chunks ends
	// the Step.
	na := max(1, len(active))
	share := min(budget, (budget*p.workers()+na-1)/na)
	p.fresh = budget >= p.cfg.StepWork
	parallelFor(p.workers(), len(active), func(_, j int) {
		c := active[j]
		r0 := c.row
		c.work = rows(c, share)
		c.rows = c.row - r0
	})
	for _, c := range active {
		work += c.work
		p.row += c.rows
	}
	return work
}

// addInto adds src to dst element by element (same length).
func addInto(dst, src []float64) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] += v
	}
}
