package reduce

import "math"

// Work units of one SGD operation relative to one multiply-add (the unit of
// StepWork), measured in js/wasm.
const (
	wUMAPScan = 2  // looking at an edge that is not due this epoch
	wUMAPPos  = 40 // one positive sample (attraction, both ends move)
	wUMAPNeg  = 30 // one negative sample (repulsion of the head)
)

// sgdParams are the constants of one epoch's SGD.
type sgdParams struct {
	a, b  float64 // the curve 1/(1 + a·d^(2b))
	alpha float64 // learning rate of the epoch
	epoch float64 // the epoch's index: edges due at or before it are sampled
	n     uint64  // points, the range of negative samples
}

// epochStep runs the SGD over a block of edges of the current epoch; after
// the last edge the epoch is over and the learning rate decays linearly.
func (u *UMAP) epochStep(budget int) int {
	p := sgdParams{
		a: u.a, b: u.b, epoch: float64(u.epoch), n: uint64(u.n),
		alpha: u.cfg.LearningRate * (1 - float64(u.epoch)/float64(u.cfg.Epochs)),
	}
	var end, w int
	if u.dims == 2 {
		end, w = sgdEdges2(u.y, &u.edges, u.pos, budget, p, &u.rng)
	} else {
		end, w = sgdEdges3(u.y, &u.edges, u.pos, budget, p, &u.rng)
	}
	u.pos = end
	if end == len(u.edges.head) {
		u.epoch++
		u.pos = 0
		if u.epoch >= u.cfg.Epochs {
			u.phase = umDone
		}
	}
	return w + 1
}

// negSample returns a uniform random point index in [0, n) and advances the
// xorshift64* state s.
func negSample(s *uint64, n uint64) int {
	x := *s
	x ^= x >> 12
	x ^= x << 25
	x ^= x >> 27
	*s = x
	return int(((x * 2685821657736338717) >> 32) * n >> 32)
}

// clip4 clips a gradient component to [−4, 4].
func clip4(g float64) float64 {
	if g > 4 {
		return 4
	}
	if g < -4 {
		return -4
	}
	return g
}

// powB returns x^b for x > 0 and |b| ≤ 4 with a relative error below 2e-7
// (2^(b·log2 x) from the float's exponent and two short polynomials): the
// SGD's only transcendental, 3× cheaper than math.Exp(b·math.Log(x))
// natively and more in js/wasm, where those are not assembly. Results
// beyond float64's normal range are clamped to 0 or +Inf.
func powB(x, b float64) float64 {
	// log2 x = e + log2 m, m in [√½, √2): log m = 2·atanh(t), t = (m−1)/(m+1),
	// |t| ≤ 0.172, atanh to t⁷ (error below 3e-8); polynomials in Estrin's
	// form, since their latency, not their operation count, sets the cost.
	bits := math.Float64bits(x)
	e := int((bits>>52)&0x7ff) - 1023
	if e == -1023 { // subnormal: scale into the normal range
		bits = math.Float64bits(x * (1 << 64))
		e = int((bits>>52)&0x7ff) - 1023 - 64
	}
	m := math.Float64frombits(bits&(1<<52-1) | 1023<<52)
	if m > math.Sqrt2 {
		m *= 0.5
		e++
	}
	t := (m - 1) / (m + 1)
	t2 := t * t
	t4 := t2 * t2
	lnm := 2 * t * ((1 + t2*(1.0/3)) + t4*(1.0/5+t2*(1.0/7)))
	y := b * (float64(e) + lnm*math.Log2E)
	if y < -1022 {
		return 0
	}
	if y > 1023 {
		return math.Inf(1)
	}
	// 2^y = 2^i · e^z, i = round(y), z = (y−i)·ln 2, |z| ≤ 0.347, to z⁶.
	i := int(y + 0.5)
	if float64(i) > y+0.5 {
		i--
	}
	z := (y - float64(i)) * math.Ln2
	z2 := z * z
	z4 := z2 * z2
	p := (1 + z) + z2*(1.0/2+z*(1.0/6)) + z4*((1.0/24+z*(1.0/120))+z2*(1.0/720))
	return p * math.Float64frombits(uint64(i+1023)<<52)
}

// sgdEdges2 runs umap-learn's optimize_layout_euclidean over the edges from
// index from on, in 2D, until budget work units are spent or the edges end:
// each edge due this epoch pulls its two ends together by the gradient of
// log(1/(1 + a·d^2b)) and pushes its head away from the negative samples it
// is owed, every gradient component clipped to ±4. It returns the next edge
// and the work done. A plain function: in js/wasm a method keeps fewer of
// the loop's values in registers.
func sgdEdges2(y []float32, e *umapEdges, from, budget int, p sgdParams, rng *uint64) (end, work int) {
	head, tail := e.head, e.tail[:len(e.head)]
	eps, next := e.eps[:len(head)], e.next[:len(head)]
	epsNeg, nextNeg := e.epsNeg[:len(head)], e.nextNeg[:len(head)]
	a, b, alpha, epoch, n := p.a, p.b, p.alpha, p.epoch, p.n
	s := *rng
	i := from
	for ; i < len(head) && work < budget; i++ {
		work += wUMAPScan
		if next[i] > epoch {
			continue
		}
		j, k := int(head[i]), int(tail[i])
		cx, cy := float64(y[2*j]), float64(y[2*j+1])
		dx, dy := cx-float64(y[2*k]), cy-float64(y[2*k+1])
		if d2 := dx*dx + dy*dy; d2 > 0 {
			pb := powB(d2, b)
			gc := -2 * a * b * pb / d2 / (a*pb + 1)
			gx, gy := clip4(gc*dx)*alpha, clip4(gc*dy)*alpha
			cx += gx
			cy += gy
			y[2*k] = float32(float64(y[2*k]) - gx)
			y[2*k+1] = float32(float64(y[2*k+1]) - gy)
		}
		next[i] += eps[i]
		nNeg := int((epoch - nextNeg[i]) / epsNeg[i])
		var sx, sy float64
		for range nNeg {
			k := negSample(&s, n)
			if k == j {
				continue
			}
			dx, dy := cx-float64(y[2*k]), cy-float64(y[2*k+1])
			gx, gy := 4.0, 4.0
			if d2 := dx*dx + dy*dy; d2 > 0 {
				gc := 2 * b / ((0.001 + d2) * (a*powB(d2, b) + 1))
				gx, gy = clip4(gc*dx), clip4(gc*dy)
			}
			sx += gx
			sy += gy
		}
		cx += sx * alpha
		cy += sy * alpha
		nextNeg[i] += float64(nNeg) * epsNeg[i]
		y[2*j], y[2*j+1] = float32(cx), float32(cy)
		work += wUMAPPos + nNeg*wUMAPNeg
	}
	*rng = s
	return i, work
}

// sgdEdges3 is sgdEdges2 in 3D.
func sgdEdges3(y []float32, e *umapEdges, from, budget int, p sgdParams, rng *uint64) (end, work int) {
	head, tail := e.head, e.tail[:len(e.head)]
	eps, next := e.eps[:len(head)], e.next[:len(head)]
	epsNeg, nextNeg := e.epsNeg[:len(head)], e.nextNeg[:len(head)]
	a, b, alpha, epoch, n := p.a, p.b, p.alpha, p.epoch, p.n
	s := *rng
	i := from
	for ; i < len(head) && work < budget; i++ {
		work += wUMAPScan
		if next[i] > epoch {
			continue
		}
		j, k := int(head[i]), int(tail[i])
		cx, cy, cz := float64(y[3*j]), float64(y[3*j+1]), float64(y[3*j+2])
		dx, dy, dz := cx-float64(y[3*k]), cy-float64(y[3*k+1]), cz-float64(y[3*k+2])
		if d2 := dx*dx + dy*dy + dz*dz; d2 > 0 {
			pb := powB(d2, b)
			gc := -2 * a * b * pb / d2 / (a*pb + 1)
			gx, gy, gz := clip4(gc*dx)*alpha, clip4(gc*dy)*alpha, clip4(gc*dz)*alpha
			cx += gx
			cy += gy
			cz += gz
			y[3*k] = float32(float64(y[3*k]) - gx)
			y[3*k+1] = float32(float64(y[3*k+1]) - gy)
			y[3*k+2] = float32(float64(y[3*k+2]) - gz)
		}
		next[i] += eps[i]
		nNeg := int((epoch - nextNeg[i]) / epsNeg[i])
		var sx, sy, sz float64
		for range nNeg {
			k := negSample(&s, n)
			if k == j {
				continue
			}
			dx, dy, dz := cx-float64(y[3*k]), cy-float64(y[3*k+1]), cz-float64(y[3*k+2])
			gx, gy, gz := 4.0, 4.0, 4.0
			if d2 := dx*dx + dy*dy + dz*dz; d2 > 0 {
				gc := 2 * b / ((0.001 + d2) * (a*powB(d2, b) + 1))
				gx, gy, gz = clip4(gc*dx), clip4(gc*dy), clip4(gc*dz)
			}
			sx += gx
			sy += gy
			sz += gz
		}
		cx += sx * alpha
		cy += sy * alpha
		cz += sz * alpha
		nextNeg[i] += float64(nNeg) * epsNeg[i]
		y[3*j], y[3*j+1], y[3*j+2] = float32(cx), float32(cy), float32(cz)
		work += wUMAPPos + nNeg*wUMAPNeg
	}
	*rng = s
	return i, work
}
