package reduce

import (
	"math/rand/v2"
	"slices"
)

// The approximate search: a forest of random-projection trees, whose leaves
// give every point its first neighbours, refined by NN-descent. Each phase
// is shared among the workers in a way that gives every row the same
// offers in the same order whatever their number, so the graph does not
// depend on it:
//   - the trees are split level by level, every node with its own random
//     source (seeded by tree and row range), each writing only its own range
//     of its tree's permutation;
//   - the leaves of one tree hold disjoint rows and are joined in parallel,
//     the trees one after the other;
//   - the random fill draws from a source per row;
//   - the candidates are sampled with priorities hashed from the round and
//     the edge, each worker filling the lists of its own range of rows;
//   - the local join computes its distances by centre rows into buffers,
//     then each worker applies, in buffer order, the offers to its own
//     range of rows.

// forest is the state of the tree phases.
type forest struct {
	perms     [][]int32    // per tree: the rows, each node's a range
	leaves    [][][2]int32 // per tree: the leaves' ranges of its perm
	front     []treeNode   // the nodes of the level being split
	nextFront []treeNode   // their children still to split
	mids      []int32      // per node of a batch: where it was split
	normals   [][]float32  // per worker: a hyperplane's normal, d
	leafTree  int          // the tree whose leaves are being joined
}

// treeNode is a node of a tree: the range [lo, hi) of the tree's perm.
type treeNode struct{ tree, lo, hi int32 }

// descent is the state of the NN-descent phases.
type descent struct {
	iter       int
	changes    int
	cand       int       // candidates per point
	newC, oldC []int32   // n×cand candidate lists
	newP, oldP []uint32  // their priorities
	newN, oldN []int32   // counts
	upd        [][]offer // per centre range of a join batch: its offers
	applied    []int     // per row range: the offers that changed a heap
}

// offer is a distance to offer to a heap: from at distance d to row to.
type offer struct {
	to, from int32
	d        float32
}

// mix64 is splitmix64's finaliser, a bijective 64-bit hash.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// rowRange returns the r-th of parts ranges of about equal size that cover
// [0, n).
func rowRange(n, parts, r int) (lo, hi int) { return n * r / parts, n * (r + 1) / parts }

// startTrees sets up the trees' permutations and their roots.
func (g *KNN) startTrees() {
	t := g.cfg.Trees
	g.perms = make([][]int32, t)
	g.leaves = make([][][2]int32, t)
	g.normals = make([][]float32, g.cfg.Workers)
	for w := range g.normals {
		g.normals[w] = make([]float32, g.d)
	}
	for tr := range g.perms {
		p := make([]int32, g.n)
		for i := range p {
			p[i] = int32(i)
		}
		g.perms[tr] = p
		g.addNode(tr, 0, int32(g.n))
	}
	g.pos = 0
}

// addNode records the node [lo, hi) of tree tr as a leaf when it holds at
// most LeafSize rows, else as a node of the next level.
func (g *KNN) addNode(tr int, lo, hi int32) {
	if int(hi-lo) <= g.cfg.LeafSize {
		g.leaves[tr] = append(g.leaves[tr], [2]int32{lo, hi})
		return
	}
	g.nextFront = append(g.nextFront, treeNode{int32(tr), lo, hi})
}

// treeStep splits a batch of the current level's nodes, shared among the
// workers, and records their children; when no node is left to split it
// moves to joining the leaves.
func (g *KNN) treeStep(budget int) int {
	work := 0
	for work < budget {
		if g.pos == len(g.front) {
			if len(g.nextFront) == 0 {
				g.phase, g.pos, g.leafTree = knnLeaves, 0, 0
				return work
			}
			g.front, g.nextFront, g.pos = g.nextFront, g.front[:0], 0
		}
		from, end := g.pos, g.pos
		for end < len(g.front) && (end == from || work < budget) {
			work += int(g.front[end].hi-g.front[end].lo) * g.d
			end++
		}
		g.mids = slices.Grow(g.mids[:0], end-from)[:end-from]
		parallelFor(g.cfg.Workers, end-from, func(w, j int) {
			g.mids[j] = g.split(g.front[from+j], g.normals[w])
		})
		for j, nd := range g.front[from:end] {
			g.addNode(int(nd.tree), nd.lo, g.mids[j])
			g.addNode(int(nd.tree), g.mids[j], nd.hi)
		}
		g.pos = end
	}
	return work
}

// split partitions node nd's rows by a hyperplane between two of its
// random rows (normal is scratch, d) and returns where the second part
// starts. Its random source is seeded by the seed, the tree and the range.
func (g *KNN) split(nd treeNode, normal []float32) int32 {
	d := g.d
	lo, hi := int(nd.lo), int(nd.hi)
	m := hi - lo
	perm := g.perms[nd.tree]
	rng := rand.New(rand.NewPCG(g.cfg.Seed^mix64(uint64(nd.tree)+0x7472_6565), uint64(lo)<<32|uint64(hi)))
	pa := int(perm[lo+rng.IntN(m)])
	pb := int(perm[lo+rng.IntN(m)])
	for pb == pa && m > 1 {
		pb = int(perm[lo+rng.IntN(m)])
	}
	xa, xb := g.x[pa*d:pa*d+d], g.x[pb*d:pb*d+d]
	off := float32(0)
	for t := range normal {
		normal[t] = xa[t] - xb[t]
		off += normal[t] * (xa[t] + xb[t]) / 2
	}
	i, j := lo, hi-1
	for i <= j {
		pi := int(perm[i])
		s := dot32(normal, g.x[pi*d:pi*d+d]) - off
		if s > 0 || s == 0 && rng.Uint32()&1 == 0 {
			i++
		} else {
			perm[i], perm[j] = perm[j], perm[i]
			j--
		}
	}
	if i == lo || i == hi {
		i = lo + m/2 // degenerate split (duplicates): halve
	}
	return int32(i)
}

// leafStep joins the points of a batch of one tree's leaves pairwise, the
// leaves shared among the workers (a tree's leaves hold disjoint rows); the
// trees are taken in order. After the last tree it moves to the fill.
func (g *KNN) leafStep(budget int) int {
	work := 0
	for work < budget {
		if g.leafTree == len(g.leaves) {
			g.phase, g.pos = knnFill, 0
			g.perms, g.leaves, g.front, g.nextFront, g.normals = nil, nil, nil, nil, nil
			return work
		}
		lv := g.leaves[g.leafTree]
		if g.pos == len(lv) {
			g.leafTree, g.pos = g.leafTree+1, 0
			continue
		}
		from, end := g.pos, g.pos
		for end < len(lv) && (end == from || work < budget) {
			m := int(lv[end][1] - lv[end][0])
			work += m*m/2*(g.d+24) + 1
			end++
		}
		perm := g.perms[g.leafTree]
		parallelFor(g.cfg.Workers, end-from, func(_, j int) {
			g.joinLeaf(perm[lv[from+j][0]:lv[from+j][1]])
		})
		g.pos = end
	}
	return work
}

// joinLeaf offers every pair of the leaf's points to both heaps.
func (g *KNN) joinLeaf(pts []int32) {
	for a, i := range pts {
		for _, j := range pts[a+1:] {
			dv := g.dist(int(i), int(j))
			g.push(int(i), j, dv, true)
			g.push(int(j), i, dv, true)
		}
	}
}

// fillStep fills, for a block of points shared among the workers, the heap
// slots the trees left empty with random points (from a source per point),
// so that NN-descent starts from a full graph.
func (g *KNN) fillStep(budget int) int {
	n, k := g.n, g.k
	end, work := g.pos, 0
	for end < n && (end == g.pos || work < budget) {
		work += k
		if g.hi[end*k] < 0 {
			work += 4 * k * (g.d + k)
		}
		end++
	}
	parallelRows(g.cfg.Workers, g.pos, end, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			g.fillRow(i)
		}
	})
	g.pos = end
	if g.pos == n {
		g.phase = knnCandidates
		g.pos = 0
		g.startRound()
	}
	return work
}

// fillRow offers random points to row i until its heap is full or 4·k
// tries are spent.
func (g *KNN) fillRow(i int) {
	n, k := g.n, g.k
	if g.hi[i*k] >= 0 {
		return
	}
	rng := rand.New(rand.NewPCG(g.cfg.Seed^0x66_696c6c, uint64(i)))
	for tries := 0; g.hi[i*k] < 0 && tries < 4*k; tries++ {
		if j := rng.IntN(n); j != i {
			g.push(i, int32(j), g.dist(i, j), true)
		}
	}
}

// startRound resets the candidate lists for an NN-descent round.
func (g *KNN) startRound() {
	n, c := g.n, g.cfg.MaxCandidates
	g.cand = c
	if g.newC == nil {
		g.newC = make([]int32, n*c)
		g.oldC = make([]int32, n*c)
		g.newP = make([]uint32, n*c)
		g.oldP = make([]uint32, n*c)
		g.newN = make([]int32, n)
		g.oldN = make([]int32, n)
	}
	clear(g.newN)
	clear(g.oldN)
	g.changes = 0
}

// addCand offers j with priority p to i's candidate list (a max-heap on
// priority keeping the c smallest).
func addCand(ids []int32, pri []uint32, cnt *int32, j int32, p uint32) {
	c := len(ids)
	m := int(*cnt)
	for _, v := range ids[:m] {
		if v == j {
			return
		}
	}
	if m < c {
		// sift up
		x := m
		for x > 0 {
			par := (x - 1) / 2
			if pri[par] >= p {
				break
			}
			ids[x], pri[x] = ids[par], pri[par]
			x = par
		}
		ids[x], pri[x] = j, p
		*cnt = int32(m + 1)
		return
	}
	if p >= pri[0] {
		return
	}
	x := 0
	for {
		ch := 2*x + 1
		if ch >= c {
			break
		}
		if ch+1 < c && pri[ch+1] > pri[ch] {
			ch++
		}
		if pri[ch] <= p {
			break
		}
		ids[x], pri[x] = ids[ch], pri[ch]
		x = ch
	}
	ids[x], pri[x] = j, p
}

// candidateStep samples, for a block of points, new and old candidates from
// their neighbours and reverse neighbours: every neighbour slot (i, s) gets
// a priority hashed from the seed, the round and the slot, and is offered
// to i's list and to its neighbour's. The workers take ranges of the rows
// whose lists they fill, each scanning the whole block. After the last
// point it moves to marking.
func (g *KNN) candidateStep(budget int) int {
	n, k, c := g.n, g.k, g.cand
	// Each neighbour is offered to two candidate heaps (a duplicate scan and
	// a sift each): about 64 units per neighbour, measured in js/wasm.
	end := min(n, g.pos+max(1, budget/(64*k+1)))
	from := g.pos
	seed := mix64(g.cfg.Seed ^ uint64(g.iter)<<40 ^ 0x63616e64)
	parts := g.cfg.Workers
	parallelFor(parts, parts, func(_, r int) {
		lo, hi := rowRange(n, parts, r)
		for i := from; i < end; i++ {
			own := i >= lo && i < hi
			for s := 0; s < k; s++ {
				j := g.hi[i*k+s]
				if j < 0 || !own && (int(j) < lo || int(j) >= hi) {
					continue
				}
				p := uint32(mix64(seed^uint64(i*k+s)) >> 32)
				ids, pri, cnt := g.newC, g.newP, g.newN
				if !g.hnew[i*k+s] {
					ids, pri, cnt = g.oldC, g.oldP, g.oldN
				}
				if own {
					addCand(ids[i*c:i*c+c], pri[i*c:i*c+c], &cnt[i], j, p)
				}
				if int(j) >= lo && int(j) < hi {
					addCand(ids[int(j)*c:int(j)*c+c], pri[int(j)*c:int(j)*c+c], &cnt[j], int32(i), p)
				}
			}
		}
	})
	work := (end - g.pos) * 64 * k
	g.pos = end
	if g.pos == n {
		g.phase = knnMark
		g.pos = 0
	}
	return work
}

// markStep marks, for a block of points shared among the workers, the
// neighbours that made it into the point's new candidates as old.
func (g *KNN) markStep(budget int) int {
	n, k, c := g.n, g.k, g.cand
	end := min(n, g.pos+max(1, budget/(k*c/2+1)))
	parallelRows(g.cfg.Workers, g.pos, end, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			nc := g.newC[i*c : i*c+int(g.newN[i])]
			for s := 0; s < k; s++ {
				if !g.hnew[i*k+s] {
					continue
				}
				j := g.hi[i*k+s]
				for _, v := range nc {
					if v == j {
						g.hnew[i*k+s] = false
						break
					}
				}
			}
		}
	})
	work := (end - g.pos) * (k*c/2 + 1)
	g.pos = end
	if g.pos == n {
		g.phase = knnJoin
		g.pos = 0
	}
	return work
}

// joinWork estimates the multiply-adds of centre i's local join.
func (g *KNN) joinWork(i int) int {
	nn, no := int(g.newN[i]), int(g.oldN[i])
	return (nn*nn/2 + nn*no + 1) * (g.d + 24) // a distance and two heap offers
}

// joinStep runs the local join of a block of centre points: every pair of
// a centre's new candidates and every new-old pair is compared and offered
// to both heaps. The workers first compute the block's distances by ranges
// of centres, keeping the offers that beat the heap's worst (the heaps only
// improve, so the others would be turned down), then apply them by ranges
// of the receiving rows, each range in the order of the centres. After the
// last centre it ends the round.
func (g *KNN) joinStep(budget int) int {
	n := g.n
	end, work := g.pos, 0
	for end < n && (end == g.pos || work < budget) {
		work += g.joinWork(end)
		end++
	}
	from, workers := g.pos, g.cfg.Workers
	parts := 1
	if workers > 1 {
		parts = min(end-from, 4*workers)
	}
	for len(g.upd) < parts {
		g.upd = append(g.upd, nil)
	}
	parallelFor(workers, parts, func(_, r int) {
		lo, hi := rowRange(end-from, parts, r)
		g.upd[r] = g.joinOffers(g.upd[r][:0], from+lo, from+hi)
	})
	g.applied = slices.Grow(g.applied[:0], workers)[:workers]
	clear(g.applied)
	parallelFor(workers, workers, func(_, r int) {
		lo, hi := rowRange(n, workers, r)
		for _, buf := range g.upd[:parts] {
			for _, o := range buf {
				if int(o.to) >= lo && int(o.to) < hi && g.push(int(o.to), o.from, o.d, true) {
					g.applied[r]++
				}
			}
		}
	})
	for _, c := range g.applied {
		g.changes += c
	}
	g.pos = end
	if g.pos == n {
		g.endRound()
	}
	return work
}

// joinOffers appends to dst the offers of the local joins of the centres
// [from, to) that beat their receiving heap's worst key.
func (g *KNN) joinOffers(dst []offer, from, to int) []offer {
	c := g.cand
	for i := from; i < to; i++ {
		nc := g.newC[i*c : i*c+int(g.newN[i])]
		oc := g.oldC[i*c : i*c+int(g.oldN[i])]
		for a, p := range nc {
			for _, q := range nc[a+1:] {
				dst = g.offerPair(dst, p, q)
			}
			for _, q := range oc {
				if q != p {
					dst = g.offerPair(dst, p, q)
				}
			}
		}
	}
	return dst
}

// offerPair appends to dst the offers of the pair (p, q) to each other's
// heap that beat the heap's worst key.
func (g *KNN) offerPair(dst []offer, p, q int32) []offer {
	k := g.k
	dv := g.dist(int(p), int(q))
	if keyLess(dv, q, g.hd[int(p)*k], g.hi[int(p)*k]) {
		dst = append(dst, offer{p, q, dv})
	}
	if keyLess(dv, p, g.hd[int(q)*k], g.hi[int(q)*k]) {
		dst = append(dst, offer{q, p, dv})
	}
	return dst
}

// endRound stops NN-descent after a round that changed fewer than
// Delta·N·K heap slots, or after the last round, else starts the next.
func (g *KNN) endRound() {
	g.iter++
	g.pos = 0
	if float64(g.changes) <= g.cfg.Delta*float64(g.n)*float64(g.k) || g.iter >= g.cfg.Iterations {
		g.phase = knnSort
		g.upd, g.applied = nil, nil
		return
	}
	g.phase = knnCandidates
	g.startRound()
}
