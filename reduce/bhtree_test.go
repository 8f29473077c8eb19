package reduce

import (
	"math"
	"testing"
)

// repulsionError returns the mean relative error of Barnes-Hut repulsive
// forces and of Z against exact sums, on layout y (n×dims).
func repulsionError(y []float64, n, dims int, grouped bool, theta float64) (force, z float64) {
	var tr bhTree
	tr.build(y, n, dims)
	approx := make([]float64, n*dims)
	za := 0.0
	if grouped {
		pts, start := tr.groups(nil, nil)
		var s bhScratch
		for g := 0; g+1 < len(start); g++ {
			zz, _ := tr.repulseGroup(y, pts[start[g]:start[g+1]], tr.roots[g], theta*theta, approx, &s)
			za += zz
		}
	} else {
		for i := 0; i < n; i++ {
			zz, _ := tr.repulse(y, int32(i), y[i*dims:i*dims+dims], theta*theta, approx[i*dims:i*dims+dims])
			za += zz
		}
	}
	ze := 0.0
	errSum := 0.0
	ex := make([]float64, dims)
	for i := 0; i < n; i++ {
		clear(ex)
		for j := 0; j < n; j++ {
			if j == i {
				continue
			}
			d2 := 0.0
			for c := 0; c < dims; c++ {
				v := y[i*dims+c] - y[j*dims+c]
				d2 += v * v
			}
			w := 1 / (1 + d2)
			ze += w
			for c := 0; c < dims; c++ {
				ex[c] += w * w * (y[i*dims+c] - y[j*dims+c])
			}
		}
		num, den := 0.0, 0.0
		for c := 0; c < dims; c++ {
			num += (approx[i*dims+c] - ex[c]) * (approx[i*dims+c] - ex[c])
			den += ex[c] * ex[c]
		}
		errSum += math.Sqrt(num / max(den, 1e-300))
	}
	return errSum / float64(n), math.Abs(za-ze) / ze
}

// TestBarnesHutGroupedAccuracy checks the grouped traversal against exact
// sums on a real t-SNE layout: at the default theta it must be at least as
// accurate as the per-point criterion of bh_tsne at theta 0.5.
func TestBarnesHutGroupedAccuracy(t *testing.T) {
	x, _ := digits(t)
	for _, dims := range []int{2, 3} {
		ts := runTSNE(t, x, 1797, 64, TSNEConfig{Dims: dims, MaxIterations: 400, Seed: 1})
		def := NewTSNE(nil, 0, 0, TSNEConfig{}).cfg.Theta
		gf, gz := repulsionError(ts.y, ts.n, dims, true, def)
		pf, pz := repulsionError(ts.y, ts.n, dims, false, 0.5)
		t.Logf("%dD: grouped θ=%.2f force error %.5f, Z error %.2g; per-point θ=0.5 %.5f, %.2g", dims, def, gf, gz, pf, pz)
		if gf > pf || gz > max(pz, 1e-3) {
			t.Errorf("%dD: grouped traversal at θ=%v less accurate than per-point θ=0.5: force %.5f vs %.5f, Z %.2g vs %.2g",
				dims, def, gf, pf, gz, pz)
		}
		ef, ez := repulsionError(ts.y, ts.n, dims, true, 1e-9)
		if ef > 1e-9 || ez > 1e-12 {
			t.Errorf("%dD: θ→0 should be exact: force error %v, Z error %v", dims, ef, ez)
		}
	}
}

// repulse is the per-point traversal of bh_tsne, the reference for the
// grouped one: it returns, for point i at p, Σ_j q_ij²·(p−y_j) into f and
// Σ_j q_ij (j ≠ i, q = 1/(1+d²)), approximating far cells by their centre
// of mass when their squared side is below theta2 times their squared
// distance. It also returns the number of interactions evaluated.
func (t *bhTree) repulse(y []float64, i int32, p []float64, theta2 float64, f []float64) (z float64, work int) {
	dims := t.dims
	st := append(t.stack[:0], 0)
	for len(st) > 0 {
		node := st[len(st)-1]
		st = st[:len(st)-1]
		m := t.cnt[node]
		if m == 0 {
			continue
		}
		work++
		if ch := t.child[node]; ch < 0 {
			for j := t.head[node]; j >= 0; j = t.next[j] {
				if j == i {
					continue
				}
				q := y[int(j)*dims : int(j)*dims+dims]
				if dims == 2 {
					dx, dy := p[0]-q[0], p[1]-q[1]
					w := 1 / (1 + dx*dx + dy*dy)
					z += w
					w *= w
					f[0] += w * dx
					f[1] += w * dy
				} else {
					dx, dy, dz := p[0]-q[0], p[1]-q[1], p[2]-q[2]
					w := 1 / (1 + dx*dx + dy*dy + dz*dz)
					z += w
					w *= w
					f[0] += w * dx
					f[1] += w * dy
					f[2] += w * dz
				}
				work++
			}
			continue
		} else {
			c := t.com[int(node)*dims : int(node)*dims+dims]
			var d2 float64
			var dx [3]float64
			for a := 0; a < dims; a++ {
				dx[a] = p[a] - c[a]
				d2 += dx[a] * dx[a]
			}
			if t.w2[node] < theta2*d2 {
				w := 1 / (1 + d2)
				mw := float64(m) * w
				z += mw
				mw *= w
				for a := 0; a < dims; a++ {
					f[a] += mw * dx[a]
				}
				continue
			}
			for o := int32(0); o < int32(t.nch); o++ {
				st = append(st, ch+o)
			}
		}
	}
	t.stack = st
	return z, work
}
