package reduce

import (
	"errors"
	"strings"
	"testing"
)

// failEigen makes every eigendecomposition of the test fail to converge
// (no QL sweep allowed), restoring the limit afterwards.
func failEigen(t *testing.T) {
	old := qlIterationsPerRow
	qlIterationsPerRow = 0
	t.Cleanup(func() { qlIterationsPerRow = old })
}

func TestSymEigenNoConvergence(t *testing.T) {
	a := []float64{2, 1, 0, 1, 2, 1, 0, 1, 2}
	failEigen(t)
	if _, _, err := symEigenAsc(a, 3); !errors.Is(err, ErrNoConvergence) {
		t.Fatalf("symEigenAsc with no sweeps allowed: err = %v, want ErrNoConvergence", err)
	}
	if _, _, err := symEigen(a, 3); !errors.Is(err, ErrNoConvergence) {
		t.Fatalf("symEigen with no sweeps allowed: err = %v, want ErrNoConvergence", err)
	}
}

// runFailing steps s to completion (bounded) and checks that it ends with
// an error wrapping ErrNoConvergence whose text contains want.
func runFailing(t *testing.T, name string, s Stepper, want string) {
	t.Helper()
	for i := 0; !s.Step(); i++ {
		if i == 100000 {
			t.Fatalf("%s: not done after %d steps", name, i)
		}
	}
	err := s.Err()
	if !errors.Is(err, ErrNoConvergence) {
		t.Fatalf("%s: Err() = %v, want ErrNoConvergence", name, err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("%s: Err() = %q, want it to mention %q", name, err, want)
	}
	if p := s.Progress(); p != 1 {
		t.Errorf("%s: Progress() = %v after failing, want 1", name, p)
	}
	if st, _ := s.Stage(); st != StageDone {
		t.Errorf("%s: Stage() = %q after failing, want done", name, st)
	}
}

func TestPCAEigenNoConvergence(t *testing.T) {
	failEigen(t)
	x := synthetic(8, 400, 20)
	p := NewPCA(x, 400, 20, PCAConfig{Components: 3})
	runFailing(t, "PCA", p, "reduce: PCA: Rayleigh-Ritz")
	if p.Vectors() != nil || p.Variance() != nil || p.Eigenvalues() != nil || p.TotalVariance() != 0 {
		t.Error("failed PCA hands out components or variances")
	}
}

// TestPCAWarmStartNoConvergence fails the PCA of the subsample that starts
// the iteration on a large input: the error reaches the PCA's Err.
func TestPCAWarmStartNoConvergence(t *testing.T) {
	const n, d = 8000, 100
	x := synthetic(9, n, d)
	p := NewPCA(x, n, d, PCAConfig{})
	if p.phase != pcaWarm {
		t.Fatal("the test needs an input large enough for the subsample start")
	}
	failEigen(t)
	runFailing(t, "PCA", p, "subsample")
}

func TestTSNEAndUMAPEigenNoConvergence(t *testing.T) {
	failEigen(t)
	x := synthetic(10, 200, 20)
	ts := NewTSNE(x, 200, 20, TSNEConfig{Perplexity: 10, MaxIterations: 50})
	runFailing(t, "TSNE", ts, "reduce: t-SNE: PCA of the input")
	ts.SetPerplexity(5)
	ts.SetMaxIterations(100)
	if !ts.Step() || !errors.Is(ts.Err(), ErrNoConvergence) {
		t.Error("a failed TSNE restarted after SetPerplexity/SetMaxIterations")
	}
	u := NewUMAP(x, 200, 20, UMAPConfig{Epochs: 50})
	runFailing(t, "UMAP", u, "reduce: UMAP: PCA of the input")
	for _, pos := range [][]float32{ts.Positions(), u.Positions()} {
		for _, v := range pos {
			if v != 0 {
				t.Fatal("a failed run left a layout")
			}
		}
	}
}
