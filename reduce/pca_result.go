package reduce

import "math"

// pcaResult is what a PCA hands out: positions throughout, components and
// variances once done.
type pcaResult struct {
	err      error     // why the PCA ended without components (without the "reduce: PCA: " prefix), or nil
	comps    []float64 // d×k components, set at convergence
	pos      []float32 // n×Components
	variance []float64 // Components explained variance ratios, set when done
	eigen    []float64 // Components variances, set when done
}

// Positions returns the n×Components row-major coordinates of the points on
// the principal components. Before completion they are projections on the
// current estimate of the components (rough: during the first Krylov pass,
// projections on the first block — the subsample's components on large
// inputs, random directions on small ones; zero before it; updated after
// each pass until they would no longer visibly move); once Step has
// returned true they are final.
// Coordinates beyond D are zero. The slice is owned by the PCA and updated
// in place by Step: it aliases the PCA's state, so a write to it shows in
// later calls (and, when the PCA starts a t-SNE or UMAP, in their input).
// PositionsTo returns a copy.
func (p *PCA) Positions() []float32 { return p.pos }

// PositionsTo copies Positions into dst, allocating when dst is nil or
// shorter than n×Components, and returns it (length n×Components).
func (p *PCA) PositionsTo(dst []float32) []float32 { return copyTo(dst, p.pos) }

// Variance returns the explained variance ratio of each component
// (eigenvalue over total variance, in [0, 1], descending), or nil before
// completion. The slice is the PCA's own (a write to it shows in later
// calls); VarianceTo returns a copy.
func (p *PCA) Variance() []float64 {
	if p.phase != pcaDone {
		return nil
	}
	return p.variance
}

// VarianceTo copies Variance into dst, allocating when dst is nil or
// shorter than Components, and returns it; before completion it returns
// dst[:0].
func (p *PCA) VarianceTo(dst []float64) []float64 { return copyTo(dst, p.Variance()) }

// TotalVariance returns the total variance of the (centred, possibly
// spherized) rows: the sum of the per-dimension variances, divisor n−1, in
// squared input units; Variance()[c] = Eigenvalues()[c] / TotalVariance().
// It is valid once Step has returned true (0 when Err reports an error).
func (p *PCA) TotalVariance() float64 {
	if p.phase != pcaDone || p.n < 2 || p.err != nil {
		return 0
	}
	return p.totalSS / float64(p.n-1)
}

// Eigenvalues returns the variance along each component (the eigenvalues of
// the sample covariance, divisor n−1, in squared input units), or nil before
// completion. The slice is the PCA's own (a write to it shows in later
// calls); EigenvaluesTo returns a copy.
func (p *PCA) Eigenvalues() []float64 {
	if p.phase != pcaDone {
		return nil
	}
	return p.eigen
}

// EigenvaluesTo copies Eigenvalues into dst, allocating when dst is nil or
// shorter than Components, and returns it; before completion it returns
// dst[:0].
func (p *PCA) EigenvaluesTo(dst []float64) []float64 { return copyTo(dst, p.Eigenvalues()) }

// Vectors returns the k = min(Components, D) principal axes as a D×k
// row-major matrix with orthonormal columns (sign fixed so that each
// column's largest-magnitude entry is positive), or nil before completion.
// The slice is the PCA's own (a write to it shows in later calls);
// VectorsTo returns a copy.
func (p *PCA) Vectors() []float64 {
	if p.phase != pcaDone {
		return nil
	}
	return p.comps
}

// VectorsTo copies Vectors (D×k row-major) into dst, allocating when dst is
// nil or shorter than D·k, and returns it; before completion it returns
// dst[:0].
func (p *PCA) VectorsTo(dst []float64) []float64 { return copyTo(dst, p.Vectors()) }

// Mean returns the D-dimensional mean of the input rows (valid once the first
// pass is over; the centre of the spherized rows is not included). The
// slice is the PCA's working mean: a write to it before completion changes
// the result. MeanTo returns a copy.
func (p *PCA) Mean() []float64 { return p.mean }

// MeanTo copies Mean into dst, allocating when dst is nil or shorter than D,
// and returns it (length D, or 0 on a zero PCA).
func (p *PCA) MeanTo(dst []float64) []float64 { return copyTo(dst, p.mean) }

// finishComponents fixes the components (signs, variances) and returns the
// sign applied to each Ritz vector.
func (p *PCA) finishComponents(ritz [][]float64, vals []float64) []float64 {
	d, k := p.d, p.k
	p.comps = make([]float64, d*k)
	p.eigen = make([]float64, p.cfg.Components)
	p.variance = make([]float64, p.cfg.Components)
	signs := make([]float64, k)
	for c, v := range ritz {
		big, sign := 0.0, 1.0
		for _, x := range v {
			if math.Abs(x) > big {
				big, sign = math.Abs(x), math.Copysign(1, x)
			}
		}
		signs[c] = sign
		for a, x := range v {
			p.comps[a*k+c] = sign * x
		}
		lam := max(vals[c], 0)
		if p.n > 1 {
			p.eigen[c] = lam / float64(p.n-1)
		}
		if p.totalSS > 0 {
			p.variance[c] = min(lam/p.totalSS, 1)
		}
	}
	return signs
}

// fail ends the PCA without a result: Step reports done, Err reports err,
// and Vectors, Variance and Eigenvalues stay nil.
func (p *PCA) fail(err error) {
	p.err = err
	p.release()
	p.warm, p.warmX = nil, nil
	p.phase = pcaDone
	p.prog = 1
}

func (p *PCA) finish() {
	if p.eigen == nil {
		p.eigen = make([]float64, p.cfg.Components)
		p.variance = make([]float64, p.cfg.Components)
	}
	p.phase = pcaDone
	p.prog = 1
}
