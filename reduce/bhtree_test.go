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
			zz, _ := tr.repulseGroup(y, pts[start[g]:start[g+1]], theta*theta, approx, &s)
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
