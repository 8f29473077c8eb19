package reduce

import (
	"math"
	"runtime"
)

// The exact search in tiles. The rows are cut into blocks of blk rows (a
// multiple of 4); tile (a, b), a ≤ b, compares block a's rows, four at a
// time, with block b's later rows and offers each distance to both rows'
// heaps, so every pair is computed once. The tiles are served in rounds of
// a round-robin tournament on the blocks (first the diagonal tiles, then
// rounds in which every block meets one other), so no two tiles of a round
// share a block: a round's tiles run on any goroutines without writing the
// same heap, and every heap sees its offers in round order whatever the
// number of workers. A pair's distance is computed the same way in every
// schedule (dot32 within an aligned group of four rows, a sequential sum
// otherwise), and heaps keep the smallest (distance, index) keys, so the
// graph is that of the plain row-by-row search.

// exactTiles is the state of the exact search.
type exactTiles struct {
	blk, nblk int        // rows per block, blocks
	round     int        // current round: 0 the diagonal, then the tournament's
	tiles     [][2]int32 // the current round's tiles (a, b), a ≤ b
	tile      int        // next tile of the round
}

// knnBlock4x4 selects the 4×4 exact kernel: 0.74× the time of 4×1 in
// js/wasm, 1.8× natively (amd64: register spills).
const knnBlock4x4 = runtime.GOARCH == "wasm"

// startExact cuts the rows into blocks whose off-diagonal tiles are about
// StepWork/2 multiply-adds and starts the first round.
func (g *KNN) startExact() {
	side := int(math.Sqrt(float64(g.cfg.StepWork) / float64(2*(g.d+2))))
	g.blk = max(4, side/4*4)
	g.nblk = (g.n + g.blk - 1) / g.blk
	g.round, g.tile = 0, 0
	g.tiles = tournamentRound(g.nblk, 0, g.tiles[:0])
}

// tournamentRounds returns the number of rounds for p blocks: the diagonal
// and p'−1 rounds of the circle method, p' the even number p or p+1.
func tournamentRounds(p int) int { return (p + 1) / 2 * 2 }

// tournamentRound appends to dst the tiles (a, b), a ≤ b < p, of round r:
// round 0 is every (a, a); round r ≥ 1 pairs the blocks by the circle
// method (block p'−1 fixed, the others rotated by r−1), leaving out the
// pairs with the extra block p when p is odd. Over all rounds every pair
// a ≤ b appears once, and within a round no block twice.
func tournamentRound(p, r int, dst [][2]int32) [][2]int32 {
	if r == 0 {
		for a := 0; a < p; a++ {
			dst = append(dst, [2]int32{int32(a), int32(a)})
		}
		return dst
	}
	m := tournamentRounds(p) - 1
	add := func(a, b int) {
		if a < p && b < p {
			dst = append(dst, [2]int32{int32(min(a, b)), int32(max(a, b))})
		}
	}
	r--
	add(r, m)
	for s := 1; s <= (m-1)/2; s++ {
		add((r+s)%m, (r-s+m)%m)
	}
	return dst
}

// tileWork estimates the multiply-adds of tile t.
func (g *KNN) tileWork(t [2]int32) int {
	ra := min(g.n, int(t[0]+1)*g.blk) - int(t[0])*g.blk
	rb := min(g.n, int(t[1]+1)*g.blk) - int(t[1])*g.blk
	if t[0] == t[1] {
		return ra*ra/2*(g.d+2) + 1
	}
	return ra*rb*(g.d+2) + 1
}

// exactStep serves the tiles of the current round within the budget, a
// batch at a time shared among the workers; after the last round it moves
// to sorting.
func (g *KNN) exactStep(budget int) int {
	work := 0
	for work < budget {
		if g.tile == len(g.tiles) {
			g.round++
			if g.round == tournamentRounds(g.nblk) {
				g.phase, g.pos, g.tiles = knnSort, 0, nil
				return work
			}
			g.tiles, g.tile = tournamentRound(g.nblk, g.round, g.tiles[:0]), 0
			continue
		}
		from, end := g.tile, g.tile
		for end < len(g.tiles) && (end == from || work < budget) {
			work += g.tileWork(g.tiles[end])
			end++
		}
		parallelFor(g.cfg.Workers, end-from, func(_, j int) { g.exactTile(g.tiles[from+j]) })
		g.tile = end
	}
	return work
}

// exactTile compares the rows of tile t's first block, in groups of four,
// with the later rows of its second block.
func (g *KNN) exactTile(t [2]int32) {
	a, b := int(t[0]), int(t[1])
	aEnd := min(g.n, (a+1)*g.blk)
	bFrom, bEnd := b*g.blk, min(g.n, (b+1)*g.blk)
	for q0 := a * g.blk; q0 < aEnd; q0 += 4 {
		cnt := min(4, g.n-q0)
		from := bFrom
		if a == b {
			g.exactGroup(q0, cnt)
			from = q0 + cnt
		}
		if cnt == 4 && from < bEnd {
			g.exactRows(q0, from, bEnd)
		}
	}
}

// exactGroup offers the pairs within the group of cnt rows from q0.
func (g *KNN) exactGroup(q0, cnt int) {
	for a := q0; a < q0+cnt; a++ {
		for b := a + 1; b < q0+cnt; b++ {
			dv := g.dist(a, b)
			g.push(a, int32(b), dv, false)
			g.push(b, int32(a), dv, false)
		}
	}
}

// exactRows compares the four rows from q0 with the rows [from, to) and
// offers each distance to both heaps.
func (g *KNN) exactRows(q0, from, to int) {
	d := g.d
	cos := g.cfg.Metric == Cosine
	a0, a1, a2, a3 := g.x[q0*d:q0*d+d], g.x[(q0+1)*d:(q0+2)*d], g.x[(q0+2)*d:(q0+3)*d], g.x[(q0+3)*d:(q0+4)*d]
	a1, a2, a3 = a1[:len(a0)], a2[:len(a0)], a3[:len(a0)]
	hd, k := g.hd, g.k
	j := from
	// 4×4 register blocks: each loaded element feeds four sums (js/wasm
	// only: natively the 16 sums spill and 4×1 is faster). Both kernels sum
	// each product in the same order, so the distances are the same.
	for ; knnBlock4x4 && j+4 <= to; j += 4 {
		b0, b1, b2, b3 := g.x[j*d:j*d+d], g.x[(j+1)*d:(j+2)*d], g.x[(j+2)*d:(j+3)*d], g.x[(j+3)*d:(j+4)*d]
		b0, b1, b2, b3 = b0[:len(a0)], b1[:len(a0)], b2[:len(a0)], b3[:len(a0)]
		var s [16]float32
		dots4x4(&s, a0, a1, a2, a3, b0, b1, b2, b3)
		for u := 0; u < 4; u++ {
			jj := j + u
			for t := 0; t < 4; t++ {
				i := q0 + t
				var dv float32
				if cos {
					dv = clampPos(1 - s[4*t+u])
				} else {
					dv = clampPos(g.sq[i] + g.sq[jj] - 2*s[4*t+u])
				}
				// (the root test inline: a call per pair is dear in js/wasm)
				if dv <= hd[i*k] {
					g.push(i, int32(jj), dv, false)
				}
				if dv <= hd[jj*k] {
					g.push(jj, int32(i), dv, false)
				}
			}
		}
	}
	for ; j < to; j++ {
		bj := g.x[j*d : j*d+d]
		bj = bj[:len(a0)]
		var s0, s1, s2, s3 float32
		for t, bv := range bj {
			s0 += a0[t] * bv
			s1 += a1[t] * bv
			s2 += a2[t] * bv
			s3 += a3[t] * bv
		}
		s := [4]float32{s0, s1, s2, s3}
		for t := 0; t < 4; t++ {
			i := q0 + t
			var dv float32
			if cos {
				dv = clampPos(1 - s[t])
			} else {
				dv = clampPos(g.sq[i] + g.sq[j] - 2*s[t])
			}
			g.push(i, int32(j), dv, false)
			g.push(j, int32(i), dv, false)
		}
	}
}
