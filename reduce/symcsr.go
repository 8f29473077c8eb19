package reduce

// symCSR is the symmetric sparse matrix A + Aᵀ of a kNN graph's weights in
// CSR form, built a block of rows at a time (t-SNE's P and UMAP's fuzzy
// union both start from it). A is n×n with a_{i,nbr[i·k+s]} = w[i·k+s] for
// n×k neighbour indices nbr and weights w; zero weights are absent. Row i
// holds i's own neighbours and the points that have i as a neighbour,
// unsorted, and a pair found from both ends twice: the caller sorts and
// merges the rows (t-SNE adds the two, UMAP takes their fuzzy union).
type symCSR struct {
	rowPtr []int32   // n+1: row i is col/val[rowPtr[i]:rowPtr[i+1]]
	col    []int32   // column of each entry
	val    []float64 // weight of each entry
	// fill is the next free slot of each row while scattering; the
	// caller's merge then makes it the end of each row's live part.
	fill []int32
}

// countRows sizes rows from, from+1, … of the matrix, as many as budget
// allows (8k+1 units a row, at least one row), and returns the next row
// and the work done. After the last row it allocates col, val and fill
// (2n more units).
func (g *symCSR) countRows(w []float64, nbr []int32, n, k, from, budget int) (next, work int) {
	if from == 0 {
		g.rowPtr = make([]int32, n+1)
	}
	end := min(n, from+max(1, budget/(8*k+1)))
	for i := from; i < end; i++ {
		for s := 0; s < k; s++ {
			if w[i*k+s] != 0 {
				g.rowPtr[i+1]++
				g.rowPtr[nbr[i*k+s]+1]++
			}
		}
	}
	work = (end - from) * (8*k + 1)
	if end < n {
		return end, work
	}
	for i := 0; i < n; i++ {
		g.rowPtr[i+1] += g.rowPtr[i]
	}
	nnz := g.rowPtr[n]
	g.col = make([]int32, nnz)
	g.val = make([]float64, nnz)
	g.fill = make([]int32, n)
	copy(g.fill, g.rowPtr[:n])
	return end, work + 2*n
}

// scatterRows writes each weight of rows from, from+1, … of A into rows i
// and j, as many rows as budget allows (16k+1 units a row, at least one),
// and returns the next row and the work done. It follows countRows.
func (g *symCSR) scatterRows(w []float64, nbr []int32, n, k, from, budget int) (next, work int) {
	end := min(n, from+max(1, budget/(16*k+1)))
	for i := from; i < end; i++ {
		for s := 0; s < k; s++ {
			v := w[i*k+s]
			if v == 0 {
				continue
			}
			j := nbr[i*k+s]
			g.col[g.fill[i]], g.val[g.fill[i]] = j, v
			g.fill[i]++
			g.col[g.fill[j]], g.val[g.fill[j]] = int32(i), v
			g.fill[j]++
		}
	}
	return end, (end - from) * (16*k + 1)
}
