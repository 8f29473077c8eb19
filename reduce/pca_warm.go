package reduce

import "fmt"

// pcaWarmStart is the part of a PCA that starts the Krylov iteration on
// large inputs from the leading Ritz vectors of a PCA of an evenly spaced
// subsample of the rows. Its zero value means no warm start.
type pcaWarmStart struct {
	warm     *PCA      // PCA of a row subsample whose Ritz vectors start the iteration
	warmX    []float32 // the subsample's rows (ns×d), copied during pcaWarm
	warmRows int       // rows of warmX copied so far
	warmed   bool      // the iteration started from the subsample's Ritz vectors
}

// warmRowsFor returns the number of rows of the subsample whose PCA starts the
// Krylov iteration on n rows, or 0 when n is too small for it to pay off.
func warmRowsFor(n int) int {
	ns := min(max(n/50, 2000), 5000)
	if n < 4*ns {
		return 0
	}
	return ns
}

// warmStep copies the evenly spaced subsample, then steps its PCA (with
// Components = b: the whole block) within budget; when that is done its
// Ritz vectors become the first block.
func (p *PCA) warmStep(budget int) int {
	d := p.d
	ns := cap(p.warmX) / d
	if p.warmRows < ns {
		r := max(1, min(budget/d, ns-p.warmRows))
		for s := p.warmRows; s < p.warmRows+r; s++ {
			i := int(int64(s) * int64(p.n) / int64(ns))
			p.warmX = append(p.warmX, p.x[i*d:i*d+d]...)
		}
		p.warmRows += r
		if p.warmRows == ns {
			p.warm = NewPCA(p.warmX, ns, d, PCAConfig{
				Components: p.b, Seed: p.cfg.Seed, Spherize: p.cfg.Spherize,
				Oversample: p.cfg.Oversample, Tolerance: warmTolerance, StepWork: p.cfg.StepWork,
				Workers: p.cfg.Workers,
			})
			p.warm.noPositions = true
		}
		return r * d
	}
	before := p.warm.passf
	done := p.warm.Step()
	p.passf += (p.warm.passf - before) * float64(ns) / float64(p.n)
	if done && p.warm.err != nil {
		p.fail(fmt.Errorf("warm start on a %d-row subsample: %w", ns, p.warm.err))
		return budget
	}
	if done {
		v := p.warm.Vectors() // d×b row-major
		first := make([][]float64, p.b)
		for j := range first {
			first[j] = make([]float64, d)
			for a := range first[j] {
				first[j][a] = v[a*p.b+j]
			}
		}
		orthAgainst(first, nil, p.rng)
		p.basis = nil
		p.setBlock(first)
		p.warm, p.warmX = nil, nil
		p.warmed = true
		p.phase = pcaMean
	}
	return budget // one Step of the subsample's PCA uses this Step's budget
}

// finalOnly makes the PCA skip the subsample start and the rough positions
// between passes (for callers that run a fixed number of passes and read only
// the final positions). It must be called before the first Step.
func (p *PCA) finalOnly() {
	if p.phase == pcaWarm {
		p.phase, p.warmX = pcaMean, nil
	}
	p.noRough = true
}

// warmTolerance is the residual tolerance of the subsample's PCA: its
// Ritz vectors only need to be closer to the data's than a random start.
const warmTolerance = 1e-3
