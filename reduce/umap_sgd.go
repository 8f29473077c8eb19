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
	epoch float32 // the epoch's index: edges due at or before it are sampled
	rate  float32 // negative samples per positive one
	n     uint64  // points, the range of negative samples
}

// epochStep runs the SGD over a block of edges of the current epoch; after
// the last edge the epoch is over and the learning rate decays linearly.
func (u *UMAP) epochStep(budget int) int {
	p := sgdParams{
		a: u.a, b: u.b, epoch: float32(u.epoch), n: uint64(u.n), rate: float32(u.cfg.NegativeSampleRate),
		alpha: u.cfg.LearningRate * (1 - float64(u.epoch)/float64(u.cfg.Epochs)),
	}
	var end, w int
	if u.dims == 2 {
		end, w = sgdEdges2(u.y, &u.edges, u.pos, budget, p, u.pow, &u.rng)
	} else {
		end, w = sgdEdges3(u.y, &u.edges, u.pos, budget, p, u.pow, &u.rng)
	}
	u.pos = end
	if end == len(u.edges.rec) {
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

// powTable evaluates x^b for one b from two tables: x = 2^e·m with m in
// [1, 2), x^b = 2^(e·b) · m^b, the first looked up by the float's exponent
// and the second interpolated linearly between 257 points of [1, 2]
// (relative error below 1e-6 for 0 < b ≤ 1, 4e-6 up to b = 2). Four times
// cheaper than math.Exp(b·math.Log(x)) natively and about ten times in
// js/wasm, where those are not assembly; the SGD calls it once per sample.
type powTable struct {
	mant [257]float64  // (1 + i/256)^b
	exp  [2048]float64 // 2^((E−1023)·b) for the biased exponent E; 0 for E = 0
}

// newPowTable fills the tables for exponent b.
func newPowTable(b float64) *powTable {
	t := &powTable{}
	for i := range t.mant {
		t.mant[i] = math.Pow(1+float64(i)/256, b)
	}
	for e := 1; e < len(t.exp); e++ {
		t.exp[e] = math.Pow(2, float64(e-1023)*b)
	}
	return t
}

// pow returns x^b for x > 0 (0 for subnormal x).
func (t *powTable) pow(x float64) float64 {
	bits := math.Float64bits(x)
	i := (bits >> 44) & 0xff
	f := float64(int64(bits&(1<<44-1))) * (1.0 / (1 << 44))
	lo := t.mant[i]
	return t.exp[(bits>>52)&0x7ff] * (lo + f*(t.mant[i+1]-lo))
}

// sgdEdges2 runs umap-learn's optimize_layout_euclidean over the edges from
// index from on, in 2D, until budget work units are spent or the edges end:
// each edge due this epoch pulls its two ends together by the gradient of
// log(1/(1 + a·d^2b)) and pushes its head away from the negative samples it
// is owed, every gradient component clipped to ±4. It returns the next edge
// and the work done. A plain function: in js/wasm a method keeps fewer of
// the loop's values in registers.
func sgdEdges2(y []float32, e *umapEdges, from, budget int, p sgdParams, pw *powTable, rng *uint64) (end, work int) {
	next, rec := e.next, e.rec[:len(e.next)]
	a, b, alpha, epoch, n := p.a, p.b, p.alpha, p.epoch, p.n
	invRate := 1 / p.rate
	noClip := b * b / 4 // from d² = b²/4 on, |repulsion component| < 2b/d ≤ 4
	s := *rng
	i := from
	for ; i < len(next) && work < budget; i++ {
		work += wUMAPScan
		if next[i] > epoch {
			continue
		}
		r := &rec[i]
		j, k := int(r.head), int(r.tail)
		cx, cy := float64(y[2*j]), float64(y[2*j+1])
		dx, dy := cx-float64(y[2*k]), cy-float64(y[2*k+1])
		if d2 := dx*dx + dy*dy; d2 > 0 {
			pb := pw.pow(d2)
			gc := -2 * a * b * pb / (d2 * (a*pb + 1))
			gx, gy := clip4(gc*dx)*alpha, clip4(gc*dy)*alpha
			cx += gx
			cy += gy
			y[2*k] = float32(float64(y[2*k]) - gx)
			y[2*k+1] = float32(float64(y[2*k+1]) - gy)
		}
		next[i] += r.eps
		epsNeg := r.eps * invRate
		nNeg := int((epoch - r.nextNeg) / epsNeg)
		var sx, sy float64
		for range nNeg {
			k := negSample(&s, n)
			if k == j {
				continue
			}
			dx, dy := cx-float64(y[2*k]), cy-float64(y[2*k+1])
			gx, gy := 4.0, 4.0
			if d2 := dx*dx + dy*dy; d2 > 0 {
				gc := 2 * b / ((0.001 + d2) * (a*pw.pow(d2) + 1))
				gx, gy = gc*dx, gc*dy
				if d2 < noClip {
					gx, gy = clip4(gx), clip4(gy)
				}
			}
			sx += gx
			sy += gy
		}
		cx += sx * alpha
		cy += sy * alpha
		r.nextNeg += float32(nNeg) * epsNeg
		y[2*j], y[2*j+1] = float32(cx), float32(cy)
		work += wUMAPPos + nNeg*wUMAPNeg
	}
	*rng = s
	return i, work
}

// sgdEdges3 is sgdEdges2 in 3D.
func sgdEdges3(y []float32, e *umapEdges, from, budget int, p sgdParams, pw *powTable, rng *uint64) (end, work int) {
	next, rec := e.next, e.rec[:len(e.next)]
	a, b, alpha, epoch, n := p.a, p.b, p.alpha, p.epoch, p.n
	invRate := 1 / p.rate
	noClip := b * b / 4 // from d² = b²/4 on, |repulsion component| < 2b/d ≤ 4
	s := *rng
	i := from
	for ; i < len(next) && work < budget; i++ {
		work += wUMAPScan
		if next[i] > epoch {
			continue
		}
		r := &rec[i]
		j, k := int(r.head), int(r.tail)
		cx, cy, cz := float64(y[3*j]), float64(y[3*j+1]), float64(y[3*j+2])
		dx, dy, dz := cx-float64(y[3*k]), cy-float64(y[3*k+1]), cz-float64(y[3*k+2])
		if d2 := dx*dx + dy*dy + dz*dz; d2 > 0 {
			pb := pw.pow(d2)
			gc := -2 * a * b * pb / (d2 * (a*pb + 1))
			gx, gy, gz := clip4(gc*dx)*alpha, clip4(gc*dy)*alpha, clip4(gc*dz)*alpha
			cx += gx
			cy += gy
			cz += gz
			y[3*k] = float32(float64(y[3*k]) - gx)
			y[3*k+1] = float32(float64(y[3*k+1]) - gy)
			y[3*k+2] = float32(float64(y[3*k+2]) - gz)
		}
		next[i] += r.eps
		epsNeg := r.eps * invRate
		nNeg := int((epoch - r.nextNeg) / epsNeg)
		var sx, sy, sz float64
		for range nNeg {
			k := negSample(&s, n)
			if k == j {
				continue
			}
			dx, dy, dz := cx-float64(y[3*k]), cy-float64(y[3*k+1]), cz-float64(y[3*k+2])
			gx, gy, gz := 4.0, 4.0, 4.0
			if d2 := dx*dx + dy*dy + dz*dz; d2 > 0 {
				gc := 2 * b / ((0.001 + d2) * (a*pw.pow(d2) + 1))
				gx, gy, gz = gc*dx, gc*dy, gc*dz
				if d2 < noClip {
					gx, gy, gz = clip4(gx), clip4(gy), clip4(gz)
				}
			}
			sx += gx
			sy += gy
			sz += gz
		}
		cx += sx * alpha
		cy += sy * alpha
		cz += sz * alpha
		r.nextNeg += float32(nNeg) * epsNeg
		y[3*j], y[3*j+1], y[3*j+2] = float32(cx), float32(cy), float32(cz)
		work += wUMAPPos + nNeg*wUMAPNeg
	}
	*rng = s
	return i, work
}
