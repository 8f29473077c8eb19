package reduce

import "math"

// bhTree is a Barnes-Hut space-partitioning tree over 2-D or 3-D points
// (quadtree or octree) held in flat slices and rebuilt in place every
// iteration. Leaves hold up to bhLeaf points in a linked list; a leaf at
// bhMaxDepth holds any number (coincident points).
type bhTree struct {
	dims  int
	nch   int       // children per node: 4 or 8
	ctr   []float64 // node centre, dims each
	half  []float64 // half side length
	w2    []float64 // squared full side length
	com   []float64 // centre of mass (sum of positions while building), dims each
	cnt   []int32   // points in the subtree
	child []int32   // first of nch consecutive children, −1 for a leaf
	head  []int32   // leaf: first point of its list, −1 if none
	depth []uint8
	next  []int32 // per point: next point in the same leaf, −1 at the end
	stack []int32
	roots []int32 // per traversal group (groups): its subtree's node
}

const (
	bhLeaf     = 8
	bhMaxDepth = 48
)

// newNode appends a leaf node with the given centre and half side.
func (t *bhTree) newNode(c []float64, h float64, depth uint8) int32 {
	id := int32(len(t.cnt))
	t.ctr = append(t.ctr, c[:t.dims]...)
	t.half = append(t.half, h)
	t.w2 = append(t.w2, 4*h*h)
	for range t.dims {
		t.com = append(t.com, 0)
	}
	t.cnt = append(t.cnt, 0)
	t.child = append(t.child, -1)
	t.head = append(t.head, -1)
	t.depth = append(t.depth, depth)
	return id
}

// build rebuilds the tree over the n points y (n×dims row-major) in one go.
func (t *bhTree) build(y []float64, n, dims int) {
	t.begin(y, n, dims)
	for i := 0; i < n; i++ {
		t.insert(y, int32(i))
	}
	t.end()
}

// begin resets the tree to an empty root cell covering the n points y.
// Points are then added by insert, and end finishes the centres of mass.
func (t *bhTree) begin(y []float64, n, dims int) {
	t.dims, t.nch = dims, 1<<dims
	t.ctr, t.half, t.w2, t.com = t.ctr[:0], t.half[:0], t.w2[:0], t.com[:0]
	t.cnt, t.child, t.head, t.depth = t.cnt[:0], t.child[:0], t.head[:0], t.depth[:0]
	if cap(t.next) < n {
		t.next = make([]int32, n)
	}
	t.next = t.next[:n]
	var lo, hi [3]float64
	if n > 0 {
		for a := 0; a < dims; a++ {
			lo[a], hi[a] = y[a], y[a]
		}
	}
	for i := 0; i < n; i++ {
		for a := 0; a < dims; a++ {
			v := y[i*dims+a]
			// (if, not min/max: those are runtime calls in js/wasm)
			if v < lo[a] {
				lo[a] = v
			}
			if v > hi[a] {
				hi[a] = v
			}
		}
	}
	var c [3]float64
	h := 0.0
	for a := 0; a < dims; a++ {
		c[a] = (lo[a] + hi[a]) / 2
		h = max(h, (hi[a]-lo[a])/2)
	}
	h = h*(1+1e-9) + 1e-12
	t.newNode(c[:], h, 0)
}

// end turns the position sums of the nodes into centres of mass.
func (t *bhTree) end() {
	dims := t.dims
	for id := range t.cnt {
		if m := float64(t.cnt[id]); m > 0 {
			for a := 0; a < dims; a++ {
				t.com[id*dims+a] /= m
			}
		}
	}
}

// insert adds point i to the tree.
func (t *bhTree) insert(y []float64, i int32) {
	dims := t.dims
	p := y[int(i)*dims : int(i)*dims+dims]
	node := int32(0)
	for {
		t.cnt[node]++
		for a := 0; a < dims; a++ {
			t.com[int(node)*dims+a] += p[a]
		}
		if t.child[node] >= 0 {
			node = t.child[node] + t.octant(node, p)
			continue
		}
		if t.cnt[node] <= bhLeaf || t.depth[node] >= bhMaxDepth {
			t.next[i] = t.head[node]
			t.head[node] = i
			return
		}
		// Split the full leaf and push its points one level down.
		t.split(node)
		for j := t.head[node]; j >= 0; {
			nj := t.next[j]
			q := y[int(j)*dims : int(j)*dims+dims]
			ch := t.child[node] + t.octant(node, q)
			t.cnt[ch]++
			for a := 0; a < dims; a++ {
				t.com[int(ch)*dims+a] += q[a]
			}
			t.next[j] = t.head[ch]
			t.head[ch] = j
			j = nj
		}
		t.head[node] = -1
		node = t.child[node] + t.octant(node, p)
		// continue: the new point descends into the child (counted there)
	}
}

// octant returns which child of node holds position p.
func (t *bhTree) octant(node int32, p []float64) int32 {
	o := int32(0)
	c := t.ctr[int(node)*t.dims : int(node)*t.dims+t.dims]
	for a := 0; a < t.dims; a++ {
		if p[a] >= c[a] {
			o |= 1 << a
		}
	}
	return o
}

func (t *bhTree) split(node int32) {
	dims := t.dims
	h := t.half[node] / 2
	var c [3]float64
	first := int32(len(t.cnt))
	for o := 0; o < t.nch; o++ {
		for a := 0; a < dims; a++ {
			c[a] = t.ctr[int(node)*dims+a] - h
			if o&(1<<a) != 0 {
				c[a] = t.ctr[int(node)*dims+a] + h
			}
		}
		t.newNode(c[:], h, t.depth[node]+1)
	}
	t.child[node] = first
}

// bhGroup is the largest subtree whose points share one traversal.
const bhGroup = 64

// groups partitions the points into spatially compact groups (maximal
// subtrees of at most bhGroup points, or leaves), in tree order, writing
// their points to pts and the group boundaries to start (len = groups+1).
func (t *bhTree) groups(pts, start []int32) ([]int32, []int32) {
	pts, start = pts[:0], start[:0]
	t.roots = t.roots[:0]
	st := append(t.stack[:0], 0)
	sub := make([]int32, 0, 64)
	for len(st) > 0 {
		node := st[len(st)-1]
		st = st[:len(st)-1]
		if t.cnt[node] == 0 {
			continue
		}
		ch := t.child[node]
		if ch >= 0 && t.cnt[node] > bhGroup {
			for o := int32(t.nch) - 1; o >= 0; o-- {
				st = append(st, ch+o)
			}
			continue
		}
		start = append(start, int32(len(pts)))
		t.roots = append(t.roots, node)
		sub = append(sub[:0], node)
		for len(sub) > 0 {
			nd := sub[len(sub)-1]
			sub = sub[:len(sub)-1]
			if c := t.child[nd]; c >= 0 {
				for o := int32(0); o < int32(t.nch); o++ {
					if t.cnt[c+o] > 0 {
						sub = append(sub, c+o)
					}
				}
				continue
			}
			for j := t.head[nd]; j >= 0; j = t.next[j] {
				pts = append(pts, j)
			}
		}
	}
	start = append(start, int32(len(pts)))
	t.stack = st
	return pts, start
}

// bhScratch holds the interaction lists of one group traversal.
type bhScratch struct {
	cells  []float64 // per accepted cell: centre of mass (dims) and mass
	direct []float64 // per point of the group or of an opened leaf: position (dims)
	stack  []int32   // nodes still to visit
}

// repulseGroup adds, for every point i of the group pts, Σ_j q_ij²·(y_i−y_j)
// to f[i] and returns Σ_i Σ_j q_ij (j ≠ i, q = 1/(1+d²)) and the number of
// interactions. One traversal serves the whole group: a cell (internal or
// leaf) is summarised by its centre of mass when its squared side is below
// theta2 times the squared distance from that centre to the group's bounding
// box (so at least as accurate as the per-point criterion); a summarised
// cell that is also far from the whole group (side plus group diameter below
// theta times the distance to the group's centre) acts through a
// first-order expansion about the group's centre, evaluated once per group;
// leaves that are opened contribute their points exactly. root is the
// group's subtree (t.roots): its points, pts, are always direct, self
// included (w = 1, no force), which is taken off Z afterwards. It only reads
// the tree: several goroutines may serve groups at once, each with its own s.
func (t *bhTree) repulseGroup(y []float64, pts []int32, root int32, theta2 float64, f []float64, s *bhScratch) (z float64, work int) {
	dims := t.dims
	var lo, hi [3]float64
	for a := 0; a < dims; a++ {
		lo[a], hi[a] = y[int(pts[0])*dims+a], y[int(pts[0])*dims+a]
	}
	for _, i := range pts {
		for a := 0; a < dims; a++ {
			v := y[int(i)*dims+a]
			if v < lo[a] {
				lo[a] = v
			}
			if v > hi[a] {
				hi[a] = v
			}
		}
	}
	cells, direct := s.cells[:0], s.direct[:0]
	for _, i := range pts {
		direct = append(direct, y[int(i)*dims:int(i)*dims+dims]...)
	}
	// Far cells act on the whole group through a first-order expansion about
	// the group's centre g: F(y) ≈ F(g) + J·(y−g), Z(y) ≈ Z(g) + ∇Z·(y−g).
	var g [3]float64
	r2 := 0.0 // squared half-diagonal of the group's box
	for a := 0; a < dims; a++ {
		g[a] = (lo[a] + hi[a]) / 2
		r2 += (hi[a] - lo[a]) * (hi[a] - lo[a]) / 4
	}
	rg := math.Sqrt(r2)
	var f0, gz [3]float64
	var jac [9]float64
	z0 := 0.0
	far := 0
	st := append(s.stack[:0], 0)
	for len(st) > 0 {
		node := st[len(st)-1]
		st = st[:len(st)-1]
		if node == root {
			continue
		}
		work++
		ch := t.child[node]
		c := t.com[int(node)*dims : int(node)*dims+dims]
		var d2 float64
		for a := 0; a < dims; a++ {
			if v := lo[a] - c[a]; v > 0 {
				d2 += v * v
			} else if v := c[a] - hi[a]; v > 0 {
				d2 += v * v
			}
		}
		if t.w2[node] < theta2*d2 {
			var dl [3]float64
			dd := 0.0
			for a := 0; a < dims; a++ {
				dl[a] = g[a] - c[a]
				dd += dl[a] * dl[a]
			}
			if e := math.Sqrt(t.w2[node]) + 2*rg; e*e < theta2*dd {
				m := float64(t.cnt[node])
				q := 1 / (1 + dd)
				mq2 := m * q * q
				z0 += m * q
				for a := 0; a < dims; a++ {
					f0[a] += mq2 * dl[a]
					gz[a] -= 2 * mq2 * dl[a]
					for b := 0; b < dims; b++ {
						jac[a*3+b] -= 4 * mq2 * q * dl[a] * dl[b]
					}
					jac[a*3+a] += mq2
				}
				far++
				continue
			}
			cells = append(cells, c...)
			cells = append(cells, float64(t.cnt[node]))
			continue
		}
		if ch < 0 {
			for j := t.head[node]; j >= 0; j = t.next[j] {
				direct = append(direct, y[int(j)*dims:int(j)*dims+dims]...)
			}
			continue
		}
		for o := int32(0); o < int32(t.nch); o++ {
			if t.cnt[ch+o] > 0 {
				st = append(st, ch+o)
			}
		}
	}
	s.stack = st
	s.cells, s.direct = cells, direct
	nc, nd := len(cells)/(dims+1), len(direct)/dims
	work += len(pts)*(nc+nd+2) + far
	for _, i := range pts {
		yi := y[int(i)*dims : int(i)*dims+dims]
		zz := z0
		for a := 0; a < dims; a++ {
			zz += gz[a] * (yi[a] - g[a])
			fa := f0[a]
			for b := 0; b < dims; b++ {
				fa += jac[a*3+b] * (yi[b] - g[b])
			}
			f[int(i)*dims+a] += fa
		}
		z += zz
	}
	if dims == 2 {
		// Two points at a time: each list entry loaded once serves both.
		for len(pts) >= 2 {
			i0, i1 := pts[0], pts[1]
			pts = pts[2:]
			fax, fay, za, fbx, fby, zb := pairForces2(y[int(i0)*2], y[int(i0)*2+1], y[int(i1)*2], y[int(i1)*2+1], cells, direct)
			f[int(i0)*2] += fax
			f[int(i0)*2+1] += fay
			f[int(i1)*2] += fbx
			f[int(i1)*2+1] += fby
			z += za + zb
		}
		for _, i := range pts {
			fx, fy, zz := pointForces2(y[int(i)*2], y[int(i)*2+1], cells, direct)
			f[int(i)*2] += fx
			f[int(i)*2+1] += fy
			z += zz
		}
		return z, work
	}
	for len(pts) >= 2 {
		i0, i1 := pts[0], pts[1]
		pts = pts[2:]
		a, b := y[int(i0)*3:int(i0)*3+3], y[int(i1)*3:int(i1)*3+3]
		fa, fb, za, zb := pairForces3(a[0], a[1], a[2], b[0], b[1], b[2], cells, direct)
		f[int(i0)*3] += fa[0]
		f[int(i0)*3+1] += fa[1]
		f[int(i0)*3+2] += fa[2]
		f[int(i1)*3] += fb[0]
		f[int(i1)*3+1] += fb[1]
		f[int(i1)*3+2] += fb[2]
		z += za + zb
	}
	for _, i := range pts {
		fx, fy, fz, zz := pointForces3(y[int(i)*3], y[int(i)*3+1], y[int(i)*3+2], cells, direct)
		f[int(i)*3] += fx
		f[int(i)*3+1] += fy
		f[int(i)*3+2] += fz
		z += zz
	}
	return z, work
}

// The interaction-list loops below are plain functions, not part of
// repulseGroup: in js/wasm the traversal's many live values otherwise crowd
// the loops' sums out of registers.

// pairForces2 evaluates the 2D interaction lists (cells: x, y, mass;
// direct: x, y, with both points among them) for the points a and b: the
// repulsive force sums Σ m·w²·(p−c) and Σ m·w − 1 (the point itself, w = 1,
// is taken off), w = 1/(1+|p−c|²).
func pairForces2(ax, ay, bx, by float64, cells, direct []float64) (fax, fay, za, fbx, fby, zb float64) {
	for cl := cells; len(cl) >= 3; cl = cl[3:] {
		cx, cy, m := cl[0], cl[1], cl[2]
		dax, day := ax-cx, ay-cy
		dbx, dby := bx-cx, by-cy
		wa := 1 / (1 + dax*dax + day*day)
		wb := 1 / (1 + dbx*dbx + dby*dby)
		ma, mb := m*wa, m*wb
		za += ma
		zb += mb
		ma *= wa
		mb *= wb
		fax += ma * dax
		fay += ma * day
		fbx += mb * dbx
		fby += mb * dby
	}
	za-- // the points themselves, met in direct (w = 1)
	zb--
	for dp := direct; len(dp) >= 2; dp = dp[2:] {
		cx, cy := dp[0], dp[1]
		dax, day := ax-cx, ay-cy
		dbx, dby := bx-cx, by-cy
		wa := 1 / (1 + dax*dax + day*day)
		wb := 1 / (1 + dbx*dbx + dby*dby)
		za += wa
		zb += wb
		wa *= wa
		wb *= wb
		fax += wa * dax
		fay += wa * day
		fbx += wb * dbx
		fby += wb * dby
	}
	return
}

// pointForces2 is pairForces2 for one point.
func pointForces2(px, py float64, cells, direct []float64) (fx, fy, zz float64) {
	// Walking the flat lists by reslicing lets the compiler drop the bounds
	// checks (each costs a branch in js/wasm).
	for cl := cells; len(cl) >= 3; cl = cl[3:] {
		dx, dy := px-cl[0], py-cl[1]
		w := 1 / (1 + dx*dx + dy*dy)
		mw := cl[2] * w
		zz += mw
		mw *= w
		fx += mw * dx
		fy += mw * dy
	}
	zz-- // the point itself, met in direct (w = 1)
	for dp := direct; len(dp) >= 2; dp = dp[2:] {
		dx, dy := px-dp[0], py-dp[1]
		w := 1 / (1 + dx*dx + dy*dy)
		zz += w
		w *= w
		fx += w * dx
		fy += w * dy
	}
	return
}

// pairForces3 is pairForces2 in 3D (cells: x, y, z, mass; direct: x, y, z).
func pairForces3(ax, ay, az, bx, by, bz float64, cells, direct []float64) (fa, fb [3]float64, za, zb float64) {
	var fax, fay, faz, fbx, fby, fbz float64
	for cl := cells; len(cl) >= 4; cl = cl[4:] {
		cx, cy, cz, m := cl[0], cl[1], cl[2], cl[3]
		dax, day, daz := ax-cx, ay-cy, az-cz
		dbx, dby, dbz := bx-cx, by-cy, bz-cz
		wa := 1 / (1 + dax*dax + day*day + daz*daz)
		wb := 1 / (1 + dbx*dbx + dby*dby + dbz*dbz)
		ma, mb := m*wa, m*wb
		za += ma
		zb += mb
		ma *= wa
		mb *= wb
		fax += ma * dax
		fay += ma * day
		faz += ma * daz
		fbx += mb * dbx
		fby += mb * dby
		fbz += mb * dbz
	}
	za-- // the points themselves, met in direct (w = 1)
	zb--
	for dp := direct; len(dp) >= 3; dp = dp[3:] {
		cx, cy, cz := dp[0], dp[1], dp[2]
		dax, day, daz := ax-cx, ay-cy, az-cz
		dbx, dby, dbz := bx-cx, by-cy, bz-cz
		wa := 1 / (1 + dax*dax + day*day + daz*daz)
		wb := 1 / (1 + dbx*dbx + dby*dby + dbz*dbz)
		za += wa
		zb += wb
		wa *= wa
		wb *= wb
		fax += wa * dax
		fay += wa * day
		faz += wa * daz
		fbx += wb * dbx
		fby += wb * dby
		fbz += wb * dbz
	}
	return [3]float64{fax, fay, faz}, [3]float64{fbx, fby, fbz}, za, zb
}

// pointForces3 is pairForces3 for one point.
func pointForces3(px, py, pz float64, cells, direct []float64) (fx, fy, fz, zz float64) {
	for cl := cells; len(cl) >= 4; cl = cl[4:] {
		dx, dy, dz := px-cl[0], py-cl[1], pz-cl[2]
		w := 1 / (1 + dx*dx + dy*dy + dz*dz)
		mw := cl[3] * w
		zz += mw
		mw *= w
		fx += mw * dx
		fy += mw * dy
		fz += mw * dz
	}
	zz-- // the point itself, met in direct (w = 1)
	for dp := direct; len(dp) >= 3; dp = dp[3:] {
		dx, dy, dz := px-dp[0], py-dp[1], pz-dp[2]
		w := 1 / (1 + dx*dx + dy*dy + dz*dz)
		zz += w
		w *= w
		fx += w * dx
		fy += w * dy
		fz += w * dz
	}
	return
}
