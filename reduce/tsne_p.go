package reduce

import "math"

// tsneAffinities is the part of a t-SNE run that turns the neighbour graph
// into the joint probabilities P: per-point precisions calibrated to the
// perplexity, the conditional p_{j|i}, and their symmetrisation into a
// sparse P (CSR) and its upper triangle.
type tsneAffinities struct {
	cond  []float64 // n×kn conditional probabilities p_{j|i}
	entH  float64   // log(perplexity)
	betas []float64 // per-point precision found by calibration

	symCSR // symmetric P, its rows merged by symFill
	// its upper triangle (j > i), which the iterations use
	uPtr []int32
	uCol []int32
	uVal []float64
}

func (t *TSNE) startCalibrate() {
	t.phase = tsCalibrate
	t.pos = 0
	t.entH = math.Log(min(t.cfg.Perplexity, float64(t.neighbours())))
	t.cond = make([]float64, t.n*t.kn)
	t.betas = make([]float64, t.n)
}

// calibrateStep finds, for a block of points, the Gaussian precision β_i
// whose conditional distribution over the point's k neighbours has entropy
// log(perplexity), by bisection, and stores p_{j|i}.
func (t *TSNE) calibrateStep(budget int) int {
	k := min(t.kn, t.neighbours())
	per := max(1, budget/(k*100+1)) // Newton: ~5-8 rounds of k exponentials
	end := min(t.n, t.pos+per)
	for i := t.pos; i < end; i++ {
		t.betas[i] = calibrate(t.nd[i*t.kn:i*t.kn+k], t.cond[i*t.kn:i*t.kn+k], t.entH)
		for s := k; s < t.kn; s++ {
			t.cond[i*t.kn+s] = 0
		}
	}
	w := (end - t.pos) * k * 100
	t.pos = end
	if t.pos == t.n {
		t.phase = tsSymCount
		t.pos = 0
	}
	return w
}

// calibrate finds β such that the distribution p_j ∝ exp(−β·(d_j − d_0))
// over the squared distances d (ascending) has entropy h (nats), writes it
// to p (summing to 1) and returns β. Distances are shifted by the nearest
// one for numerical range; this does not change p.
func calibrate(d []float32, p []float64, h float64) float64 {
	beta, lo, hi := 1.0, 0.0, math.Inf(1)
	d0 := float64(d[0])
	// Scale the starting β to the data: 1/mean shifted distance.
	mean := 0.0
	for _, v := range d {
		mean += float64(v) - d0
	}
	if mean > 0 {
		beta = float64(len(d)) / mean
	}
	// Newton steps on H(β) (dH/dβ = −β·Var(d) under p), kept inside the
	// bracket [lo, hi] that the signs of H−h establish; a step that leaves
	// the bracket falls back to bisection (or doubling while hi is open).
	for it := 0; it < 200; it++ {
		sum, sdp, sdd := 0.0, 0.0, 0.0
		for j, v := range d {
			dv := float64(v) - d0
			e := math.Exp(-beta * dv)
			p[j] = e
			sum += e
			sdp += dv * e
			sdd += dv * dv * e
		}
		md := sdp / sum
		ent := math.Log(sum) + beta*md
		if math.Abs(ent-h) < 1e-5 {
			break
		}
		if ent > h {
			lo = beta
		} else {
			hi = beta
		}
		next := math.NaN()
		if vr := sdd/sum - md*md; vr > 0 && beta > 0 {
			next = beta + (ent-h)/(beta*vr)
		}
		if !(next > lo && next < hi) {
			switch {
			case math.IsInf(hi, 1):
				next = beta * 2
			default:
				next = (lo + hi) / 2
			}
		}
		beta = next
	}
	sum := 0.0
	for _, v := range p {
		sum += v
	}
	for j := range p {
		p[j] /= sum
	}
	return beta
}

// symCount sizes, for a block of points, the rows of the symmetric P: row
// i holds its own neighbours and the points that have i as a neighbour.
func (t *TSNE) symCount(budget int) int {
	next, w := t.countRows(t.cond, t.nbr, t.n, t.kn, t.pos, budget)
	t.pos = next
	if next == t.n {
		t.phase, t.pos = tsSymScatter, 0
	}
	return w
}

// symScatter writes, for a block of points, each p_{j|i} into rows i and j.
func (t *TSNE) symScatter(budget int) int {
	next, w := t.scatterRows(t.cond, t.nbr, t.n, t.kn, t.pos, budget)
	t.pos = next
	if next == t.n {
		t.phase = tsSymFill
		t.pos = 0
		t.uPtr = make([]int32, t.n+1)
		t.uCol = t.uCol[:0]
		t.uVal = t.uVal[:0]
	}
	return w
}

// symFill sorts each row of a block by column, merges duplicate entries
// (p_{j|i} + p_{i|j}) and divides by 2N so that P sums to 1. Merged rows
// keep their length (merged-away slots get column −1 at the row end, value 0).
func (t *TSNE) symFill(budget int) int {
	n := t.n
	w := 0
	scale := 1 / (2 * float64(n))
	for w < budget && t.pos < n {
		i := t.pos
		a, b := t.rowPtr[i], t.rowPtr[i+1]
		cols, vals := t.col[a:b], t.val[a:b]
		sortPairs(cols, vals)
		out := 0
		for s := 0; s < len(cols); s++ {
			if out > 0 && cols[out-1] == cols[s] {
				vals[out-1] += vals[s]
				continue
			}
			cols[out], vals[out] = cols[s], vals[s]
			out++
		}
		for s := 0; s < out; s++ {
			vals[s] *= scale
		}
		for s := out; s < len(cols); s++ {
			cols[s], vals[s] = -1, 0
		}
		t.fill[i] = a + int32(out) // end of the live part of row i
		for s := 0; s < out; s++ {
			if int(cols[s]) > i {
				t.uCol = append(t.uCol, cols[s])
				t.uVal = append(t.uVal, vals[s])
			}
		}
		t.uPtr[i+1] = int32(len(t.uCol))
		w += len(cols)*32 + 1
		t.pos++
	}
	if t.pos == n {
		switch {
		case t.y == nil:
			t.phase = tsInit
		case t.iter >= t.cfg.MaxIterations:
			t.phase = tsDone // perplexity changed after the run: P is ready for more
		default:
			t.phase, t.pos = tsTree, 0 // perplexity changed while running
		}
	}
	return w
}

// sortPairs sorts cols ascending, permuting vals alike.
func sortPairs(cols []int32, vals []float64) {
	for a := 1; a < len(cols); a++ {
		c, v := cols[a], vals[a]
		b := a - 1
		for b >= 0 && cols[b] > c {
			cols[b+1], vals[b+1] = cols[b], vals[b]
			b--
		}
		cols[b+1], vals[b+1] = c, v
	}
}
