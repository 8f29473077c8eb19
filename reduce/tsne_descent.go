package reduce

import "math"

// tsneDescent is the gradient descent part of a t-SNE run: the layout, its
// update and gains, the forces of the iteration under way, the Barnes-Hut
// tree, and the KL divergence checkpoints.
type tsneDescent struct {
	y, upd, gains []float64 // n×dims
	out           []float32 // n×dims, what Positions returns
	rep, att      []float64 // n×dims repulsive and attractive forces of the iteration
	zSum          float64
	tree          bhTree
	gPts, gStart  []int32 // Barnes-Hut traversal groups of the iteration
	shares        iterationShares
	iter          int
	lr            float64
	kl, klPrev    float64
	klAt          int
	attrKL        float64
	stopped       bool
}

// initLayout sets the starting layout.
func (t *TSNE) initLayout() int {
	n, dims := t.n, t.dims
	t.y = make([]float64, n*dims)
	t.upd = make([]float64, n*dims)
	t.gains = make([]float64, n*dims)
	t.rep = make([]float64, n*dims)
	t.att = make([]float64, n*dims)
	for i := range t.gains {
		t.gains[i] = 1
	}
	if t.cfg.Init == InitPCA && t.pca != nil {
		pos, kc := t.pca.Positions(), t.pca.Components()
		for i := 0; i < n; i++ {
			for a := 0; a < dims && a < kc; a++ {
				t.y[i*dims+a] = float64(pos[i*kc+a])
			}
		}
		sd := 0.0
		for i := 0; i < n; i++ {
			sd += t.y[i*dims] * t.y[i*dims]
		}
		sd = math.Sqrt(sd / float64(n))
		if sd > 0 {
			for i := range t.y {
				t.y[i] *= 1e-4 / sd
			}
		}
	} else {
		for i := range t.y {
			t.y[i] = 1e-4 * t.rng.NormFloat64()
		}
	}
	t.publish()
	t.pca, t.knn = nil, nil
	t.shares.cutAttraction(t.uPtr, n, dims)
	t.phase, t.pos = tsTree, 0
	return n * dims
}

// treeStep builds the Barnes-Hut tree of the current layout, inserting a
// block of points per call; after the last it forms the traversal groups.
func (t *TSNE) treeStep(budget int) int {
	w := 0
	if t.pos == 0 {
		t.tree.begin(t.y, t.n, t.dims)
		w += t.n * t.dims
	}
	end := min(t.n, t.pos+max(1, (budget-w)/wInsert))
	for i := t.pos; i < end; i++ {
		t.tree.insert(t.y, int32(i))
	}
	w += (end - t.pos) * wInsert
	t.pos = end
	if t.pos < t.n {
		return w
	}
	t.tree.end()
	t.gPts, t.gStart = t.tree.groups(t.gPts, t.gStart)
	t.pos, t.zSum = 0, 0
	clear(t.rep)
	t.shares.startRepulsion(len(t.gStart)-1, t.workers())
	t.phase = tsRepulse
	return w + t.n*8
}

// updateStep turns the forces of a block of points into the gradient
// exag·attraction − repulsion/Z and the update (momentum and gains); after
// the last point it moves every point, re-centres the layout and publishes
// it, so every force of an iteration saw the same layout.
func (t *TSNE) updateStep(budget int) int {
	dims := t.dims
	exag := 1.0
	mom := t.cfg.FinalMomentum
	if t.iter < t.cfg.ExaggerationIterations {
		exag, mom = t.cfg.EarlyExaggeration, t.cfg.Momentum
	}
	invZ := 1 / max(t.zSum, 1e-300)
	lr := t.lr
	end := min(t.n*dims, t.pos+max(1, budget/4))
	for e := t.pos; e < end; e++ {
		g := exag*t.att[e] - t.rep[e]*invZ
		u := t.upd[e]
		gn := t.gains[e]
		if (g > 0) != (u > 0) {
			gn += 0.2
		} else {
			gn *= 0.8
		}
		if gn < 0.01 { // (not max: a runtime call in js/wasm)
			gn = 0.01
		}
		t.gains[e] = gn
		t.upd[e] = mom*u - lr*gn*g
	}
	w := (end - t.pos) * 4
	t.pos = end
	if t.pos < t.n*dims {
		return w
	}
	var mean [3]float64
	for i := 0; i < t.n; i++ {
		for c := 0; c < dims; c++ {
			t.y[i*dims+c] += t.upd[i*dims+c]
			mean[c] += t.y[i*dims+c]
		}
	}
	for c := 0; c < dims; c++ {
		mean[c] /= float64(t.n)
	}
	for i := 0; i < t.n; i++ {
		for c := 0; c < dims; c++ {
			t.y[i*dims+c] -= mean[c]
		}
	}
	t.publish()
	t.iter++
	w += t.n * dims * 3
	if (t.iter)%50 == 0 || t.iter == t.cfg.MaxIterations {
		t.klPrev = t.kl
		t.kl = t.attrKL
		t.klAt = t.iter
		if t.cfg.StopWhenConverged && t.iter > t.cfg.ExaggerationIterations+50 &&
			!math.IsNaN(t.klPrev) && t.klPrev-t.kl < 1e-4*math.Abs(t.klPrev) {
			t.stopped = true
		}
	}
	if t.iter >= t.cfg.MaxIterations || t.stopped {
		t.phase = tsDone
	} else {
		t.phase, t.pos = tsTree, 0
	}
	return w
}

// attractRow2 adds the attractive forces of the edges (i, cols[e]) with
// weights vals[e] (upper triangle of the symmetric P) to att, for both ends,
// in 2D. A plain function: in js/wasm the method form keeps fewer values in
// registers.
func attractRow2(y, att []float64, i int, cols []int32, vals []float64) {
	vals = vals[:len(cols)]
	px, py := y[2*i], y[2*i+1]
	var ax, ay float64
	for e, j := range cols {
		dx, dy := px-y[2*j], py-y[2*j+1]
		pq := vals[e] / (1 + dx*dx + dy*dy)
		fx, fy := pq*dx, pq*dy
		ax += fx
		ay += fy
		att[2*j] -= fx
		att[2*j+1] -= fy
	}
	att[2*i] += ax
	att[2*i+1] += ay
}

// attractRow3 is attractRow2 in 3D.
func attractRow3(y, att []float64, i int, cols []int32, vals []float64) {
	vals = vals[:len(cols)]
	px, py, pz := y[3*i], y[3*i+1], y[3*i+2]
	var ax, ay, az float64
	for e, j := range cols {
		dx, dy, dz := px-y[3*j], py-y[3*j+1], pz-y[3*j+2]
		pq := vals[e] / (1 + dx*dx + dy*dy + dz*dz)
		fx, fy, fz := pq*dx, pq*dy, pq*dz
		ax += fx
		ay += fy
		az += fz
		att[3*j] -= fx
		att[3*j+1] -= fy
		att[3*j+2] -= fz
	}
	att[3*i] += ax
	att[3*i+1] += ay
	att[3*i+2] += az
}

// rowKL returns Σ_j p_ij·log(p_ij/q_ij) over row i of P, with
// q_ij = w_ij/Z and invZ = 1/Z.
func (t *TSNE) rowKL(i int, cols []int32, vals []float64, invZ float64) float64 {
	dims := t.dims
	yi := t.y[i*dims : i*dims+dims]
	kl := 0.0
	for e, j := range cols {
		yj := t.y[int(j)*dims : int(j)*dims+dims]
		d2 := 0.0
		for c := range yi {
			v := yi[c] - yj[c]
			d2 += v * v
		}
		q := invZ / (1 + d2)
		kl += vals[e] * math.Log(max(vals[e], 1e-300)/max(q, 1e-300))
	}
	return kl
}

// publish copies the layout to the float32 output.
func (t *TSNE) publish() {
	for i, v := range t.y {
		t.out[i] = float32(v)
	}
}
